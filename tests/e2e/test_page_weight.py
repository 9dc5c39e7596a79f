"""The home page on a weak phone: what a first visit costs over the wire, on an emulated slow
link (400 kbit/s, 400 ms), with the demo's data (`make run`'s).

Bytes are what the test holds to, never time: the same page takes a different time on a busy
test machine. Chromium reports, per request, the bytes it received (headers included, body as
sent: compressed); the test adds them up. README "Static files" quotes the figure.
"""

from __future__ import annotations

import pytest

from tests.conftest import orm

pytestmark = pytest.mark.e2e

PHONE = {"width": 360, "height": 740}
BUDGET_BYTES = 60 * 1024
# A weak mobile link: 400 kbit/s each way, 400 ms latency.
SLOW_LINK = {
    "offline": False,
    "latency": 400,
    "downloadThroughput": 400_000 / 8,
    "uploadThroughput": 400_000 / 8,
}


def _demo() -> None:
    from daigang.demo.load import demo_load

    demo_load()


def test_the_home_page_costs_at_most_60_kb_on_a_first_visit_over_a_slow_link(
    asgi_server, chromium, screenshot_on_failure
):
    # given: the demo's organisations, jobs and rooms; a phone that has never been here
    orm(_demo)
    context = chromium.new_context(viewport=PHONE, base_url=asgi_server, locale="zh-CN")
    page = context.new_page()
    screenshot_on_failure.append(("home", page))
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send("Network.emulateNetworkConditions", SLOW_LINK)
    received: dict[str, int] = {}
    urls: dict[str, str] = {}
    codings: dict[str, str] = {}
    failed: list[str] = []

    def responded(event: dict) -> None:
        headers = {name.lower(): value for name, value in event["response"]["headers"].items()}
        urls[event["requestId"]] = event["response"]["url"]
        codings[event["requestId"]] = headers.get("content-encoding", "")

    cdp.on("Network.responseReceived", responded)
    cdp.on(
        "Network.loadingFinished",
        lambda event: received.__setitem__(event["requestId"], int(event["encodedDataLength"])),
    )
    cdp.on("Network.loadingFailed", lambda event: failed.append(event["requestId"]))

    # when
    page.goto("/", wait_until="load", timeout=60_000)
    page.wait_for_load_state("networkidle", timeout=60_000)

    # then: usable (jobs on screen), within budget, every text file compressed
    assert page.locator("#job-list .job-card").first.is_visible()
    assert not failed
    total = sum(received.values())
    listing = "\n".join(
        f"{received.get(request, 0):>7} {codings[request] or 'identity':8} {url}"
        for request, url in urls.items()
    )
    print(f"home page, first visit: {total} bytes over the wire\n{listing}")
    assert total <= BUDGET_BYTES, listing
    # data: URLs (the icons inside the CSS) come with the file that holds them, not the wire.
    sent = [request for request, url in urls.items() if not url.startswith("data:")]
    assert all(codings[request] in ("br", "gzip") for request in sent), listing
    context.close()
