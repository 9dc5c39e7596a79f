"""Offer → contract → signatures → PDF → verification → onboarding check-in, in a real
browser (phone-sized), from an application the organisation takes straight to an offer.

The second half of tests/e2e/test_hiring_flow.py without the video interview: no WebRTC, so it
runs in the ordinary e2e suite, outside the loopback-only namespace, and in ~10 s says whether
a failure of the whole flow lies in contracts. The steps are in tests/e2e/hiring_steps.py.
"""

from __future__ import annotations

import pytest

from tests.conftest import orm
from tests.e2e.hiring_steps import Hire, hire_from_offer, page_open, session_cookie

pytestmark = pytest.mark.e2e


def _build() -> dict:
    from daigang.accounts.models import Membership
    from daigang.accounts.testing import member_make, organisation_make
    from daigang.hiring.testing import application_make, seeker_make
    from daigang.jobs.testing import job_make

    organisation = organisation_make(name="昆山精密电子有限公司")
    owner = member_make(organisation=organisation, role=Membership.Role.OWNER)
    job = job_make(organisation=organisation, title="电子厂普工", wage_max_fen=2500)
    seeker = seeker_make(phone="13800003333", name="张三")
    application = application_make(job=job, seeker=seeker, name="张三")
    return {
        "org": organisation.pk,
        "application": application.pk,
        "sessions": {"owner": session_cookie(owner), "seeker": session_cookie(seeker)},
    }


def test_offer_accept_sign_download_verify_and_check_in(
    asgi_server, chromium, screenshot_on_failure, tmp_path
):
    # given an application, and the organisation opens 录用与签约 from its page
    world = orm(_build)
    org, application = world["org"], world["application"]
    sessions = {**world["sessions"], "visitor": None}
    owner, seeker, visitor = (
        page_open(
            chromium, asgi_server, session=sessions[name], pages=screenshot_on_failure, name=name
        )
        for name in ("owner", "seeker", "visitor")
    )
    owner.goto(f"/manage/{org}/applications/{application}/")
    owner.click("#offer-page-link")
    owner.wait_for_selector("#offer-form")

    # when and then: the hire from the offer to the day-7 check-in
    hire_from_offer(
        Hire(
            owner=owner,
            seeker=seeker,
            visitor=visitor,
            application_id=application,
            offer_url=f"/manage/{org}/applications/{application}/offer/",
            organisation_name="昆山精密电子有限公司",
        ),
        tmp_path,
    )
