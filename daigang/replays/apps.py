from django.apps import AppConfig


class ReplaysConfig(AppConfig):
    name = "daigang.replays"
    label = "replays"
