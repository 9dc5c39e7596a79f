"""Room pages: scheduling (back office), the public room page, the anchor's console.

Views parse input and call services/selectors; they hold no rules of their own.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from daigang.accounts.http import AuthenticatedRequest
from daigang.accounts.roles import Power
from daigang.accounts.selectors import organisation_for_member
from daigang.core.http import HtmxRequest
from daigang.core.turn import browser_ice_servers, turn_subject
from daigang.jobs.models import Job
from daigang.live import mic, moderation, selectors, services
from daigang.live.forms import RoomScheduleForm
from daigang.live.lifecycle import console_panel_hooks, room_page_overlay_hooks
from daigang.live.mic_views import mic_console_panel_html
from daigang.live.models import Room
from daigang.live.viewers import request_viewer, viewer_cookie_ensure


@login_required
def manage_rooms(request: AuthenticatedRequest, organisation_id: int) -> HttpResponse:
    organisation = organisation_for_member(
        user=request.user, organisation_id=organisation_id, power=Power.ROOMS_SCHEDULE
    )
    rooms = list(selectors.rooms_of_organisation(organisation=organisation))
    return render(
        request,
        "live/manage_rooms.html",
        {
            "organisation": organisation,
            "rooms": rooms,
            "runnable": selectors.rooms_runnable_ids(user=request.user, rooms=rooms),
            "verified": organisation.is_verified(),
        },
    )


@login_required
def room_new(request: AuthenticatedRequest, organisation_id: int) -> HttpResponse:
    organisation = organisation_for_member(
        user=request.user, organisation_id=organisation_id, power=Power.ROOMS_SCHEDULE
    )
    context: dict[str, Any] = {"organisation": organisation}
    if not organisation.is_verified():
        context["unverified"] = True
        return render(request, "live/room_form.html", context, status=403)

    form = RoomScheduleForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            services.room_schedule(
                organisation=organisation,
                by=request.user,
                title=form.cleaned_data["title"],
                planned_start=form.cleaned_data["planned_start"],
                jobs=form.cleaned_data["jobs"],
                anchors=form.cleaned_data["anchors"],
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("直播已安排，可以把直播间链接分享出去了"))
            return redirect("live:manage_rooms", organisation_id=organisation.pk)
    context["form"] = form
    return render(request, "live/room_form.html", context, status=400 if form.errors else 200)


def _ice_servers(request: HttpRequest) -> list[dict[str, Any]]:
    """ICE servers for the player or the publisher; TURN credentials made for this request."""
    return list(browser_ice_servers(subject=turn_subject(request.user)))


def room_page(request: HttpRequest, room_id: int) -> HttpResponse:
    """The public, shareable room page: picture, state, viewers, chat, jobs, pinned card."""
    room = selectors.room_get_public(room_id=room_id)
    jobs = [selectors.job_card(job=job, room=room) for job in selectors.room_jobs(room=room)]
    pinned = selectors.room_pinned_card(room=room)
    # The viewer's own 已报名 / 重新报名 per card; the page keeps the map for cards pinned later.
    job_ids = [card["id"] for card in jobs] + ([pinned["id"]] if pinned else [])
    apply_states = selectors.viewer_apply_states(user=request.user, job_ids=job_ids)
    for card in [*jobs, *([pinned] if pinned else [])]:
        card["apply_state"] = apply_states.get(card["id"], "")
    context = {
        "room": room,
        "jobs": jobs,
        "pinned": pinned,
        "apply_states": {str(job_id): state for job_id, state in apply_states.items()},
        "viewers": selectors.room_viewer_count(room=room),
        "player": {
            "whep_url": selectors.room_whep_url(room=room),
            # Beyond the room's WebRTC seats: HLS, played by hls.js loaded only then.
            "hls_url": selectors.room_hls_url(room=room),
            "hls_js": static("vendor/hls.light.min.js"),
            "ice_servers": _ice_servers(request),
            "state": room.state,
        },
        "can_run": selectors.room_can_run(user=request.user, room=room),
        "mic": _mic_config(request, room),
        # A link to the room's chat moderation (for platform moderators above all, who have
        # no console).
        "moderates": moderation.room_can_moderate(user=request.user, room=room),
        # What apps above live lay over the picture (daigang.policies: a pinned policy).
        "overlays": [html for hook in room_page_overlay_hooks if (html := hook(request, room))],
    }
    response = render(request, "live/room.html", context)
    # Anonymous viewers are counted by this id, not by socket (daigang.live.viewers).
    viewer_cookie_ensure(request=request, response=response)
    return response


def _mic_config(request: HttpRequest, room: Room) -> dict[str, Any]:
    """What the room page's mic-link script needs (static/js/mic.js): where to post, the
    viewer's own request, who is on air now."""
    return {
        "raise_url": reverse("live:mic_raise", args=[room.pk]),
        "cancel_url": reverse("live:mic_cancel", args=[room.pk]),
        "consent_url": reverse("live:mic_consent", args=[room.pk]),
        "guest_url": reverse("streaming:guest", args=[room.pk]),
        "ice_servers": _ice_servers(request),
        "me": mic.mic_you_data(mic.mic_mine(room=room, user=request.user)),
        "room": mic.mic_room_summary(room_id=room.pk),
    }


def _console_jobs_context(room: Room) -> dict[str, Any]:
    return {
        "room": room,
        "jobs": [selectors.job_card(job=job, room=room) for job in selectors.room_jobs(room=room)],
        "pinned": selectors.room_pinned_card(room=room),
    }


def _console_context(request: HttpRequest, room: Room) -> dict[str, Any]:
    return {
        **_console_jobs_context(room),
        "viewers": selectors.room_viewer_count(room=room),
        "whip_url": selectors.room_whip_url(room=room, request=request),
        "publisher": {
            "whip_url": selectors.room_whip_url(room=room),
            "ice_servers": _ice_servers(request),
            "state": room.state,
        },
    }


@login_required
def room_console(request: AuthenticatedRequest, room_id: int) -> HttpResponse:
    """The anchor's console: camera preview, go live/end, OBS settings, chat, pin."""
    room = selectors.room_for_runner(user=request.user, room_id=room_id)
    context = _console_context(request, room)
    context["can_moderate"] = moderation.room_can_moderate(user=request.user, room=room)
    # What apps above live show in the console (daigang.hiring: the arriving applicants).
    context["panels"] = [
        mic_console_panel_html(request, room),
        *(html for hook in console_panel_hooks if (html := hook(request, room))),
    ]
    return render(request, "live/console.html", context)


@login_required
def room_chat_moderate(request: AuthenticatedRequest, room_id: int) -> HttpResponse:
    """A room's chat moderation: the live chat with per-message actions, the muted and banned
    lists (with undo), slow mode, blocked words and the log. The actions go through the JSON
    API (static/js/moderate.js); `?panel=1` from htmx is the lists alone, refreshed after each.
    """
    room = moderation.room_for_moderator(user=request.user, room_id=room_id)
    context = {
        "room": room,
        "overview": moderation.moderation_overview(room=room),
        "can_configure": moderation.room_can_configure(user=request.user, room=room),
        "can_moderate": True,
    }
    if request.htmx and request.GET.get("panel"):
        return render(request, "live/_moderation_panel.html", context)
    return render(request, "live/chat_moderate.html", context)


def _console_jobs_response(request: HtmxRequest, room: Room, error: str = "") -> HttpResponse:
    if request.htmx:
        context = {**_console_jobs_context(room), "error": error}
        return render(request, "live/_console_jobs.html", context)
    if error:
        messages.error(request, error)
    return redirect("live:console", room_id=room.pk)


@require_POST
@login_required
def room_pin_view(request: AuthenticatedRequest, room_id: int) -> HttpResponse:
    room = selectors.room_for_runner(user=request.user, room_id=room_id)
    try:
        job_id = int(request.POST.get("job", ""))
    except ValueError as exc:
        raise Http404 from exc
    job = get_object_or_404(Job, pk=job_id)
    try:
        services.room_pin(room=room, job=job, by=request.user)
    except ValidationError as exc:
        # Shown in place of the list it came from (htmx swaps 200s only).
        return _console_jobs_response(request, room, error=" ".join(exc.messages))
    return _console_jobs_response(request, room)


@require_POST
@login_required
def room_unpin_view(request: AuthenticatedRequest, room_id: int) -> HttpResponse:
    room = selectors.room_for_runner(user=request.user, room_id=room_id)
    services.room_unpin(room=room, by=request.user)
    return _console_jobs_response(request, room)


@require_POST
@login_required
def room_end_view(request: AuthenticatedRequest, room_id: int) -> HttpResponse:
    """结束直播, confirmed in the console's dialog (`confirm=yes`): the room ends for good.
    The console's script asks for JSON; a plain form post is sent back to the console."""
    room = selectors.room_for_runner(user=request.user, room_id=room_id)
    if request.POST.get("confirm") != "yes":
        return HttpResponse(_("请确认结束直播"), status=400)
    services.room_end_confirmed(room=room, by=request.user)
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse({"state": room.state})
    messages.success(request, _("直播已结束"))
    return redirect("live:console", room_id=room.pk)


@require_POST
@login_required
def room_stream_key_rotate_view(request: AuthenticatedRequest, room_id: int) -> HttpResponse:
    """A new stream key: the old one stops working (OBS must be given the new one)."""
    room = selectors.room_for_runner(user=request.user, room_id=room_id)
    services.room_stream_key_rotate(room=room)
    messages.success(request, _("推流密钥已更换，旧密钥立即失效"))
    return redirect(reverse("live:console", args=[room.pk]) + "#obs")


@require_POST
def room_card_open_view(request: HttpRequest, room_id: int, job_id: int) -> HttpResponse:
    """The room page's beacon: a viewer tapped the pinned job's card (counted once per viewer
    per pin by the apps that hook in; daigang.fairs's funnels). Always 204: a repeat, or a card
    no longer pinned, is simply not counted."""
    room = selectors.room_get_public(room_id=room_id)
    services.room_card_opened(room=room, job_id=job_id, viewer=request_viewer(request))
    return HttpResponse(status=204)
