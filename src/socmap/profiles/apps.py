from django.apps import AppConfig


class ProfilesConfig(AppConfig):
    name = "socmap.profiles"
    label = "profiles"
    verbose_name = "Local profiles and the control strategy"

    def ready(self) -> None:
        from socmap.profiles import dashboard, demo  # noqa: F401  (registers the demo step)

        dashboard.register()
