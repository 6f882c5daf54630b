"""Deadlines in working days on the official PRC calendar: holidays and adjusted working days (调休) count."""

import datetime as dt

import pytest
import time_machine

from rectifications.models import RectificationCase, Severity
from rectifications.workdays import add_working_days, deadline_end, deadline_for, is_working_day

from .world import SHANGHAI, local

D = dt.date.fromisoformat


def test_the_calendar_knows_holidays_and_adjusted_working_days():
    assert is_working_day(D("2026-02-14"))  # a Saturday worked for the Spring Festival
    assert not is_working_day(D("2026-02-16")) and not is_working_day(D("2026-02-23"))  # Monday holidays
    assert not is_working_day(D("2026-10-01")) and not is_working_day(D("2026-10-05"))  # National Day
    assert is_working_day(D("2026-10-10"))  # a Saturday worked for National Day
    assert not is_working_day(D("2026-05-16")) and is_working_day(D("2026-05-15"))  # a plain weekend, a Friday


@pytest.mark.parametrize(("opened", "severity", "deadline", "monday_to_friday"), [
    # Friday before the Spring Festival: Saturday 14 February is worked, then 15–23 February are off.
    ("2026-02-13", Severity.NORMAL, "2026-02-27", "2026-02-20"),
    ("2026-02-13", Severity.SERIOUS, "2026-02-25", "2026-02-18"),
    # The eve of National Day: 1–7 October off, Saturday 10 October worked.
    ("2026-09-30", Severity.NORMAL, "2026-10-13", "2026-10-07"),
    ("2026-09-30", Severity.SERIOUS, "2026-10-10", "2026-10-05"),
    ("2026-05-11", Severity.NORMAL, "2026-05-18", "2026-05-18"),  # a plain week
])
def test_a_deadline_counts_working_days_after_the_opening_day(opened, severity, deadline, monday_to_friday):
    days = {Severity.NORMAL: 5, Severity.SERIOUS: 3}[severity]
    assert add_working_days(D(opened), days) == D(deadline)
    assert deadline_for(dt.datetime.combine(D(opened), dt.time(15), tzinfo=SHANGHAI), severity) == D(deadline)
    assert D(deadline) != D(monday_to_friday) or opened == "2026-05-11"  # what a Monday–Friday rule would say


def test_the_opening_day_is_the_day_in_shanghai_not_in_utc():
    # 00:30 on Friday 13 February in Shanghai is still Thursday 12 February in UTC.
    assert deadline_for(local(2026, 2, 13, 0, 30), Severity.NORMAL) == D("2026-02-27")
    assert deadline_for(local(2026, 2, 12, 23, 30), Severity.NORMAL) == D("2026-02-26")


def test_the_deadline_ends_at_the_next_midnight_in_shanghai():
    assert deadline_end(D("2026-02-27")) == dt.datetime(2026, 2, 28, tzinfo=SHANGHAI)
    assert deadline_end(D("2026-02-27")) == dt.datetime(2026, 2, 27, 16, tzinfo=dt.UTC)


def test_the_working_days_come_from_settings(settings):
    settings.RECTIFICATION_DEADLINE_WORKING_DAYS = {"normal": 10, "serious": 1}
    assert deadline_for(local(2026, 2, 13), Severity.SERIOUS) == D("2026-02-14")
    assert deadline_for(local(2026, 2, 13), Severity.NORMAL) == D("2026-03-05")


@pytest.mark.django_db
def test_a_case_opened_before_a_holiday_stores_the_holiday_aware_deadline(world):
    with time_machine.travel(local(2026, 9, 30, 16), tick=False):
        world.inspect(world.x, {"A": "fail", "D": "fail"}, when=local(2026, 9, 30, 15))

    deadlines = dict(RectificationCase.objects.values_list("item_code", "deadline"))
    assert deadlines == {"A": D("2026-10-13"), "D": D("2026-10-10")}
