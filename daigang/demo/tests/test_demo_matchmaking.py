"""The demo's matchmakers: 甘肃 bureaus' matchmakers with caseloads and follow-ups."""

from __future__ import annotations

import pytest

from daigang.accounts.models import Membership
from daigang.demo.load import demo_load
from daigang.matchmaking.models import Case, FollowUp
from daigang.matchmaking.selectors import caseload_rows


@pytest.mark.django_db
def test_the_demo_bureaus_have_matchmakers_with_caseloads_and_loading_again_adds_nothing():
    # given the demo loaded twice
    demo_load()
    counts = (Case.objects.count(), FollowUp.objects.count())
    demo_load()
    # then nothing was added the second time
    assert (Case.objects.count(), FollowUp.objects.count()) == counts
    # and 兰州's matchmaker has an overdue follow-up first and a seeker still to agree
    lanzhou = Membership.objects.get(
        role=Membership.Role.MATCHMAKER, organisation__name="兰州市公共就业服务中心"
    )
    rows = caseload_rows(membership=lanzhou)
    assert len(rows) == 4 and rows[0].overdue and rows[0].name == "马小军"
    assert sum(1 for row in rows if row.case.awaiting_consent) == 1
