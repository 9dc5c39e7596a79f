from django.apps import AppConfig


class InterviewsConfig(AppConfig):
    name = "daigang.interviews"
    label = "interviews"
    verbose_name = "面试"

    def ready(self) -> None:
        from daigang.accounts.services.memberships import membership_removed_hooks
        from daigang.interviews.services.members import panels_member_removed

        if panels_member_removed not in membership_removed_hooks:
            membership_removed_hooks.append(panels_member_removed)
