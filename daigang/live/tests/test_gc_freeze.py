from __future__ import annotations

import gc

import pytest

from daigang.live import gc_freeze


@pytest.fixture
def small_heap(monkeypatch):
    """The freezing rules at a scale a test can reach; the heap thawed whatever happens."""
    monkeypatch.setattr(gc_freeze, "FREEZE_MIN_SOCKETS", 4)
    monkeypatch.setattr(gc_freeze, "FREEZE_STEP", 2)
    monkeypatch.setattr(gc_freeze, "_heap", gc_freeze._Heap())
    try:
        yield
    finally:
        gc.unfreeze()


def test_the_heap_is_frozen_once_a_process_has_enough_sockets_and_again_every_step(small_heap):
    # given three sockets: too few to freeze
    for _ in range(3):
        gc_freeze.socket_joined()
    assert gc.get_freeze_count() == 0

    # when the fourth joins, the heap is frozen
    gc_freeze.socket_joined()
    frozen_at_four = gc.get_freeze_count()
    assert frozen_at_four > 0

    # and objects made after that are frozen too once two more have joined
    kept = [[n] for n in range(1000)]
    gc_freeze.socket_joined()
    gc_freeze.socket_joined()
    assert gc.get_freeze_count() >= frozen_at_four + len(kept)


def test_a_quarter_of_the_frozen_sockets_leaving_thaws_and_collects(small_heap):
    # given eight sockets, frozen at eight
    for _ in range(8):
        gc_freeze.socket_joined()
    assert gc.get_freeze_count() > 0

    # when one leaves nothing changes, when the second (a quarter) leaves the heap is thawed
    gc_freeze.socket_left()
    assert gc.get_freeze_count() > 0
    gc_freeze.socket_left()
    assert gc.get_freeze_count() == 0
