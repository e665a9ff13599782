"""The register of volunteer service: volunteers (personal data as residents' are: name, phone, ID number), teams
(of a member unit, the community or a social organisation, with specialities and a leader), and the points store's
goods and redemptions. Input checks only; pure: no storage, no Streamlit."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date, datetime

from domain.calendar import shift_years
from domain.errors import ValidationFailed
from domain.fields import PHONE, FormErrors, Span, in_reach, shown, text_of, value_of
from domain.personal import normalise_id_number, valid_id_number

LIMITS = {"name": 30, "team_name": 60, "good_name": 60, "donor": 60, "reason": 300}
PRICE = Span(1, 100_000, whole=True, key="volunteer_error.price_range")       # a good's price in points
STOCK = Span(0, 100_000, whole=True, key="volunteer_error.stock_range")       # units on the shelf
QUANTITY = Span(1, 100, whole=True, key="volunteer_error.quantity_range")     # units of one redemption
MEMBER_UNIT_TEAM = "member_unit"  # the team kind that belongs to a member unit of the joint committee


class _Errors(FormErrors):
    """Errors of a volunteer-service form (the shared messages of numbers and dates)."""

    LIMITS = LIMITS
    NOT_A_NUMBER = "error.not_a_number"
    NOT_A_DATE, DATE_IN_FUTURE = "error.not_a_date", "error.date_in_future"


def codes_of(errors: FormErrors, data: object, field: str, allowed: Collection[str]) -> str:
    """A multiple choice (skills, specialities) as the comma-separated codes it stores, in the configured order;
    anything not a list of known codes is the field's error."""
    value = value_of(data, field)
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = [part for part in value.split(",") if part.strip()]
    if not isinstance(value, Iterable) or isinstance(value, bytes | dict):
        errors.add(field, "error.unknown_choice", value=shown(value))
        return ""
    chosen = list(value)
    unknown = [code for code in chosen if not isinstance(code, str) or code.strip() not in allowed]
    if unknown:
        errors.add(field, "error.unknown_choice", value=shown(unknown[0]))
        return ""
    picked = {code.strip() for code in chosen}
    return ",".join(code for code in allowed if code in picked)


def clean_volunteer(data: object, *, kinds: Collection[str], today: date, id_number_taken: bool = False,
                    teams: Collection[int] = (), units: Collection[int] = ()) -> dict:
    """A volunteer's registration: name, phone and ID number (all required, the ID number valid and not registered
    before: `id_number_taken`), skills (service kind codes), party member or not, the member unit where a serving
    party member reports (one of `units`), the team (one of `teams`), the registration date (not after today) and
    whether active."""
    errors = _Errors()
    name = errors.text(data, "name", required=True)
    phone = text_of(value_of(data, "phone"))
    phone = (phone or "").replace(" ", "")
    if not phone:
        errors.add("phone", "error.required")
    elif not PHONE.match(phone):
        errors.add("phone", "error.bad_phone")
    raw_id = text_of(value_of(data, "id_number"))
    id_number = normalise_id_number(raw_id or "")
    if not id_number:
        errors.add("id_number", "error.required")
    elif not valid_id_number(id_number):
        errors.add("id_number", "error.bad_id_number")
    elif id_number_taken:
        errors.add("id_number", "volunteer_error.id_number_taken")
    skills = codes_of(errors, data, "skills", tuple(kinds))
    party_member = errors.flag(data, "party_member", default=False)
    report_unit_id = errors.ident(data, "report_unit_id", required=False)
    if report_unit_id is not None and report_unit_id not in units:
        errors.add("report_unit_id", "error.unknown_choice", value=shown(report_unit_id))
    if report_unit_id is not None and not party_member:
        errors.add("report_unit_id", "volunteer_error.report_needs_member")
    team_id = errors.ident(data, "team_id", required=False)
    if team_id is not None and team_id not in teams:
        errors.add("team_id", "error.unknown_choice", value=shown(team_id))
    registered_on = errors.day(data, "registered_on", required=True, today=today)
    active = errors.flag(data, "active", default=True)
    errors.raise_if_any()
    return {"name": name, "phone": phone, "id_number": id_number, "skills": skills, "party_member": party_member,
            "report_unit_id": report_unit_id, "team_id": team_id, "registered_on": registered_on, "active": active}


def clean_team(data: object, *, kinds: Collection[str], team_kinds: Collection[str], names_taken: Collection[str],
               units: Collection[int], members: Collection[int]) -> dict:
    """A team: its name (unique in the community), kind, member unit (required for a member unit's team, one of
    `units`), specialities (service kind codes), leader (one of its `members`, optional) and whether active."""
    errors = _Errors()
    name = errors.text(data, "name", required=True, limit="team_name")
    if name and name in names_taken:
        errors.add("name", "volunteer_error.team_name_taken", name=name)
    kind = errors.choice(data, "kind", tuple(team_kinds))
    unit_id = errors.ident(data, "unit_id", required=kind == MEMBER_UNIT_TEAM)
    if unit_id is not None and unit_id not in units:
        errors.add("unit_id", "error.unknown_choice", value=shown(unit_id))
    if kind is not None and kind != MEMBER_UNIT_TEAM:
        unit_id = None
    speciality = codes_of(errors, data, "speciality", tuple(kinds))
    leader_id = errors.ident(data, "leader_id", required=False)
    if leader_id is not None and leader_id not in members:
        errors.add("leader_id", "volunteer_error.leader_not_member")
    active = errors.flag(data, "active", default=True)
    errors.raise_if_any()
    return {"name": name, "kind": kind, "unit_id": unit_id, "speciality": speciality, "leader_id": leader_id,
            "active": active}


def clean_good(data: object, *, names_taken: Collection[str]) -> dict:
    """A good of the points store: name (unique in the community), price in points, stock, donor, on sale or not."""
    errors = _Errors()
    name = errors.text(data, "name", required=True, limit="good_name")
    if name and name in names_taken:
        errors.add("name", "volunteer_error.good_name_taken", name=name)
    price = errors.number(data, "price", required=True, span=PRICE)
    stock = errors.number(data, "stock", required=True, span=STOCK)
    donor = errors.text(data, "donor", required=False)
    active = errors.flag(data, "active", default=True)
    errors.raise_if_any()
    return {"name": name, "price": price, "stock": stock, "donor": donor or None, "active": active}


def clean_redemption(data: object) -> dict:
    """A redemption at the counter: the volunteer, the good and how many."""
    errors = _Errors()
    volunteer_id = errors.ident(data, "volunteer_id", required=True)
    good_id = errors.ident(data, "good_id", required=True)
    quantity = errors.number(data, "quantity", required=True, span=QUANTITY)
    errors.raise_if_any()
    return {"volunteer_id": volunteer_id, "good_id": good_id, "quantity": quantity}


def check_redemption(*, price: int, quantity: int, stock: int, balance: int, on_sale: bool) -> int:
    """The points a redemption takes; refused (by field) when the good is off sale, the stock is short or the
    volunteer's balance is. Nothing here goes below zero."""
    points = price * quantity
    if not on_sale:
        raise ValidationFailed({"good_id": ("volunteer_error.good_off_sale", {})})
    if quantity > stock:
        raise ValidationFailed({"quantity": ("volunteer_error.stock_too_low", {"stock": stock, "quantity": quantity})})
    if points > balance:
        raise ValidationFailed({"quantity": ("volunteer_error.balance_too_low", {"balance": balance,
                                                                                  "points": points})})
    return points


CERTIFICATE_YEARS = 10  # the longest period a service-hours certificate covers


def check_period(start: object, end: object, *, today: date) -> tuple[date, date]:
    """A certificate's period: two dates within a date field's reach, the end not before the start nor after today,
    and at most CERTIFICATE_YEARS long. Refused by field (ValidationFailed) otherwise."""
    errors: dict[str, tuple[str, dict]] = {}
    for name, value in (("start", start), ("end", end)):
        if not isinstance(value, date) or isinstance(value, datetime):
            errors[name] = ("error.not_a_date", {})
        elif not in_reach(value):
            errors[name] = ("volunteer_certificate.day_out_of_reach", {})
    if errors:
        raise ValidationFailed(errors)
    if end < start:
        raise ValidationFailed({"end": ("volunteer_certificate.end_before_start", {})})
    if end > today:
        raise ValidationFailed({"end": ("error.date_in_future", {"today": today.isoformat()})})
    if end >= shift_years(start, CERTIFICATE_YEARS):
        raise ValidationFailed({"end": ("volunteer_certificate.period_too_long", {"years": CERTIFICATE_YEARS})})
    return start, end
