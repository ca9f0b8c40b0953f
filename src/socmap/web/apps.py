from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "socmap.web"
    label = "web"
    verbose_name = "Web shell"
