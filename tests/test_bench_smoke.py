"""Each benchmark run end to end at a tiny size, so a broken benchmark shows up in the suite.

A benchmark sets Django up for its own throwaway database (and the relay replaces aiortc's
decoder), which the test process, already configured for the test database, must not do: each
one's `run()` is imported and called in a fresh interpreter, which prints the returned figures
as JSON on its last line. The figures are checked for sense (everything sent arrived, nothing
lost or duplicated), not for speed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _bench_run(code: str, *, timeout: float = 120, keep: tuple[str, ...] = ()) -> Any:
    """Run `code` (which imports a benchmark and prints its figures as JSON last) on its own.

    DATABASE_URL and REDIS_URL are left out unless named in `keep`."""
    env = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL") or k in keep
    }
    env["PYTHONPATH"] = str(ROOT)
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_chat_fan_out_benchmark_delivers_every_message_to_every_viewer():
    # given 20 viewers of the real server, chat for a second
    # when the benchmark runs
    figures = _bench_run(
        """
        import json
        from bench.chat_fanout import run

        [r] = run(counts=[20], seconds=1, drain=0.5, impls=["daigang"])
        print(json.dumps({
            "connected": r.connected, "sent": r.sent, "expected": r.expected,
            "received": r.received, "lost": r.lost, "frames": r.frames, "closed": r.closed,
            "p99_ms": r.p99_ms,
        }))
        """
    )

    # then every viewer connected and got every message accepted, none lost
    assert figures["connected"] == 20
    assert figures["sent"] > 0
    assert figures["expected"] > 0
    assert figures["received"] == figures["expected"]
    assert figures["lost"] == 0
    assert figures["frames"] > 0
    assert figures["closed"] == 0
    assert figures["p99_ms"] < 5000


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (CI's second pass)")
def test_the_chat_fan_out_benchmark_over_two_processes_loses_nothing_and_subscribes_once_each():
    # given 50 viewers of one room, first all on one process, then split over two sharing Redis
    # when the benchmark runs with --processes 2
    figures = _bench_run(
        """
        import json
        from bench.chat_fanout import run

        results = run(counts=[50], seconds=1, drain=0.5, impls=["daigang"], processes=2)
        print(json.dumps([
            {"processes": r.processes, "connected": r.connected, "expected": r.expected,
             "received": r.received, "lost": r.lost, "subscriptions": r.subscriptions}
            for r in results
        ]))
        """,
        keep=("REDIS_URL",),
    )

    # then every viewer got every message either way
    one, two = figures
    assert (one["processes"], two["processes"]) == (1, 2)
    for result in figures:
        assert result["connected"] == 50
        assert result["expected"] > 0
        assert result["received"] == result["expected"]
        assert result["lost"] == 0
    # and Redis held one subscription to the room per process, not one per viewer
    assert (one["subscriptions"], two["subscriptions"]) == (1, 2), figures


def test_the_apply_burst_benchmark_writes_every_acknowledged_apply_once():
    # given 2 clients and a small pool of seekers, bursting for half a second
    # when the benchmark runs
    figures = _bench_run(
        """
        import json
        from bench.apply_burst import run

        print(json.dumps(run(clients=2, seconds=0.5, pool=300)))
        """
    )

    # then both the fast path and the plain view applied, and nothing was lost or duplicated
    for mode in ("fast", "plain"):
        result = figures[mode]
        assert result["acknowledged"] > 0, mode
        assert result["applies_per_s"] > 0, mode
        assert result["rows"] == result["acknowledged"], mode
        assert result["lost"] == 0, mode
        assert result["duplicated"] == 0, mode
        assert result["errors"] == 0, mode
    assert figures["fast"]["retries_same_id"] == figures["fast"]["retries"]
    assert figures["ratio"] > 0


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (CI's second pass)")
def test_the_apply_burst_benchmark_with_two_processes_writes_every_acknowledged_apply_once():
    # given 2 clients bursting for half a second, against one process and then two
    # when the benchmark runs with --processes 2
    figures = _bench_run(
        """
        import json
        from bench.apply_burst import run

        print(json.dumps(run(clients=2, seconds=0.5, pool=300, processes=2)))
        """,
        keep=("REDIS_URL",),
    )

    # then the two processes applied too, nothing lost or duplicated, and the ratio is printed
    scaled = figures["scaled"]
    assert figures["processes"] == 2
    assert scaled["acknowledged"] > 0
    assert scaled["rows"] == scaled["acknowledged"]
    assert scaled["lost"] == 0
    assert scaled["duplicated"] == 0
    assert scaled["errors"] == 0
    assert scaled["retries_same_id"] == scaled["retries"]
    assert figures["scaled_ratio"] > 0


def test_the_fair_stats_benchmark_finds_the_counters_equal_to_raw_counting():
    # given a fair of 3 employers, 120 applications and 1,000 view events
    # when the benchmark runs
    figures = _bench_run(
        """
        import json
        from bench.fair_stats import run

        print(json.dumps(run(
            organisations=3, jobs_per_organisation=2, applications=120, view_events=1000,
            repeats=3, raw_repeats=2, joins=200, applies=30, moves=5,
        ), default=str))
        """
    )

    # then both ways of counting said the same, before and after the joins and applies
    assert figures["applications"] == 120
    assert figures["same"] is True and figures["still_same"] is True
    assert figures["numbers"]["applications"] == 120
    assert 0 < figures["numbers"]["viewers"] <= 300
    assert figures["counted_p95_ms"] > 0 and figures["raw_p95_ms"] > 0
    assert figures["flush_s"] > 0 and figures["joins_s"] > 0


def test_the_assistance_benchmark_lists_seekers_of_the_bureau():
    # given 300 seekers applying in 兰州 and 天水
    # when the benchmark runs
    figures = _bench_run(
        """
        import json
        from bench.assistance import run

        print(json.dumps(run(seekers=300, repeats=2), default=str))
        """
    )

    # then some are listed, and the list was timed
    assert 0 < figures["listed"] < 300
    assert figures["list_p95_ms"] > 0


@pytest.mark.webrtc
def test_the_relay_benchmark_feeds_every_viewer_frames():
    # given the encode-once relay with one, then two viewers, a one-second window each
    # when the benchmark runs
    figures = _bench_run(
        """
        import dataclasses, json
        from bench.relay import run

        results = run(counts=[1, 2], seconds=1, modes=["ours"])
        print(json.dumps({m: [dataclasses.asdict(s) for s in r] for m, r in results.items()}))
        """
    )

    # then each window was measured, every viewer received frames, and none stalled
    samples = figures["ours"]
    assert [s["viewers"] for s in samples] == [1, 2]
    for sample in samples:
        assert sample["fps_per_viewer"] > 0
        assert sample["stalled"] == 0
        assert sample["cpu_percent"] > 0


@pytest.mark.webrtc
def test_the_relay_benchmark_measures_a_mic_link_guest_against_no_guest():
    # given the encode-once relay without, then with, a mic-link guest on air
    # when the benchmark runs with one, then two viewers
    figures = _bench_run(
        """
        import dataclasses, json
        from bench.relay import run

        results = run(counts=[1, 2], seconds=1, modes=["ours", "guest"])
        print(json.dumps({m: [dataclasses.asdict(s) for s in r] for m, r in results.items()}))
        """
    )

    # then both were measured, every viewer received frames, and the guest was mixed
    for mode in ("ours", "guest"):
        assert [s["viewers"] for s in figures[mode]] == [1, 2]
        assert all(s["fps_per_viewer"] > 0 and s["stalled"] == 0 for s in figures[mode])
    assert all(s["mix_percent"] > 0 for s in figures["guest"])
    assert all(s["mix_percent"] == 0 for s in figures["ours"])


def test_the_fair_export_benchmark_measures_the_memory_each_export_adds():
    # given a fair of 3 employers and 300 applications
    # when the benchmark downloads its report as CSV and XLSX, and the obvious way
    figures = _bench_run(
        """
        import json
        from bench.fair_export import run

        print(json.dumps(run(organisations=3, jobs_per_organisation=2, applications=300)))
        """
    )
    # then every export sent every application, and each measured what it added
    assert figures["applications"] == 300
    assert figures["csv_bytes"] > 300 * 20 and figures["xlsx_bytes"] > 0
    assert figures["obvious_bytes"] > 300 * 20
    assert figures["csv_added_mb"] >= 0 and figures["xlsx_added_mb"] >= 0


def test_the_recommend_benchmark_scores_every_seeker_against_the_popularity_baseline():
    # given 60 generated seekers and 3,000 jobs
    # when the benchmark runs the site's scorer and the popularity baseline
    figures = _bench_run(
        """
        import json
        from bench.recommend import run

        print(json.dumps(run(seekers=60, jobs=3000)))
        """
    )

    # then both recalls are shares, every seeker was timed, and candidates stay under the cap
    from daigang.matchmaking.recommend import CANDIDATES_MAX

    assert figures["seekers"] == 60
    assert 0 <= figures["recall"] <= 1 and 0 <= figures["recall_baseline"] <= 1
    assert 0 < figures["p50_ms"] <= figures["p95_ms"] <= figures["max_ms"]
    assert 0 < figures["candidates_mean"] <= CANDIDATES_MAX


def test_the_search_benchmark_finds_what_the_like_finds():
    # given 2,000 generated jobs and 20 queries, 5 of them also through today's LIKE
    # when the benchmark runs
    figures = _bench_run(
        """
        import json
        from bench.search import run

        print(json.dumps(run(
            jobs=2000, organisations=20, queries=20, baseline_queries=5,
            bare_queries=5, bare_baseline_queries=2,
        )))
        """
    )

    # then the index was timed on every query and answered as the LIKE did
    assert figures["engine"] == "sqlite"
    assert figures["jobs"] == 2000
    assert figures["queries"] == 20 and figures["baseline_queries"] == 5
    assert figures["same"] is True
    assert figures["index_p95_ms"] > 0 and figures["like_p95_ms"] > 0
    assert figures["bare_queries"] == 5 and figures["bare_index_p95_ms"] > 0


def test_the_relay_process_benchmark_answers_every_offer_both_ways():
    # given a relay process of the benchmark's own, reached through a Redis of its own
    # when it answers a few offers, and the in-process relay the same
    figures = _bench_run(
        """
        import json
        from bench.relay_process import run

        print(json.dumps(run(offers=3)))
        """
    )

    # then every offer got an answer both ways
    assert figures["answers_in"] == figures["answers_out"] == 3
    assert figures["median_in_ms"] > 0 and figures["median_out_ms"] > 0
