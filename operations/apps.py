from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    """The layer above the domain apps: every Celery task and beat target, the round pipeline
    (close → finalise → rank → award), re-rank queueing, and the pages and admin
    registrations that span apps. Nothing imports it."""

    name = "operations"
    verbose_name = _("Điều phối")
