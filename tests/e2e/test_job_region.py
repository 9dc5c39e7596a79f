"""The job form's place, in Debian's chromium: province → city → district from lists.

With JavaScript, choosing 广东省 narrows the cities, 深圳市 brings its districts, 东莞市 (no
districts) empties them; the job is published in 东莞市 and a visitor filtering by "东莞"
finds it. Without JavaScript, the same form works from the list of every city.
"""

from __future__ import annotations

import pytest

from daigang.accounts.testing import organisation_make, user_make
from daigang.jobs.models import Job
from tests.conftest import orm
from tests.e2e.hiring_steps import page_open, session_cookie

pytestmark = pytest.mark.e2e

CITY_LIST_NARROWED = """() => {
  const city = document.querySelector('select[name=city]');
  return !city.querySelector('optgroup') && city.querySelector('option[value="441900"]');
}"""


def fill_job(page, title: str) -> None:
    page.fill("input[name=title]", title)
    page.fill("input[name=kind_of_work]", "普工")
    page.fill("input[name=headcount]", "30")
    page.fill("input[name=wage_min]", "23")
    page.fill("input[name=wage_max]", "25")
    page.fill("textarea[name=duties]", "手机屏幕组装，坐着上班。")
    page.fill("textarea[name=requirements]", "视力良好，能适应流水线。")


@pytest.fixture
def owner_and_org(asgi_server):
    def make():
        owner = user_make(name="李经理")
        return owner, organisation_make(name="东莞市长安精密电子有限公司", owner=owner)

    return orm(make)


def test_a_member_picks_guangdong_then_dongguan_and_publishes_and_a_visitor_finds_it_by_dongguan(
    asgi_server, owner_and_org, chromium, screenshot_on_failure
):
    # given a verified organisation's member on the new-job form
    owner, org = owner_and_org
    page = page_open(
        chromium,
        asgi_server.url,
        session=orm(session_cookie, owner),
        pages=screenshot_on_failure,
        name="member",
    )
    page.goto(f"/manage/{org.pk}/jobs/new/")
    assert page.locator("[data-region-refresh]").count() == 0  # JS took the no-JS button away
    fill_job(page, "电子厂普工 长白班")

    # when the member picks 广东省, then 深圳市, then changes their mind to 东莞市
    page.select_option("select[name=province]", label="广东省")
    page.wait_for_function(CITY_LIST_NARROWED)
    assert page.locator("select[name=city] option", has_text="苏州市").count() == 0
    page.select_option("select[name=city]", label="深圳市")
    page.wait_for_selector("select[name=district] option[value='440306']", state="attached")
    page.select_option("select[name=city]", label="东莞市")
    page.wait_for_function(
        "() => document.querySelector('select[name=district]').options.length === 1"
    )
    page.click("button:has-text('保存并发布')")
    page.wait_for_url(f"**/manage/{org.pk}/jobs/")

    # then the job is published in 东莞市
    job = orm(lambda: Job.objects.get(organisation_id=org.pk))
    assert (job.region_id, job.province, job.city, job.district) == (
        "441900",
        "广东省",
        "东莞市",
        "",
    )
    assert job.status == Job.Status.PUBLISHED

    # and a visitor filtering the list by "东莞" (no 市) finds it
    visitor = page_open(
        chromium, asgi_server.url, session=None, pages=screenshot_on_failure, name="visitor"
    )
    visitor.goto("/?city=东莞")
    card = visitor.locator(".job-card", has_text="电子厂普工 长白班")
    card.wait_for()
    assert "东莞市" in card.inner_text()


def test_without_javascript_the_member_picks_a_city_and_a_district_with_the_refresh_button(
    asgi_server, owner_and_org, chromium, screenshot_on_failure
):
    # given the form in a browser with JavaScript off
    owner, org = owner_and_org
    context = chromium.new_context(
        java_script_enabled=False, base_url=asgi_server.url, locale="zh-CN"
    )
    context.add_cookies(
        [{"name": "sessionid", "value": orm(session_cookie, owner), "url": asgi_server.url}]
    )
    page = context.new_page()
    screenshot_on_failure.append(("no-js", page))
    page.goto(f"/manage/{org.pk}/jobs/new/")
    fill_job(page, "叉车工")

    # when the member picks 深圳市 from the list of every city and asks for its districts
    page.select_option("select[name=city]", label="深圳市")
    page.click("[data-region-refresh]")
    page.select_option("select[name=district]", label="宝安区")
    page.click("button:has-text('保存并发布')")
    page.wait_for_url(f"**/manage/{org.pk}/jobs/")

    # then
    job = orm(lambda: Job.objects.get(organisation_id=org.pk))
    assert (job.region_id, job.city, job.district) == ("440306", "深圳市", "宝安区")
    assert job.title == "叉车工"
    context.close()
