from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "daigang.contracts"
    label = "contracts"
    verbose_name = "录用与合同"
