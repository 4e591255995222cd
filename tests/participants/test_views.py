import re

import pytest
from django.urls import reverse
from django.utils import timezone

from participants import sms
from participants.models import Participant, User
from participants.selectors import SIGNUP_UNIT_SESSION_KEY
from tests.factories import ParticipantFactory, UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


def _signup_data(unit, **overrides):
    data = {
        "full_name": "  Lê   Thị Hoa ",
        "phone": "0987 654 321",
        "date_of_birth": "1992-03-04",
        "gender": "female",
        "unit": str(unit.pk),
        "cccd": "",
        "locality": "Phường Điện Biên, TP Thanh Hóa",
        "email": "",
        "password1": "Mat-khau-rat-kho-2024",
        "password2": "Mat-khau-rat-kho-2024",
    }
    data.update(overrides)
    return data


def _code_from_outbox() -> str:
    _phone, message = sms.outbox[-1]
    return re.search(r"là (\S+)$", message).group(1)


def test_signup_link_with_a_unit_code_preselects_the_unit(client):
    parent = UnitFactory(code="so-tt", name="Sở Thông tin")
    unit = UnitFactory(code="p-cds", name="Phòng Chuyển đổi số", parent=parent)
    response = client.get(reverse("account_signup") + "?don_vi=p-cds")
    html = response.content.decode()
    assert response.status_code == 200
    assert client.session[SIGNUP_UNIT_SESSION_KEY] == "p-cds"
    assert re.search(rf'<option value="{unit.pk}" selected>', html)
    assert '<optgroup label="Sở Thông tin">' in html
    # Remembered for later visits without the parameter.
    assert re.search(
        rf'<option value="{unit.pk}" selected>',
        client.get(reverse("account_signup")).content.decode(),
    )


def test_home_page_remembers_the_unit_of_the_link(client):
    UnitFactory(code="vp-so")
    client.get("/?don_vi=vp-so")
    assert client.session[SIGNUP_UNIT_SESSION_KEY] == "vp-so"
    client.get("/?don_vi=khong-ton-tai")
    assert client.session[SIGNUP_UNIT_SESSION_KEY] == "vp-so"


def test_signup_creates_the_account_and_profile_then_verifies_the_phone(client):
    unit = UnitFactory()
    response = client.post(reverse("account_signup"), _signup_data(unit), follow=True)
    assert response.redirect_chain[-1][0] == reverse("account_verify_phone")
    assert "Xác minh số điện thoại" in response.content.decode()
    user = User.objects.get()
    assert user.phone == "+84987654321" and not user.phone_verified
    participant = Participant.objects.get(user=user)
    assert participant.full_name == "Lê Thị Hoa"
    assert participant.unit == unit and participant.cccd is None
    assert sms.outbox and sms.outbox[-1][0] == "+84987654321"
    verify = client.post(reverse("account_verify_phone"), {"code": _code_from_outbox()})
    assert verify.status_code == 302
    user.refresh_from_db()
    assert user.phone_verified
    assert client.get("/").context["user"].is_authenticated


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("phone", "0123", "Số điện thoại không hợp lệ"),
        ("cccd", "12345", "12 chữ số"),
        ("date_of_birth", "2999-01-01", "Ngày sinh không hợp lệ"),
        ("unit", "", "This field is required|Trường này là bắt buộc"),
    ],
)
def test_signup_refuses_bad_fields_in_vietnamese(client, field, value, message):
    data = _signup_data(UnitFactory())
    data[field] = value
    response = client.post(reverse("account_signup"), data)
    assert response.status_code == 200
    assert re.search(message, response.content.decode())
    assert not User.objects.exists()


def test_signup_refuses_a_cccd_already_registered(client):
    ParticipantFactory(cccd="001234567890")
    response = client.post(
        reverse("account_signup"), _signup_data(UnitFactory(), cccd="001234567890")
    )
    assert "đã được đăng ký" in response.content.decode()
    assert User.objects.count() == 1


def test_login_with_the_phone_in_any_usual_format(client, participant):
    response = client.post(
        reverse("account_login"),
        {
            "login": "0" + participant.user.phone[3:6] + " " + participant.user.phone[6:],
            "password": "mat-khau-an-toan-2024",
        },
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(participant.user.pk)


def test_password_reset_by_sms_code(client, participant):
    phone = participant.user.phone
    response = client.post(reverse("account_reset_password"), {"phone": "0" + phone[3:]})
    assert response.status_code == 302
    assert sms.outbox[-1][0] == phone
    confirm = client.post(response.url, {"code": _code_from_outbox()})
    assert confirm.status_code == 302
    done = client.post(
        confirm.url, {"password1": "Mat-khau-moi-2025!", "password2": "Mat-khau-moi-2025!"}
    )
    assert done.status_code == 302
    participant.user.refresh_from_db()
    assert participant.user.check_password("Mat-khau-moi-2025!")


def test_password_reset_for_an_unknown_phone_sends_nothing(client):
    response = client.post(reverse("account_reset_password"), {"phone": "0912000111"})
    assert response.status_code == 302
    assert sms.outbox == []


def test_profile_edit_before_the_lock(client, participant):
    client.force_login(participant.user)
    other = UnitFactory()
    data = {
        "full_name": "Trần Văn Mới",
        "date_of_birth": "1991-02-03",
        "gender": "male",
        "unit": str(other.pk),
        "cccd": "038099001122",
        "locality": "Sầm Sơn",
        "email": "moi@example.vn",
    }
    response = client.post(reverse("participants:profile"), data)
    assert response.status_code == 302
    participant.refresh_from_db()
    assert (participant.full_name, participant.unit, participant.cccd) == (
        "Trần Văn Mới",
        other,
        "038099001122",
    )
    assert participant.user.email == "moi@example.vn"


def test_profile_identifying_fields_locked_after_the_first_attempt(client, participant):
    participant.profile_locked_at = timezone.now()
    participant.save()
    client.force_login(participant.user)
    page = client.get(reverse("participants:profile")).content.decode()
    assert "liên hệ Ban Tổ chức" in page
    assert re.search(r'name="full_name"[^>]*disabled', page)
    response = client.post(
        reverse("participants:profile"),
        {
            "full_name": "Tên Khác",
            "unit": str(UnitFactory().pk),
            "locality": "Hoằng Hóa",
            "email": "",
        },
    )
    assert response.status_code == 302
    participant.refresh_from_db()
    assert participant.full_name.startswith("Nguyễn Văn") and participant.locality == "Hoằng Hóa"


def test_signup_with_a_registered_phone_creates_nothing_and_tells_its_owner(client, participant):
    data = _signup_data(UnitFactory(), phone="0" + participant.user.phone[3:])
    client.post(reverse("account_signup"), data)
    assert User.objects.count() == 1
    assert sms.outbox[-1][0] == participant.user.phone
    assert "đã có tài khoản" in sms.outbox[-1][1]


def test_a_wrong_code_is_refused_in_vietnamese(client):
    client.post(reverse("account_signup"), _signup_data(UnitFactory()))
    response = client.post(reverse("account_verify_phone"), {"code": "SAI-MA"})
    assert "Mã xác minh không đúng" in response.content.decode()
    assert not User.objects.get().phone_verified


def test_password_change_page_uses_the_site_layout_in_vietnamese(client, participant):
    client.force_login(participant.user)
    html = client.get(reverse("account_change_password")).content.decode()
    assert "Mật khẩu hiện tại" in html and 'class="site-header"' in html
    response = client.post(
        reverse("account_change_password"),
        {
            "oldpassword": "mat-khau-an-toan-2024",
            "password1": "Mat-khau-moi-2025!",
            "password2": "Mat-khau-moi-2025!",
        },
    )
    assert response.status_code == 302
    participant.user.refresh_from_db()
    assert participant.user.check_password("Mat-khau-moi-2025!")


def test_signup_with_an_optional_email_and_a_cccd(client):
    unit = UnitFactory()
    data = _signup_data(unit, email="Hoa.Le@Example.vn", cccd="038192000123")
    client.post(reverse("account_signup"), data)
    participant = Participant.objects.get()
    assert participant.user.email == "hoa.le@example.vn"
    assert participant.cccd == "038192000123"
