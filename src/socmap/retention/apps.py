from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "socmap.retention"
    label = "retention"
    verbose_name = "Retention review"

    def ready(self) -> None:
        from socmap.retention import services  # noqa: F401  (registers the reference loader)
