"""Page tests (Streamlit AppTest) of the joint committee's overview, member units and agreements, the three lists and
claims and progress: each renders for the secretary, the leader and a unit's representative and on an empty database;
the overview's figures are the data's and open their records; refused input keeps the input and says why next to the
field, writing nothing; a representative gets forms only for their own unit's claims, the leader none at all."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import pytest
from sqlalchemy import func, select

from data_access import clock
from data_access.committee.writes import claim_item, record_progress, save_agreement, save_item, save_project, save_unit
from data_access.db import reading
from data_access.models import Agreement, Claim, MemberUnit, ProgressUpdate, Project
from data_access.service.writes import create_matter
from i18n import translate
from tests.pages_support import page_db, run_page, texts
from ui.charts import PICK, picked, progress_bars
from ui.i18n import md_escape

PAGES = ["committee_dashboard", "committee_units", "committee_lists", "committee_claims"]
TITLES = {"committee_dashboard": "联合党委总览", "committee_units": "成员单位与共建协议", "committee_lists": "三张清单",
          "committee_claims": "认领与进度"}


def zh(key: str, **params) -> str:
    return translate("zh", key, **params)


def count(db, model, *conditions) -> int:
    with reading(db.engine) as session:
        return session.execute(select(func.count()).select_from(model).where(*conditions)).scalar_one()


@pytest.fixture
def db(tmp_path, monkeypatch):
    """One community's committee as of today: units A (represented by rep_a), B (rep_b) and C (no representative);
    agreements of A and B signed this year, C none; one project with four items:
    I1 (10 次, claimed by A, done 10: complete), I2 (10, claimed by B, done 2: behind), I3 (20, unclaimed, behind)
    and I4 (10, claimed by A, its period over yesterday, no update: overdue, behind and stale)."""
    with page_db(tmp_path, "committee", demo=False, monkeypatch=monkeypatch) as db:
        community_id, _ = db.add_place("康盛社区", "KS")
        db.add_user("secretary", "secretary", community_id)
        db.add_user("leader", "leader")
        db.add_user("rep_a", "unitrep", community_id)
        db.add_user("rep_b", "unitrep", community_id)
        db.add_user("rep_c", "unitrep", community_id)
        secretary, cfg = db.actor("secretary"), db.settings
        today = clock.today()
        year = today.year
        units = {}
        for name, rep in (("甲单位", "rep_a"), ("乙单位", "rep_b"), ("丙单位", None)):
            units[name] = save_unit(db.engine, actor=secretary, settings=cfg, data={
                "community_id": community_id, "name": name, "kind": "enterprise", "party_members": 5,
                "representative_id": db.users[rep] if rep else None, "joined_on": today - timedelta(days=400)}).id
        for name in ("甲单位", "乙单位"):
            save_agreement(db.engine, actor=secretary, data={"unit_id": units[name], "year": year, "status": "signed",
                                                             "signed_on": today, "commitments": "每月志愿服务一次"})
        project = save_project(db.engine, actor=secretary, data={"community_id": community_id, "year": year,
                                                                 "name": "银龄关爱"})
        items = {}
        for name, target, start, end in (("I1 上门探访", 10, -10, 10), ("I2 助餐服务", 10, -10, 10),
                                         ("I3 健康讲座", 20, -10, 10), ("I4 义务理发", 10, -60, -1)):
            items[name[:2]] = save_item(db.engine, actor=secretary, data={
                "project_id": project.id, "name": name, "target": target, "unit": "次",
                "period_start": today + timedelta(days=start), "period_end": today + timedelta(days=end)}).id
        claims = {}
        for item, unit in (("I1", "甲单位"), ("I2", "乙单位"), ("I4", "甲单位")):
            claims[item] = claim_item(db.engine, actor=secretary, settings=cfg, item_id=items[item],
                                      unit_id=units[unit]).id
        for item, done in (("I1", 10), ("I2", 2)):
            record_progress(db.engine, actor=secretary, settings=cfg, claim_id=claims[item],
                            data={"on": today, "done": done, "note": "按计划推进"})
        db.community_id, db.units, db.items, db.claims, db.project_id = community_id, units, items, claims, project.id
        yield db


@pytest.fixture
def empty_db(tmp_path, monkeypatch):
    """No committee at all: a community with its secretary, and the street leader."""
    with page_db(tmp_path, "empty", demo=False, monkeypatch=monkeypatch) as db:
        community_id, _ = db.add_place("康盛社区", "KS")
        db.add_user("secretary", "secretary", community_id)
        db.add_user("leader", "leader")
        db.add_user("rep", "unitrep", community_id)
        yield db


# --- every page renders ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES)
def test_pages_render_for_each_role(db, page):
    for user in ("secretary", "leader", "rep_a", "rep_c"):
        at = run_page(page, db.users[user])
        assert not at.exception, (user, at.exception)
        assert texts(at.title) == [TITLES[page]]
        assert not at.error, (user, texts(at.error))


@pytest.mark.parametrize("page", PAGES)
def test_pages_on_an_empty_database_say_what_to_do(empty_db, page):
    for user in ("secretary", "leader", "rep"):
        at = run_page(page, empty_db.users[user])
        assert not at.exception, (user, at.exception)
        assert texts(at.title) == [TITLES[page]]
        assert not at.error
        infos = " ".join(texts(at.info))
        if page == "committee_units":
            assert (zh("units.empty") if user == "secretary" else zh("units.empty_read")) in infos
        elif page == "committee_dashboard":
            assert zh("cdash.empty", year=clock.today().year) in infos
        elif page == "committee_lists":
            assert (zh("lists.no_needs") if user == "secretary" else zh("lists.no_needs_read")) in infos
            assert (zh("lists.no_projects", year=clock.today().year) if user == "secretary"
                    else zh("lists.no_projects_read", year=clock.today().year)) in infos
        else:
            assert zh("claims.none", year=clock.today().year) in infos
            if user == "rep":
                assert zh("claims.not_a_representative") in infos


# --- helpers -----------------------------------------------------------------------------------------------------


def _children(node) -> list:
    children = getattr(node, "children", None) or {}
    return list(children.values()) if isinstance(children, dict) else list(children)


def message_under(at, key: str) -> str | None:
    """The error shown right under the widget `key` (where ui.forms.field_error puts a field's message)."""
    def search(node):
        children = _children(node)
        for index, child in enumerate(children):
            if getattr(child, "key", None) == key:
                after = children[index + 1] if index + 1 < len(children) else None
                return after.value if type(after).__name__ == "Error" else ""
            found = search(child)
            if found is not None:
                return found
        return None
    return search(at.main) or None


def form_keys(at) -> set[str]:
    """The keys of every input widget and button on the page."""
    keys = set()
    for kind in ("button", "text_input", "text_area", "number_input", "date_input", "selectbox", "multiselect",
                 "radio"):
        keys |= {w.key for w in at.get(kind) if w.key}
    return keys


def table_with(at, column: str):
    """The first table on the page with this column."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


FORM_KEYS = ("unit_new_save", "agreement_new_save", "units_rotation_save", "need_new_save", "need_matter_save",
             "resource_new_save", "project_new_save", "item_new_save", "claim_new_save", "claim_project_save")


# --- the overview ------------------------------------------------------------------------------------------------


def test_the_overview_shows_the_data_and_opens_the_records_behind_each_figure(db):
    at = run_page("committee_dashboard", db.users["leader"])
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {"认领率": "75.0%", "完成度": "24.0%", "成员单位": "3", "已签共建协议": "2", "超期事项": "1",
                       "进度滞后": "3", "未更新事项": "1", "待认领事项": "1"}
    captions = texts(at.caption)
    assert zh("cdash.claimed_of", claimed="3", listed="4") in captions
    assert zh("cdash.unsigned_count", count="1") in captions
    # the ranking: fulfilment of the units' claims (甲: (10 + 0) / 20, 乙: 2 / 10), 丙 without claims last
    ranking = at.dataframe(key="cdash_units_table").value
    assert list(ranking["unit"]) == ["甲单位", "乙单位", "丙单位"]
    assert list(ranking["fulfilment"])[:2] == [0.5, 0.2]

    def records(button: str) -> list[str]:
        at.button(key=button).click().run()
        assert not at.exception
        return sorted(at.dataframe[-1].value["name"])  # the records come last

    assert records("cdash_open_overdue") == ["I4 义务理发"]
    assert at.segmented_control(key="cdash_show").value == "overdue"
    assert records("cdash_open_unclaimed") == ["I3 健康讲座"]
    assert records("cdash_open_stale") == ["I4 义务理发"]
    assert records("cdash_open_behind") == ["I2 助餐服务", "I3 健康讲座", "I4 义务理发"]
    assert records("cdash_open_complete") == ["I1 上门探访"]
    assert records("cdash_open_claimed") == ["I1 上门探访", "I2 助餐服务", "I4 义务理发"]
    # one unit's items
    at.selectbox(key="cdash_unit").select(db.units["乙单位"]).run()
    assert list(at.dataframe[-1].value["name"]) == ["I2 助餐服务"]
    # the agreements: who has not signed
    at.button(key="cdash_open_agreements").click().run()
    assert zh("units.unsigned", year=clock.today().year, count=1, names="丙单位") in texts(at.warning)
    assert list(at.dataframe[-1].value["status"]) == ["未签订", "已签订", "已签订"]
    # no forms on the overview
    assert not (form_keys(at) & set(FORM_KEYS))


def test_the_overview_in_english(db):
    at = run_page("committee_dashboard", db.users["secretary"], lang="en")
    assert not at.exception
    assert texts(at.title) == ["Joint committee overview"]
    assert {m.label: m.value for m in at.metric}["Claim rate"] == "75.0%"


# --- member units and agreements ---------------------------------------------------------------------------------


def test_a_unit_with_a_name_taken_is_refused_next_to_the_name_and_the_input_kept(db):
    at = run_page("committee_units", db.users["secretary"])
    at.text_input(key="unit_new_name").input("甲单位")
    at.selectbox(key="unit_new_kind").select("school")
    at.text_input(key="unit_new_liaison").input("李老师")
    at.button(key="unit_new_save").click().run()
    assert not at.exception
    assert message_under(at, "unit_new_name") == zh("committee_error.unit_name_taken", name="甲单位")
    assert at.text_input(key="unit_new_name").value == "甲单位"
    assert at.text_input(key="unit_new_liaison").value == "李老师"
    assert at.selectbox(key="unit_new_kind").value == "school"
    assert count(db, MemberUnit) == 3
    # another name is saved, and the form starts afresh
    at.text_input(key="unit_new_name").input("丁小学")
    at.button(key="unit_new_save").click().run()
    assert zh("units.created", name="丁小学") in texts(at.success)
    assert count(db, MemberUnit, MemberUnit.name == "丁小学", MemberUnit.liaison == "李老师") == 1
    assert [w.value for w in at.text_input if w.key.startswith("unit_new_name")] == [""]
    assert "丁小学" in set(at.dataframe(key="units_table").value["name"])


def test_a_second_agreement_for_the_same_unit_and_year_is_refused(db):
    at = run_page("committee_units", db.users["secretary"])
    at.selectbox(key="agreement_new_unit_id").select(db.units["甲单位"])
    at.text_area(key="agreement_new_commitments").input("再签一份")
    at.button(key="agreement_new_save").click().run()
    assert not at.exception
    year = clock.today().year
    assert message_under(at, "agreement_new_year") == zh("committee_error.agreement_exists", year=year)
    assert at.text_area(key="agreement_new_commitments").value == "再签一份"
    assert count(db, Agreement) == 2
    # the unit without an agreement signs
    at.selectbox(key="agreement_new_unit_id").select(db.units["丙单位"])
    at.button(key="agreement_new_save").click().run()
    assert zh("units.agreement_saved") in texts(at.success)
    assert count(db, Agreement, Agreement.unit_id == db.units["丙单位"], Agreement.year == year) == 1
    assert zh("units.all_signed", year=year) in texts(at.success)


def test_the_secretary_sets_the_rotation(db):
    at = run_page("committee_units", db.users["secretary"])
    order = [db.units["乙单位"], db.units["甲单位"]]
    at.multiselect(key="rotation_order").set_value(order)
    at.button(key="units_rotation_save").click().run()
    assert not at.exception
    assert zh("units.rotation_saved") in texts(at.success)
    with reading(db.engine) as session:
        rota = dict(session.execute(select(MemberUnit.name, MemberUnit.rota_position)).all())
    assert rota == {"乙单位": 1, "甲单位": 2, "丙单位": None}
    assert "1\\. 乙单位 → 2\\. 甲单位" in [m.value for m in at.markdown]


# --- the three lists ---------------------------------------------------------------------------------------------


def test_the_secretary_adds_a_project_and_an_item_and_a_need(db):
    at = run_page("committee_lists", db.users["secretary"])
    at.text_input(key="project_new_name").input("少年宫")
    at.button(key="project_new_save").click().run()
    assert not at.exception
    assert zh("lists.project_saved", name="少年宫") in texts(at.success)
    projects = at.dataframe(key="lists_projects_table").value
    assert list(projects["name"]) == ["银龄关爱", "少年宫"]
    with reading(db.engine) as session:
        new_project = session.execute(select(Project.id).where(Project.name == "少年宫")).scalar_one()
    # an item whose period ends before it starts: refused next to the end, input kept
    today = clock.today()
    at.selectbox(key="item_new_project_id").set_value(new_project)
    at.text_input(key="item_new_name").input("周末托管")
    at.number_input(key="item_new_target").set_value(8)
    at.text_input(key="item_new_unit").input("次")
    at.date_input(key="item_new_period_start").set_value(today)
    at.date_input(key="item_new_period_end").set_value(today - timedelta(days=1))
    at.button(key="item_new_save").click().run()
    assert message_under(at, "item_new_period_end") == zh("committee_error.period_end_before_start",
                                                          start=md_escape(today.isoformat()))
    assert at.text_input(key="item_new_name").value == "周末托管"
    at.date_input(key="item_new_period_end").set_value(today + timedelta(days=30))
    at.button(key="item_new_save").click().run()
    assert zh("lists.item_saved", name="周末托管") in texts(at.success)
    assert "周末托管" in set(at.dataframe[-1].value["name"])
    # a need from a matter number that does not exist: said next to the number
    at.text_input(key="need_matter_number").input("NOPE-1")
    at.button(key="need_matter_save").click().run()
    assert message_under(at, "need_matter_number") == zh("lists.matter_not_found", number=md_escape("NOPE-1"))
    assert at.text_input(key="need_matter_number").value == "NOPE-1"
    matter = create_matter(db.engine, actor=db.actor("secretary"), settings=db.settings, data={
        "channel": "resident", "sub_source": "phone", "community_id": db.community_id,
        "grid_id": db.grids(db.community_id)[0], "anonymous": True, "description": "小区缺少老年助餐点",
        "category": "environment", "urgency": "normal", "mode": "team", "registered_at": None})
    at.text_input(key="need_matter_number").input(matter.number)
    at.button(key="need_matter_save").click().run()
    assert zh("lists.need_saved", title="小区缺少老年助餐点") in texts(at.success)
    at.text_input(key="need_new_title").input("老旧小区缺少助餐点")
    at.button(key="need_new_save").click().run()
    assert zh("lists.need_saved", title="老旧小区缺少助餐点") in texts(at.success)
    needs = table_with(at, "matter_number")
    assert list(needs["title"]) == ["老旧小区缺少助餐点", "小区缺少老年助餐点"]
    assert list(needs["source"]) == ["直接登记", "民情事项"]
    assert list(needs["matter_number"]) == ["", matter.number]


def test_a_representative_offers_a_resource_of_their_own_unit_only(db):
    at = run_page("committee_lists", db.users["rep_a"])
    assert at.selectbox(key="resource_new_unit_id").options == ["甲单位"]
    assert not ({"need_new_save", "project_new_save", "item_new_save"} & form_keys(at))
    at.selectbox(key="resource_new_kind").select("venue")
    at.text_input(key="resource_new_title").input("会议室周末开放")
    at.button(key="resource_new_save").click().run()
    assert not at.exception
    assert zh("lists.resource_saved", title="会议室周末开放") in texts(at.success)
    assert list(table_with(at, "kind")["unit"]) == ["甲单位"]


# --- claims and progress -----------------------------------------------------------------------------------------


def test_claiming_an_item_another_unit_claimed_meanwhile_is_refused(db):
    at = run_page("committee_claims", db.users["rep_b"])
    at.selectbox(key="claim_new_item_id").select(db.items["I3"])
    assert not [n for n in at.number_input if n.key == "claim_new_pledge"], "exclusive: the whole target, no choice"
    claim_item(db.engine, actor=db.actor("rep_a"), settings=db.settings, item_id=db.items["I3"],
               unit_id=db.units["甲单位"])  # 甲单位 was quicker
    at.button(key="claim_new_save").click().run()
    assert not at.exception
    assert message_under(at, "claim_new_item_id") == zh("committee_error.item_taken", unit="甲单位")
    assert at.selectbox(key="claim_new_item_id").value == db.items["I3"], "the choice stays on screen"
    assert count(db, Claim, Claim.item_id == db.items["I3"]) == 1


def test_a_representative_claims_an_open_item_for_their_unit(db):
    at = run_page("committee_claims", db.users["rep_b"])
    assert at.selectbox(key="claim_new_unit_id").options == ["乙单位"]
    at.selectbox(key="claim_new_item_id").select(db.items["I3"])
    at.button(key="claim_new_save").click().run()
    assert not at.exception
    assert zh("claims.claimed", pledge="20") in texts(at.success)
    assert count(db, Claim, Claim.item_id == db.items["I3"], Claim.unit_id == db.units["乙单位"]) == 1
    assert zh("claims.no_open_items", year=clock.today().year) in texts(at.success)


def test_progress_above_the_pledge_is_refused_next_to_the_field_and_nothing_written(db):
    claim_id = db.claims["I2"]
    at = run_page("committee_claims", db.users["secretary"], claims_selected=claim_id)
    at.number_input(key=f"progress_{claim_id}_done").set_value(12)
    at.text_area(key=f"progress_{claim_id}_note").input("多做了两次")
    at.button(key=f"progress_{claim_id}_save").click().run()
    assert not at.exception
    assert message_under(at, f"progress_{claim_id}_done") == zh("error.progress_above_target", target="10")
    assert at.number_input(key=f"progress_{claim_id}_done").value == 12
    assert at.text_area(key=f"progress_{claim_id}_note").value == "多做了两次"
    assert count(db, ProgressUpdate, ProgressUpdate.claim_id == claim_id) == 1
    # within the pledge it is saved, the form starts afresh and the history shows it
    at.number_input(key=f"progress_{claim_id}_done").set_value(6)
    at.button(key=f"progress_{claim_id}_save").click().run()
    assert zh("claims.progress_saved", done="6", day=clock.today().isoformat()) in texts(at.success)
    assert count(db, ProgressUpdate, ProgressUpdate.claim_id == claim_id) == 2
    assert at.number_input(key=f"progress_{claim_id}_done_r1").value is None
    assert list(at.dataframe[-1].value["done"]) == ["6", "2"]


def test_a_representative_gets_the_progress_form_for_their_own_claim_only(db):
    own, other = db.claims["I4"], db.claims["I2"]
    at = run_page("committee_claims", db.users["rep_a"], claims_selected=own)
    assert not at.exception
    assert list(at.dataframe(key="claims_table").value["unit"]) == ["甲单位", "甲单位"]
    assert {f"progress_{own}_save", f"withdraw_{own}_save"} <= form_keys(at)
    # all the community's claims: another unit's claim is shown, without forms
    at = run_page("committee_claims", db.users["rep_a"], claims_selected=other, claims_mine=False)
    assert not at.exception
    assert len(at.dataframe(key="claims_table").value) == 3
    assert zh("claims.claim_title", unit="乙单位", item="I2 助餐服务") in texts(at.subheader)
    assert not {k for k in form_keys(at) if k.startswith(("progress_", "withdraw_"))}
    assert zh("claims.read_only_other") in texts(at.caption)


def test_a_representative_withdraws_their_claim_with_a_reason(db):
    own = db.claims["I4"]
    at = run_page("committee_claims", db.users["rep_a"], claims_selected=own)
    at.button(key=f"withdraw_{own}_save").click().run()
    assert message_under(at, f"withdraw_{own}_reason") == zh("error.required")
    at.text_area(key=f"withdraw_{own}_reason").input("人手不足，无法按期完成")
    at.button(key=f"withdraw_{own}_save").click().run()
    assert not at.exception
    assert zh("claims.withdrawn") in texts(at.success)
    assert count(db, Claim, Claim.id == own, Claim.status == "withdrawn") == 1


@pytest.mark.parametrize("page", PAGES)
def test_the_leader_sees_no_form(db, page):
    at = run_page(page, db.users["leader"], claims_selected=db.claims["I2"])
    assert not at.exception
    keys = form_keys(at)
    assert not (keys & set(FORM_KEYS))
    assert not {k for k in keys if k.startswith(("progress_", "withdraw_", "unit_edit_", "agreement_edit_"))}
    assert not at.text_input and not at.text_area and not at.number_input


# --- the chart builder -------------------------------------------------------------------------------------------


def test_progress_bars_are_a_pure_chart_whose_click_names_the_row():
    df = pd.DataFrame({"name": ["甲单位", "乙单位"], "unit_id": [7, 8], "fulfilment": [0.5, 0.2]})
    spec = progress_bars(df, category="name", value="fulfilment", category_title="单位", value_title="履约率",
                         key_field="unit_id").to_dict()
    bars, labels = spec["layer"]
    assert spec["params"][0]["name"] == PICK and spec["params"][0]["select"]["fields"] == ["unit_id"]
    assert bars["encoding"]["opacity"]["condition"]["param"] == PICK
    assert bars["encoding"]["x"]["scale"]["domain"] == [0, 1]
    assert labels["encoding"]["text"]["format"] == ".0%"
    assert picked({"selection": {PICK: [{"unit_id": 8, "name": "乙单位"}]}}, "unit_id") == 8
    assert picked({"selection": {PICK: {}}}, "unit_id") is None
    assert picked(None, "unit_id") is None


def test_a_unit_stored_beyond_a_range_opens_and_its_number_is_refused_next_to_the_field(db):
    """A number saved before its range existed (here 250,000 party members) still opens in the form; saving it
    unchanged says what is wrong next to the field; a number within the range saves."""
    from data_access.db import transaction

    unit = db.units["丙单位"]
    with transaction(db.engine) as session:
        session.get(MemberUnit, unit).party_members = 250_000
    at = run_page("committee_units", db.users["secretary"], units_selected=unit)
    assert not at.exception
    box = at.number_input(key=f"unit_edit_{unit}_party_members")
    assert box.value == 250_000
    at.button(key=f"unit_edit_{unit}_save").click().run()
    assert not at.exception
    assert message_under(at, f"unit_edit_{unit}_party_members") == zh("committee_error.party_members", min=0,
                                                                     max=md_escape("100,000"))
    at.number_input(key=f"unit_edit_{unit}_party_members").set_value(42)
    at.button(key=f"unit_edit_{unit}_save").click().run()
    assert not at.exception
    with reading(db.engine) as session:
        assert session.get(MemberUnit, unit).party_members == 42


def test_the_secretary_changes_a_unit_and_an_agreement(db):
    unit = db.units["丙单位"]
    at = run_page("committee_units", db.users["secretary"], units_selected=unit)
    assert not at.exception
    assert at.text_input(key=f"unit_edit_{unit}_name").value == "丙单位"
    at.selectbox(key=f"unit_edit_{unit}_representative_id").select(db.users["rep_c"])
    at.text_input(key=f"unit_edit_{unit}_volunteer_team").input("丙单位志愿服务队")
    at.button(key=f"unit_edit_{unit}_save").click().run()
    assert not at.exception
    assert zh("units.updated", name="丙单位") in texts(at.success)
    with reading(db.engine) as session:
        saved = session.get(MemberUnit, unit)
    assert (saved.representative_id, saved.volunteer_team) == (db.users["rep_c"], "丙单位志愿服务队")
    with reading(db.engine) as session:
        agreement_id = session.execute(select(Agreement.id).where(Agreement.unit_id == db.units["甲单位"])).scalar()
    at = run_page("committee_units", db.users["secretary"], units_agreement_selected=agreement_id)
    at.selectbox(key=f"agreement_edit_{agreement_id}_status").select("ended")
    at.button(key=f"agreement_edit_{agreement_id}_save").click().run()
    assert not at.exception
    assert zh("units.agreement_saved") in texts(at.success)
    assert count(db, Agreement, Agreement.id == agreement_id, Agreement.status == "ended") == 1


def test_a_file_attached_to_progress_is_offered_for_download_in_the_history(db):
    claim_id = db.claims["I2"]
    record_progress(db.engine, actor=db.actor("secretary"), settings=db.settings, claim_id=claim_id,
                    data={"done": 3, "note": "活动照片", "file_name": "助餐.jpg", "file_type": "image/jpeg",
                          "file_data": b"\xff\xd8photo"})
    at = run_page("committee_claims", db.users["leader"], claims_selected=claim_id)
    assert not at.exception
    label = zh("claims_file.download", name=md_escape("助餐.jpg"))
    buttons = [e for e in at.get("download_button") if e.proto.label == label]
    assert len(buttons) == 1, "one download, for the one update that carries a file"
