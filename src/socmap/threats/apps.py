from django.apps import AppConfig


class ThreatsConfig(AppConfig):
    name = "socmap.threats"
    label = "threats"
    verbose_name = "Threats"

    def ready(self) -> None:
        from socmap.threats import services  # noqa: F401  (registers its reference data loader)
        from socmap.threats.dashboard import register as register_panels

        register_panels()
