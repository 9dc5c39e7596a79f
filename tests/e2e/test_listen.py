"""听岗位 and voice search in a real browser on a phone (static/js/listen.js, voice_search.js),
and the job page's bottom bar.

Headless Chromium has no speech voices at all, so tapping 听 there must play the server's
recording (espeak-ng, daigang.jobs.listen); a browser with a Chinese voice is stood in for by a
fake speechSynthesis, and speech recognition by a fake recogniser (the real one would send the
microphone to a service on the internet).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.conftest import orm

pytestmark = pytest.mark.e2e

PHONE = {"width": 360, "height": 740}
TIMEOUT_MS = 15_000


@dataclass
class Site:
    job_id: int
    other_job_id: int
    room_id: int
    listen_url: str
    listen_text: str


def _build() -> Site:
    from daigang.accounts.testing import organisation_make
    from daigang.jobs.listen import job_listen_url
    from daigang.jobs.presenters import job_listen_text
    from daigang.jobs.testing import job_make
    from daigang.live.models import Room
    from daigang.live.testing import room_make

    organisation = organisation_make(name="昆山精密电子有限公司")
    # Long enough that the job page scrolls on a phone.
    duties = "\n\n".join(f"第{n}步：领料、上料、检查、装配、贴标、装箱。" for n in range(1, 25))
    job = job_make(organisation=organisation, title="电子厂普工", duties=duties)
    other = job_make(organisation=organisation, title="仓库分拣员")
    room = room_make(organisation=organisation, title="昆山电子厂专场", state=Room.State.LIVE)
    room.jobs.add(job, other)
    room.pinned_job = job
    room.save(update_fields=["pinned_job"])
    return Site(
        job_id=job.pk,
        other_job_id=other.pk,
        room_id=room.pk,
        listen_url=job_listen_url(job),
        listen_text=job_listen_text(job),
    )


@pytest.fixture
def site(asgi_server) -> Site:
    return orm(_build)


def _phone(chromium, base_url: str, init_script: str | None = None):  # type: ignore[no-untyped-def]
    context = chromium.new_context(viewport=PHONE, base_url=base_url, locale="zh-CN")
    context.set_default_timeout(TIMEOUT_MS)
    if init_script:
        context.add_init_script(init_script)
    return context.new_page()


def _boxes(page, selector: str) -> list[dict]:  # type: ignore[no-untyped-def]
    page.wait_for_selector(f"{selector}:visible")
    return [
        page.locator(selector).nth(i).bounding_box() for i in range(page.locator(selector).count())
    ]


def test_every_job_card_and_the_job_page_have_a_labelled_listen_button_of_44_px(
    site, asgi_server, chromium, screenshot_on_failure
):
    page = _phone(chromium, asgi_server)
    screenshot_on_failure.append(("listen", page))
    for path, cards in [
        ("/", 2),  # the home list
        (f"/live/{site.room_id}/", 3),  # the room: the pinned card and both of its jobs
        (f"/jobs/{site.job_id}/", 1),
    ]:
        # when a seeker opens the page
        page.goto(path)
        # then each job has a 听 button, big enough for a thumb, named for a screen reader
        boxes = _boxes(page, ".listen-btn")
        assert len(boxes) == cards, path
        for box in boxes:
            assert box is not None and box["width"] >= 44 and box["height"] >= 44, (path, box)
        first = page.locator(".listen-btn").first
        assert first.get_attribute("aria-label").startswith("听岗位：")
        assert first.inner_text() == "听"


def _pin(room_id: int, job_id: int) -> str:
    from daigang.accounts.models import Membership
    from daigang.accounts.testing import member_make
    from daigang.jobs.listen import job_listen_url
    from daigang.jobs.models import Job
    from daigang.live.models import Room
    from daigang.live.services import room_pin

    room = Room.objects.get(pk=room_id)
    anchor = member_make(organisation=room.organisation, role=Membership.Role.ANCHOR)
    room.anchors.add(anchor)
    job = Job.objects.select_related("organisation").get(pk=job_id)
    room_pin(room=room, job=job, by=anchor)
    return job_listen_url(job)


def test_a_card_pinned_while_watching_gets_its_own_listen_button(
    site, asgi_server, chromium, screenshot_on_failure
):
    # given a seeker watching the room, the first job pinned
    page = _phone(chromium, asgi_server)
    screenshot_on_failure.append(("room", page))
    page.goto(f"/live/{site.room_id}/")
    pinned = page.locator("#pin-body .listen-btn")
    assert pinned.get_attribute("data-listen-audio") == site.listen_url
    page.wait_for_selector("[data-connection=open]")  # the room's socket (chat.js)
    # when the anchor pins the other job
    other_url = orm(_pin, site.room_id, site.other_job_id)
    # then the new card's 听 reads that job, and is shown
    page.wait_for_function(
        f"() => document.querySelector('#pin-body .listen-btn')?.dataset.listenAudio === '{other_url}'"
    )
    assert pinned.is_visible()
    assert pinned.get_attribute("aria-label") == "听岗位：仓库分拣员"
    assert pinned.get_attribute("data-listen-text").startswith("仓库分拣员。")


def test_without_a_chinese_voice_listen_plays_the_servers_recording(
    site, asgi_server, chromium, screenshot_on_failure
):
    # given a phone browser with no Chinese voice (headless Chromium has no voice at all)
    page = _phone(chromium, asgi_server)
    screenshot_on_failure.append(("job", page))
    page.goto(f"/jobs/{site.job_id}/")
    assert (
        page.evaluate(
            "() => speechSynthesis.getVoices().filter(v => v.lang.startsWith('zh')).length"
        )
        == 0
    )
    # when the seeker taps 听
    page.locator(".job-detail .listen-btn").click()
    # then an <audio> plays the server's recording of the job
    page.wait_for_function(
        "() => { const a = document.getElementById('listen-player');"
        " return a && a.readyState >= 1 && a.duration > 1; }"
    )
    src = page.evaluate("() => document.getElementById('listen-player').src")
    assert src == asgi_server + site.listen_url
    assert page.locator(".job-detail .listen-btn").get_attribute("aria-pressed") == "true"
    # and a second tap stops it
    page.locator(".job-detail .listen-btn").click()
    assert page.evaluate("() => document.getElementById('listen-player').paused")
    assert page.locator(".job-detail .listen-btn").get_attribute("aria-pressed") == "false"


FAKE_CHINESE_VOICE = """
(() => {
  window.__spoken = [];
  const voice = {lang: "zh-CN", name: "Tingting", localService: true, default: true};
  window.SpeechSynthesisUtterance = function (text) { this.text = text; };
  Object.defineProperty(window, "speechSynthesis", {value: {
    getVoices: () => [voice],
    speak: (u) => window.__spoken.push({text: u.text, lang: u.lang, voice: u.voice && u.voice.name}),
    cancel: () => {},
  }});
})();
"""


def test_with_a_chinese_voice_the_browser_reads_the_same_text_itself(
    site, asgi_server, chromium, screenshot_on_failure
):
    # given a browser with a Mandarin voice
    page = _phone(chromium, asgi_server, FAKE_CHINESE_VOICE)
    screenshot_on_failure.append(("job", page))
    page.goto(f"/jobs/{site.job_id}/")
    # when the seeker taps 听
    page.locator(".job-detail .listen-btn").click()
    # then that voice reads the server's text, and no recording is fetched
    spoken = page.evaluate("() => window.__spoken")
    assert spoken == [{"text": site.listen_text, "lang": "zh-CN", "voice": "Tingting"}]
    assert page.evaluate("() => document.getElementById('listen-player')") is None


def test_when_the_server_cannot_speak_and_the_browser_has_no_voice_the_button_goes(
    site, asgi_server, chromium, settings, screenshot_on_failure
):
    # given a server without espeak-ng, and a browser without voices
    settings.LISTEN_ESPEAK = "espeak-ng-not-installed"
    page = _phone(chromium, asgi_server)
    screenshot_on_failure.append(("home", page))
    page.goto("/")
    # when the seeker taps 听
    page.locator(".listen-btn").first.click()
    # then every 听 button is hidden rather than left doing nothing
    page.wait_for_function(
        "() => [...document.querySelectorAll('.listen-btn')].every(b => b.hidden)"
    )


def test_the_job_pages_apply_and_report_bar_stays_at_the_bottom_while_scrolling(
    site, asgi_server, chromium, screenshot_on_failure
):
    page = _phone(chromium, asgi_server)
    screenshot_on_failure.append(("job", page))
    page.goto(f"/jobs/{site.job_id}/")
    assert page.evaluate("() => document.documentElement.scrollHeight") > 2 * PHONE["height"]
    bar = page.locator("#job-actions")
    for scroll in (0, 600, 1200):
        # when the seeker scrolls
        page.evaluate(f"() => window.scrollTo(0, {scroll})")
        page.wait_for_function(f"() => Math.abs(window.scrollY - {scroll}) < 2")
        # then 一键报名 and 举报 are on screen, the bar at the bottom edge
        box = bar.bounding_box()
        assert box is not None
        assert abs(box["y"] + box["height"] - PHONE["height"]) <= 1, (scroll, box)
        assert bar.locator("#apply-link").is_visible()
        assert bar.locator(".report-link").is_visible()
    apply_box = bar.locator("#apply-link").bounding_box()
    report_box = bar.locator(".report-link").bounding_box()
    assert apply_box["height"] >= 44 and report_box["height"] >= 44
    assert report_box["width"] >= 44
    # and the wage is the largest text on the page
    sizes = page.evaluate(
        "() => [...document.querySelectorAll('main *')].filter(e => e.childElementCount === 0"
        " && e.textContent.trim()).map(e => [e.className, parseFloat(getComputedStyle(e).fontSize)])"
    )
    largest = max(size for _, size in sizes)
    assert ("wage", largest) in [(cls, size) for cls, size in sizes]


NO_RECOGNITION = "delete window.SpeechRecognition; delete window.webkitSpeechRecognition;"
FAKE_RECOGNITION = """
window.SpeechRecognition = window.webkitSpeechRecognition = function () {
  const self = this;
  self.start = () => { window.__heard = self.lang; setTimeout(() => {
    self.onresult({results: [[{transcript: "仓库分拣员。"}]]});
    self.onend();
  }, 50); };
  self.abort = () => self.onend();
};
"""


def test_voice_search_is_hidden_where_the_browser_cannot_recognise_speech(
    site, asgi_server, chromium
):
    page = _phone(chromium, asgi_server, NO_RECOGNITION)
    page.goto("/")
    page.wait_for_load_state("load")
    assert page.locator("#voice-search").is_hidden()


def test_voice_search_fills_the_search_box_and_searches(
    site, asgi_server, chromium, screenshot_on_failure
):
    # given a browser that recognises speech
    page = _phone(chromium, asgi_server, FAKE_RECOGNITION)
    screenshot_on_failure.append(("home", page))
    page.goto("/")
    button = page.locator("#voice-search")
    box = button.bounding_box()
    assert box is not None and box["width"] >= 44 and box["height"] >= 44
    assert button.get_attribute("aria-label") == "语音搜索"
    # when the seeker taps the microphone and says a job
    button.click()
    # then the box holds what was said (Mandarin asked for), and the list shows that job only
    page.wait_for_function("() => document.getElementById('id_q').value === '仓库分拣员'")
    assert page.evaluate("() => window.__heard") == "zh-CN"
    page.wait_for_function("() => document.querySelectorAll('#job-list .job-card').length === 1")
    assert "仓库分拣员" in page.locator("#job-list .job-card").inner_text()
