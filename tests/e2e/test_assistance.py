"""The assistance list (帮扶) in the real browser: a seeker in 兰州 applies four times without an
offer and is not listed; after the fifth the bureau's operator sees them (masked) with the
reason, assigns them to a matchmaker, and the bureau's numbers show 帮扶人数 1."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from tests.conftest import SCREENSHOTS, orm
from tests.e2e.hiring_steps import page_open, session_cookie

pytestmark = pytest.mark.e2e


def _apply(seeker_id: int, company_id: int, times: int) -> None:
    from daigang.accounts.models import Organisation, User
    from daigang.hiring.testing import application_make
    from daigang.jobs.testing import job_make

    seeker = User.objects.get(pk=seeker_id)
    company = Organisation.objects.get(pk=company_id)
    for _ in range(times):
        application_make(job=job_make(organisation=company), seeker=seeker, name=seeker.name)


def _world() -> dict[str, object]:
    from daigang.accounts.testing import organisation_make
    from daigang.fairs.testing import bureau_make, operator_make
    from daigang.hiring.testing import seeker_make
    from daigang.matchmaking.testing import matchmaker_make
    from daigang.regions.models import Region

    bureau = bureau_make(region="620100")
    operator = operator_make(bureau=bureau)
    matchmaker = matchmaker_make(organisation=bureau, name="专员小周")
    company = organisation_make(name="兰州佳友电子有限公司")
    company.region = Region.objects.get(code="620102")
    company.save(update_fields=["region"])
    seeker = seeker_make(name="马小军")
    _apply(seeker.pk, company.pk, 4)
    return {
        "bureau": bureau.pk,
        "company": company.pk,
        "matchmaker": matchmaker.pk,
        "seeker": seeker.pk,
        "masked_phone": seeker.masked_phone,
        "operator": session_cookie(operator),
    }


def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    if os.environ.get("E2E_SCREENSHOTS"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_the_bureau_assigns_a_seeker_from_the_assistance_list_and_counts_them(
    asgi_server, chromium, screenshot_on_failure
):
    world = orm(_world)
    operator = page_open(
        chromium,
        asgi_server,
        session=world["operator"],  # type: ignore[arg-type]
        pages=screenshot_on_failure,
        name="operator",
    )
    # given a seeker with four applications and no offer: not on the list
    operator.goto(f"/manage/{world['bureau']}/assistance/")
    expect(operator.locator("[data-assistance-list]")).to_contain_text("目前没有符合条件的求职者")
    # when they apply a fifth time
    orm(_apply, world["seeker"], world["company"], 1)
    # then the operator sees them, masked, with the reason in words
    operator.reload()
    row = operator.locator(f"[data-seeker='{world['seeker']}']")
    expect(row).to_contain_text("马**")
    expect(row).to_contain_text(str(world["masked_phone"]))
    expect(row.locator("[data-reason]")).to_have_text("30 天内报名 5 次，面试 0 次，没有录用")
    _shot(operator, "assistance-list-phone")
    # when the operator assigns them to the matchmaker
    row.locator("select[name=matchmaker]").select_option(str(world["matchmaker"]))
    row.locator("button:has-text('分配帮扶')").click()
    operator.wait_for_selector("text=已分配，求职者同意后专员才能看到其信息")
    # then they move to 已帮扶, waiting for the seeker's consent, and the list is empty again
    helped = operator.locator(f"[data-helped-seeker='{world['seeker']}']")
    expect(helped).to_contain_text("专员小周")
    expect(helped).to_contain_text("等待求职者同意")
    expect(operator.locator("[data-assistance-list] [data-seeker]")).to_have_count(0)
    _shot(operator, "assistance-helped-phone")
    # and the bureau's numbers count one seeker helped, none hired yet
    operator.goto(f"/manage/{world['bureau']}/matchmakers/")
    expect(operator.locator("[data-assisted]")).to_have_text("1")
    expect(operator.locator("[data-hired-after]")).to_have_text("0")
    operator.goto(f"/manage/{world['bureau']}/assistance/")
    operator.set_viewport_size({"width": 1366, "height": 768})
    _shot(operator, "assistance-laptop")
