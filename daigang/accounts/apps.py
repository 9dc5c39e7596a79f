from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "daigang.accounts"
    label = "accounts"
