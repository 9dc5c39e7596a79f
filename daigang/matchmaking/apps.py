from django.apps import AppConfig


class MatchmakingConfig(AppConfig):
    name = "daigang.matchmaking"
    label = "matchmaking"
    verbose_name = "就业服务专员"
