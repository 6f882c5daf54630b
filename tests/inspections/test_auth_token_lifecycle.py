"""How a phone login ends: logout, a password change, a revocation in the very second of a login, and
simultaneous refreshes of one refresh token (issue 9)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.contrib.auth.hashers import make_password
from django.test import Client
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import AccessToken

from inspections.models import AuditAction, AuditEvent, TokenRevocation
from inspections.services.tokens import tokens_revoke

from .phone_login import (
    PASSWORD,
    REVOKE_URL,
    User,
    assert_error,
    login,
    make_user,
    me,
    refresh,
    tokens_for,
    unverified,
)

LOGOUT_URL = "/api/v1/auth/logout/"
START = datetime(2026, 5, 11, 1, 2, 3, tzinfo=UTC)


def logout(client, token):
    return client.post(LOGOUT_URL, {"refresh": token}, content_type="application/json")


def blacklisted(token: str) -> bool:
    return BlacklistedToken.objects.filter(token__jti=unverified(token)["jti"]).exists()


# --- logout ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_logout_blacklists_that_refresh_token_only(client, inspector):
    phone = tokens_for(client, "wang")
    tablet = tokens_for(client, "wang")
    response = logout(client, phone["refresh"])  # no access token needed: it may have expired
    assert response.status_code == 204 and response.content == b""
    assert blacklisted(phone["refresh"]) and not blacklisted(tablet["refresh"])
    error = assert_error(refresh(client, phone["refresh"]), 401, "token_not_valid")
    assert error["message"] == "登录已过期或已失效，请重新登录。"
    # The other device stays logged in; logging out writes no audit event (it is not a staff action).
    assert refresh(client, tablet["refresh"]).status_code == 200
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_logout_is_idempotent_for_our_tokens_however_dead(client, inspector):
    with time_machine.travel(START, tick=False) as traveller:
        first = tokens_for(client, "wang")
        rotated = refresh(client, first["refresh"]).json()
        assert logout(client, first["refresh"]).status_code == 204  # already rotated away
        assert logout(client, rotated["refresh"]).status_code == 204
        assert logout(client, rotated["refresh"]).status_code == 204  # twice
        later = tokens_for(client, "wang")
        traveller.shift(settings.SIMPLE_JWT["REFRESH_TOKEN_LIFETIME"] + timedelta(seconds=1))
        assert logout(client, later["refresh"]).status_code == 204  # expired: nothing left to end
    assert BlacklistedToken.objects.count() == 2 and not blacklisted(later["refresh"])


@pytest.mark.django_db
@pytest.mark.filterwarnings("ignore:The HMAC key is:UserWarning")
def test_logout_refuses_what_is_not_one_of_our_refresh_tokens(client, inspector):
    tokens = tokens_for(client, "wang")
    header, _payload, signature = tokens["refresh"].split(".")
    forged = f"{header}.{tokens['access'].split('.')[1]}.{signature}"
    for token in (tokens["access"], forged, "not.a.jwt", ""):
        response = logout(client, token)
        assert response.status_code in (400, 401), (token, response.content)
        assert response["Content-Type"].startswith("application/json")
    assert_error(logout(client, tokens["access"]), 401, "token_not_valid")
    assert logout(client, tokens["access"])["WWW-Authenticate"].startswith("Bearer")
    assert_error(client.post(LOGOUT_URL, {}, content_type="application/json"), 400, "invalid")
    assert BlacklistedToken.objects.count() == 0
    assert refresh(client, tokens["refresh"]).status_code == 200


@pytest.mark.django_db
def test_the_schema_documents_logout():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    operation = schema["paths"][LOGOUT_URL]["post"]
    assert operation["operationId"] == "auth_logout"
    assert {"204", "400", "401"} <= set(operation["responses"])
    assert "content" not in operation["responses"]["204"]


# --- a password change ends every login ------------------------------------------------------------


@pytest.mark.django_db
def test_set_password_and_save_revokes_every_token_of_the_user(client, inspector):
    phone = tokens_for(client, "wang")
    bystander = make_user("zhao")
    other = tokens_for(client, "zhao")
    inspector.set_password("a-new-secret-2026")
    inspector.save()
    assert_error(refresh(client, phone["refresh"]), 401, "token_not_valid")
    assert_error(me(client, phone["access"]), 401, "token_not_valid")  # within its 15 minutes
    assert not OutstandingToken.objects.filter(user=inspector, blacklistedtoken__isnull=True).exists()
    event = AuditEvent.objects.get()
    assert event.action == AuditAction.PASSWORD_CHANGE and event.target_id == str(inspector.pk)
    assert event.details == {"refresh_tokens": 1}
    assert TokenRevocation.objects.get(user=inspector).generation == 1
    # Someone else is untouched, and the new password logs in.
    assert me(client, other["access"]).status_code == 200
    assert not TokenRevocation.objects.filter(user=bystander).exists()
    fresh = login(client, "wang", "a-new-secret-2026").json()
    assert me(client, fresh["access"]).status_code == 200
    assert refresh(client, fresh["refresh"]).status_code == 200


@pytest.mark.django_db
def test_saving_a_user_without_changing_the_password_revokes_nothing(client, inspector):
    phone = tokens_for(client, "wang")  # the login itself saves last_login
    inspector.refresh_from_db()
    inspector.first_name = "伟"
    inspector.save()
    inspector.set_password(PASSWORD)  # the same password, but a new salt: a new hash, so a change
    inspector.save(update_fields=["first_name"])  # ...that this save does not write
    assert me(client, phone["access"]).status_code == 200
    assert refresh(client, phone["refresh"]).status_code == 200
    assert not AuditEvent.objects.exists() and not TokenRevocation.objects.exists()


@pytest.mark.django_db
def test_the_password_forms_of_django_revoke_too(client, inspector):
    # SetPasswordForm is what the password-reset confirmation uses; PasswordChangeForm the user's own change.
    tokens = tokens_for(client, "wang")
    reset = SetPasswordForm(inspector, {"new_password1": "reset-secret-2026", "new_password2": "reset-secret-2026"})
    assert reset.is_valid(), reset.errors
    reset.save()
    assert_error(me(client, tokens["access"]), 401, "token_not_valid")
    assert_error(refresh(client, tokens["refresh"]), 401, "token_not_valid")

    tokens = login(client, "wang", "reset-secret-2026").json()
    change = PasswordChangeForm(inspector, {"old_password": "reset-secret-2026", "new_password1": "changed-2026-x",
                                            "new_password2": "changed-2026-x"})
    assert change.is_valid(), change.errors
    change.save()
    assert_error(me(client, tokens["access"]), 401, "token_not_valid")
    assert_error(refresh(client, tokens["refresh"]), 401, "token_not_valid")
    assert AuditEvent.objects.filter(action=AuditAction.PASSWORD_CHANGE).count() == 2
    assert TokenRevocation.objects.get(user=inspector).generation == 2


@pytest.mark.django_db
def test_the_admin_change_password_page_revokes_the_users_tokens(client, inspector):
    tokens = tokens_for(client, "wang")
    superuser = User.objects.create_superuser("root", "root@example.cn", PASSWORD)
    staff = Client()
    staff.force_login(superuser)
    url = f"/admin/auth/user/{inspector.pk}/password/"
    assert staff.get(url).status_code == 200
    response = staff.post(url, {"password1": "admin-set-2026-x", "password2": "admin-set-2026-x",
                                "usable_password": "true"})
    assert response.status_code == 302, response.content.decode()[:2000]
    inspector.refresh_from_db()
    assert inspector.check_password("admin-set-2026-x")
    assert_error(me(client, tokens["access"]), 401, "token_not_valid")
    assert_error(refresh(client, tokens["refresh"]), 401, "token_not_valid")
    assert AuditEvent.objects.get(action=AuditAction.PASSWORD_CHANGE).target_id == str(inspector.pk)


@pytest.mark.django_db
def test_a_password_hash_upgrade_at_login_is_not_a_password_change(client, inspector):
    # A hash from before a hasher setting changed (MD5 with a short salt): Django re-hashes it on the next login.
    inspector.password = make_password(PASSWORD, salt="ab", hasher="md5")
    inspector.save(update_fields=["password"])  # direct assignment: a change (the hash was never used)
    old = inspector.password
    phone = tokens_for(client, "wang")
    tablet = tokens_for(client, "wang")  # this login upgrades the hash
    inspector.refresh_from_db()
    assert inspector.password != old and inspector.check_password(PASSWORD)
    assert me(client, phone["access"]).status_code == 200
    assert refresh(client, phone["refresh"]).status_code == 200
    assert refresh(client, tablet["refresh"]).status_code == 200
    assert AuditEvent.objects.filter(action=AuditAction.PASSWORD_CHANGE).count() == 1  # the assignment only


# --- revocation and the second of a login ----------------------------------------------------------


@pytest.mark.django_db
def test_a_revocation_ends_tokens_issued_in_its_own_second_and_spares_those_issued_after(client, inspector):
    with time_machine.travel(START, tick=False):
        before = tokens_for(client, "wang")
        tokens_revoke(user=inspector)
        after = tokens_for(client, "wang")  # the same second, by the clock and by every token's iat
        assert unverified(before["access"])["iat"] == unverified(after["access"])["iat"]
        assert_error(me(client, before["access"]), 401, "token_not_valid")
        assert_error(refresh(client, before["refresh"]), 401, "token_not_valid")
        assert me(client, after["access"]).status_code == 200
        renewed = refresh(client, after["refresh"])
        assert renewed.status_code == 200
        assert me(client, renewed.json()["access"]).status_code == 200
        # And once more: a second revocation in the same second ends the tokens of the second login.
        tokens_revoke(user=inspector)
        assert_error(me(client, renewed.json()["access"]), 401, "token_not_valid")
    assert TokenRevocation.objects.get(user=inspector).generation == 2


@pytest.mark.django_db
def test_a_successor_minted_while_a_revocation_ran_is_refused(client, inspector):
    """A refresh that rotated a token while the revocation committed leaves a successor the revocation
    did not see (and so did not blacklist); it carries the old generation and is refused."""
    tokens = tokens_for(client, "wang")
    tokens_revoke(user=inspector)
    BlacklistedToken.objects.filter(token__user=inspector).delete()  # as if created after the revocation read
    assert_error(refresh(client, tokens["refresh"]), 401, "token_not_valid")
    assert_error(me(client, tokens["access"]), 401, "token_not_valid")
    assert OutstandingToken.objects.filter(user=inspector).count() == 1  # no successor was made


@pytest.mark.django_db
def test_tokens_without_a_generation_count_as_generation_zero(client, inspector, street_admin):
    legacy = str(AccessToken.for_user(inspector))  # as issued before generations existed
    assert "gen" not in unverified(legacy)
    assert me(client, legacy).status_code == 200
    staff = tokens_for(client, "boss")
    response = client.post(REVOKE_URL, {"username": "wang"}, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {staff['access']}")
    assert response.status_code == 200
    assert_error(me(client, legacy), 401, "token_not_valid")


@pytest.mark.django_db
def test_every_token_carries_the_generation_of_its_login(client, inspector):
    first = tokens_for(client, "wang")
    assert unverified(first["access"])["gen"] == unverified(first["refresh"])["gen"] == 0
    tokens_revoke(user=inspector)
    second = tokens_for(client, "wang")
    rotated = refresh(client, second["refresh"]).json()
    assert {unverified(t)["gen"] for t in (*second.values(), rotated["access"], rotated["refresh"])
            if isinstance(t, str)} == {1}
    stored = OutstandingToken.objects.get(jti=unverified(second["refresh"])["jti"])
    assert unverified(stored.token)["gen"] == 1  # the outstanding list holds the token as issued


# --- one refresh token, six refreshes at once ------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_six_simultaneous_refreshes_of_one_token_rotate_it_once(inspector, all_at_once):
    tokens = tokens_for(Client(), "wang")
    n = 6

    def send(go) -> tuple[int, dict]:
        client = Client()
        go()
        response = refresh(client, tokens["refresh"])
        return response.status_code, response.json()

    answers = all_at_once([send] * n)

    assert sorted(status for status, _ in answers) == [200] + [401] * (n - 1)
    assert all(body["error"]["code"] == "token_not_valid" for status, body in answers if status == 401)
    winner = next(body for status, body in answers if status == 200)
    # Exactly one successor: the original and one new token are outstanding, the original blacklisted.
    assert OutstandingToken.objects.filter(user=inspector).count() == 2
    assert list(BlacklistedToken.objects.values_list("token__jti", flat=True)) == [unverified(tokens["refresh"])["jti"]]
    client = Client()
    assert me(client, winner["access"]).status_code == 200
    assert refresh(client, winner["refresh"]).status_code == 200
