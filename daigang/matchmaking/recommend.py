"""The recommendation scorer (为您推荐): pure, fast, and the same code for the site and the
benchmark (bench/recommend.py).

A seeker is described by `SeekerFeatures` and a job by `JobFeatures`, plain values built by
the selector (matchmaking.selectors.jobs_recommended) from the database or by the benchmark
from generated data. Nothing here reads the database.

What a job is ranked by, and nothing else (matchmaking/tests/test_recommend_scorer.py checks
the inputs are exactly these):
- the kind of work the seeker wants, and the kinds they applied to;
- how near it is to their home region (家乡) or the city they are in now. Regions carry no
  coordinates, so nearness is by tier of the GB/T 2260 code, not kilometres: the same county,
  the same city, the same province;
- its wage against the wage wanted (hourly and daily wages counted over 21.75 days of 8
  hours, the legal monthly average; piece rates are not compared);
- the needs it meets (包吃住, 夫妻间, 长白班, 周结或日结, 坐着干活; 不穿无尘服 only lowers a
  job whose text says 无尘);
- certificates its text asks for (叉车证 → a job that says 叉车);
- how fresh it is;
- the seeker's dismissals (不感兴趣) of jobs of the same kind.
Gender, ethnicity and household registration are never inputs: the profile has none of them,
and its target groups (人员类别, which include 妇女), name, birth year and work history are
not read either.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

# Legal monthly average working days (月计薪天数) and hours a day, to compare a wage paid by the
# hour or the day with a monthly wage wanted.
MONTH_DAYS = 21.75
DAY_HOURS = 8
# The most candidate jobs the selector reads and scores per seeker (candidate_scopes says which
# first). bench/recommend: 2,000 took 1.7× the CPU for no better recall.
CANDIDATES_MAX = 1000
REASONS_MAX = 4
FRESH_DAYS = 3

# Weights. Distance tiers: (home, current place) same county, city, province.
W_KIND = 3.0
W_APPLIED_KIND = 1.5
W_DISMISSED_KIND = -0.6
DISMISSED_KIND_FLOOR = -1.8
W_NEAR = {3: 2.2, 2: 1.6, 1: 0.7, 0: 0.0}
W_APPLIED_CITY = 0.4
W_WAGE_ABOVE = 1.6
W_WAGE_MEETS = 1.0
W_WAGE_SHORT = -2.5  # times the shortfall as a share of the wage wanted
W_NEED_MET = 0.9
W_NEED_PARTLY = 0.3
W_NEED_UNMET = -0.5
W_CERTIFICATE = 1.0
W_FRESH = 1.2  # at day 0, halved after a week

NEED_BOARD = "board"
NEED_COUPLE_ROOMS = "couple_rooms"
NEED_DAY_SHIFT = "day_shift"
NEED_NO_CLEANROOM = "no_cleanroom"
NEED_SITTING = "sitting"
NEED_WEEKLY_PAY = "weekly_pay"

# The values of daigang.jobs.models (Board, Shift, PaySchedule, WageUnit) the scorer reads.
BOARD_FULL = "room_and_board"
BOARD_PARTLY = frozenset({"lodging", "meals"})
SHIFT_DAY_ONLY = "day_only"
PAY_SOON = frozenset({"weekly", "daily"})
UNIT_MONTH = "month"
UNIT_DAY = "day"
UNIT_HOUR = "hour"


@dataclass(frozen=True, slots=True)
class SeekerFeatures:
    """Everything the scorer knows about a seeker. Codes are GB/T 2260 ("" when not said);
    wages are fen a month."""

    home_code: str = ""
    current_code: str = ""
    work_kinds: tuple[str, ...] = ()
    wage_wanted_fen: int | None = None
    needs: frozenset[str] = frozenset()
    certificates: tuple[str, ...] = ()
    # Behaviour: kinds of work applied to (with how often), cities (4-digit code prefixes)
    # applied in, kinds of the jobs dismissed (with how often).
    applied_kinds: Mapping[str, int] = field(default_factory=dict)
    applied_cities: frozenset[str] = frozenset()
    dismissed_kinds: Mapping[str, int] = field(default_factory=dict)
    # Jobs never recommended: applied to or dismissed.
    excluded: frozenset[int] = frozenset()

    def is_blank(self) -> bool:
        """Nothing to rank by: no profile worth the name and no applications."""
        return not (
            self.home_code
            or self.current_code
            or self.work_kinds
            or self.wage_wanted_fen
            or self.needs
            or self.certificates
            or self.applied_kinds
        )


@dataclass(frozen=True, slots=True)
class JobFeatures:
    id: int
    region_code: str  # "" for a job saved before regions
    province: str
    city: str
    district: str
    kind: str
    # A month's wage in fen, low and high; None for piece rates.
    month_min_fen: int | None
    month_max_fen: int | None
    board: str
    couple_rooms: bool
    shift: str
    pay_schedule: str
    # Title, duties, requirements and benefits, for certificates and 无尘/坐着.
    text: str
    published_ts: float  # POSIX seconds
    wage_unit: str = UNIT_MONTH


def month_fen(*, fen: int, unit: str) -> int | None:
    """A wage in fen a month, or None for a piece rate."""
    if unit == UNIT_MONTH:
        return fen
    if unit == UNIT_DAY:
        return round(fen * MONTH_DAYS)
    if unit == UNIT_HOUR:
        return round(fen * MONTH_DAYS * DAY_HOURS)
    return None


def kind_matches(wanted: str, kind: str) -> bool:
    """普工 matches 普工; 叉车 matches 叉车工 and the other way round."""
    return bool(wanted) and bool(kind) and (wanted in kind or kind in wanted)


def certificate_stem(certificate: str) -> str:
    """What a job's text says when it wants the certificate: 叉车证 → 叉车, 电工证书 → 电工."""
    for suffix in ("上岗证", "操作证", "证书", "证"):
        if certificate.endswith(suffix) and len(certificate) > len(suffix):
            return certificate[: -len(suffix)]
    return certificate


def near_tier(a: str, b: str) -> int:
    """3 the same county, 2 the same city (a city with no county: its own code), 1 the same
    province, 0 elsewhere or unknown. By code prefix: a 直辖市's districts (1101xx) are one
    city; the county-level units a province runs itself (4290xx: 仙桃, 潜江, 天门) count as
    one city too, a small overstatement of nearness."""
    if not a or not b:
        return 0
    if a[:2] != b[:2]:
        return 0
    if a[:4] != b[:4]:
        return 1
    if a == b and a[4:] != "00":
        return 3
    return 2


# Why a job is recommended, as (code, value) pairs the scorer appends and job_reasons words.
Reason = tuple[str, str]


class _Scorer:
    """The scoring of one seeker's candidates. What depends only on a job's region or kind is
    worked out once per region or kind seen (a few dozen), not once per job (thousands)."""

    def __init__(self, seeker: SeekerFeatures, now_ts: float) -> None:
        self.seeker = seeker
        self.now_ts = now_ts
        self._near: dict[str, tuple[float, Reason | None]] = {}
        self._kind: dict[str, tuple[float, Reason | None]] = {}

    def near(self, job: JobFeatures) -> tuple[float, Reason | None]:
        code = job.region_code
        found = self._near.get(code)
        if found is None:
            seeker = self.seeker
            near_home = near_tier(seeker.home_code, code)
            near_now = near_tier(seeker.current_code, code)
            tier = max(near_home, near_now)
            score = W_NEAR[tier]
            if code and code[:4] in seeker.applied_cities:
                score += W_APPLIED_CITY
            reason: Reason | None = None
            if tier:
                place = _place(job, tier)
                if near_home >= near_now:
                    reason = ("home_near" if tier >= 2 else "home_province", place)
                else:
                    reason = ("current_near" if tier >= 2 else "current_province", place)
            found = self._near[code] = (score, reason)
        return found

    def kind(self, kind: str) -> tuple[float, Reason | None]:
        found = self._kind.get(kind)
        if found is None:
            seeker = self.seeker
            score = 0.0
            reason: Reason | None = None
            if any(kind_matches(wanted, kind) for wanted in seeker.work_kinds):
                score, reason = W_KIND, ("kind", kind)
            elif kind in seeker.applied_kinds:
                score = W_APPLIED_KIND * (1 + min(seeker.applied_kinds[kind], 3) / 3) / 2
                reason = ("applied_kind", "")
            if kind in seeker.dismissed_kinds:
                score += max(W_DISMISSED_KIND * seeker.dismissed_kinds[kind], DISMISSED_KIND_FLOOR)
            found = self._kind[kind] = (score, reason)
        return found

    def assess(self, job: JobFeatures, reasons: list[Reason] | None = None) -> float:
        """The job's score; its reasons appended to `reasons` when given.

        One function for both, so a reason is never shown for something that was not counted.
        Reasons come in the order a seeker reads them: where, what it gives, pay, kind, fresh.
        """
        seeker = self.seeker
        explain = reasons is not None
        score, near_reason = self.near(job)
        if explain and near_reason is not None:
            assert reasons is not None
            reasons.append(near_reason)

        if seeker.needs:
            score += _needs(seeker.needs, job, reasons)

        wanted = seeker.wage_wanted_fen
        if wanted and job.month_max_fen is not None and job.month_min_fen is not None:
            if job.month_min_fen >= wanted * 1.1:
                score += W_WAGE_ABOVE
                if explain:
                    assert reasons is not None
                    reasons.append((_wage_code("wage_above", job), ""))
            elif job.month_max_fen >= wanted:
                score += W_WAGE_MEETS
                if explain:
                    assert reasons is not None
                    reasons.append((_wage_code("wage_meets", job), ""))
            else:
                score += W_WAGE_SHORT * (wanted - job.month_max_fen) / wanted

        kind_score, kind_reason = self.kind(job.kind)
        score += kind_score
        if explain and kind_reason is not None:
            assert reasons is not None
            reasons.append(kind_reason)

        for certificate in seeker.certificates:
            stem = certificate_stem(certificate)
            if len(stem) >= 2 and stem in job.text:
                score += W_CERTIFICATE
                if explain:
                    assert reasons is not None
                    reasons.append(("certificate", certificate))
                break

        days = max(0.0, (self.now_ts - job.published_ts) / 86400)
        score += W_FRESH * 7 / (7 + days)
        if explain and days <= FRESH_DAYS:
            assert reasons is not None
            reasons.append(("fresh", ""))
        return score


def _wage_code(code: str, job: JobFeatures) -> str:
    return code if job.wage_unit == UNIT_MONTH else code + "_converted"


def _place(job: JobFeatures, tier: int) -> str:
    if tier == 3:
        return job.district or job.city
    if tier == 2:
        return job.city
    return job.province


def _needs(needs: frozenset[str], job: JobFeatures, reasons: list[Reason] | None) -> float:
    score = 0.0
    met: list[str] = []
    if NEED_BOARD in needs:
        if job.board == BOARD_FULL:
            score += W_NEED_MET
            met.append(NEED_BOARD)
        elif job.board in BOARD_PARTLY:
            score += W_NEED_PARTLY
        else:
            score += W_NEED_UNMET
    if NEED_COUPLE_ROOMS in needs:
        if job.couple_rooms:
            score += W_NEED_MET
            met.append(NEED_COUPLE_ROOMS)
        else:
            score += W_NEED_UNMET
    if NEED_DAY_SHIFT in needs:
        if job.shift == SHIFT_DAY_ONLY:
            score += W_NEED_MET
            met.append(NEED_DAY_SHIFT)
        else:
            score += W_NEED_UNMET
    if NEED_WEEKLY_PAY in needs:
        if job.pay_schedule in PAY_SOON:
            score += W_NEED_MET
            met.append("daily_pay" if job.pay_schedule == "daily" else "weekly_pay")
        else:
            score += W_NEED_UNMET
    if NEED_SITTING in needs and "坐着" in job.text:
        score += W_NEED_MET
        met.append(NEED_SITTING)
    if NEED_NO_CLEANROOM in needs and "无尘" in job.text:
        score += W_NEED_UNMET * 2
    if reasons is not None:
        reasons.extend(("need", need) for need in met)
    return score


def _need_label(need: str) -> str:
    return {
        NEED_BOARD: _("包吃住"),
        NEED_COUPLE_ROOMS: _("夫妻间"),
        NEED_DAY_SHIFT: _("长白班"),
        "weekly_pay": _("周结"),
        "daily_pay": _("日结"),
        NEED_SITTING: _("坐着干活"),
    }[need]


def reason_text(reason: Reason, *, to_seeker: bool = True) -> str:
    """A reason in words: to the seeker (您), or about them to their matchmaker (求职者)."""
    code, value = reason
    if code == "need":
        return _need_label(value)
    if code == "fresh":
        return _("新发布")
    if code == "open":
        return _("正在招聘")
    if to_seeker:
        texts = {
            "home_near": _("就在您家乡%(value)s"),
            "home_province": _("在您家乡%(value)s"),
            "current_near": _("就在您现在所在的%(value)s"),
            "current_province": _("在您现在所在的%(value)s"),
            "wage_above": _("工价高于您的期望"),
            "wage_meets": _("工价达到您的期望"),
            "wage_above_converted": _("工价折合月薪高于您的期望"),
            "wage_meets_converted": _("工价折合月薪达到您的期望"),
            "kind": _("是您想做的%(value)s"),
            "applied_kind": _("和您报名过的岗位同类"),
            "certificate": _("用得上您的%(value)s"),
        }
    else:
        texts = {
            "home_near": _("就在求职者家乡%(value)s"),
            "home_province": _("在求职者家乡%(value)s"),
            "current_near": _("就在求职者现在所在的%(value)s"),
            "current_province": _("在求职者现在所在的%(value)s"),
            "wage_above": _("工价高于求职者的期望"),
            "wage_meets": _("工价达到求职者的期望"),
            "wage_above_converted": _("工价折合月薪高于求职者的期望"),
            "wage_meets_converted": _("工价折合月薪达到求职者的期望"),
            "kind": _("是求职者想做的%(value)s"),
            "applied_kind": _("和求职者报名过的岗位同类"),
            "certificate": _("用得上求职者的%(value)s"),
        }
    text = texts[code]
    return text % {"value": value} if "%(value)s" in text else text


def job_score(*, seeker: SeekerFeatures, job: JobFeatures, now_ts: float) -> float:
    return _Scorer(seeker, now_ts).assess(job)


def job_reasons(*, seeker: SeekerFeatures, job: JobFeatures, now_ts: float) -> list[Reason]:
    """Why the job is recommended, most telling first (at most REASONS_MAX); ("open", "")
    when nothing in particular (a job found by the seeker's province alone, far in it)."""
    return _explain(_Scorer(seeker, now_ts), job)


def _explain(scorer: _Scorer, job: JobFeatures) -> list[Reason]:
    reasons: list[Reason] = []
    scorer.assess(job, reasons)
    return reasons[:REASONS_MAX] or [("open", "")]


@dataclass(frozen=True, slots=True)
class Ranked:
    job: JobFeatures
    score: float
    reasons: list[Reason]


def jobs_rank(
    *,
    seeker: SeekerFeatures,
    jobs: Iterable[JobFeatures],
    now_ts: float,
    limit: int = 10,
    explain: bool = True,
) -> list[Ranked]:
    """The `limit` best jobs for the seeker, best first (ties: the newer job), without the
    jobs they applied to or dismissed; each with its reasons unless `explain` is off."""
    excluded = seeker.excluded
    scorer = _Scorer(seeker, now_ts)
    assess = scorer.assess
    scored = (
        (assess(job), job.published_ts, job.id, job) for job in jobs if job.id not in excluded
    )
    best = heapq.nlargest(limit, scored, key=lambda row: (row[0], row[1], row[2]))
    return [
        Ranked(job=job, score=score, reasons=_explain(scorer, job) if explain else [])
        for score, _ts, _id, job in best
    ]


def candidate_scopes(*, seeker: SeekerFeatures) -> tuple[frozenset[str], frozenset[str]]:
    """Where candidates are looked for: the provinces (2-digit code prefixes) of home, the
    current place and the cities applied in; and the kinds wanted or applied to (a job's kind
    containing one: 叉车 finds 叉车工). Jobs outside both are never scored. Up to
    CANDIDATES_MAX are taken: first those in both, then those in the provinces, then those
    of the kinds elsewhere, the freshest first in each (the selector's query, the benchmark's
    index)."""
    provinces = {code[:2] for code in (seeker.home_code, seeker.current_code) if code}
    provinces |= {prefix[:2] for prefix in seeker.applied_cities}
    kinds = set(seeker.work_kinds) | set(seeker.applied_kinds)
    return frozenset(provinces), frozenset(kind for kind in kinds if kind)
