from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "daigang.live"
    label = "live"

    def ready(self) -> None:
        from daigang.accounts.services.memberships import membership_removed_hooks
        from daigang.live.services import rooms_member_removed

        if rooms_member_removed not in membership_removed_hooks:
            membership_removed_hooks.append(rooms_member_removed)
