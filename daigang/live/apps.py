from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "daigang.live"
    label = "live"

    def ready(self) -> None:
        from daigang.core import realtime
        from daigang.live.hub import room_publish_failed

        # A chat message or pin that committed but could not be published still reaches this
        # process's viewers, and the room is resynced from the database (daigang.live.hub).
        if room_publish_failed not in realtime.room_publish_failed_hooks:
            realtime.room_publish_failed_hooks.append(room_publish_failed)
