from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "daigang.live"
    label = "live"

    def ready(self) -> None:
        from daigang.accounts.services.memberships import membership_removed_hooks
        from daigang.core import realtime
        from daigang.live.hub import room_publish_failed
        from daigang.live.lifecycle import room_end_hooks
        from daigang.live.mic import mic_room_ended
        from daigang.live.services import rooms_member_removed

        if mic_room_ended not in room_end_hooks:
            room_end_hooks.append(mic_room_ended)

        if rooms_member_removed not in membership_removed_hooks:
            membership_removed_hooks.append(rooms_member_removed)
        # A chat message or pin that committed but could not be published still reaches this
        # process's viewers, and the room is resynced from the database (daigang.live.hub).
        if room_publish_failed not in realtime.room_publish_failed_hooks:
            realtime.room_publish_failed_hooks.append(room_publish_failed)
