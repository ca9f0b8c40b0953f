from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "socmap.plans"
    label = "plans"
    verbose_name = "4P plans"
