from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data for `make run`: sits above every domain and is imported by none of them."""

    name = "daigang.demo"
    label = "demo"
