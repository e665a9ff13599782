"""Typed view of config.yaml, checked once at start-up."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from domain.calendar import WorkCalendar, parse_days
from domain.council.rules import BASES, Threshold, VotingRule
from domain.errors import ConfigError
from domain.fund.rules import Tier
from domain.volunteer.ledger import Standard, standard_from

# what a role in config.yaml may grant (domain.access checks them)
PERMISSIONS = frozenset({
    "overview.read", "matter.read", "matter.create", "matter.advance", "matter.evaluate", "matter.assess",
    "personal.view", "audit.read", "account.manage",
    "committee.read", "committee.manage", "committee.claim", "committee.meeting",
    "council.read", "council.manage", "council.record",
    "briefing.read", "briefing.display",
    "volunteer.read", "volunteer.manage", "volunteer.serve", "volunteer.lead", "store.redeem",
    "fund.read", "fund.setup", "fund.manage", "fund.pay",
})


@dataclass(frozen=True)
class Option:
    """A configured choice: stored as `code`, shown by its label in the UI language."""

    code: str
    zh: str
    en: str

    def label(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


@dataclass(frozen=True)
class Channel(Option):
    sub_sources: tuple[Option, ...] = ()


@dataclass(frozen=True)
class Category(Option):
    deadline_days: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Role(Option):
    scope: str = "community"
    can: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Committee:
    """The joint committee's rules: meeting interval, exclusive or shared claims, schedule tolerance."""

    meeting_every_months: int = 2
    claim_mode: str = "exclusive"  # or "shared"
    behind_tolerance: float = 0.1
    max_file_mb: int = 5
    unit_kinds: tuple[Option, ...] = ()
    resource_kinds: tuple[Option, ...] = ()

    @property
    def exclusive(self) -> bool:
        return self.claim_mode == "exclusive"


@dataclass(frozen=True)
class CouncilKind(Option):
    rule: VotingRule = field(default_factory=VotingRule)


@dataclass(frozen=True)
class Council:
    """The councils' rules: kinds with their quorum and majority, meeting kinds, seats, notice period."""

    kinds: tuple[CouncilKind, ...] = ()
    meeting_kinds: tuple[Option, ...] = ()
    seats: tuple[Option, ...] = ()
    no_quorum: str = "invalid"  # or "refuse"
    notice_days: int = 7

    def rule(self, kind: str) -> VotingRule:
        return _find(self.kinds, kind).rule


@dataclass(frozen=True)
class Briefing:
    """The leadership briefing's big screen and display links."""

    rotate_seconds: int = 15      # a slide's time on screen
    refresh_seconds: int = 60     # how often a screen's figures are read again (shared by every screen)
    link_days: int = 30           # a display link's default life
    link_max_days: int = 366
    secret_file: str = "data/display-secret"  # GONGZHI_SECRET_FILE overrides; kept out of git and the database
    base_url: str = "http://localhost:8501"   # the address screens reach, for links made from the shell


@dataclass(frozen=True)
class Volunteer:
    """Volunteer service: when an untaken order is flagged, a sign-off link's life, who counts as active, the order
    number's prefix, the service kinds (also skills and specialities), the team kinds and the points standard."""

    take_within_hours: int = 24
    link_minutes: int = 30
    active_days: int = 90
    order_prefix: str = "VO"
    service_kinds: tuple[Option, ...] = ()
    team_kinds: tuple[Option, ...] = ()
    points: Standard = field(default_factory=Standard)


@dataclass(frozen=True)
class Fund:
    """The estate public-welfare fund: the income sources, the purposes of spending, the co-signature rules by amount
    (the last without a limit), the largest amount one entry may hold and the largest file attached."""

    income_sources: tuple[Option, ...] = ()
    purposes: tuple[Option, ...] = ()
    cosign: tuple[Tier, ...] = (Tier(None, None, True),)
    max_amount_fen: int = 10_000_000 * 100
    max_file_mb: float = 10
    request_prefix: str = "ZC"


@dataclass(frozen=True)
class Backup:
    """The daily copies of the SQLite database (`python -m data_access.cli backup --daily`)."""

    folder: str = "data/backups"  # relative to the project unless absolute; a restore keeps its copy here too
    keep: int = 14                # the newest this many daily copies are kept


@dataclass(frozen=True)
class Settings:
    language: str
    demo_mode: bool
    database_url: str
    page_size: int
    cache_ttl_s: int
    number_prefix: str
    channels: tuple[Channel, ...]
    modes: tuple[Option, ...]
    urgencies: tuple[Option, ...]
    categories: tuple[Category, ...]
    feedback_methods: tuple[Option, ...]
    reopen_escalation: int
    max_extension_days: int
    max_extensions: int
    satisfaction_counts_basic: bool
    good_rate: float
    satisfaction_floor: float
    roles: dict[str, Role]
    calendar: WorkCalendar
    password_min_length: int = 10
    max_failed_logins: int = 5
    lockout_minutes: int = 15
    idle_timeout_minutes: int = 30
    session_hours: int = 12  # a login lasts at most this long, however active
    register_back_days: int = 30  # a matter may be registered at most this many days after it was reported
    committee: Committee = field(default_factory=Committee)
    council: Council = field(default_factory=Council)
    briefing: Briefing = field(default_factory=Briefing)
    backup: Backup = field(default_factory=Backup)
    volunteer: Volunteer = field(default_factory=Volunteer)
    fund: Fund = field(default_factory=Fund)

    def channel(self, code: str) -> Channel:
        return _find(self.channels, code)

    def category(self, code: str) -> Category:
        return _find(self.categories, code)

    def deadline_days(self, category: str, urgency: str) -> int:
        return int(self.category(category).deadline_days[urgency])


def _find(options, code):
    for option in options:
        if option.code == code:
            return option
    raise KeyError(code)


def _options(raw, section: str, cls=Option, **extra) -> tuple:
    if not isinstance(raw, list) or not raw:
        raise ConfigError("config.missing_list", section=section)
    seen, result = set(), []
    for item in raw:
        if not isinstance(item, dict) or not item.get("code") or not item.get("zh"):
            raise ConfigError("config.bad_option", section=section, item=str(item))
        code = str(item["code"])
        if code in seen:
            raise ConfigError("config.duplicate_code", section=section, code=code)
        seen.add(code)
        kwargs = {k: item[k] for k in extra if k in item}
        for key, convert in extra.items():
            if key in kwargs:
                kwargs[key] = convert(kwargs[key], f"{section}.{code}")
        result.append(cls(code=code, zh=str(item["zh"]), en=str(item.get("en") or item["zh"]), **kwargs))
    return tuple(result)


def parse_settings(raw: dict, database_url: str | None = None) -> Settings:
    """Build Settings from the parsed YAML; raise ConfigError (with a message key) on any inconsistency."""
    app = raw.get("app") or {}
    svc = raw.get("service365") or {}
    kpi = raw.get("kpi") or {}
    security = raw.get("security") or {}
    cal = raw.get("calendar") or {}

    urgencies = _options(svc.get("urgencies"), "service365.urgencies")
    urgency_codes = {u.code for u in urgencies}

    def deadlines(value, where):
        if not isinstance(value, dict):
            raise ConfigError("config.bad_deadlines", where=where)
        unknown = set(map(str, value)) - urgency_codes
        if unknown:
            raise ConfigError("config.unknown_urgency", where=where, code=", ".join(sorted(unknown)))
        missing = urgency_codes - set(map(str, value))
        if missing:
            raise ConfigError("config.missing_deadline", where=where, code=", ".join(sorted(missing)))
        for days in value.values():
            if not isinstance(days, int) or days < 0:
                raise ConfigError("config.bad_deadlines", where=where)
        return {str(k): int(v) for k, v in value.items()}

    def sub_sources(value, where):
        return _options(value, where)

    def can(value, where):
        unknown = set(value or []) - PERMISSIONS
        if unknown:
            raise ConfigError("config.unknown_permission", role=where, code=", ".join(sorted(unknown)))
        return frozenset(value or [])

    channels = _options(svc.get("channels"), "service365.channels", Channel, sub_sources=sub_sources)
    if len(channels) != 3:
        raise ConfigError("config.three_channels", count=len(channels))
    modes = _options(svc.get("modes"), "service365.modes")
    if len(modes) != 5:
        raise ConfigError("config.five_modes", count=len(modes))
    categories = _options(svc.get("categories"), "service365.categories", Category, deadline_days=deadlines)
    for category in categories:
        if not category.deadline_days:
            raise ConfigError("config.missing_deadline", where=category.code, code=", ".join(sorted(urgency_codes)))

    roles_raw = raw.get("roles") or {}
    roles = {}
    for code, item in roles_raw.items():
        if item.get("scope") not in ("street", "community"):
            raise ConfigError("config.bad_scope", role=code)
        roles[code] = Role(code=code, zh=item.get("zh", code), en=item.get("en", code),
                           scope=item["scope"], can=can(item.get("can"), code))
    if not roles:
        raise ConfigError("config.missing_list", section="roles")

    try:
        calendar = WorkCalendar(parse_days(cal.get("holidays")), parse_days(cal.get("extra_workdays")))
    except ValueError as exc:
        raise ConfigError("config.bad_date", value=str(exc)) from exc

    language = str(app.get("language", "zh"))
    if language not in ("zh", "en"):
        raise ConfigError("config.bad_language", value=language)
    return Settings(
        language=language,
        demo_mode=bool(app.get("demo_mode", True)),
        database_url=database_url or str(app.get("database_url", "sqlite:///data/gongzhi.db")),
        page_size=int(app.get("page_size", 50)),
        cache_ttl_s=int(app.get("cache_ttl_s", 60)),
        number_prefix=str(svc.get("number_prefix", "MQ")),
        channels=channels,
        modes=modes,
        urgencies=urgencies,
        categories=categories,
        feedback_methods=_options(svc.get("feedback_methods"), "service365.feedback_methods"),
        reopen_escalation=int(svc.get("reopen_escalation", 3)),
        max_extension_days=int(svc.get("max_extension_days", 15)),
        max_extensions=int(svc.get("max_extensions", 2)),
        register_back_days=_register_back_days(svc.get("register_back_days", 30)),
        satisfaction_counts_basic=bool(kpi.get("satisfaction_counts_basic", True)),
        good_rate=float(kpi.get("good_rate", 0.8)),
        satisfaction_floor=float(kpi.get("satisfaction_floor", 0.85)),
        roles=roles,
        calendar=calendar,
        committee=_committee(raw.get("committee") or {}),
        council=_council(raw.get("council") or {}),
        briefing=_briefing(raw.get("briefing") or {}),
        backup=_backup(raw.get("backup") or {}),
        volunteer=_volunteer(raw.get("volunteer") or {}),
        fund=_fund(raw.get("fund") or {}),
        **_security(security),
    )


def _register_back_days(value) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 3650:
        raise ConfigError("config.bad_number", where="service365.register_back_days", value=value)
    return value


def _committee(raw: dict) -> Committee:
    every = raw.get("meeting_every_months", 2)
    if not isinstance(every, int) or isinstance(every, bool) or not 1 <= every <= 12:
        raise ConfigError("config.bad_number", where="committee.meeting_every_months", value=every)
    mode = raw.get("claim_mode", "exclusive")
    if mode not in ("exclusive", "shared"):
        raise ConfigError("config.bad_claim_mode", value=mode)
    tolerance = raw.get("behind_tolerance", 0.1)
    if not isinstance(tolerance, (int, float)) or isinstance(tolerance, bool) or not 0 <= tolerance < 1:
        raise ConfigError("config.bad_fraction", where="committee.behind_tolerance", value=tolerance)
    max_mb = raw.get("max_file_mb", 5)
    if not isinstance(max_mb, int) or isinstance(max_mb, bool) or max_mb < 1:
        raise ConfigError("config.bad_number", where="committee.max_file_mb", value=max_mb)
    return Committee(meeting_every_months=every, claim_mode=mode, behind_tolerance=float(tolerance),
                     max_file_mb=max_mb, unit_kinds=_options(raw.get("unit_kinds"), "committee.unit_kinds"),
                     resource_kinds=_options(raw.get("resource_kinds"), "committee.resource_kinds"))


def _briefing(raw: dict) -> Briefing:
    """The big screen's timings and the display links' life; each a positive whole number in its range."""
    values = {}
    for name, low, high in (("rotate_seconds", 5, 3600), ("refresh_seconds", 10, 3600), ("link_days", 1, 3660),
                            ("link_max_days", 1, 3660)):
        value = raw.get(name, getattr(Briefing, name))
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise ConfigError("config.bad_number", where=f"briefing.{name}", value=value)
        values[name] = value
    if values["link_days"] > values["link_max_days"]:
        raise ConfigError("config.bad_number", where="briefing.link_days", value=values["link_days"])
    return Briefing(**values, secret_file=str(raw.get("secret_file") or Briefing.secret_file),
                    base_url=str(raw.get("base_url") or Briefing.base_url).rstrip("/"))


def _volunteer(raw: dict) -> Volunteer:
    """Volunteer service's settings: whole numbers in their ranges, the kinds as options, the points standard
    (whose by_kind names only configured service kinds). A config without the section has no volunteer service."""
    if not raw:
        return Volunteer()
    values = {}
    for name, low, high in (("take_within_hours", 1, 720), ("link_minutes", 1, 1440), ("active_days", 1, 3660)):
        value = raw.get(name, getattr(Volunteer, name))
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise ConfigError("config.bad_number", where=f"volunteer.{name}", value=value)
        values[name] = value
    prefix = raw.get("order_prefix", Volunteer.order_prefix)
    if not isinstance(prefix, str) or not prefix.isascii() or not prefix.isalpha() or not 1 <= len(prefix) <= 4:
        raise ConfigError("config.bad_option", section="volunteer.order_prefix", item=str(prefix))
    kinds = _options(raw.get("service_kinds"), "volunteer.service_kinds")
    standard = standard_from(raw.get("points"))
    unknown = set(standard.by_kind) - {k.code for k in kinds}
    if unknown:
        raise ConfigError("config.bad_option", section="volunteer.points.by_kind", item=", ".join(sorted(unknown)))
    return Volunteer(**values, order_prefix=prefix, service_kinds=kinds,
                     team_kinds=_options(raw.get("team_kinds"), "volunteer.team_kinds"), points=standard)


def _fund(raw: dict) -> Fund:
    """The fund's settings: sources and purposes as options; the co-signature rules in rising order of their limit
    (yuan), each needing a positive number of approvals or `all`, the last without a limit. Without the section: no
    fund kinds, and every spending needs all co-managers and a council decision."""
    if not raw:
        return Fund()
    tiers, last = [], 0
    for position, item in enumerate(raw.get("cosign") or []):
        where = f"fund.cosign[{position}]"
        item = item if isinstance(item, dict) else {}
        up_to, approvals = item.get("up_to"), item.get("approvals")
        if up_to is not None and (not isinstance(up_to, int) or isinstance(up_to, bool) or up_to <= last):
            raise ConfigError("config.bad_number", where=f"{where}.up_to", value=up_to)
        if approvals != "all" and (not isinstance(approvals, int) or isinstance(approvals, bool) or approvals < 1):
            raise ConfigError("config.bad_number", where=f"{where}.approvals", value=approvals)
        tiers.append(Tier(None if up_to is None else up_to * 100, None if approvals == "all" else approvals,
                          bool(item.get("council_decision", False))))
        last = up_to if up_to is not None else last
    if not tiers or tiers[-1].up_to_fen is not None or any(t.up_to_fen is None for t in tiers[:-1]):
        raise ConfigError("config.bad_option", section="fund.cosign", item="the last rule has no up_to")
    most = raw.get("max_amount_yuan", Fund.max_amount_fen // 100)
    size = raw.get("max_file_mb", Fund.max_file_mb)
    if not isinstance(most, int) or isinstance(most, bool) or not 1 <= most <= 10**11:
        raise ConfigError("config.bad_number", where="fund.max_amount_yuan", value=most)
    if not isinstance(size, int | float) or isinstance(size, bool) or not 0 < size <= 100:
        raise ConfigError("config.bad_number", where="fund.max_file_mb", value=size)
    prefix = raw.get("request_prefix", Fund.request_prefix)
    if not isinstance(prefix, str) or not prefix.isascii() or not prefix.isalpha() or not 1 <= len(prefix) <= 4:
        raise ConfigError("config.bad_option", section="fund.request_prefix", item=str(prefix))
    return Fund(income_sources=_options(raw.get("income_sources"), "fund.income_sources"),
                purposes=_options(raw.get("purposes"), "fund.purposes"), cosign=tuple(tiers),
                max_amount_fen=most * 100, max_file_mb=size, request_prefix=prefix)


def _backup(raw: dict) -> Backup:
    """Where the daily backups go and how many are kept."""
    folder = raw.get("folder", Backup.folder)
    if not isinstance(folder, str) or not folder.strip():
        raise ConfigError("config.bad_option", section="backup.folder", item=str(folder))
    keep = raw.get("keep", Backup.keep)
    if not isinstance(keep, int) or isinstance(keep, bool) or not 1 <= keep <= 3660:
        raise ConfigError("config.bad_number", where="backup.keep", value=keep)
    return Backup(folder=folder.strip(), keep=keep)


def _security(raw: dict) -> dict:
    """The account and session limits; each a positive whole number."""
    defaults = {"password_min_length": 10, "max_failed_logins": 5, "lockout_minutes": 15, "idle_timeout_minutes": 30,
                "session_hours": 12}
    values = {}
    for name, default in defaults.items():
        value = raw.get(name, default)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ConfigError("config.bad_number", where=f"security.{name}", value=value)
        values[name] = value
    return values


def _council(raw: dict) -> Council:
    def threshold(value, where: str) -> Threshold:
        try:
            share = Fraction(str((value or {}).get("share", "1/2")))
        except (ValueError, ZeroDivisionError, AttributeError):
            share = Fraction(-1)
        if not 0 < share <= 1:
            raise ConfigError("config.bad_fraction", where=where, value=(value or {}).get("share"))
        return Threshold(share, bool(value.get("strict", True)))

    def rule(item: dict, where: str) -> VotingRule:
        base = (item.get("majority") or {}).get("base", "present")
        if base not in BASES:
            raise ConfigError("config.bad_majority_base", where=where, value=base)
        return VotingRule(quorum=threshold(item.get("quorum") or {}, f"{where}.quorum"),
                          majority=threshold(item.get("majority") or {}, f"{where}.majority"), base=base,
                          excused_expected=bool(item.get("excused_expected", True)))

    kinds = _options(raw.get("kinds"), "council.kinds", CouncilKind)
    by_code = {str(item.get("code")): item for item in raw["kinds"]}
    kinds = tuple(CouncilKind(code=k.code, zh=k.zh, en=k.en, rule=rule(by_code[k.code], f"council.kinds.{k.code}"))
                  for k in kinds)
    no_quorum = raw.get("no_quorum", "invalid")
    if no_quorum not in ("refuse", "invalid"):
        raise ConfigError("config.bad_no_quorum", value=no_quorum)
    notice = raw.get("notice_days", 7)
    if not isinstance(notice, int) or isinstance(notice, bool) or notice < 1:
        raise ConfigError("config.bad_number", where="council.notice_days", value=notice)
    return Council(kinds=kinds, meeting_kinds=_options(raw.get("meeting_kinds"), "council.meeting_kinds"),
                   seats=_options(raw.get("seats"), "council.seats"), no_quorum=no_quorum, notice_days=notice)
