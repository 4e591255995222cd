from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _permission_names_translate(sender, **kwargs) -> None:
    from .permissions import permission_names_translate

    permission_names_translate()


class CoreConfig(AppConfig):
    """Infrastructure that knows no domain (cache client, rate limits, spreadsheets, locks,
    the audit log, health probes, fonts). It imports no app of the project."""

    name = "core"
    verbose_name = _("Hệ thống")

    def ready(self) -> None:
        # After every app's migration (idempotent): permissions appear with their models.
        post_migrate.connect(_permission_names_translate, dispatch_uid="permission_names_vi")
        from .collation import sqlite_collation_register

        connection_created.connect(sqlite_collation_register, dispatch_uid="sqlite_vietnamese")
