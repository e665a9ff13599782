"""The working-day calendar past the end of config.yaml's official arrangement: the years it lists follow it, the
others take the `holidays` library's rule-based Chinese public holidays, and the admin is warned before it runs out."""

from __future__ import annotations

from datetime import date

import holidays
import yaml

from data_access.config import CONFIG_PATH
from domain.calendar import WorkCalendar, parse_days
from domain.settings import parse_settings


def shipped_calendar() -> WorkCalendar:
    with open(CONFIG_PATH, encoding="utf-8") as fh:
        return parse_settings(yaml.safe_load(fh)).calendar


def test_a_deadline_across_new_year_2027_skips_yuandan_and_the_spring_festival():
    cal = shipped_calendar()
    assert not cal.is_workday(date(2027, 1, 1))                                # 元旦, a Friday
    assert cal.add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 4)      # Fri holiday, then the weekend
    assert cal.add_working_days(date(2026, 12, 30), 3) == date(2027, 1, 5)
    assert cal.working_days_between(date(2026, 12, 31), date(2027, 1, 8)) == 5
    spring = {day for day, name in holidays.country_holidays("CN", years=2027).items()
              if "Chinese New Year" in name}
    assert spring >= {date(2027, 2, 5), date(2027, 2, 8), date(2027, 2, 9), date(2027, 2, 10)}
    assert not any(cal.is_workday(day) for day in spring)
    assert cal.add_working_days(date(2027, 2, 4), 1) == date(2027, 2, 11)


def test_a_year_the_config_lists_follows_the_config_alone():
    cal = shipped_calendar()
    assert cal.is_workday(date(2026, 2, 14)) and cal.is_workday(date(2026, 9, 20))  # make-up Saturday and Sunday
    assert cal.add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 14)
    assert not cal.is_workday(date(2026, 10, 7))
    # an arrangement for 2027 that differs from the library's rules wins in 2027; 2028 still has its 元旦
    cal = WorkCalendar(parse_days(["2027-01-01", "2027-02-06..2027-02-12"]), parse_days(["2027-02-20"]))
    assert cal.is_workday(date(2027, 2, 5))          # the library's 除夕 day off, not listed for 2027
    assert not cal.is_workday(date(2027, 2, 11))     # listed, though the library works that day
    assert cal.is_workday(date(2027, 2, 20))         # a listed make-up Saturday counts as working
    assert cal.add_working_days(date(2027, 2, 19), 1) == date(2027, 2, 20)
    assert cal.add_working_days(date(2027, 12, 31), 1) == date(2028, 1, 4)  # 2028-01-03: the library's observed 元旦


def test_the_arrangement_ending_within_60_days_is_flagged_and_not_before():
    from domain.calendar import arrangement_running_out

    cal = shipped_calendar()
    end = date(2026, 12, 31)
    assert cal.arrangement_ends == end
    assert arrangement_running_out(cal, date(2026, 10, 31)) is None      # 61 days ahead
    assert arrangement_running_out(cal, date(2026, 6, 1)) is None
    assert arrangement_running_out(cal, date(2026, 11, 1)) == end        # 60 days ahead
    assert arrangement_running_out(cal, date(2026, 12, 4)) == end
    assert arrangement_running_out(cal, date(2027, 3, 1)) == end         # already over: still said
    extended = WorkCalendar(cal.holidays | parse_days(["2027-01-01"]), cal.extra_workdays)
    assert arrangement_running_out(extended, date(2026, 12, 4)) is None  # next year's arrangement added
    assert arrangement_running_out(WorkCalendar(), date(2026, 12, 4)) is None  # nothing listed: nothing ends


def test_the_administrator_is_warned_on_the_users_page_in_chinese_and_english(tmp_path, monkeypatch):
    from data_access import clock
    from i18n import translate
    from tests.pages_support import page_db, run_page, texts

    with page_db(tmp_path, "users", demo=False, monkeypatch=monkeypatch) as db:
        db.add_user("admin", "admin")
        monkeypatch.setattr(clock, "today", lambda: date(2026, 12, 4))
        warning = {lang: translate(lang, "calendar.arrangement_ends", end="2026-12-31") for lang in ("zh", "en")}
        assert "2026-12-31" in warning["zh"] and "调休" in warning["zh"] and "make-up" in warning["en"]
        at = run_page("users", db.users["admin"])
        assert not at.exception and warning["zh"] in texts(at.warning)
        monkeypatch.setattr(clock, "today", lambda: date(2026, 9, 1))
        at = run_page("users", db.users["admin"])
        assert not at.exception and warning["zh"] not in texts(at.warning)


def test_shift_years_keeps_the_day_and_time_and_moves_29_february_to_the_28th():
    from datetime import datetime

    from domain.calendar import shift_years

    assert shift_years(date(2027, 3, 1), -3) == date(2024, 3, 1)
    assert shift_years(date(2024, 2, 29), 1) == date(2025, 2, 28)
    assert shift_years(date(2028, 2, 29), -4) == date(2024, 2, 29)
    moment = datetime(2028, 2, 29, 9, 30)
    assert shift_years(moment, -3) == datetime(2025, 2, 28, 9, 30)
