from django.apps import AppConfig


class MatchmakingConfig(AppConfig):
    name = "daigang.matchmaking"
    label = "matchmaking"
    verbose_name = "就业服务专员"

    def ready(self) -> None:
        # jobs sits below matchmaking and never imports it: its home page asks its hook list.
        from daigang.jobs.selectors import home_fragments_hooks
        from daigang.matchmaking.views import recommended_fragment_url

        if recommended_fragment_url not in home_fragments_hooks:
            home_fragments_hooks.append(recommended_fragment_url)
