"""Two members moving the same card at the same moment: the row lock serialises them, so
the history is a chain (each move starts where the previous ended) and nothing is lost."""

from __future__ import annotations

import itertools
import threading

import pytest
from django.db import connection

from daigang.core.refused import Refused
from daigang.hiring.models import Application, Stage, StageChange
from daigang.hiring.pipeline.services import application_advance
from daigang.hiring.tests.pipeline_world import world_make


def _race(application_id: int, by, stages: list[str]) -> list:
    barrier = threading.Barrier(len(stages))
    results: list = [None] * len(stages)

    def worker(index: int, stage: str) -> None:
        try:
            barrier.wait(timeout=10)
            application = Application.objects.get(pk=application_id)  # a stale copy each
            results[index] = application_advance(application=application, to_stage=stage, by=by)
        except Exception as exc:
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, s)) for i, s in enumerate(stages)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.mark.django_db(transaction=True)
def test_racing_moves_leave_a_consistent_chain_of_history():
    # given
    world = world_make()
    # when: three members move the same card to three stages at once
    results = _race(world.application.pk, world.owner, ["interview", "offer", "contacted"])
    # then: every failure is a refused move, never a database error
    assert all(isinstance(r, (Application, Refused)) for r in results), results
    assert any(isinstance(r, Application) for r in results)
    changes = list(StageChange.objects.filter(application=world.application).order_by("id"))
    assert changes[0].from_stage == Stage.APPLIED
    for earlier, later in itertools.pairwise(changes):
        assert later.from_stage == earlier.to_stage
    final = Application.objects.get(pk=world.application.pk)
    assert final.stage == changes[-1].to_stage
