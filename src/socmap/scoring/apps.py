from django.apps import AppConfig


class ScoringConfig(AppConfig):
    name = "socmap.scoring"
    label = "scoring"
    verbose_name = "Scoring"

    def ready(self) -> None:
        from socmap.scoring import (  # noqa: F401  (services registers its reference data loader)
            dashboard,
            demo,
            services,
        )

        dashboard.register()
