from django.apps import AppConfig


class LifetimeConfig(AppConfig):
    name = "socmap.lifetime"
    label = "lifetime"
    verbose_name = "Lifetime management"

    def ready(self) -> None:
        from socmap.lifetime import (  # noqa: F401  (services registers the reference loaders)
            dashboard,
            demo,
            services,
        )

        dashboard.register()
