from __future__ import annotations

from django import template

from daigang.jobs.jsonld import job_benefit_tags
from daigang.jobs.models import Job
from daigang.jobs.wages import wage_display

register = template.Library()


@register.filter
def job_wage(job: Job) -> str:
    """ "25-28 元/小时" """
    return wage_display(min_fen=job.wage_min_fen, max_fen=job.wage_max_fen, unit=job.wage_unit)


@register.filter
def job_tags(job: Job) -> list[str]:
    return job_benefit_tags(job)


@register.filter
def job_place(job: Job) -> str:
    """ "东莞市 · 长安镇" — city and district, what a seeker reads first on a card."""
    return " · ".join(part for part in (job.city, job.district) if part)
