"""Set up a production install (demo mode off) from the shell: streets, communities with grids, accounts.

    python -m data_access.cli add-community --street 青春山街道 --name 康盛社区 --code KS --grids 6
    python -m data_access.cli add-user wangli --name 王丽娟 --role secretary --community KS

The password is read from the terminal (or one line of standard input). Every write is audited as "cli".
"""

from __future__ import annotations

import argparse
import getpass
import sys

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from data_access import audit, clock
from data_access.accounts import users
from data_access.bootstrap import open_database
from data_access.config import load_settings
from data_access.db import reading, transaction
from data_access.models import Community, Grid, Street
from domain.access import Actor, Grant
from domain.errors import DomainError, ValidationFailed
from i18n import translate

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


def _problems(language: str, err: ValidationFailed) -> str:
    """One line per refused field, in the configured language."""
    return "\n".join(f"{translate(language, f'users.{field}')}: {translate(language, key, **params)}"
                     for field, (key, params) in err.errors.items())


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
    args = parser.parse_args(argv)
    settings = load_settings()
    engine = open_database(settings)
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
