from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Infrastructure that knows no domain (cache client, rate limits, spreadsheets, locks,
    the audit log, health probes, fonts). It imports no app of the project."""

    name = "core"
    verbose_name = _("Hệ thống")
