"""schema.org JobPosting for a job page, so search engines show the job with its wage and place.

https://schema.org/JobPosting — the numbers in baseSalary are yuan computed exactly from fen.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from daigang.jobs.models import Job
from daigang.jobs.presenters import job_card
from daigang.jobs.wages import SCHEMA_UNIT_TEXT, fen_to_yuan

# The same escapes as django.utils.html.json_script: with "<", ">" and "&" as \u escapes, the
# text "</script>" cannot occur inside the JSON, so nothing can break out of the script tag.
_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def _json_number(value: Decimal) -> int | float:
    # JSON has no decimal type; a value with at most two decimals prints back exactly (Python
    # writes the shortest text that round-trips), so the float exists only inside json.dumps.
    return int(value) if value == value.to_integral_value() else float(value)


def job_description_text(job: Job) -> str:
    """schema.org wants one description: the duties, then the requirements under a heading."""
    if not job.requirements:
        return job.duties
    return f"{job.duties}\n\n{_('任职要求')}：{job.requirements}"


def job_posting_jsonld(*, job: Job, job_url: str, organisation_url: str) -> dict[str, Any]:
    organisation = job.organisation
    # The texts a person reads (place, wage, benefits) are the card's, as on the job page.
    card = job_card(job=job)
    posted = job.published_at or job.created_at
    valid_through = timezone.make_aware(dt.datetime.combine(job.valid_until, dt.time(23, 59, 59)))
    street = "".join(part for part in (job.district, job.address) if part)
    address: dict[str, Any] = {
        "@type": "PostalAddress",
        "addressRegion": job.province,
        "addressLocality": job.city,
        "addressCountry": "CN",
    }
    if street:
        address["streetAddress"] = street
    return {
        "@context": "https://schema.org/",
        "@type": "JobPosting",
        "title": job.title,
        "description": job_description_text(job),
        "responsibilities": job.duties,
        "qualifications": job.requirements,
        "url": job_url,
        "identifier": {"@type": "PropertyValue", "name": organisation.name, "value": str(job.pk)},
        "datePosted": timezone.localdate(posted).isoformat(),
        "validThrough": valid_through.isoformat(),
        "occupationalCategory": job.kind_of_work,
        "employmentType": ["TEMPORARY", "PART_TIME"] if job.is_flexible else "FULL_TIME",
        "hiringOrganization": {
            "@type": "Organization",
            "name": organisation.name,
            "sameAs": organisation_url,
            "identifier": {
                "@type": "PropertyValue",
                "propertyID": "统一社会信用代码",
                "value": organisation.uscc,
            },
        },
        "jobLocation": {"@type": "Place", "name": card.place, "address": address},
        "baseSalary": {
            "@type": "MonetaryAmount",
            "description": card.wage,
            "currency": "CNY",
            "value": {
                "@type": "QuantitativeValue",
                "minValue": _json_number(fen_to_yuan(job.wage_min_fen)),
                "maxValue": _json_number(fen_to_yuan(job.wage_max_fen)),
                "unitText": SCHEMA_UNIT_TEXT[job.wage_unit],
            },
        },
        "jobBenefits": _("、").join(card.benefits),
        "totalJobOpenings": job.headcount,
        "directApply": True,
    }


def jsonld_script(data: dict[str, Any]) -> SafeString:
    """`<script type="application/ld+json">` with JSON that cannot close the tag early."""
    text = json.dumps(data, ensure_ascii=False).translate(_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))
