from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "socmap.plans"
    label = "plans"
    verbose_name = "4P plans"

    def ready(self) -> None:
        from socmap.plans import (  # noqa: F401  (services registers the reference loader)
            dashboard,
            demo,
            services,
        )

        dashboard.register()
