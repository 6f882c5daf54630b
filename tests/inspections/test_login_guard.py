"""Failed-login lockout (inspections.login_guard), in process: the API token endpoint and the admin login,
per username and per client address, trusted proxies, and expiry. Real gunicorn workers: test_login_guard_workers.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY, get_user_model
from django.core.cache import cache, caches
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from inspections.login_guard import _warn_untrusted_proxy_once, client_address
from inspections.models import LoginFailureCount

pytestmark = pytest.mark.django_db

User = get_user_model()
TOKEN_URL = "/api/v1/auth/token/"
ADMIN_LOGIN = "/admin/login/"
PASSWORD = "patrol-2026-secret"
START = datetime(2026, 5, 11, 1, 0, tzinfo=UTC)
LOCKED_MESSAGE = "登录失败次数过多，已暂时锁定"


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 6
    settings.LOGIN_LOCKOUT_MINUTES = 15
    settings.TRUSTED_PROXIES = 0
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK}
    # The per-minute rate throttle is tested in test_auth_tokens.py; here only the lockout may answer 429.
    from rest_framework.throttling import ScopedRateThrottle

    original = ScopedRateThrottle.THROTTLE_RATES
    ScopedRateThrottle.THROTTLE_RATES = {**original, "login": "10000/min"}
    yield
    ScopedRateThrottle.THROTTLE_RATES = original


@pytest.fixture
def users():
    User.objects.create_user(username="wang", password=PASSWORD)
    User.objects.create_user(username="li", password=PASSWORD)
    User.objects.create_superuser(username="boss", password=PASSWORD, email="boss@example.cn")


def login(client, username: str, password: str = PASSWORD, **headers):
    return client.post(
        TOKEN_URL, {"username": username, "password": password}, content_type="application/json", **headers
    )


def assert_locked(response, *, retry_after: int | None = None) -> None:
    assert response.status_code == 429, response.content
    error = response.json()["error"]
    assert error["code"] == "locked_out"
    assert int(response["Retry-After"]) == error["retry_after"] > 0
    minutes = -(-error["retry_after"] // 60)
    assert LOCKED_MESSAGE in error["message"] and f"请 {minutes} 分钟后再试" in error["message"]
    if retry_after is not None:
        assert error["retry_after"] == retry_after


# --- the cache the rate throttles count in ------------------------------------------------------------


def test_the_cache_is_the_database_cache_and_its_table_exists_in_the_test_database():
    assert caches["default"].__class__.__name__ == "DatabaseCache"
    assert "sortpatrol_cache" in connection.introspection.table_names()
    cache.set("shared", 1)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM sortpatrol_cache")
        assert cursor.fetchone()[0] == 1


# --- per username ------------------------------------------------------------------------------------


def test_after_the_limit_the_right_password_is_refused_until_the_lockout_expires(client, users):
    with time_machine.travel(START, tick=False) as traveller:
        for _ in range(3):
            assert login(client, "wang", "guess").status_code == 401
        response = login(client, "wang")
        assert_locked(response, retry_after=15 * 60)
        assert "请 15 分钟后再试（密码正确也须等待）" in response.json()["error"]["message"]
        assert OutstandingToken.objects.count() == 0  # no token was issued
        assert LoginFailureCount.objects.get(key="user:wang").failures == 3  # refusals do not extend the lock

        traveller.shift(timedelta(minutes=14, seconds=59))
        assert_locked(login(client, "wang"), retry_after=1)
        traveller.shift(timedelta(seconds=1))
        assert login(client, "wang").status_code == 200
        assert OutstandingToken.objects.count() == 1


def test_the_username_lock_holds_from_any_address_and_any_spelling(client, users):
    spellings = ["wang", "WANG", " Wang ", "ｗａｎｇ"]  # the last in full-width letters (NFKC folds it)
    for number, name in enumerate(spellings[:3]):
        assert login(client, name, "guess", REMOTE_ADDR=f"198.51.100.{number + 1}").status_code == 401
    assert_locked(login(client, spellings[3], REMOTE_ADDR="203.0.113.9"))
    assert_locked(login(client, "wang", REMOTE_ADDR="192.0.2.200"))
    assert login(client, "li", REMOTE_ADDR="192.0.2.200").status_code == 200  # other users are not concerned


def test_a_success_ends_the_username_streak(client, users):
    for _ in range(2):
        assert login(client, "wang", "guess").status_code == 401
    assert login(client, "wang").status_code == 200
    for _ in range(2):
        assert login(client, "wang", "guess").status_code == 401
    assert login(client, "wang").status_code == 200  # 4 failures in all, never 3 in a row


def test_unknown_users_and_odd_names_are_counted_without_a_500(client, users):
    for name in ["nobody", "NOBODY", "nobody"]:
        assert login(client, name, "guess").status_code == 401
    assert_locked(login(client, "Nobody"))
    long_name = "w" * 100_000
    assert login(client, long_name, "guess", REMOTE_ADDR="192.0.2.50").status_code == 401
    assert LoginFailureCount.objects.filter(key__startswith="user#").count() == 1


# --- per address ---------------------------------------------------------------------------------------


def test_failures_with_many_usernames_lock_the_address_even_for_a_right_password(client, users):
    for number in range(6):
        assert login(client, f"guess{number}", "guess").status_code == 401
    assert_locked(login(client, "li"))
    assert login(client, "li", REMOTE_ADDR="192.0.2.77").status_code == 200  # another address is not concerned


def test_a_success_does_not_reset_the_address_counter_of_others(client, users):
    for number in range(5):
        assert login(client, f"guess{number}", "guess").status_code == 401
    assert login(client, "li").status_code == 200  # a colleague behind the same address: not a failure
    assert LoginFailureCount.objects.get(key="addr:127.0.0.1").failures == 5  # nor a reset
    assert login(client, "guess5", "guess").status_code == 401
    assert_locked(login(client, "li"))


def test_ipv6_clients_are_counted_per_64_network(client, users):
    for number in range(6):
        response = login(client, f"guess{number}", "guess", REMOTE_ADDR=f"2001:db8:1:2::{number + 1:x}")
        assert response.status_code == 401
    assert_locked(login(client, "li", REMOTE_ADDR="2001:db8:1:2:ffff::1"))
    assert login(client, "li", REMOTE_ADDR="2001:db8:1:3::1").status_code == 200


@pytest.mark.parametrize("proxies", [0, 1])
def test_rotating_x_forwarded_for_does_not_escape_the_address_lock(client, users, settings, proxies):
    """Each attempt claims another address. Without a trusted proxy the header is ignored; behind one proxy only
    its rightmost entry (written by our proxy) counts, so spoofed left-hand entries do not help."""
    settings.TRUSTED_PROXIES = proxies
    proxy, real_client = "10.0.0.2", "203.0.113.5"

    def forwarded(number: int) -> str:
        spoofed = f"198.51.100.{number}, 192.0.2.{number}"
        return spoofed if proxies == 0 else f"{spoofed}, {real_client}"

    for number in range(6):
        response = login(client, f"guess{number}", "guess", REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=forwarded(number))
        assert response.status_code == 401
    assert_locked(login(client, "li", REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=forwarded(99)))
    counted = real_client if proxies else proxy
    assert LoginFailureCount.objects.get(key=f"addr:{counted}").failures == 6
    if proxies:  # another client behind the same proxy is not concerned
        assert login(client, "li", REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="203.0.113.6").status_code == 200


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "expected"),
    [
        (0, "192.0.2.1", "203.0.113.9", "192.0.2.1"),
        (1, "10.0.0.2", "1.2.3.4, 203.0.113.9", "203.0.113.9"),
        (1, "10.0.0.2", "  203.0.113.9  ", "203.0.113.9"),
        (2, "10.0.0.3", "1.2.3.4, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
        (2, "10.0.0.3", "203.0.113.9", "203.0.113.9"),  # fewer hops than proxies: the leftmost
        (1, "10.0.0.2", "", "10.0.0.2"),  # no header: the peer
        (1, "10.0.0.2", "1.2.3.4, not-an-address", "10.0.0.2"),  # garbage: the peer, never the garbage
        (1, "10.0.0.2", "2001:DB8:0:0::1", "2001:db8::1"),
    ],
)
def test_client_address(settings, proxies, remote, forwarded, expected):
    settings.TRUSTED_PROXIES = proxies
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


def test_the_rate_throttle_counts_per_client_address_too(client, users, settings):
    from rest_framework.throttling import ScopedRateThrottle

    ScopedRateThrottle.THROTTLE_RATES = {**ScopedRateThrottle.THROTTLE_RATES, "login": "2/min"}
    settings.TRUSTED_PROXIES = 0
    for number in range(2):
        assert login(client, "wang", HTTP_X_FORWARDED_FOR=f"198.51.100.{number}").status_code == 200
    response = login(client, "wang", HTTP_X_FORWARDED_FOR="198.51.100.99")
    assert response.status_code == 429 and response.json()["error"]["code"] == "throttled"


# --- the admin login (also the staff pages' login) ------------------------------------------------


def admin_login(client, username: str, password: str = PASSWORD, **extra):
    return client.post(ADMIN_LOGIN, {"username": username, "password": password, "next": "/admin/"}, **extra)


def test_the_admin_login_is_locked_with_a_message_a_person_understands(client, users):
    with time_machine.travel(START, tick=False) as traveller:
        for _ in range(3):
            response = admin_login(client, "boss", "guess")
            assert response.status_code == 200 and LOCKED_MESSAGE not in response.content.decode()
        response = admin_login(client, "boss")
        assert response.status_code == 429
        assert int(response["Retry-After"]) == 15 * 60
        page = response.content.decode()
        assert LOCKED_MESSAGE in page and "15 分钟后再试" in page and 'name="password"' in page
        assert SESSION_KEY not in client.session

        traveller.shift(timedelta(minutes=15))
        response = admin_login(client, "boss")
        assert response.status_code == 302 and response["Location"] == "/admin/"
        assert client.session[SESSION_KEY] == str(User.objects.get(username="boss").pk)


def test_api_and_admin_failures_share_one_count(client, users):
    assert admin_login(client, "boss", "guess").status_code == 200
    assert login(client, "BOSS", "guess").status_code == 401
    assert admin_login(client, "boss", "guess").status_code == 200
    assert_locked(login(client, "boss"))
    assert admin_login(client, "boss").status_code == 429


def test_the_staff_pages_send_people_to_the_guarded_login(client, users):
    response = client.get("/staff/")
    assert response.status_code == 302 and response["Location"].startswith(ADMIN_LOGIN)
    for _ in range(3):
        admin_login(client, "boss", "guess")
    assert admin_login(client, "boss").status_code == 429


def test_logins_without_a_request_are_not_counted(client, users):
    # manage.py and tests' client.login() call authenticate() without a request: no address, no lockout.
    for _ in range(5):
        assert not client.login(username="wang", password="guess")
    assert client.login(username="wang", password=PASSWORD)
    assert not LoginFailureCount.objects.exists()


def test_ended_streaks_are_forgotten_after_a_successful_login(client, users, caplog):
    with time_machine.travel(START, tick=False) as traveller:
        assert login(client, "nobody", "guess", REMOTE_ADDR="192.0.2.1").status_code == 401
        traveller.shift(timedelta(minutes=10))
        assert login(client, "someone", "guess", REMOTE_ADDR="192.0.2.2").status_code == 401
        traveller.shift(timedelta(minutes=6))
        with CaptureQueriesContext(connection) as queries:
            assert login(client, "li", REMOTE_ADDR="192.0.2.3").status_code == 200
    if connection.vendor == "postgresql":  # rows other logins hold are skipped, never waited for (no deadlock)
        assert any("FOR UPDATE SKIP LOCKED" in query["sql"] for query in queries.captured_queries)
    assert set(LoginFailureCount.objects.values_list("key", "failures")) == {
        ("user:someone", 1), ("addr:192.0.2.2", 1), ("user:li", 0), ("addr:192.0.2.3", 0)
    }
    assert "could not purge" not in caplog.text


def test_an_untrusted_forwarded_for_header_is_reported_once_in_production(client, users, settings, caplog):
    settings.DEBUG = False
    _warn_untrusted_proxy_once.cache_clear()
    for _ in range(3):
        assert login(client, "li", HTTP_X_FORWARDED_FOR="203.0.113.1").status_code == 200
    assert caplog.text.count("Requests carry X-Forwarded-For but TRUSTED_PROXIES=0") == 1
    _warn_untrusted_proxy_once.cache_clear()


def test_unprintable_usernames_are_counted_under_a_digest(client, users):
    for _ in range(3):
        assert login(client, "wang\tx", "guess").status_code == 401
    assert LoginFailureCount.objects.get(key__startswith="user#").failures == 3
    assert_locked(login(client, "WANG\tX"))


def test_a_superuser_sees_the_lockout_and_lifts_it(client, users):
    for _ in range(3):
        assert login(client, "wang", "guess").status_code == 401
    assert_locked(login(client, "wang"))
    staff = Client()
    staff.force_login(User.objects.get(username="boss"))
    page = staff.get("/admin/inspections/loginfailurecount/")
    assert page.status_code == 200 and "user:wang" in page.content.decode()
    response = staff.post(
        "/admin/inspections/loginfailurecount/", {"action": "unlock", "_selected_action": ["user:wang"]}
    )
    assert response.status_code == 302
    assert LoginFailureCount.objects.get(key="user:wang").failures == 0
    assert login(client, "wang").status_code == 200


def test_only_superusers_see_the_counters(client, users):
    # They name people and addresses of every street: a street's own admin does not see them.
    from inspections.models import Profile, Role, Street

    street = Street.objects.create(code="LF", name="联芳街道")
    clerk = User.objects.create_user(username="clerk", password=PASSWORD, is_staff=True)
    Profile.objects.create(user=clerk, role=Role.ADMIN, street=street)
    staff = Client()
    staff.force_login(clerk)
    assert staff.get("/admin/inspections/loginfailurecount/").status_code == 403
