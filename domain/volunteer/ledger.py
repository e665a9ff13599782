"""The points ledger as double entry (as time banks keep hours): every change is a transfer of whole points from one
account to another, written as two movements that sum to zero; a balance is the sum of its movements; an entry is
never edited, a correction is a reversing transfer. The community's issuing account may go negative (it issues what
volunteers earn); a volunteer's balance never does. Points follow a published standard (config.yaml's
volunteer.points). Pure: no storage, no Streamlit. Points are ints throughout, never floats."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal
from enum import StrEnum

from domain.errors import ConfigError, DomainError

MAX_POINTS = 10_000_000  # the most points one transfer moves (a mistake's guard, and within a PostgreSQL integer)


class Holder(StrEnum):
    ISSUER = "issuer"        # a community's issuing account: points earned come from it, expired ones return to it
    VOLUNTEER = "volunteer"  # a volunteer's account
    STORE = "store"          # a community's points store: redemptions go to it


@dataclass(frozen=True)
class Account:
    holder: Holder
    id: int  # the community's id (issuer, store) or the volunteer's

    @property
    def may_go_negative(self) -> bool:
        return self.holder is Holder.ISSUER


class Kind(StrEnum):
    """Why points moved."""

    EARN = "earn"          # signed-off service: issuer -> volunteer
    REDEEM = "redeem"      # goods from the store: volunteer -> store
    EXPIRE = "expire"      # points past their life: volunteer -> issuer
    REVERSAL = "reversal"  # the correction of an entry: its accounts swapped


@dataclass(frozen=True)
class Transfer:
    """Whole points moved from `source` to `target` for a reason; `reverses` is the id of the entry it corrects."""

    source: Account
    target: Account
    points: int
    kind: Kind
    reverses: int | None = None

    def __post_init__(self) -> None:
        if isinstance(self.points, bool) or not isinstance(self.points, int) or not 0 < self.points <= MAX_POINTS:
            raise DomainError("volunteer_error.points_not_positive", value=repr(self.points), max=MAX_POINTS)
        if self.source == self.target:
            raise DomainError("volunteer_error.same_account")
        if (self.kind is Kind.REVERSAL) != (self.reverses is not None):
            raise DomainError("volunteer_error.reversal_needs_entry")

    def movements(self) -> tuple[tuple[Account, int], tuple[Account, int]]:
        """The two movements it writes: the source's minus and the target's plus, summing to zero."""
        return (self.source, -self.points), (self.target, self.points)


@dataclass(frozen=True)
class Entry(Transfer):
    """A transfer as the ledger keeps it, with its id."""

    id: int = field(kw_only=True)


def balances(transfers: Iterable[Transfer]) -> dict[Account, int]:
    """Each account's balance: the sum of its movements."""
    totals: dict[Account, int] = {}
    for transfer in transfers:
        for account, delta in transfer.movements():
            totals[account] = totals.get(account, 0) + delta
    return totals


def check_transfer(balance_of_source: int, points: int, source_may_go_negative: bool) -> None:
    """Refuse a transfer that would take its source below zero, unless the source may go negative (the issuer)."""
    if not source_may_go_negative and balance_of_source - points < 0:
        raise DomainError("volunteer_error.balance_too_low", balance=balance_of_source, points=points)


def reversal(entry: Entry) -> Transfer:
    """The transfer that corrects `entry`: the same points back from its target to its source. A reversal is not
    reversed again (a correction of a correction is a new transfer of its own kind)."""
    if entry.kind is Kind.REVERSAL:
        raise DomainError("volunteer_error.reversal_of_reversal")
    return Transfer(source=entry.target, target=entry.source, points=entry.points, kind=Kind.REVERSAL,
                    reverses=entry.id)


# --- the standard by which service earns points ----------------------------------------------------------------------

MAX_RATE, MAX_CAP, MAX_YEARS = 1000, 100_000, 50


class Rates(Mapping[str, int]):
    """The points per hour by service kind: read-only and hashable like the rest of the settings, and copied and
    pickled as a dict is (Streamlit's cache hashes a read's arguments, the settings among them, through deepcopy,
    which a MappingProxyType refuses)."""

    __slots__ = ("_rates",)

    def __init__(self, rates: Mapping[str, int] | None = None) -> None:
        object.__setattr__(self, "_rates", dict(rates or {}))

    def __getitem__(self, kind: str) -> int:
        return self._rates[kind]

    def __iter__(self):
        return iter(self._rates)

    def __len__(self) -> int:
        return len(self._rates)

    def __hash__(self) -> int:
        return hash(frozenset(self._rates.items()))

    def __setattr__(self, name: str, value: object) -> None:
        raise TypeError("Rates are read-only")

    def __reduce__(self):
        return Rates, (self._rates,)

    def __repr__(self) -> str:
        return f"Rates({self._rates!r})"


@dataclass(frozen=True)
class Standard:
    """Points per hour of service (by service kind where it differs), the most points one volunteer earns on one
    order (None: no cap), and the years after which points expire (None: never)."""

    per_hour: int = 1
    by_kind: Mapping[str, int] = field(default_factory=Rates)
    cap_per_order: int | None = None
    expire_after_years: int | None = None


def _whole(value: object, where: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ConfigError("config.bad_number", where=where, value=value)
    return value


def standard_from(raw: object) -> Standard:
    """The standard from config.yaml's volunteer.points section; ConfigError (with the key and where) on a value that
    is not a whole number in its range, or a by_kind that is not a mapping of kind codes to rates."""
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        raise ConfigError("config.bad_option", section="volunteer.points", item=str(raw))
    per_hour = _whole(raw.get("per_hour", 1), "volunteer.points.per_hour", 1, MAX_RATE)
    by_kind_raw = raw.get("by_kind") or {}
    if not isinstance(by_kind_raw, Mapping):
        raise ConfigError("config.bad_option", section="volunteer.points.by_kind", item=str(by_kind_raw))
    by_kind = {}
    for kind, rate in by_kind_raw.items():
        if not isinstance(kind, str) or not kind.strip():
            raise ConfigError("config.bad_option", section="volunteer.points.by_kind", item=str(kind))
        by_kind[kind] = _whole(rate, f"volunteer.points.by_kind.{kind}", 1, MAX_RATE)
    cap = raw.get("cap_per_order")
    years = raw.get("expire_after_years")
    return Standard(per_hour=per_hour, by_kind=Rates(by_kind),
                    cap_per_order=None if cap is None else _whole(cap, "volunteer.points.cap_per_order", 1, MAX_CAP),
                    expire_after_years=None if years is None else _whole(
                        years, "volunteer.points.expire_after_years", 1, MAX_YEARS))


def points_for(hours: float | Decimal, kind: str, standard: Standard) -> int:
    """The whole points one volunteer earns for `hours` of signed-off service of `kind` on one order: hours times the
    kind's rate (per_hour for a kind the standard does not list), rounded down (never more than earned), at most the
    cap per order. Hours are taken as their decimal text, so 0.1 h stays 0.1 h."""
    amount = Decimal(str(hours))
    if not amount.is_finite() or amount < 0:
        raise DomainError("volunteer_error.hours_range", min=0, max=24)
    rate = standard.by_kind.get(kind, standard.per_hour)
    points = int((amount * rate).to_integral_value(rounding=ROUND_FLOOR))
    return points if standard.cap_per_order is None else min(points, standard.cap_per_order)


def earning(community_id: int, volunteer_id: int, points: int) -> Transfer | None:
    """The transfer of points earned on an order (None when nothing is earned: a ledger holds no zero transfer)."""
    if points <= 0:
        return None
    return Transfer(Account(Holder.ISSUER, community_id), Account(Holder.VOLUNTEER, volunteer_id), points, Kind.EARN)
