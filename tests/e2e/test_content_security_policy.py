"""Under the Content-Security-Policy the admin, the desk pages, the public pages and the app still work in a real
browser: nothing is refused, and the admin's own scripts run (they load from /static/, no inline script)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from inspections.models import Street

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "a-long-test-password-9"
# Every violation is reported to the page as an event; Playwright's init scripts are exempt from the policy.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation",
  (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
"""


@pytest.fixture
def watched(page):
    """The page, with every console complaint about a policy collected in page.complaints."""
    page.complaints = []
    page.on("console", lambda m: page.complaints.append(m.text) if "Policy" in m.text else None)
    page.add_init_script(RECORD_VIOLATIONS)
    return page


def violations(page) -> list[str]:
    return page.evaluate("window.__violations") + page.complaints


def log_in(page) -> None:
    get_user_model().objects.create_superuser("root", "root@example.cn", PASSWORD)
    page.goto("/admin/login/")
    page.get_by_label("用户名").fill("root")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()  # over plain http: Secure cookies on localhost still work
    page.wait_for_url("**/admin/")


def test_the_admin_s_scripts_run_and_nothing_is_refused(watched):
    page = watched
    log_in(page)
    assert violations(page) == []

    page.goto("/admin/auth/user/")
    page.locator("#action-toggle").check()  # actions.js: the header box selects every row
    assert page.locator("input.action-select").first.is_checked()
    assert "1" in page.locator(".action-counter").inner_text()

    user = get_user_model().objects.get(username="root")
    page.goto(f"/admin/auth/user/{user.pk}/change/")
    page.locator("#id_date_joined_0").fill("")
    shortcuts = page.locator("#id_date_joined_0 + .datetimeshortcuts")  # added by DateTimeShortcuts.js
    shortcuts.get_by_role("link", name="今天").click()
    today = timezone.localdate()  # the admin's "today" is the server's, in TIME_ZONE
    assert page.locator("#id_date_joined_0").input_value() in {today.isoformat(), today.strftime("%Y/%m/%d")}

    assert violations(page) == []


@pytest.mark.parametrize("url", ["/staff/", "/staff/rankings/", "/public/", "/api/schema/docs/", "/"])
def test_desk_public_and_app_pages_load_without_a_refusal(watched, url):
    page = watched
    log_in(page)

    response = page.goto(url)
    page.wait_for_load_state("networkidle")

    assert response.status == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    styled = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "PingFang SC" in styled or url in {"/", "/api/schema/docs/"}  # the stylesheet file applied
    assert violations(page) == []


def test_the_desk_s_street_picker_works_from_its_script_file(watched):

    page = watched
    Street.objects.create(code="AA", name="甲街道")
    second = Street.objects.create(code="BB", name="乙街道")
    log_in(page)
    page.goto("/staff/")

    with page.expect_navigation():
        page.locator("select[name=street]").select_option(str(second.pk))  # staff.js submits on change

    assert page.url.endswith(f"/staff/?street={second.pk}")
    assert page.locator("select[name=street]").input_value() == str(second.pk)
    assert violations(page) == []
