from __future__ import annotations

from django import template

from daigang.jobs import presenters
from daigang.jobs.listen import job_listen_url
from daigang.jobs.models import Job

register = template.Library()

# Thin wrappers: the text itself comes from daigang.jobs.presenters, as everywhere else.


@register.filter
def job_wage(job: Job) -> str:
    """ "25-28 元/小时" """
    return presenters.job_wage_text(job)


@register.filter
def job_tags(job: Job) -> list[str]:
    """Benefits, then pay schedule."""
    return presenters.job_tags(job)


@register.filter
def job_place(job: Job) -> str:
    """ "东莞市 · 长安镇" """
    return presenters.job_place_text(job)


@register.filter
def job_labels(job: Job) -> list[str]:
    """ "人力资源服务机构", "劳务派遣" """
    return presenters.job_labels(job)


@register.inclusion_tag("jobs/_listen_button.html")
def listen_button(job: Job) -> dict[str, str]:
    """{% listen_button job %} — the 听 button: the text for the browser's own voice and the
    URL of the server's recording (daigang.jobs.listen), hidden until listen.js shows it."""
    return {
        "title": job.title,
        "text": presenters.job_listen_text(job),
        "url": job_listen_url(job),
    }
