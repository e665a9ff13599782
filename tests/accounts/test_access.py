"""Issue 3 on real databases: what each role reads and writes, lockout, sessions, personal data, hostile input."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select, update

from data_access.accounts import auth
from data_access.db import reading, transaction
from data_access.models import AuditLog, Grid, Matter, User, UserRole
from data_access.service import queries as q
from data_access.service.exports import ledger_xlsx
from data_access.service.kpis import overview
from data_access.service.writes import advance_matter, create_matter
from domain.access import Actor, grants_for
from domain.errors import DomainError, PermissionDenied, ValidationFailed
from domain.service.workflow import Action, Step
from tests.conftest import NOW

TODAY = NOW.date()
pytestmark = pytest.mark.db
EVERYONE = ("admin", "leader", "secretary", "worker", "unitrep", "recorder")


def count(engine, model, *conditions) -> int:
    with reading(engine) as session:
        return session.execute(select(func.count()).select_from(model).where(*conditions)).scalar_one()


def matters_in(engine, community_id: int) -> int:
    return count(engine, Matter, Matter.community_id == community_id)


def first(engine, *conditions) -> Matter:
    with reading(engine) as session:
        return session.execute(select(Matter).where(*conditions).order_by(Matter.id)).scalars().first()


def grids_of(engine, community_id: int) -> list[int]:
    with reading(engine) as session:
        return list(session.execute(select(Grid.id).where(Grid.community_id == community_id).order_by(Grid.id))
                    .scalars())


def data(engine, community_id: int = 1, **changes) -> dict:
    values = {"channel": "resident", "sub_source": "phone", "community_id": community_id,
              "grid_id": grids_of(engine, community_id)[0], "reporter_name": "李桂英",
              "reporter_phone": "13912345678", "reporter_id_number": "11010519491231002X",
              "description": "3号楼电梯又停了，老人下不了楼", "category": "property", "urgency": "normal",
              "mode": "team", "registered_at": NOW - timedelta(hours=1)}
    return values | changes


def someone(engine, settings, *rows) -> Actor:
    """A new account holding the given (role, community, grid) rows."""
    with transaction(engine) as session:
        n = session.execute(select(func.count()).select_from(User)).scalar_one()
        user = User(username=f"someone{n}", display_name="某人", password_hash="-", created_at=NOW)
        session.add(user)
        session.flush()
        session.add_all(UserRole(user_id=user.id, role=r, community_id=c, grid_id=g) for r, c, g in rows)
        return Actor(user.id, user.username, user.display_name, grants_for(settings, rows))


def writes(engine) -> tuple[int, int]:
    return count(engine, Matter), count(engine, AuditLog)


# --- reads ---------------------------------------------------------------------------------------------------------

def test_each_role_reads_only_its_area(demo_engine, actors):
    flt = q.MatterFilter()
    seen = {name: q.count_matters(demo_engine, flt, actor=actors[name], today=TODAY) for name in EVERYONE}
    assert seen == {"admin": 0, "leader": 300, "secretary": matters_in(demo_engine, 1),
                    "worker": matters_in(demo_engine, 1), "unitrep": 0, "recorder": 0}
    other = first(demo_engine, Matter.community_id == 2)
    for name in EVERYONE:
        detail = q.matter_detail(demo_engine, other.id, actor=actors[name])
        assert (detail is not None) == (name == "leader"), name
        assert (q.find_by_number(demo_engine, other.number, actor=actors[name]) is not None) == (name == "leader")
    asked_for_other = q.MatterFilter(community_ids=(2,))
    assert q.count_matters(demo_engine, asked_for_other, actor=actors["secretary"], today=TODAY) == 0, \
        "asking for another community returns nothing"


def test_overview_figures_follow_the_scope(demo_engine, actors):
    start, end = TODAY.replace(year=TODAY.year - 1), TODAY
    accepted = {name: overview(demo_engine, None, start, end, actor=actors[name], today=TODAY).counts.accepted
                for name in EVERYONE}
    street, own = accepted["leader"], accepted["secretary"]
    assert street > own > 0
    assert accepted == {"admin": street, "leader": street, "secretary": own, "worker": own, "unitrep": own,
                        "recorder": own}
    wrong = overview(demo_engine, (2,), start, end, actor=actors["secretary"], today=TODAY).counts.accepted
    assert wrong == 0, "a community outside the scope counts nothing"


def test_a_grid_limited_worker_reads_and_handles_only_their_grids(demo_engine, settings):
    mine, theirs = grids_of(demo_engine, 1)[:2]
    worker = someone(demo_engine, settings, ("worker", 1, mine))
    flt = q.MatterFilter()
    assert q.count_matters(demo_engine, flt, actor=worker, today=TODAY) == count(demo_engine, Matter,
                                                                                 Matter.grid_id == mine)
    assert q.matter_detail(demo_engine, first(demo_engine, Matter.grid_id == theirs).id, actor=worker) is None
    before = writes(demo_engine)
    with pytest.raises(PermissionDenied):
        create_matter(demo_engine, actor=worker, settings=settings, data=data(demo_engine, grid_id=theirs), now=NOW)
    assert writes(demo_engine) == before
    create_matter(demo_engine, actor=worker, settings=settings, data=data(demo_engine, grid_id=mine), now=NOW)
    assert writes(demo_engine) == (before[0] + 1, before[1] + 1)


def test_roles_in_two_communities_read_and_write_in_both(demo_engine, settings):
    both = someone(demo_engine, settings, ("secretary", 1, None), ("worker", 2, None))
    assert q.count_matters(demo_engine, q.MatterFilter(), actor=both, today=TODAY) == \
        matters_in(demo_engine, 1) + matters_in(demo_engine, 2)
    there = create_matter(demo_engine, actor=both, settings=settings, data=data(demo_engine, 2), now=NOW)
    with pytest.raises(PermissionDenied):  # the worker role in community 2 may not evaluate there
        advance_matter(demo_engine, actor=both, settings=settings, matter_id=there.id, action=Action.EVALUATE,
                       data={"evaluation": "satisfied"}, now=NOW)


# --- writes --------------------------------------------------------------------------------------------------------

def test_handling_another_communitys_or_grids_matter_is_refused_with_nothing_written(demo_engine, settings):
    mine, theirs = grids_of(demo_engine, 1)[:2]
    other_secretary = someone(demo_engine, settings, ("secretary", 2, None))
    grid_worker = someone(demo_engine, settings, ("worker", 1, mine))
    secretary = someone(demo_engine, settings, ("secretary", 1, None))
    in_community_1 = create_matter(demo_engine, actor=secretary, settings=settings,
                                   data=data(demo_engine, grid_id=theirs), now=NOW)
    before = writes(demo_engine)
    for actor in (other_secretary, grid_worker):
        with pytest.raises(DomainError) as err:
            advance_matter(demo_engine, actor=actor, settings=settings, matter_id=in_community_1.id,
                           action=Action.ANALYSE, data={"handler": "张", "supervisor": "王", "mode": "team"}, now=NOW)
        assert err.value.key == "error.not_found", "as if it did not exist"
    assert writes(demo_engine) == before and first(demo_engine, Matter.id == in_community_1.id).step == Step.ANALYSE


@pytest.mark.parametrize("name", EVERYONE)
def test_recording_a_matter_by_role(demo_engine, settings, actors, name):
    before = writes(demo_engine)
    if name in ("secretary", "worker"):
        create_matter(demo_engine, actor=actors[name], settings=settings, data=data(demo_engine), now=NOW)
        assert writes(demo_engine) == (before[0] + 1, before[1] + 1)
    else:
        with pytest.raises(PermissionDenied) as err:
            create_matter(demo_engine, actor=actors[name], settings=settings, data=data(demo_engine), now=NOW)
        assert err.value.key == "error.permission"
        assert writes(demo_engine) == before, "nothing written"
    with pytest.raises(PermissionDenied):
        create_matter(demo_engine, actor=actors[name], settings=settings, data=data(demo_engine, 2), now=NOW)
    assert writes(demo_engine)[0] == before[0] + (name in ("secretary", "worker"))


@pytest.mark.parametrize(("step", "action", "values"), [
    (Step.ANALYSE, Action.ANALYSE, {"handler": "张敏", "supervisor": "王丽娟", "mode": "team"}),
    (Step.EVALUATE, Action.EVALUATE, {"evaluation": "satisfied"}),
    (Step.ASSESS, Action.ASSESS, {"score": 95}),
])
@pytest.mark.parametrize("name", EVERYONE)
def test_advancing_a_matter_by_role(demo_engine, settings, actors, name, step, action, values):
    matter = first(demo_engine, Matter.community_id == 1, Matter.step == step) or \
        create_matter(demo_engine, actor=actors["secretary"], settings=settings, data=data(demo_engine), now=NOW)
    allowed = name == "secretary" or (name == "worker" and action is Action.ANALYSE)
    before = count(demo_engine, AuditLog)

    def run():
        return advance_matter(demo_engine, actor=actors[name], settings=settings, matter_id=matter.id, action=action,
                              data=values, now=NOW, expected_step=step)
    if allowed:
        assert run().step == step + 1
        assert count(demo_engine, AuditLog) == before + 1
    else:
        with pytest.raises(DomainError) as err:
            run()
        reads = name in ("leader", "worker")  # the others do not even find a matter they may not read
        assert err.value.key == ("error.permission" if reads else "error.not_found")
        assert first(demo_engine, Matter.id == matter.id).step == step and count(demo_engine, AuditLog) == before


def test_a_refusal_message_is_in_chinese(actors, demo_engine, settings):
    from i18n import translate
    with pytest.raises(PermissionDenied) as err:
        create_matter(demo_engine, actor=actors["leader"], settings=settings, data=data(demo_engine), now=NOW)
    assert "权限" in translate("zh", err.value.key, **err.value.params)


# --- logging in, lockout and sessions -------------------------------------------------------------------------------

def test_five_wrong_passwords_lock_the_account_for_fifteen_minutes(demo_engine, settings):
    for attempt in range(4):
        assert auth.login(demo_engine, settings, "worker", "wrong", now=NOW).error == "login.failed", attempt
    assert auth.login(demo_engine, settings, "worker", "wrong", now=NOW).error == "login.locked_now"
    refused = auth.login(demo_engine, settings, "worker", "gongzhi-demo", now=NOW + timedelta(minutes=14))
    assert refused.actor is None and refused.error == "login.locked", "the right password does not open it early"
    assert auth.load_actor(demo_engine, settings, refused_id(demo_engine), now=NOW) is None, \
        "a locked user's open session stops at its next action"
    later = auth.login(demo_engine, settings, "worker", "gongzhi-demo", now=NOW + timedelta(minutes=15, seconds=1))
    assert later.actor is not None and later.actor.username == "worker"
    with reading(demo_engine) as session:
        locked = session.execute(select(AuditLog).where(AuditLog.action == "account.locked")).scalars().one()
        user = session.execute(select(User).where(User.username == "worker")).scalars().one()
        failed = session.execute(select(func.count()).select_from(AuditLog)
                                 .where(AuditLog.action == "account.login_failed")).scalar_one()
    assert locked.actor_name == "worker" and locked.before == {"failed_logins": 4, "locked_until": None}
    assert locked.after["locked_until"] and failed == 4
    assert user.failed_logins == 0 and user.locked_until is None and user.last_login_at is not None


def refused_id(engine) -> int:
    with reading(engine) as session:
        return session.execute(select(User.id).where(User.username == "worker")).scalar_one()


def test_variants_of_a_username_count_against_the_same_account(demo_engine, settings):
    for typed in ("worker", " Worker", "WORKER ", "worker", "Worker"):
        auth.login(demo_engine, settings, typed, "wrong", now=NOW)
    assert auth.login(demo_engine, settings, "worker", "gongzhi-demo", now=NOW).error == "login.locked"


def test_a_name_typed_by_mistake_is_not_kept_in_the_trail(demo_engine, settings):
    auth.login(demo_engine, settings, "my-secret-password", "x", now=NOW)
    with reading(demo_engine) as session:
        names = set(session.execute(select(AuditLog.actor_name)).scalars())
    assert "my-secret-password" not in names and auth.UNKNOWN in names


def test_a_good_login_resets_the_count_of_failures(demo_engine, settings):
    for _ in range(4):
        auth.login(demo_engine, settings, "worker", "wrong", now=NOW)
    assert auth.login(demo_engine, settings, "worker", "gongzhi-demo", now=NOW).actor is not None
    for _ in range(4):
        auth.login(demo_engine, settings, "worker", "wrong", now=NOW)
    assert auth.login(demo_engine, settings, "worker", "gongzhi-demo", now=NOW).actor is not None, \
        "five failures in a row lock, not five in all"


def test_unknown_names_fail_like_wrong_passwords_and_are_traced(demo_engine, settings):
    accounts_before = count(demo_engine, User)
    result = auth.login(demo_engine, settings, "nobody'; DROP TABLE user_account; --", "x", now=NOW)
    assert result.error == "login.failed"
    assert count(demo_engine, User) == accounts_before >= len(EVERYONE)
    assert count(demo_engine, AuditLog, AuditLog.action == "account.login_failed", AuditLog.actor_id.is_(None)) == 1


def test_disabled_account_cannot_log_in_and_its_session_ends(demo_engine, settings):
    user_id = refused_id(demo_engine)
    assert auth.load_actor(demo_engine, settings, user_id, now=NOW) is not None
    with transaction(demo_engine) as session:
        session.execute(update(User).where(User.id == user_id).values(is_active=False))
    assert auth.load_actor(demo_engine, settings, user_id, now=NOW) is None
    assert auth.login(demo_engine, settings, "worker", "gongzhi-demo", now=NOW).error == "login.disabled"
    assert auth.login(demo_engine, settings, "worker", "wrong", now=NOW).error == "login.failed", \
        "a wrong password does not reveal that the account is disabled"


def test_a_password_reset_ends_sessions_opened_before_it(demo_engine, settings):
    user_id = refused_id(demo_engine)
    with transaction(demo_engine) as session:
        session.execute(update(User).where(User.id == user_id).values(password_changed_at=NOW))
    assert auth.load_actor(demo_engine, settings, user_id, logged_in_at=NOW - timedelta(minutes=1)) is None
    assert auth.load_actor(demo_engine, settings, user_id, logged_in_at=NOW + timedelta(minutes=1)) is not None


def test_single_sign_on_maps_by_e_mail_to_an_active_account(demo_engine, settings):
    with transaction(demo_engine) as session:
        session.execute(update(User).where(User.username == "secretary").values(email="wang@example.cn"))
    assert auth.login_by_email(demo_engine, settings, " Wang@Example.cn ", now=NOW).actor.username == "secretary"
    unknown = auth.login_by_email(demo_engine, settings, "x@example.cn", now=NOW)
    assert unknown.actor is None and unknown.error == "login.sso_unknown"
    unverified = auth.login_by_email(demo_engine, settings, "wang@example.cn", verified=False, now=NOW)
    assert unverified.actor is None and unverified.error == "login.sso_unverified"
    assert count(demo_engine, AuditLog, AuditLog.action == "account.login_sso") == 1
    with reading(demo_engine) as session:
        refused = session.execute(select(AuditLog.after).where(AuditLog.action == "account.login_sso_refused")
                                  .order_by(AuditLog.id)).scalars().all()
    assert [r["reason"] for r in refused] == ["unknown", "unverified"]


def test_the_first_admin_is_created_once_and_only_on_an_empty_database(engine, settings):
    assert auth.needs_first_admin(engine)
    with pytest.raises(ValidationFailed) as err:
        auth.create_first_admin(engine, settings, {"username": "root", "display_name": "管理员",
                                                       "password": "root", "password_again": "root"}, now=NOW)
    assert set(err.value.errors) == {"password"} and count(engine, User) == 0
    good = {"username": "root", "display_name": "管理员", "password": "a-long-password",
            "password_again": "a-long-password"}
    admin = auth.create_first_admin(engine, settings, good, now=NOW)
    assert "account.manage" in admin.permissions() and not auth.needs_first_admin(engine)
    with pytest.raises(DomainError) as again:
        auth.create_first_admin(engine, settings, good | {"username": "root2"}, now=NOW)
    assert again.value.key == "setup.already_done" and count(engine, User) == 1
    assert count(engine, UserRole) == 1
    assert count(engine, AuditLog, AuditLog.action == "account.create_first_admin") == 1


def test_two_first_admins_cannot_both_be_created(engine, settings):
    from concurrent.futures import ThreadPoolExecutor

    def make(name):
        try:
            auth.create_first_admin(engine, settings, {"username": name, "display_name": name,
                                                           "password": "a-long-password",
                                                           "password_again": "a-long-password"})
            return "ok"
        except DomainError as err:
            return err.key
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(make, ["root1", "root2", "root3", "root4"]))
    assert sorted(results) == ["ok", "setup.already_done", "setup.already_done", "setup.already_done"]
    assert count(engine, User) == 1


# --- personal data ---------------------------------------------------------------------------------------------------

def test_personal_data_is_masked_on_screen_and_unmasked_only_with_a_trace(demo_engine, settings, actors):
    matter = create_matter(demo_engine, actor=actors["worker"], settings=settings, data=data(demo_engine), now=NOW)
    for name in ("leader", "secretary", "worker"):
        shown = q.matter_detail(demo_engine, matter.id, actor=actors[name]).matter
        assert (shown.reporter_name, shown.reporter_phone, shown.reporter_id_number) == \
            ("李**", "139****5678", "110***********002X"), name
    before = count(demo_engine, AuditLog)
    whole = q.personal_data(demo_engine, matter.id, actor=actors["worker"], now=NOW)
    assert whole == {"reporter_name": "李桂英", "reporter_phone": "13912345678",
                     "reporter_id_number": "11010519491231002X"}
    with reading(demo_engine) as session:
        entry = session.execute(select(AuditLog).order_by(AuditLog.id.desc())).scalars().first()
    assert (entry.action, entry.actor_name, entry.entity_id, entry.community_id) == \
        ("personal.view", "worker", matter.id, 1)
    assert entry.after["fields"] == ["reporter_name", "reporter_phone", "reporter_id_number"]
    for name, error in (("leader", PermissionDenied), ("admin", DomainError)):
        with pytest.raises(error):
            q.personal_data(demo_engine, matter.id, actor=actors[name], now=NOW)
    assert count(demo_engine, AuditLog) == before + 1, "a refused look writes nothing"


def export_rows(blob: bytes) -> list[dict]:
    sheet = load_workbook(io.BytesIO(blob)).active
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_exports_mask_personal_data_unless_allowed_and_are_all_traced(demo_engine, settings, actors):
    create_matter(demo_engine, actor=actors["worker"], settings=settings, data=data(demo_engine), now=NOW)
    flt = q.MatterFilter(text="电梯又停了")
    leader_rows = export_rows(ledger_xlsx(demo_engine, flt, actor=actors["leader"], today=TODAY, lang="zh",
                                          settings=settings, unmasked=True, now=NOW))
    assert [r["联系电话"] for r in leader_rows if r["联系电话"]] == ["139****5678"], \
        "asking for whole data without the right still gets masks"
    masked = export_rows(ledger_xlsx(demo_engine, flt, actor=actors["secretary"], today=TODAY, lang="zh",
                                     settings=settings, now=NOW))
    whole = export_rows(ledger_xlsx(demo_engine, flt, actor=actors["secretary"], today=TODAY, lang="zh",
                                    settings=settings, unmasked=True, now=NOW))
    assert [r["身份证号"] for r in masked] == ["110***********002X"]
    assert [(r["反映人"], r["联系电话"], r["身份证号"]) for r in whole] == \
        [("李桂英", "13912345678", "11010519491231002X")]
    with reading(demo_engine) as session:
        entries = session.execute(select(AuditLog).where(AuditLog.action == "export.ledger")
                                  .order_by(AuditLog.id)).scalars().all()
    assert [(e.actor_name, e.after["personal"], e.after["rows"]) for e in entries] == \
        [("leader", "masked", 1), ("secretary", "masked", 1), ("secretary", "whole", 1)]
    assert entries[0].after["filter"] == {"text": "电梯又停了"} and entries[1].community_id == 1


def test_demo_personal_data_is_fictitious(demo_engine):
    with reading(demo_engine) as session:
        phones = session.execute(select(Matter.reporter_phone).where(Matter.reporter_phone.is_not(None))).scalars()
        ids = session.execute(select(Matter.reporter_id_number)
                              .where(Matter.reporter_id_number.is_not(None))).scalars().all()
    assert all(p.startswith("000-") for p in phones), "area code 000 cannot exist"
    assert ids and all(i.startswith("000000") for i in ids), "region 000000 does not exist"


# --- hostile input ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "'; DROP TABLE matter; -- 楼道灯坏了",
    "1' OR '1'='1 电梯故障",
    "<script>alert(1)</script> 噪音扰民",
    "![x](http://evil.example/a.png) [点我](javascript:alert(1))",
])
def test_sql_and_markup_looking_input_is_stored_verbatim(demo_engine, settings, actors, text):
    matter = create_matter(demo_engine, actor=actors["secretary"], settings=settings,
                           data=data(demo_engine, description=text, reporter_name="O'Brien"), now=NOW)
    stored = first(demo_engine, Matter.id == matter.id)
    assert stored.description == text and stored.reporter_name == "O'Brien"
    assert count(demo_engine, Matter) == 301
    found = q.ledger_page(demo_engine, q.MatterFilter(text=text[:12]), actor=actors["secretary"], today=TODAY)
    assert list(found["id"]) == [matter.id]
