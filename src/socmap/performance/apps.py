from django.apps import AppConfig


class PerformanceConfig(AppConfig):
    name = "socmap.performance"
    label = "performance"
    verbose_name = "Performance and learning"

    def ready(self) -> None:
        from socmap.performance import dashboard

        dashboard.register()
