"""The demo's policies: published by the 甘肃 bureaus, and the province's fair room a 宣策 room."""

from __future__ import annotations

import pytest

from daigang.demo.load import demo_load
from daigang.policies.models import Policy, PolicySession
from daigang.policies.selectors import policies_public
from daigang.regions.testing import region

pytestmark = pytest.mark.django_db


def test_the_demo_publishes_its_policies_once_and_marks_a_policy_session():
    demo_load()
    demo_load()
    assert Policy.objects.filter(state=Policy.State.PUBLISHED).count() == 4
    assert len(policies_public(region=region("620102"))) == 4  # 城关区: province's and city's
    assert PolicySession.objects.count() == 1
