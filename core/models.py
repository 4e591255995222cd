from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditLogEntry(models.Model):
    """Who did what, when: organiser actions and exports of personal data, written by the
    services that carry them out (core.audit.audit_log_record), never by a view or an admin.

    The actor is the project's user model through AUTH_USER_MODEL (a setting, as Django's own
    admin log does), so core names no app. The table keeps the name it had when the model
    lived in participants (moved with SeparateDatabaseAndState: no data was copied)."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("hành động"), max_length=80, db_index=True)
    target_type = models.CharField(_("loại đối tượng"), max_length=80, blank=True)
    target_id = models.CharField(_("mã đối tượng"), max_length=64, blank=True)
    details = models.JSONField(_("chi tiết"), default=dict, blank=True)
    created_at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)

    class Meta:
        db_table = "participants_auditlogentry"
        verbose_name = _("nhật ký thao tác")
        verbose_name_plural = _("nhật ký thao tác")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        from .audit import audit_action_label  # the labels sit beside the writer

        moment = timezone.localtime(self.created_at)
        # No actor: the system did it (the sweep closing and ranking a round).
        actor = self.actor if self.actor is not None else _("Hệ thống")
        return f"{moment:%d/%m/%Y %H:%M} {actor} {audit_action_label(self.action)}"
