"""Accounts and an audit trail for a benchmark database, added once to a file that already holds its matters.

Accounts (besides the six demo accounts, which stay): per community a secretary, WORKERS workers (GRID_WORKERS of
them limited to one grid, the last of those to two), a member-unit representative and a council recorder; per
street LEADERS street leaders; ADMINS more administrators. In the first community the demo `secretary`, `worker`,
`unitrep` and `recorder` fill those places. A share have an e-mail address, a few are disabled.

The trail is what the app's write functions would have recorded (data_access/matters.py, accounts.py, users.py):

- `user.create` for every generated account, by `admin`, when it was created (a little over a year before `now`).
- `matter.create` for every matter, at its registration, by a worker of its community who covers its grid.
  `after` holds the fields a new matter has (id, number, times, codes, place, reporter, description, step, ...);
  the app's snapshot (data_access.audit.snapshot) also lists the ~16 fields that are still null.
- `matter.<action>` for every later event of the matter's timeline, at the event's time: `evaluate` and `assess` by
  the community's secretary, the rest by the matter's worker. `before` and `after` hold `step`, `updated_at` and
  the fields the action changes (data_access.service.writes._apply), not the whole row: the whole row is ~1.1 KB of JSON
  per side, and would make the city's trail about 15 GB. The change summary the page shows is the same either way
  (it lists changed fields only); the side-by-side view lists fewer unchanged fields.
- `personal.view` for one matter in REVEAL with a reporter: its worker looked at the personal data (as
  data_access.service.queries.personal_data records it).
- `account.login` for every staff member on most working days (the share by role: LOGIN_SHARE), some twice;
  `account.login_failed` before a few of them, now and then a lockout (`account.locked`), and a few failures with
  unknown usernames. These have no community, as in data_access/accounts.py. A disabled account logs in until
  `admin` disables it (`user.disable`).
- `export.ledger` on the first working day of each month by every secretary (their community) and street leader
  (street-wide, no community), as data_access.exports records it.

The timelines' own actors (matter_event.actor_*, matter.created_by) stay what data_access.demo.sample gave them (the
demo secretary and worker); the trail spreads the work over each community's staff instead, so that the actor
filter and the secretaries' scopes see a realistic mix.

The JSON is written as SQLAlchemy's JSON type writes it (json.dumps, non-ASCII escaped), times as UTCDateTime
stores them. Rows are staged in a temporary table and then inserted in time order, so ids follow `at` as in the
app. Everything is one transaction: the table is append-only (migration 0004), so a half-written trail could not
be removed; a failed run leaves nothing. A last `demo.seed` entry of the system marks the trail as present.
"""

from __future__ import annotations

import itertools
import json
import random
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine, func, insert, select

from data_access import clock
from data_access.accounts.auth import DEMO_PASSWORD, hash_password
from data_access.db import transaction
from data_access.demo.street import ACCOUNTS
from data_access.models import AuditLog, Community, Grid, Matter, Street, User, UserRole
from domain.personal import PERSONAL_FIELDS
from domain.service.workflow import Evaluation
from domain.settings import Settings

SEED = 3650
CHUNK = 20_000  # matters read per batch, and rows per executemany
WORKERS = 8
GRID_WORKERS = 3
LEADERS = 2
ADMINS = 3
EMAIL_SHARE = 0.6
DISABLED_SHARE = 0.01
LOGIN_SHARE = {"admin": 0.8, "leader": 0.6, "secretary": 0.9, "worker": 0.85, "unitrep": 0.15, "recorder": 0.2}
SECOND_LOGIN = 0.25
FAILED_SHARE = 0.02
LOCKOUT_SHARE = 0.0005
UNKNOWN_PER_DAY = 3
REVEAL = 37  # one matter in REVEAL with a reporter has its personal data looked at (personal.view)
DOMAIN = "gongzhi.example"
DEMO_NAMES = {username for username, _, _ in ACCOUNTS}
MARK = {"actor_name": "system", "action": "demo.seed"}
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰"
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋"
# The matter fields each step action changes (besides step and updated_at), as data_access.service.writes._apply
# sets them.
CHANGES = {
    "analyse": ("handler", "supervisor", "mode"),
    "register": ("ledger_no", "deadline"),
    "progress": (),
    "extend": ("deadline", "extension_count"),
    "complete": ("result", "handled_on_time"),
    "feedback": ("feedback_content", "feedback_method"),
    "evaluate": ("evaluation", "evaluation_comment", "evaluated_at", "reopen_count", "handled_on_time", "escalated"),
    "assess": ("score", "closed_at", "handling_days"),
}
MATTER_COLUMNS = ("id, number, registered_at, channel, sub_source, community_id, grid_id, anonymous, reporter_name, "
                  "reporter_phone, reporter_id_number, description, category, urgency, mode, deadline, created_by, "
                  "supervisor, feedback_method")
STAGE = "temp.bench_trail"
AUDIT_COLUMNS = "at, actor_id, actor_name, action, entity, entity_id, community_id, before, after"


def say(message: str) -> None:
    print(message, flush=True)


def present(engine: Engine) -> bool:
    """True if the trail was added already (its closing `demo.seed` entry exists)."""
    with engine.connect() as conn:
        return conn.execute(select(AuditLog.id).where(AuditLog.actor_name == MARK["actor_name"],
                                                      AuditLog.action == MARK["action"]).limit(1)).first() is not None


def ensure(engine: Engine, settings: Settings, now: datetime, *, log=say) -> float | None:
    """Add the accounts and the trail unless they are there; the seconds it took, None if nothing was added."""
    if present(engine):
        log("Accounts and audit trail present.")
        return None
    started = time.perf_counter()
    added = add_accounts(engine, now)
    log(f"  {added:,} accounts added in {time.perf_counter() - started:.1f} s; building the audit trail ...")
    entries = add_trail(engine, settings, now, log=log)
    seconds = time.perf_counter() - started
    log(f"  audit trail: {entries:,} entries; accounts and trail took {seconds:.0f} s")
    return seconds


# --- accounts ---------------------------------------------------------------------------------------------------

def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def add_accounts(engine: Engine, now: datetime) -> int:
    """The staff accounts and their roles, in one transaction; 0 if they exist already."""
    rng = random.Random(SEED)
    with transaction(engine) as session:
        taken = set(session.execute(select(User.username)).scalars())
        if "s01.leader1" in taken:
            return 0
        hashed = session.execute(select(User.password_hash).where(User.username == "admin")).scalar() \
            or hash_password(DEMO_PASSWORD)  # one hash for all: they share the demo password, like the demo accounts
        streets = session.execute(select(Street.id).order_by(Street.id)).scalars().all()
        communities = session.execute(select(Community.id, Community.code, Community.name)
                                      .order_by(Community.id)).all()
        grids: dict[int, list[int]] = {}
        for grid_id, community_id in session.execute(select(Grid.id, Grid.community_id).order_by(Grid.id)):
            grids.setdefault(community_id, []).append(grid_id)
        demo_first = {"secretary", "worker", "unitrep", "recorder"} <= taken
        accounts: list[tuple[str, str, list[tuple[str, int | None, int | None]]]] = []
        for n in range(2, ADMINS + 2):
            accounts.append((f"admin{n}", f"系统管理员 {_person(rng)}", [("admin", None, None)]))
        for index, _ in enumerate(streets, start=1):
            for n in range(1, LEADERS + 1):
                accounts.append((f"s{index:02d}.leader{n}", f"街道领导 {_person(rng)}", [("leader", None, None)]))
        for position, (community_id, code, name) in enumerate(communities):
            prefix, own = code.lower(), grids.get(community_id, [])
            first = position == 0 and demo_first
            if not first:
                accounts.append((f"{prefix}.secretary", f"{name}书记 {_person(rng)}",
                                 [("secretary", community_id, None)]))
            for n in range(2 if first else 1, WORKERS + 1):
                limited = n > WORKERS - GRID_WORKERS and own
                if not limited:
                    roles = [("worker", community_id, None)]
                else:
                    grid = own[(n - 1) % len(own)]
                    roles = [("worker", community_id, grid)]
                    if n == WORKERS and len(own) > 1:  # one worker looks after two grids
                        roles.append(("worker", community_id, own[n % len(own)]))
                label = "网格员" if limited else "社工"
                accounts.append((f"{prefix}.w{n}", f"{name}{label} {_person(rng)}", roles))
            if not first:
                accounts.append((f"{prefix}.unitrep", f"成员单位代表 {_person(rng)}",
                                 [("unitrep", community_id, None)]))
                accounts.append((f"{prefix}.recorder", f"议事会记录员 {_person(rng)}",
                                 [("recorder", community_id, None)]))
        rows = []
        for username, display, roles in accounts:
            created = (now - timedelta(days=400 + rng.random() * 30)).replace(microsecond=0)
            street_role = roles[0][1] is None
            rows.append({"username": username, "display_name": display[:40],
                         "email": f"{username}@{DOMAIN}" if rng.random() < EMAIL_SHARE else None,
                         "password_hash": hashed, "created_at": created, "password_changed_at": created,
                         "is_active": street_role or rng.random() >= DISABLED_SHARE,
                         "failed_logins": 0, "locked_until": None, "last_login_at": None})
        session.execute(insert(User.__table__), rows)
        ids = dict(session.execute(select(User.username, User.id)).all())
        session.execute(insert(UserRole.__table__),
                        [{"user_id": ids[username], "role": role, "community_id": community_id, "grid_id": grid_id}
                         for username, _, roles in accounts for role, community_id, grid_id in roles])
    return len(accounts)


# --- the trail ----------------------------------------------------------------------------------------------------

def stored(moment: datetime) -> str:
    """A time as UTCDateTime stores it in SQLite (naive UTC text)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def iso(text: str) -> str:
    """A stored time (naive UTC text, whole seconds) as data_access.audit.snapshot writes it: aware UTC ISO."""
    return f"{text[:10]}T{text[11:19]}+00:00"


def _local_date(text: str) -> date:
    return (datetime.fromisoformat(text).replace(tzinfo=UTC)).astimezone(clock.ZONE).date()


dumps = json.dumps  # what SQLAlchemy's JSON type uses by default


class Staff:
    """Who acts on a community's matters: the workers covering each grid, and the secretary."""

    def __init__(self, session) -> None:  # noqa: ANN001
        self.secretary: dict[int, tuple[int, str]] = {}
        self.whole: dict[int, list[tuple[int, str]]] = {}
        self.by_grid: dict[int, list[tuple[int, str]]] = {}
        rows = session.execute(select(User.id, User.username, UserRole.role, UserRole.community_id, UserRole.grid_id)
                               .join(UserRole, UserRole.user_id == User.id)
                               .where(UserRole.role.in_(("secretary", "worker")))
                               .order_by(User.id)).all()
        for user_id, username, role, community_id, grid_id in rows:
            actor = (user_id, username)
            if role == "secretary":
                self.secretary.setdefault(community_id, actor)
            elif grid_id is None:
                self.whole.setdefault(community_id, []).append(actor)
            else:
                self.by_grid.setdefault(grid_id, []).append(actor)
        self._cache: dict[tuple[int, int], list[tuple[int, str]]] = {}

    def worker(self, community_id: int, grid_id: int, matter_id: int) -> tuple[int, str]:
        key = (community_id, grid_id)
        if key not in self._cache:
            self._cache[key] = (self.whole.get(community_id, []) + self.by_grid.get(grid_id, [])
                                or [self.secretary.get(community_id, (None, "system"))])
        pool = self._cache[key]
        return pool[matter_id % len(pool)]

    def head(self, community_id: int) -> tuple[int, str]:
        return self.secretary.get(community_id) or self.whole.get(community_id, [(None, "system")])[0]


def matter_entries(matter: tuple, events: list[tuple], staff: Staff, settings: Settings,
                   now: str) -> Iterator[tuple]:
    """The entries of one matter: its creation, one per later event of its timeline, and for one in REVEAL
    matters with a reporter, the worker's look at the reporter's personal data (`now`: as stored)."""
    (mid, number, registered, channel, sub_source, community_id, grid_id, anonymous, reporter_name, reporter_phone,
     reporter_id_number, description, category, urgency, mode, deadline, created_by, supervisor,
     feedback_method) = matter
    worker, head = staff.worker(community_id, grid_id, mid), staff.head(community_id)
    created = iso(registered)
    yield (registered, *worker, "matter.create", "matter", mid, community_id, None, dumps({
        "id": mid, "number": number, "registered_at": created, "channel": channel, "sub_source": sub_source,
        "community_id": community_id, "grid_id": grid_id, "anonymous": bool(anonymous),
        "reporter_name": reporter_name, "reporter_phone": reporter_phone, "reporter_id_number": reporter_id_number,
        "description": description, "category": category, "urgency": urgency, "mode": mode, "step": 1,
        "deadline": deadline, "extension_count": 0, "reopen_count": 0, "escalated": False, "created_by": created_by,
        "updated_at": created}))
    if reporter_name and mid % REVEAL == 0:
        looked = stored(datetime.fromisoformat(registered).replace(tzinfo=UTC) + timedelta(minutes=10 + mid % 110))
        if looked <= now:
            fields = [f for f, v in zip(PERSONAL_FIELDS, (reporter_name, reporter_phone, reporter_id_number),
                                        strict=True) if v]
            yield (looked, *worker, "personal.view", "matter", mid, community_id, None,
                   dumps({"number": number, "fields": fields}))
    state = {"step": 1, "updated_at": created, "handler": None, "supervisor": None, "mode": mode, "ledger_no": None,
             "deadline": deadline, "extension_count": 0, "result": None, "handled_on_time": None,
             "feedback_content": None, "feedback_method": None, "evaluation": None, "evaluation_comment": None,
             "evaluated_at": None, "reopen_count": 0, "escalated": False, "score": None, "closed_at": None,
             "handling_days": None}
    for _, at, action, _, step_to, note, data in events:
        if action == "record":
            continue
        data = json.loads(data) if data else {}
        keys = ("step", "updated_at", *CHANGES.get(action, ()))
        before = {k: state[k] for k in keys}
        when = iso(at)
        state["step"], state["updated_at"] = step_to, when
        if action == "analyse":
            state.update(handler=data.get("handler"), supervisor=supervisor)
        elif action == "register":
            state["ledger_no"] = data.get("ledger_no")
        elif action == "extend":
            state["deadline"] = data.get("deadline", state["deadline"])
            state["extension_count"] += 1
        elif action == "complete":
            state.update(result=note, handled_on_time=_local_date(at).isoformat() <= state["deadline"])
        elif action == "feedback":
            state.update(feedback_content=note, feedback_method=feedback_method)
        elif action == "evaluate":
            evaluation = data.get("evaluation")
            state.update(evaluation=evaluation, evaluation_comment=note, evaluated_at=when)
            if evaluation == Evaluation.DISSATISFIED:
                state["reopen_count"] += 1
                state["handled_on_time"] = None
                state["escalated"] = state["reopen_count"] >= settings.reopen_escalation
        elif action == "assess":
            seconds = (datetime.fromisoformat(at) - datetime.fromisoformat(registered)).total_seconds()
            state.update(score=data.get("score"), closed_at=when, handling_days=round(seconds / 86400, 2))
        after = {k: state[k] for k in keys}
        actor = head if action in ("evaluate", "assess") else worker
        yield (at, *actor, f"matter.{action}", "matter", mid, community_id, dumps(before), dumps(after))


def all_matter_entries(raw, staff: Staff, settings: Settings, now: datetime, *,  # noqa: ANN001
                       log=say) -> Iterator[tuple]:
    """Every matter's entries, reading the matters and their timelines CHUNK matters at a time."""
    low, high = raw.execute("SELECT min(id), max(id) FROM matter").fetchone()
    if low is None:
        return
    started = time.perf_counter()
    for start in range(low, high + 1, CHUNK):
        matters = raw.execute(f"SELECT {MATTER_COLUMNS} FROM matter WHERE id >= ? AND id < ? ORDER BY id",
                              (start, start + CHUNK)).fetchall()
        events = raw.execute("SELECT matter_id, at, action, step_from, step_to, note, data FROM matter_event "
                             "WHERE matter_id >= ? AND matter_id < ? ORDER BY matter_id, id",
                             (start, start + CHUNK)).fetchall()
        timelines = {mid: list(group) for mid, group in itertools.groupby(events, key=lambda e: e[0])}
        for matter in matters:
            yield from matter_entries(matter, timelines.get(matter[0], []), staff, settings, stored(now))
        done = min(start + CHUNK, high + 1) - low
        if done % 100_000 < CHUNK or start + CHUNK > high:
            log(f"    {done:>9,} / {high - low + 1:,} matters read, {time.perf_counter() - started:5.0f} s")


def staff_entries(session, settings: Settings, now: datetime, rng: random.Random,  # noqa: ANN001
                  last_login: dict[int, datetime]) -> Iterator[tuple]:
    """user.create for the generated accounts, then a year of logins, failures, lockouts, monthly ledger exports,
    and the disabling of the accounts that are disabled."""
    users = session.execute(select(User.id, User.username, User.display_name, User.email, User.is_active,
                                   User.created_at).order_by(User.id)).all()
    roles: dict[int, list[tuple[str, int | None, int | None]]] = {}
    for user_id, role, community_id, grid_id in session.execute(
            select(UserRole.user_id, UserRole.role, UserRole.community_id, UserRole.grid_id).order_by(UserRole.id)):
        roles.setdefault(user_id, []).append((role, community_id, grid_id))
    admin = session.execute(select(User.id).where(User.username == "admin")).scalar()
    for user_id, username, display, email, _, created in users:
        if username not in DEMO_NAMES:  # the generated ones (the demo accounts have no creation entry)
            held = [{"role": r, "community_id": c, "grid_id": g}
                    for r, c, g in sorted(roles.get(user_id, []), key=lambda x: (x[0], x[1] or 0, x[2] or 0))]
            yield (stored(created), admin, "admin", "user.create", "user", user_id, None, None, dumps({
                "username": username, "display_name": display, "email": email, "is_active": True, "roles": held}))
    first = clock.local(now).date() - timedelta(days=365)
    # who logs in how often (by the role of theirs that logs in most), and until when (a disabled account)
    staff = []
    for user_id, username, _, _, active, _ in users:
        share = max((LOGIN_SHARE.get(r, 0.2) for r, _, _ in roles.get(user_id, [])), default=0.2)
        disabled_on = None
        if not active:  # disabled by the admin on a working day some months ago
            disabled_on = first + timedelta(days=rng.randint(60, 330))
            while not settings.calendar.is_workday(disabled_on):
                disabled_on += timedelta(days=1)
        staff.append((user_id, username, share, disabled_on))
    exporters = [(user_id, username, community_id) for user_id, username, *_ in users
                 for role, community_id, _ in roles.get(user_id, []) if role in ("secretary", "leader")]
    month = None
    for offset in range(365):
        day = first + timedelta(days=offset)
        if not settings.calendar.is_workday(day):
            continue
        morning = datetime.combine(day, datetime.min.time(), tzinfo=clock.ZONE) + timedelta(hours=8)
        for user_id, username, share, disabled_on in staff:
            if disabled_on is not None and day >= disabled_on:
                if day == disabled_on:
                    at = morning + timedelta(hours=3, seconds=rng.randrange(3600))
                    yield (stored(at), admin, "admin", "user.disable", "user", user_id, None,
                           dumps({"is_active": True}), dumps({"is_active": False}))
                continue
            if rng.random() >= share:
                continue
            yield from _login(settings, rng, morning, user_id, username, last_login)
        for _ in range(rng.randint(0, 2 * UNKNOWN_PER_DAY)):
            at = morning + timedelta(seconds=rng.randrange(10 * 3600))
            name = rng.choice(("wang", "li", "zhang", "liu", "chen", "admin1", "test", "c1.w")) + str(rng.randint(1, 9))
            yield (stored(at), None, name, "account.login_failed", "user", None, None, None,
                   dumps({"reason": "unknown_user"}))
        if day.month != month:  # the first working day of a month: the ledgers are exported
            month = day.month
            for user_id, username, community_id in exporters:
                at = morning + timedelta(hours=1, seconds=rng.randrange(7 * 3600))
                rows = rng.randint(300, 600) if community_id else rng.randint(60_000, 90_000)
                whole = rng.random() < 0.2 and community_id is not None
                shown = {"community_ids": [community_id]} if community_id else {}
                yield (stored(at), user_id, username, "export.ledger", "matter", None, community_id, None, dumps({
                    "filter": shown, "rows": rows, "personal": "whole" if whole else "masked",
                    "rows_with_personal_whole": rng.randint(rows // 2, rows) if whole else 0}))


def _login(settings: Settings, rng: random.Random, morning: datetime, user_id: int, username: str,
           last_login: dict[int, datetime]) -> Iterator[tuple]:
    """A working day's logins of one account: now and then a wrong password first, rarely a lockout."""
    at = morning + timedelta(seconds=rng.randrange(int(2.5 * 3600)))
    if rng.random() < LOCKOUT_SHARE:
        for n in range(settings.max_failed_logins - 1):
            yield (stored(at), user_id, username, "account.login_failed", "user", user_id, None,
                   dumps({"failed_logins": n, "locked_until": None}), dumps({"failed_logins": n + 1}))
            at += timedelta(seconds=rng.randint(5, 40))
        until = at + timedelta(minutes=settings.lockout_minutes)
        yield (stored(at), user_id, username, "account.locked", "user", user_id, None,
               dumps({"failed_logins": settings.max_failed_logins - 1, "locked_until": None}),
               dumps({"failed_logins": settings.max_failed_logins, "locked_until": until.astimezone(UTC).isoformat()}))
        at = until + timedelta(seconds=rng.randint(30, 600))
    elif rng.random() < FAILED_SHARE:
        yield (stored(at), user_id, username, "account.login_failed", "user", user_id, None,
               dumps({"failed_logins": 0, "locked_until": None}), dumps({"failed_logins": 1}))
        at += timedelta(seconds=rng.randint(5, 40))
    yield (stored(at), user_id, username, "account.login", "user", user_id, None, None, None)
    last_login[user_id] = at
    if rng.random() < SECOND_LOGIN:
        at = morning + timedelta(hours=5.5, seconds=rng.randrange(4 * 3600))
        yield (stored(at), user_id, username, "account.login", "user", user_id, None, None, None)
        last_login[user_id] = at


def _staged(raw, rows: Iterator[tuple]) -> int:  # noqa: ANN001
    n = 0
    while batch := list(itertools.islice(rows, CHUNK)):
        raw.executemany(f"INSERT INTO {STAGE} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", batch)
        n += len(batch)
    return n


def add_trail(engine: Engine, settings: Settings, now: datetime, *, log=say) -> int:
    """Stage every entry, then insert them into audit_log in time order, in one transaction; returns the count."""
    rng = random.Random(SEED + 1)
    with transaction(engine) as session:
        raw = session.connection().connection.driver_connection
        raw.execute("PRAGMA cache_size=-1048576")  # 1 GiB of page cache for the index updates
        raw.execute(f"CREATE TEMP TABLE bench_trail ({AUDIT_COLUMNS})")
        started = time.perf_counter()
        staff = Staff(session)
        last_login: dict[int, datetime] = {}
        accounts = _staged(raw, staff_entries(session, settings, now, rng, last_login))
        log(f"    {accounts:,} account entries staged in {time.perf_counter() - started:.0f} s")
        matters = _staged(raw, all_matter_entries(raw, staff, settings, now, log=log))
        log(f"    {matters:,} matter entries staged in {time.perf_counter() - started:.0f} s; inserting in time order")
        raw.execute(f"INSERT INTO audit_log ({AUDIT_COLUMNS}) SELECT {AUDIT_COLUMNS} FROM {STAGE} ORDER BY at, rowid")
        raw.execute(f"DROP TABLE {STAGE}")
        log(f"    inserted in {time.perf_counter() - started:.0f} s")
        raw.executemany("UPDATE user_account SET last_login_at = ? WHERE id = ?",
                        [(stored(at), user_id) for user_id, at in last_login.items()])
        users = session.execute(select(func.count()).select_from(User)).scalar_one()
        matter_count = session.execute(select(func.count()).select_from(Matter)).scalar_one()
        total = accounts + matters
        raw.execute(f"INSERT INTO audit_log ({AUDIT_COLUMNS}) VALUES (?, NULL, ?, ?, 'street', NULL, NULL, NULL, ?)",
                    (stored(now), MARK["actor_name"], MARK["action"],
                     dumps({"bench": True, "matters": matter_count, "accounts": users, "entries": total})))
    return total + 1
