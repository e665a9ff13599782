"""The audit screen (AppTest): who may open it, what each role sees, an entry side by side, the empty state."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from sqlalchemy import select

from data_access.db import reading
from data_access.models import AuditLog, Community
from data_access.service.writes import advance_matter, create_matter
from domain.service.workflow import Action
from i18n import translate
from tests.pages_support import PageDb, page_db, run_page, texts


def zh(key: str, **params) -> str:
    return translate("zh", key, **params)


def entries(db: PageDb, *conditions) -> list[int]:
    """Ids of the audit entries matching `conditions`, read straight from the database."""
    with reading(db.engine) as session:
        return list(session.execute(select(AuditLog.id).where(*conditions)).scalars())


def matter_entries(db: PageDb, entry: int) -> list[int]:
    """Ids of every entry about the matter that entry `entry` is about."""
    with reading(db.engine) as session:
        matter_id = session.get(AuditLog, entry).entity_id
    return entries(db, AuditLog.entity == "matter", AuditLog.entity_id == matter_id)


def page_caption(db: PageDb, total: int) -> str:
    """The start of the caption above the table on its first page: page 1 of ..., `total` entries."""
    size = db.settings.page_size
    return zh("common.page", page=1, pages=max(1, math.ceil(total / size)), total=f"{total:,}")


def shows_total(at, db: PageDb, total: int) -> bool:
    return any(text.startswith(page_caption(db, total)) for text in texts(at.caption))


def community(db: PageDb, name: str) -> int:
    with reading(db.engine) as session:
        return session.execute(select(Community.id).where(Community.name == name)).scalar_one()


def record(db: PageDb, community_id: int, by: str = "secretary") -> int:
    """A matter recorded and analysed in `community_id`; the id of its analysis's audit entry."""
    matter = create_matter(db.engine, actor=db.actor(by), settings=db.settings, data={
        "channel": "resident", "sub_source": "phone", "community_id": community_id,
        "grid_id": db.grids(community_id)[0], "anonymous": False, "reporter_name": "李秀英",
        "reporter_phone": "13812345678", "description": "3号楼楼道灯损坏多日未修，夜间出行不便",
        "category": "environment", "urgency": "normal", "mode": "team", "registered_at": None})
    advance_matter(db.engine, actor=db.actor(by), settings=db.settings, matter_id=matter.id, action=Action.ANALYSE,
                   data={"handler": "张敏", "supervisor": "王丽娟", "mode": "proxy", "note": ""})
    with reading(db.engine) as session:
        return session.execute(select(AuditLog.id).where(AuditLog.action == "matter.analyse",
                                                         AuditLog.entity_id == matter.id)).scalar_one()


@pytest.fixture
def audit_db(tmp_path, monkeypatch):
    """The demo street (and its matters' trail) with a matter analysed after it in 康盛 (by its secretary) and one in
    康和 (by a secretary there)."""
    with page_db(tmp_path, "audit", demo=True, monkeypatch=monkeypatch) as db:
        kh = community(db, "康和社区")
        db.add_user("kh_secretary", "secretary", kh)
        db.entries = {"ks": record(db, community(db, "康盛社区")), "kh": record(db, kh, by="kh_secretary")}
        yield db


def table(at):
    (frame,) = [d for d in at.dataframe if "summary" in d.value.columns]
    return frame.value


def test_admin_sees_the_whole_trail(audit_db):
    at = run_page("audit", audit_db.users["admin"])
    assert not at.exception and not at.error
    assert at.title[0].value == "审计日志"
    rows = table(at)
    assert {"matter.create", "matter.analyse", "demo.seed"} <= set(rows["action"].map(
        {zh("audit.action_matter_create"): "matter.create", zh("audit.action_matter_analyse"): "matter.analyse",
         zh("audit.action_demo_seed"): "demo.seed"}.get))
    assert {"康盛社区", "康和社区", zh("common.none")} <= set(rows["community"])
    options = at.selectbox(key="audit_community").options
    assert zh("audit.no_community") in options and len(options) == 5  # all, three communities, none
    assert not [b for b in at.button if b.key != "audit_close"]  # nothing edits or deletes


def test_secretary_sees_only_their_community(audit_db):
    at = run_page("audit", audit_db.users["secretary"])
    assert not at.exception and not at.error
    rows = table(at)
    theirs = entries(audit_db, AuditLog.community_id == community(audit_db, "康盛社区"))
    assert len(theirs) > audit_db.settings.page_size > 0  # with the demo's matters, more than a page
    assert len(rows) == audit_db.settings.page_size and set(rows["community"]) == {"康盛社区"}
    assert set(rows["id"]) <= set(theirs) and shows_total(at, audit_db, len(theirs))
    # newest first: what the secretary just did (the analysis, then the recording), nothing of 康和's
    assert list(rows["id"][:2]) == sorted(matter_entries(audit_db, audit_db.entries["ks"]), reverse=True)
    assert list(rows["actor_name"][:2]) == ["secretary", "secretary"] and "kh_secretary" not in set(rows["actor_name"])
    assert at.selectbox(key="audit_community").options == [zh("common.all"), "康盛社区"]


@pytest.mark.parametrize("username", ["leader", "worker"])
def test_roles_without_audit_read_are_turned_away(audit_db, username):
    at = run_page("audit", audit_db.users[username])
    assert texts(at.error) == [zh("error.page_not_allowed")]
    assert not at.dataframe


def test_an_opened_entry_shows_before_and_after_side_by_side(audit_db):
    at = run_page("audit", audit_db.users["secretary"], audit_entry_id=audit_db.entries["ks"])
    assert not at.exception
    assert zh("audit.entry_title", id=audit_db.entries["ks"]) in texts(at.subheader)
    assert "secretary" in texts(at.text)
    (compare,) = [d.value for d in at.dataframe if "changed" in d.value.columns]
    changed = compare[compare["changed"]]
    assert len(changed) >= 4 and compare["changed"].iloc[0]
    handler = compare[compare["field"].str.endswith("· handler")].iloc[0]
    assert pd.isna(handler["before"]) and (handler["after"], handler["changed"]) == ("张敏", True)
    assert zh("audit.masked_note") not in texts(at.caption)  # the secretary may see personal data here
    at.button(key="audit_close").click().run()
    assert "audit_entry_id" not in at.session_state and not [d for d in at.dataframe if "changed" in d.value.columns]


def test_admin_sees_personal_data_masked(audit_db):
    (created,) = entries(audit_db, AuditLog.action == "matter.create",
                         AuditLog.id.in_(matter_entries(audit_db, audit_db.entries["ks"])))
    at = run_page("audit", audit_db.users["admin"], audit_entry_id=created)
    (compare,) = [d.value for d in at.dataframe if "changed" in d.value.columns]
    phone = compare[compare["field"].str.endswith("reporter_phone")].iloc[0]
    assert phone["after"] == "138****5678"
    assert zh("audit.masked_note") in texts(at.caption)


def test_an_entry_of_another_community_does_not_open(audit_db):
    at = run_page("audit", audit_db.users["secretary"], audit_entry_id=audit_db.entries["kh"])
    assert texts(at.warning) == [zh("audit.entry_not_found")]


def test_filters_narrow_the_table_and_an_empty_result_explains(audit_db):
    at = run_page("audit", audit_db.users["admin"])
    seed_label = zh("audit.action_demo_seed")
    assert seed_label in set(table(at)["action"]) and shows_total(at, audit_db, len(entries(audit_db)))
    at.selectbox(key="audit_action").select("matter.").run()
    rows = table(at)
    matter_actions = entries(audit_db, AuditLog.action.startswith("matter."))
    assert len(rows) == audit_db.settings.page_size and set(rows["id"]) <= set(matter_actions)
    assert seed_label not in set(rows["action"]) and shows_total(at, audit_db, len(matter_actions))
    at.text_input(key="audit_actor").input("kh_secretary").run()
    rows = table(at)
    assert sorted(rows["id"]) == sorted(matter_entries(audit_db, audit_db.entries["kh"]))  # recorded, analysed
    assert set(rows["community"]) == {"康和社区"} and shows_total(at, audit_db, 2)
    at.text_input(key="audit_actor").input("nobody").run()
    assert not at.exception
    assert texts(at.info) == [zh("audit.empty")]
    assert not at.dataframe


def test_the_screen_speaks_english(audit_db):
    at = run_page("audit", audit_db.users["admin"], lang="en")
    assert not at.exception
    assert at.title[0].value == "Audit trail"
    assert "Logged in" not in set(table(at)["action"]) and "Demo data created" in set(table(at)["action"])


def test_a_trail_longer_than_the_export_limit_is_counted_only_that_far(audit_db, monkeypatch):
    from data_access.accounts import audit_trail

    monkeypatch.setattr(audit_trail, "EXPORT_LIMIT", 100)
    at = run_page("audit", audit_db.users["admin"])
    assert not at.exception
    assert any("共 100+ 条" in c for c in texts(at.caption)), texts(at.caption)
    assert at.number_input(key="audit_page").max == 2, "100 entries in pages of 50"
    assert any("100+" in w for w in texts(at.warning)), "the export warns that only the newest 100 go out"


@pytest.mark.parametrize(("username", "action"), [("secretary", ""), ("admin", "matter.")])
def test_every_page_number_shows_its_entries_oldest_last(audit_db, username, action):
    """The screen passes its count, so pages in the older half are read from the oldest end: the last, the middle
    and the second page each show the entries a plain sort of the reader's entries puts there, in order."""
    conditions = [AuditLog.action.startswith(action)] if action else []
    if username == "secretary":
        conditions.append(AuditLog.community_id == community(audit_db, "康盛社区"))
    with reading(audit_db.engine) as session:
        rows = session.execute(select(AuditLog.id, AuditLog.at).where(*conditions)).all()
    ids = [row.id for row in sorted(rows, key=lambda row: (row.at, row.id), reverse=True)]
    size = audit_db.settings.page_size
    last = math.ceil(len(ids) / size)
    assert last >= 3
    at = run_page("audit", audit_db.users[username])
    if action:
        at.selectbox(key="audit_action").select(action).run()
    assert at.number_input(key="audit_page").max == last
    for page in (last, (last + 1) // 2, 2):
        at.number_input(key="audit_page").set_value(page).run()
        assert not at.exception
        assert list(table(at)["id"]) == ids[(page - 1) * size: page * size], page
