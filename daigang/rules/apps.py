from django.apps import AppConfig


class RulesConfig(AppConfig):
    name = "daigang.rules"
    label = "rules"
    verbose_name = "内容规则"
