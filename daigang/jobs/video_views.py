"""Introduction videos (#17): the organisation's upload pages, the files, the 刷岗位 feed and
the card-count beacon. Views parse input, call jobs.videos / jobs.counts and render."""

from __future__ import annotations

from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from daigang.accounts.http import AuthenticatedRequest
from daigang.accounts.models import Organisation
from daigang.accounts.roles import Power
from daigang.accounts.selectors import membership_has, organisation_for_member
from daigang.core.ids import id_or_none
from daigang.core.ranges import file_answer, file_stream_answer
from daigang.jobs.counts import card_counts_add, card_events_parse
from daigang.jobs.forms import VideoForm
from daigang.jobs.models import Job, Video
from daigang.jobs.presenters import job_card
from daigang.jobs.selectors import job_for_member
from daigang.jobs.videos import (
    feed_jobs,
    video_delete,
    video_for_viewer,
    video_is_public,
    video_of,
    video_upload,
)

# A version's file never changes (a new upload is a new version).
_PUBLIC_CACHE = "public, max-age=31536000, immutable"


def _video_page(
    request: AuthenticatedRequest, *, organisation: Organisation, job: Job | None
) -> HttpResponse:
    video = video_of(organisation=organisation, job=job)
    if request.method == "POST" and request.POST.get("action") == "delete":
        if video is not None:
            video_delete(video=video)
            messages.success(request, _("视频已删除"))
        return redirect(request.path)
    if request.method == "POST":
        form = VideoForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                video_upload(
                    organisation=organisation,
                    job=job,
                    title=form.cleaned_data["title"],
                    description=form.cleaned_data["description"],
                    file=form.cleaned_data["file"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request,
                    _("视频已上传，正在处理，通常一两分钟后就绪")
                    if form.cleaned_data["file"]
                    else _("已保存"),
                )
                return redirect(request.path)
    else:
        initial = {"title": video.title, "description": video.description} if video else {}
        if not video and job is not None:
            initial = {"title": job.title}
        form = VideoForm(initial=initial)
    return render(
        request,
        "jobs/video_form.html",
        {"organisation": organisation, "job": job, "video": video, "form": form},
        # A refused upload: the form again with the reason, and a status that says so.
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def job_video(request: AuthenticatedRequest, organisation_id: int, job_id: int) -> HttpResponse:
    """/manage/<org>/jobs/<job>/video/ — the job's introduction video: upload, state, delete."""
    job = job_for_member(
        user=request.user, organisation_id=organisation_id, job_id=job_id, power=Power.JOBS_WRITE
    )
    return _video_page(request, organisation=job.organisation, job=job)


@login_required
@require_http_methods(["GET", "POST"])
def company_video(request: AuthenticatedRequest, organisation_id: int) -> HttpResponse:
    """/manage/<org>/video/ — the organisation's company video, shown on its public page."""
    org = organisation_for_member(
        user=request.user, organisation_id=organisation_id, power=Power.JOBS_WRITE
    )
    return _video_page(request, organisation=org, job=None)


def _video_file(request: HttpRequest, video_id: int, sha: str) -> tuple[Video, str]:
    # A member of the organisation sees its draft job's video too (the preview of the page).
    video = Video.objects.filter(pk=video_id).values_list("organisation_id", flat=True).first()
    member = video is not None and membership_has(
        user=request.user, organisation_id=video, power=Power.ORGANISATION_SEE
    )
    found = video_for_viewer(video_id=video_id, sha=sha, may_see_drafts=member)
    if found is None:
        raise Http404
    public = video_is_public(video=found) if member else True
    return found, _PUBLIC_CACHE if public else "private, no-store"


@require_GET
def video_file(
    request: HttpRequest, video_id: int, sha: str
) -> HttpResponse | StreamingHttpResponse:
    """/videos/<id>/<version>.mp4 — the 480p MP4, whole or by byte range."""
    video, cache = _video_file(request, video_id, sha)
    return file_stream_answer(
        request,
        path=Path(video.mp4.path),
        content_type="video/mp4",
        headers={"Cache-Control": cache, "X-Content-Type-Options": "nosniff"},
    )


@require_GET
def video_poster(request: HttpRequest, video_id: int, sha: str) -> HttpResponse:
    """/videos/<id>/<version>.jpg — the poster frame."""
    video, cache = _video_file(request, video_id, sha)
    return file_answer(
        request,
        path=Path(video.poster.path),
        content_type="image/jpeg",
        headers={"Cache-Control": cache, "X-Content-Type-Options": "nosniff"},
    )


@require_GET
def feed(request: HttpRequest) -> HttpResponse:
    """/jobs/feed/ — 刷岗位: one job video per screen, one-tap apply on each."""
    before = id_or_none(request.GET.get("before"))
    jobs = feed_jobs(before_id=before)
    items = [{"job": job, "card": job_card(job=job), "video": job.video} for job in jobs]
    return render(
        request,
        "jobs/feed.html",
        {"items": items, "next_before": jobs[-1].video.pk if len(jobs) >= 20 else None},
    )


@require_POST
def counts(request: HttpRequest) -> HttpResponse:
    """/jobs/counts/ — the cards' beacon: e=i:12,p:12,o:13 (impression, play, open) and b, its
    batch id (a resent beacon counts once). 204."""
    card_counts_add(
        events=card_events_parse(request.POST.get("e", "")), batch=request.POST.get("b", "")
    )
    return HttpResponse(status=204)
