from django.apps import AppConfig


class IntelConfig(AppConfig):
    name = "socmap.intel"
    label = "intel"
    verbose_name = "Intelligence"

    def ready(self) -> None:
        from socmap.intel import dashboard, demo  # noqa: F401  (registers the demo step)

        dashboard.register()
