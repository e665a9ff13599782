"""Set up a production install (demo mode off) from the shell: streets, communities with grids, accounts.

    python -m data_access.cli add-community --street 青春山街道 --name 康盛社区 --code KS --grids 6
    python -m data_access.cli add-user wangli --name 王丽娟 --role secretary --community KS

The password is read from the terminal (or one line of standard input). Every write is audited as "cli".

The leadership briefing of a period, as its user would download it (the export is audited as theirs):

    python -m data_access.cli briefing --user leader --period 2026-01..2026-11 --format pptx --out 简报.pptx

A display link for a wall screen, printed as its URL (briefing.base_url in config.yaml is the server's address):

    python -m data_access.cli display-link --user leader --name 街道大厅大屏 --days 30

Backups of the SQLite database (safe while the app runs; stop the app before a restore). PostgreSQL is backed up
with pg_dump and pg_restore instead (README, Backups):

    python -m data_access.cli backup --out gongzhi-copy.db
    python -m data_access.cli backup --daily          # into backup.folder, keeping the newest backup.keep
    python -m data_access.cli restore --from gongzhi-copy.db
"""

from __future__ import annotations

import argparse
import getpass
import re
import sys
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from data_access import audit, clock
from data_access import backup as backups
from data_access.accounts import users
from data_access.accounts.auth import load_actor
from data_access.bootstrap import open_database
from data_access.briefing import display
from data_access.briefing.content import facts, gather, scope_name
from data_access.briefing.documents import briefing_docx
from data_access.briefing.presentation import briefing_pptx
from data_access.config import load_settings
from data_access.db import make_engine, migrate, reading, transaction
from data_access.models import Community, Grid, Street, User
from data_access.volunteer import points
from domain.access import Actor, Grant, can
from domain.briefing.changes import Month, Period
from domain.errors import DomainError, ValidationFailed
from domain.settings import Settings
from i18n import LANGUAGES, translate
from i18n.briefing_words import briefing_text, count, period_words

CLI = Actor(id=None, username="cli", display_name="命令行",
            grants=(Grant("admin", None, None, frozenset({"account.manage"})),))


def add_community(engine, *, street: str, name: str, code: str, grids: int) -> int:
    """A community (and its street, if new) with `grids` grids named 第1网格, 第2网格, ...; returns its id."""
    now = clock.now()
    with transaction(engine) as session:
        row = session.execute(select(Street).where(Street.name == street)).scalars().first()
        if row is None:
            row = Street(name=street)
            session.add(row)
            session.flush()
        community = Community(street_id=row.id, name=name, code=code)
        session.add(community)
        session.flush()
        session.add_all(Grid(community_id=community.id, name=f"{name[:2]}第{i}网格") for i in range(1, grids + 1))
        audit.record(session, actor=CLI, action="community.create", entity="community", entity_id=community.id,
                     community_id=community.id, at=now, after=audit.snapshot(community) | {"grids": grids})
        return community.id


def add_user(engine, settings, *, username: str, name: str, role: str, community: str | None, password: str) -> int:
    """A local account with one role (in the community with code `community` unless street-wide).

    The account is made by `users.create_user`, so the password rules, the audit record and the checks are the
    admin screen's.
    """
    if role not in settings.roles:
        raise DomainError("cli.unknown_role", role=role, roles=", ".join(settings.roles))
    community_id = None
    if settings.roles[role].scope == "community":
        with reading(engine) as session:
            community_id = session.execute(select(Community.id).where(Community.code == community)).scalar()
        if community_id is None:
            raise DomainError("cli.unknown_community", code=community or "")
    return users.create_user(engine, actor=CLI, settings=settings,
                             data={"username": username, "display_name": name, "email": None,
                                   "password": password, "password_again": password},
                             roles=[{"role": role, "community_id": community_id, "grid_id": None}])


def parse_period(text: str) -> Period:
    """"2026-01..2026-11" or one month "2026-11"; DomainError cli.bad_period otherwise."""
    found = re.fullmatch(r"(\d{4})-(\d{2})(?:\.\.(\d{4})-(\d{2}))?", text.strip())
    numbers = [int(n) for n in found.groups() if n is not None] if found else []
    months = [Month(year, month) for year, month in zip(numbers[::2], numbers[1::2], strict=True)]
    if not months or any(not 1 <= m.month <= 12 for m in months) or months[-1] < months[0]:
        raise DomainError("cli.bad_period", period=text)
    return Period(months[0], months[-1])


def _account(engine, settings, user: str, community: str | None, permission: str) -> tuple[Actor, int | None]:
    """The account `user` as the app would load it after a login, and the id of the community of code
    `community`; refused for an unknown, disabled or locked account and for one without `permission` there."""
    with reading(engine) as session:
        user_id = session.execute(select(User.id).where(User.username == user.strip().lower())).scalar()
        community_id = None if community is None else session.execute(
            select(Community.id).where(Community.code == community)).scalar()
    if user_id is None:
        raise DomainError("cli.unknown_user", user=user)
    if community is not None and community_id is None:
        raise DomainError("cli.unknown_community", code=community)
    actor = load_actor(engine, settings, user_id)
    if actor is None:
        raise DomainError("cli.inactive_user", user=user)
    allowed = can(actor, permission, community_id) if permission == "briefing.read" else \
        display.holds(actor, permission, community_id)  # a link covers its whole scope
    if not allowed:
        raise DomainError("cli.no_briefing_right" if permission == "briefing.read" else "cli.no_display_right",
                          user=user)
    return actor, community_id


def briefing(engine, settings, *, user: str, period: str, fmt: str, community: str | None, lang: str) -> bytes:
    """The briefing file (pptx or docx) the account `user` would download from the cockpit, made with today's
    figures in its scope."""
    chosen = parse_period(period)
    actor, community_id = _account(engine, settings, user, community, "briefing.read")
    content = gather(engine, chosen, community_id, actor=actor, today=clock.today(), settings=settings)
    text = briefing_text(lang, facts(lang, content, {c.code: c.label(lang) for c in settings.categories}))
    title = translate(lang, "briefing_text.docx_title", scope=scope_name(lang, content),
                      period=period_words(lang, chosen))
    if fmt == "pptx":
        return briefing_pptx(engine, actor=actor, briefing=content, text=text, title=title, lang=lang,
                             settings=settings)
    return briefing_docx(engine, actor=actor, text=text, title=title, period=f"{chosen.first}..{chosen.last}",
                         lang=lang, community_id=community_id)


def _briefing_command(engine, settings, args) -> int:
    """Make the briefing and write it to --out; a refusal is one line in the chosen language and exit code 1."""
    lang, out = args.lang or settings.language, Path(args.out)
    try:
        data = briefing(engine, settings, user=args.user, period=args.period, fmt=args.format,
                        community=args.community, lang=lang)
        out.write_bytes(data)
    except DomainError as err:
        print(translate(lang, err.key, **err.params), file=sys.stderr)
        return 1
    except OSError as err:
        print(translate(lang, "cli.cannot_write", path=out, reason=err.strerror or err), file=sys.stderr)
        return 1
    print(translate(lang, "cli.briefing_written", path=out.resolve(), size=count(lang, len(data))))
    return 0


def display_link(engine, settings, *, user: str, name: str, days: int, community: str | None,
                 slides: str | None) -> str:
    """A new display link made as the account `user` (who needs briefing.display over its scope); its URL."""
    actor, community_id = _account(engine, settings, user, community, "briefing.display")
    data = {"name": name, "community_id": community_id, "days": days,
            "slides": [s.strip() for s in (slides or "").split(",") if s.strip()]}
    return f"{settings.briefing.base_url}/?display={display.create(engine, settings, actor=actor, data=data)}"


def _display_link_command(engine, settings, args) -> int:
    try:
        url = display_link(engine, settings, user=args.user, name=args.name, days=args.days, community=args.community,
                           slides=args.slides)
    except ValidationFailed as err:
        print("\n".join(f"{field}: {translate(settings.language, key, **params)}"
                        for field, (key, params) in err.errors.items()), file=sys.stderr)
        return 1
    except DomainError as err:
        print(translate(settings.language, err.key, **err.params), file=sys.stderr)
        return 1
    print(url)
    return 0


def _audit_database(url: str, action: str, after: dict) -> None:
    """Record a backup or a restore in the audit trail of the database, as "cli"."""
    engine = make_engine(url)
    try:
        with transaction(engine) as session:
            audit.record(session, actor=CLI, action=action, entity="database", entity_id=None, at=clock.now(),
                         after=after)
    finally:
        engine.dispose()


def _backup_command(settings, args) -> int:
    """backup --out FILE [--force] or backup --daily; the file and its counts, then the audit entry."""
    url = settings.database_url
    try:
        if args.daily:
            out, numbers, removed = backups.daily(url, backups.resolve(settings.backup.folder),
                                                  settings.backup.keep, clock.today())
        else:
            out, removed = Path(args.out), []
            numbers = backups.backup(url, out, force=args.force)
    except backups.BackupError as err:
        print(f"backup refused: {err}", file=sys.stderr)
        return 1
    except OSError as err:
        print(f"backup failed: {err}", file=sys.stderr)
        return 1
    print(f"backup written: {out.resolve()}")
    print(backups.counts_text(numbers))
    for path in removed:
        print(f"removed (older than the newest {settings.backup.keep}): {path}")
    try:
        _audit_database(url, "database.backup", {"file": str(out.resolve()), "daily": bool(args.daily),
                                                 "counts": numbers, "removed": [p.name for p in removed]})
    except Exception as err:  # the backup is made; a busy or older database only loses its audit entry
        print(f"warning: the backup was not recorded in the audit trail: {err}", file=sys.stderr)
    return 0


def _restore_command(settings, args) -> int:
    """restore --from FILE: checked, the current database kept, replaced, upgraded, audited."""
    url, source = settings.database_url, Path(args.source)
    try:
        done = backups.restore(url, source, backups.resolve(settings.backup.folder), clock.now())
    except backups.BackupError as err:
        print(f"restore refused: {err}", file=sys.stderr)
        return 1
    except OSError as err:
        print(f"restore failed: {err}", file=sys.stderr)
        return 1
    if done.kept is not None:
        print(f"the database as it was is kept in {done.kept.resolve()}")
    print(f"restored from {source.resolve()} (schema revision {done.revision})")
    print(backups.counts_text(done.counts))
    engine = make_engine(url)
    try:
        migrate(engine)  # an older backup is upgraded as the app's start-up would
        with transaction(engine) as session:
            audit.record(session, actor=CLI, action="database.restore", entity="database", entity_id=None,
                         at=clock.now(), after={"from": str(source.resolve()), "revision": done.revision,
                                                "kept": str(done.kept.resolve()) if done.kept else None,
                                                "counts": done.counts})
    finally:
        engine.dispose()
    return 0


def _problems(language: str, err: ValidationFailed) -> str:
    """One line per refused field, in the configured language."""
    return "\n".join(f"{translate(language, f'users.{field}')}: {translate(language, key, **params)}"
                     for field, (key, params) in err.errors.items())


def _points_command(engine, settings: Settings, command: str) -> int:
    """check-points: every kept balance against the sum of its transfers (1 when any differs, listed);
    expire-points: points past their life back to the community (prints how many)."""
    if command == "expire-points":
        print(f"ok: expired {points.expire(engine, standard=settings.volunteer.points)} points")
        return 0
    wrong = points.check_balances(engine)
    for account_id, kept, summed in wrong:
        print(f"account {account_id}: balance {kept}, transfers sum to {summed}", file=sys.stderr)
    print("ok: every points balance equals its transfers" if not wrong else f"{len(wrong)} balances differ")
    return 1 if wrong else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    c = commands.add_parser("add-community", help="add a community (and its street) with grids")
    c.add_argument("--street", required=True)
    c.add_argument("--name", required=True)
    c.add_argument("--code", required=True)
    c.add_argument("--grids", type=int, default=1)
    u = commands.add_parser("add-user", help="add an account with one role")
    u.add_argument("username")
    u.add_argument("--name", required=True)
    u.add_argument("--role", required=True)
    u.add_argument("--community", help="community code, for community roles")
    b = commands.add_parser("briefing", help="write the leadership briefing of a period as PowerPoint or Word")
    b.add_argument("--user", required=True, help="the account whose scope and rights the briefing takes")
    b.add_argument("--period", required=True, help="YYYY-MM..YYYY-MM, or one month YYYY-MM")
    b.add_argument("--format", choices=("pptx", "docx"), default="pptx")
    b.add_argument("--out", required=True, help="the file to write")
    b.add_argument("--community", help="community code; the user's whole scope without one")
    b.add_argument("--lang", choices=LANGUAGES, help="the language of the file (default: config.yaml's)")
    d = commands.add_parser("display-link", help="make a display link for a wall screen and print its URL")
    d.add_argument("--user", required=True, help="the account that owns the link (needs briefing.display)")
    d.add_argument("--name", required=True, help="the screen's name, e.g. 街道大厅大屏")
    d.add_argument("--days", type=int, default=None, help="how long it works (default: config.yaml's)")
    d.add_argument("--community", help="community code; the whole street without one")
    d.add_argument("--slides", help="comma-separated slide names; every slide without")
    k = commands.add_parser("backup", help="copy the SQLite database while the app runs (PostgreSQL: pg_dump)")
    where = k.add_mutually_exclusive_group(required=True)
    where.add_argument("--out", help="the file to write")
    where.add_argument("--daily", action="store_true",
                       help="write backup.folder/gongzhi-YYYY-MM-DD.db and keep the newest backup.keep (for cron)")
    k.add_argument("--force", action="store_true", help="replace --out if it exists")
    r = commands.add_parser("restore", help="replace the SQLite database by a backup (stop the app first)")
    r.add_argument("--from", dest="source", required=True, help="the backup file")
    commands.add_parser("check-points", help="check that every points balance equals the sum of its transfers")
    commands.add_parser("expire-points", help="return points past volunteer.points.expire_after_years (for cron)")
    args = parser.parse_args(argv)
    settings = load_settings()
    if args.command == "backup":
        return _backup_command(settings, args)
    if args.command == "restore":
        return _restore_command(settings, args)
    engine = open_database(settings)
    if args.command == "briefing":
        return _briefing_command(engine, settings, args)
    if args.command == "display-link":
        args.days = settings.briefing.link_days if args.days is None else args.days
        return _display_link_command(engine, settings, args)
    if args.command in ("check-points", "expire-points"):
        return _points_command(engine, settings, args.command)
    try:
        if args.command == "add-community":
            new_id = add_community(engine, street=args.street, name=args.name, code=args.code, grids=args.grids)
        else:
            password = getpass.getpass("密码: ") if sys.stdin.isatty() else sys.stdin.readline().rstrip("\n")
            new_id = add_user(engine, settings, username=args.username, name=args.name, role=args.role,
                              community=args.community, password=password)
    except ValidationFailed as err:
        print(_problems(settings.language, err), file=sys.stderr)
        return 1
    except DomainError as err:
        print(translate(settings.language, err.key, **err.params), file=sys.stderr)
        return 1
    except IntegrityError:
        print(translate(settings.language, "cli.exists"), file=sys.stderr)
        return 1
    print(f"ok: {args.command} id={new_id}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
