"""Mic link (连麦) pages and actions: the viewer's hand and consent, the console's queue.

Views parse input and call daigang.live.mic. The room page's script (static/js/mic.js) asks
for JSON; the console's queue is an htmx partial; without JavaScript every form posts and
comes back to its page with a message.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from daigang.accounts.http import AuthenticatedRequest
from daigang.core.refused import Refused
from daigang.jobs.models import Job
from daigang.live import mic, selectors
from daigang.live.models import Room


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _viewer_answer(
    request: HttpRequest, room: Room, result: Any, done: str, refused: Refused | None = None
) -> HttpResponse:
    if _wants_json(request):
        if refused is not None:
            return JsonResponse(
                {"code": refused.code, "message": str(refused.message)}, status=refused.status
            )
        return JsonResponse({"mic": mic.mic_you_data(result)})
    if refused is not None:
        messages.error(request, str(refused.message))
    elif done:
        messages.success(request, done)
    return redirect(reverse("live:room", args=[room.pk]) + "#mic")


@require_POST
@login_required
def mic_raise_view(request: AuthenticatedRequest, room_id: int) -> HttpResponse:
    """申请连麦: the viewer's hand goes up (a repeat is the same hand)."""
    room = selectors.room_get_public(room_id=room_id)
    job = None
    if request.POST.get("job", "").isdigit():
        job = Job.objects.filter(pk=int(request.POST["job"])).first()
    try:
        result = mic.mic_hand_raise(room=room, by=request.user, job=job)
    except Refused as refused:
        return _viewer_answer(request, room, None, "", refused)
    return _viewer_answer(request, room, result, _("已申请连麦，请等待主播接受"))


@require_POST
@login_required
def mic_cancel_view(request: AuthenticatedRequest, room_id: int) -> HttpResponse:
    """取消申请 / 结束连麦 by the viewer (nothing open: nothing to do)."""
    room = selectors.room_get_public(room_id=room_id)
    result = mic.mic_hand_cancel(room=room, by=request.user)
    return _viewer_answer(request, room, result, _("已结束连麦") if result else "")


@require_POST
@login_required
def mic_consent_view(request: AuthenticatedRequest, room_id: int) -> HttpResponse:
    """上麦: the accepted viewer agrees to be heard by every viewer of the room."""
    room = selectors.room_get_public(room_id=room_id)
    try:
        result = mic.mic_consent(room=room, by=request.user)
    except Refused as refused:
        return _viewer_answer(request, room, None, "", refused)
    return _viewer_answer(request, room, result, "")


def _panel_context(room: Room, error: str = "") -> dict[str, Any]:
    queue = mic.mic_queue(room=room)
    return {
        "room": room,
        "queue": queue,
        "waiting": sum(1 for entry in queue if entry["state"] == "raised"),
        "turn_choices": [(seconds, seconds // 60) for seconds in mic.MIC_TURN_CHOICES],
        "turn_default": mic.MIC_TURN_DEFAULT,
        "error": error,
    }


def mic_console_panel_html(request: HttpRequest, room: Room) -> str:
    """The queue in the console (console_panel_hooks' shape)."""
    return render_to_string("live/_console_mic.html", _panel_context(room), request=request)


@require_GET
@login_required
def mic_panel_view(request: AuthenticatedRequest, room_id: int) -> HttpResponse:
    """The console's queue (htmx redraws it on every `mic` event)."""
    room = selectors.room_for_runner(user=request.user, room_id=room_id)
    return render(request, "live/_console_mic.html", _panel_context(room))


ACTIONS = ("accept", "decline", "end", "mute", "unmute")


@require_POST
@login_required
def mic_act_view(request: AuthenticatedRequest, room_id: int, mic_request_id: int) -> HttpResponse:
    """The anchor's 接受 / 拒绝 / 结束连麦 / 静音 / 取消静音 on one request."""
    room = selectors.room_for_runner(user=request.user, room_id=room_id)
    action = request.POST.get("action", "")
    error = ""
    try:
        if action == "accept":
            turn = request.POST.get("turn_seconds", "")
            mic.mic_accept(
                room=room,
                request_id=mic_request_id,
                by=request.user,
                turn_seconds=int(turn) if turn.isdigit() else mic.MIC_TURN_DEFAULT,
            )
        elif action == "decline":
            mic.mic_decline(room=room, request_id=mic_request_id, by=request.user)
        elif action == "end":
            mic.mic_turn_end(room=room, request_id=mic_request_id, by=request.user)
        elif action in ("mute", "unmute"):
            mic.mic_mute(
                room=room, request_id=mic_request_id, by=request.user, muted=action == "mute"
            )
        else:
            raise Refused("action_invalid", _("未知的连麦操作"))
    except Refused as refused:
        if _wants_json(request):
            return JsonResponse(
                {"code": refused.code, "message": str(refused.message)}, status=refused.status
            )
        error = str(refused.message)
    if _wants_json(request):
        return JsonResponse({"queue": mic.mic_queue(room=room)}, json_dumps_params={"default": str})
    if getattr(request, "htmx", False):
        return render(request, "live/_console_mic.html", _panel_context(room, error))
    if error:
        messages.error(request, error)
    return redirect(reverse("live:console", args=[room.pk]) + "#console-mic")
