from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "socmap.people"
    label = "people"
    verbose_name = "People (nominals)"

    def ready(self) -> None:
        from socmap.people import demo  # noqa: F401  (registers its demo data step)
        from socmap.people.dashboard import register as register_panels

        register_panels()
