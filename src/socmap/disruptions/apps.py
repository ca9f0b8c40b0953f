from django.apps import AppConfig


class DisruptionsConfig(AppConfig):
    name = "socmap.disruptions"
    label = "disruptions"
    verbose_name = "Disruptions"

    def ready(self) -> None:
        from socmap.disruptions import (  # noqa: F401  (services registers the reference loaders)
            dashboard,
            demo,
            services,
        )

        dashboard.register()
