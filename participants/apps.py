from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_organiser_groups(sender, **kwargs) -> None:
    from .services import organiser_groups_sync

    organiser_groups_sync()


class ParticipantsConfig(AppConfig):
    name = "participants"
    verbose_name = _("Người dự thi và đơn vị")

    def ready(self) -> None:
        # Permissions of an app exist once its own post_migrate ran; syncing on every app's
        # signal (idempotent) leaves the groups complete after the last one.
        post_migrate.connect(_sync_organiser_groups, dispatch_uid="organiser_groups_sync")
