"""Writes for job posts: create, edit, publish, close, close the expired ones.

Every write checks the invariants itself (wage in fen with min ≤ max, no field breaking a
content rule of daigang.rules, an age limit only where the kind of work allows one, only
verified organisations publish) so the API, the demo loader and the forms cannot differ.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from daigang.accounts.models import Organisation, User
from daigang.accounts.uscc import uscc_normalize, uscc_problem
from daigang.core.refused import Refused
from daigang.jobs.models import Arrangement, Board, Job, PaySchedule, Shift
from daigang.jobs.places import place_names, region_is_job_place
from daigang.jobs.search import organisation_name_for_search, search_text_build
from daigang.jobs.search_index import search_index_put
from daigang.jobs.wages import wage_range_check
from daigang.regions.names import short_name
from daigang.regions.selectors import region_get, region_match
from daigang.rules.ages import age_range_check
from daigang.rules.refusals import fields_refusals
from daigang.rules.terms import PUBLIC_RULES


@dataclasses.dataclass(frozen=True, kw_only=True)
class JobDraft:
    """Everything an employer enters about a job; produced by JobForm or by code."""

    title: str
    kind_of_work: str
    headcount: int
    wage_min_fen: int
    wage_max_fen: int
    wage_unit: str
    pay_schedule: str
    shift: str
    board: str
    couple_rooms: bool = False
    assembly_line: bool = False
    age_min: int = 18
    age_max: int = 50
    # The job's region (GB/T 2260 code of a county, or of a city with no county chosen). The
    # names below are then derived from it; without it, they are matched to a region by name
    # (callers that still send names: demo data, older code) and refused if none matches.
    region_id: str = ""
    province: str = ""
    city: str = ""
    district: str = ""
    address: str = ""
    benefits: list[str] = dataclasses.field(default_factory=list)
    requirements: str
    duties: str
    valid_until: dt.date
    is_flexible: bool = False
    # A labour agency's job: the employer it recruits for (用工单位) and how. Empty otherwise.
    employer_name: str = ""
    employer_uscc: str = ""
    arrangement: str = ""


# Every free-text field of a job card: all of it is what a seeker reads.
JOB_TEXT_FIELDS = (
    "title",
    "kind_of_work",
    "province",
    "city",
    "district",
    "address",
    "requirements",
    "duties",
    "employer_name",
)
# What the 2026 notice asks every posting to say; checked on save and again on publishing.
JOB_REQUIRED_TEXT = ("requirements", "duties")


def _field_label(name: str) -> str:
    return str(getattr(Job._meta.get_field(name), "verbose_name", name))


def job_content_check(*, values: Mapping[str, Any]) -> None:
    """Raise ValidationError keyed by field when a field of the job card breaks a content rule
    (money asked of seekers, discrimination, hype: daigang.rules) or limits age without a kind
    of work that allows it. `values` maps JobDraft field names to values."""
    fields = {name: (_field_label(name), str(values.get(name) or "")) for name in JOB_TEXT_FIELDS}
    # Joined with a clause break so a term cannot be formed across two tags.
    fields["benefits"] = (
        _field_label("benefits"),
        "。".join(values.get("benefits") or []),
    )
    refusals = fields_refusals(fields=fields, rules=PUBLIC_RULES)
    age_max = values.get("age_max")
    if age_max is not None:
        try:
            age_range_check(kind_of_work=str(values.get("kind_of_work") or ""), age_max=age_max)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                refusals.setdefault(field, []).extend(messages)
    if refusals:
        raise ValidationError(
            {
                field: [ValidationError(message, code="content_rule") for message in messages]
                for field, messages in refusals.items()
            }
        )


def _place_error(field: str, message: str) -> ValidationError:
    return ValidationError({field: [ValidationError(message, code="region")]})


def job_draft_place(*, draft: JobDraft) -> JobDraft:
    """The draft with its region and the region's names (province / city / district).

    Raises ValidationError (on "city" or "district") for an unknown or retired code, a province
    that has cities, names that match no region, or a district that is not in the city.
    """
    if draft.region_id:
        region = region_get(code=draft.region_id)
        if region is None:
            raise _place_error("city", _("没有这个地区，请从列表中选择"))
    else:
        match = region_match(province=draft.province, city=draft.city, district=draft.district)
        if match.region is None:
            raise _place_error("city", _("找不到这个城市，请从列表中选择省、市"))
        if draft.district and draft.district in match.unmatched:
            raise _place_error("district", _("所选区县不在该城市内"))
        region = region_get(code=match.region.code)
        assert region is not None
    if not region_is_job_place(region=region):
        raise _place_error("city", _("请选择城市"))
    names = place_names(region=region)
    return dataclasses.replace(
        draft,
        region_id=region.code,
        province=names.province,
        city=names.city,
        district=names.district,
    )


def job_completeness_check(*, values: Mapping[str, Any], organisation: Organisation) -> None:
    """Raise ValidationError keyed by field when the posting lacks what the 2026 notice asks
    of every job: requirements and duties; and for a labour agency the employer it recruits
    for (name and a valid USCC) and whether it is dispatch (劳务派遣) or placement (职业中介).
    A company's job names no other employer."""
    errors: dict[str, list[ValidationError]] = {}

    def refuse(field: str, message: str, code: str) -> None:
        errors.setdefault(field, []).append(ValidationError(message, code=code))

    for field in JOB_REQUIRED_TEXT:
        if not str(values.get(field) or "").strip():
            refuse(field, _("请填写%(field)s") % {"field": _field_label(field)}, "required")
    employer_name = str(values.get("employer_name") or "").strip()
    employer_uscc = str(values.get("employer_uscc") or "").strip()
    arrangement = str(values.get("arrangement") or "")
    if organisation.kind == Organisation.Kind.AGENCY:
        if not employer_name:
            refuse(
                "employer_name",
                _("人力资源服务机构发布岗位须写明用工单位名称"),
                "employer_required",
            )
        if not employer_uscc:
            refuse(
                "employer_uscc",
                _("请填写用工单位的统一社会信用代码"),
                "employer_uscc_required",
            )
        else:
            problem = uscc_problem(uscc_normalize(employer_uscc))
            if problem is not None:
                for message in problem.messages:
                    refuse("employer_uscc", message, "employer_uscc_invalid")
        if arrangement not in Arrangement.values:
            refuse(
                "arrangement",
                _("请选择用工方式：劳务派遣或职业中介"),
                "arrangement_required",
            )
    elif employer_name or employer_uscc or arrangement:
        refuse(
            "employer_name",
            _("只有人力资源服务机构可以代其他用工单位招聘"),
            "employer_not_agency",
        )
    if errors:
        raise ValidationError(errors)


def _draft_check(draft: JobDraft, organisation: Organisation) -> None:
    errors: dict[str, list[ValidationError]] = {}
    checks = (
        lambda: wage_range_check(min_fen=draft.wage_min_fen, max_fen=draft.wage_max_fen),
        lambda: job_completeness_check(values=dataclasses.asdict(draft), organisation=organisation),
        lambda: job_content_check(values=dataclasses.asdict(draft)),
    )
    if draft.age_min > draft.age_max:
        errors["age_max"] = [ValidationError(_("最高年龄不能低于最低年龄"), code="age_range")]
    # Every problem at once, each on its field, so the employer fixes them in one go.
    for check in checks:
        try:
            check()
        except ValidationError as exc:
            for field, field_errors in exc.update_error_dict({}).items():
                errors.setdefault(field, []).extend(field_errors)
    if errors:
        raise ValidationError(errors)


def job_search_text(*, job: Job) -> str:
    """What a keyword search looks at: the job's words, its place, tags and organisation."""
    return search_text_build(
        job.title,
        job.kind_of_work,
        organisation_name_for_search(job.organisation.name),
        job.province,
        job.city,
        job.district,
        # "黔南", "广西", "东莞": the short names people type, which the tokenizer may not cut
        # out of the official ones ("黔南布依族苗族自治州").
        " ".join(short_name(name) for name in (job.province, job.city, job.district) if name),
        job.address,
        " ".join(job.benefits),
        str(Board(job.board).label) if job.board != Board.NONE else "",
        str(Shift(job.shift).label),
        str(PaySchedule(job.pay_schedule).label),
        _("夫妻间") if job.couple_rooms else "",
        _("流水线") if job.assembly_line else "",
        _("零工") if job.is_flexible else "",
        job.duties,
        job.requirements,
        job.employer_name,
        str(Arrangement(job.arrangement).label) if job.arrangement else "",
    )


def _apply_draft(job: Job, draft: JobDraft) -> None:
    for field in dataclasses.fields(draft):
        value = getattr(draft, field.name)
        setattr(job, field.name, value.strip() if isinstance(value, str) else value)
    job.employer_uscc = uscc_normalize(job.employer_uscc) if job.employer_uscc else ""
    job.benefits = list(draft.benefits)
    job.search_text = job_search_text(job=job)


def job_create(*, organisation: Organisation, by: User | None, draft: JobDraft) -> Job:
    """Save a new job as a draft. Raises ValidationError (nothing saved) on bad content,
    a place that is not a city or county, or an incomplete posting (job_completeness_check)."""
    draft = job_draft_place(draft=draft)
    _draft_check(draft, organisation)
    job = Job(organisation=organisation, created_by=by, status=Job.Status.DRAFT)
    _apply_draft(job, draft)
    job.full_clean(exclude=["created_by"])
    with transaction.atomic():
        job.save()
        search_index_put(jobs=[(job.pk, job.search_text, job.region_id)])
    return job


def job_update(*, job: Job, by: User | None, draft: JobDraft) -> Job:
    """Replace a job's content; its status is unchanged. Raises ValidationError on bad content."""
    draft = job_draft_place(draft=draft)
    _draft_check(draft, job.organisation)
    with transaction.atomic():
        locked = Job.objects.select_for_update().select_related("organisation").get(pk=job.pk)
        _apply_draft(locked, draft)
        locked.full_clean(exclude=["created_by"])
        locked.save()
        search_index_put(jobs=[(locked.pk, locked.search_text, locked.region_id)])
    return locked


def organisation_jobs_search_text_refresh(organisation: Organisation) -> None:
    """Write an organisation's (new) name into the search text of all its jobs, and the
    engine's index, in the caller's transaction (organisation_renamed_hooks)."""
    jobs = list(Job.objects.filter(organisation=organisation).select_related("organisation"))
    for job in jobs:
        job.organisation = organisation
        job.search_text = job_search_text(job=job)
    Job.objects.bulk_update(jobs, ["search_text"], batch_size=500)
    search_index_put(jobs=[(job.pk, job.search_text, job.region_id) for job in jobs])


def job_publish(*, job: Job, by: User | None, today: dt.date | None = None) -> Job:
    """Make a draft (or a closed job with a new date) public. Publishing twice is a no-op.

    Raises Refused when the organisation is not verified, the date has passed, or the
    content breaks a content rule (a job saved before a rule was added is checked again).
    """
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = Job.objects.select_for_update().select_related("organisation").get(pk=job.pk)
        if locked.is_open(today):
            return locked
        organisation = locked.organisation
        if organisation.licence_expired():
            raise Refused(
                "licence_expired",
                _("人力资源服务许可证已过期，请更新许可证并重新认证后再发布岗位"),
                status=409,
            )
        if not organisation.is_verified():
            raise Refused(
                "organisation_unverified", _("单位尚未通过认证，不能发布岗位"), status=409
            )
        if locked.valid_until < today:
            raise Refused(
                "valid_until_passed", _("岗位有效期已过，请先修改有效期再发布"), field="valid_until"
            )
        values = {field.name: getattr(locked, field.name) for field in dataclasses.fields(JobDraft)}
        try:
            # A job saved before the 2026 fields existed must be completed before it goes out.
            job_completeness_check(values=values, organisation=organisation)
        except ValidationError as exc:
            raise Refused("incomplete", " ".join(exc.messages)) from exc
        try:
            job_content_check(values=values)
        except ValidationError as exc:
            raise Refused("content_rule", " ".join(exc.messages)) from exc
        locked.status = Job.Status.PUBLISHED
        locked.published_at = timezone.now()
        locked.closed_at = None
        locked.save(update_fields=["status", "published_at", "closed_at"])
    return locked


def job_close(*, job: Job, by: User | None) -> Job:
    """Stop a job taking applications. Closing twice is a no-op; drafts cannot be closed."""
    with transaction.atomic():
        locked = Job.objects.select_for_update().get(pk=job.pk)
        if locked.status == Job.Status.CLOSED:
            return locked
        if locked.status == Job.Status.DRAFT:
            raise Refused("not_published", _("草稿尚未发布，无需关闭"), status=409)
        locked.status = Job.Status.CLOSED
        locked.closed_at = timezone.now()
        locked.save(update_fields=["status", "closed_at"])
    return locked


def jobs_close_expired(*, today: dt.date | None = None) -> int:
    """Close every published job whose valid-until date has passed; returns how many.

    Selectors already treat such jobs as closed, so this only makes the stored status agree.
    """
    today = today or timezone.localdate()
    return Job.objects.filter(status=Job.Status.PUBLISHED, valid_until__lt=today).update(
        status=Job.Status.CLOSED, closed_at=timezone.now()
    )


def jobs_search_text_refresh() -> int:
    """Recompute every job's search text (after the tokenizer's domain words change), and the
    keyword index of the jobs whose text changed."""
    refreshed = 0
    for job in Job.objects.select_related("organisation").iterator(chunk_size=500):
        text = job_search_text(job=job)
        if text != job.search_text:
            with transaction.atomic():
                Job.objects.filter(pk=job.pk).update(search_text=text)
                search_index_put(jobs=[(job.pk, text, job.region_id)])
            refreshed += 1
    return refreshed
