from django.apps import AppConfig


class HiringConfig(AppConfig):
    name = "daigang.hiring"
    label = "hiring"

    def ready(self) -> None:
        from daigang.accounts.services.organisations import organisation_verified_hooks

        if _reasons_seed not in organisation_verified_hooks:
            organisation_verified_hooks.append(_reasons_seed)
        from daigang.live.selectors import job_apply_states_hooks

        if _apply_states not in job_apply_states_hooks:
            job_apply_states_hooks.append(_apply_states)

        # The anchor's console shows the room's arriving applicants, told by the room's socket.
        from daigang.hiring.apply.console import (
            applications_room_announce,
            console_applicants_html,
        )
        from daigang.hiring.apply.services import application_created_hooks
        from daigang.live.lifecycle import console_panel_hooks

        if console_applicants_html not in console_panel_hooks:
            console_panel_hooks.append(console_applicants_html)
        if applications_room_announce not in application_created_hooks:
            application_created_hooks.append(applications_room_announce)


def _reasons_seed(organisation: object) -> None:
    # A verified organisation can publish jobs and so reject applications: it needs its list
    # of reasons before anyone opens the board (page views write nothing).
    from daigang.hiring.pipeline.settings import rejection_reasons_seed

    rejection_reasons_seed(organisation=organisation)  # type: ignore[arg-type]


def _apply_states(seeker: object, job_ids: list[int]) -> dict[int, str]:
    # The room's cards say 已报名 / 重新报名 from the server, also after a reload.
    from daigang.hiring.apply.selectors import apply_states_of_seeker

    return apply_states_of_seeker(seeker=seeker, job_ids=job_ids)  # type: ignore[arg-type]
