"""Steps of the hiring flow in a real browser (Playwright, phone-sized pages), shared by
tests/e2e/test_hiring_flow.py (interview → offer → contract → check-in, over WebRTC) and
tests/e2e/test_contract_signing.py (the same hire from an offer on, without WebRTC, so it also
runs outside the loopback-only namespace).

Every step goes through the pages as a person would and waits on a condition (a selector, a
page-side poll with a deadline), never on a fixed sleep: the machine running them is shared and
loaded. ORM reads go through tests.conftest.orm (Playwright keeps an event loop on the test's
thread).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import time_machine
from playwright.sync_api import Browser, Page, expect

from tests.conftest import SCREENSHOTS, orm

PHONE = {"width": 390, "height": 844}
TIMEOUT_MS = 20_000
# The first check-in is due 7 days after the start date.
CHECKIN_DAY = 7


def session_cookie(user) -> str:  # type: ignore[no-untyped-def]
    """A logged-in session for `user`, as the browser's sessionid cookie (ORM: call in orm())."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def page_open(
    browser: Browser, server: str, *, session: str | None, pages: list, name: str
) -> Page:
    """A phone-sized page in its own browser context (own cookies), logged in by `session`,
    on a phone set to Chinese (the site also speaks English to browsers that ask for it).

    `pages` is the screenshot_on_failure list: the page is saved as `name` if the test fails.
    """
    context = browser.new_context(
        viewport=PHONE, base_url=server, locale="zh-CN", accept_downloads=True
    )
    context.set_default_timeout(TIMEOUT_MS)
    if os.environ.get("E2E_DEBUG"):
        context.on("console", lambda msg: print(f"console[{name}]:", msg.type, msg.text))
    if session:
        context.add_cookies([{"name": "sessionid", "value": session, "url": server}])
    page = context.new_page()
    pages.append((name, page))
    return page


def screenshot(page: Page, name: str) -> None:
    """Save a full-page PNG when E2E_SCREENSHOTS is set (to look at the pages, not to assert)."""
    if os.environ.get("E2E_SCREENSHOTS"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / name), full_page=True)


# ---- reads for the assertions ---------------------------------------------------------------


def stage_of(application_id: int) -> str:
    from daigang.hiring.models import Application

    return Application.objects.get(pk=application_id).stage


def contract_row(application_id: int) -> dict:
    from daigang.contracts.models import Contract

    contract = Contract.objects.get(application_id=application_id)
    signatures = {s.party: s for s in contract.signatures.all()}
    return {
        "status": contract.status,
        "pdf_sha256": contract.pdf_sha256,
        "methods": {party: s.method for party, s in signatures.items()},
        "image_bytes": len(bytes(signatures["seeker"].image_png)) if "seeker" in signatures else 0,
        "ips": {party: s.ip for party, s in signatures.items()},
    }


def checkins_of(application_id: int) -> list[tuple[int, str, str, str, str]]:
    from daigang.contracts.models import CheckIn

    return list(
        CheckIn.objects.filter(onboarding__application_id=application_id)
        .order_by("day")
        .values_list("day", "wage_answer", "board_answer", "work_answer", "board_comment")
    )


# ---- the steps ------------------------------------------------------------------------------


def offer_send(owner: Page) -> dt.date:
    """On the organisation's offer page: the form carries the job's terms; send it. Returns
    the start date the offer says."""
    expect(owner.locator("input[name=wage_min]")).to_have_value("22")
    expect(owner.locator("input[name=wage_max]")).to_have_value("25")
    start_date = dt.date.fromisoformat(owner.input_value("input[name=start_date]"))
    owner.click("#offer-send")
    owner.wait_for_selector("#offer-status[data-offer-status=sent]")
    return start_date


def offer_accept(seeker: Page, *, organisation_name: str) -> None:
    """The seeker finds the offer on 我的报名, reads the terms and accepts: the contract shows."""
    seeker.goto("/me/applications/")
    seeker.click("[data-todo=offer] a")
    seeker.wait_for_selector("#offer[data-offer-status=sent]")
    assert "22-25 元/小时" in seeker.inner_text("#offer")
    screenshot(seeker, "contract-offer-seeker.png")
    seeker.click("#offer-accept")
    seeker.wait_for_selector("#contract-text[data-contract-kind=employment]")
    assert f"甲方（用人单位）：{organisation_name}" in seeker.inner_text("#contract-text")


def signature_draw(page: Page) -> None:
    """A zigzag drawn with the mouse on the signature canvas."""
    pad = page.locator("#signature-pad")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    assert box and box["width"] > 100
    x, y = box["x"], box["y"]
    page.mouse.move(x + 30, y + 120)
    page.mouse.down()
    for step in range(1, 25):
        page.mouse.move(x + 30 + step * 10, y + 120 - (step % 6) * 15, steps=2)
    page.mouse.up()


def seeker_sign_drawn(seeker: Page, *, name: str) -> None:
    """On the contract page: typed name + a signature drawn on the canvas + consent."""
    seeker.wait_for_selector("#signature-box[data-ready=true]")
    assert seeker.is_checked("#method-drawn")
    seeker.fill("#typed-name", name)
    signature_draw(seeker)
    assert seeker.input_value("#signature-data").startswith("data:image/png;base64,")
    seeker.check("#sign-agree")
    screenshot(seeker, "contract-signing-seeker.png")
    seeker.click("#sign-submit")
    seeker.wait_for_selector(".signature-record[data-party=seeker] img.signature-image")


def organisation_sign_tapped(owner: Page, *, offer_url: str, name: str) -> None:
    """From the offer page, the organisation opens the contract and signs by tapping."""
    owner.goto(offer_url)
    owner.click("#contract-link")
    # signature.js makes drawing the default once it runs; choose only after that.
    owner.wait_for_selector("#signature-box[data-ready=true]", state="attached")
    owner.check("#method-tapped")
    owner.fill("#typed-name", name)
    owner.check("#sign-agree")
    owner.click("#sign-submit")
    owner.wait_for_selector("#contract-signed")
    screenshot(owner, "contract-signed-owner.png")


def pdf_download(page: Page, target: Path) -> bytes:
    with page.expect_download() as info:
        page.click("#contract-pdf-download")
    info.value.save_as(str(target))
    return target.read_bytes()


def pdf_verify(visitor: Page, path: Path, *, verified: bool) -> None:
    """Upload `path` on the public verification page; it says whether it is the signed one."""
    visitor.goto("/contracts/verify/")
    visitor.set_input_files("input[name=file]", str(path))
    visitor.click("#verify-submit")
    visitor.wait_for_selector(f"#verify-result[data-verified={str(verified).lower()}]")


def onboard(owner: Page, *, offer_url: str, started_on: dt.date) -> None:
    owner.goto(offer_url)
    owner.fill("input[name=started_on]", started_on.isoformat())
    owner.click("#onboard-submit")
    owner.wait_for_selector(f"#onboarded[data-started-on='{started_on.isoformat()}']")


def checkin_answer(seeker: Page) -> None:
    """The seeker opens the due check-in from 我的报名 and answers the three questions."""
    seeker.goto("/me/applications/")
    seeker.click("[data-todo=checkin] a")
    seeker.check("input[name=wage][value=yes]")
    seeker.check("input[name=board][value=partly]")
    seeker.check("input[name=work][value=yes]")
    seeker.fill("input[name=board_comment]", "宿舍6人间，说好4人")
    seeker.click("#checkin-submit")
    seeker.wait_for_selector("#checkin[data-answered=true]")


def morning_of(day: dt.date) -> dt.datetime:
    """9:00 on `day` in the site's time zone (TIME_ZONE), where its dates are counted."""
    from django.utils import timezone

    return timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))


@dataclass
class Hire:
    """Who takes part from the offer on, and where the organisation's offer page is."""

    owner: Page  # on the offer page of `application_id`, not sent yet
    seeker: Page
    visitor: Page  # anonymous: the public verification page
    application_id: int
    offer_url: str
    organisation_name: str


def hire_from_offer(hire: Hire, tmp_path: Path) -> None:
    """Offer → accept → both sign → both download the PDF → it verifies, a changed byte does
    not → the seeker starts work on the start date → the day-7 check-in is answered.

    The clock moves forward for real (time_machine, process-wide, so the server thread sees it
    too): to the start date for onboarding, then to day 7, when the check-in becomes due.
    """
    owner, seeker, visitor, application = hire.owner, hire.seeker, hire.visitor, hire.application_id
    # given the organisation sends the offer built from the job's terms, and the seeker accepts
    start_date = offer_send(owner)
    offer_accept(seeker, organisation_name=hire.organisation_name)
    assert orm(stage_of, application) == "offer"

    # when the seeker signs by drawing and the organisation by tapping
    seeker_sign_drawn(seeker, name="张三")
    organisation_sign_tapped(owner, offer_url=hire.offer_url, name="王经理")

    # then the contract is signed with both records, and the application is 已签约
    row = orm(contract_row, application)
    assert row["status"] == "signed"
    assert row["methods"] == {"seeker": "drawn", "organisation": "tapped"}
    assert row["image_bytes"] > 200
    assert row["ips"] == {"seeker": "127.0.0.1", "organisation": "127.0.0.1"}
    assert orm(stage_of, application) == "signed"

    # and both sides download the same PDF, whose SHA-256 is the stored one
    from_owner = pdf_download(owner, tmp_path / "owner.pdf")
    seeker.goto("/me/applications/")
    seeker.click("[data-todo=signed] a")
    from_seeker = pdf_download(seeker, tmp_path / "seeker.pdf")
    assert from_owner == from_seeker and from_owner.startswith(b"%PDF")
    assert hashlib.sha256(from_owner).hexdigest() == row["pdf_sha256"]

    # and the public verification page accepts it and refuses a copy with one byte changed
    pdf_verify(visitor, tmp_path / "seeker.pdf", verified=True)
    screenshot(visitor, "contract-verified.png")
    tampered = bytearray(from_seeker)
    tampered[len(tampered) // 2] ^= 0x20
    (tmp_path / "tampered.pdf").write_bytes(bytes(tampered))
    pdf_verify(visitor, tmp_path / "tampered.pdf", verified=False)

    with time_machine.travel(morning_of(start_date), tick=True) as clock:
        # when the seeker starts on the start date and the organisation marks it
        onboard(owner, offer_url=hire.offer_url, started_on=start_date)
        assert orm(stage_of, application) == "onboarded"
        # then nothing is asked yet on the first day
        seeker.goto("/me/applications/")
        expect(seeker.locator("#contracts-todo [data-todo=signed]")).to_have_count(1)
        expect(seeker.locator("[data-todo=checkin]")).to_have_count(0)

        # when a week has passed, the day-7 check-in is due, and the seeker answers it
        clock.shift(dt.timedelta(days=CHECKIN_DAY))
        checkin_answer(seeker)
        screenshot(seeker, "contract-checkin-seeker.png")

    assert orm(checkins_of, application) == [
        (7, "yes", "partly", "yes", "宿舍6人间，说好4人"),
        (30, "", "", "", ""),
    ]
