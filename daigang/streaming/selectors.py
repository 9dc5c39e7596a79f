"""Reads for live video: who may publish or watch a room.

A room's WHIP/WHEP URLs are daigang.live.selectors.room_whip_url / room_whep_url.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from daigang.core.refused import Refused
from daigang.live.models import MicRequest, Room

# Also what the external-server redirect says (daigang.streaming.views).
ROOM_NOT_FOUND = gettext_noop("直播间不存在。")


def stream_key_matches(*, room: Room, token: str | None) -> bool:
    if not token:
        return False
    return secrets.compare_digest(token.encode(), room.stream_key.encode())


def room_publish_access(*, room_id: int, token: str | None) -> Room:
    """The room if `token` is its stream key. Refused room_not_found (404) / stream_key_invalid (401)."""
    room = Room.objects.select_related("organisation").filter(pk=room_id).first()
    if room is None:
        raise Refused("room_not_found", _(ROOM_NOT_FOUND), status=404)
    if not stream_key_matches(room=room, token=token):
        raise Refused(
            "stream_key_invalid",
            _("推流密钥错误或缺失：请在 OBS 的 Bearer Token 中填写直播间的推流密钥。"),
            status=401,
        )
    return room


def room_watch_access(*, room_id: int) -> Room:
    """The room if it is live; rooms are public. Refused room_not_found / room_not_live / room_ended."""
    room = Room.objects.filter(pk=room_id).first()
    if room is None:
        raise Refused("room_not_found", _(ROOM_NOT_FOUND), status=404)
    if room.state == Room.State.ENDED:
        raise Refused("room_ended", _("本场直播已结束。"), status=409)
    if room.state == Room.State.INTERRUPTED:
        # Retried like a room not yet live (Retry-After): the anchor is coming back.
        raise Refused("room_not_live", _("主播暂时离开，马上回来。"), status=409)
    if room.state != Room.State.LIVE:
        raise Refused("room_not_live", _("直播尚未开始，请稍后再来。"), status=409)
    return room


def room_for_stream_path(*, path: str) -> Room | None:
    """The room behind an external media server path (`room-<id>`, see
    daigang.live.selectors.room_stream_path), if any."""
    prefix, _, number = path.strip("/").partition("-")
    if prefix != "room" or not number.isdigit():
        return None
    return Room.objects.filter(pk=int(number)).first()


def external_credentials(payload: dict[str, object]) -> list[str]:
    """Secrets a MediaMTX auth request may carry: Bearer token, password or `?token=`."""
    credentials = [str(payload.get(key) or "") for key in ("token", "password")]
    for pair in str(payload.get("query") or "").split("&"):
        name, _sep, value = pair.partition("=")
        if name == "token":
            credentials.append(value)
    return [credential for credential in credentials if credential]


def external_stream_access(*, action: str, path: str, credentials: list[str]) -> bool:
    """May this request to an external media server go ahead? (MediaMTX HTTP auth.)"""
    room = room_for_stream_path(path=path)
    if room is None:
        return False
    if action in ("read", "playback"):
        return True
    if action != "publish" or room.state == Room.State.ENDED:
        return False
    if not room.organisation.is_verified():
        return False
    return any(stream_key_matches(room=room, token=credential) for credential in credentials)


def guest_publish_access(*, room_id: int, user: Any) -> MicRequest:
    """The mic-link request that lets `user` publish their voice into the room: theirs, in
    the room, accepted by the anchor and consented to (on air). The login session is the
    credential, never a token in the URL. Refused room_not_found (404), login_required (403),
    mic_not_on_air (403)."""
    if not Room.objects.filter(pk=room_id).exists():
        raise Refused("room_not_found", _(ROOM_NOT_FOUND), status=404)
    if not getattr(user, "is_authenticated", False):
        raise Refused("login_required", _("请先登录"), status=403)
    request = MicRequest.objects.filter(
        room_id=room_id, account=user, state=MicRequest.State.ON_AIR
    ).first()
    if request is None:
        raise Refused("mic_not_on_air", _("您不在连麦中：请等主播接受并确认上麦。"), status=403)
    return request
