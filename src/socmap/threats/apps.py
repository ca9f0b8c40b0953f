from django.apps import AppConfig


class ThreatsConfig(AppConfig):
    name = "socmap.threats"
    label = "threats"
    verbose_name = "Threats"

    def ready(self) -> None:
        from socmap.threats import (  # noqa: F401  (register the demo step, reference loader)
            demo,
            services,
        )
        from socmap.threats.dashboard import register as register_panels

        register_panels()
