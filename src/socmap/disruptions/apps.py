from django.apps import AppConfig


class DisruptionsConfig(AppConfig):
    name = "socmap.disruptions"
    label = "disruptions"
    verbose_name = "Disruptions"
