"""How a job reads to a seeker: its wage, place and tags as text, the same on every page.

The live room's pinned card, the job list and job page, the jobs API and the JSON-LD for
search engines all take their text from here, so a job never says "东莞市长安镇 · 月结" in the
room and "东莞市 · 长安镇 · 包吃住" on its page.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from daigang.accounts.models import Organisation
from daigang.jobs.models import Arrangement, Board, Job, PaySchedule, Shift, WageUnit
from daigang.jobs.selectors import JobFilters
from daigang.jobs.wages import wage_display, yuan_text
from daigang.regions.models import Region

PLACE_SEPARATOR = " · "


def job_wage_text(job: Job) -> str:
    """ "25-28 元/小时" """
    return wage_display(min_fen=job.wage_min_fen, max_fen=job.wage_max_fen, unit=job.wage_unit)


def job_place_text(job: Job) -> str:
    """ "东莞市 · 长安镇" — city and district, what a seeker reads first on a card."""
    return PLACE_SEPARATOR.join(part for part in (job.city, job.district) if part)


def job_benefit_tags(job: Job) -> list[str]:
    """Tags a seeker scans for, in the order they matter: board, couple rooms, shifts, the rest."""
    tags: list[str] = []
    if job.board != Board.NONE:
        tags.append(str(Board(job.board).label))
    if job.couple_rooms:
        tags.append(_("夫妻间"))
    tags.append(str(Shift(job.shift).label))
    if job.is_flexible:
        tags.append(_("零工"))
    # Benefits are stored in Chinese; the common ones have a translation in the catalogue.
    tags.extend(tag for tag in map(_, job.benefits) if tag not in tags)
    return tags


def job_tags(job: Job) -> list[str]:
    """The tags on a card: the benefits with how the pay comes (月结, 日结…) right after the
    shift, among the facts a seeker asks first (a small card may show only its first row)."""
    benefits = job_benefit_tags(job)
    pay_schedule = str(PaySchedule(job.pay_schedule).label)
    if pay_schedule in benefits:
        return benefits
    after_shift = benefits.index(str(Shift(job.shift).label)) + 1
    return [*benefits[:after_shift], pay_schedule, *benefits[after_shift:]]


def job_labels(job: Job) -> list[str]:
    """Who is posting and how, ahead of everything else: "人力资源服务机构" for a labour
    agency's job, and "劳务派遣" when the seeker would be dispatched (reads job.organisation)."""
    labels: list[str] = []
    if job.organisation.kind == Organisation.Kind.AGENCY:
        labels.append(_("人力资源服务机构"))
    if job.arrangement == Arrangement.DISPATCH:
        labels.append(_("劳务派遣"))
    elif job.arrangement == Arrangement.PLACEMENT:
        labels.append(_("职业中介"))
    return labels


# What one unit of a wage is, read aloud: "每小时25到28元".
_SPOKEN_PER: dict[str, str] = {
    WageUnit.HOUR: "每小时",
    WageUnit.DAY: "每天",
    WageUnit.MONTH: "每月",
    WageUnit.PIECE: "每件",
}
# The language the 听 button speaks whatever the page's: Mandarin, for seekers who read little.
SPOKEN_LANGUAGE = "zh-hans"


def _yuan_spoken(fen: int) -> str:
    """An amount as a speaker says it, not as it is written: "0.35" is not read well by a
    voice (espeak-ng drops the point), "3角5分" is."""
    yuan, cents = divmod(fen, 100)
    jiao, fen_left = divmod(cents, 10)
    parts = [f"{yuan}元"] if yuan else []
    if jiao:
        parts.append(f"{jiao}角")
    if fen_left:
        parts.append(f"{fen_left}分")
    return "".join(parts) or "0元"


def _wage_spoken(job: Job) -> str:
    per = _SPOKEN_PER[job.wage_unit]
    low, high = job.wage_min_fen, job.wage_max_fen
    if low == high:
        return f"{per}{_yuan_spoken(low)}"
    if low % 100 == 0 and high % 100 == 0:
        return f"{per}{yuan_text(low)}到{yuan_text(high)}元"
    return f"{per}{_yuan_spoken(low)}到{_yuan_spoken(high)}"


def job_listen_text(job: Job) -> str:
    """What the 听 button reads aloud, in Mandarin: title, wage and how it is paid, place,
    hours (the shift) and benefits. One text for the browser's own voice (a data attribute)
    and the server's audio (espeak-ng, daigang.jobs.listen), whose file is named by its hash:
    a job whose text changes gets a new recording."""
    with translation.override(SPOKEN_LANGUAGE):
        shift = str(Shift(job.shift).label)
        benefits = [tag for tag in job_benefit_tags(job) if tag != shift]
        place = "".join(part for part in (job.city, job.district) if part)
        sentences = [
            job.title,
            f"工价{_wage_spoken(job)}，{PaySchedule(job.pay_schedule).label}",
            f"地点：{place}",
            f"班次：{shift}",
        ]
        if benefits:
            sentences.append("福利：" + "、".join(benefits))
    return "。".join(sentences) + "。"


@dataclass(frozen=True)
class JobCard:
    id: int
    title: str
    organisation: str
    wage: str
    place: str
    benefits: list[str]
    pay_schedule: str
    tags: list[str]  # benefits and pay schedule, as a card shows them
    url: str
    labels: list[str]  # agency and dispatch labels (job_labels)
    employer: str  # the employer an agency recruits for (用工单位); "" for a company's job
    headcount: int
    valid_until: str  # "2026-12-31"


def job_card(*, job: Job) -> JobCard:
    """One job as every card shows it (reads `job.organisation`: select it with the job)."""
    return JobCard(
        id=job.pk,
        title=job.title,
        organisation=job.organisation.name,
        wage=job_wage_text(job),
        place=job_place_text(job),
        benefits=job_benefit_tags(job),
        pay_schedule=str(PaySchedule(job.pay_schedule).label),
        tags=job_tags(job),
        url=reverse("jobs:detail", args=[job.pk]),
        labels=job_labels(job),
        employer=job.employer_name,
        headcount=job.headcount,
        valid_until=job.valid_until.isoformat(),
    )


@dataclass(frozen=True)
class FilterChips:
    """What the home page's filter chips say: the chosen city's name, "≥ 5000 元/月", and
    where 清除 leads (the keyword kept, every chip off)."""

    city_name: str
    wage_text: str
    filtered: bool
    clear_url: str


def filter_chips(
    *, filters: JobFilters, city_code: str, cities: list[Region], home_url: str
) -> FilterChips:
    city_name = next((city.name for city in cities if city.code == city_code), "")
    wage_text = ""
    if filters.wage_min_fen is not None:
        wage_text = f"≥ {yuan_text(filters.wage_min_fen)} {WageUnit(filters.wage_unit).label}"
    filtered = bool(
        city_name or wage_text or filters.room_and_board or filters.couple_rooms or filters.flexible
    )
    clear_url = f"{home_url}?{urlencode({'q': filters.q})}" if filters.q else home_url
    return FilterChips(
        city_name=city_name, wage_text=wage_text, filtered=filtered, clear_url=clear_url
    )
