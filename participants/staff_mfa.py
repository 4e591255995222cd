"""Two-factor authentication for staff (issue 14): with STAFF_MFA_REQUIRED, a staff account
reaches the admin only with an authenticator app (TOTP, allauth's mfa app, recovery codes
generated with it) set up and used in this session. Without one it is sent to set it up; with
one but a session signed in by password alone (signed in before setting it up), to enter a
code. Participants are untouched."""

from allauth.account.internal.flows.login import get_authentication_records
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _


def session_used_mfa(request) -> bool:
    """This session's sign-in (or a later confirmation) included a two-factor code."""
    records = get_authentication_records(request, request.user)
    return any(record.get("method") == "mfa" for record in records)


def staff_mfa_redirect(request):
    """Where a staff request for the admin must go first, or None to let it through."""
    user = request.user
    if not (settings.STAFF_MFA_REQUIRED and user.is_authenticated and user.is_staff):
        return None
    back = urlencode({"next": request.get_full_path()})
    if not is_mfa_enabled(user, [Authenticator.Type.TOTP]):
        messages.info(
            request,
            _(
                "Tài khoản quản trị phải bật xác thực hai bước trước khi vào trang quản trị: "
                "quét mã QR bằng ứng dụng xác thực (Google Authenticator, Microsoft "
                "Authenticator…) rồi nhập mã 6 số."
            ),
        )
        return redirect(f"{reverse('mfa_activate_totp')}?{back}")
    if not session_used_mfa(request):
        return redirect(f"{reverse('mfa_reauthenticate')}?{back}")
    return None


class StaffTwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = "/" + settings.ADMIN_URL_PATH
        # Signing out needs no second factor.
        self.exempt = {self.admin_prefix + "logout/"}

    def __call__(self, request):
        if request.path.startswith(self.admin_prefix) and request.path not in self.exempt:
            response = staff_mfa_redirect(request)
            if response is not None:
                return response
        return self.get_response(request)
