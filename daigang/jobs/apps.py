from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "daigang.jobs"
    label = "jobs"

    def ready(self) -> None:
        from daigang.accounts.services.organisations import organisation_renamed_hooks
        from daigang.jobs.services import organisation_jobs_search_text_refresh

        if organisation_jobs_search_text_refresh not in organisation_renamed_hooks:
            organisation_renamed_hooks.append(organisation_jobs_search_text_refresh)
