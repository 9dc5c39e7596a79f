from django.apps import AppConfig


class FairsConfig(AppConfig):
    name = "daigang.fairs"
    label = "fairs"
    verbose_name = "招聘会"

    def ready(self) -> None:
        # The writes below fairs tell its counters (daigang.fairs.counters) without importing it.
        from daigang.fairs import counters
        from daigang.hiring.apply.services import application_created_hooks
        from daigang.hiring.pipeline.services import application_reached_hooks
        from daigang.live.audience import room_viewers_seen_hooks
        from daigang.live.lifecycle import room_card_open_hooks, room_pin_hooks

        if counters.applications_created not in application_created_hooks:
            application_created_hooks.append(counters.applications_created)
        if counters.application_reached not in application_reached_hooks:
            application_reached_hooks.append(counters.application_reached)
        if counters.viewers_count not in room_viewers_seen_hooks:
            room_viewers_seen_hooks.append(counters.viewers_count)
        if counters.pin_count not in room_pin_hooks:
            room_pin_hooks.append(counters.pin_count)
        if counters.card_open_count not in room_card_open_hooks:
            room_card_open_hooks.append(counters.card_open_count)  # type: ignore[arg-type]
