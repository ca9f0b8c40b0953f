from django.apps import AppConfig


class ScoringConfig(AppConfig):
    name = "socmap.scoring"
    label = "scoring"
    verbose_name = "Scoring"

    def ready(self) -> None:
        from socmap.scoring import services  # noqa: F401  (registers its reference data loader)
