"""Two members moving the same card at the same moment: the row lock serialises them, so
the history is a chain (each move starts where the previous ended) and nothing is lost."""

from __future__ import annotations

import itertools

import pytest

from daigang.core.refused import Refused
from daigang.core.testing import race
from daigang.hiring.models import Application, Stage, StageChange
from daigang.hiring.pipeline.services import application_advance
from daigang.hiring.tests.pipeline_world import world_make


def _move(application_id: int, by, stage: str):
    application = Application.objects.get(pk=application_id)  # a stale copy each
    return application_advance(application=application, to_stage=stage, by=by)


@pytest.mark.django_db(transaction=True)
def test_racing_moves_leave_a_consistent_chain_of_history():
    # given
    world = world_make()
    # when: three members move the same card to three stages at once
    stages = ["interview", "offer", "contacted"]
    results = race(_move, [(world.application.pk, world.owner, stage) for stage in stages])
    # then: every failure is a refused move, never a database error
    assert all(isinstance(r, (Application, Refused)) for r in results), results
    assert any(isinstance(r, Application) for r in results)
    changes = list(StageChange.objects.filter(application=world.application).order_by("id"))
    assert changes[0].from_stage == Stage.APPLIED
    for earlier, later in itertools.pairwise(changes):
        assert later.from_stage == earlier.to_stage
    final = Application.objects.get(pk=world.application.pk)
    assert final.stage == changes[-1].to_stage
