"""A job fair in the real browser: the bureau's operator creates and publishes it, an employer
registers with a job and is approved, its room joins the schedule, a seeker applies from the
fair page, the operator's dashboard counts the application without a reload, and the XLSX it
downloads says what the page says; when the anchor pins the job and the seeker taps its card in
the room, the dashboard's pinned-job funnel counts the card open without a reload."""

from __future__ import annotations

import datetime as dt
import io
import os

import pytest
from playwright.sync_api import expect

from tests.conftest import SCREENSHOTS, orm

pytestmark = pytest.mark.e2e


def _sessions() -> dict[str, object]:
    from django.test import Client

    from daigang.accounts.models import Membership
    from daigang.accounts.testing import member_make, organisation_make
    from daigang.fairs.testing import bureau_make, operator_make
    from daigang.hiring.testing import seeker_make
    from daigang.jobs.testing import job_make
    from daigang.live.testing import room_make

    bureau = bureau_make(region="620100")
    operator = operator_make(bureau=bureau)
    employer = organisation_make(name="兰州佳友电子有限公司")
    hr = member_make(organisation=employer, role=Membership.Role.HR, name="HR小王")
    job = job_make(organisation=employer, title="电子厂普工（包吃住）", headcount=40)
    room = room_make(organisation=employer, jobs=[job], title="佳友电子直播招聘")
    seeker = seeker_make(name="马小军")
    cookies = {}
    for name, user in (("operator", operator), ("hr", hr), ("seeker", seeker)):
        client = Client()
        client.force_login(user)
        cookies[name] = client.cookies["sessionid"].value
    return {
        "bureau": bureau.pk,
        "employer": employer.pk,
        "job": job.pk,
        "room": room.pk,
        "hr": hr.pk,
        "cookies": cookies,
    }


def _pin(room_id: int, job_id: int, hr_id: int) -> None:
    from daigang.accounts.models import User
    from daigang.jobs.models import Job
    from daigang.live.models import Room
    from daigang.live.services import room_pin

    room = Room.objects.get(pk=room_id)
    hr = User.objects.get(pk=hr_id)
    room.anchors.add(hr)
    room_pin(room=room, job=Job.objects.get(pk=job_id), by=hr)


def _page(chromium, server: str, session: str, *, width: int = 390, height: int = 844):
    context = chromium.new_context(
        viewport={"width": width, "height": height}, base_url=server, accept_downloads=True
    )
    context.add_cookies([{"name": "sessionid", "value": session, "url": server}])
    return context.new_page()


def _shot(page, name: str) -> None:
    if os.environ.get("E2E_SCREENSHOTS"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_a_fair_from_creation_to_an_application_counted_on_the_dashboard(asgi_server, chromium):
    world = orm(_sessions)
    cookies = world["cookies"]
    # given the operator creates and publishes a fair
    operator = _page(chromium, asgi_server, cookies["operator"], width=1366, height=768)
    operator.goto(f"/manage/{world['bureau']}/fairs/")
    operator.click("text=新建招聘会")
    operator.fill("input[name=title]", "兰州市春风行动专场")
    operator.select_option("select[name=target_group]", "migrant_workers")
    start = dt.datetime.now() - dt.timedelta(hours=1)
    operator.fill("input[name=starts_at]", start.strftime("%Y-%m-%dT%H:%M"))
    operator.fill("input[name=ends_at]", (start + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"))
    operator.click("button:has-text('保存')")
    operator.click("button:has-text('发布招聘会')")
    operator.wait_for_selector("text=已发布，求职者现在可以看到这场招聘会")
    fair_id = operator.url.rstrip("/").split("/")[-2]
    # when the employer registers its job from the fair page
    hr = _page(chromium, asgi_server, cookies["hr"])
    hr.goto(f"/fairs/{fair_id}/")
    hr.click("text=报名参会")
    hr.check(f"#job-{world['job']}")
    hr.fill(f"#headcount-{world['job']}", "25")
    hr.click("button:has-text('提交参会申请')")
    hr.wait_for_selector("text=已提交参会申请")
    # and the operator approves it and puts its room in the schedule
    operator.reload()
    operator.click(".entry-row button:has-text('通过审核')")
    operator.select_option("#add-room", str(world["room"]))
    operator.click("button:has-text('加入日程')")
    operator.wait_for_selector("#schedule ~ ul >> text=佳友电子直播招聘")
    _shot(operator, "fair-manage-laptop")
    # and opens the dashboard, charts beside the tables
    violations: list[str] = []
    operator.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    operator.goto(f"/fairs/{fair_id}/stats/")
    expect(operator.locator("#fair-funnel-chart canvas")).to_have_count(1)
    expect(operator.locator("#fair-days-chart canvas")).to_have_count(1)
    expect(operator.locator("#fair-pinned-chart canvas")).to_have_count(1)
    applications = operator.locator("td[data-figure='6']")
    assert applications.inner_text() == "0"
    # and a seeker applies from the fair page
    seeker = _page(chromium, asgi_server, cookies["seeker"])
    seeker.goto(f"/fairs/{fair_id}/")
    assert "佳友电子直播招聘" in seeker.inner_text("#fair-rooms + ul")
    assert "招25人" in seeker.inner_text(".job-row")
    _shot(seeker, "fair-page-phone")
    seeker.click(".job-row a:has-text('一键报名')")
    seeker.check("input[name=consent]")
    seeker.click("button:has-text('报名')")
    seeker.wait_for_selector("text=报名成功")
    # then the dashboard counts it without a reload
    expect(operator.locator("td[data-figure='6']")).to_have_text("1", timeout=15_000)
    _shot(operator, "fair-stats-laptop")
    # and the XLSX says what the page says
    with operator.expect_download() as download_info:
        operator.click("text=导出 Excel")
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(open(download_info.value.path(), "rb").read()), read_only=True)
    summary = {row[0]: row[1] for row in book["汇总"].iter_rows(min_row=3, values_only=True)}
    page_figures = {
        row.locator("th").inner_text(): int(row.locator("td").first.inner_text())
        for row in operator.locator("table.numbers").first.locator("tbody tr").all()
    }
    assert summary == page_figures
    assert violations == []
    assert summary["报名人次"] == 1 and summary["招聘人数"] == 25

    # when the anchor pins the job in the fair's room and the seeker taps its card there
    orm(_pin, world["room"], world["job"], world["hr"])
    seeker.goto(f"/live/{world['room']}/")
    # (the beacon is a keepalive fetch: it reaches the server while the job page opens)
    seeker.click("#pin-body .job-card h3 a")
    seeker.wait_for_url(f"**/jobs/{world['job']}/**")
    # then the dashboard's pinned-job funnel counts the card open without a reload
    expect(operator.locator("td[data-funnel-total='1']")).to_have_text("1", timeout=15_000)
    expect(operator.locator("#fair-pinned-table td[data-funnel='card_opens']")).to_have_text("1")
    _shot(operator, "fair-stats-funnel-laptop")
    operator.set_viewport_size({"width": 360, "height": 740})
    _shot(operator, "fair-stats-funnel-phone")
