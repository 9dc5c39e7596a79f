"""Job pages. Views parse input, call selectors/services and render; nothing more."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from daigang.accounts.http import AuthenticatedRequest
from daigang.accounts.models import Organisation
from daigang.accounts.roles import Power
from daigang.accounts.selectors import organisation_for_member
from daigang.core.http import HtmxRequest
from daigang.core.ranges import file_answer
from daigang.core.refused import Refused
from daigang.jobs.forms import JobFilterForm, JobForm
from daigang.jobs.jsonld import job_posting_jsonld, jsonld_script
from daigang.jobs.listen import CONTENT_TYPE, ListenUnavailable, job_listen_audio, job_listen_url
from daigang.jobs.models import Job
from daigang.jobs.presenters import filter_chips, job_card
from daigang.jobs.selectors import (
    home_fragments,
    job_cities,
    job_for_member,
    job_for_public,
    job_is_open,
    job_is_public,
    job_place_code,
    jobs_of_organisation,
    jobs_page,
    jobs_search,
    organisation_open_jobs,
    organisation_public,
)
from daigang.jobs.services import job_close, job_create, job_publish, job_update
from daigang.jobs.videos import company_video, feed_available, ready_videos

NEW_JOB_VALID_FOR = dt.timedelta(days=30)


def home(request: HtmxRequest) -> HttpResponse:
    form = JobFilterForm(request.GET or None)
    if form.is_bound:
        form.is_valid()  # errors are shown beside the filter; valid fields still apply
    # Each card's introduction video in the same query (a LEFT JOIN on a unique key).
    jobs = jobs_search(filters=form.to_filters()).select_related("video")
    page = jobs_page(jobs=jobs, page=request.GET.get("page"))
    context = {"form": form, "page": page}
    # A history restore htmx could not serve from its cache needs the whole page.
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, "jobs/_job_list.html", context)
    context["cities"] = cities = job_cities()
    context["city_code"] = city_code = job_place_code(value=str(form["city"].value() or ""))
    context["chips"] = filter_chips(
        filters=form.to_filters(), city_code=city_code, cities=cities, home_url=reverse("jobs:home")
    )
    context["fragments"] = home_fragments(user=request.user)
    context["feed_available"] = feed_available()
    return render(request, "jobs/home.html", context)


def detail(request: HttpRequest, job_id: int) -> HttpResponse:
    job = job_for_public(job_id=job_id, user=request.user)
    organisation_url = request.build_absolute_uri(
        reverse("jobs:organisation", args=[job.organisation_id])
    )
    jsonld = None
    if job.status != Job.Status.DRAFT:
        jsonld = jsonld_script(
            job_posting_jsonld(
                job=job,
                job_url=request.build_absolute_uri(reverse("jobs:detail", args=[job.pk])),
                organisation_url=organisation_url,
            )
        )
    return render(
        request,
        "jobs/detail.html",
        {
            "job": job,
            "card": job_card(job=job),
            "is_open": job_is_open(job=job),
            "ended": job.status == Job.Status.CLOSED
            or (job.status == Job.Status.PUBLISHED and not job.is_open()),
            "jsonld": jsonld,
            # Only what the public may read is read aloud (the audio URL is public).
            "listenable": job_is_public(job=job),
            "video": ready_videos(jobs=[job]).get(job.pk),
        },
    )


# A version's audio never changes (a new text is a new version): browsers keep it a year.
LISTEN_CACHE = "public, max-age=31536000, immutable"


def listen(request: HttpRequest, job_id: int, sha: str) -> HttpResponse:
    """/jobs/<id>/listen/<version>.mp3 — the job read aloud (听岗位), for anyone who may see it.

    An older version (a page read before the job changed) is sent on to the current one.
    503 with a plain message when the server cannot speak; the page then uses the browser's
    own voice or hides the button.
    """
    job = job_for_public(job_id=job_id)
    try:
        path, current = job_listen_audio(job=job)
    except ListenUnavailable:
        return HttpResponse(
            _("服务器暂时无法朗读岗位（未安装 espeak-ng），请稍后再试。"),
            status=503,
            content_type="text/plain; charset=utf-8",
            headers={"Retry-After": "3600", "Cache-Control": "no-store"},
        )
    if sha != current:
        response = HttpResponseRedirect(job_listen_url(job))
        response["Cache-Control"] = "no-cache"
        return response
    return file_answer(
        request,
        path=path,
        content_type=CONTENT_TYPE,
        headers={"Cache-Control": LISTEN_CACHE, "ETag": f'"{current}"'},
    )


def organisation(request: HttpRequest, organisation_id: int) -> HttpResponse:
    org = organisation_public(organisation_id=organisation_id)
    jobs = list(organisation_open_jobs(organisation=org).select_related("video")[:100])
    return render(
        request,
        "jobs/organisation.html",
        {
            "organisation": org,
            "is_verified": org.is_verified(),
            "jobs": jobs,
            "video": company_video(organisation=org),
        },
    )


@login_required
def manage(request: AuthenticatedRequest, organisation_id: int) -> HttpResponse:
    org = organisation_for_member(
        user=request.user, organisation_id=organisation_id, power=Power.JOBS_WRITE
    )
    jobs = list(jobs_of_organisation(organisation=org).select_related("video"))
    today = timezone.localdate()
    rows = [
        {
            "job": job,
            "expired": job.status == Job.Status.PUBLISHED and job.valid_until < today,
        }
        for job in jobs
    ]
    return render(
        request,
        "jobs/manage.html",
        {"organisation": org, "rows": rows, "can_publish": org.is_verified()},
    )


def _save_and_maybe_publish(
    request: AuthenticatedRequest, *, organisation: Organisation, form: JobForm, job: Job | None
) -> HttpResponse | None:
    """Save the form's job; publish too if asked. None when the form has to be shown again."""
    try:
        if job is None:
            job = job_create(organisation=organisation, by=request.user, draft=form.to_draft())
        else:
            job = job_update(job=job, by=request.user, draft=form.to_draft())
    except ValidationError as exc:
        form.add_error(None, exc)
        return None
    if request.POST.get("action") == "publish":
        try:
            job_publish(job=job, by=request.user)
        except Refused as exc:
            # The job is saved as it was entered; only publishing is refused.
            messages.error(request, _("已保存，但未发布：%(reason)s") % {"reason": exc})
            return redirect("jobs:edit", organisation.pk, job.pk)
        messages.success(request, _("岗位已发布"))
    else:
        messages.success(request, _("岗位已保存"))
    return redirect("jobs:manage", organisation.pk)


@login_required
def create(request: AuthenticatedRequest, organisation_id: int) -> HttpResponse:
    org = organisation_for_member(
        user=request.user, organisation_id=organisation_id, power=Power.JOBS_WRITE
    )
    if request.method == "POST" and request.POST.get("place_refresh"):
        # Without JavaScript: the city and district lists for what was chosen; nothing saved.
        form = JobForm(initial=JobForm.initial_from_post(request.POST), organisation=org)
    elif request.method == "POST":
        form = JobForm(request.POST, organisation=org)
        if form.is_valid():
            response = _save_and_maybe_publish(request, organisation=org, form=form, job=None)
            if response is not None:
                return response
    else:
        form = JobForm(
            initial={"valid_until": timezone.localdate() + NEW_JOB_VALID_FOR}, organisation=org
        )
    return render(
        request,
        "jobs/form.html",
        {"organisation": org, "form": form, "job": None, "can_publish": org.is_verified()},
    )


@login_required
def edit(request: AuthenticatedRequest, organisation_id: int, job_id: int) -> HttpResponse:
    job = job_for_member(
        user=request.user, organisation_id=organisation_id, job_id=job_id, power=Power.JOBS_WRITE
    )
    org = job.organisation
    if request.method == "POST" and request.POST.get("place_refresh"):
        # Without JavaScript: the city and district lists for what was chosen; nothing saved.
        form = JobForm(initial=JobForm.initial_from_post(request.POST), organisation=org)
    elif request.method == "POST":
        form = JobForm(request.POST, organisation=org)
        if form.is_valid():
            response = _save_and_maybe_publish(request, organisation=org, form=form, job=job)
            if response is not None:
                return response
    else:
        form = JobForm(initial=JobForm.initial_from_job(job), organisation=org)
    return render(
        request,
        "jobs/form.html",
        {"organisation": org, "form": form, "job": job, "can_publish": org.is_verified()},
    )


@login_required
@require_POST
def publish(request: AuthenticatedRequest, organisation_id: int, job_id: int) -> HttpResponse:
    job = job_for_member(
        user=request.user, organisation_id=organisation_id, job_id=job_id, power=Power.JOBS_WRITE
    )
    try:
        job_publish(job=job, by=request.user)
    except Refused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("岗位已发布"))
    return redirect("jobs:manage", organisation_id)


@login_required
@require_POST
def close(request: AuthenticatedRequest, organisation_id: int, job_id: int) -> HttpResponse:
    job = job_for_member(
        user=request.user, organisation_id=organisation_id, job_id=job_id, power=Power.JOBS_WRITE
    )
    try:
        job_close(job=job, by=request.user)
    except Refused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("岗位已关闭"))
    return redirect("jobs:manage", organisation_id)
