"""The benchmark database: streets, communities, grids, the demo accounts and `n` matters with their timelines.

Matters come from data_access.demo.sample (the demo's generator) and are inserted in chunks of CHUNK matters, committed
every TRANSACTION matters, so memory stays flat. The same scale and `now` always give the same rows. Then
bench.trail adds the staff accounts and the audit trail, and bench.committee the joint committees, each once, also
to a file made before it existed.
"""

from __future__ import annotations

import itertools
import random
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, func, insert, select, text

from bench import committee, trail
from data_access.bootstrap import ensure_tally
from data_access.db import make_engine, migrate, transaction
from data_access.demo import sample
from data_access.demo.street import add_accounts
from data_access.models import Community, Grid, Matter, MatterEvent, Street
from data_access.service import tally
from domain.settings import Settings

DATA = Path(__file__).resolve().parent / "data"
CHUNK = 20_000
TRANSACTION = 100_000
SEED = 365

STREETS = ["青春山", "解放路", "和平里", "东湖", "西园", "南苑", "北关", "新华", "朝阳", "光明", "振兴", "龙泉",
           "长安", "滨江", "锦绣", "文昌"]
SYLLABLES = "康和泰盛安宁平乐福寿丰华兴隆祥瑞春秋明德惠民佳园景苑嘉禾翠柳桂兰"


@dataclass(frozen=True)
class Scale:
    name: str
    streets: int
    communities: int
    matters: int


SCALES = {
    "demo": Scale("demo", 1, 3, 300),
    "district": Scale("district", 6, 117, 200_000),
    "city": Scale("city", 12, 217, 1_000_000),
}


def say(message: str) -> None:
    print(message, flush=True)


def database_path(scale: Scale) -> Path:
    return DATA / f"{scale.name}.db"


def matter_count(engine: Engine) -> int | None:
    """Rows in the matter table, or None if the database has no schema yet."""
    try:
        with engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(Matter)).scalar_one()
    except Exception:  # noqa: BLE001 - a missing table or a broken file both mean "generate again"
        return None


def checkpoint(engine: Engine) -> None:
    with engine.connect() as conn:
        conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))


def ensure(scale: Scale, settings: Settings, now: datetime, *,
           log=say) -> tuple[Path, float | None, float | None, float | None]:
    """The database file for `scale`, generated unless it already holds exactly scale.matters matters, with its
    accounts and audit trail and its joint committees (added to an existing file that lacks them).

    Returns the path, the generation time of the matters, that of the accounts and trail and that of the
    committees in seconds (None for what an existing file already had).
    """
    path = database_path(scale)
    if path.exists():
        engine = make_engine(f"sqlite:///{path}")
        found = matter_count(engine)
        if found == scale.matters:
            try:
                migrate(engine)  # a newer migration (an index, say) is built here, not in the first timed page
                ensure_tally(engine)
                log(f"Reusing {path} ({found:,} matters), schema at head.")
                trail_s = trail.ensure(engine, settings, now, log=log)
                committee_s = committee.ensure(engine, settings, now, log=log)
                if trail_s is not None or committee_s is not None:
                    checkpoint(engine)
            finally:
                engine.dispose()
            return path, None, trail_s, committee_s
        engine.dispose()
        log(f"{path} holds {found} matters, not {scale.matters:,}: generating it again.")
    for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        stale.unlink(missing_ok=True)
    started = time.perf_counter()
    engine = make_engine(f"sqlite:///{path}")
    try:
        migrate(engine)
        generate(engine, scale, settings, now, log=log)
        seconds = time.perf_counter() - started
        trail_s = trail.ensure(engine, settings, now, log=log)
        committee_s = committee.ensure(engine, settings, now, log=log)
        checkpoint(engine)
    finally:
        engine.dispose()
    log(f"Generated {path} in {time.perf_counter() - started:.0f} s ({path.stat().st_size / 2**20:,.0f} MiB).")
    return path, seconds, trail_s, committee_s


def generate(engine: Engine, scale: Scale, settings: Settings, now: datetime, *, log=say) -> None:
    """Fill an empty, migrated database."""
    rng = random.Random(SEED)
    places, actors = _organisation(engine, scale, rng, now)
    log(f"{scale.streets} streets, {len(places)} communities, {sum(len(g) for _, g in places)} grids; "
        f"generating {scale.matters:,} matters ...")
    rows = sample.matters(rng, settings, places, scale.matters, now, actors=actors)
    done = events = 0
    started = time.perf_counter()
    while done < scale.matters:
        with transaction(engine) as session:
            session.execute(text("PRAGMA cache_size=-65536"))  # 64 MiB of page cache for the index updates
            for _ in range(0, TRANSACTION, CHUNK):
                matters, timeline = [], []
                for matter, steps in itertools.islice(rows, CHUNK):
                    matters.append(matter)
                    timeline.extend(steps)
                if not matters:
                    break
                session.execute(insert(Matter.__table__), matters)  # Core: half the time of ORM bulk
                session.execute(insert(MatterEvent.__table__), timeline)
                done += len(matters)
                events += len(timeline)
        elapsed = time.perf_counter() - started
        eta = elapsed / done * (scale.matters - done)
        log(f"  {done:>9,} / {scale.matters:,} matters, {events:>10,} events, {elapsed:5.0f} s, ETA {eta:4.0f} s")
    with transaction(engine) as session:
        tally.rebuild(session)
    log(f"  monthly tally counted in {time.perf_counter() - started - elapsed:.0f} s")


def _organisation(engine: Engine, scale: Scale, rng: random.Random,
                  now: datetime) -> tuple[list[tuple[int, list[int]]], list[tuple[int, str]]]:
    """Streets, communities with 3-8 grids each, and the demo accounts (community roles in the first community).

    Returns the (community id, grid ids) places and the (user id, name) actors of the timelines.
    """
    names = [a + b for a, b in itertools.permutations(SYLLABLES, 2)]
    names = rng.sample(names, scale.communities)
    places = []
    with transaction(engine) as session:
        streets = [Street(name=f"{STREETS[i % len(STREETS)]}街道") for i in range(scale.streets)]
        session.add_all(streets)
        session.flush()
        for index, name in enumerate(names):
            community = Community(street_id=streets[index % scale.streets].id, name=f"{name}社区",
                                  code=f"C{index + 1:03d}")
            session.add(community)
            session.flush()
            grids = [Grid(community_id=community.id, name=f"{name}第{i}网格") for i in range(1, rng.randint(3, 8) + 1)]
            session.add_all(grids)
            session.flush()
            places.append((community.id, [g.id for g in grids]))
        actors = add_accounts(session, [community_id for community_id, _ in places], now)
    return places, actors
