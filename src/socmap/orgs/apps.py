from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "socmap.orgs"
    label = "orgs"
    verbose_name = "Organisations and users"

    def ready(self) -> None:
        from socmap.orgs import dashboard, demo  # noqa: F401  (demo registers its step)

        dashboard.register()
