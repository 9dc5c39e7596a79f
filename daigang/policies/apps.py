from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    name = "daigang.policies"
    label = "policies"
    verbose_name = "政策"

    def ready(self) -> None:
        # Live draws the console's 政策 panel and the room page's policy card through its hooks,
        # and fairs its page's 宣策 sessions, without importing this app.
        from daigang.fairs.views import fair_page_section_hooks
        from daigang.live.lifecycle import (
            console_panel_hooks,
            room_page_overlay_hooks,
            room_pin_hooks,
        )
        from daigang.policies import rooms

        if rooms.console_policies_html not in console_panel_hooks:
            console_panel_hooks.append(rooms.console_policies_html)
        if rooms.room_policy_overlay_html not in room_page_overlay_hooks:
            room_page_overlay_hooks.append(rooms.room_policy_overlay_html)
        if rooms.job_pinned not in room_pin_hooks:
            room_pin_hooks.append(rooms.job_pinned)
        if rooms.fair_policy_sessions_html not in fair_page_section_hooks:
            fair_page_section_hooks.append(rooms.fair_policy_sessions_html)
