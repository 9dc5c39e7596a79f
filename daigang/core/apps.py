from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "daigang.core"
    label = "core"

    def ready(self) -> None:
        # Registers the `<id:…>` path converter before any URLconf is loaded.
        from daigang.core import ids  # noqa: F401
