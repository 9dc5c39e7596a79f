"""The demo's assistance list: 兰州's bureau has seekers on it, with reasons."""

from __future__ import annotations

import pytest

from daigang.accounts.models import Organisation
from daigang.demo.load import demo_load
from daigang.hiring.models import Application
from daigang.interviews.models import InterviewParticipant
from daigang.matchmaking.assistance import assistance_list


@pytest.mark.django_db
def test_the_demo_bureau_has_seekers_on_its_assistance_list_and_loading_again_adds_nothing():
    # given the demo loaded twice
    demo_load()
    counts = (Application.objects.count(), InterviewParticipant.objects.count())
    demo_load()
    assert (Application.objects.count(), InterviewParticipant.objects.count()) == counts
    # then 兰州's bureau lists its three seekers, each with why
    lanzhou = Organisation.objects.get(name="兰州市公共就业服务中心")
    rows = assistance_list(bureau=lanzhou).rows
    reasons = {row.name: row.reason for row in rows}
    assert reasons["刘*"] == "30 天内报名 6 次，面试 0 次，没有录用"
    assert reasons["陈*"] == "30 天内报名 5 次，面试 0 次，没有录用"
    assert reasons["何*"] == "30 天内报名 2 次，面试 2 次，没有录用"
