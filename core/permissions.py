"""Django names the permissions it creates in English ("Can add unit") and stores the name: the
organisers' group and account pages list them. After each migration, the four default
permissions of every model are renamed in Vietnamese from the model's name."""

from django.contrib.auth.models import Permission
from django.utils import translation
from django.utils.translation import gettext_lazy as _

_DEFAULT_ACTIONS = {
    "add": _("Có thể thêm %(model)s"),
    "change": _("Có thể sửa %(model)s"),
    "delete": _("Có thể xóa %(model)s"),
    "view": _("Có thể xem %(model)s"),
}


def permission_names_translate(*, language: str = "vi") -> int:
    """Rename the default permissions (add/change/delete/view) in Vietnamese; returns how many
    names changed. Custom permissions keep the names their models give them."""
    changed = []
    with translation.override(language):
        permissions = Permission.objects.select_related("content_type")
        for permission in permissions:
            action, _sep, model_name = permission.codename.partition("_")
            model = permission.content_type.model_class()
            if action not in _DEFAULT_ACTIONS or model is None:
                continue
            if model_name != model._meta.model_name:
                continue
            name = str(_DEFAULT_ACTIONS[action]) % {"model": model._meta.verbose_name}
            name = name[: Permission._meta.get_field("name").max_length]
            if permission.name != name:
                permission.name = name
                changed.append(permission)
    Permission.objects.bulk_update(changed, ["name"], batch_size=500)
    return len(changed)
