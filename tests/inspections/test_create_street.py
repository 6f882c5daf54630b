"""manage.py create_street: the first street of a new install, safe to run again, never a silent rename."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from inspections.models import Place, Street

pytestmark = pytest.mark.django_db


def create_street(*args: str) -> str:
    out = io.StringIO()
    call_command("create_street", *args, stdout=out)
    return out.getvalue()


def test_it_creates_the_first_street():
    out = create_street("LF", "联芳街道", "--district", "沙坪坝区")

    assert "已创建街道 LF 联芳街道" in out
    assert list(Street.objects.values_list("code", "name", "district")) == [("LF", "联芳街道", "沙坪坝区")]


def test_running_it_again_changes_nothing():
    create_street("LF", "联芳街道", "--district", "沙坪坝区")
    before = list(Street.objects.values())

    out = create_street("LF", "联芳街道")  # without --district: the stored one stays
    again = create_street("LF", "联芳街道", "--district", "沙坪坝区")

    assert "已存在，未做修改" in out and "已存在，未做修改" in again
    assert list(Street.objects.values()) == before


@pytest.mark.parametrize(
    "args",
    [("LF", "土湾街道"), ("LF", "联芳街道", "--district", "渝中区")],
    ids=["another name", "another district"],
)
def test_a_clash_on_the_code_is_a_clear_error_and_renames_nothing(args):
    create_street("LF", "联芳街道", "--district", "沙坪坝区")

    with pytest.raises(CommandError, match="街道编码 LF 已被“联芳街道”（沙坪坝区）使用"):
        create_street(*args)

    assert list(Street.objects.values_list("code", "name", "district")) == [("LF", "联芳街道", "沙坪坝区")]


@pytest.mark.parametrize(
    ("code", "name", "message"),
    [("L F", "联芳街道", "街道编码只能包含"), ("联芳", "联芳街道", "街道编码只能包含"),
     ("X" * 33, "长编码", "最长 32 个字符"), ("LF", "  ", "请填写街道名称")],
)
def test_bad_codes_and_empty_names_are_refused(code, name, message):
    with pytest.raises(CommandError, match=message):
        create_street(code, name)
    assert not Street.objects.exists()


def test_a_second_street_can_be_added():
    create_street("LF", "联芳街道")
    create_street("TW", "土湾街道", "--district", "沙坪坝区")

    assert list(Street.objects.order_by("code").values_list("code", flat=True)) == ["LF", "TW"]


def test_import_places_on_an_empty_database_says_to_create_a_street_first(tmp_path):
    path = tmp_path / "places.csv"
    path.write_text("code,name,kind\nX1,联芳社区,community\n")

    with pytest.raises(CommandError) as caught:
        call_command("import_places", str(path), stdout=io.StringIO())

    assert "还没有街道" in str(caught.value) and "create_street" in str(caught.value)
    assert "0 个街道" not in str(caught.value)
    assert not Place.objects.exists()

    create_street("LF", "联芳街道")
    call_command("import_places", str(path), stdout=io.StringIO())
    assert Place.objects.get(code="X1").street.code == "LF"
