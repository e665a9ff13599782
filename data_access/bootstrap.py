"""Start-up: check config against the data, migrate to head, seed demo data into an empty database."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import Engine, select, text

from data_access.db import make_engine, migrate, transaction
from data_access.demo import street
from data_access.models import Matter, MatterTally
from data_access.service import queries as service_queries
from data_access.service import tally
from domain.errors import ConfigError
from domain.settings import Settings

STARTUP_LOCK = 3650001  # the advisory-lock key of Gongzhi's start-up


def open_database(settings: Settings) -> Engine:
    """The engine for settings.database_url, upgraded to head, seeded if demo mode finds it empty."""
    engine = make_engine(settings.database_url)
    with startup_lock(engine):
        migrate(engine)
        if settings.demo_mode:
            street.seed(engine, settings)  # only into an empty database
        ensure_tally(engine)
    check_codes(engine, settings)
    return engine


@contextmanager
def startup_lock(engine: Engine):
    """On PostgreSQL, processes starting together migrate and seed one at a time (an advisory lock)."""
    if engine.dialect.name != "postgresql":
        yield
        return
    with engine.connect() as conn:
        conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": STARTUP_LOCK})
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": STARTUP_LOCK})


def ensure_tally(engine: Engine) -> None:
    """Count the monthly tally once for a database that has matters but no tally (older or bulk-loaded)."""
    with transaction(engine) as session:
        has_tally = session.execute(select(MatterTally.month).limit(1)).first() is not None
        if not has_tally and session.execute(select(Matter.id).limit(1)).first() is not None:
            tally.rebuild(session)


def check_codes(engine: Engine, settings: Settings) -> None:
    """Refuse to start when stored matters use a category, channel or mode that config.yaml lacks."""
    for column, options in (("category", settings.categories), ("channel", settings.channels),
                            ("mode", settings.modes), ("urgency", settings.urgencies)):
        unknown = service_queries.unknown_codes(engine, column, {o.code for o in options})
        if unknown:
            raise ConfigError("config.codes_in_use", column=column, codes=", ".join(unknown))
