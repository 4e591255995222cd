from django.utils.translation import gettext as _

from .models import Participant

REQUIRED_PROFILE_FIELDS = ("full_name", "date_of_birth", "gender", "unit_id")


def participant_missing_fields(*, participant: Participant) -> list[str]:
    """Names (for people) of the profile fields still empty; an attempt needs them all."""
    labels = {
        "full_name": _("họ và tên"),
        "date_of_birth": _("ngày sinh"),
        "gender": _("giới tính"),
        "unit_id": _("đơn vị"),
    }
    return [labels[name] for name in REQUIRED_PROFILE_FIELDS if not getattr(participant, name)]


# The unit a visitor arrived through (unit link /u/<code>/ or ?don_vi=<code>), remembered in
# the session so that sign-up can pre-select it.
SIGNUP_UNIT_SESSION_KEY = "signup_unit_code"
UNIT_QUERY_PARAMETER = "don_vi"
