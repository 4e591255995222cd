"""The Content-Security-Policy every page carries (same policy in development and tests)."""

import re

import pytest
from django.urls import reverse


def _directives(header: str) -> dict[str, list[str]]:
    parts = (part.strip().split() for part in header.split(";") if part.strip())
    return {name: values for name, *values in parts}


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["operations:home", "account_login", "account_signup"])
def test_pages_forbid_inline_scripts_and_framing(client, name):
    response = client.get(reverse(name))

    assert response.status_code == 200
    policy = _directives(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert not any("unsafe" in value for values in policy.values() for value in values)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["operations:home", "account_login"])
def test_site_pages_have_no_inline_script_or_style(client, name):
    html = client.get(reverse(name)).content.decode()

    assert " style=" not in html
    assert "<style" not in html
    assert "javascript:" not in html
    assert not re.search(r"<[^>]*\son[a-z]+\s*=", html), "inline event handler"
    for tag in html.split("<script")[1:]:
        assert tag.split(">", 1)[0].strip().startswith(("src=", 'type="application/json"')), tag
