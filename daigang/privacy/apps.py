from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "daigang.privacy"
    label = "privacy"
    verbose_name = "个人信息"
