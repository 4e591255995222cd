from allauth.account.views import SignupView
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .forms import ProfileForm
from .selectors import (
    SIGNUP_UNIT_SESSION_KEY,
    UNIT_QUERY_PARAMETER,
    participant_of,
    unit_by_code,
    unit_contacts,
)
from .services import ProfileLocked, participant_profile_update, signup_unit_remember


class ContestSignupView(SignupView):
    """allauth's sign-up, with the unit pre-selected from ?don_vi=<code> or the session."""

    def dispatch(self, request, *args, **kwargs):
        code = request.GET.get(UNIT_QUERY_PARAMETER)
        if code:
            signup_unit_remember(session=request.session, code=code)
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        initial = super().get_initial()
        unit = unit_by_code(code=self.request.session.get(SIGNUP_UNIT_SESSION_KEY, ""))
        if unit is not None:
            initial["unit"] = unit.pk
        return initial


signup = ContestSignupView.as_view()


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
