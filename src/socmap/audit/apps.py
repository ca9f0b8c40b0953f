from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "socmap.audit"
    label = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        from socmap.audit import dashboard, signals  # noqa: F401  (log-in and log-out events)

        dashboard.register()
