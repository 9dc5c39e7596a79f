"""Offer → contract → signatures → PDF → verification → onboarding check-in, in a real
browser (phone-sized): the organisation sends the offer, the seeker accepts and signs by
drawing on the canvas with the mouse, the organisation signs by tapping, both download the
same PDF, the public page verifies it (and refuses a copy with one byte changed), and after
onboarding the seeker answers the day-7 check-in."""

from __future__ import annotations

import datetime as dt
import hashlib
import os

import pytest
from django.utils import timezone

from tests.conftest import SCREENSHOTS, orm

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
TIMEOUT_MS = 20_000


def _build() -> dict:
    from django.test import Client

    from daigang.accounts.models import Membership
    from daigang.hiring.tests.builders import job_make, member_make, organisation_make, seeker_make
    from daigang.hiring.tests.helpers import applied

    organisation = organisation_make(name="昆山精密电子有限公司")
    owner = member_make(organisation=organisation, role=Membership.Role.OWNER)
    job = job_make(organisation=organisation, title="电子厂普工")
    seeker = seeker_make(phone="13800003333", name="张三")
    application = applied(job=job, seeker=seeker, name="张三")
    sessions = {}
    for name, user in {"owner": owner, "seeker": seeker}.items():
        client = Client()
        client.force_login(user)
        sessions[name] = client.cookies["sessionid"].value
    return {"org": organisation.pk, "application": application.pk, "sessions": sessions}


def _page(chromium, server: str, session: str | None, pages: list, name: str):  # type: ignore[no-untyped-def]
    context = chromium.new_context(viewport=PHONE, base_url=server, accept_downloads=True)
    context.set_default_timeout(TIMEOUT_MS)
    if session:
        context.add_cookies([{"name": "sessionid", "value": session, "url": server}])
    page = context.new_page()
    pages.append((name, page))
    return page


def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    if os.environ.get("E2E_SCREENSHOTS"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / name), full_page=True)


def _draw_signature(page) -> None:  # type: ignore[no-untyped-def]
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


def _download(page, selector: str, tmp_path, name: str) -> bytes:  # type: ignore[no-untyped-def]
    with page.expect_download() as info:
        page.click(selector)
    target = tmp_path / name
    info.value.save_as(str(target))
    return target.read_bytes()


def _contract_row(application_id: int) -> dict:
    from daigang.contracts.models import Contract

    contract = Contract.objects.get(application_id=application_id)
    signatures = {s.party: s for s in contract.signatures.all()}
    return {
        "id": contract.pk,
        "status": contract.status,
        "pdf_sha256": contract.pdf_sha256,
        "methods": {party: s.method for party, s in signatures.items()},
        "image_bytes": len(bytes(signatures["seeker"].image_png)) if "seeker" in signatures else 0,
        "ips": {party: s.ip for party, s in signatures.items()},
    }


def _stage(application_id: int) -> str:
    from daigang.hiring.models import Application

    return Application.objects.get(pk=application_id).stage


def test_offer_accept_sign_download_verify_and_check_in(
    asgi_server, chromium, screenshot_on_failure, tmp_path
):
    world = orm(_build)
    org, application = world["org"], world["application"]
    owner = _page(chromium, asgi_server, world["sessions"]["owner"], screenshot_on_failure, "owner")
    seeker = _page(
        chromium, asgi_server, world["sessions"]["seeker"], screenshot_on_failure, "seeker"
    )

    # given the organisation sends the offer built from the job's terms
    owner.goto(f"/manage/{org}/applications/{application}/offer/")
    assert owner.input_value("input[name=wage_min]") == "22"
    assert owner.input_value("input[name=wage_max]") == "25"
    owner.click("#offer-send")
    owner.wait_for_selector("#offer-status[data-offer-status=sent]")

    # when the seeker finds it on 我的报名 and accepts
    seeker.goto("/me/applications/")
    seeker.click("[data-todo=offer] a")
    seeker.wait_for_selector("#offer[data-offer-status=sent]")
    assert "22-25 元/小时" in seeker.inner_text("#offer")
    _shot(seeker, "contract-offer-seeker.png")
    seeker.click("#offer-accept")
    seeker.wait_for_selector("#contract-text[data-contract-kind=employment]")
    assert "甲方（用人单位）：昆山精密电子有限公司" in seeker.inner_text("#contract-text")

    # and signs by drawing on the canvas with the mouse
    seeker.wait_for_selector("#signature-box[data-ready=true]")
    assert seeker.is_checked("#method-drawn")
    seeker.fill("#typed-name", "张三")
    _draw_signature(seeker)
    assert seeker.input_value("#signature-data").startswith("data:image/png;base64,")
    seeker.check("#sign-agree")
    _shot(seeker, "contract-signing-seeker.png")
    seeker.click("#sign-submit")
    seeker.wait_for_selector(".signature-record[data-party=seeker] img.signature-image")

    # and the organisation signs by tapping
    contract_id = orm(_contract_row, application)["id"]
    owner.goto(f"/manage/{org}/contracts/{contract_id}/")
    owner.check("#method-tapped")
    owner.fill("#typed-name", "王经理")
    owner.check("#sign-agree")
    owner.click("#sign-submit")
    owner.wait_for_selector("#contract-signed")
    _shot(owner, "contract-signed-owner.png")

    # then the contract is signed, with both records, and the application is 已签约
    row = orm(_contract_row, application)
    assert row["status"] == "signed"
    assert row["methods"] == {"seeker": "drawn", "organisation": "tapped"}
    assert row["image_bytes"] > 200
    assert row["ips"] == {"seeker": "127.0.0.1", "organisation": "127.0.0.1"}
    assert orm(_stage, application) == "signed"

    # and both sides download the same PDF, whose SHA-256 is the stored one
    from_owner = _download(owner, "#contract-pdf-download", tmp_path, "owner.pdf")
    seeker.reload()
    from_seeker = _download(seeker, "#contract-pdf-download", tmp_path, "seeker.pdf")
    assert from_owner == from_seeker and from_owner.startswith(b"%PDF")
    assert hashlib.sha256(from_owner).hexdigest() == row["pdf_sha256"]

    # and the public verification page accepts it and refuses a copy with one byte changed
    visitor = _page(chromium, asgi_server, None, screenshot_on_failure, "visitor")
    visitor.goto("/contracts/verify/")
    visitor.set_input_files("input[name=file]", str(tmp_path / "seeker.pdf"))
    visitor.click("#verify-submit")
    visitor.wait_for_selector("#verify-result[data-verified=true]")
    _shot(visitor, "contract-verified.png")
    tampered = bytearray(from_seeker)
    tampered[len(tampered) // 2] ^= 0x20
    (tmp_path / "tampered.pdf").write_bytes(bytes(tampered))
    visitor.set_input_files("input[name=file]", str(tmp_path / "tampered.pdf"))
    visitor.click("#verify-submit")
    visitor.wait_for_selector("#verify-result[data-verified=false]")

    # when the organisation marks the seeker as started a week ago
    owner.goto(f"/manage/{org}/applications/{application}/offer/")
    week_ago = timezone.localdate() - dt.timedelta(days=7)
    owner.fill("input[name=started_on]", week_ago.isoformat())
    owner.click("#onboard-submit")
    owner.wait_for_selector("#onboarded")
    assert orm(_stage, application) == "onboarded"

    # then the day-7 check-in is due on the seeker's page, and they answer it
    seeker.goto("/me/applications/")
    seeker.click("[data-todo=checkin] a")
    seeker.check("input[name=wage][value=yes]")
    seeker.check("input[name=board][value=partly]")
    seeker.check("input[name=work][value=yes]")
    seeker.fill("input[name=board_comment]", "宿舍6人间，说好4人")
    seeker.click("#checkin-submit")
    seeker.wait_for_selector("#checkin[data-answered=true]")
