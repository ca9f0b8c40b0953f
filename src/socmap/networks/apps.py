from django.apps import AppConfig


class NetworksConfig(AppConfig):
    name = "socmap.networks"
    label = "networks"
    verbose_name = "Networks"

    def ready(self) -> None:
        from socmap.networks import demo, store  # noqa: F401  (demo registers its step)

        store.connect_signals()
