"""Content-Security-Policy and Permissions-Policy on every kind of answer, and templates that need no exception
to them: no inline script, event handler or style anywhere."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
PAGE_POLICY = {
    "default-src": "'self'", "script-src": "'self'", "style-src": "'self'", "object-src": "'none'",
    "base-uri": "'none'", "frame-ancestors": "'none'", "form-action": "'self'", "img-src": "'self' data: blob:",
    "connect-src": "'self'", "worker-src": "'self'", "manifest-src": "'self'",
}


def policy(response) -> dict[str, str]:
    directives = (part.strip().split(None, 1) for part in response["Content-Security-Policy"].split(";"))
    return {name: (rest[0] if rest else "") for name, *rest in directives}


@pytest.fixture
def admin_client(client):
    client.force_login(get_user_model().objects.create_superuser("root", "root@example.cn", "x"))
    return client


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("/", "app"),
        ("/serviceworker.js", "worker"),  # its policy governs the worker's own fetches: the page policy
        ("/staff/", "staff"),
        ("/public/", "public"),
        ("/admin/", "admin"),
        ("/admin/auth/user/add/", "admin"),
        ("/api/schema/docs/", "api docs page"),
    ],
)
def test_pages_carry_the_page_policy(admin_client, url, kind):
    response = admin_client.get(url)

    assert response.status_code == 200, kind
    assert policy(response) == {**PAGE_POLICY, "font-src": "'self'"}
    permissions = dict(item.strip().split("=", 1) for item in response["Permissions-Policy"].split(","))
    assert permissions["camera"] == permissions["geolocation"] == "(self)"
    assert permissions["microphone"] == permissions["payment"] == permissions["usb"] == "()"
    assert response["X-Frame-Options"] == "DENY" and response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("url", ["/api/v1/me/", "/api/v1/public/lists/", "/api/v1/no-such-thing/", "/api/schema/"])
def test_api_answers_allow_nothing_to_load(client, url):
    response = client.get(url)

    assert response.status_code in {200, 401, 404}
    assert response["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"


TEMPLATE_DIRS = ["backend", "checklists", "inspections", "rankings", "pwa"]
INLINE = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>"  # a script without a file
    r"|\son[a-z]+\s*=|<style|\sstyle\s*=|javascript:",
    re.IGNORECASE,
)


def test_no_template_holds_inline_script_handlers_or_styles():
    templates = [path for folder in TEMPLATE_DIRS for path in (ROOT / folder).rglob("*.html")]
    offending = {
        str(path.relative_to(ROOT)): INLINE.findall(path.read_text(encoding="utf-8")) for path in templates
    }
    assert len(templates) >= 15
    assert {name: found for name, found in offending.items() if found} == {}
