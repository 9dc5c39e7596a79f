"""WHIP (RFC 9725) and WHEP endpoints of the built-in relay, plain enough for OBS 30+.

    POST   /stream/rooms/<id>/whip              SDP offer → 201, SDP answer, Location; the room
                                                goes live when the media arrives
    DELETE /stream/rooms/<id>/whip/<session>    stop publishing: the room is interrupted (its
                                                anchor ends it in the console)
    POST   /stream/rooms/<id>/whep              recvonly offer → 201, SDP answer, Location
    DELETE /stream/rooms/<id>/whep/<session>    stop watching
    POST   /stream/rooms/<id>/guest             a mic-link guest's voice (连麦): the login
                                                session's on-air request authorises it
    DELETE /stream/rooms/<id>/guest/<session>   the guest's voice leaves the mix

Publishing needs `Authorization: Bearer <stream key>`; watching needs nothing (rooms are
public) but the room must be live (409 otherwise). The session URL is an unguessable
capability: a DELETE needs nothing else. No trickle ICE and no ICE restart: the relay answers
with all its candidates, and PATCH gets 405 as RFC 9725 prescribes for such a server. GET,
HEAD and PUT get 405 too: RFC 9725 (4.2, 4.3) and the WHEP draft reserve them. CORS is
open (`*`) because no cookie is involved, so a WHIP/WHEP client on another site works.

With STREAM_SERVER_URL set the relay does not run and these endpoints redirect (307) to the
external server's, which RFC 9725 allows; `mediamtx_auth` lets MediaMTX ask daigang whether a
stream key may publish, and `mediamtx_ready` / `mediamtx_not_ready` (its runOnReady and
runOnNotReady, with STREAM_SERVER_HOOK_TOKEN) put the room live and interrupt it.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseRedirect,
)
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from daigang.core.refused import Refused
from daigang.live import selectors as live_selectors
from daigang.live.models import Room
from daigang.streaming import hls, ice, selectors, services
from daigang.streaming.relay import Answer, RelayMisconfigured

SDP_MAX_BYTES = 64 * 1024
ENDPOINT_METHODS = "OPTIONS, POST"
SESSION_METHODS = "OPTIONS, DELETE"
# Refusals a client may simply retry, and after how many seconds (Retry-After, RFC 9110):
# a room that has not started yet (the WHEP player waits for it), a full room (RFC 9725
# 4.6.1 asks 503 to say when to come back) and a relay process that did not answer.
RETRY_AFTER_SECONDS = {"room_not_live": 5, "relay_full": 30, "relay_unavailable": 5}


@csrf_exempt
async def whip(request: HttpRequest, room_id: int) -> HttpResponse:
    if request.method == "OPTIONS":
        return _options(ENDPOINT_METHODS)
    if request.method != "POST":
        return _method_not_allowed(ENDPOINT_METHODS)
    if settings.STREAM_SERVER_URL:
        return await _external_redirect(room_id, live_selectors.room_whip_url)
    offer = _offer(request)
    if isinstance(offer, HttpResponse):
        return offer
    token = _bearer_token(request)
    try:
        answer = await services.whip_session_start(room_id=room_id, token=token, offer_sdp=offer)
    except Refused as exc:
        return _error(exc, ENDPOINT_METHODS, token=token)
    except RelayMisconfigured as exc:
        return _cors(_text(str(exc), 500), ENDPOINT_METHODS)
    location = reverse("streaming:whip_session", args=[room_id, answer.session_id])
    return _created(request, answer, location)


async def _session_delete(
    request: HttpRequest, end: Any, room_id: int, session_id: str
) -> HttpResponse:
    """A WHIP or WHEP session resource: `DELETE` ends it (the URL is the capability)."""
    if request.method == "OPTIONS":
        return _options(SESSION_METHODS)
    if request.method != "DELETE":
        return _method_not_allowed(SESSION_METHODS)
    try:
        await end(room_id=room_id, session_id=session_id)
    except Refused as exc:
        return _error(exc, SESSION_METHODS)
    return _cors(HttpResponse(status=200), SESSION_METHODS)


@csrf_exempt
async def whip_session(request: HttpRequest, room_id: int, session_id: str) -> HttpResponse:
    return await _session_delete(request, services.whip_session_end, room_id, session_id)


@csrf_exempt
async def whep(request: HttpRequest, room_id: int) -> HttpResponse:
    if request.method == "OPTIONS":
        return _options(ENDPOINT_METHODS)
    if request.method != "POST":
        return _method_not_allowed(ENDPOINT_METHODS)
    if settings.STREAM_SERVER_URL:
        return await _external_redirect(room_id, live_selectors.room_whep_url)
    offer = _offer(request)
    if isinstance(offer, HttpResponse):
        return offer
    try:
        answer = await services.whep_session_start(room_id=room_id, offer_sdp=offer)
    except Refused as exc:
        return _error(exc, ENDPOINT_METHODS)
    except RelayMisconfigured as exc:
        return _cors(_text(str(exc), 500), ENDPOINT_METHODS)
    location = reverse("streaming:whep_session", args=[room_id, answer.session_id])
    return _created(request, answer, location)


@csrf_exempt
async def whep_session(request: HttpRequest, room_id: int, session_id: str) -> HttpResponse:
    return await _session_delete(request, services.whep_session_end, room_id, session_id)


async def guest(request: HttpRequest, room_id: int) -> HttpResponse:
    """A mic-link guest publishes their voice (WHIP from the room page). Authorised by the
    login session's accepted, consented request (daigang.live.mic), so CSRF-checked like any
    form (the page sends X-CSRFToken) and same-origin only: no CORS here."""
    if request.method != "POST":
        response = _text(_("不支持此请求方法。"), 405)
        response["Allow"] = "POST"
        return response
    offer = _offer(request)
    if isinstance(offer, HttpResponse):
        return offer
    user = await request.auser()
    try:
        answer = await services.guest_session_start(room_id=room_id, user=user, offer_sdp=offer)
    except Refused as exc:
        return _text(str(exc.message), exc.status)
    except RelayMisconfigured as exc:
        return _text(str(exc), 500)
    location = reverse("streaming:guest_session", args=[room_id, answer.session_id])
    response = HttpResponse(answer.sdp, status=201, content_type="application/sdp")
    response["Location"] = request.build_absolute_uri(location)
    return response


@csrf_exempt
async def guest_session(request: HttpRequest, room_id: int, session_id: str) -> HttpResponse:
    return await _session_delete(request, services.guest_session_end, room_id, session_id)


@csrf_exempt
def mediamtx_auth(request: HttpRequest) -> HttpResponse:
    """MediaMTX `authHTTPAddress` hook: 200 lets the request through, 401 refuses it.

    MediaMTX posts {"action", "path", "user", "password", "token", "query", …}. Publishing to
    `room-<id>` needs the room's stream key (as Bearer token, password or `?token=`); reading
    is open, rooms being public. Only answered when STREAM_SERVER_URL is set.
    """
    if not settings.STREAM_SERVER_URL or request.method != "POST":
        return HttpResponse(status=404)
    try:
        payload = json.loads(request.body or b"{}")
    except ValueError:
        return HttpResponse(status=400)
    if not isinstance(payload, dict):
        return HttpResponse(status=400)
    allowed = selectors.external_stream_access(
        action=str(payload.get("action") or ""),
        path=str(payload.get("path") or ""),
        credentials=selectors.external_credentials(payload),
    )
    return HttpResponse(status=200 if allowed else 401)


@csrf_exempt
def mediamtx_ready(request: HttpRequest) -> HttpResponse:
    """POST /stream/mediamtx/ready?path=room-<id> — MediaMTX runOnReady: the room goes live."""
    return _stream_hook(request, services.external_stream_ready)


@csrf_exempt
def mediamtx_not_ready(request: HttpRequest) -> HttpResponse:
    """POST /stream/mediamtx/not-ready?path=room-<id> — runOnNotReady: the room is interrupted."""
    return _stream_hook(request, services.external_stream_not_ready)


def _stream_hook(request: HttpRequest, action: Callable[..., Room | None]) -> HttpResponse:
    """The external server's hooks: only with STREAM_SERVER_URL (404), only POST (405), only
    with `Authorization: Bearer STREAM_SERVER_HOOK_TOKEN` (401). 200 with the room's state;
    404 for a path that is no room's; 409 with the reason when the room may not go live."""
    if not settings.STREAM_SERVER_URL:
        return HttpResponse(status=404)
    if request.method != "POST":
        response = HttpResponse(status=405)
        response["Allow"] = "POST"
        return response
    expected = settings.STREAM_SERVER_HOOK_TOKEN
    given = _bearer_token(request) or ""
    if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
        return _text(_("令牌不对。"), 401)
    try:
        room = action(path=request.GET.get("path", ""))
    except ValidationError as exc:
        return _text(exc.messages[0], 409)
    if room is None:
        return _text(_("没有这个直播间。"), 404)
    return _text(room.state, 200)


# HLS (hls.py): files the relay wrote, for any HTTP cache or CDN to carry. The playlist changes
# every segment, so caches keep it a second; a segment's name is never reused, so a year.
PLAYLIST_CACHE = "public, max-age=1"
SEGMENT_CACHE = "public, max-age=31536000, immutable"
PLAYLIST_TYPE = "application/vnd.apple.mpegurl"
SEGMENT_TYPE = "video/mp2t"


def hls_playlist(request: HttpRequest, room_id: int) -> HttpResponse:
    """GET /stream/rooms/<id>/hls/index.m3u8: the room's live playlist, 404 while it has none.

    No database query while the playlist exists (a cache in front asks once a second per
    room). While it does not and STREAM_HLS is auto, a live room's HLS is asked for (the
    relay starts it within a second; the first segment follows) and the 404 says when to
    come back."""
    if request.method not in ("GET", "HEAD"):
        return _hls_method_not_allowed()
    root = settings.STREAM_HLS_ROOT
    if settings.STREAM_HLS == "off" or settings.STREAM_SERVER_URL:
        return _hls_missing(PLAYLIST_CACHE)
    try:
        body = (hls.room_dir(root, room_id) / hls.PLAYLIST_NAME).read_bytes()
    except FileNotFoundError:
        body = None
    if body is None or settings.STREAM_HLS == "auto":
        if body is None:
            try:
                selectors.room_watch_access(room_id=room_id)
            except Refused:
                return _hls_missing(PLAYLIST_CACHE)
        hls.demand_note(root=root, room_id=room_id)
    if body is None:
        response = _hls_missing(PLAYLIST_CACHE)
        response["Retry-After"] = "2"
        return response
    response = HttpResponse(body, content_type=PLAYLIST_TYPE)
    response["Cache-Control"] = PLAYLIST_CACHE
    response["Access-Control-Allow-Origin"] = "*"
    return response


def hls_segment(request: HttpRequest, room_id: int, name: str) -> HttpResponseBase:
    """GET /stream/rooms/<id>/hls/seg-<n>.ts: a segment, immutable. No database query."""
    if request.method not in ("GET", "HEAD"):
        return _hls_method_not_allowed()
    if not hls.SEGMENT_NAME.match(name) or settings.STREAM_HLS == "off":
        return _hls_missing(PLAYLIST_CACHE)
    try:
        segment = (hls.room_dir(settings.STREAM_HLS_ROOT, room_id) / name).open("rb")
    except FileNotFoundError:
        return _hls_missing(PLAYLIST_CACHE)
    response = FileResponse(segment, content_type=SEGMENT_TYPE)
    response["Cache-Control"] = SEGMENT_CACHE
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _hls_missing(cache: str) -> HttpResponse:
    response = _text(_("本直播间暂无 HLS 直播流。"), 404)
    response["Cache-Control"] = cache
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _hls_method_not_allowed() -> HttpResponse:
    response = _text(_("不支持此请求方法。"), 405)
    response["Allow"] = "GET, HEAD"
    return response


def _offer(request: HttpRequest) -> str | HttpResponse:
    if request.content_type != "application/sdp":
        response = _text(_("请以 Content-Type: application/sdp 发送 SDP offer。"), 415)
        response["Accept-Post"] = "application/sdp"
        return _cors(response, ENDPOINT_METHODS)
    if len(request.body) > SDP_MAX_BYTES:
        return _cors(_text(_("SDP offer 过大。"), 413), ENDPOINT_METHODS)
    try:
        offer = request.body.decode()
    except UnicodeDecodeError:
        offer = ""
    if not offer.startswith("v=0"):
        return _cors(_text(_("请求体不是 SDP offer。"), 400), ENDPOINT_METHODS)
    return offer


def _bearer_token(request: HttpRequest) -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None


def _created(request: HttpRequest, answer: Answer, location: str) -> HttpResponse:
    response = HttpResponse(answer.sdp, status=201, content_type="application/sdp")
    response["Location"] = request.build_absolute_uri(location)
    links = ice.ice_link_headers()
    if links:
        response["Link"] = ", ".join(links)
    return _cors(response, ENDPOINT_METHODS)


def _error(exc: Refused, methods: str, token: str | None = None) -> HttpResponse:
    # WHIP clients (OBS) show the body as it is: plain text, not the API's JSON.
    response = _text(str(exc.message), exc.status)
    if exc.code in RETRY_AFTER_SECONDS:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS[exc.code])
    if exc.code == "stream_key_invalid":
        response["WWW-Authenticate"] = (
            'Bearer realm="daigang", error="invalid_token"' if token else 'Bearer realm="daigang"'
        )
    return _cors(response, methods)


async def _external_redirect(room_id: int, url_of: Callable[..., str]) -> HttpResponse:
    room = await Room.objects.filter(pk=room_id).afirst()
    if room is None:
        return _cors(_text(_(selectors.ROOM_NOT_FOUND), 404), ENDPOINT_METHODS)
    response = HttpResponseRedirect(url_of(room=room))
    response.status_code = 307  # keeps the method and the body, unlike 302
    return _cors(response, ENDPOINT_METHODS)


def _options(methods: str) -> HttpResponse:
    response = HttpResponse(status=204)
    response["Allow"] = methods
    if "POST" in methods:
        response["Accept-Post"] = "application/sdp"
    return _cors(response, methods)


def _method_not_allowed(methods: str) -> HttpResponse:
    response = _text(_("不支持此请求方法。"), 405)
    response["Allow"] = methods
    return _cors(response, methods)


def _text(message: str, status: int) -> HttpResponse:
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


def _cors(response: HttpResponse, methods: str) -> HttpResponse:
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Allow-Methods"] = methods
    response["Access-Control-Allow-Headers"] = "Authorization, Content-Type, If-Match"
    response["Access-Control-Expose-Headers"] = "Location, Link, Accept-Post, Retry-After"
    return response
