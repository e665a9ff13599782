"""The audit trail's reads and export: scope, filters, masking, side by side, the traced export, append-only."""

from __future__ import annotations

import io
import json
import math
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from data_access.accounts import audit_trail as trail
from data_access.accounts.audit_trail import AuditFilter
from data_access.accounts.auth import login
from data_access.db import reading
from data_access.demo import street
from data_access.models import AuditLog, Community, Grid, Matter, MatterEvent
from data_access.service.writes import advance_matter, create_matter
from domain.access import Actor, grants_for
from domain.service.workflow import Action
from i18n import translate
from tests.conftest import NOW

pytestmark = pytest.mark.db
ID_NUMBER = "110105199001011232"
FORMULA = '=HYPERLINK("http://evil.example","点我")'
# The fixture's matters are recorded a week after the demo's NOW (the demo's trail ends at NOW, the accounts log in
# then), on two days: entries from SINCE on are the fixture's own.
LATER = NOW + timedelta(days=7)
SINCE = (LATER - timedelta(days=3)).date()


def grid_of(engine, community_id: int) -> int:
    with reading(engine) as session:
        return session.execute(select(Grid.id).where(Grid.community_id == community_id)).scalars().first()


def community_id(engine, name: str) -> int:
    with reading(engine) as session:
        return session.execute(select(Community.id).where(Community.name == name)).scalar_one()


def all_entries(engine, *conditions) -> int:
    with reading(engine) as session:
        return session.execute(select(func.count()).select_from(AuditLog).where(*conditions)).scalar_one()


def count_rows(engine, model, *conditions) -> int:
    with reading(engine) as session:
        return session.execute(select(func.count()).select_from(model).where(*conditions)).scalar_one()


def new_matter(engine, settings, actor, community: int, *, at=NOW, **changes):
    data = {"channel": "cadre", "sub_source": "home_visit", "community_id": community,
            "grid_id": grid_of(engine, community), "reporter_name": "李桂英", "reporter_phone": "13912345678",
            "reporter_id_number": ID_NUMBER, "description": "3号楼电梯又停了，老人下不了楼",
            "category": "property", "urgency": "urgent", "mode": "team", "registered_at": at - timedelta(hours=2)}
    data.update(changes)
    return create_matter(engine, actor=actor, settings=settings, data=data, now=at)


@pytest.fixture
def trail_db(demo_engine, settings, actors):
    """The demo street (with its matters' trail) plus matters recorded after it in 康盛 (by the secretary) and
    康和 (by its own secretary), on different days, and one of them moved a step; returns (engine, actors, ids)."""
    kh = community_id(demo_engine, "康和社区")
    kh_secretary = Actor(id=None, username="kh_secretary", display_name="康和社区书记",
                         grants=grants_for(settings, [("secretary", kh, None)]))
    ks = community_id(demo_engine, "康盛社区")
    first = new_matter(demo_engine, settings, actors["secretary"], ks, at=LATER - timedelta(days=3))
    second = new_matter(demo_engine, settings, actors["secretary"], ks, at=LATER, description=FORMULA)
    other = new_matter(demo_engine, settings, kh_secretary, kh, at=LATER)
    advance_matter(demo_engine, actor=actors["secretary"], settings=settings, matter_id=first.id,
                   action=Action.ANALYSE, data={"handler": "张敏", "supervisor": "王丽娟", "mode": "proxy", "note": ""},
                   now=LATER)
    return demo_engine, {**actors, "kh_secretary": kh_secretary}, {"ks": ks, "kh": kh, "first": first.id,
                                                                    "second": second.id, "other": other.id}


def entry_id(engine, *conditions) -> int:
    with reading(engine) as session:
        return session.execute(select(AuditLog.id).where(*conditions).order_by(AuditLog.id.desc())).scalars().first()


def test_scope_secretary_admin_and_leader(trail_db):
    engine, actors, ids = trail_db
    everything = AuditFilter()
    assert trail.count_entries(engine, everything, actor=actors["admin"]) == all_entries(engine)
    own = all_entries(engine, AuditLog.community_id == ids["ks"])
    assert all_entries(engine, AuditLog.community_id == ids["ks"], AuditLog.at > NOW) == 3  # two recorded, one analysed
    assert 3 < own < all_entries(engine)  # the demo's matters (and volunteer service) in 康盛 too
    assert trail.count_entries(engine, everything, actor=actors["secretary"]) == own
    page = trail.entries_page(engine, everything, actor=actors["secretary"])
    assert list(page.columns) == trail.COLUMNS and len(page) == 50
    assert set(page["community"]) == {"康盛社区"} and not page["action"].str.startswith("account.").any()
    newest = page.head(3)  # the fixture's entries in 康盛, the newest, come first
    assert list(newest["action"]) == ["matter.analyse", "matter.create", "matter.create"]
    assert list(newest["entity_id"]) == [ids["first"], ids["second"], ids["first"]]
    admin_page = trail.entries_page(engine, everything, actor=actors["admin"], page_size=500)
    assert {"account.login", "demo.seed", "matter.create", "matter.analyse"} <= set(admin_page["action"])
    assert admin_page["community"].isna().any()  # account and system entries belong to no community
    assert trail.count_entries(engine, everything, actor=actors["leader"]) == 0
    assert trail.entries_page(engine, everything, actor=actors["leader"]).empty
    assert trail.count_entries(engine, AuditFilter(community_id=ids["kh"]), actor=actors["secretary"]) == 0
    assert trail.count_entries(engine, AuditFilter(without_community=True), actor=actors["secretary"]) == 0
    assert trail.scope_communities(engine, actor=actors["secretary"]) == [(ids["ks"], "康盛社区")]
    assert len(trail.scope_communities(engine, actor=actors["admin"])) == 3
    assert trail.scope_communities(engine, actor=actors["leader"]) == []


def test_filters(trail_db):
    engine, actors, ids = trail_db
    admin = actors["admin"]

    def n(**fields) -> int:
        return trail.count_entries(engine, AuditFilter(**fields), actor=admin)

    def mine(**fields) -> int:  # among the fixture's own entries only
        return n(date_from=SINCE, **fields)

    assert mine() == 4
    assert mine(actor_name="secretary") == 3  # recorded two matters, analysed one
    assert mine(actor_name=" Secretary ", action="matter.") == 3 and n(actor_name="kh_secretary") == 1
    assert n(actor_name="nobody") == 0
    by_secretary = all_entries(engine, AuditLog.actor_name == "secretary")
    assert 4 < by_secretary < all_entries(engine)  # the demo's matters were handled by the worker too
    assert n(actor_name="secretary") == by_secretary
    assert n(actor_name=" Secretary ", action="matter.") == all_entries(
        engine, AuditLog.actor_name == "secretary", AuditLog.action.like("matter.%"))
    assert mine(action="matter.") == 4 and mine(action="matter.create") == 3 and mine(action="matter.analyse") == 1
    # over the whole trail: a "matter.create" for each matter, a "matter.<action>" for each step of its timeline
    assert n(action="matter.create") == count_rows(engine, Matter)
    assert n(action="matter.analyse") == count_rows(engine, MatterEvent, MatterEvent.action == "analyse")
    assert n(action="matter.") == count_rows(engine, MatterEvent)
    assert n(action="matter") == 0  # a prefix must end with "."
    logins = len(street.ACCOUNTS)
    assert n(action="account.") == n(action="account.login") == logins  # every demo account logged in once
    assert n(entity="user") == logins and n(entity="street") == 1
    assert n(entity="matter", entity_id=ids["first"]) == 2
    assert mine(community_id=ids["kh"]) == 1 and mine(community_id=ids["ks"]) == 3
    for community in (ids["ks"], ids["kh"]):
        assert 0 < n(community_id=community) == all_entries(engine, AuditLog.community_id == community)
    assert n(without_community=True) == all_entries(engine, AuditLog.community_id.is_(None))
    day = LATER.date()
    assert n(date_from=SINCE, date_to=SINCE, action="matter.") == 1
    assert n(date_from=SINCE, date_to=day - timedelta(days=1)) == 1
    assert n(date_from=day, action="matter.") == 3
    assert n(date_to=day - timedelta(days=1), action="matter.") == n(action="matter.") - 3
    # the day of NOW is included whole (the demo's last entries and the logins are at 10:00), nothing later
    assert n(date_to=NOW.date()) == all_entries(engine, AuditLog.at <= NOW) == all_entries(engine) - 4
    assert n(date_from=NOW.date() + timedelta(days=1), date_to=SINCE - timedelta(days=1)) == 0
    assert n(date_from=day + timedelta(days=1)) == 0


def test_paging_is_newest_first(trail_db):
    engine, actors, ids = trail_db
    flt = AuditFilter(action="matter.", date_from=SINCE)  # the fixture's four
    first = trail.entries_page(engine, flt, actor=actors["admin"], page=1, page_size=3)
    second = trail.entries_page(engine, flt, actor=actors["admin"], page=2, page_size=3)
    assert len(first) == 3 and len(second) == 1
    times = list(first["at"]) + list(second["at"])
    assert times == sorted(times, reverse=True)
    assert str(first["at"].dt.tz) == "Asia/Shanghai"
    # the matter recorded three days earlier comes last
    assert (second["action"].iloc[0], second["entity_id"].iloc[0]) == ("matter.create", ids["first"])
    assert trail.entries_page(engine, flt, actor=actors["admin"], page=9, page_size=3).empty


def test_paging_walks_the_whole_trail(trail_db):
    engine, actors, _ = trail_db
    flt, size = AuditFilter(action="matter."), 400
    with reading(engine) as session:
        expected = set(session.execute(select(AuditLog.id).where(AuditLog.action.startswith("matter."))).scalars())
    count = math.ceil(len(expected) / size)
    assert count > 2
    pages = [trail.entries_page(engine, flt, actor=actors["admin"], page=p, page_size=size)
             for p in range(1, count + 1)]
    assert [len(p) for p in pages] == [size] * (count - 1) + [len(expected) - size * (count - 1)]
    ids = [i for p in pages for i in p["id"]]
    assert len(ids) == len(set(ids)) and set(ids) == expected  # every entry once, on exactly one page
    times = [at for p in pages for at in p["at"]]
    assert times == sorted(times, reverse=True) and times[0] == LATER
    for before, after in zip(pages, pages[1:], strict=False):  # each page ends no later than where the next starts
        assert (before["at"].iloc[-1], before["id"].iloc[-1]) > (after["at"].iloc[0], after["id"].iloc[0])
    assert trail.entries_page(engine, flt, actor=actors["admin"], page=count + 1, page_size=size).empty


def test_summary_names_what_changed(trail_db):
    engine, actors, ids = trail_db
    page = trail.entries_page(engine, AuditFilter(action="matter.analyse", entity_id=ids["first"]),
                              actor=actors["admin"])
    assert len(page) == 1
    line = page["summary"].iloc[0]
    assert "step: 1 → 2" in line and "handler: — → 张敏" in line and len(line) <= trail.SUMMARY_MAX
    assert trail.summary(None, {"reason": "unknown_user"}) == "reason=unknown_user"
    assert trail.summary(None, None) == ""


def test_entry_is_scoped_and_compared_side_by_side(trail_db):
    engine, actors, ids = trail_db
    other = entry_id(engine, AuditLog.entity_id == ids["other"], AuditLog.entity == "matter")
    assert trail.entry(engine, other, actor=actors["secretary"]) is None
    assert trail.entry(engine, other, actor=actors["kh_secretary"]).community == "康和社区"
    assert trail.entry(engine, other, actor=actors["leader"]) is None
    assert trail.entry(engine, 10**9, actor=actors["admin"]) is None
    login_entry = entry_id(engine, AuditLog.action == "account.login")
    assert trail.entry(engine, login_entry, actor=actors["secretary"]) is None
    assert trail.entry(engine, login_entry, actor=actors["admin"]).community_id is None

    analysed = entry_id(engine, AuditLog.action == "matter.analyse", AuditLog.entity_id == ids["first"])
    shown = trail.entry(engine, analysed, actor=actors["secretary"])
    assert (shown.actor_name, shown.entity, shown.entity_id) == ("secretary", "matter", ids["first"])
    assert shown.at.utcoffset() == timedelta(hours=8)
    compared = trail.side_by_side(shown.before, shown.after)
    assert list(compared.columns) == ["field", "before", "after", "changed"]
    changed = compared[compared["changed"]]
    assert set(changed["field"]) == {"step", "handler", "supervisor", "mode", "updated_at"}
    assert compared["changed"].tolist() == sorted(compared["changed"].tolist(), reverse=True)  # changed first
    handler = compared.set_index("field").loc["handler"]
    assert (handler["before"], handler["after"]) == (None, "张敏")
    assert set(compared["field"]) == set(shown.before) | set(shown.after)


def test_side_by_side_is_pure():
    frame = trail.side_by_side({"a": 1, "b": "x", "gone": True}, {"a": 1, "b": "y", "new": [1, 2]})
    rows = {r.field: (r.before, r.after, r.changed) for r in frame.itertuples()}
    assert rows == {"b": ("x", "y", True), "gone": ("true", None, True), "new": (None, "[1, 2]", True),
                    "a": ("1", "1", False)}
    assert list(frame["field"])[-1] == "a"
    created = trail.side_by_side(None, {"n": 1, "empty": None})
    assert created.set_index("field")["changed"].to_dict() == {"n": True, "empty": False}
    assert trail.side_by_side(None, None).empty


def test_personal_fields_masked_unless_the_role_may_see_them(trail_db):
    engine, actors, ids = trail_db
    created = entry_id(engine, AuditLog.entity_id == ids["first"], AuditLog.action == "matter.create")
    for_admin = trail.entry(engine, created, actor=actors["admin"])
    assert for_admin.masked
    assert for_admin.after["reporter_name"] == "李**"
    assert for_admin.after["reporter_phone"] == "139****5678"
    assert for_admin.after["reporter_id_number"] == "110***********1232"
    for_secretary = trail.entry(engine, created, actor=actors["secretary"])
    assert not for_secretary.masked
    assert (for_secretary.after["reporter_name"], for_secretary.after["reporter_phone"],
            for_secretary.after["reporter_id_number"]) == ("李桂英", "13912345678", ID_NUMBER)
    analysed = trail.entry(engine, entry_id(engine, AuditLog.action == "matter.analyse",
                                            AuditLog.entity_id == ids["first"]), actor=actors["admin"])
    assert analysed.before["reporter_phone"] == analysed.after["reporter_phone"] == "139****5678"


def _sheet(data: bytes):
    sheet = load_workbook(io.BytesIO(data)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)], sheet


def test_export_is_masked_safe_and_traced(trail_db, settings):
    engine, actors, ids = trail_db
    login(engine, settings, FORMULA, "wrong", now=NOW)  # the name typed is not kept: it may be a password
    admin = actors["admin"]
    flt = AuditFilter()
    expected = trail.count_entries(engine, flt, actor=admin)
    rows, sheet = _sheet(trail.trail_xlsx(engine, flt, actor=admin, lang="zh", now=NOW))
    assert rows[0] == [translate("zh", key) for _, key, _ in trail.EXPORT_COLUMNS]
    assert rows[0][:2] == ["记录号", "时间"] and sheet.freeze_panes == "A2"
    assert len(rows) - 1 == expected
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    failed = next(r for r in rows[1:] if r[4] == "account.login_failed")
    assert failed[2] == "(unknown)" and failed[3] == "登录失败"
    assert not any(str(cell).lower().startswith("=hyperlink") for row in rows for cell in row)
    second = next(r for r in rows[1:] if r[4] == "matter.create" and f'"id": {ids["second"]}' in r[10])
    assert json.loads(second[10])["description"] == FORMULA and second[10].startswith("{")
    assert "13912345678" not in second[10] and "139****5678" in second[10] and second[9] is None
    assert second[7] == "康盛社区"

    exported = trail.entries_page(engine, AuditFilter(action="export.audit"), actor=admin)
    assert len(exported) == 1 and exported["actor_name"].iloc[0] == "admin"
    shown = trail.entry(engine, int(exported["id"].iloc[0]), actor=admin)
    assert shown.after == {"rows": expected, "filter": {}} and shown.community_id is None


def test_secretary_export_unmasked_in_own_community_and_traced_there(trail_db):
    engine, actors, ids = trail_db
    sec = actors["secretary"]
    flt = AuditFilter(action="matter.", date_from=LATER.date())
    rows, _ = _sheet(trail.trail_xlsx(engine, flt, actor=sec, lang="en", now=NOW))
    assert rows[0][:3] == ["Entry", "Time", "Actor"]
    assert len(rows) - 1 == trail.count_entries(engine, flt, actor=sec) == 2
    assert all("13912345678" in r[10] for r in rows[1:])
    shown = trail.entry(engine, entry_id(engine, AuditLog.action == "export.audit"), actor=sec)
    assert shown.community_id == ids["ks"]
    assert shown.after == {"rows": 2, "filter": {"action": "matter.", "date_from": LATER.date().isoformat()}}
    with pytest.raises(Exception) as refused:
        trail.trail_xlsx(engine, flt, actor=actors["leader"], lang="zh", now=NOW)
    assert getattr(refused.value, "key", None) == "error.permission"


@pytest.mark.parametrize("statement", ["UPDATE audit_log SET action = 'matter.hidden'", "DELETE FROM audit_log"])
def test_the_trail_is_append_only(trail_db, statement):
    engine, _, _ = trail_db
    before = all_entries(engine)
    with pytest.raises(DBAPIError):
        with engine.begin() as conn:
            conn.execute(text(statement))
    assert all_entries(engine) == before and all_entries(engine, AuditLog.action == "matter.hidden") == 0


def test_action_labels_fall_back_to_the_code():
    assert trail.action_label("zh", "matter.create") == "登记事项"
    assert trail.action_label("en", "matter.") == "All matter actions"
    assert trail.action_label("en", "something.new") == "something.new"
    assert trail.entity_label("zh", "matter") == "事项" and trail.entity_label("zh", "grid") == "grid"
    assert all(trail.action_label("zh", code) != code for code in trail.ACTIONS + trail.ACTION_GROUPS)


def test_a_capped_count_stops_one_past_the_cap(trail_db):
    engine, actors, _ = trail_db
    exact = trail.count_entries(engine, AuditFilter(), actor=actors["admin"])
    assert exact > 10
    assert trail.count_entries(engine, AuditFilter(), actor=actors["admin"], cap=10) == 11
    assert trail.count_entries(engine, AuditFilter(), actor=actors["admin"], cap=exact) == exact
    assert trail.count_entries(engine, AuditFilter(), actor=actors["leader"], cap=10) == 0, "scope still applies"
