from __future__ import annotations

import pytest

from daigang.jobs.tests.factories import organisation_make, user_make


@pytest.fixture
def owner(db):
    return user_make(name="李经理")


@pytest.fixture
def org(owner):
    return organisation_make(owner=owner)
