"""The briefing text (工作简报) in the formal style of a government work briefing, from the figures on the screen:
"2026年1—11月，全街道共受理民情事项1,234件，办结1,180件，办结率95.6%，同比上升2.1个百分点……". Numbers and dates are
formatted the Chinese (or English) way by Babel. Pure: no Streamlit, no database."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from babel.numbers import format_decimal, format_percent

from domain.briefing.alerts import Alert
from domain.briefing.changes import Change, Period
from i18n import translate

LOCALES = {"zh": "zh_CN", "en": "en_US"}
# the message key of each figure's name, as the slides and the PowerPoint label them
SERVICE_LABELS = {"accepted": "overview.accepted", "closure_rate": "overview.closure_rate",
                  "on_time_rate": "overview.on_time_rate", "satisfaction_rate": "overview.satisfaction_rate",
                  "reopen_rate": "overview.reopen_rate", "overdue": "briefing.overdue"}
COUNCIL_LABELS = {"meetings": "briefing.meetings", "passed": "briefing.passed", "carried_out": "briefing.carried_out",
                  "in_notice": "briefing.in_notice", "overdue": "briefing.council_overdue"}
VOLUNTEER_LABELS = {key: f"briefing_volunteer.{key}" for key in (
    "requested", "signed", "sign_off_rate", "satisfaction_rate", "hours", "points_issued", "points_redeemed",
    "active", "late")}
# an alert's message key, where it is not briefing.alert_<kind>
ALERT_KEYS = {"volunteer_late": "briefing_volunteer.alert_late",
              "volunteer_dissatisfied": "briefing_volunteer.alert_dissatisfied"}


@dataclass(frozen=True)
class CommitteeYear:
    year: int
    claim_rate: float | None
    completion: float | None
    behind: int
    signed: int
    units: int


@dataclass(frozen=True)
class VolunteerFacts:
    """Volunteer service's figures (key -> (value, its change against last year)), the period's 不满意 orders and
    the top of the honour roll (name, hours)."""

    figures: dict[str, tuple[float | None, Change]]
    dissatisfied: int = 0
    honour: list[tuple[str, float]] = field(default_factory=list)


@dataclass(frozen=True)
class FundFacts:
    """The public-welfare funds' figures: funds and their balance today, the period's income and spending (fen) with
    their change against last year, and the requests waiting today."""

    funds: int
    balance_fen: int
    income: tuple[int, Change]
    spending: tuple[int, Change]
    waiting: int
    to_pay: int
    large: int


@dataclass(frozen=True)
class BriefingFacts:
    """What the text states. `service` and `council` map a figure's key to (value, its change against last
    year); names and labels are already in the text's language."""

    period: Period
    scope: str
    service: dict[str, tuple[float | None, Change]]
    closed: int
    floor: float
    below_floor: list[str] = field(default_factory=list)
    top_categories: list[tuple[str, float]] = field(default_factory=list)  # label, share of the accepted
    committee: CommitteeYear | None = None
    council: dict[str, tuple[float | None, Change]] | None = None
    volunteer: VolunteerFacts | None = None
    fund: FundFacts | None = None


def count(lang: str, value: float | None) -> str:
    return translate(lang, "common.none") if value is None else format_decimal(value, "#,##0", locale=LOCALES[lang])


def hours(lang: str, value: float | None) -> str:
    """Hours with their tenth when they have one: "1,234.5", "12"."""
    return translate(lang, "common.none") if value is None else format_decimal(value, "#,##0.#", locale=LOCALES[lang])


def money(lang: str, fen: int) -> str:
    """Whole fen as yuan with two decimals, as the screens show money: ¥1,234.50."""
    amount = format_decimal(Decimal(abs(fen)).scaleb(-2), "#,##0.00", locale=LOCALES[lang])
    return f"{'-' if fen < 0 else ''}¥{amount}"


def percent(lang: str, value: float | None) -> str:
    return translate(lang, "common.none") if value is None else format_percent(value, "#,##0.0%",
                                                                              locale=LOCALES[lang])


def alert_text(lang: str, alert: Alert, *, floor: float) -> str:
    """One alert as a line: "康和社区：12 件事项超期未办结"."""
    return translate(lang, ALERT_KEYS.get(alert.kind, f"briefing.alert_{alert.kind}"), community=alert.community,
                     count=count(lang, alert.count), rate=percent(lang, alert.rate), floor=percent(lang, floor))


def period_words(lang: str, period: Period) -> str:
    """"2026年1—11月", "2026年11月", "2025年12月—2026年2月"."""
    first, last = period.first, period.last
    if first == last:
        return translate(lang, "briefing_text.one_month", year=first.year, month=first.month)
    if first.year == last.year:
        return translate(lang, "briefing_text.months", year=first.year, first=first.month, last=last.month)
    return translate(lang, "briefing_text.across_years", year=first.year, first=first.month, last_year=last.year,
                     last=last.month)


def yoy(lang: str, moved: Change, *, rate: bool) -> str:
    """"，同比上升2.1个百分点", "，同比增长12.5%", "，同比持平"; nothing when there is nothing to compare."""
    if moved.direction is None or (moved.delta is None and moved.direction != "flat"):
        return ""
    if moved.direction == "flat":
        return translate(lang, "briefing_text.yoy_flat")
    size = (format_decimal(abs(moved.delta) * 100, "#,##0.0", locale=LOCALES[lang]) if rate
            else format_percent(abs(moved.delta), "#,##0.0%", locale=LOCALES[lang]))
    kind = "points" if rate else "percent"
    return translate(lang, f"briefing_text.yoy_{moved.direction}_{kind}", size=size)


def briefing_text(lang: str, facts: BriefingFacts) -> str:
    """The briefing as paragraphs: the 365 method, then the joint committee, the resident council, volunteer service
    and the public-welfare funds."""
    s = facts.service
    accepted = s["accepted"][0] or 0
    words = {"period": period_words(lang, facts.period), "scope": facts.scope}
    if not accepted:
        service = translate(lang, "briefing_text.service_none", **words)
    else:
        def rate(key: str) -> str:
            return percent(lang, s[key][0]) + yoy(lang, s[key][1], rate=True)

        service = translate(lang, "briefing_text.service", **words,
                            accepted=count(lang, accepted), accepted_change=yoy(lang, s["accepted"][1], rate=False),
                            closed=count(lang, facts.closed), closure=rate("closure_rate"),
                            on_time=rate("on_time_rate"), satisfaction=rate("satisfaction_rate"),
                            reopen=rate("reopen_rate"))
    overdue = s["overdue"][0] or 0
    service += (translate(lang, "briefing_text.overdue", count=count(lang, overdue)) if overdue
                else translate(lang, "briefing_text.no_overdue"))
    if facts.below_floor:
        service += translate(lang, "briefing_text.below_floor", floor=percent(lang, facts.floor),
                             names=translate(lang, "briefing_text.list_separator").join(facts.below_floor))
    if accepted and facts.top_categories:
        listed = translate(lang, "briefing_text.list_separator").join(
            translate(lang, "briefing_text.category_share", label=label, share=percent(lang, share))
            for label, share in facts.top_categories)
        service += translate(lang, "briefing_text.top_categories", count=len(facts.top_categories), list=listed)
    paragraphs = [service]
    if facts.committee is not None:
        c = facts.committee
        paragraphs.append(translate(lang, "briefing_text.committee", year=c.year, claim=percent(lang, c.claim_rate),
                                    completion=percent(lang, c.completion), behind=count(lang, c.behind),
                                    signed=count(lang, c.signed), units=count(lang, c.units)))
    if facts.council is not None:
        v = {key: count(lang, value) for key, (value, _) in facts.council.items()}
        paragraphs.append(translate(lang, "briefing_text.council", meetings=v["meetings"], passed=v["passed"],
                                    carried_out=v["carried_out"], in_notice=v["in_notice"], overdue=v["overdue"]))
    if facts.volunteer is not None:
        paragraphs.append(volunteer_text(lang, facts.volunteer))
    if facts.fund is not None:
        paragraphs.append(fund_text(lang, facts.fund))
    return "\n\n".join(paragraphs)


def volunteer_text(lang: str, facts: VolunteerFacts) -> str:
    """Volunteer service's paragraph: the period's orders, rates, hours and points with 同比, then today's active
    volunteers and late orders, the period's 不满意 orders and the top of the honour roll."""
    f = facts.figures

    def key(name: str) -> str:
        return f"briefing_volunteer.{name}_text"

    def rate(name: str) -> str:
        return percent(lang, f[name][0]) + yoy(lang, f[name][1], rate=True)

    if f["requested"][0] or f["signed"][0]:
        text = translate(lang, key("orders"), requested=count(lang, f["requested"][0]),
                         requested_change=yoy(lang, f["requested"][1], rate=False), signed=count(lang, f["signed"][0]),
                         signed_change=yoy(lang, f["signed"][1], rate=False), sign_off=rate("sign_off_rate"),
                         satisfaction=rate("satisfaction_rate"), hours=hours(lang, f["hours"][0]),
                         hours_change=yoy(lang, f["hours"][1], rate=False),
                         issued=count(lang, f["points_issued"][0]), redeemed=count(lang, f["points_redeemed"][0]))
    else:
        text = translate(lang, key("no_orders"))
    late = f["late"][0] or 0
    text += translate(lang, key("people"), active=count(lang, f["active"][0]))
    text += translate(lang, key("late"), count=count(lang, late)) if late else translate(lang, key("no_late"))
    if facts.dissatisfied:
        text += translate(lang, key("dissatisfied"), count=count(lang, facts.dissatisfied))
    if facts.honour:
        listed = translate(lang, "briefing_text.list_separator").join(
            translate(lang, key("honour_one"), name=name, hours=hours(lang, served)) for name, served in facts.honour)
        text += translate(lang, key("honour"), count=len(facts.honour), list=listed)
    return text


def fund_text(lang: str, facts: FundFacts) -> str:
    """The public-welfare funds' paragraph: their balance, the period's income and spending with 同比, and the
    requests waiting for signatures, for payment and for a council decision today."""
    if not facts.funds:
        return translate(lang, "briefing_fund.no_funds_text")
    (income, income_change), (spent, spent_change) = facts.income, facts.spending
    return translate(lang, "briefing_fund.text", funds=count(lang, facts.funds), balance=money(lang, facts.balance_fen),
                     income=money(lang, income), income_change=yoy(lang, income_change, rate=False),
                     spending=money(lang, spent), spending_change=yoy(lang, spent_change, rate=False),
                     waiting=count(lang, facts.waiting), to_pay=count(lang, facts.to_pay),
                     large=count(lang, facts.large))
