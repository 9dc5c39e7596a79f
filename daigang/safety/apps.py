from django.apps import AppConfig


class SafetyConfig(AppConfig):
    name = "daigang.safety"
    label = "safety"
    verbose_name = "举报与处置"

    def ready(self) -> None:
        # Lower apps expose hook lists; safety adds to them (they never import safety).
        from daigang.accounts.selectors import review_flags_hooks
        from daigang.contracts.services.checkins import checkin_answered_hooks
        from daigang.privacy.services.deletion import account_deleted_hooks
        from daigang.privacy.services.export import export_hooks
        from daigang.safety import services

        if services.review_flags not in review_flags_hooks:
            review_flags_hooks.append(services.review_flags)
        if services.checkin_answered not in checkin_answered_hooks:
            checkin_answered_hooks.append(services.checkin_answered)
        if services.reporter_deleted not in account_deleted_hooks:
            account_deleted_hooks.append(services.reporter_deleted)
        if services.reports_export not in export_hooks:
            export_hooks.append(services.reports_export)
