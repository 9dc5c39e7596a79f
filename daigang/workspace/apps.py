from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    name = "daigang.workspace"
    label = "workspace"
    verbose_name = "单位工作台"
