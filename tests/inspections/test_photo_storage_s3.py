"""Photos in an S3 bucket (PHOTO_STORAGE=s3, issue 12 point 4), against moto's S3 server over real HTTP.

What this covers: a photo uploaded through the sync API lands in the bucket as three private objects, the
derivatives carry no metadata, the checked view redirects street staff to a short-lived signed URL that
works, and everyone else gets the same 404 as on disk. What it cannot cover: AWS, MinIO or Aliyun OSS
themselves (their signature checks, bucket policies), and any CDN in front.
"""

from __future__ import annotations

import io
import uuid
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import parse_qs, urlsplit
from urllib.request import urlopen

import boto3
import pytest
from django.test import Client
from moto.server import ThreadedMotoServer
from PIL import Image

from inspections.models import Photo, Role, Street
from tests.backend.manage_support import PRODUCTION, run_manage

from .sync_world import answers_with, inspection_body, make_user, manifest_entry, put_inspection, put_photo

GPS_PHOTO = Path(__file__).resolve().parents[1] / "fixtures" / "photos" / "gps" / "DSCN0010.jpg"
KEYS = {"access_key": "moto-access", "secret_key": "moto-secret", "region_name": "us-east-1"}
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"


@pytest.fixture(scope="module")
def s3_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint, settings):
    """A fresh bucket, and both photo storages in it as backend/settings.py configures them."""
    name = f"photos-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3", endpoint_url=s3_endpoint, aws_access_key_id=KEYS["access_key"],
        aws_secret_access_key=KEYS["secret_key"], region_name=KEYS["region_name"],
    )
    client.create_bucket(Bucket=name)
    options = {
        "bucket_name": name, "endpoint_url": s3_endpoint, **KEYS, "signature_version": "s3v4", "default_acl": None,
        "querystring_auth": True, "querystring_expire": 300, "file_overwrite": False,
    }
    # Changing STORAGES makes Django forget the storages it built (django.test.signals.storages_changed).
    settings.STORAGES = {
        **settings.STORAGES,
        "photos_private": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": dict(options)},
        "photos": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": dict(options)},
    }
    return client, name


@pytest.fixture
def uploaded(world, bucket):
    """A real camera photo (with GPS in its EXIF) sent through the sync API by a street inspector."""
    data = GPS_PHOTO.read_bytes()
    entry = manifest_entry(data, "T01")
    body = inspection_body(world, answers=answers_with(T01="fail"), photos=[entry])
    inspection_uuid, response = put_inspection(world.client("street"), body)
    assert response.status_code == 201
    response = put_photo(world.client("street"), inspection_uuid, entry["uuid"], data)
    assert response.status_code == 201
    return Photo.objects.get(uuid=entry["uuid"]), data


def objects(bucket) -> dict[str, bytes]:
    client, name = bucket
    keys = [o["Key"] for o in client.list_objects_v2(Bucket=name).get("Contents", [])]
    return {key: client.get_object(Bucket=name, Key=key)["Body"].read() for key in keys}


def http_get(url: str) -> tuple[int, bytes]:
    try:
        with urlopen(url, timeout=10) as answer:
            return answer.status, answer.read()
    except HTTPError as refused:
        return refused.code, b""


def test_an_uploaded_photo_is_three_objects_in_the_bucket(uploaded, bucket):
    photo, data = uploaded
    stored = objects(bucket)

    assert set(stored) == {photo.original, photo.display, photo.thumbnail}
    assert photo.original.startswith("originals/") and photo.display.startswith("photos/")
    assert stored[photo.original] == data
    client, name = bucket
    assert client.head_object(Bucket=name, Key=photo.original)["ContentType"] == "image/jpeg"
    assert photo.exif_lat is not None  # the original's GPS was read for verification...
    for key in (photo.display, photo.thumbnail):
        derivative = Image.open(io.BytesIO(stored[key]))
        assert derivative.format == "JPEG" and not derivative.getexif()  # ...and left out of the derivatives
        assert b"Exif" not in stored[key] and "exif" not in derivative.info


def test_no_object_is_public(uploaded, bucket, s3_endpoint):
    client, name = bucket
    for key in objects(bucket):
        assert http_get(f"{s3_endpoint}/{name}/{key}")[0] == 403, key
        grants = client.get_object_acl(Bucket=name, Key=key)["Grants"]
        assert not [g for g in grants if g["Grantee"].get("URI") == ALL_USERS], key


@pytest.mark.parametrize("url", ["/photos/{uuid}/original/", "/photos/{uuid}/display/",
                                 "/api/v1/photos/{uuid}/original"])
def test_street_staff_are_sent_to_a_signed_url_that_expires(world, uploaded, url, s3_endpoint):
    photo, data = uploaded
    client = Client()
    client.force_login(world.users["street"])

    response = client.get(url.format(uuid=photo.uuid))

    assert response.status_code == 302
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"] and "max-age" not in response["Cache-Control"]
    location = response["Location"]
    assert location.startswith(f"{s3_endpoint}/")
    query = parse_qs(urlsplit(location).query)
    assert query["X-Amz-Expires"] == ["300"] and query["X-Amz-Signature"]
    status, body = http_get(location)
    assert status == 200
    if "original" in url:
        assert body == data
    else:
        assert Image.open(io.BytesIO(body)).format == "JPEG" and b"Exif" not in body


def test_others_get_the_same_404_and_no_url(world, uploaded):
    photo, _data = uploaded
    other_street = Street.objects.create(code="S2", name="别的街道")
    strangers = {
        "anonymous": Client(),
        "other street": Client(),
        "other community": Client(),
    }
    strangers["other street"].force_login(make_user("other-admin", Role.ADMIN, street=other_street))
    strangers["other community"].force_login(world.users["other_community"])

    for who, client in strangers.items():
        for variant in ("original", "display", "thumbnail"):
            response = client.get(f"/photos/{photo.uuid}/{variant}/")
            assert response.status_code == 404 and "Location" not in response, (who, variant)
            assert response.content == b""
    assert world.client("other_community").get(f"/api/v1/photos/{photo.uuid}/original").status_code == 404
    assert world.client(None).get(f"/api/v1/photos/{photo.uuid}/original").status_code == 401


def test_a_failed_upload_leaves_no_object_behind(world, bucket, monkeypatch):
    from inspections.services import sync

    monkeypatch.setattr(sync, "_complete_if_all_arrived", lambda *args, **kwargs: 1 / 0)
    data = GPS_PHOTO.read_bytes()
    entry = manifest_entry(data, "T01")
    body = inspection_body(world, answers=answers_with(T01="fail"), photos=[entry])
    inspection_uuid, _response = put_inspection(world.client("street"), body)

    with pytest.raises(ZeroDivisionError):
        put_photo(world.client("street"), inspection_uuid, entry["uuid"], data)

    assert objects(bucket) == {}
    assert Photo.objects.get(uuid=entry["uuid"]).received_at is None


# --- settings ---------------------------------------------------------------------------------------------

S3 = {"PHOTO_STORAGE": "s3", "AWS_STORAGE_BUCKET_NAME": "sortpatrol-photos", "AWS_ACCESS_KEY_ID": "id",
      "AWS_SECRET_ACCESS_KEY": "secret", "AWS_S3_ENDPOINT_URL": "https://oss-cn-chengdu.aliyuncs.com",
      "AWS_S3_REGION_NAME": "cn-chengdu"}


@pytest.mark.parametrize(("changes", "message"), [
    ({"AWS_STORAGE_BUCKET_NAME": ""}, "needs AWS_STORAGE_BUCKET_NAME"),
    ({"AWS_SECRET_ACCESS_KEY": ""}, "needs both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY or neither"),
    ({"MEDIA_SENDFILE": "1"}, "MEDIA_ACCEL_REDIRECT and MEDIA_SENDFILE need PHOTO_STORAGE=filesystem"),
    ({"PHOTO_STORAGE": "ftp"}, "must be filesystem or s3"),
])
def test_an_incomplete_s3_setup_fails_loudly(changes, message):
    result = run_manage("check", env={**PRODUCTION, **S3, **changes})
    assert result.returncode != 0 and message in result.stderr


def test_the_s3_settings_make_private_signed_storages():
    code = (
        "from django.core.files.storage import storages;"
        "s = [storages[a] for a in ('photos_private', 'photos')];"
        "print(*[(type(x).__name__, x.bucket_name, x.endpoint_url, x.default_acl, x.querystring_auth,"
        " x.querystring_expire, x.file_overwrite) for x in s], sep='\\n')"
    )
    result = run_manage("shell", "-c", code, env={**PRODUCTION, **S3, "PHOTO_URL_MAX_AGE": "120"})
    assert result.returncode == 0, result.stderr
    expected = "('S3Storage', 'sortpatrol-photos', 'https://oss-cn-chengdu.aliyuncs.com', None, True, 120, False)"
    assert result.stdout.splitlines()[-2:] == [expected, expected]


def test_pages_may_show_images_from_the_bucket_and_nowhere_else():
    code = "from django.conf import settings; print(settings.CONTENT_SECURITY_POLICY)"
    on_s3 = run_manage("shell", "-c", code, env={**PRODUCTION, **S3}).stdout
    assert ("img-src 'self' data: blob: https://oss-cn-chengdu.aliyuncs.com https://*.oss-cn-chengdu.aliyuncs.com;"
            in on_s3)
    on_disk = run_manage("shell", "-c", code, env=PRODUCTION).stdout
    assert "img-src 'self' data: blob:;" in on_disk
