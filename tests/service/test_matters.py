"""Write functions and SQL reads of the 365 workflow, on SQLite and (with TEST_DATABASE_URL) PostgreSQL."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import delete, func, select, text

from data_access.bootstrap import check_codes, ensure_tally
from data_access.db import make_engine, migrate, reading, transaction
from data_access.demo import street
from data_access.models import (
    AuditLog,
    CouncilMeeting,
    CouncilTopic,
    Grid,
    Matter,
    MatterEvent,
    MatterTally,
    MemberUnit,
    User,
)
from data_access.service import queries as q
from data_access.service import tally
from data_access.service.exports import ledger_xlsx
from data_access.service.kpis import overview
from data_access.service.writes import advance_matter, compute_deadline, create_matter
from domain.access import Actor, grants_for
from domain.errors import ConfigError, DomainError, PermissionDenied, ValidationFailed
from domain.service.kpi import compute
from domain.service.workflow import Action, Step
from tests.conftest import NOW

TODAY = NOW.date()
pytestmark = pytest.mark.db


def count(engine, model) -> int:
    with reading(engine) as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


def grid_of(engine, community_id: int) -> int:
    with reading(engine) as session:
        return session.execute(select(Grid.id).where(Grid.community_id == community_id)).scalars().first()


def new_matter(engine, settings, actor, **changes) -> Matter:
    data = {"channel": "cadre", "sub_source": "home_visit", "community_id": 1, "grid_id": grid_of(engine, 1),
            "reporter_name": "李桂英", "reporter_phone": "13912345678", "description": "3号楼电梯又停了，老人下不了楼",
            "category": "property", "urgency": "urgent", "mode": "team", "registered_at": NOW - timedelta(hours=2)}
    data.update(changes)
    return create_matter(engine, actor=actor, settings=settings, data=data, now=NOW)


def advance(engine, settings, actor, matter, action, **data):
    return advance_matter(engine, actor=actor, settings=settings, matter_id=matter.id, action=action, data=data,
                          now=NOW)


def secretary_of(settings, community_id: int) -> Actor:
    """A party secretary of another community, not one of the demo accounts."""
    return Actor(99, "other", "其他社区书记", grants_for(settings, [("secretary", community_id, None)]))


def test_migrations_build_exactly_the_models(engine):
    """Alembic's head and the SQLModel tables agree: no column, index or constraint is missing from either."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from data_access.models import metadata

    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []


def upgraded_to(engine, revision: str) -> None:
    """Empty the database and build its schema as it was at `revision`."""
    from alembic import command
    from alembic.config import Config

    from data_access.db import MIGRATIONS

    with engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        for table in reversed(__import__("data_access.models", fromlist=["metadata"]).metadata.sorted_tables):
            conn.execute(text(f'DROP TABLE IF EXISTS "{table.name}" CASCADE' if engine.dialect.name == "postgresql"
                              else f'DROP TABLE IF EXISTS "{table.name}"'))
        if engine.dialect.name == "postgresql":
            conn.execute(text("DROP FUNCTION IF EXISTS audit_log_append_only() CASCADE"))
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def test_an_installation_with_data_upgrades_from_0003(engine):
    """Matters, events and audit entries refer to accounts: the upgrade may not rebuild the accounts table."""
    upgraded_to(engine, "0003")
    with engine.begin() as conn:
        for statement in [
            "INSERT INTO street (id, name) VALUES (1, '青春山街道')",
            "INSERT INTO community (id, street_id, name, code) VALUES (1, 1, '康盛社区', 'KS')",
            "INSERT INTO grid (id, community_id, name) VALUES (1, 1, '康盛第1网格')",
            "INSERT INTO user_account (id, username, display_name, password_hash, is_active, created_at) "
            "VALUES (1, 'wangli', '王丽娟', 'x', true, '2026-11-01 00:00:00')",
            "INSERT INTO user_role (id, user_id, role, community_id) VALUES (1, 1, 'secretary', 1)",
            "INSERT INTO matter (id, registered_at, channel, sub_source, community_id, grid_id, anonymous, "
            "description, category, urgency, mode, step, deadline, extension_count, reopen_count, escalated, "
            "created_by, updated_at) VALUES (1, '2026-11-01 00:00:00', 'cadre', 'home_visit', 1, 1, false, "
            "'楼道灯坏了', 'request', 'normal', 'team', 1, '2026-11-10', 0, 0, false, 1, '2026-11-01 00:00:00')",
            "INSERT INTO matter_event (id, matter_id, at, actor_id, actor_name, action, step_to) "
            "VALUES (1, 1, '2026-11-01 00:00:00', 1, '王丽娟', 'record', 1)",
            "INSERT INTO audit_log (id, at, actor_id, actor_name, action, entity, entity_id, community_id) "
            "VALUES (1, '2026-11-01 00:00:00', 1, 'wangli', 'matter.create', 'matter', 1, 1)",
        ]:
            conn.execute(text(statement))
    migrate(engine)
    with reading(engine) as session:
        user = session.get(User, 1)
        assert user.username == "wangli" and user.failed_logins == 0 and user.email is None
        assert session.get(Matter, 1).reporter_id_number is None and count(engine, AuditLog) == 1


def test_councils_held_before_0008_get_their_counts_and_withdrawals(engine):
    """0008 counts the attendance of meetings already closed (the overview sums those counts) and takes a topic's
    withdrawal day and reason from its audit entry."""
    upgraded_to(engine, "0007")
    now = "'2026-11-01 00:00:00'"
    with engine.begin() as conn:
        for statement in [
            "INSERT INTO street (id, name) VALUES (1, '青春山街道')",
            "INSERT INTO community (id, street_id, name, code) VALUES (1, 1, '康盛社区', 'KS')",
            f"INSERT INTO council (id, community_id, name, kind, established_on, active, updated_at) "
            f"VALUES (1, 1, '康盛社区居民议事会', 'resident_council', '2024-01-01', true, {now})",
            *(f"INSERT INTO council_member (id, community_id, council_id, name, seat, term_start, active, convener, "
              f"updated_at) VALUES ({n}, 1, 1, '成员{n}', 'resident', '2024-01-01', true, {str(n == 1).lower()}, "
              f"{now})" for n in (1, 2, 3, 4)),
            *(f"INSERT INTO council_meeting (id, community_id, council_id, kind, day, status, updated_at) "
              f"VALUES ({n}, 1, 1, 'discussion', '2026-10-0{n}', '{status}', {now})"
              for n, status in ((1, "closed"), (2, "open"), (3, "planned"))),
            *(f"INSERT INTO council_attendance (meeting_id, member_id, status) VALUES ({m}, {n}, '{status}')"
              for m, n, status in ((1, 1, "present"), (1, 2, "present"), (1, 3, "excused"), (1, 4, "absent"),
                                   (2, 1, "present"))),
            *(f"INSERT INTO council_topic (id, community_id, council_id, title, source, raised_on, stage, "
              f"updated_at) VALUES ({n}, 1, 1, '议题{n}', 'member', '2026-09-01', '{stage}', {now})"
              for n, stage in ((1, "withdrawn"), (2, "raised"), (3, "withdrawn"))),
            *(f"INSERT INTO audit_log (id, at, actor_id, actor_name, action, entity, entity_id, community_id, after) "
              f"VALUES ({n}, '{at}', NULL, 'wangli', 'council.topic_update', 'council_topic', {n}, 1, "
              f"'{{\"stage\": \"withdrawn\", \"reason\": \"{reason}\"}}')"
              for n, at, reason in ((1, "2026-09-05 10:00:00", "已协调解决"),  # times are stored in UTC:
                                    (3, "2026-09-05 17:30:00", "居民自行解决"))),  # 01:30 on the 6th in Beijing
        ]:
            conn.execute(text(statement))
    migrate(engine)
    with reading(engine) as session:
        counted = {m.id: (m.expected, m.present, m.excused) for m in session.execute(select(CouncilMeeting)).scalars()}
        topics = {t.id: (t.withdrawn_on, t.withdraw_reason) for t in session.execute(select(CouncilTopic)).scalars()}
    assert counted == {1: (4, 2, 1), 2: (None, None, None), 3: (None, None, None)}
    assert topics == {1: (date(2026, 9, 5), "已协调解决"), 2: (None, None), 3: (date(2026, 9, 6), "居民自行解决")}


def test_migration_is_idempotent(engine):
    migrate(engine)
    migrate(engine)
    assert count(engine, Matter) == 0


def test_record_a_matter_with_deadline_timeline_and_audit(demo_engine, settings, actors):
    before_audit = count(demo_engine, AuditLog)
    m = new_matter(demo_engine, settings, actors["worker"])
    assert m.number.startswith("MQ20261120") and m.step == Step.ANALYSE
    assert m.deadline == compute_deadline(settings, m.registered_at, "property", "urgent")
    assert m.deadline == settings.calendar.add_working_days(TODAY, 2)
    detail = q.matter_detail(demo_engine, m.id, actor=actors["leader"])
    assert list(detail.events["action"]) == ["record"] and detail.events["actor"][0] == "康盛社区社工 张敏"
    with reading(demo_engine) as session:
        entry = session.execute(select(AuditLog).order_by(AuditLog.id.desc())).scalars().first()
    assert count(demo_engine, AuditLog) == before_audit + 1
    assert (entry.action, entry.entity_id, entry.actor_name, entry.before) == ("matter.create", m.id, "worker", None)
    assert entry.after["description"] == "3号楼电梯又停了，老人下不了楼"


def test_full_workflow_to_closure_with_reopening(demo_engine, settings, actors):
    sec = actors["secretary"]
    m = new_matter(demo_engine, settings, sec)
    advance(demo_engine, settings, sec, m, Action.ANALYSE, handler="张敏", supervisor="王丽娟", mode="proxy", note="")
    advance(demo_engine, settings, sec, m, Action.REGISTER, ledger_no="TZ-KS-0001", deadline=m.deadline)
    advance(demo_engine, settings, sec, m, Action.PROGRESS, note="已联系电梯维保公司")
    m = advance(demo_engine, settings, sec, m, Action.EXTEND, reason="配件需从厂家调货",
                deadline=m.deadline + timedelta(days=3))
    assert m.extension_count == 1
    for _ in range(3):
        advance(demo_engine, settings, sec, m, Action.COMPLETE, result="更换了主板")
        advance(demo_engine, settings, sec, m, Action.FEEDBACK, content="电话告知已修好", method="phone")
        m = advance(demo_engine, settings, sec, m, Action.EVALUATE, evaluation="dissatisfied", comment="又坏了")
        assert m.step == Step.HANDLE
    assert m.reopen_count == 3 and m.escalated
    advance(demo_engine, settings, sec, m, Action.COMPLETE, result="整机更换")
    advance(demo_engine, settings, sec, m, Action.FEEDBACK, content="上门告知", method="visit")
    advance(demo_engine, settings, sec, m, Action.EVALUATE, evaluation="satisfied", comment="")
    m = advance(demo_engine, settings, sec, m, Action.ASSESS, score=88, note="")
    assert (m.step, m.score, m.handled_on_time) == (Step.CLOSED, 88, True)
    assert m.closed_at is not None and m.handling_days == pytest.approx(2 / 24, abs=0.01)
    events = q.matter_detail(demo_engine, m.id, actor=actors["secretary"]).events
    assert len(events) == 1 + 4 + 9 + 4
    assert list(events["step_to"])[-1] == Step.CLOSED
    with reading(demo_engine) as session:
        trail = session.execute(select(AuditLog.action, AuditLog.before, AuditLog.after)
                                .where(AuditLog.entity == "matter", AuditLog.entity_id == m.id)
                                .order_by(AuditLog.id)).all()
    assert [a for a, _, _ in trail][:3] == ["matter.create", "matter.analyse", "matter.register"]
    assert trail[-1].before["step"] == Step.ASSESS and trail[-1].after["step"] == Step.CLOSED


@pytest.mark.parametrize(("action", "data", "key"), [
    (Action.COMPLETE, {"result": "做完了"}, "workflow.not_allowed"),            # skipped steps
    (Action.EVALUATE, {"evaluation": "satisfied"}, "workflow.not_allowed"),     # not yet fed back
    (Action.ASSESS, {"score": 90}, "workflow.not_allowed"),
])
def test_refused_transitions_write_nothing(demo_engine, settings, actors, action, data, key):
    m = new_matter(demo_engine, settings, actors["secretary"])
    events, audits = count(demo_engine, MatterEvent), count(demo_engine, AuditLog)
    with pytest.raises(DomainError) as err:
        advance(demo_engine, settings, actors["secretary"], m, action, **data)
    assert err.value.key == key
    assert (count(demo_engine, MatterEvent), count(demo_engine, AuditLog)) == (events, audits)
    assert q.matter_detail(demo_engine, m.id, actor=actors["leader"]).matter.step == Step.ANALYSE


def test_bad_input_writes_nothing(demo_engine, settings, actors):
    matters = count(demo_engine, Matter)
    with pytest.raises(ValidationFailed) as err:
        new_matter(demo_engine, settings, actors["secretary"], reporter_phone="12345", grid_id=grid_of(demo_engine, 2))
    assert set(err.value.errors) == {"reporter_phone", "grid_id"}
    assert count(demo_engine, Matter) == matters
    m = new_matter(demo_engine, settings, actors["secretary"])
    advance(demo_engine, settings, actors["secretary"], m, Action.ANALYSE, handler="张敏", supervisor="王", mode="team")
    with pytest.raises(ValidationFailed) as err:
        advance(demo_engine, settings, actors["secretary"], m, Action.REGISTER, ledger_no="X",
                deadline=TODAY - timedelta(days=3))
    assert err.value.errors["deadline"][0] == "error.deadline_before_registration"
    advance(demo_engine, settings, actors["secretary"], m, Action.REGISTER, ledger_no="X", deadline=m.deadline)
    with pytest.raises(ValidationFailed):
        advance(demo_engine, settings, actors["secretary"], m, Action.EXTEND, reason="", deadline=m.deadline)
    other = new_matter(demo_engine, settings, actors["secretary"])
    advance(demo_engine, settings, actors["secretary"], other, Action.ANALYSE, handler="张", supervisor="王",
            mode="team")
    with pytest.raises(ValidationFailed) as err:
        advance(demo_engine, settings, actors["secretary"], other, Action.REGISTER, ledger_no="X", deadline=m.deadline)
    assert err.value.errors["ledger_no"][0] == "error.ledger_no_taken"
    assert q.matter_detail(demo_engine, other.id, actor=actors["leader"]).matter.step == Step.LEDGER


def test_permissions_and_scope(demo_engine, settings, actors):
    audits = count(demo_engine, AuditLog)
    with pytest.raises(PermissionDenied):
        new_matter(demo_engine, settings, actors["leader"])
    with pytest.raises(PermissionDenied):    # the secretary of community 1 writing in community 2
        new_matter(demo_engine, settings, actors["secretary"], community_id=2, grid_id=grid_of(demo_engine, 2))
    assert count(demo_engine, AuditLog) == audits
    m = new_matter(demo_engine, settings, actors["worker"])
    for action, data in [(Action.ANALYSE, {"handler": "张", "supervisor": "王", "mode": "team"}),
                         (Action.REGISTER, {"ledger_no": "P-1", "deadline": m.deadline}),
                         (Action.COMPLETE, {"result": "已处理"}),
                         (Action.FEEDBACK, {"content": "已告知", "method": "phone"})]:
        advance(demo_engine, settings, actors["worker"], m, action, **data)
    with pytest.raises(PermissionDenied):    # steps 5-6 need the secretary
        advance(demo_engine, settings, actors["worker"], m, Action.EVALUATE, evaluation="satisfied")
    assert q.matter_detail(demo_engine, m.id, actor=secretary_of(settings, 2)) is None
    with pytest.raises(DomainError) as err:
        advance_matter(demo_engine, actor=actors["secretary"], settings=settings, matter_id=m.id,
                       action=Action.EVALUATE, data={"evaluation": "satisfied"}, now=NOW, expected_step=Step.FEEDBACK)
    assert err.value.key == "workflow.changed_meanwhile"


def test_ledger_filters_pages_and_sorts_in_sql(demo_engine, settings, actors):
    everything = q.MatterFilter()
    total = q.count_matters(demo_engine, everything, actor=actors["leader"], today=TODAY)
    assert total == 300
    page1 = q.ledger_page(demo_engine, everything, actor=actors["leader"], today=TODAY, page=1, page_size=50)
    page2 = q.ledger_page(demo_engine, everything, actor=actors["leader"], today=TODAY, page=2, page_size=50)
    assert len(page1) == 50 and not set(page1["id"]) & set(page2["id"])
    assert page1["registered_at"].is_monotonic_decreasing
    by_deadline = q.ledger_page(demo_engine, everything, actor=actors["leader"], today=TODAY, sort="deadline",
                                descending=False)
    assert by_deadline["deadline"].is_monotonic_increasing
    mine = q.MatterFilter(community_ids=(1,), category="complaint")
    rows = q.ledger_page(demo_engine, mine, actor=actors["leader"], today=TODAY, page_size=500)
    assert len(rows) == q.count_matters(demo_engine, mine, actor=actors["leader"], today=TODAY) > 0
    assert set(rows["community"]) == {"康盛社区"} and set(rows["category"]) == {"complaint"}
    overdue = q.ledger_page(demo_engine, q.MatterFilter(overdue_only=True), actor=actors["leader"], today=TODAY,
                            page_size=500)
    assert len(overdue) > 0 and overdue["overdue"].all()
    assert all(d < TODAY for d in overdue["deadline"]) and (overdue["step"] < Step.CLOSED).all()
    assert q.count_matters(demo_engine, q.MatterFilter(text="50%_不存在"), actor=actors["leader"], today=TODAY) == 0
    month = q.MatterFilter(date_from=date(2026, 10, 1), date_to=date(2026, 10, 31))
    october = q.ledger_page(demo_engine, month, actor=actors["leader"], today=TODAY, page_size=500)
    assert len(october) > 0 and all(r.month == 10 for r in october["registered_at"])
    assert q.count_matters(demo_engine, q.MatterFilter(community_ids=()), actor=actors["leader"], today=TODAY) == 0


def test_handled_matters_are_not_overdue_and_a_redo_is_judged_again(demo_engine, settings, actors):
    sec = actors["secretary"]
    m = new_matter(demo_engine, settings, sec, registered_at=NOW - timedelta(days=20))
    advance(demo_engine, settings, sec, m, Action.ANALYSE, handler="张", supervisor="王", mode="team")
    advance(demo_engine, settings, sec, m, Action.REGISTER, ledger_no="O-1", deadline=m.deadline)
    overdue = q.MatterFilter(overdue_only=True, text="O-1")
    assert q.count_matters(demo_engine, overdue, actor=actors["leader"], today=TODAY) == 1
    m = advance(demo_engine, settings, sec, m, Action.COMPLETE, result="已处理")
    assert m.handled_on_time is False
    assert q.count_matters(demo_engine, overdue, actor=actors["leader"], today=TODAY) == 0, "handled: no longer overdue"
    advance(demo_engine, settings, sec, m, Action.FEEDBACK, content="已告知", method="phone")
    m = advance(demo_engine, settings, sec, m, Action.EVALUATE, evaluation="dissatisfied", comment="没修好")
    assert m.handled_on_time is None, "sent back: handled again, judged again"
    assert q.count_matters(demo_engine, overdue, actor=actors["leader"], today=TODAY) == 1


def test_kpis_change_when_a_matter_is_closed(demo_engine, settings, actors):
    period = ((1,), TODAY - timedelta(days=30), TODAY)
    before = overview(demo_engine, *period, actor=actors["leader"], today=TODAY).counts
    sec = actors["secretary"]
    m = new_matter(demo_engine, settings, sec)
    for action, data in [(Action.ANALYSE, {"handler": "张", "supervisor": "王", "mode": "team"}),
                         (Action.REGISTER, {"ledger_no": "K-1", "deadline": m.deadline}),
                         (Action.COMPLETE, {"result": "已处理"}),
                         (Action.FEEDBACK, {"content": "已告知", "method": "phone"}),
                         (Action.EVALUATE, {"evaluation": "basic", "comment": ""}), (Action.ASSESS, {"score": 90})]:
        advance(demo_engine, settings, sec, m, action, **data)
    after = overview(demo_engine, *period, actor=actors["leader"], today=TODAY).counts
    assert (after.accepted, after.closed, after.rated, after.evaluations, after.basic) == \
        (before.accepted + 1, before.closed + 1, before.rated + 1, before.evaluations + 1, before.basic + 1)
    strict = compute(after, count_basic=False).satisfaction_rate
    assert compute(after, count_basic=True).satisfaction_rate > strict


def test_empty_period_counts_nothing(demo_engine, actors):
    empty = overview(demo_engine, None, date(2020, 1, 1), date(2020, 1, 31), actor=actors["leader"], today=TODAY)
    kpis = compute(empty.counts, count_basic=True)
    assert kpis.closure_rate is None and kpis.satisfaction_rate is None and kpis.avg_handling_days is None


def test_aggregates_agree_with_the_rows(demo_engine, actors):
    flt = q.MatterFilter()
    data = overview(demo_engine, None, date(2025, 1, 1), TODAY, actor=actors["leader"], today=TODAY)
    counts, rows = data.counts, q.ledger_page(demo_engine, flt, actor=actors["leader"], today=TODAY, page_size=1000)
    assert counts.accepted == len(rows) == 300
    assert data.steps["count"].sum() == data.months["accepted"].sum() == data.categories["count"].sum() == 300
    assert dict(zip(data.steps["code"], data.steps["count"], strict=True)) == rows["step"].value_counts().to_dict()
    assert dict(zip(data.channels["code"], data.channels["count"], strict=True)) == \
        rows["channel"].value_counts().to_dict()
    assert counts.closed == (rows["step"] == Step.CLOSED).sum() == data.months["closed"].sum()
    assert counts.reopened == (rows["reopen_count"] > 0).sum()
    assert len(data.months) >= 12 and data.months["month"].is_monotonic_increasing
    local_months = rows["registered_at"].dt.strftime("%Y-%m").value_counts().sort_index()
    assert list(data.months["accepted"]) == list(local_months)
    assert data.communities["evaluations"].sum() == counts.evaluations
    assert counts.evaluations == counts.satisfied + counts.basic + rows["reopen_count"].sum()
    overdue, n = q.overdue(demo_engine, flt, actor=actors["leader"], today=TODAY, limit=5)
    assert len(overdue) == min(5, n) and n == q.count_matters(demo_engine, q.MatterFilter(overdue_only=True),
                                                               actor=actors["leader"], today=TODAY)


def tally_rows(engine) -> set:
    with reading(engine) as session:
        rows = session.execute(select(MatterTally.community_id, MatterTally.month, MatterTally.dim,
                                      MatterTally.code, MatterTally.n, MatterTally.days)
                               .where(MatterTally.n != 0)).all()
    return {(*row[:5], round(row[5], 4)) for row in rows}


def test_tally_kept_by_writes_equals_a_recount(demo_engine, settings, actors):
    sec = actors["secretary"]
    steps = [(Action.ANALYSE, {"handler": "张", "supervisor": "王", "mode": "proxy"}),
             (Action.REGISTER, {"ledger_no": None, "deadline": None}), (Action.COMPLETE, {"result": "已处理"}),
             (Action.FEEDBACK, {"content": "已告知", "method": "phone"}),
             (Action.EVALUATE, {"evaluation": "dissatisfied", "comment": "没修好"}),
             (Action.COMPLETE, {"result": "重新处理"}), (Action.FEEDBACK, {"content": "已告知", "method": "visit"}),
             (Action.EVALUATE, {"evaluation": "basic", "comment": ""}), (Action.ASSESS, {"score": 80})]
    for index in range(4):     # matters left at different steps, one sent back and closed
        m = new_matter(demo_engine, settings, sec, category=["property", "complaint", "dispute", "request"][index])
        for action, data in steps[: 2 + index * 2 + (index == 3)]:
            if action is Action.REGISTER:
                data = {"ledger_no": f"T-{m.id}", "deadline": m.deadline}
            advance(demo_engine, settings, sec, m, action, **data)
    kept = tally_rows(demo_engine)
    with transaction(demo_engine) as session:
        assert tally.rebuild(session) == 304
    assert tally_rows(demo_engine) == kept


def test_a_database_without_tally_gets_one_at_start(demo_engine):
    kept = tally_rows(demo_engine)
    with transaction(demo_engine) as session:
        session.execute(delete(MatterTally))
    ensure_tally(demo_engine)
    assert tally_rows(demo_engine) == kept and kept


def test_excel_export_has_chinese_headers_and_safe_cells(demo_engine, settings, actors):
    new_matter(demo_engine, settings, actors["secretary"], description="=HYPERLINK(\"http://x\") 楼道灯不亮")
    data = ledger_xlsx(demo_engine, q.MatterFilter(community_ids=(1,)), actor=actors["secretary"], today=TODAY,
                       lang="zh", settings=settings)
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.freeze_panes == "A2"
    headers = [c.value for c in sheet[1]]
    assert headers[:4] == ["事项编号", "台账编号", "登记时间", "社区"] and "事项描述" in headers
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == q.count_matters(demo_engine, q.MatterFilter(community_ids=(1,)), actor=actors["leader"],
                                        today=TODAY)
    assert {r[3] for r in rows} == {"康盛社区"}
    assert {r[headers.index("已超期")] for r in rows} <= {"是", "否"}
    assert sheet.column_dimensions["A"].width >= 18
    assert all(not str(v).startswith("=") for r in rows for v in r if v is not None)


def test_unknown_codes_in_the_database_stop_the_start(demo_engine, settings):
    check_codes(demo_engine, settings)
    trimmed = replace(settings, categories=tuple(c for c in settings.categories if c.code != "complaint"))
    with pytest.raises(ConfigError) as err:
        check_codes(demo_engine, trimmed)
    assert err.value.key == "config.codes_in_use" and "complaint" in err.value.params["codes"]


def test_an_urgency_no_longer_configured_stops_the_start(demo_engine, settings):
    """Urgency is not in the tally: its stored values are walked through ix_matter_urgency, every one found."""
    with demo_engine.connect() as conn:
        stored = set(conn.execute(select(Matter.urgency).distinct()).scalars())
    assert len(stored) > 1
    assert q.unknown_codes(demo_engine, "urgency", set()) == sorted(stored)
    dropped = max(stored)
    trimmed = replace(settings, urgencies=tuple(u for u in settings.urgencies if u.code != dropped))
    with pytest.raises(ConfigError) as err:
        check_codes(demo_engine, trimmed)
    assert err.value.params == {"column": "urgency", "codes": dropped}


def test_two_users_saving_the_same_step_at_once_write_it_once(demo_engine, settings, actors, monkeypatch):
    import threading
    import time

    import data_access.service.writes as writes

    sec = actors["secretary"]
    m = new_matter(demo_engine, settings, sec)
    for action, data in [(Action.ANALYSE, {"handler": "张", "supervisor": "王", "mode": "team"}),
                         (Action.REGISTER, {"ledger_no": "R-1", "deadline": m.deadline}),
                         (Action.COMPLETE, {"result": "已处理"}),
                         (Action.FEEDBACK, {"content": "已告知", "method": "phone"})]:
        advance(demo_engine, settings, sec, m, action, **data)
    clean = writes.clean_step

    def slow_clean(*args, **kwargs):     # both users have read the matter before either writes
        result = clean(*args, **kwargs)
        time.sleep(0.5)
        return result

    monkeypatch.setattr(writes, "clean_step", slow_clean)
    outcomes = []

    def evaluate(verdict):
        try:
            advance_matter(demo_engine, actor=sec, settings=settings, matter_id=m.id, action=Action.EVALUATE,
                           data={"evaluation": verdict, "comment": "同时提交"}, now=NOW, expected_step=Step.EVALUATE)
            outcomes.append("saved")
        except DomainError as err:
            outcomes.append(err.key)

    threads = [threading.Thread(target=evaluate, args=(v,)) for v in ("satisfied", "dissatisfied")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["saved", "workflow.changed_meanwhile"]
    events = q.matter_detail(demo_engine, m.id, actor=actors["leader"]).events
    assert list(events["action"]).count("evaluate") == 1
    kept = tally_rows(demo_engine)
    with transaction(demo_engine) as session:
        tally.rebuild(session)
    assert tally_rows(demo_engine) == kept


def test_processes_starting_together_migrate_and_seed_once(engine, settings):
    import threading

    from data_access.bootstrap import open_database

    url = engine.url.render_as_string(hide_password=False)
    if engine.dialect.name == "sqlite":       # a database nobody has migrated yet
        url = url.replace("test.db", "fresh.db")
    errors = []

    def start():
        try:
            open_database(replace(settings, database_url=url, demo_mode=True)).dispose()
        except Exception as err:  # noqa: BLE001 - any failure of a starting process fails the test
            errors.append(err)

    threads = [threading.Thread(target=start) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    started = make_engine(url)
    # seeded once: 300 matters, 22 member units, the demo accounts and 21 further unit representatives
    assert (count(started, Matter), count(started, MemberUnit), count(started, User)) == (
        300, 22, len(street.ACCOUNTS) + 21)
    started.dispose()
