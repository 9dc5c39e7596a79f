import sys

from django.apps import AppConfig
from django.conf import settings


class StreamingConfig(AppConfig):
    name = "daigang.streaming"
    label = "streaming"

    def ready(self) -> None:
        from daigang.live.lifecycle import room_end_hooks, room_publisher_drop_hooks
        from daigang.live.mic import mic_guest_hooks

        if _relay_room_close not in room_end_hooks:
            room_end_hooks.append(_relay_room_close)
        if _relay_publisher_drop not in room_publisher_drop_hooks:
            room_publisher_drop_hooks.append(_relay_publisher_drop)
        if _relay_guest not in mic_guest_hooks:
            mic_guest_hooks.append(_relay_guest)


def _relay_elsewhere() -> bool:
    """The relay runs in its own process and this is not it: ask it over Redis."""
    if settings.STREAM_RELAY != "process" or settings.STREAM_SERVER_URL:
        return False
    from daigang.streaming.relay_control import relay_serving

    return not relay_serving()


def _relay_room_close(room_id: int) -> None:
    if _relay_elsewhere():
        from daigang.streaming.relay_control import relay_tell

        relay_tell(op="room_close", room_id=room_id)
        return
    # A process that never loaded the relay module relays no rooms; don't load aiortc for it.
    relay = sys.modules.get("daigang.streaming.relay")
    if relay is not None:
        relay.relay_room_close_soon(room_id=room_id)


def _relay_publisher_drop(room_id: int) -> None:
    if _relay_elsewhere():
        from daigang.streaming.relay_control import relay_tell

        relay_tell(op="publisher_drop", room_id=room_id)
        return
    relay = sys.modules.get("daigang.streaming.relay")
    if relay is not None:
        relay.relay_publisher_drop_soon(room_id=room_id)


def _relay_guest(room_id: int, request_id: int, action: str) -> None:
    if _relay_elsewhere():
        from daigang.streaming.relay_control import relay_tell

        relay_tell(op="guest_action", room_id=room_id, request_id=request_id, action=action)
        return
    relay = sys.modules.get("daigang.streaming.relay")
    if relay is not None:
        relay.relay_guest_soon(room_id=room_id, request_id=request_id, action=action)
