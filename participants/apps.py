from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


def _sync_organiser_groups(sender, **kwargs) -> None:
    from .services import organiser_groups_sync

    organiser_groups_sync()


def _forget_cached_user(sender, instance, **kwargs) -> None:
    """A saved or deleted account, profile or unit representation: the next request reads it
    afresh (participants.auth_backends)."""
    from .auth_backends import user_cache_forget

    user_id = instance.pk if sender._meta.model_name == "user" else instance.user_id
    if user_id is not None:
        user_cache_forget(user_id=user_id)


class ParticipantsConfig(AppConfig):
    name = "participants"
    verbose_name = _("Người dự thi và đơn vị")

    def ready(self) -> None:
        from allauth.mfa.models import Authenticator

        # allauth's authenticator model has no verbose names: the admin would show it in English.
        Authenticator._meta.verbose_name = _("phương thức xác thực hai bước")
        Authenticator._meta.verbose_name_plural = _("phương thức xác thực hai bước")
        # Permissions of an app exist once its own post_migrate ran; syncing on every app's
        # signal (idempotent) leaves the groups complete after the last one.
        post_migrate.connect(_sync_organiser_groups, dispatch_uid="organiser_groups_sync")
        for model_name in ("User", "Participant", "UnitRepresentative"):
            model = self.get_model(model_name)
            for signal in (post_save, post_delete):
                signal.connect(
                    _forget_cached_user, sender=model, dispatch_uid=f"forget_user_{model_name}"
                )
