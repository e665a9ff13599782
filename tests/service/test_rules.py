"""Pure rules: working days, config checks, input validation, KPI formulas, roles and scope."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from data_access.config import CONFIG_PATH
from domain.calendar import WorkCalendar, parse_days
from domain.errors import ConfigError, ValidationFailed
from domain.fields import plain
from domain.service.kpi import Counts, compute, rate
from domain.service.matters import clean_matter, clean_step
from domain.service.workflow import Action
from domain.settings import parse_settings

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def raw_config() -> dict:
    with open(CONFIG_PATH, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


# --- working-day calendar ---

def test_weekends_and_holidays_are_skipped_and_make_up_days_count():
    cal = WorkCalendar(parse_days(["2026-10-01..2026-10-07"]), parse_days(["2026-10-10"]))
    assert cal.add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 8)      # golden week skipped
    assert cal.add_working_days(date(2026, 10, 9), 1) == date(2026, 10, 10)     # Saturday make-up day
    assert cal.add_working_days(date(2026, 11, 20), 1) == date(2026, 11, 23)    # Friday -> Monday
    assert cal.add_working_days(date(2026, 11, 21), 0) == date(2026, 11, 23)    # same day rolls to a workday
    assert cal.working_days_between(date(2026, 11, 20), date(2026, 11, 27)) == 5


@given(st.dates(min_value=date(2024, 1, 1), max_value=date(2028, 12, 31)), st.integers(0, 30))
def test_deadline_is_a_workday_and_never_earlier(start, days):
    cal = WorkCalendar(parse_days(["2026-10-01..2026-10-07"]))
    end = cal.add_working_days(start, days)
    assert end >= start and cal.is_workday(end)
    assert cal.working_days_between(start, end) >= days


def test_bad_calendar_range_is_refused():
    with pytest.raises(ValueError):
        parse_days(["2026-10-07..2026-10-01"])


# --- config.yaml checks ---

def test_shipped_config_parses():
    settings = parse_settings(raw_config())
    assert len(settings.channels) == 3 and len(settings.modes) == 5
    assert settings.deadline_days("enquiry", "urgent") == 0


@pytest.mark.parametrize(("mutate", "key"), [
    (lambda c: c["service365"]["categories"][0]["deadline_days"].update({"rush": 1}), "config.unknown_urgency"),
    (lambda c: c["service365"]["categories"][0]["deadline_days"].pop("normal"), "config.missing_deadline"),
    (lambda c: c["service365"]["categories"].append(dict(c["service365"]["categories"][0])), "config.duplicate_code"),
    (lambda c: c["service365"]["modes"].pop(), "config.five_modes"),
    (lambda c: c["service365"]["channels"].pop(), "config.three_channels"),
    (lambda c: c["service365"]["categories"][1]["deadline_days"].update({"normal": -2}), "config.bad_deadlines"),
    (lambda c: c["roles"]["leader"].update({"scope": "city"}), "config.bad_scope"),
    (lambda c: c["calendar"]["holidays"].append("2026-13-01"), "config.bad_date"),
    (lambda c: c["app"].update({"language": "fr"}), "config.bad_language"),
])
def test_inconsistent_config_is_refused_with_a_message_key(mutate, key):
    raw = raw_config()
    mutate(raw)
    with pytest.raises(ConfigError) as err:
        parse_settings(raw)
    assert err.value.key == key


# --- matter input ---

@pytest.fixture(scope="module")
def cfg():
    return parse_settings(raw_config())


def good_matter(**changes) -> dict:
    data = {"channel": "resident", "sub_source": "phone", "community_id": 1, "grid_id": 10, "anonymous": False,
            "reporter_name": "王秀英", "reporter_phone": "13812345678", "description": "楼道灯坏了三天没人修",
            "category": "environment", "urgency": "normal", "mode": "team", "registered_at": NOW}
    data.update(changes)
    return data


def errors_of(data, cfg, grids=frozenset({10, 11})):
    with pytest.raises(ValidationFailed) as err:
        clean_matter(data, cfg, set(grids), NOW)
    return {field: key for field, (key, _) in err.value.errors.items()}


def test_a_good_matter_is_cleaned(cfg):
    clean = clean_matter(good_matter(description="  楼道灯坏了三天没人修  "), cfg, {10}, NOW)
    assert clean["description"] == "楼道灯坏了三天没人修"


@pytest.mark.parametrize(("changes", "field", "key"), [
    ({"description": ""}, "description", "error.required"),
    ({"description": "灯坏"}, "description", "error.too_short"),
    ({"description": "长" * 1001}, "description", "error.too_long"),
    ({"reporter_phone": "12345"}, "reporter_phone", "error.bad_phone"),
    ({"reporter_name": "名" * 31}, "reporter_name", "error.too_long"),
    ({"grid_id": 99}, "grid_id", "error.grid_outside_community"),
    ({"channel": "fax"}, "channel", "error.unknown_choice"),
    ({"sub_source": "wechat"}, "sub_source", "error.unknown_choice"),
    ({"category": None}, "category", "error.required"),
    ({"registered_at": NOW + timedelta(hours=1)}, "registered_at", "error.in_future"),
    ({"registered_at": NOW - timedelta(days=31)}, "registered_at", "error.registered_too_early"),
    ({"registered_at": NOW - timedelta(days=6 * 365)}, "registered_at", "error.registered_too_early"),
])
def test_bad_matter_input_names_the_field(cfg, changes, field, key):
    assert errors_of(good_matter(**changes), cfg)[field] == key


def test_a_matter_may_be_registered_up_to_the_configured_days_late(cfg):
    assert cfg.register_back_days == 30
    late = clean_matter(good_matter(registered_at=NOW - timedelta(days=29)), cfg, {10}, NOW)
    assert late["registered_at"] == (NOW - timedelta(days=29)).replace(microsecond=0), "saved as typed"


def test_landline_and_anonymous_are_accepted(cfg):
    assert clean_matter(good_matter(reporter_phone="0477-8123456"), cfg, {10}, NOW)["reporter_phone"]
    anon = clean_matter(good_matter(anonymous=True, reporter_phone="bad"), cfg, {10}, NOW)
    assert anon["reporter_name"] is None and anon["reporter_phone"] is None


@given(st.text(max_size=20))
def test_no_arbitrary_text_passes_as_a_phone_unless_it_is_one(text):
    from domain.service.matters import PHONE
    try:
        clean_matter(good_matter(reporter_phone=text), parse_settings(raw_config()), {10}, NOW)
        accepted = True
    except ValidationFailed:
        accepted = False
    stripped = plain(text).replace(" ", "")  # typed text loses control characters before any check
    assert accepted == (not stripped or bool(PHONE.match(stripped)))


def step_errors(action, data, cfg, deadline=date(2026, 11, 27)):
    with pytest.raises(ValidationFailed) as err:
        clean_step(action, data, cfg, registered_at=NOW, deadline=deadline)
    return {field: key for field, (key, _) in err.value.errors.items()}


def test_step_forms_refuse_bad_input(cfg):
    assert step_errors(Action.ANALYSE, {"handler": "", "supervisor": "李", "mode": "team"}, cfg) == \
        {"handler": "error.required"}
    assert step_errors(Action.REGISTER, {"ledger_no": "TZ-1", "deadline": date(2026, 11, 1)}, cfg) == \
        {"deadline": "error.deadline_before_registration"}
    assert step_errors(Action.EXTEND, {"reason": "", "deadline": date(2026, 12, 1)}, cfg) == \
        {"reason": "error.required"}
    assert step_errors(Action.EXTEND, {"reason": "材料未齐", "deadline": date(2026, 11, 26)}, cfg) == \
        {"deadline": "error.extension_not_later"}
    assert step_errors(Action.EXTEND, {"reason": "材料未齐", "deadline": date(2027, 3, 1)}, cfg) == \
        {"deadline": "error.extension_too_long"}
    assert step_errors(Action.FEEDBACK, {"content": "已告知", "method": "pigeon"}, cfg) == \
        {"method": "error.unknown_choice"}
    assert step_errors(Action.EVALUATE, {"evaluation": "dissatisfied", "comment": ""}, cfg) == \
        {"comment": "error.required"}
    assert step_errors(Action.ASSESS, {"score": 101}, cfg) == {"score": "error.score_range"}
    assert step_errors(Action.REGISTER, {"ledger_no": "TZ-1", "deadline": date(2026, 12, 31)}, cfg) == \
        {"deadline": "error.deadline_beyond_rule"}


def test_extensions_are_limited_in_number_and_time(cfg):
    late = {"reason": "材料未齐", "deadline": date(2026, 12, 1)}
    with pytest.raises(ValidationFailed) as err:
        clean_step(Action.EXTEND, late, cfg, registered_at=NOW, deadline=date(2026, 11, 27), today=date(2026, 11, 30))
    assert err.value.errors["deadline"][0] == "error.extension_after_deadline"
    with pytest.raises(ValidationFailed) as err:
        clean_step(Action.EXTEND, late, cfg, registered_at=NOW, deadline=date(2026, 11, 27), today=date(2026, 11, 20),
                   extensions=cfg.max_extensions)
    assert err.value.errors["deadline"][0] == "error.too_many_extensions"
    ok = clean_step(Action.EXTEND, late, cfg, registered_at=NOW, deadline=date(2026, 11, 27), today=date(2026, 11, 27),
                    extensions=cfg.max_extensions - 1)
    assert ok["deadline"] == date(2026, 12, 1)


def test_only_unhandled_matters_are_overdue():
    from domain.service.workflow import Step, is_overdue
    today = date(2026, 11, 20)
    assert is_overdue(Step.HANDLE, date(2026, 11, 19), today)
    assert not is_overdue(Step.HANDLE, today, today)
    assert not any(is_overdue(step, date(2026, 1, 1), today) for step in (Step.FEEDBACK, Step.ASSESS, Step.CLOSED))


# --- KPIs ---

def test_rates_are_none_when_nothing_was_counted():
    kpis = compute(Counts(), count_basic=True)
    assert kpis == compute(Counts(), count_basic=False)
    assert all(value is None for value in vars(kpis).values())
    assert rate(0, 5) == 0.0


def test_satisfaction_setting_decides_whether_basic_counts():
    counts = Counts(accepted=10, closed=8, rated=8, evaluations=8, satisfied=4, basic=2, reopened=1, due=5,
                    due_on_time=4, handling_days_sum=40.0)
    assert compute(counts, count_basic=True).satisfaction_rate == pytest.approx(0.75)
    assert compute(counts, count_basic=False).satisfaction_rate == pytest.approx(0.5)
    kpis = compute(counts, count_basic=True)
    assert (kpis.closure_rate, kpis.on_time_rate, kpis.reopen_rate, kpis.avg_handling_days) == \
        (0.8, 0.8, 0.125, 5.0)
