from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "socmap.security"
    label = "security"
    verbose_name = "Security: restrictions, access reasons, second factor, backups"
