from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "socmap.people"
    label = "people"
    verbose_name = "People (nominals)"
