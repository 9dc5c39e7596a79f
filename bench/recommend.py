"""为您推荐 against a popularity baseline, on generated seekers and jobs.

    python -m bench.recommend [--seekers 10000] [--jobs 50000] [--seed 14]

Jobs are spread over 31 provinces × 8 cities × 4 counties (codes of the GB/T 2260 form), 24
kinds of work, wages in three units, board, shifts, pay schedules, and a hidden popularity.
Each seeker has a home county, perhaps a current city elsewhere, kinds, a wage wanted and
needs, as a profile would say. Their applications come from a browse: a few hundred jobs
seen (near home or where they are, of their kinds, popular ones, random ones), of which they
apply to the six they like best by their own utility: kind, nearness, pay, needs, popularity
and freshness with other weights than the scorer's, plus Gumbel noise. Two of the six are
held out; the other four are what the site would know (applications, excluded from the
results).

Figures: recall@10 of the held-out applications for the site's scorer
(daigang.matchmaking.recommend: the same code, fed JobFeatures built in memory instead of
from the database, candidates looked up the way the selector's query does) and for the
popularity baseline (the ten jobs with the most known applications, minus the seeker's own),
both in this run; and the scorer's latency per seeker (candidates, scoring, reasons in words).

The seekers' behaviour follows their profile by construction, so recall here says the
scorer uses the profile well, not how real seekers behave.
"""

from __future__ import annotations

import argparse
import gc
import heapq
import json
import math
import os
import random
import statistics
import time
from dataclasses import dataclass
from typing import Any

PROVINCES = 31
CITIES = 8
COUNTIES = 4
KINDS = [
    ("普工", 5200, 10.0),
    ("操作工", 5500, 6.0),
    ("包装工", 4800, 4.0),
    ("质检员", 5600, 3.0),
    ("仓管员", 5000, 3.0),
    ("叉车工", 6500, 2.0),
    ("电工", 7000, 2.0),
    ("焊工", 7500, 2.0),
    ("装配工", 5600, 3.0),
    ("搬运工", 5200, 2.0),
    ("分拣员", 5000, 3.0),
    ("快递员", 6800, 3.0),
    ("外卖骑手", 7200, 3.0),
    ("保安", 4200, 2.0),
    ("保洁", 3800, 2.0),
    ("厨师", 6500, 2.0),
    ("服务员", 4300, 3.0),
    ("司机", 7000, 2.0),
    ("木工", 7800, 1.0),
    ("钢筋工", 8500, 1.0),
    ("缝纫工", 6000, 2.0),
    ("收银员", 4000, 1.5),
    ("理货员", 4600, 1.5),
    ("育婴员", 6500, 1.0),
]
CERTIFICATES = {"叉车工": "叉车证", "电工": "电工证", "焊工": "焊工证", "司机": "驾驶证"}
DAY = 86400.0


@dataclass
class Seeker:
    home: str
    current: str
    kinds: tuple[str, ...]
    wage_wanted_fen: int | None
    needs: frozenset[str]
    certificates: tuple[str, ...]
    train: list[int]
    held_out: list[int]


def _pick(rng: random.Random, weighted: list[tuple[Any, float]]) -> Any:
    return rng.choices([v for v, _w in weighted], [w for _v, w in weighted])[0]


def _county(rng: random.Random, province: int) -> str:
    return f"{province:02d}{rng.randint(1, CITIES):02d}{rng.randint(1, COUNTIES):02d}"


def _generate_jobs(rng: random.Random, count: int, now: float) -> tuple[list, list[float]]:
    from daigang.matchmaking.recommend import JobFeatures, month_fen

    provinces = list(range(11, 11 + PROVINCES))
    # Work is where factories are: a few provinces hold most of it.
    job_weights = [(p, rng.lognormvariate(0, 1.0)) for p in provinces]
    kinds = [(kind, weight) for kind, _base, weight in KINDS]
    base = {kind: wage for kind, wage, _weight in KINDS}
    jobs, hotness = [], []
    for job_id in range(count):
        province = _pick(rng, job_weights)
        code = _county(rng, province)
        kind = _pick(rng, kinds)
        month = base[kind] * 100 * rng.lognormvariate(0, 0.15)
        unit = _pick(rng, [("month", 6), ("hour", 3), ("day", 1)])
        per = {"month": 1.0, "day": 21.75, "hour": 21.75 * 8}[unit]
        low, high = round(month * 0.9 / per), round(month * 1.1 / per)
        text = f" {kind} "
        if kind == "叉车工":
            text += "叉车 "
        if rng.random() < 0.1:
            text += "无尘 "
        if rng.random() < 0.2:
            text += "坐着 "
        jobs.append(
            JobFeatures(
                id=job_id,
                region_code=code,
                province=f"省{code[:2]}",
                city=f"市{code[:4]}",
                district=f"县{code}",
                kind=kind,
                month_min_fen=month_fen(fen=low, unit=unit),
                month_max_fen=month_fen(fen=high, unit=unit),
                board=_pick(
                    rng,
                    [("room_and_board", 45), ("lodging", 15), ("meals", 10), ("none", 30)],
                ),
                couple_rooms=rng.random() < 0.2,
                shift=_pick(
                    rng,
                    [
                        ("day_only", 35),
                        ("two_shifts", 45),
                        ("three_shifts", 10),
                        ("night", 5),
                        ("flexible", 5),
                    ],
                ),
                pay_schedule=_pick(
                    rng, [("monthly", 70), ("half_monthly", 10), ("weekly", 10), ("daily", 10)]
                ),
                text=text,
                published_ts=now - rng.uniform(0, 45) * DAY,
                wage_unit=unit,
            )
        )
        hotness.append(rng.lognormvariate(0, 0.8))
    return jobs, hotness


def _true_utility(
    rng: random.Random, seeker: Seeker, job: Any, hot: float, now: float, noise: float
) -> float:
    """How much the generated seeker likes a job: not the scorer's formula or weights."""
    from daigang.matchmaking.recommend import kind_matches, near_tier

    u = 2.5 if any(kind_matches(k, job.kind) for k in seeker.kinds) else 0.0
    tier = max(near_tier(seeker.home, job.region_code), near_tier(seeker.current, job.region_code))
    u += (0.0, 0.9, 1.7, 2.0)[tier]
    if seeker.wage_wanted_fen and job.month_max_fen:
        mid = (job.month_min_fen + job.month_max_fen) / 2
        u += 3.0 * max(-0.5, min(0.3, (mid - seeker.wage_wanted_fen) / seeker.wage_wanted_fen))
    if "board" in seeker.needs:
        u += 0.9 if job.board == "room_and_board" else -0.6
    if "couple_rooms" in seeker.needs:
        u += 0.9 if job.couple_rooms else -0.6
    if "day_shift" in seeker.needs:
        u += 0.7 if job.shift == "day_only" else -0.5
    if "weekly_pay" in seeker.needs:
        u += 0.6 if job.pay_schedule in ("weekly", "daily") else -0.3
    if "no_cleanroom" in seeker.needs and "无尘" in job.text:
        u -= 1.0
    u += 0.6 * math.log(hot)
    u += 0.5 * math.exp(-(now - job.published_ts) / (10 * DAY))
    return u - noise * math.log(-math.log(rng.random() or 1e-12))  # Gumbel


def _generate_seekers(
    rng: random.Random, count: int, jobs: list, hotness: list[float], now: float
) -> list[Seeker]:
    provinces = list(range(11, 11 + PROVINCES))
    home_weights = [(p, rng.lognormvariate(0, 0.7)) for p in provinces]
    job_province_weights: dict[int, float] = {}
    by_province: dict[str, list[int]] = {}
    by_kind: dict[str, list[int]] = {}
    for job in jobs:
        by_province.setdefault(job.region_code[:2], []).append(job.id)
        by_kind.setdefault(job.kind, []).append(job.id)
        p = int(job.region_code[:2])
        job_province_weights[p] = job_province_weights.get(p, 0) + 1
    hubs = list(job_province_weights.items())
    kinds = [(kind, weight) for kind, _base, weight in KINDS]
    base = {kind: wage for kind, wage, _weight in KINDS}
    hot_ids = rng.choices(range(len(jobs)), weights=hotness, k=20000)
    seekers = []
    for _n in range(count):
        home = _county(rng, _pick(rng, home_weights))
        roll = rng.random()
        if roll < 0.4:
            current = home[:4] + "00"
        elif roll < 0.75:
            current = f"{_pick(rng, hubs):02d}{rng.randint(1, CITIES):02d}00"
        else:
            current = ""
        wanted_kinds = tuple(sorted({_pick(rng, kinds) for _k in range(rng.choice((1, 1, 2)))}))
        certificates = tuple(
            CERTIFICATES[k] for k in wanted_kinds if k in CERTIFICATES and rng.random() < 0.6
        )
        wage = None
        if rng.random() < 0.8:
            wage = round(base[wanted_kinds[0]] * rng.lognormvariate(0, 0.12), -2) * 100
        needs = frozenset(
            need
            for need, p in (
                ("board", 0.5),
                ("couple_rooms", 0.15),
                ("day_shift", 0.3),
                ("weekly_pay", 0.15),
                ("sitting", 0.1),
                ("no_cleanroom", 0.1),
            )
            if rng.random() < p
        )
        seeker = Seeker(
            home=home,
            current=current,
            kinds=wanted_kinds,
            wage_wanted_fen=int(wage) if wage else None,
            needs=needs,
            certificates=certificates,
            train=[],
            held_out=[],
        )
        # What they browse: near home or where they are, their kinds, popular jobs, others.
        seen: set[int] = set()
        for code in {home, current} - {""}:
            pool = by_province[code[:2]] if code[:2] in by_province else []
            seen.update(rng.sample(pool, min(100, len(pool))))
        for kind in wanted_kinds:
            seen.update(rng.sample(by_kind[kind], min(120, len(by_kind[kind]))))
        seen.update(rng.choice(hot_ids) for _h in range(80))
        seen.update(rng.randrange(len(jobs)) for _r in range(50))
        # Profiles say only part of what a person wants: the utility also sees the kind
        # a seeker did not write down (a fifth of them wrote none).
        shown = seeker
        if rng.random() < 0.2:
            shown = Seeker(**{**seeker.__dict__, "kinds": ()})
        liked = heapq.nlargest(
            6,
            seen,
            key=lambda job_id: _true_utility(rng, seeker, jobs[job_id], hotness[job_id], now, 1.0),
        )
        rng.shuffle(liked)
        shown.train.extend(liked[:4])
        shown.held_out.extend(liked[4:])
        seekers.append(shown)
    return seekers


def _features(seeker: Seeker, jobs: list) -> Any:
    """What the site's selector (matchmaking.selectors.seeker_features) would build."""
    from daigang.matchmaking.recommend import SeekerFeatures

    applied_kinds: dict[str, int] = {}
    for job_id in seeker.train:
        kind = jobs[job_id].kind
        applied_kinds[kind] = applied_kinds.get(kind, 0) + 1
    return SeekerFeatures(
        home_code=seeker.home,
        current_code=seeker.current,
        work_kinds=seeker.kinds,
        wage_wanted_fen=seeker.wage_wanted_fen,
        needs=seeker.needs,
        certificates=seeker.certificates,
        applied_kinds=applied_kinds,
        applied_cities=frozenset(jobs[j].region_code[:4] for j in seeker.train),
        excluded=frozenset(seeker.train),
    )


class CandidateIndex:
    """The selector's query in memory (recommend.candidate_scopes): open jobs in the seeker's
    provinces or whose kind contains a kind they want or applied to; first those in both,
    then the provinces', then the kinds', freshest first in each; CANDIDATES_MAX of them."""

    def __init__(self, jobs: list) -> None:
        newest_first = sorted(jobs, key=lambda job: -job.published_ts)
        self.by_province: dict[str, list] = {}
        self.by_kind: dict[str, list] = {}
        self.by_both: dict[tuple[str, str], list] = {}
        for job in newest_first:
            self.by_province.setdefault(job.region_code[:2], []).append(job)
            self.by_kind.setdefault(job.kind, []).append(job)
            self.by_both.setdefault((job.region_code[:2], job.kind), []).append(job)
        self._containing: dict[str, list[str]] = {}

    def kinds_containing(self, kind: str) -> list[str]:
        if kind not in self._containing:
            self._containing[kind] = [k for k in self.by_kind if kind in k]
        return self._containing[kind]

    def candidates(self, seeker: Any) -> list:
        from daigang.matchmaking.recommend import CANDIDATES_MAX, candidate_scopes

        provinces, kinds = candidate_scopes(seeker=seeker)
        job_kinds = {k for kind in kinds for k in self.kinds_containing(kind)}
        tiers = [
            [self.by_both.get((p, k), []) for p in provinces for k in job_kinds],
            [self.by_province.get(p, []) for p in provinces],
            [self.by_kind[k] for k in job_kinds],
        ]
        found: dict[int, Any] = {}
        for lists in tiers:
            for job in heapq.merge(*lists, key=lambda job: -job.published_ts):
                if job.id not in found:
                    found[job.id] = job
                    if len(found) >= CANDIDATES_MAX:
                        return list(found.values())
        return list(found.values())


def _recall(recommended: list[int], held_out: list[int]) -> float:
    return len(set(recommended) & set(held_out)) / len(held_out)


def run(*, seekers: int = 10000, jobs: int = 50000, seed: int = 14, k: int = 10) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.utils import translation

    from daigang.matchmaking.recommend import jobs_rank, reason_text

    rng = random.Random(seed)
    now = time.time()
    started = time.perf_counter()
    all_jobs, hotness = _generate_jobs(rng, jobs, now)
    people = _generate_seekers(rng, seekers, all_jobs, hotness, now)
    generated_s = time.perf_counter() - started
    # The generated world (millions of objects) lives on in this process, not in the site's:
    # keep the garbage collector from walking it again during the timed part.
    gc.collect()
    gc.freeze()

    popularity: dict[int, int] = {}
    for person in people:
        for job_id in person.train:
            popularity[job_id] = popularity.get(job_id, 0) + 1
    popular = sorted(popularity, key=lambda job_id: (-popularity[job_id], job_id))
    # A stronger baseline, for the record: the most applied-to jobs in the seeker's provinces.
    popular_in: dict[str, list[int]] = {}
    for job_id in popular:
        popular_in.setdefault(all_jobs[job_id].region_code[:2], []).append(job_id)

    index = CandidateIndex(all_jobs)
    ours, baseline, regional, latencies, cpu, candidates = [], [], [], [], [], []
    with translation.override("zh-hans"):
        for person in people:
            own = set(person.train)
            baseline.append(
                _recall([j for j in popular[: k + 4] if j not in own][:k], person.held_out)
            )
            near = heapq.merge(
                *(popular_in.get(code[:2], []) for code in {person.home, person.current} - {""}),
                key=lambda job_id: (-popularity[job_id], job_id),
            )
            regional.append(_recall([j for j in near if j not in own][:k], person.held_out))
            features = _features(person, all_jobs)
            t0, c0 = time.perf_counter(), time.process_time()
            pool = index.candidates(features)
            ranked = jobs_rank(seeker=features, jobs=pool, now_ts=now, limit=k)
            why = [" · ".join(reason_text(r) for r in item.reasons) for item in ranked]
            latencies.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
            assert len(why) == len(ranked)
            candidates.append(len(pool))
            ours.append(_recall([item.job.id for item in ranked], person.held_out))
    latencies.sort()
    cpu.sort()
    recall = statistics.fmean(ours)
    recall_baseline = statistics.fmean(baseline)
    return {
        "seekers": seekers,
        "jobs": jobs,
        "k": k,
        "recall": round(recall, 4),
        "recall_baseline": round(recall_baseline, 4),
        "ratio": round(recall / recall_baseline, 2) if recall_baseline else None,
        "recall_regional": round(statistics.fmean(regional), 4),
        "p50_ms": round(latencies[len(latencies) // 2], 2),
        "p95_ms": round(latencies[min(len(latencies) - 1, int(len(latencies) * 0.95))], 2),
        "max_ms": round(latencies[-1], 2),
        # CPU time of this process per seeker: what the latency would be on an idle core
        # (the benchmark runs single-threaded; a loaded machine adds waiting to the wall time).
        "cpu_p50_ms": round(cpu[len(cpu) // 2], 2),
        "cpu_p95_ms": round(cpu[min(len(cpu) - 1, int(len(cpu) * 0.95))], 2),
        "load_average": os.getloadavg()[0],
        "candidates_mean": round(statistics.fmean(candidates)),
        "generated_s": round(generated_s, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seekers", type=int, default=10000)
    parser.add_argument("--jobs", type=int, default=50000)
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args()
    figures = run(seekers=args.seekers, jobs=args.jobs, seed=args.seed)
    print(
        f"{figures['seekers']:,} seekers × {figures['jobs']:,} jobs "
        f"(generated in {figures['generated_s']} s), {figures['candidates_mean']:,} candidates "
        "per seeker on average"
    )
    print(
        f"recall@{figures['k']}: scorer {figures['recall']:.3f}, popularity "
        f"{figures['recall_baseline']:.3f} ({figures['ratio']}×, target ≥ 2×); popularity in "
        f"the seeker's provinces {figures['recall_regional']:.3f}"
    )
    print(
        f"per seeker: p50 {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms "
        f"(target ≤ 50 ms), max {figures['max_ms']} ms; CPU p50 {figures['cpu_p50_ms']} ms, "
        f"p95 {figures['cpu_p95_ms']} ms; load average {figures['load_average']:.1f}"
    )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
