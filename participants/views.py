from allauth.account.views import SignupView
from allauth.account.views import login as allauth_login
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.ratelimit import client_ip, rate_limited
from core.text import slugify_vi

from .forms import ProfileForm
from .qrcodes import qr_render_cached
from .selectors import (
    SIGNUP_UNIT_SESSION_KEY,
    UNIT_QUERY_PARAMETER,
    contest_home_url,
    contest_qr_caption,
    deletion_request_pending,
    participant_of,
    unit_by_code,
    unit_contacts,
    unit_link_url,
)
from .services import (
    ProfileLocked,
    deletion_request_create,
    participant_profile_update,
    signup_unit_remember,
    unit_link_visit_count,
)

QR_CACHE_SECONDS = 3600
UNIT_VISIT_COOKIE = "don_vi_da_dem"


@require_GET
def unit_link(request, code: str):
    """/u/<code>/: count the visit, remember the unit for sign-up, land on the home page."""
    unit = unit_by_code(code=code)
    if unit is None:
        return render(request, "participants/unit_not_found.html", {"code": code}, status=404)
    counted = request.get_signed_cookie(UNIT_VISIT_COOKIE, default="", salt=UNIT_VISIT_COOKIE)
    now_counted = unit_link_visit_count(unit=unit, counted=counted, address=client_ip(request))
    if request.session.get(SIGNUP_UNIT_SESSION_KEY) != unit.code:
        request.session[SIGNUP_UNIT_SESSION_KEY] = unit.code  # written only when it changes
    response = redirect("/")
    if now_counted != counted:
        response.set_signed_cookie(
            UNIT_VISIT_COOKIE,
            now_counted,
            salt=UNIT_VISIT_COOKIE,
            max_age=2 * 24 * 3600,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response


def _qr_response(request, *, url: str, caption: str, fmt: str, filename: str) -> HttpResponse:
    content_types = {"png": "image/png", "svg": "image/svg+xml"}
    if fmt not in content_types:
        raise Http404(_("Định dạng không hỗ trợ."))
    response = HttpResponse(
        qr_render_cached(url=url, caption=caption, fmt=fmt), content_type=content_types[fmt]
    )
    disposition = "attachment" if request.GET.get("download") else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}.{fmt}"'
    response["Cache-Control"] = f"public, max-age={QR_CACHE_SECONDS}"
    return response


@require_GET
def contest_qr(request, fmt: str):
    # The caption is the site's own address, never text from the request: the official QR
    # must not carry words chosen by whoever wrote the link.
    return _qr_response(
        request,
        url=contest_home_url(),
        caption=contest_qr_caption(),
        fmt=fmt,
        filename="qr-cuoc-thi",
    )


@require_GET
def unit_qr(request, code: str, fmt: str):
    unit = unit_by_code(code=code)
    if unit is None:
        return render(request, "participants/unit_not_found.html", {"code": code}, status=404)
    return _qr_response(
        request,
        url=unit_link_url(unit=unit),
        caption=unit.name,
        fmt=fmt,
        filename=f"qr-{slugify_vi(unit.code)}",
    )


@rate_limited("login", as_json=False)
def login_view(request, *args, **kwargs):
    """allauth's login behind our per-address limit; a refusal by the guess limits
    (participants.login_limits) is the login form with its message, answered 429."""
    response = allauth_login(request, *args, **kwargs)
    wait = getattr(request, "login_retry_after", 0)
    if wait:
        response.status_code = 429
        response["Retry-After"] = str(wait)
    return response


def admin_login_view(request):
    """The admin's login page: the site's own login (phone number, password, then the
    two-factor code), so that staff pass the same limits and 2FA as everywhere."""
    next_url = request.GET.get("next") or request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    next_url = next_url or reverse("admin:index")
    if request.user.is_authenticated and request.user.is_staff:
        return redirect(next_url)
    return redirect(f"{reverse('account_login')}?{urlencode({'next': next_url})}")


class ContestSignupView(SignupView):
    """allauth's sign-up, with the unit pre-selected from ?don_vi=<code> or the session.
    `rules_url` (the rules page the consent links to) is given by the site's URL
    configuration."""

    rules_url = ""

    def dispatch(self, request, *args, **kwargs):
        code = request.GET.get(UNIT_QUERY_PARAMETER)
        if code:
            signup_unit_remember(session=request.session, code=code)
        return super().dispatch(request, *args, **kwargs)

    def form_invalid(self, form):
        # Refused input is a 400 (the form is shown again with its Vietnamese errors).
        response = super().form_invalid(form)
        response.status_code = 400
        return response

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "rules_url": str(self.rules_url)}

    def get_initial(self):
        initial = super().get_initial()
        unit = unit_by_code(code=self.request.session.get(SIGNUP_UNIT_SESSION_KEY, ""))
        if unit is not None:
            initial["unit"] = unit.pk
        return initial


@login_required
def profile(request):
    participant = participant_of(user=request.user)
    if participant is None:
        messages.info(request, _("Tài khoản của bạn chưa có hồ sơ người dự thi."))
        return redirect("/")
    if request.method == "POST":
        form = ProfileForm(request.POST, participant=participant)
        if form.is_valid():
            data = dict(form.cleaned_data)
            email = data.pop("email", "") or ""
            try:
                participant_profile_update(participant=participant, email=email, **data)
            except ProfileLocked:
                messages.error(request, _("Thông tin định danh đã bị khóa, không thể sửa."))
                return redirect("participants:profile")
            messages.success(request, _("Đã lưu thông tin cá nhân."))
            return redirect("participants:profile")
        status = 400
    else:
        form = ProfileForm(participant=participant)
        status = 200
    context = {
        "form": form,
        "participant": participant,
        "contacts": unit_contacts(participant=participant) if participant.profile_locked_at else [],
    }
    return render(request, "participants/profile.html", context, status=status)


@require_GET
def privacy_notice(request):
    return render(
        request,
        "participants/privacy_notice.html",
        {"version": settings.PRIVACY_NOTICE_VERSION},
    )


@login_required
@require_http_methods(["GET", "POST"])
def deletion_request(request):
    """Ask for the account to be deleted after the contest: a confirmation page, then one
    pending request (organisers carry it out with `anonymise_participants`)."""
    participant = participant_of(user=request.user)
    if participant is None:
        messages.info(request, _("Tài khoản của bạn chưa có hồ sơ người dự thi."))
        return redirect("/")
    pending = deletion_request_pending(participant=participant)
    if request.method == "POST":
        if request.POST.get("confirm") != "yes":
            messages.error(
                request, _("Hãy đánh dấu ô xác nhận nếu bạn muốn yêu cầu xóa tài khoản.")
            )
            return render(
                request,
                "participants/deletion_request.html",
                {"participant": participant, "pending": pending},
                status=400,
            )
        deletion_request_create(participant=participant)
        messages.success(
            request,
            _(
                "Đã ghi nhận yêu cầu xóa tài khoản. Ban Tổ chức sẽ thực hiện sau khi cuộc thi "
                "kết thúc."
            ),
        )
        return redirect("participants:deletion_request")
    return render(
        request,
        "participants/deletion_request.html",
        {"participant": participant, "pending": pending},
    )
