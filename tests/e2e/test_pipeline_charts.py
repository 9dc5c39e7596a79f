"""The pipeline numbers page draws its charts (Apache ECharts, served from the project) beside
the tables, under the site's Content Security Policy (no inline code), on a laptop and a phone."""

from __future__ import annotations

import pytest

from tests.conftest import orm

pytestmark = pytest.mark.e2e


def _owner_of_an_organisation_with_applications() -> tuple[str, int]:
    from django.test import Client

    from daigang.accounts.models import Membership
    from daigang.accounts.testing import member_make, organisation_make
    from daigang.hiring.testing import application_make, seeker_make
    from daigang.jobs.testing import job_make

    organisation = organisation_make(name="佳友电子")
    owner = member_make(organisation=organisation, role=Membership.Role.OWNER)
    for title, applicants in (("普工", 3), ("叉车工", 1)):
        job = job_make(organisation=organisation, title=title)
        for _ in range(applicants):
            application_make(job=job, seeker=seeker_make())
    client = Client()
    client.force_login(owner)
    return client.cookies["sessionid"].value, organisation.pk


@pytest.mark.parametrize(
    "viewport",
    [{"width": 1366, "height": 768}, {"width": 360, "height": 740}],
    ids=["laptop", "phone"],
)
def test_the_numbers_page_draws_its_charts_without_breaking_the_csp(
    asgi_server, chromium, viewport
):
    # given HR of an organisation with four applications to two jobs
    cookie, organisation_id = orm(_owner_of_an_organisation_with_applications)
    context = chromium.new_context(viewport=viewport, base_url=asgi_server, locale="zh-CN")
    context.add_cookies([{"name": "sessionid", "value": cookie, "url": asgi_server}])
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    # when they open the numbers page
    page.goto(f"/manage/{organisation_id}/pipeline/stats/")
    # then each chart is drawn, nothing was refused or thrown, and the page fits the screen
    for chart in ("conversion", "jobs"):
        page.wait_for_selector(f"#pipeline-{chart}-chart canvas")
    # and with nobody turned down yet, the reasons chart says so instead of an empty axis
    assert page.inner_text("#pipeline-reasons-chart") == "还没有标记为不合适的报名"
    assert problems == []
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    context.close()
