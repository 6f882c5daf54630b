"""No key that can be read in the repository signs a token the server accepts.

Every string in a tracked file that could be a key (a long run of key-like characters in quotes or
backticks, or any SECRET_KEY=... value) is tried as the HS256 signing key of an admin's access token."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import jwt
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from rest_framework_simplejwt.tokens import AccessToken

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
# The development key this repository published until issue 9: whatever else changes, it must never work.
ONCE_PUBLISHED = "dev-only-insecure-key-do-not-use-in-production-4f1c9a"
QUOTED = re.compile(r"""["'`]([\w\-!@#$%^&*()+=.~:/]{32,})["'`]""")
ASSIGNED = re.compile(r"""SECRET_KEY["']?\s*[=:]\s*["']?([^\s"',}]{8,})""")


def keys_in_the_repository() -> set[str]:
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    found = {ONCE_PUBLISHED}
    for name in tracked.decode().split("\0"):
        path = ROOT / name
        if not name or not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # images, fonts: not where a key is written down
        found.update(QUOTED.findall(text))
        found.update(ASSIGNED.findall(text))
    return found


@pytest.mark.filterwarnings("ignore:The HMAC key is")  # short candidates are tried too
def test_no_key_found_in_the_repository_signs_a_token_the_api_accepts(client):
    admin = get_user_model().objects.create_superuser("root", "root@example.cn", "x")
    claims = dict(AccessToken.for_user(admin).payload)
    candidates = keys_in_the_repository()
    assert ONCE_PUBLISHED in candidates and len(candidates) > 10
    assert settings.SECRET_KEY not in candidates

    # The check itself is sound: the same claims signed with the install's own key are accepted.
    genuine = jwt.encode(claims, settings.SECRET_KEY, algorithm="HS256")
    assert client.get("/api/v1/me/", headers={"authorization": f"Bearer {genuine}"}).status_code == 200

    accepted = []
    for key in sorted(candidates):
        forged = jwt.encode(claims, key, algorithm="HS256")
        response = client.get("/api/v1/me/", headers={"authorization": f"Bearer {forged}"})
        if response.status_code != 401 or response.json()["error"]["code"] != "token_not_valid":
            accepted.append((key, response.status_code))
    assert accepted == []
