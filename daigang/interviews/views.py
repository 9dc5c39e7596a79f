"""Interview pages. Views parse input, call services/selectors and render.

Organisation side (its owners and HR, roles.Power.INTERVIEWS; a verdict: any member on the
panel; 404 for anyone else):
  /manage/<org>/interviews/                 list
  /manage/<org>/interviews/new/?applications=1,2,3   schedule (single or group)
  /manage/<org>/interviews/<id>/            detail: participants, links, verdicts
  /manage/<org>/interviews/<id>/verdicts/   POST a verdict (htmx: the candidate's panel)
  /manage/<org>/interviews/<id>/cancel/ · finish/ · participants/<pid>/remove/   POST
Participant side (the link's own user only; 404 for anyone else):
  /interviews/<token>/                      the video call
  /interviews/<token>/invite.ics            the calendar invite
  /me/interviews/                           a seeker's own interviews
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from daigang.accounts.http import AuthenticatedRequest
from daigang.accounts.roles import Power
from daigang.accounts.selectors import organisation_for_member
from daigang.core.refused import Refused, refused_to_form
from daigang.core.turn import browser_ice_servers, turn_subject
from daigang.interviews import selectors, services
from daigang.interviews.forms import ScheduleForm, VerdictForm, ids_parse
from daigang.interviews.invites import invite_filename, invite_ics
from daigang.interviews.models import Interview


def _detail_url(interview: Interview) -> str:
    return reverse("interviews:detail", args=[interview.organisation_id, interview.pk])


def _default_start(now: dt.datetime) -> dt.datetime:
    """Tomorrow 10:00 local time: a sensible first guess the person will change."""
    local = timezone.localtime(now) + dt.timedelta(days=1)
    return local.replace(hour=10, minute=0, second=0, microsecond=0)


# --- organisation side -------------------------------------------------------------------------


@login_required
@require_GET
def interview_list(request: AuthenticatedRequest, organisation_id: int) -> HttpResponse:
    organisation = organisation_for_member(
        user=request.user, organisation_id=organisation_id, power=Power.INTERVIEWS
    )
    lists = selectors.interviews_of_organisation(organisation=organisation)
    return render(
        request,
        "interviews/list.html",
        {"organisation": organisation, "upcoming": lists.upcoming, "past": lists.past},
    )


@login_required
@require_http_methods(["GET", "POST"])
def interview_new(request: AuthenticatedRequest, organisation_id: int) -> HttpResponse:
    """Schedule an interview; ?applications=1,2,3 preselects candidates (bulk invite)."""
    organisation = organisation_for_member(
        user=request.user, organisation_id=organisation_id, power=Power.INTERVIEWS
    )
    if request.method == "POST":
        form = ScheduleForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                scheduled = services.interview_schedule(
                    organisation=organisation,
                    by=request.user,
                    title=data["title"],
                    starts_at=data["starts_at"],
                    length_minutes=data["length_minutes"],
                    interviewer_ids=data["interviewers"],
                    application_ids=data["applications"],
                    notes=data["notes"],
                    idempotency_key=data["idempotency_key"],
                    link_base=request.build_absolute_uri("/"),
                )
            except Refused as error:
                refused_to_form(form, error)
            else:
                if scheduled.created:
                    messages.success(request, _("面试已安排，已通知面试者"))
                return redirect(_detail_url(scheduled.interview))
        chosen_interviewers = ids_parse(request.POST.getlist("interviewers"))
        chosen_applications = ids_parse(request.POST.getlist("applications"))
    else:
        chosen_applications = ids_parse(request.GET.getlist("applications"))
        chosen_interviewers = [request.user.pk]
        form = ScheduleForm(
            initial={
                "starts_at": _default_start(timezone.now()),
                "length_minutes": 30,
                "idempotency_key": uuid.uuid4().hex,
            }
        )
    members, applications = selectors.schedule_choices(
        organisation=organisation, selected_ids=chosen_applications
    )
    if not form.is_bound and not form.initial.get("title"):
        first = next((a for a in applications if a.pk in chosen_applications), None)
        form.initial["title"] = (
            _("面试：%(job)s") % {"job": first.job.title} if first else _("视频面试")
        )
    return render(
        request,
        "interviews/new.html",
        {
            "organisation": organisation,
            "form": form,
            "members": members,
            "applications": applications,
            "chosen_interviewers": chosen_interviewers,
            "chosen_applications": chosen_applications,
        },
    )


def _detail_context(request: AuthenticatedRequest, interview: Interview) -> dict[str, Any]:
    participants = selectors.interview_detail(interview=interview)
    my_seat = next((p for p in participants if p.user_id == request.user.pk), None)
    return {
        "organisation": interview.organisation,
        "interview": interview,
        "participants": participants,
        "my_seat": my_seat,
        "is_interviewer": bool(my_seat and my_seat.is_interviewer and not my_seat.removed),
        "panels": _with_forms(selectors.candidate_panels(interview=interview, viewer=request.user)),
        "now": timezone.now(),
    }


@login_required
@require_GET
def interview_detail(
    request: AuthenticatedRequest, organisation_id: int, interview_id: int
) -> HttpResponse:
    interview = selectors.interview_for_member(
        user=request.user,
        organisation_id=organisation_id,
        interview_id=interview_id,
        power=Power.INTERVIEWS,
    )
    return render(request, "interviews/detail.html", _detail_context(request, interview))


def _next_or(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def _verdict_auto_id(application_id: int | None) -> str:
    # Several candidates' forms share a page: keep their element ids apart.
    return f"v{application_id or 0}_%s"


def _with_forms(
    panels: list[selectors.CandidatePanel], *, bound: VerdictForm | None = None
) -> list[selectors.CandidatePanel]:
    """Give each panel the viewer's verdict form: the bound one (with its errors) for the
    candidate just posted, else one filled with the viewer's current verdict."""
    bound_id = bound.data.get("application") if bound is not None else None
    for panel in panels:
        if bound is not None and str(panel.application.pk) == str(bound_id):
            panel.form = bound
            continue
        initial: dict[str, Any] = {"application": panel.application.pk}
        if panel.mine is not None:
            initial.update(
                decision=panel.mine.decision, score=panel.mine.score, comment=panel.mine.comment
            )
        panel.form = VerdictForm(initial=initial, auto_id=_verdict_auto_id(panel.application.pk))
    return panels


@login_required
@require_POST
def verdict_save(
    request: AuthenticatedRequest, organisation_id: int, interview_id: int
) -> HttpResponse:
    """An interviewer's verdict on one candidate. htmx gets the candidate's panel back.
    Any member may sit on a panel (anchors too); the service checks they are on this one."""
    interview = selectors.interview_for_member(
        user=request.user,
        organisation_id=organisation_id,
        interview_id=interview_id,
        power=Power.ORGANISATION_SEE,
    )
    application_id = next(iter(ids_parse(request.POST.get("application"))), None)
    form = VerdictForm(request.POST, auto_id=_verdict_auto_id(application_id))
    saved = False
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.verdict_record(
                interview=interview,
                application_id=data["application"],
                interviewer=request.user,
                decision=data["decision"],
                score=data["score"],
                comment=data["comment"],
            )
        except Refused as error:
            refused_to_form(form, error)
        else:
            saved = True
    if request.htmx:
        panels = selectors.candidate_panels(interview=interview, viewer=request.user)
        panel = next((p for p in panels if p.application.pk == application_id), None)
        if panel is None:
            raise Http404
        _with_forms([panel], bound=None if saved else form)
        return render(
            request,
            "interviews/_candidate_panel.html",
            {
                "panel": panel,
                "interview": interview,
                "is_interviewer": True,
                "saved": saved,
                "in_call": request.POST.get("in_call") == "1",
                "next_url": _next_or(request, _detail_url(interview)),
            },
            # htmx swaps 2xx only by default: errors come back as 200 too, shown in the form.
        )
    if saved:
        messages.success(request, _("评定已保存"))
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, str(message))  # ErrorList yields messages (str)
    return HttpResponseRedirect(_next_or(request, _detail_url(interview)))


@login_required
@require_POST
def interview_cancel(
    request: AuthenticatedRequest, organisation_id: int, interview_id: int
) -> HttpResponse:
    interview = selectors.interview_for_member(
        user=request.user,
        organisation_id=organisation_id,
        interview_id=interview_id,
        power=Power.INTERVIEWS,
    )
    try:
        services.interview_cancel(interview=interview, by=request.user)
    except Refused as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("面试已取消，已通知面试者"))
    return redirect(_detail_url(interview))


@login_required
@require_POST
def interview_finish(
    request: AuthenticatedRequest, organisation_id: int, interview_id: int
) -> HttpResponse:
    interview = selectors.interview_for_member(
        user=request.user,
        organisation_id=organisation_id,
        interview_id=interview_id,
        power=Power.INTERVIEWS,
    )
    try:
        services.interview_finish(interview=interview, by=request.user)
    except Refused as error:
        messages.error(request, error.message)
    return redirect(_detail_url(interview))


@login_required
@require_POST
def participant_remove(
    request: AuthenticatedRequest, organisation_id: int, interview_id: int, participant_id: int
) -> HttpResponse:
    interview = selectors.interview_for_member(
        user=request.user,
        organisation_id=organisation_id,
        interview_id=interview_id,
        power=Power.INTERVIEWS,
    )
    try:
        services.participant_remove(
            interview=interview, participant_id=participant_id, by=request.user
        )
    except Refused as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已将该面试者移出本场面试"))
    return redirect(_detail_url(interview))


# --- participant side --------------------------------------------------------------------------


def _ice_servers(request: HttpRequest) -> list[dict[str, str]]:
    """settings.WEBRTC_ICE_SERVERS for RTCPeerConnection; TURN URLs with credentials made for
    this request (a browser behind a strict NAT reaches the others only through TURN)."""
    return browser_ice_servers(subject=turn_subject(request.user))


def _call_labels(*, guidance: bool = False) -> dict[str, str]:
    """What interview.js shows, translated here so the script holds no UI text."""
    return {
        "interviewer": _("就业服务专员") if guidance else _("面试官"),
        "candidate": _("求职者") if guidance else _("面试者"),
        "muted_by_interviewer": _("已被面试官静音"),
        "unmuted": _("面试官已取消您的静音，可以发言了"),
        "removed": _("您已被面试官移出本场面试"),
        "ended": _("面试已结束，谢谢参加"),
        "replaced": _("您已在其他页面或设备进入面试，本页已断开"),
        "left": _("您已离开视频面试"),
        "no_media": _("无法打开摄像头或麦克风：请在浏览器设置中允许使用，其他人暂时看不到您的画面"),
        "no_webrtc": _("当前浏览器不支持视频通话，请换用手机自带浏览器或最新版 Chrome"),
        "connecting": _("正在连接…"),
        "reconnecting": _("连接中断，正在重新连接…"),
        "confirm_remove": _("确定将该面试者移出本场面试吗？移出后不能再进入。"),
        "focus_on": _("设为当前面试者"),
        "focus_off": _("取消当前"),
        "mute": _("静音"),
        "unmute": _("取消静音"),
    }


@login_required
@require_GET
def interview_call(request: AuthenticatedRequest, token: str) -> HttpResponse:
    """/interviews/<token>/ — the video call (or why it is not open)."""
    participant = selectors.participant_for_user(user=request.user, token=token)
    interview = participant.interview
    now = timezone.now()
    state = selectors.call_state(participant=participant, now=now)
    context: dict[str, Any] = {
        "participant": participant,
        "interview": interview,
        "organisation": interview.organisation,
        "state": state,
        "is_interviewer": participant.is_interviewer,
        "guidance": interview.is_guidance,
        "in_call": state == "open",
        "seconds_to_open": max(0, int((interview.opens_at - now).total_seconds())),
    }
    if participant.is_interviewer and not interview.is_guidance:
        context["panels"] = _with_forms(
            selectors.candidate_panels(interview=interview, viewer=request.user)
        )
        context["detail_url"] = _detail_url(interview)
    if state == "open":
        context["call_config"] = {
            "ws_path": f"/ws/interviews/{token}/",
            "ice_servers": _ice_servers(request),
            "me": participant.pk,
            "role": participant.role,
            "focus": interview.focus_id,
            "labels": _call_labels(guidance=interview.is_guidance),
        }
    return render(
        request, "interviews/call.html", context, status=403 if state == "removed" else 200
    )


@login_required
@require_GET
def invite(request: AuthenticatedRequest, token: str) -> HttpResponse:
    """/interviews/<token>/invite.ics — the participant's calendar invite."""
    participant = selectors.participant_for_user(user=request.user, token=token)
    if participant.removed:
        raise Http404
    link = request.build_absolute_uri(reverse("interviews:call", args=[token]))
    response = HttpResponse(
        invite_ics(participant=participant, link=link),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{invite_filename(participant.interview)}"'
    )
    return response


@login_required
@require_GET
def my_interviews(request: AuthenticatedRequest) -> HttpResponse:
    """/me/interviews/ — 我的面试: the seeker's own links."""
    seats = list(selectors.interviews_of_seeker(user=request.user))
    now = timezone.now()
    rows = [
        {"seat": seat, "state": selectors.call_state(participant=seat, now=now)} for seat in seats
    ]
    return render(request, "interviews/mine.html", {"rows": rows})
