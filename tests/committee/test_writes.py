"""Issue 4 on real databases: the committee's writes (units, rotation, agreements, lists, claims and progress),
who may make them, what bad input is refused with, and that a refusal writes nothing."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from data_access.cli import add_community
from data_access.committee import writes as c
from data_access.committee.meetings import progress_file
from data_access.db import reading, transaction
from data_access.models import (
    Agreement,
    AuditLog,
    Claim,
    CommitteeMeeting,
    Grid,
    MemberUnit,
    Need,
    ProgressUpdate,
    Project,
    Resource,
    ServiceItem,
    User,
    UserRole,
)
from data_access.service.writes import create_matter
from domain.access import Actor, grants_for
from domain.errors import DomainError, PermissionDenied, ValidationFailed
from tests.conftest import NOW

pytestmark = pytest.mark.db
TODAY = NOW.date()
EARLIER = NOW - timedelta(days=60)
TABLES = (MemberUnit, Agreement, Need, Resource, Project, ServiceItem, Claim, ProgressUpdate, AuditLog)


@dataclass
class Committee:
    """A small committee in 甲社区 (three units with their representatives, a project with two items) and a
    community 乙社区 with its own secretary, unit and representative."""

    engine: object
    settings: object
    home: int
    other: int
    people: dict[str, Actor]
    units: dict[str, int]
    project: int
    items: dict[str, int]

    def __getitem__(self, name: str) -> Actor:
        return self.people[name]


def person(engine, settings, username: str, role: str, community_id: int | None) -> Actor:
    """An account holding one role, inserted as PageDb.add_user does."""
    with transaction(engine) as session:
        user = User(username=username, display_name=f"测试用户 {username}", password_hash="-", created_at=NOW)
        session.add(user)
        session.flush()
        session.add(UserRole(user_id=user.id, role=role, community_id=community_id))
        user_id = user.id
    return Actor(user_id, username, f"测试用户 {username}", grants_for(settings, [(role, community_id, None)]))


def unit_data(community_id: int, name: str, representative_id: int | None = None, **changes) -> dict:
    return {"community_id": community_id, "name": name, "kind": "enterprise", "party_org": f"{name}党支部",
            "liaison": "王强", "liaison_phone": "13912345678", "party_members": 12, "volunteer_team": f"{name}志愿队",
            "speciality": "维修", "representative_id": representative_id, "joined_on": date(2024, 3, 1),
            "left_on": None} | changes


def item_data(project_id: int, name: str, target: float = 12, **changes) -> dict:
    return {"project_id": project_id, "name": name, "target": target, "unit": "次", "frequency": "每月一次",
            "period_start": date(2026, 1, 1), "period_end": date(2026, 12, 31), "beneficiaries": "高龄老人"} | changes


@pytest.fixture
def cm(engine, settings) -> Committee:
    home = add_community(engine, street="测试街道", name="甲社区", code="JA", grids=1)
    other = add_community(engine, street="测试街道", name="乙社区", code="YI", grids=1)
    roles = {"secretary": ("secretary", home), "worker": ("worker", home), "leader": ("leader", None),
             "rep_a": ("unitrep", home), "rep_b": ("unitrep", home), "rep_c": ("unitrep", home),
             "rep_spare": ("unitrep", home), "other_secretary": ("secretary", other), "rep_x": ("unitrep", other)}
    people = {name: person(engine, settings, name, role, where) for name, (role, where) in roles.items()}
    sec = people["secretary"]
    units = {}
    for key, name in (("a", "路桥公司"), ("b", "技工学校"), ("c", "供电所")):
        units[key] = c.save_unit(engine, actor=sec, settings=settings, now=EARLIER,
                                 data=unit_data(home, name, people[f"rep_{key}"].id)).id
    units["x"] = c.save_unit(engine, actor=people["other_secretary"], settings=settings, now=EARLIER,
                             data=unit_data(other, "乙社区医院", people["rep_x"].id)).id
    project = c.save_project(engine, actor=sec, data={"community_id": home, "year": 2026, "name": "助老服务"},
                             now=EARLIER).id
    items = {key: c.save_item(engine, actor=sec, data=item_data(project, name), now=EARLIER).id
             for key, name in (("haircut", "上门理发"), ("repair", "义务维修"))}
    return Committee(engine, settings, home, other, people, units, project, items)


def count(engine, model, *conditions) -> int:
    with reading(engine) as session:
        return session.execute(select(func.count()).select_from(model).where(*conditions)).scalar_one()


def counts(engine) -> tuple[int, ...]:
    """How many rows each committee table and the audit log hold."""
    return tuple(count(engine, model) for model in TABLES)


def get(engine, model, row_id):
    with reading(engine) as session:
        return session.get(model, row_id)


def audit_actions(engine) -> list[str]:
    with reading(engine) as session:
        return list(session.execute(select(AuditLog.action).order_by(AuditLog.id)).scalars())


def refused_with(call, field: str, key: str, **kwargs) -> dict:
    """Run a write expected to fail validation on `field` with `key`; returns the error's params."""
    with pytest.raises(ValidationFailed) as err:
        call(**kwargs)
    assert err.value.errors[field][0] == key, err.value.errors
    return err.value.errors[field][1]


def shared(settings):
    return dataclasses.replace(settings, committee=dataclasses.replace(settings.committee, claim_mode="shared"))


def meeting(engine, community_id: int, chair_unit_id: int | None, status: str, day: date = TODAY) -> int:
    with transaction(engine) as session:
        row = CommitteeMeeting(community_id=community_id, kind="progress", day=day, place="社区会议室",
                               chair_unit_id=chair_unit_id, status=status, updated_at=NOW)
        session.add(row)
        session.flush()
        return row.id


def claimed(cm: Committee, item: str = "haircut", unit: str = "a", **kwargs) -> Claim:
    return c.claim_item(cm.engine, actor=cm["secretary"], settings=kwargs.pop("settings", cm.settings),
                        item_id=cm.items[item], unit_id=cm.units[unit], now=kwargs.pop("now", EARLIER), **kwargs)


def report(cm: Committee, actor: Actor, claim_id: int, meeting_id: int | None = None, **data) -> ProgressUpdate:
    return c.record_progress(cm.engine, actor=actor, settings=cm.settings, claim_id=claim_id, data=data,
                             meeting_id=meeting_id, now=NOW)


# --- what the community secretary builds, and its audit trail ------------------------------------------------------

def test_the_secretary_builds_the_committee_and_every_write_is_audited(cm):
    engine, sec, settings = cm.engine, cm["secretary"], cm.settings
    before = len(audit_actions(engine))
    unit = c.save_unit(engine, actor=sec, settings=settings, unit_id=cm.units["a"],
                       data=unit_data(cm.home, "路桥公司", cm["rep_a"].id, party_members=30), now=NOW)
    assert unit.party_members == 30 and unit.community_id == cm.home
    c.set_rotation(engine, actor=sec, community_id=cm.home, order=[cm.units["b"], cm.units["a"]], now=NOW)
    assert [get(engine, MemberUnit, cm.units[k]).rota_position for k in "abc"] == [2, 1, None]
    agreement = c.save_agreement(engine, actor=sec, now=NOW, data={
        "unit_id": cm.units["a"], "year": 2026, "status": "draft", "signed_on": None,
        "commitments": "每月上门理发一次"})
    signed = c.save_agreement(engine, actor=sec, agreement_id=agreement.id, now=NOW,
                              data={"year": 2026, "status": "signed", "signed_on": date(2026, 3, 1),
                                    "commitments": "每月上门理发一次"})
    assert signed.status == "signed" and signed.community_id == cm.home and signed.unit_id == cm.units["a"]
    need = c.save_need(engine, actor=sec, data={"community_id": cm.home, "title": "高龄老人理发难"}, now=NOW)
    assert need.source == "entered" and need.raised_on == TODAY and need.created_by == sec.id
    project = c.save_project(engine, actor=sec, now=NOW,
                             data={"community_id": cm.home, "year": 2026, "name": "便民服务", "need_id": need.id})
    assert get(engine, Need, need.id).project_id == project.id
    item = c.save_item(engine, actor=sec, data=item_data(project.id, "便民修车", 6), now=NOW)
    resource = c.save_resource(engine, actor=cm["rep_a"], settings=settings, now=NOW,
                               data={"unit_id": cm.units["a"], "kind": "volunteers", "title": "维修志愿队"})
    assert resource.community_id == cm.home
    grid = _grid(engine, cm.home)
    matter = create_matter(engine, actor=sec, settings=settings, now=NOW - timedelta(hours=1), data={
        "channel": "resident", "sub_source": "phone", "community_id": cm.home, "grid_id": grid,
        "description": "3号楼路灯坏了一个月，晚上老人出行不便", "category": "property", "urgency": "normal",
        "mode": "team", "registered_at": NOW - timedelta(hours=2)})
    from_matter = c.need_from_matter(engine, actor=sec, matter_id=matter.id, now=NOW)
    assert from_matter.source == "matter" and from_matter.title.startswith("3号楼路灯") and \
        from_matter.matter_id == matter.id
    assert from_matter.detail is None, "the resident's whole account stays with the matter (matter.read)"
    with pytest.raises(DomainError) as err:
        c.need_from_matter(engine, actor=sec, matter_id=matter.id, now=NOW)
    assert err.value.key == "committee_error.need_exists"
    claim = c.claim_item(engine, actor=sec, settings=settings, item_id=item.id, unit_id=cm.units["b"], now=NOW)
    c.record_progress(engine, actor=sec, settings=settings, claim_id=claim.id, data={"done": 2}, now=NOW)
    c.withdraw_claim(engine, actor=sec, claim_id=claim.id, reason="车间搬迁", now=NOW)
    assert audit_actions(engine)[before:] == [
        "committee.unit_update", "committee.rotation", "committee.agreement_create", "committee.agreement_update",
        "committee.need_create", "committee.project_create", "committee.item_create", "committee.resource_create",
        "matter.create", "committee.need_create", "committee.claim", "committee.progress",
        "committee.claim_withdraw"]
    with reading(engine) as session:
        rotation = session.execute(select(AuditLog).where(AuditLog.action == "committee.rotation")).scalars().one()
        update = session.execute(select(AuditLog).where(AuditLog.action == "committee.agreement_update")) \
            .scalars().one()
    assert rotation.before == {"order": []} and rotation.after == {"order": [cm.units["b"], cm.units["a"]]}
    assert update.before["status"] == "draft" and update.after["status"] == "signed" and update.actor_id == sec.id


def _grid(engine, community_id: int) -> int:
    with reading(engine) as session:
        return session.execute(select(Grid.id).where(Grid.community_id == community_id)).scalars().first()


def test_representatives_are_the_unitrep_accounts_of_the_community(cm):
    reps = c.representatives(cm.engine, actor=cm["secretary"], community_id=cm.home)
    assert set(reps) == {cm[n].id for n in ("rep_a", "rep_b", "rep_c", "rep_spare")}
    assert reps[cm["rep_a"].id] == "测试用户 rep_a"
    assert c.representatives(cm.engine, actor=cm["other_secretary"], community_id=cm.home) == {}


# --- bad input: a clear message on the field, nothing written ------------------------------------------------------

@pytest.mark.parametrize(("changes", "field", "key"), [
    ({"name": "技工学校"}, "name", "committee_error.unit_name_taken"),
    ({"kind": "bank"}, "kind", "error.unknown_choice"),
    ({"liaison_phone": "1391234"}, "liaison_phone", "error.bad_phone"),
    ({"party_members": -3}, "party_members", "committee_error.party_members"),
    ({"left_on": date(2023, 1, 1)}, "left_on", "committee_error.left_before_joined"),
    ({"representative_id": "worker"}, "representative_id", "committee_error.not_a_representative"),
    ({"representative_id": "rep_b"}, "representative_id", "committee_error.represents_another_unit"),
    ({"representative_id": "rep_x"}, "representative_id", "committee_error.not_a_representative"),
])
def test_a_bad_unit_is_refused_with_nothing_written(cm, changes, field, key):
    if isinstance(changes.get("representative_id"), str):
        changes = changes | {"representative_id": cm[changes["representative_id"]].id}
    before = counts(cm.engine)
    refused_with(c.save_unit, field, key, engine=cm.engine, actor=cm["secretary"], settings=cm.settings,
                 data=unit_data(cm.home, "新单位", cm["rep_spare"].id) | changes, now=NOW)
    assert counts(cm.engine) == before


def test_a_unit_name_is_unique_per_community_and_a_representative_freed_by_leaving(cm):
    engine, sec, settings = cm.engine, cm["secretary"], cm.settings
    c.save_unit(engine, actor=cm["other_secretary"], settings=settings, data=unit_data(cm.other, "技工学校"), now=NOW)
    c.save_unit(engine, actor=sec, settings=settings, unit_id=cm.units["b"], now=NOW,
                data=unit_data(cm.home, "技工学校", cm["rep_b"].id, left_on=date(2026, 6, 30)))
    moved = c.save_unit(engine, actor=sec, settings=settings, data=unit_data(cm.home, "新单位", cm["rep_b"].id),
                        now=NOW)
    assert moved.representative_id == cm["rep_b"].id, "the unit rep_b represented has left"
    refused_with(c.set_rotation, "order", "committee_error.rotation_not_member", engine=engine, actor=sec,
                 community_id=cm.home, order=[cm.units["a"], cm.units["b"]], now=NOW)
    refused_with(c.set_rotation, "order", "committee_error.rotation_not_member", engine=engine, actor=sec,
                 community_id=cm.home, order=[cm.units["x"]], now=NOW)
    with pytest.raises(IntegrityError), transaction(engine) as session:
        session.add(MemberUnit(community_id=cm.home, name="路桥公司", kind="other", joined_on=TODAY, updated_at=NOW))
        session.flush()


def test_a_second_agreement_for_the_same_unit_and_year_is_refused(cm):
    engine, sec = cm.engine, cm["secretary"]
    data = {"unit_id": cm.units["a"], "year": 2026, "status": "signed", "signed_on": date(2026, 3, 1),
            "commitments": "每月上门理发一次"}
    first = c.save_agreement(engine, actor=sec, data=data, now=NOW)
    before = counts(engine)
    params = refused_with(c.save_agreement, "year", "committee_error.agreement_exists", engine=engine, actor=sec,
                          data=data | {"status": "draft"}, now=NOW)
    assert params == {"year": 2026}
    c.save_agreement(engine, actor=sec, data=data | {"unit_id": cm.units["b"]}, now=NOW)
    earlier = c.save_agreement(engine, actor=sec, data=data | {"unit_id": cm.units["b"], "year": 2025}, now=NOW)
    refused_with(c.save_agreement, "year", "committee_error.agreement_exists", engine=engine, actor=sec,
                 agreement_id=earlier.id, data=data | {"unit_id": cm.units["b"]}, now=NOW)
    kept = c.save_agreement(engine, actor=sec, agreement_id=earlier.id, data=data | {"year": 2025}, now=NOW)
    assert kept.unit_id == cm.units["b"], "an agreement stays with its unit"
    assert counts(engine)[1] == before[1] + 2 and get(engine, Agreement, first.id).status == "signed"
    c.save_agreement(engine, actor=sec, data=data | {"year": 2027, "signed_on": None, "status": "draft"}, now=NOW)
    with pytest.raises(IntegrityError), transaction(engine) as session:  # the unique constraint backs the check
        session.add(Agreement(community_id=cm.home, unit_id=cm.units["a"], year=2026, status="draft",
                              commitments="", updated_at=NOW))
        session.flush()
    refused_with(c.save_agreement, "signed_on", "committee_error.date_in_future", engine=engine, actor=sec,
                 data=data | {"year": 2028, "signed_on": TODAY + timedelta(days=1)}, now=NOW)


def test_refused_agreement_year_writes_nothing(cm):
    """The issue's case alone: nothing written, not even an audit entry."""
    engine, sec = cm.engine, cm["secretary"]
    data = {"unit_id": cm.units["c"], "year": 2026, "status": "draft", "signed_on": None, "commitments": ""}
    c.save_agreement(engine, actor=sec, data=data, now=NOW)
    before = counts(engine)
    refused_with(c.save_agreement, "year", "committee_error.agreement_exists", engine=engine, actor=sec, data=data,
                 now=NOW)
    assert counts(engine) == before


def test_bad_lists_are_refused(cm):
    engine, sec = cm.engine, cm["secretary"]
    before = counts(engine)
    refused_with(c.save_item, "target", "committee_error.target_positive", engine=engine, actor=sec,
                 data=item_data(cm.project, "x", 0), now=NOW)
    refused_with(c.save_item, "period_end", "committee_error.period_end_before_start", engine=engine, actor=sec,
                 data=item_data(cm.project, "x", period_end=date(2025, 1, 1)), now=NOW)
    refused_with(c.save_need, "matter_id", "error.required", engine=engine, actor=sec,
                 data={"community_id": cm.home, "title": "x", "source": "matter"}, now=NOW)
    other_project = c.save_project(engine, actor=cm["other_secretary"], now=NOW,
                                   data={"community_id": cm.other, "year": 2026, "name": "乙项目"})
    before = counts(engine)
    refused_with(c.save_need, "project_id", "committee_error.not_in_community", engine=engine, actor=sec,
                 data={"community_id": cm.home, "title": "x", "project_id": other_project.id}, now=NOW)
    refused_with(c.save_resource, "kind", "error.unknown_choice", engine=engine, actor=sec, settings=cm.settings,
                 data={"unit_id": cm.units["a"], "kind": "gold", "title": "x"}, now=NOW)
    assert counts(engine) == before


def test_a_target_cannot_drop_below_what_is_done_and_pledges_follow_it(cm):
    engine, sec = cm.engine, cm["secretary"]
    claim = claimed(cm)
    report(cm, sec, claim.id, done=5)
    before = counts(engine)
    params = refused_with(c.save_item, "target", "committee_error.target_below_done", engine=engine, actor=sec,
                          item_id=cm.items["haircut"], data=item_data(cm.project, "上门理发", 4), now=NOW)
    assert params == {"done": "5"} and counts(engine) == before
    c.save_item(engine, actor=sec, item_id=cm.items["haircut"], data=item_data(cm.project, "上门理发", 8), now=NOW)
    assert get(engine, Claim, claim.id).pledge == 8, "a claim of the whole target follows it"
    assert get(engine, ServiceItem, cm.items["haircut"]).done == 5


# --- claims ---------------------------------------------------------------------------------------------------------

def test_an_exclusive_item_already_claimed_is_refused_with_the_claiming_unit(cm):
    engine = cm.engine
    first = c.claim_item(engine, actor=cm["rep_a"], settings=cm.settings, item_id=cm.items["haircut"],
                         unit_id=cm.units["a"], now=NOW)
    assert first.pledge == 12 and first.status == "active" and first.claimed_on == TODAY
    assert first.created_by == cm["rep_a"].id
    before = counts(engine)
    params = refused_with(c.claim_item, "item_id", "committee_error.item_taken", engine=engine, actor=cm["rep_b"],
                          settings=cm.settings, item_id=cm.items["haircut"], unit_id=cm.units["b"], now=NOW)
    assert params == {"unit": "路桥公司"}
    refused_with(c.claim_item, "item_id", "committee_error.already_claimed", engine=engine, actor=cm["rep_a"],
                 settings=cm.settings, item_id=cm.items["haircut"], unit_id=cm.units["a"], now=NOW)
    assert counts(engine) == before


def test_a_unit_that_left_cannot_claim_and_a_complete_item_takes_no_claim(cm):
    engine, sec = cm.engine, cm["secretary"]
    c.save_unit(engine, actor=sec, settings=cm.settings, unit_id=cm.units["c"], now=NOW,
                data=unit_data(cm.home, "供电所", cm["rep_c"].id, left_on=TODAY))
    refused_with(c.claim_item, "unit_id", "committee_error.unit_left", engine=engine, actor=sec,
                 settings=cm.settings, item_id=cm.items["repair"], unit_id=cm.units["c"], now=NOW)
    with pytest.raises(DomainError) as err:  # a unit of a community the secretary cannot read is not found
        c.claim_item(engine, actor=sec, settings=cm.settings, item_id=cm.items["repair"], unit_id=cm.units["x"],
                     now=NOW)
    assert err.value.key == "error.not_found"
    claim = claimed(cm)
    report(cm, sec, claim.id, done=12)
    c.withdraw_claim(engine, actor=sec, claim_id=claim.id, reason="已完成", now=NOW)
    refused_with(c.claim_item, "item_id", "committee_error.item_complete", engine=engine, actor=sec,
                 settings=cm.settings, item_id=cm.items["haircut"], unit_id=cm.units["b"], now=NOW)


def test_shared_items_take_several_units_up_to_the_target(cm):
    engine, settings = cm.engine, shared(cm.settings)
    a = c.claim_item(engine, actor=cm["rep_a"], settings=settings, item_id=cm.items["haircut"],
                     unit_id=cm.units["a"], pledge=5, now=EARLIER)
    refused_with(c.claim_item, "pledge", "committee_error.pledge_above_left", engine=engine, actor=cm["rep_b"],
                 settings=settings, item_id=cm.items["haircut"], unit_id=cm.units["b"], pledge=8, now=NOW)
    b = c.claim_item(engine, actor=cm["rep_b"], settings=settings, item_id=cm.items["haircut"],
                     unit_id=cm.units["b"], now=EARLIER)
    assert (a.pledge, b.pledge) == (5, 7), "the default pledge is what is left"
    before = counts(engine)
    refused_with(c.claim_item, "item_id", "committee_error.item_fully_pledged", engine=engine, actor=cm["rep_c"],
                 settings=settings, item_id=cm.items["haircut"], unit_id=cm.units["c"], now=NOW)
    assert counts(engine) == before
    report(cm, cm["rep_a"], a.id, done=5)
    report(cm, cm["rep_b"], b.id, percent=50)
    assert get(engine, ServiceItem, cm.items["haircut"]).done == 8.5
    c.withdraw_claim(engine, actor=cm["rep_b"], claim_id=b.id, reason="人手不足", now=NOW)
    c_claim = c.claim_item(engine, actor=cm["rep_c"], settings=settings, item_id=cm.items["haircut"],
                           unit_id=cm.units["c"], now=NOW)
    assert c_claim.pledge == 3.5 and get(engine, ServiceItem, cm.items["haircut"]).done == 8.5, \
        "a withdrawn claim frees its pledge but its work stays done: 12 - 5 (a) - 3.5 (done by b) is left"
    report(cm, cm["rep_c"], c_claim.id, done=3.5)
    assert get(engine, ServiceItem, cm.items["haircut"]).done == 12


def test_an_exclusive_claim_answers_for_the_whole_rest_of_the_target(cm):
    engine = cm.engine
    before = counts(engine)
    refused_with(c.claim_item, "pledge", "committee_error.pledge_exclusive", engine=engine, actor=cm["rep_a"],
                 settings=cm.settings, item_id=cm.items["haircut"], unit_id=cm.units["a"], pledge=1, now=NOW)
    assert counts(engine) == before, "a unit may not hold the whole item for a token pledge"
    a = c.claim_item(engine, actor=cm["rep_a"], settings=cm.settings, item_id=cm.items["haircut"],
                     unit_id=cm.units["a"], now=EARLIER)
    report(cm, cm["rep_a"], a.id, done=5)
    c.withdraw_claim(engine, actor=cm["rep_a"], claim_id=a.id, reason="人手不足", now=NOW)
    b = c.claim_item(engine, actor=cm["rep_b"], settings=cm.settings, item_id=cm.items["haircut"],
                     unit_id=cm.units["b"], now=NOW)
    assert b.pledge == 7, "what the withdrawn claim did is not pledged again"


def test_lowering_a_target_below_the_shared_pledges_is_refused(cm):
    engine, settings = cm.engine, shared(cm.settings)
    for unit in ("a", "b"):
        c.claim_item(engine, actor=cm["secretary"], settings=settings, item_id=cm.items["haircut"],
                     unit_id=cm.units[unit], pledge=6, now=EARLIER)
    before = counts(engine)
    item = get(engine, ServiceItem, cm.items["haircut"])
    data = {k: getattr(item, k) for k in ("project_id", "name", "unit", "frequency", "period_start", "period_end",
                                          "beneficiaries")} | {"target": 8}
    refused_with(c.save_item, "target", "committee_error.target_below_pledges", engine=engine,
                 actor=cm["secretary"], data=data, item_id=item.id, now=NOW)
    assert counts(engine) == before


def test_claiming_a_project_claims_what_is_left_of_it(cm):
    engine = cm.engine
    claimed(cm, "haircut", "b")
    claims = c.claim_project(engine, actor=cm["rep_a"], settings=cm.settings, project_id=cm.project,
                             unit_id=cm.units["a"], now=NOW)
    assert [cl.item_id for cl in claims] == [cm.items["repair"]]
    before = counts(engine)
    with pytest.raises(DomainError) as err:
        c.claim_project(engine, actor=cm["rep_c"], settings=cm.settings, project_id=cm.project,
                        unit_id=cm.units["c"], now=NOW)
    assert err.value.key == "committee_error.nothing_to_claim" and counts(engine) == before


def test_a_withdrawal_needs_a_reason_and_happens_once(cm):
    engine = cm.engine
    claim = claimed(cm)
    before = counts(engine)
    refused_with(c.withdraw_claim, "reason", "error.required", engine=engine, actor=cm["rep_a"], claim_id=claim.id,
                 reason="  ", now=NOW)
    assert counts(engine) == before
    done = c.withdraw_claim(engine, actor=cm["rep_a"], claim_id=claim.id, reason="人手不足", now=NOW)
    assert (done.status, done.withdrawn_on, done.withdraw_reason) == ("withdrawn", TODAY, "人手不足")
    for call in (lambda: c.withdraw_claim(engine, actor=cm["rep_a"], claim_id=claim.id, reason="再撤", now=NOW),
                 lambda: report(cm, cm["rep_a"], claim.id, done=1)):
        with pytest.raises(DomainError) as err:
            call()
        assert err.value.key == "committee_error.claim_withdrawn"
    again = c.claim_item(engine, actor=cm["rep_a"], settings=cm.settings, item_id=cm.items["haircut"],
                         unit_id=cm.units["a"], now=NOW)
    assert again.id != claim.id and again.status == "active"


# --- progress -------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("data", "field", "key"), [
    ({"done": 13}, "done", "error.progress_above_target"),
    ({"done": -1}, "done", "error.progress_negative"),
    ({"percent": 120}, "percent", "committee_error.percent_range"),
    ({"done": 1, "on": TODAY + timedelta(days=1)}, "on", "committee_error.date_in_future"),
    ({"done": 1, "on": EARLIER.date() - timedelta(days=1)}, "on", "committee_error.before_claim"),
])
def test_bad_progress_is_refused_with_nothing_written(cm, data, field, key):
    claim = claimed(cm)
    report(cm, cm["rep_a"], claim.id, done=3)
    before = counts(cm.engine)
    refused_with(report, field, key, cm=cm, actor=cm["rep_a"], claim_id=claim.id, **data)
    assert counts(cm.engine) == before
    assert get(cm.engine, Claim, claim.id).done == 3 and get(cm.engine, ServiceItem, cm.items["haircut"]).done == 3


def test_a_file_too_large_is_refused_and_a_file_is_audited_by_name_and_size(cm):
    engine = cm.engine
    claim = claimed(cm)
    limit = cm.settings.committee.max_file_mb * 1024 * 1024
    before = counts(engine)
    refused_with(report, "file_data", "committee_error.file_too_large", cm=cm, actor=cm["rep_a"], claim_id=claim.id,
                 done=1, file_name="video.mp4", file_type="video/mp4", file_data=b"0" * (limit + 1))
    assert counts(engine) == before
    update = report(cm, cm["rep_a"], claim.id, done=2, note="理发两次", file_name="照片.jpg", file_type="image/jpeg",
                    file_data=b"\xff\xd8" + b"1" * 2046)
    assert get(engine, ProgressUpdate, update.id).file_data[:2] == b"\xff\xd8"
    with reading(engine) as session:
        entry = session.execute(select(AuditLog).where(AuditLog.action == "committee.progress")).scalars().one()
    assert entry.entity == "claim" and entry.entity_id == claim.id and entry.community_id == cm.home
    assert entry.before["done"] == 0 and entry.after["done"] == 2 and entry.after["item_done"] == 2
    assert entry.after["update"]["file_name"] == "照片.jpg" and entry.after["update"]["file_size"] == 2048
    assert "file_data" not in entry.after["update"] and "file_data" not in str(entry.after)
    name, kind, data = progress_file(engine, actor=cm["secretary"], update_id=update.id)
    assert (name, kind, data[:2], len(data)) == ("照片.jpg", "image/jpeg", b"\xff\xd8", 2048)
    assert progress_file(engine, actor=cm["other_secretary"], update_id=update.id) is None, "another community"


def test_claim_and_item_follow_the_latest_update_by_date(cm):
    engine, settings = cm.engine, shared(cm.settings)
    a = claimed(cm, pledge=8, settings=settings)
    b = claimed(cm, unit="b", settings=settings)
    assert b.pledge == 4
    steps = [(a, date(2026, 10, 1), 2), (a, date(2026, 11, 1), 6), (a, date(2026, 10, 15), 4),  # out of order
             (b, date(2026, 11, 10), 1), (b, date(2026, 11, 10), 3)]  # same day: the later entry wins
    for claim, on, done in steps:
        report(cm, cm["secretary"], claim.id, on=on, done=done)
    a_now, b_now = get(engine, Claim, a.id), get(engine, Claim, b.id)
    assert (a_now.done, a_now.last_update_on) == (6, date(2026, 11, 1)), "the older date entered last does not win"
    assert (b_now.done, b_now.last_update_on) == (3, date(2026, 11, 10))
    assert get(engine, ServiceItem, cm.items["haircut"]).done == 9
    report(cm, cm["secretary"], a.id, on=TODAY, percent=100)
    report(cm, cm["secretary"], b.id, on=TODAY, percent=100)
    assert get(engine, ServiceItem, cm.items["haircut"]).done == 12
    assert count(engine, ProgressUpdate) == 7


@hypothesis_settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(["done", "percent"]),
                          st.one_of(st.floats(-50, 150), st.integers(-20, 120), st.just(float("nan"))),
                          st.integers(0, 60)), min_size=1, max_size=6))
def test_random_progress_never_leaves_a_claim_outside_zero_to_its_pledge(engine, settings, entries):
    sec, home = _hypothesis_secretary(engine, settings)  # the database lives on across hypothesis's examples
    claim = _fresh_claim(engine, settings, sec, home)
    for field, value, days_ago in entries:
        try:
            c.record_progress(engine, actor=sec, settings=settings, claim_id=claim.id,
                              data={field: value, "on": TODAY - timedelta(days=days_ago)}, now=NOW)
        except ValidationFailed as err:
            assert set(err.errors) <= {"done", "percent", "on"}
        row = get(engine, Claim, claim.id)
        item = get(engine, ServiceItem, claim.item_id)
        assert 0 <= row.done <= row.pledge and 0 <= item.done <= item.target


def _hypothesis_secretary(engine, settings) -> tuple[Actor, int]:
    with reading(engine) as session:
        found = session.execute(select(User.id, UserRole.community_id).join(UserRole, UserRole.user_id == User.id)
                                .where(User.username == "hyp_secretary")).first()
    if found is None:
        home = add_community(engine, street="测试街道", name="丙社区", code="BI", grids=1)
        return person(engine, settings, "hyp_secretary", "secretary", home), home
    user_id, home = found
    grants = grants_for(settings, [("secretary", home, None)])
    return Actor(user_id, "hyp_secretary", "测试用户 hyp_secretary", grants), home


def _fresh_claim(engine, settings, sec: Actor, home: int) -> Claim:
    """A new unit claiming a new item of 7.5 (a pledge that is not a whole number) thirty days ago."""
    n = count(engine, MemberUnit)
    unit = c.save_unit(engine, actor=sec, settings=settings, data=unit_data(home, f"单位{n}"), now=EARLIER)
    project = c.save_project(engine, actor=sec, data={"community_id": home, "year": 2026, "name": f"项目{n}"},
                             now=EARLIER)
    item = c.save_item(engine, actor=sec, data=item_data(project.id, "事项", 7.5), now=EARLIER)
    return c.claim_item(engine, actor=sec, settings=settings, item_id=item.id, unit_id=unit.id,
                        now=NOW - timedelta(days=30))


# --- who may write what ---------------------------------------------------------------------------------------------

def test_a_representative_cannot_touch_another_units_claim(cm):
    """Issue 3's open point: a unit's representative acts for their own unit only; a refusal writes nothing."""
    engine, rep_a = cm.engine, cm["rep_a"]
    b_claim = claimed(cm, "repair", "b")
    before = counts(engine)
    attempts = {
        "claim": lambda: c.claim_item(engine, actor=rep_a, settings=cm.settings, item_id=cm.items["haircut"],
                                      unit_id=cm.units["b"], now=NOW),
        "claim_project": lambda: c.claim_project(engine, actor=rep_a, settings=cm.settings, project_id=cm.project,
                                                 unit_id=cm.units["b"], now=NOW),
        "withdraw": lambda: c.withdraw_claim(engine, actor=rep_a, claim_id=b_claim.id, reason="不是我的", now=NOW),
        "progress": lambda: report(cm, rep_a, b_claim.id, done=1),
        "resource": lambda: c.save_resource(engine, actor=rep_a, settings=cm.settings, now=NOW,
                                            data={"unit_id": cm.units["b"], "kind": "venue", "title": "教室"}),
    }
    for name, attempt in attempts.items():
        with pytest.raises(PermissionDenied) as err:
            attempt()
        assert err.value.key == "error.not_your_unit", name
    for attempt in (lambda: c.save_unit(engine, actor=rep_a, settings=cm.settings, unit_id=cm.units["a"], now=NOW,
                                        data=unit_data(cm.home, "路桥公司", rep_a.id)),
                    lambda: c.save_item(engine, actor=rep_a, data=item_data(cm.project, "新事项"), now=NOW)):
        with pytest.raises(PermissionDenied):
            attempt()
    assert counts(engine) == before
    own = c.claim_item(engine, actor=rep_a, settings=cm.settings, item_id=cm.items["haircut"],
                       unit_id=cm.units["a"], now=EARLIER)
    report(cm, rep_a, own.id, done=4)
    assert get(engine, Claim, own.id).done == 4


def test_the_rotating_secretary_records_progress_only_during_their_open_meeting(cm):
    engine, rep_a = cm.engine, cm["rep_a"]
    b_claim = claimed(cm, "repair", "b")
    planned = meeting(engine, cm.home, cm.units["a"], "planned")
    closed = meeting(engine, cm.home, cm.units["a"], "closed", TODAY - timedelta(days=60))
    chaired_by_b = meeting(engine, cm.home, cm.units["b"], "open")
    elsewhere = meeting(engine, cm.other, cm.units["x"], "open")
    before = counts(engine)
    for meeting_id, key in ((planned, "committee_error.meeting_not_open"), (closed, "committee_error.meeting_not_open"),
                            (chaired_by_b, "error.not_your_unit"), (None, "error.not_your_unit")):
        with pytest.raises(PermissionDenied) as err:
            report(cm, rep_a, b_claim.id, meeting_id=meeting_id, done=2)
        assert err.value.key == key, meeting_id
    with pytest.raises(DomainError) as err:
        report(cm, rep_a, b_claim.id, meeting_id=elsewhere, done=2)
    assert err.value.key == "error.not_found"
    assert counts(engine) == before
    with transaction(engine) as session:
        session.get(CommitteeMeeting, planned).status = "open"
    update = report(cm, rep_a, b_claim.id, meeting_id=planned, done=2, note="会上填报")
    assert update.meeting_id == planned and update.created_by == rep_a.id
    assert get(engine, Claim, b_claim.id).done == 2
    with pytest.raises(PermissionDenied):  # the meeting gives no right to withdraw or claim for another unit
        c.withdraw_claim(engine, actor=rep_a, claim_id=b_claim.id, reason="会上决定", now=NOW)
    with pytest.raises(DomainError) as err:  # nor to record for another community's claim
        report(cm, cm["rep_x"], b_claim.id, meeting_id=elsewhere, done=3)
    assert err.value.key == "error.not_found"
    with pytest.raises(DomainError) as err:  # the secretary may not attach progress to a closed meeting either
        report(cm, cm["secretary"], b_claim.id, meeting_id=closed, done=3)
    assert err.value.key == "committee_error.meeting_not_open"


def every_write(cm: Committee, actor: Actor, claim_id: int) -> list:
    """One attempt at each write function, by `actor`, on the home community."""
    engine = cm.engine
    return [
        lambda: c.save_unit(engine, actor=actor, settings=cm.settings, data=unit_data(cm.home, "新单位"), now=NOW),
        lambda: c.save_unit(engine, actor=actor, settings=cm.settings, unit_id=cm.units["a"], now=NOW,
                            data=unit_data(cm.home, "路桥公司")),
        lambda: c.set_rotation(engine, actor=actor, community_id=cm.home, order=[], now=NOW),
        lambda: c.save_agreement(engine, actor=actor, now=NOW, data={
            "unit_id": cm.units["a"], "year": 2026, "status": "draft", "commitments": ""}),
        lambda: c.save_need(engine, actor=actor, data={"community_id": cm.home, "title": "x"}, now=NOW),
        lambda: c.save_project(engine, actor=actor, data={"community_id": cm.home, "year": 2026, "name": "x"},
                               now=NOW),
        lambda: c.save_item(engine, actor=actor, data=item_data(cm.project, "x"), now=NOW),
        lambda: c.save_resource(engine, actor=actor, settings=cm.settings, now=NOW,
                                data={"unit_id": cm.units["a"], "kind": "venue", "title": "x"}),
        lambda: c.claim_item(engine, actor=actor, settings=cm.settings, item_id=cm.items["repair"],
                             unit_id=cm.units["a"], now=NOW),
        lambda: c.claim_project(engine, actor=actor, settings=cm.settings, project_id=cm.project,
                                unit_id=cm.units["b"], now=NOW),
        lambda: c.withdraw_claim(engine, actor=actor, claim_id=claim_id, reason="试试", now=NOW),
        lambda: report(cm, actor, claim_id, done=1),
    ]


@pytest.mark.parametrize("name", ["leader", "worker"])
def test_the_leader_and_the_worker_read_only(cm, name):
    claim = claimed(cm)
    before = counts(cm.engine)
    for n, attempt in enumerate(every_write(cm, cm[name], claim.id)):
        with pytest.raises(PermissionDenied):
            attempt()
        assert counts(cm.engine) == before, n


def test_another_communitys_secretary_finds_nothing_to_change(cm):
    engine, them = cm.engine, cm["other_secretary"]
    claim = claimed(cm)
    agreement = c.save_agreement(engine, actor=cm["secretary"], now=NOW, data={
        "unit_id": cm.units["a"], "year": 2026, "status": "draft", "commitments": ""})
    before = counts(engine)
    attempts = [
        lambda: c.save_unit(engine, actor=them, settings=cm.settings, unit_id=cm.units["a"], now=NOW,
                            data=unit_data(cm.other, "路桥公司")),
        lambda: c.save_agreement(engine, actor=them, agreement_id=agreement.id, now=NOW,
                                 data={"year": 2026, "status": "ended", "commitments": ""}),
        lambda: c.save_agreement(engine, actor=them, now=NOW, data={
            "unit_id": cm.units["b"], "year": 2026, "status": "draft", "commitments": ""}),
        lambda: c.save_item(engine, actor=them, item_id=cm.items["haircut"], data=item_data(cm.project, "x"),
                            now=NOW),
        lambda: c.save_item(engine, actor=them, data=item_data(cm.project, "x"), now=NOW),
        lambda: c.save_project(engine, actor=them, project_id=cm.project, now=NOW,
                               data={"community_id": cm.other, "year": 2026, "name": "x"}),
        lambda: c.claim_item(engine, actor=them, settings=cm.settings, item_id=cm.items["repair"],
                             unit_id=cm.units["x"], now=NOW),
        lambda: c.claim_project(engine, actor=them, settings=cm.settings, project_id=cm.project,
                                unit_id=cm.units["x"], now=NOW),
        lambda: c.withdraw_claim(engine, actor=them, claim_id=claim.id, reason="试试", now=NOW),
        lambda: report(cm, them, claim.id, done=1),
        lambda: c.save_resource(engine, actor=them, settings=cm.settings, now=NOW,
                                data={"unit_id": cm.units["a"], "kind": "venue", "title": "x"}),
    ]
    for n, attempt in enumerate(attempts):
        with pytest.raises(DomainError) as err:
            attempt()
        assert err.value.key == "error.not_found", n
    with pytest.raises(PermissionDenied):  # a community it holds no role in
        c.save_need(engine, actor=them, data={"community_id": cm.home, "title": "x"}, now=NOW)
    with pytest.raises(PermissionDenied):
        c.set_rotation(engine, actor=them, community_id=cm.home, order=[], now=NOW)
    assert counts(engine) == before


def test_an_edit_without_the_phone_keeps_the_stored_phone(cm):
    """A form that could only show the liaison phone masked leaves it out; the stored number stays."""
    data = unit_data(cm.home, "新单位", cm["rep_spare"].id) | {"liaison_phone": "13912345678"}
    unit = c.save_unit(cm.engine, actor=cm["secretary"], settings=cm.settings, data=data, now=NOW)
    edited = {k: v for k, v in data.items() if k != "liaison_phone"} | {"party_members": 9}
    c.save_unit(cm.engine, actor=cm["secretary"], settings=cm.settings, data=edited, unit_id=unit.id, now=NOW)
    with reading(cm.engine) as session:
        stored = session.get(MemberUnit, unit.id)
    assert (stored.liaison_phone, stored.party_members) == ("13912345678", 9)
