"""A matchmaker in the real browser: the bureau's operator assigns a seeker by phone, the seeker
agrees on 谁在跟进我, the matchmaker logs a call and recommends a job, the seeker applies from
the notice on 我的报名, the employer moves them to 已签约 (the pipeline service), and the
matchmaker's caseload and the bureau's numbers show the hire."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from tests.conftest import SCREENSHOTS, orm
from tests.e2e.hiring_steps import page_open, session_cookie

pytestmark = pytest.mark.e2e


def _world() -> dict[str, object]:
    from daigang.accounts.models import Membership
    from daigang.accounts.testing import member_make, organisation_make
    from daigang.fairs.testing import bureau_make, operator_make
    from daigang.hiring.testing import seeker_make
    from daigang.jobs.testing import job_make
    from daigang.matchmaking.testing import matchmaker_make

    bureau = bureau_make(region="620100")
    operator = operator_make(bureau=bureau)
    matchmaker = matchmaker_make(organisation=bureau, name="专员小周")
    employer = organisation_make(name="兰州佳友电子有限公司")
    hr = member_make(organisation=employer, role=Membership.Role.HR, name="HR小王")
    job = job_make(organisation=employer, title="电子厂普工（包吃住）")
    seeker = seeker_make(name="马小军")
    return {
        "bureau": bureau.pk,
        "matchmaker": matchmaker.pk,
        "hr": hr.pk,
        "job": job.pk,
        "seeker_phone": seeker.phone,
        "seeker": seeker.pk,
        "cookies": {
            "operator": session_cookie(operator),
            "matchmaker": session_cookie(matchmaker.user),
            "seeker": session_cookie(seeker),
        },
    }


def _shot(page, name: str) -> None:
    if os.environ.get("E2E_SCREENSHOTS"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def _sign(application_id: int, hr_id: int) -> None:
    from daigang.accounts.models import User
    from daigang.hiring.models import Application
    from daigang.hiring.pipeline.services import application_advance

    application = Application.objects.get(pk=application_id)
    application_advance(application=application, to_stage="signed", by=User.objects.get(pk=hr_id))


def _application_of(seeker_id: int) -> tuple[int, str]:
    from daigang.hiring.models import Application

    application = Application.objects.get(seeker_id=seeker_id)
    return application.pk, application.source


def test_a_matchmaker_follows_an_assigned_seeker_to_a_hire(
    asgi_server, chromium, screenshot_on_failure
):
    world = orm(_world)
    cookies = world["cookies"]
    pages = screenshot_on_failure
    # given the bureau's operator assigns the seeker to the matchmaker by phone
    operator = page_open(
        chromium, asgi_server, session=cookies["operator"], pages=pages, name="operator"
    )
    operator.goto(f"/manage/{world['bureau']}/caseload/")
    operator.fill("input[name=phone]", world["seeker_phone"])
    operator.select_option("select[name=matchmaker]", str(world["matchmaker"]))
    operator.click("button:has-text('分配')")
    operator.wait_for_selector("text=已分配，等待求职者同意")
    # when the seeker reads who will see what on 谁在跟进我 and agrees
    seeker = page_open(chromium, asgi_server, session=cookies["seeker"], pages=pages, name="seeker")
    seeker.goto("/me/applications/")
    seeker.click("text=谁在跟进我")
    expect(seeker.locator("[data-case]")).to_contain_text("手机号")
    _shot(seeker, "matchmaker-consent-phone")
    seeker.click("[data-case] button:has-text('同意')")
    seeker.wait_for_selector("text=已同意，对方现在可以看到您的报名进展")
    # then the matchmaker sees the seeker in the caseload, logs a call and recommends the job
    matchmaker = page_open(
        chromium, asgi_server, session=cookies["matchmaker"], pages=pages, name="matchmaker"
    )
    matchmaker.goto(f"/manage/{world['bureau']}/caseload/")
    matchmaker.click("[data-case] a:has-text('马小军')")
    expect(matchmaker.locator("[data-full-phone]")).to_have_text(world["seeker_phone"])
    matchmaker.select_option("[data-follow-up-form] select[name=kind]", "call")
    matchmaker.fill("[data-follow-up-form] textarea[name=note]", "想找包吃住的工作")
    matchmaker.click("[data-follow-up-form] button:has-text('记录')")
    matchmaker.wait_for_selector("text=跟进已记录")
    matchmaker.select_option("[data-recommend-form] select[name=job]", str(world["job"]))
    matchmaker.fill("[data-recommend-form] input[name=note]", "包吃住，离家近")
    matchmaker.click("[data-recommend-form] button:has-text('推荐')")
    matchmaker.wait_for_selector("text=已推荐，求职者会收到通知和短信")
    _shot(matchmaker, "matchmaker-case-phone")
    # when the seeker applies from the notice on 我的报名
    seeker.goto("/me/applications/")
    seeker.click("[data-notifications] li:has-text('电子厂普工') a:has-text('一键报名')")
    seeker.check("input[name=consent]")
    seeker.click("button:has-text('报名')")
    seeker.wait_for_selector("text=报名成功")
    application_id, source = orm(_application_of, world["seeker"])
    assert source == f"ref:{world['matchmaker']}"
    # and the employer signs them
    orm(_sign, application_id, world["hr"])
    # then the matchmaker's caseload shows the hire
    matchmaker.goto(f"/manage/{world['bureau']}/caseload/")
    expect(matchmaker.locator("[data-case] [data-furthest-stage]")).to_contain_text("已签约")
    expect(matchmaker.locator("[data-case] [data-furthest-stage]")).to_contain_text("已就业")
    _shot(matchmaker, "matchmaker-caseload-phone")
    # and the bureau's numbers count one placement
    operator.goto(f"/manage/{world['bureau']}/matchmakers/")
    expect(
        operator.locator(f"tr[data-matchmaker='{world['matchmaker']}'] [data-placements]")
    ).to_have_text("1")
    operator.set_viewport_size({"width": 1366, "height": 768})
    _shot(operator, "matchmaker-numbers-laptop")


def _invite_world() -> dict[str, object]:
    from daigang.fairs.testing import bureau_make
    from daigang.hiring.testing import seeker_make
    from daigang.matchmaking.services import invite_link_for
    from daigang.matchmaking.testing import matchmaker_make

    matchmaker = matchmaker_make(organisation=bureau_make(region="620500"), name="赵专员")
    seeker = seeker_make(name="李娜")
    return {
        "bureau": matchmaker.organisation_id,
        "token": invite_link_for(membership=matchmaker).token,
        "cookies": {
            "matchmaker": session_cookie(matchmaker.user),
            "seeker": session_cookie(seeker),
        },
    }


def test_a_seeker_joins_by_the_invite_link_and_leaves_again(
    asgi_server, chromium, screenshot_on_failure
):
    world = orm(_invite_world)
    cookies = world["cookies"]
    pages = screenshot_on_failure
    # given the seeker opens the matchmaker's invite link and reads who will see what
    seeker = page_open(chromium, asgi_server, session=cookies["seeker"], pages=pages, name="seeker")
    seeker.goto(f"/m/{world['token']}/")
    expect(seeker.locator("[data-consent-text]")).to_contain_text("手机号")
    _shot(seeker, "matchmaker-invite-phone")
    # when they agree
    seeker.click("button:has-text('同意并加入')")
    seeker.wait_for_selector("text=已加入，对方现在可以看到您的报名进展")
    # then the matchmaker has them in the caseload
    matchmaker = page_open(
        chromium, asgi_server, session=cookies["matchmaker"], pages=pages, name="matchmaker"
    )
    matchmaker.goto(f"/manage/{world['bureau']}/caseload/")
    expect(matchmaker.locator("[data-case]")).to_have_count(1)
    # and when the seeker leaves on 谁在跟进我, the caseload no longer lists them
    seeker.click("button:has-text('退出，不再让对方跟进')")
    seeker.wait_for_selector("text=已退出，对方不能再看到您的信息")
    matchmaker.reload()
    expect(matchmaker.locator("[data-case]")).to_have_count(0)
