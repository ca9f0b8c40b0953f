from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "socmap.security"
    label = "security"
    verbose_name = "Security: restrictions, access reasons, second factor, backups"

    def ready(self) -> None:
        from socmap.security import signals  # noqa: F401  (lockouts into the audit trail)
