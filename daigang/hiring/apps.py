from django.apps import AppConfig


class HiringConfig(AppConfig):
    name = "daigang.hiring"
    label = "hiring"

    def ready(self) -> None:
        from daigang.accounts.services.organisations import organisation_verified_hooks

        if _reasons_seed not in organisation_verified_hooks:
            organisation_verified_hooks.append(_reasons_seed)


def _reasons_seed(organisation: object) -> None:
    # A verified organisation can publish jobs and so reject applications: it needs its list
    # of reasons before anyone opens the board (page views write nothing).
    from daigang.hiring.pipeline.settings import rejection_reasons_seed

    rejection_reasons_seed(organisation=organisation)  # type: ignore[arg-type]
