from django.apps import AppConfig


class NetworksConfig(AppConfig):
    name = "socmap.networks"
    label = "networks"
    verbose_name = "Networks"

    def ready(self) -> None:
        from socmap.networks import store

        store.connect_signals()
