"""volunteer tally and the city's order indexes

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04

Measured on the benchmark city (bench.volunteer_measure, median of 5; 120,000 volunteers, 1,727 teams, 500,000
orders, 881,127 transfers; SQLite, 2 cores):

- The volunteer overview of the whole city read every order and transfer of the year, nine times over (orders by
  step, the time to take, to sign off and the hours, the ratings, late orders, points by kind, hours by team and by
  month): 1.79 s of SQL, the read 1.83 s, the page 1.98 s cold. It now reads volunteer_tally, kept by every write of
  an order and every transfer in its transaction (data_access.volunteer.tally): 57,540 rows for the city, a few per
  community and month. Filled here from the orders and transfers already stored. After: SQL 0.055 s, the read
  0.070 s, the page 0.31 s cold.
- Orders dispatched and not taken in time, street-wide (the overview's figure and the orders page's late filter)
  scanned the orders: (step, dispatched_at) and take_minutes let the two halves of the filter read an index each
  (the overview's count of 1,605: 0.10 s -> 0.0001 s; the late filter's page and count of 38,128: 0.131 s ->
  0.004 s).
- The orders page's 不满意 filter and a month's sign-offs scanned the orders street-wide: (flagged, id) and
  (signed_month, step) (0.110 s -> 0.0007 s and 0.131 s -> 0.0016 s, page and count).
- The honour roll of the whole city sorted every volunteer (0.058 s): (hours_tenths, id) reads the top ten
  (0.0001 s).

This upgrade took 5.0 s on the city's SQLite file (the fill reads the orders and transfers once with GROUP BY; the
indexes are plain CREATE INDEX: writes to the tables wait while they are built).
"""
import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

ZONE = 'Asia/Shanghai'  # data_access.clock.ZONE as of this revision
SQLITE_OFFSET = '+480 minutes'  # its offset: +08:00, without summer time since 1991


def _month(column: str) -> str:
    """The local month (YYYY-MM) of a stored time: timestamptz on PostgreSQL, naive UTC text on SQLite."""
    if op.get_bind().dialect.name == 'postgresql':
        return f"to_char({column} AT TIME ZONE '{ZONE}', 'YYYY-MM')"
    return f"strftime('%Y-%m', {column}, '{SQLITE_OFFSET}')"


def _fill() -> None:
    """The tally counted from what is stored (the same rows as data_access.volunteer.tally.rebuild)."""
    requested, taken, rated, moved = (_month(c) for c in ('requested_at', 'taken_at', 'rated_at', 'at'))
    rating = "rated_at IS NOT NULL AND rating IS NOT NULL AND rating <> ''"
    signed = "signed_month IS NOT NULL AND signed_month <> ''"
    team = "coalesce(CAST(team_id AS VARCHAR), '')"
    code = "CASE WHEN redemption_id IS NULL THEN kind ELSE kind || '/redemption' END"
    parts = [
        f"SELECT community_id, {requested}, 'step', CAST(step AS VARCHAR), count(*), 0 FROM volunteer_order "
        f"GROUP BY community_id, {requested}, CAST(step AS VARCHAR)",
        f"SELECT community_id, {taken}, 'take', '', count(*), sum(take_minutes) FROM volunteer_order "
        f"WHERE take_minutes IS NOT NULL AND taken_at IS NOT NULL GROUP BY community_id, {taken}",
        f"SELECT community_id, signed_month, 'sign', '', count(*), sum(sign_minutes) FROM volunteer_order "
        f"WHERE {signed} AND sign_minutes IS NOT NULL GROUP BY community_id, signed_month",
        f"SELECT community_id, signed_month, 'hours', {team}, count(*), sum(hours_tenths) FROM volunteer_order "
        f"WHERE {signed} GROUP BY community_id, signed_month, {team}",
        f"SELECT community_id, {rated}, 'rated', rating, count(*), 0 FROM volunteer_order WHERE {rating} "
        f"GROUP BY community_id, {rated}, rating",
        f"SELECT community_id, {rated}, 'flagged', '', count(*), 0 FROM volunteer_order WHERE {rating} "
        f"AND flagged GROUP BY community_id, {rated}",
        f"SELECT community_id, {moved}, 'points', {code}, count(*), sum(points) FROM points_transfer "
        f"GROUP BY community_id, {moved}, {code}",
    ]
    for part in parts:
        op.execute(f"INSERT INTO volunteer_tally (community_id, month, dim, code, n, total) {part}")


def upgrade() -> None:
    op.create_table('volunteer_tally',
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('month', sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
    sa.Column('dim', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_volunteer_tally_community_id_community')),
    sa.PrimaryKeyConstraint('community_id', 'month', 'dim', 'code', name=op.f('pk_volunteer_tally'))
    )
    _fill()
    with op.batch_alter_table('volunteer_tally', schema=None) as batch_op:
        batch_op.create_index('ix_volunteer_tally_month', ['month', 'dim', 'code', 'n', 'total'], unique=False)
    with op.batch_alter_table('volunteer', schema=None) as batch_op:
        batch_op.create_index('ix_volunteer_hours', ['hours_tenths', 'id'], unique=False)
    with op.batch_alter_table('volunteer_order', schema=None) as batch_op:
        batch_op.create_index('ix_volunteer_order_flagged', ['flagged', 'id'], unique=False)
        batch_op.create_index('ix_volunteer_order_signed_month', ['signed_month', 'step'], unique=False)
        batch_op.create_index('ix_volunteer_order_step_dispatched', ['step', 'dispatched_at'], unique=False)
        batch_op.create_index('ix_volunteer_order_take_minutes', ['take_minutes'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('volunteer_order', schema=None) as batch_op:
        batch_op.drop_index('ix_volunteer_order_take_minutes')
        batch_op.drop_index('ix_volunteer_order_step_dispatched')
        batch_op.drop_index('ix_volunteer_order_signed_month')
        batch_op.drop_index('ix_volunteer_order_flagged')
    with op.batch_alter_table('volunteer', schema=None) as batch_op:
        batch_op.drop_index('ix_volunteer_hours')
    with op.batch_alter_table('volunteer_tally', schema=None) as batch_op:
        batch_op.drop_index('ix_volunteer_tally_month')
    op.drop_table('volunteer_tally')
