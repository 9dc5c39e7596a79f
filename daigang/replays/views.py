"""The replay page (回放), its video file (by byte range), and the organisation's list."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from daigang.accounts.http import AuthenticatedRequest
from daigang.accounts.roles import Power
from daigang.accounts.selectors import organisation_for_member
from daigang.core.ranges import file_stream_answer
from daigang.live.models import Replay
from daigang.live.replays import replay_path
from daigang.live.viewers import request_viewer, viewer_cookie_ensure
from daigang.replays import selectors, services


@require_GET
def replay_page(request: HttpRequest, replay_id: int) -> HttpResponse:
    """The recording with chapters by job; the card of the job pinned at the playback
    position, with 一键报名 (source replay:<id>). A hidden replay is a 404 to the public."""
    replay = selectors.replay_get_public(replay_id=replay_id, user=request.user)
    context = {
        "replay": replay,
        "room": replay.room,
        "apply_source": selectors.replay_source(replay),
        **selectors.replay_page_cards(replay=replay, user=request.user),
    }
    response = render(request, "replays/replay.html", context)
    viewer_cookie_ensure(request=request, response=response)
    services.replay_viewed(replay=replay, viewer=request_viewer(request))
    return response


@require_GET
def replay_video(request: HttpRequest, replay_id: int) -> HttpResponse | StreamingHttpResponse:
    """The WebM, whole or by byte range: a player seeking fetches only what it needs."""
    replay = selectors.replay_get_public(replay_id=replay_id, user=request.user)
    path = replay_path(replay)
    if not path.is_file():
        raise Http404
    return file_stream_answer(
        request,
        path=path,
        content_type="video/webm",
        # Private: hiding the replay takes effect at once, no shared cache keeps it.
        headers={"Cache-Control": "private, max-age=3600", "X-Content-Type-Options": "nosniff"},
    )


@login_required
@require_GET
def manage_replays(request: AuthenticatedRequest, organisation_id: int) -> HttpResponse:
    organisation = organisation_for_member(
        user=request.user, organisation_id=organisation_id, power=Power.ROOMS_SCHEDULE
    )
    return render(
        request,
        "replays/manage.html",
        {
            "organisation": organisation,
            "replays": selectors.replays_of_organisation_managed(organisation=organisation),
        },
    )


def _managed(request: AuthenticatedRequest, organisation_id: int, replay_id: int) -> Replay:
    organisation_for_member(
        user=request.user, organisation_id=organisation_id, power=Power.ROOMS_SCHEDULE
    )
    return get_object_or_404(
        Replay.objects.select_related("room"),
        pk=replay_id,
        room__organisation_id=organisation_id,
    )


@login_required
@require_POST
def replay_hide_view(
    request: AuthenticatedRequest, organisation_id: int, replay_id: int
) -> HttpResponse:
    replay = _managed(request, organisation_id, replay_id)
    hidden = request.POST.get("hidden", "1") != "0"
    try:
        services.replay_hide(replay=replay, by=request.user, hidden=hidden)
    except PermissionDenied:
        raise Http404 from None
    messages.success(request, _("回放已隐藏") if hidden else _("回放已公开"))
    return redirect("replays:manage", organisation_id=organisation_id)


@login_required
@require_POST
def replay_delete_view(
    request: AuthenticatedRequest, organisation_id: int, replay_id: int
) -> HttpResponse:
    replay = _managed(request, organisation_id, replay_id)
    try:
        services.replay_remove(replay=replay, by=request.user)
    except PermissionDenied:
        raise Http404 from None
    messages.success(request, _("回放已删除"))
    return redirect("replays:manage", organisation_id=organisation_id)
