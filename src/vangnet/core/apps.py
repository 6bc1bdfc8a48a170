from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "vangnet.core"
    label = "core"
    verbose_name = "Vangnet core"

    def ready(self) -> None:
        from vangnet.core import audit_guard  # noqa: F401  (registers the SQLite function)
