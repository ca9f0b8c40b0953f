from django.apps import AppConfig
from django.db.backends.signals import connection_created


def _register_sqlite_functions(sender, connection, **kwargs):
    """SQLite has no pg_trgm: give it the same similarity, computed in Python."""
    if connection.vendor != "sqlite":
        return
    from socmap.search import rules

    raw = connection.connection
    raw.create_function("similarity", 2, rules.similarity, deterministic=True)
    raw.create_function(
        "socmap_similar",
        3,
        lambda a, b, threshold: int(rules.similarity(a, b) >= threshold),
        deterministic=True,
    )


class SearchConfig(AppConfig):
    name = "socmap.search"
    label = "search"
    verbose_name = "Search"

    def ready(self) -> None:
        connection_created.connect(_register_sqlite_functions, dispatch_uid="socmap-search-sqlite")
