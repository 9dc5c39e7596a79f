from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "daigang.regions"
    label = "regions"
