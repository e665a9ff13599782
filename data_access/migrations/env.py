"""Alembic environment: runs on the connection handed in by data_access.db.migrate, or on a URL."""

from alembic import context
from sqlalchemy import engine_from_config, pool
from sqlmodel import SQLModel

import data_access.models  # noqa: F401  (registers every table)

config = context.config
target_metadata = SQLModel.metadata


def run(connection) -> None:  # noqa: ANN001
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=connection.dialect.name == "sqlite", compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    run(connection)
else:
    from data_access.config import load_settings
    from data_access.db import make_engine

    url = config.get_main_option("sqlalchemy.url") or load_settings().database_url
    engine = make_engine(url) if url else engine_from_config({}, poolclass=pool.NullPool)
    with engine.connect() as conn:
        run(conn)
        conn.commit()
