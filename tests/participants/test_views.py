"""Unit link, QR codes (decoded back with zxing-cpp) and the admin import/export pages."""

import datetime as dt
import io
import re

import pytest
import zxingcpp
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from PIL import Image

from participants import sms
from participants.models import Participant, Unit, UnitLinkVisit, User
from participants.selectors import SIGNUP_UNIT_SESSION_KEY
from tests.factories import ParticipantFactory, UnitFactory, UserFactory


def decode_png(content: bytes) -> list[str]:
    image = Image.open(io.BytesIO(content))
    return [result.text for result in zxingcpp.read_barcodes(image)]


@pytest.mark.django_db
def test_unit_link_counts_the_visit_remembers_the_unit_and_lands_home(client):
    unit = UnitFactory(code="vp-so")
    response = client.get("/u/vp-so/")
    assert response.status_code == 302
    assert response["Location"] == reverse("operations:home")
    assert client.session[SIGNUP_UNIT_SESSION_KEY] == "vp-so"
    client.get("/u/vp-so/")
    # Issue 14.10: one visitor is counted once a day, however often they open the link.
    assert UnitLinkVisit.objects.get(unit=unit).count == 1


@pytest.mark.django_db
def test_unit_link_counts_each_visitor_once_a_day_and_bounds_cookieless_clients(client):
    from django.test import Client

    from participants.services import UNIT_VISITS_WITHOUT_COOKIE_PER_ADDRESS

    unit, other = UnitFactory(code="vp-so"), UnitFactory(code="p-cds")
    for _ in range(5):
        client.get("/u/vp-so/")
    client.get("/u/p-cds/")
    client.get("/u/vp-so/")
    assert UnitLinkVisit.objects.get(unit=unit).count == 1
    assert UnitLinkVisit.objects.get(unit=other).count == 1
    # Ten colleagues behind the office's one address, each on their own phone: ten visitors.
    for _ in range(10):
        Client().get("/u/vp-so/")
    assert UnitLinkVisit.objects.get(unit=unit).count == 11
    # A client that never keeps the cookie costs a bounded number of writes from its address.
    for _ in range(UNIT_VISITS_WITHOUT_COOKIE_PER_ADDRESS + 20):
        Client().get("/u/p-cds/", REMOTE_ADDR="198.51.100.9")
    assert UnitLinkVisit.objects.get(unit=other).count == 1 + UNIT_VISITS_WITHOUT_COOKIE_PER_ADDRESS
    # The next day the same visitor counts again.
    import time_machine

    with time_machine.travel(timezone.now() + dt.timedelta(days=1)):
        client.get("/u/vp-so/")
    assert UnitLinkVisit.objects.filter(unit=unit).count() == 2


@pytest.mark.django_db
def test_unknown_unit_link_is_a_friendly_404(client):
    response = client.get("/u/khong-ton-tai/")
    assert response.status_code == 404
    assert "Không tìm thấy đơn vị" in response.content.decode()
    assert SIGNUP_UNIT_SESSION_KEY not in client.session
    assert not UnitLinkVisit.objects.exists()


@pytest.mark.django_db
def test_unit_qr_png_decodes_to_the_unit_link_and_is_print_quality(client):
    UnitFactory(code="tt-dvvl", name="Trung tâm Dịch vụ việc làm Thanh Hóa")
    response = client.get(reverse("participants:unit_qr", args=["tt-dvvl", "png"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert decode_png(response.content) == [settings.SITE_URL + "/u/tt-dvvl/"]
    image = Image.open(io.BytesIO(response.content))
    assert image.width >= 900
    assert round(image.info["dpi"][0]) == 300
    # The caption sits under the code: the image is taller than wide, with dark pixels there.
    assert image.height > image.width
    caption_band = image.convert("L").crop((0, image.width, image.width, image.height))
    assert caption_band.getextrema()[0] < 100


@pytest.mark.django_db
def test_unit_qr_svg_holds_the_right_matrix_and_the_vietnamese_name(client):
    UnitFactory(code="tt-dvvl", name="Trung tâm Dịch vụ việc làm")
    response = client.get(reverse("participants:unit_qr", args=["tt-dvvl", "svg"]))
    assert response.status_code == 200
    svg = response.content.decode()
    assert "Trung tâm Dịch vụ việc làm" in svg
    # Rasterise the path ourselves and decode it: the SVG is a valid QR of the link.
    import re

    size = int(re.search(r'viewBox="0 0 (\d+) ', svg).group(1))
    scale = 8
    image = Image.new("L", (size * scale, size * scale), 255)
    for x, y in re.findall(r"M(\d+),(\d+)h1v1h-1z", svg):
        for dx in range(scale):
            for dy in range(scale):
                image.putpixel((int(x) * scale + dx, int(y) * scale + dy), 0)
    assert [r.text for r in zxingcpp.read_barcodes(image)] == [settings.SITE_URL + "/u/tt-dvvl/"]


@pytest.mark.django_db
def test_contest_qr_decodes_to_the_home_page(client):
    response = client.get(reverse("participants:contest_qr", args=["png"]))
    assert decode_png(response.content) == [settings.SITE_URL + "/"]
    assert client.get(reverse("participants:contest_qr", args=["gif"])).status_code == 404


@pytest.mark.django_db
def test_contest_qr_ignores_a_caption_from_the_request_and_is_cached(client):
    """Issue 14.10: no attacker-chosen words under the official QR; rendered once."""
    from django.core.cache import cache

    url = reverse("participants:contest_qr", args=["svg"])
    own = client.get(url).content.decode()
    assert settings.SITE_URL.split("//")[1] in own
    forged = client.get(url, {"caption": "Trúng thưởng! Gọi 0900000000"}).content.decode()
    assert forged == own and "Trúng thưởng" not in forged
    png = client.get(reverse("participants:contest_qr", args=["png"]), {"caption": "X" * 100})
    assert png.content == client.get(reverse("participants:contest_qr", args=["png"])).content
    # One PNG and one SVG in the cache, whatever the queries said.
    assert len(cache._cache.get_client().keys(cache.make_key("qr:*"))) == 2


def test_admin_import_shows_row_errors_and_writes_nothing(organiser_client):
    content = "Mã đơn vị,Tên đơn vị,Mã đơn vị cấp trên,Loại,Số người\na,A,,,1\nb,B,zz,,-1\n"
    upload = io.BytesIO(content.encode("utf-8-sig"))
    upload.name = "don-vi.csv"
    response = organiser_client.post(reverse("admin:participants_unit_import"), {"file": upload})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Dòng 3" in page
    assert "số người không được âm" in page
    assert not Unit.objects.exists()


def test_admin_export_round_trips_through_import(organiser_client):
    root = UnitFactory(code="so", name="Sở Lao động - Thương binh và Xã hội")
    UnitFactory(code="vp", name="Văn phòng Sở", parent=root, headcount=46)
    response = organiser_client.get(reverse("admin:participants_unit_export", args=["xlsx"]))
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    assert rows[0] == ("Mã đơn vị", "Tên đơn vị", "Mã đơn vị cấp trên", "Loại", "Số người")
    # "Loại" in Vietnamese, as the organiser reads it; the import takes the label back.
    assert ("vp", "Văn phòng Sở", "so", "Phòng nghiệp vụ", 46) in rows
    assert "don-vi-20" in response["Content-Disposition"]
    csv_response = organiser_client.get(reverse("admin:participants_unit_export", args=["csv"]))
    csv_content = b"".join(csv_response.streaming_content)
    assert csv_content.startswith("\ufeff".encode())
    upload = io.BytesIO(csv_content)
    upload.name = "don-vi.csv"
    response = organiser_client.post(reverse("admin:participants_unit_import"), {"file": upload})
    assert response.status_code == 302
    assert Unit.objects.get(code="vp").parent == root
    assert Unit.objects.get(code="vp").kind == Unit.Kind.OFFICE


def test_unit_link_query_budget(db, client, django_assert_max_num_queries):
    UnitFactory(code="dem")
    client.get("/u/dem/")  # first visit of the day inserts the counter row
    # A repeat scan: unit lookup and counter update (the session, unchanged, is not written).
    with django_assert_max_num_queries(2):
        assert client.get("/u/dem/").status_code == 302


@pytest.mark.django_db(transaction=True)
def test_simultaneous_first_visits_lose_no_count():
    import threading

    from django.db import connection

    from participants.services import unit_link_visit_record

    unit = UnitFactory(code="dong-thoi")
    barrier = threading.Barrier(8)

    def visit():
        barrier.wait()
        try:
            unit_link_visit_record(unit=unit)
        finally:
            connection.close()

    threads = [threading.Thread(target=visit) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert UnitLinkVisit.objects.get(unit=unit).count == 8


def test_exported_text_never_becomes_a_formula(organiser_client):
    UnitFactory(code="cong-thuc", name='=HYPERLINK("http://example.com","Bấm")')
    response = organiser_client.get(reverse("admin:participants_unit_export", args=["xlsx"]))
    content = b"".join(response.streaming_content)
    cell = load_workbook(io.BytesIO(content)).active["B2"]
    assert cell.data_type == "s"
    assert cell.value.startswith("'=HYPERLINK")
    csv_response = organiser_client.get(reverse("admin:participants_unit_export", args=["csv"]))
    assert "'=HYPERLINK" in b"".join(csv_response.streaming_content).decode("utf-8-sig")


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
        "consent": "on",
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
    assert response.status_code == 400
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


@override_settings(RATE_LIMITS={"login_failed": "3/15m/phone_ip,100/15m/ip"})
def test_wrong_passwords_on_one_phone_do_not_lock_other_accounts(client, participant):
    """The failed-login limit is per phone number (from an address), not one key shared by
    every account."""
    other = ParticipantFactory()
    for _ in range(4):
        client.post(reverse("account_login"), {"login": other.user.phone, "password": "sai-roi"})
    response = client.post(
        reverse("account_login"),
        {"login": participant.user.phone, "password": "mat-khau-an-toan-2024"},
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(participant.user.pk)
    client.logout()
    locked = client.post(
        reverse("account_login"), {"login": other.user.phone, "password": "mat-khau-an-toan-2024"}
    )
    assert locked.status_code == 429 and "_auth_user_id" not in client.session


# A reset code right after the sign-up code: over "1/30s/phone", which is not tested here.
@override_settings(RATE_LIMITS_ENABLED=False)
def test_sms_codes_are_six_digits_typed_on_the_number_pad(client):
    """Sign-up's verification code and the password reset code: six digits, a numeric keypad
    and the phone's one-time-code autofill (they were letters like XHPN-NRQL)."""
    client.post(reverse("account_signup"), _signup_data(UnitFactory()))
    code = _code_from_outbox()
    assert re.fullmatch(r"\d{6}", code), code
    page = client.get(reverse("account_verify_phone")).content.decode()
    field = re.search(r"<input[^>]*name=\"code\"[^>]*>", page).group(0)
    assert 'inputmode="numeric"' in field and 'autocomplete="one-time-code"' in field
    assert client.post(reverse("account_verify_phone"), {"code": code}).status_code == 302

    client.logout()
    client.post(reverse("account_reset_password"), {"phone": "0987654321"})
    reset_code = _code_from_outbox()
    assert re.fullmatch(r"\d{6}", reset_code), reset_code
    page = client.get(reverse("account_confirm_password_reset_code")).content.decode()
    field = re.search(r"<input[^>]*name=\"code\"[^>]*>", page).group(0)
    assert 'inputmode="numeric"' in field and 'autocomplete="one-time-code"' in field


@override_settings(RATE_LIMITS_ENABLED=False)
def test_phone_numbers_are_shown_as_people_write_them(client):
    """0987 654 321 wherever a person reads their number, never +84987654321."""
    client.post(reverse("account_signup"), _signup_data(UnitFactory()))
    page = client.get(reverse("account_verify_phone")).content.decode()
    assert "0987 654 321" in page and "+84" not in page
    verified = client.post(
        reverse("account_verify_phone"), {"code": _code_from_outbox()}, follow=True
    )
    messages = [str(message) for message in verified.context["messages"]]
    assert "Đã xác minh số điện thoại 0987 654 321." in messages
    profile = client.get(reverse("participants:profile")).content.decode()
    assert "<strong>0987 654 321</strong>" in profile and "+84" not in profile
    client.logout()
    client.post(reverse("account_reset_password"), {"phone": "0987654321"})
    page = client.get(reverse("account_confirm_password_reset_code")).content.decode()
    assert "0987 654 321" in page and "+84" not in page


def test_the_admin_shows_and_takes_phone_numbers_in_the_national_format(client):
    admin = UserFactory(phone="+84900000009", is_staff=True, is_superuser=True)
    person = UserFactory(phone="+84987654321")
    client.force_login(admin)
    url = reverse("admin:participants_user_change", args=[person.pk])
    page = client.get(url).content.decode()
    assert 'value="0987 654 321"' in page and "+84987654321" not in page
    form = {
        "phone": "0987 654 322",
        "phone_verified": "on",
        "email": "",
        "is_active": "on",
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "01/01/2024",
        "date_joined_1": "08:00:00",
    }
    response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:3000]
    person.refresh_from_db()
    assert person.phone == "+84987654322"


@pytest.mark.parametrize("typed", ["0900000009", "0900 000 009", "84900000009", "+84900000009"])
def test_the_admin_login_takes_the_number_as_people_type_it(client, typed):
    UserFactory(phone="+84900000009", is_staff=True)
    # The admin's login is the site's login page, which comes back to the admin.
    login = client.get(reverse("admin:login") + "?next=/admin/")["Location"]
    response = client.post(login, {"login": typed, "password": "mat-khau-an-toan-2024"})
    assert response.status_code == 302 and response["Location"] == "/admin/"


@pytest.mark.parametrize(
    "typed",
    ["06/05/1992", "6/5/1992", "06.05.1992", "06-05-1992", "06 05 1992", "06051992", "1992-05-06"],
)
def test_date_of_birth_is_read_day_first_whatever_the_phone_language(client, typed):
    """A text field in dd/mm/yyyy, not the browser's date picker (mm/dd/yyyy on a phone set
    to English): 06/05/1992 is the 6th of May."""
    client.post(reverse("account_signup"), _signup_data(UnitFactory(), date_of_birth=typed))
    assert Participant.objects.get().date_of_birth == dt.date(1992, 5, 6)


def test_the_date_field_is_text_in_dd_mm_yyyy_and_refuses_a_month_first_date(client):
    page = client.get(reverse("account_signup")).content.decode()
    field = re.search(r'<input[^>]*name="date_of_birth"[^>]*>', page).group(0)
    assert 'type="text"' in field and 'placeholder="dd/mm/yyyy"' in field
    assert 'inputmode="numeric"' in field and 'type="date"' not in field
    response = client.post(
        reverse("account_signup"), _signup_data(UnitFactory(), date_of_birth="05/13/1992")
    )
    assert response.status_code == 400
    assert "ngày/tháng/năm, ví dụ 06/05/1990" in response.content.decode()
    assert not User.objects.exists()
    # The profile shows the stored date back in the same form.
    person = ParticipantFactory(date_of_birth=dt.date(1990, 1, 31))
    client.force_login(person.user)
    page = client.get(reverse("participants:profile")).content.decode()
    assert re.search(
        r'name="date_of_birth"[^>]*value="31/01/1990"|value="31/01/1990"[^>]*name="date_of_birth"',
        page,
    )
