"""axe-core (pinned in tests/vendor) in the real browser on the pages people use most, as a
seeker on a 360 px phone and as HR on a 1366 px laptop: no serious or critical violation
(contrast, names of buttons and fields, landmarks, the language of the page, ...).

axe is injected from the file into each page under test; the site itself never serves it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import orm

pytestmark = pytest.mark.e2e

AXE = Path(__file__).resolve().parent.parent / "vendor" / "axe.min.js"
PHONE = {"width": 360, "height": 740}
LAPTOP = {"width": 1366, "height": 768}
# What a person would miss: axe's "serious" and "critical" impacts.
BLOCKING = ("serious", "critical")


def _world() -> dict[str, object]:
    from tests.authorization_world import world_make

    world = world_make()
    from django.test import Client

    cookies = {}
    people = {persona: world.users[persona] for persona in ("seeker", "owner", "anchor")}
    people["operator"] = world.fair.created_by
    for persona, user in people.items():
        client = Client()
        client.force_login(user)
        cookies[persona] = client.cookies["sessionid"].value
    organisation = world.organisation.pk
    return {
        "cookies": cookies,
        "seeker_pages": {
            "home": "/",
            "job": f"/jobs/{world.job.pk}/",
            "room": f"/live/{world.room.pk}/",
            "replay": f"/replays/{world.replay.pk}/",
            "apply": f"/jobs/{world.job.pk}/apply/",
            "my-applications": "/me/applications/",
            "recommended": "/me/recommended/",
            "matchmakers": "/me/matchmakers/",  # with the world's guidance slot to book
            "contract": f"/me/contracts/{world.contract.pk}/",
            "fair": f"/fairs/{world.fair.pk}/",
            "policies": "/policies/?region=all",
            "policy": f"/policies/{world.policy.pk}/",
            "courses": "/courses/",
            "course": f"/courses/{world.course.pk}/",
            "lesson": f"/courses/{world.course.pk}/lessons/{world.lesson.pk}/",
            "my-courses": "/me/courses/",
            "certificate": f"/certificates/{world.certificate.number}/",
            "feed": "/jobs/feed/",
        },
        "visitor_pages": {"login": "/accounts/login/"},
        "hr_pages": {
            "workspace": f"/accounts/organisations/{organisation}/",
            "rooms": f"/live/manage/{organisation}/rooms/",
            "replays": f"/manage/{organisation}/replays/",
            "board": f"/manage/{organisation}/pipeline/",
            "statistics": f"/manage/{organisation}/pipeline/stats/",
            "applications": f"/manage/{organisation}/applications/",
            "table": f"/manage/{organisation}/pipeline/table/",
            "contracts": f"/manage/{organisation}/contracts/",
            "job-video": f"/manage/{organisation}/jobs/{world.job.pk}/video/",
            "company-video": f"/manage/{organisation}/video/",
        },
        "anchor_pages": {
            "console": f"/live/{world.room.pk}/console/",
            "chat moderation": f"/live/manage/{world.room.pk}/chat/",
        },
        "operator_pages": {
            "bureau-workspace": f"/accounts/organisations/{world.fair.bureau_id}/",
            "fair-stats": f"/fairs/{world.fair.pk}/stats/",
            "fair-manage": f"/fairs/{world.fair.pk}/manage/",
            "assistance": f"/manage/{world.fair.bureau_id}/assistance/",
            "policies-manage": f"/manage/{world.fair.bureau_id}/policies/",
            "policy-edit": f"/manage/{world.fair.bureau_id}/policies/{world.policy.pk}/",
            "courses-manage": f"/manage/{world.fair.bureau_id}/courses/",
            "course-manage": f"/manage/{world.fair.bureau_id}/courses/{world.course.pk}/",
            "courses-stats": f"/manage/{world.fair.bureau_id}/courses/stats/",
        },
    }


def _violations(page) -> list[str]:  # type: ignore[no-untyped-def]
    page.add_script_tag(path=str(AXE))
    results = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    found = []
    for violation in results:
        if violation["impact"] in BLOCKING:
            targets = [
                f"{', '.join(node['target'])} {node['html'][:80]}"
                for node in violation["nodes"][:3]
            ]
            found.append(f"{violation['id']} ({violation['impact']}): {targets}")
    return found


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_the_main_pages_have_no_serious_accessibility_violations(asgi_server, chromium, viewport):
    world = orm(_world)
    report: dict[str, list[str]] = {}
    for who, pages in (
        ("seeker", world["seeker_pages"]),
        (None, world["visitor_pages"]),
        ("owner", world["hr_pages"]),
        ("anchor", world["anchor_pages"]),
        ("operator", world["operator_pages"]),
    ):
        # bypass_csp: the page forbids inline scripts, and axe is injected as one.
        context = chromium.new_context(
            viewport=viewport, base_url=asgi_server, locale="zh-CN", bypass_csp=True
        )
        if who:
            context.add_cookies(
                [{"name": "sessionid", "value": world["cookies"][who], "url": asgi_server}]
            )
        page = context.new_page()
        for name, path in pages.items():
            response = page.goto(path)
            assert response is not None and response.status == 200, (name, path)
            found = _violations(page)
            if found:
                report[name] = found
        context.close()
    assert report == {}, "\n".join(f"{name}: {found}" for name, found in report.items())
