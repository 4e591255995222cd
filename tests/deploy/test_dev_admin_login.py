"""`make run` (base settings: DEBUG, SQLite) lets the README's demo organiser, 0900000001 /
thidemo2024, into the admin with the number and password alone: two-factor authentication for
staff is off only there (README); the same login under STAFF_MFA_REQUIRED=true is sent to set
up an authenticator app first, as in production."""

import json

from tests.deploy.test_sqlite_default import _embedded_environment, _manage

LOGIN = """
import json
from django.test import Client
from django.urls import reverse
from participants.demo import demo_accounts_seed, demo_units_seed
demo_units_seed()
demo_accounts_seed()
client = Client()
start = client.get(reverse("admin:index"))
login_page = client.get(start["Location"], follow=True)
signed_in = client.post(
    login_page.redirect_chain[-1][0],
    {"login": "0900 000 001", "password": "thidemo2024"},
)
admin = client.get(reverse("admin:index"))
print(json.dumps({
    "signed_in": [signed_in.status_code, signed_in.get("Location")],
    "admin": [admin.status_code, admin.get("Location")],
}))
"""


def _admin_after_login(tmp_path, **env: str) -> dict:
    environment = {**_embedded_environment(tmp_path), "ALLOWED_HOSTS": "testserver", **env}
    _manage(environment, "migrate", "--noinput")
    return json.loads(_manage(environment, "shell", "-c", LOGIN).strip().splitlines()[-1])


def test_the_demo_organiser_gets_into_the_admin_under_make_run(tmp_path):
    result = _admin_after_login(tmp_path)
    assert result["signed_in"] == [302, "/admin/"]
    assert result["admin"] == [200, None]


def test_with_2fa_required_the_organiser_sets_it_up_first(tmp_path):
    result = _admin_after_login(tmp_path, STAFF_MFA_REQUIRED="true")
    assert result["signed_in"] == [302, "/admin/"]
    status, location = result["admin"]
    assert status == 302 and location.startswith("/accounts/2fa/totp/activate/")
