"""Volunteers in and out of Excel on real databases (data_access/volunteer/exchange.py): an import of good rows
writes them with their audit entries; a wrong header, a bad row among good ones, an ID number repeated in the file
or registered already, an empty, overlong or non-Excel file write nothing and say where (row, column) and what;
the template imports; an export imports into another database; the export masks personal data for whoever may
not see it, and says so in the audit trail."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

import i18n
from data_access.cli import add_community
from data_access.committee.writes import save_unit
from data_access.db import make_engine, reading, transaction
from data_access.models import AuditLog, PointsAccount, User, UserRole, Volunteer
from data_access.volunteer import exchange, orders
from data_access.volunteer.exchange import (
    COLUMNS,
    MAX_ROWS,
    ImportRefused,
    export_volunteers,
    import_volunteers,
    volunteer_template,
)
from data_access.volunteer.registry import masked_snapshot, save_team, save_volunteer
from domain.access import Actor, grants_for
from domain.errors import PermissionDenied
from tests.conftest import NOW, _migrated
from tests.templates import copy_template

pytestmark = pytest.mark.db
TODAY = NOW.date()
EARLIER = NOW - timedelta(days=60)
HEADER = ["姓名", "手机号", "身份证号", "技能", "是否党员", "报到单位", "服务队", "登记日期", "是否在册"]
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(n: int, born: str = "19800101") -> str:
    """A valid ID number (GB 11643 check character), different for each n."""
    body = f"110105{born}{n % 1000:03d}"
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, _WEIGHTS, strict=True)) % 11]


def person(engine, settings, username: str, role: str, community_id: int | None) -> Actor:
    """An account holding one role."""
    with transaction(engine) as session:
        user = User(username=username, display_name=f"测试{username}", password_hash="-", created_at=NOW)
        session.add(user)
        session.flush()
        session.add(UserRole(user_id=user.id, role=role, community_id=community_id))
        user_id = user.id
    return Actor(user_id, username, f"测试{username}", grants_for(settings, [(role, community_id, None)]))


@dataclass
class Place:
    """康盛社区 (a member unit 供电所 with its team 供电所服务队, its staff, a volunteer with an account) and 康和社区
    with its own secretary."""

    engine: object
    settings: object
    home: int
    other: int
    people: dict[str, Actor]
    unit: int
    team: int

    def __getitem__(self, name: str) -> Actor:
        return self.people[name]


def build_place(engine, settings, *, home_name: str = "康盛社区", code: str = "KS") -> Place:
    home = add_community(engine, street="测试街道", name=home_name, code=code, grids=1)
    other = add_community(engine, street="测试街道", name="康和社区", code=code + "H", grids=1)
    roles = {"secretary": ("secretary", home), "worker": ("worker", home), "leader": ("leader", None),
             "other_secretary": ("secretary", other), "volunteer": ("volunteer", home),
             "volunteer2": ("volunteer", home)}
    people = {name: person(engine, settings, f"{code}-{name}", role, where) for name, (role, where) in roles.items()}
    unit = save_unit(engine, actor=people["secretary"], settings=settings, now=EARLIER, data={
        "community_id": home, "name": "供电所", "kind": "enterprise", "liaison_phone": "13912345678",
        "joined_on": date(2024, 3, 1)}).id
    team = save_team(engine, actor=people["secretary"], settings=settings, now=EARLIER, data={
        "community_id": home, "name": "供电所服务队", "kind": "member_unit", "unit_id": unit,
        "speciality": ["repair"]}).id
    return Place(engine, settings, home, other, people, unit, team)


def volunteer_data(community_id: int, n: int, **changes) -> dict:
    return {"community_id": community_id, "name": f"志愿者{n}", "phone": f"1391234{n % 10000:04d}",
            "id_number": id_number(n), "skills": ["elderly"], "party_member": False,
            "registered_on": date(2025, 5, 1)} | changes


def add_volunteer(place: Place, n: int, **changes) -> int:
    return save_volunteer(place.engine, actor=place["secretary"], settings=place.settings, now=EARLIER,
                          data=volunteer_data(place.home, n, **changes)).id


def serve(place: Place, volunteer_id: int, *, hours: float, kind: str = "elderly", day: date | None = None,
          sign: bool = True, rate: bool = False) -> int:
    """An order of `kind` for the volunteer, taken, served `hours` on `day` (default the day before NOW) and, with
    `sign`, signed off (and with `rate` rated) by staff; returns its id."""
    day = day or TODAY - timedelta(days=1)
    start = datetime.combine(day, datetime.min.time(), tzinfo=NOW.tzinfo) + timedelta(hours=8)
    sec, engine = place["secretary"], place.engine
    order = orders.create_order(engine, actor=sec, settings=place.settings, now=start, data={
        "community_id": place.home, "service_kind": kind, "title": "上门服务", "place": "3号楼",
        "wanted_at": start + timedelta(hours=1), "recipient_name": "李奶奶"}).id
    orders.dispatch(engine, actor=sec, order_id=order, now=start,
                    data={"volunteer_id": volunteer_id, "due_at": start + timedelta(hours=4)})
    orders.take(engine, actor=sec, order_id=order, now=start + timedelta(minutes=5))
    orders.record_service(engine, actor=sec, order_id=order, rows=[{"volunteer_id": volunteer_id, "hours": hours}],
                          served_on=day, now=start + timedelta(hours=3))
    if sign:
        orders.sign_off(engine, actor=sec, settings=place.settings, order_id=order, method="phone",
                        now=start + timedelta(hours=3, minutes=5))
    if rate:
        orders.rate(engine, actor=sec, order_id=order, data={"rating": "satisfied"},
                    now=start + timedelta(hours=3, minutes=10))
    return order


@pytest.fixture
def place(engine, settings) -> Place:
    return build_place(engine, settings)


def xlsx(rows: list[list], header: list | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER if header is None else header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def row(n: int, **changes) -> list:
    values = {"姓名": f"导入{n}", "手机号": f"1381234{n:04d}", "身份证号": id_number(n, "19900202"),
              "技能": "助老助残", "是否党员": "否", "报到单位": None, "服务队": None, "登记日期": "2026-03-01",
              "是否在册": "是"} | changes
    return [values[h] for h in HEADER]


def count(engine, model, *conditions) -> int:
    with reading(engine) as session:
        return session.execute(select(func.count()).select_from(model).where(*conditions)).scalar_one()


def refused(place: Place, content: bytes, actor: str = "secretary") -> list[tuple]:
    """Import expected to be refused: its problems as (row, column, key), after checking nothing was written."""
    before = count(place.engine, Volunteer), count(place.engine, AuditLog), count(place.engine, PointsAccount)
    with pytest.raises(ImportRefused) as caught:
        import_volunteers(place.engine, actor=place[actor], settings=place.settings, community_id=place.home,
                          content=content, now=NOW)
    after = count(place.engine, Volunteer), count(place.engine, AuditLog), count(place.engine, PointsAccount)
    assert after == before, "a refused import writes nothing"
    assert caught.value.key == "volunteer_import.refused"
    assert caught.value.params["count"] == len(caught.value.problems)
    for problem in caught.value.problems:
        assert problem.key in i18n.strings("zh"), problem.key
    return [(p.row, p.column, p.key) for p in caught.value.problems]


def imported(place: Place, content: bytes, **kwargs) -> int:
    return import_volunteers(place.engine, actor=place["secretary"], settings=place.settings,
                             community_id=place.home, content=content, now=kwargs.get("now", NOW))


def volunteers(engine, community_id: int) -> dict[str, Volunteer]:
    with reading(engine) as session:
        return {v.id_number: v for v in session.execute(
            select(Volunteer).where(Volunteer.community_id == community_id)).scalars()}


# ----------------------------------------------------------------------------------------------- import


def test_good_rows_are_written_with_their_audit_entries(place):
    content = xlsx([
        row(1, 技能="助老助残、代办跑腿", 是否党员="是", 报到单位="供电所", 服务队="供电所服务队"),
        row(2, 技能="Repairs, legal；健康义诊", 登记日期=datetime(2025, 7, 8), 是否在册="否"),
        row(3, 技能=None, 是否党员=None, 是否在册=None, 手机号=13812340003, 登记日期="2024/1/5"),
    ])
    assert imported(place, content) == 3
    rows = volunteers(place.engine, place.home)
    first, second, third = (rows[id_number(n, "19900202")] for n in (1, 2, 3))
    assert (first.name, first.phone, first.skills, first.party_member, first.report_unit_id, first.team_id,
            first.registered_on, first.active) == ("导入1", "13812340001", "elderly,errand", True, place.unit,
                                                   place.team, date(2026, 3, 1), True)
    assert (second.skills, second.registered_on, second.active) == ("repair,medical,legal", date(2025, 7, 8), False)
    assert (third.skills, third.party_member, third.active, third.phone) == ("", False, True, "13812340003")
    assert third.registered_on == date(2024, 1, 5)
    with reading(place.engine) as session:
        actions = session.execute(select(AuditLog.action, AuditLog.entity_id, AuditLog.after)
                                  .order_by(AuditLog.id)).all()
    creates = {entity_id: after for action, entity_id, after in actions if action == "volunteer.create"}
    assert len(creates) == 3
    for volunteer in (first, second, third):  # the entry a registration by the form writes: the row, masked
        expected, entry = masked_snapshot(volunteer), creates[volunteer.id]
        assert "*" in entry["id_number"] and "*" in entry["phone"]
        assert datetime.fromisoformat(entry.pop("updated_at")) == datetime.fromisoformat(expected.pop("updated_at"))
        assert entry == expected
    assert actions[-1][0] == "volunteer.import" and actions[-1][2]["rows"] == 3
    with reading(place.engine) as session:
        accounts = session.execute(select(PointsAccount.owner_id, PointsAccount.community_id, PointsAccount.balance)
                                   .where(PointsAccount.holder == "volunteer")).all()
    assert sorted(accounts) == sorted((v.id, place.home, 0) for v in (first, second, third))


def test_a_wrong_header_is_reported_before_any_row(place):
    header = [h if h != "手机号" else "电话" for h in HEADER]
    assert refused(place, xlsx([row(1, 手机号="not a phone")], header=header)) == [
        (1, "电话", "volunteer_import.unknown_column"), (1, "手机号", "volunteer_import.missing_column")]
    assert refused(place, xlsx([row(1)], header=HEADER + ["姓名"])) == [(1, "姓名",
                                                                        "volunteer_import.repeated_column")]
    assert refused(place, xlsx([row(1)], header=[None] * 9)) == [(1, None, "volunteer_import.no_header")]


def test_the_columns_may_come_in_any_order_and_in_english(place):
    english = [i18n.translate("en", key) for _, key, _ in COLUMNS]
    order = [8, 0, 1, 2, 3, 4, 5, 6, 7]
    content = xlsx([[row(1)[i] for i in order]], header=[english[i].upper() for i in order])
    assert imported(place, content) == 1
    assert volunteers(place.engine, place.home)[id_number(1, "19900202")].name == "导入1"


def test_a_bad_row_among_good_ones_writes_nothing_and_every_problem_is_named(place):
    content = xlsx([
        row(1),
        row(2, 手机号="12345", 技能="助老助残、跳舞", 是否党员="也许"),
        row(3),
        row(4, 姓名=None, 身份证号="110105199002020000", 报到单位="税务局", 服务队="不存在的队", 登记日期="明天"),
        row(5, 报到单位="供电所"),  # not a party member
        row(6, 登记日期="2027-01-01", 身份证号=float(id_number(6, "19900202")[:17] + "1")),
    ])
    assert refused(place, content) == [
        (3, "手机号", "error.bad_phone"), (3, "技能", "volunteer_import.unknown_skill"),
        (3, "是否党员", "volunteer_import.yes_no"),
        (5, "姓名", "error.required"), (5, "身份证号", "error.bad_id_number"),
        (5, "报到单位", "volunteer_import.unknown_unit"), (5, "服务队", "volunteer_import.unknown_team"),
        (5, "登记日期", "volunteer_import.bad_date"),
        (6, "报到单位", "volunteer_error.report_needs_member"),
        (7, "身份证号", "volunteer_import.id_number_as_number"), (7, "登记日期", "error.date_in_future")]
    assert count(place.engine, Volunteer) == 0


def test_an_id_number_repeated_in_the_file_or_registered_already_writes_nothing(place):
    known = add_volunteer(place, 50)
    taken = volunteers(place.engine, place.home)
    content = xlsx([row(1), row(2, 身份证号=id_number(50)), row(3), row(4, 身份证号=id_number(1, "19900202").lower()),
                    row(5, 身份证号=id_number(1, "19900202"))])
    with pytest.raises(ImportRefused) as caught:
        imported(place, content)
    problems = caught.value.problems
    assert [(p.row, p.column, p.key, p.params) for p in problems] == [
        (3, "身份证号", "volunteer_error.id_number_taken", {}),
        (5, "身份证号", "volunteer_import.duplicate_in_file", {"row": 2}),
        (6, "身份证号", "volunteer_import.duplicate_in_file", {"row": 2})]
    assert volunteers(place.engine, place.home) == taken and known in {v.id for v in taken.values()}


def test_a_file_that_is_not_a_workbook_is_refused(place):
    for content, key in ((b"", "volunteer_import.empty"), (b"name,phone\n", "volunteer_import.not_xlsx"),
                         (b"PK\x03\x04 broken zip", "volunteer_import.not_xlsx"), (None, "volunteer_import.empty"),
                         (xlsx([row(1)])[:-200], "volunteer_import.not_xlsx")):
        assert refused(place, content) == [(None, None, key)], content[:20] if content else content


def test_an_empty_or_overlong_file_is_refused(place):
    assert refused(place, xlsx([])) == [(None, None, "volunteer_import.empty")]
    assert refused(place, xlsx([[None] * 9, [" "] * 9])) == [(None, None, "volunteer_import.empty")]
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(HEADER)
    for _ in range(MAX_ROWS + 1):
        sheet.append(["x", "1", "2", None, None, None, None, None, None])
    out = io.BytesIO()
    book.save(out)
    assert refused(place, out.getvalue()) == [(None, None, "volunteer_import.too_many_rows")]


def test_a_file_that_unpacks_too_large_is_refused_before_it_is_read(place, monkeypatch):
    content = xlsx([row(1)])
    monkeypatch.setattr(exchange, "MAX_UNPACKED", 5_000)
    assert refused(place, content) == [(None, None, "volunteer_import.too_large")]


def test_problems_in_words():
    at_cell = exchange.Problem(3, "手机号", "error.bad_phone")
    assert exchange.problem_text(at_cell).startswith("第 3 行“手机号”：电话号码格式不正确")
    repeated = exchange.Problem(5, "ID number", "volunteer_import.duplicate_in_file", {"row": 2})
    assert exchange.problem_text(repeated, "en") == (
        "Row 5, ID number: This ID number repeats row 2: a person can be registered only once.")
    assert exchange.problem_text(exchange.Problem(None, None, "volunteer_import.not_xlsx")).startswith("文件不是 Excel")
    assert exchange.problem_text(exchange.Problem(1, None, "volunteer_import.no_header")).startswith("第 1 行：")


def test_blank_rows_are_skipped_and_rows_keep_their_excel_numbers(place):
    content = xlsx([row(1), [None] * 9, row(2, 手机号="x")])
    assert refused(place, content) == [(4, "手机号", "error.bad_phone")]


def test_only_staff_managing_the_community_may_import(place):
    content = xlsx([row(1)])
    for name in ("leader", "other_secretary", "volunteer"):
        with pytest.raises(PermissionDenied):
            import_volunteers(place.engine, actor=place[name], settings=place.settings, community_id=place.home,
                              content=content, now=NOW)
    assert count(place.engine, Volunteer) == 0
    assert import_volunteers(place.engine, actor=place["worker"], settings=place.settings, community_id=place.home,
                             content=content, now=NOW) == 1


def test_the_template_has_the_columns_and_its_example_row_imports(place, settings):
    content = volunteer_template(settings)
    book = load_workbook(io.BytesIO(content))
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[1]] == HEADER
    assert sheet["C2"].number_format == "@" and sheet["B2"].number_format == "@"
    notes = [c.value for c in book.worksheets[1]["A"]]
    assert any("助老助残" in (line or "") for line in notes)
    assert import_volunteers(place.engine, actor=place["secretary"], settings=settings, community_id=place.home,
                             content=content) == 1
    (example,) = volunteers(place.engine, place.home).values()
    assert example.name == "张三" and example.skills == "elderly,errand" and example.party_member


# ----------------------------------------------------------------------------------------------- export


def sheet_rows(content: bytes) -> tuple[list, dict[str, dict]]:
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    header = [c.value for c in sheet[1]]
    rows = {}
    for cells in sheet.iter_rows(min_row=2, values_only=True):
        values = dict(zip(header, cells, strict=True))
        rows[values["姓名"]] = values
    return header, rows


def test_an_export_imports_into_another_database(place, settings, tmp_path):
    first = add_volunteer(place, 1, party_member=True, report_unit_id=place.unit, team_id=place.team,
                          skills=["elderly", "legal"])
    add_volunteer(place, 2, active=False, skills=[], name="=HYPERLINK(\"x\")")
    serve(place, first, hours=2.5)  # elderly: 10 points an hour
    content = export_volunteers(place.engine, actor=place["secretary"], community_id=place.home, settings=settings,
                                now=NOW)
    header, rows = sheet_rows(content)
    assert header == HEADER + ["累计服务时长", "积分余额"]
    one = rows["志愿者1"]
    assert (one["手机号"], one["身份证号"], one["技能"], one["是否党员"], one["报到单位"], one["服务队"],
            one["是否在册"], one["累计服务时长"], one["积分余额"]) == (
        "13912340001", id_number(1), "助老助残、法律咨询", "是", "供电所", "供电所服务队", "是", 2.5, 25)
    assert one["登记日期"] == datetime(2025, 5, 1)
    assert rows["'=HYPERLINK(\"x\")"]["是否在册"] == "否", "a formula stays text"

    path = tmp_path / "another.db"
    copy_template("migrated", _migrated, path)
    another = make_engine(f"sqlite:///{path}")
    try:
        target = build_place(another, settings, home_name="康乐社区", code="KL")
        assert import_volunteers(another, actor=target["secretary"], settings=settings, community_id=target.home,
                                 content=content, now=NOW) == 2
        copied = volunteers(another, target.home)
        original = volunteers(place.engine, place.home)
        fields = ("phone", "skills", "party_member", "registered_on", "active")
        assert {k: [getattr(v, f) for f in fields] for k, v in copied.items()} == {
            k: [getattr(v, f) for f in fields] for k, v in original.items()}
        assert copied[id_number(1)].report_unit_id == target.unit and copied[id_number(1)].team_id == target.team
        assert copied[id_number(1)].hours_tenths == 0, "hours and points are not imported"
    finally:
        another.dispose()


def test_the_export_masks_personal_data_unless_the_actor_may_see_it(place, settings):
    add_volunteer(place, 1)
    content = export_volunteers(place.engine, actor=place["leader"], community_id=place.home, settings=settings,
                                now=NOW)
    one = sheet_rows(content)[1]["志愿者1"]
    assert one["手机号"] == "139****0001" and one["身份证号"] == id_number(1)[:3] + "*" * 11 + id_number(1)[-4:]
    whole = export_volunteers(place.engine, actor=place["worker"], community_id=place.home, settings=settings,
                              lang="en", now=NOW)
    sheet = load_workbook(io.BytesIO(whole)).worksheets[0]
    assert sheet["A1"].value == "Name" and sheet["C2"].value == id_number(1)
    with reading(place.engine) as session:
        entries = session.execute(select(AuditLog.actor_name, AuditLog.after, AuditLog.community_id)
                                  .where(AuditLog.action == "export.volunteers").order_by(AuditLog.id)).all()
    assert [(after["personal"], after["rows"], community) for _, after, community in entries] == [
        ("masked", 1, place.home), ("whole", 1, place.home)]
    for name in ("other_secretary", "volunteer"):
        with pytest.raises(PermissionDenied):
            export_volunteers(place.engine, actor=place[name], community_id=place.home, settings=settings, now=NOW)


def test_an_id_number_registered_while_the_import_runs_refuses_it(place, monkeypatch):
    """PostgreSQL: a registration of a file's ID number commits between the import's check and its write; the
    unique constraint refuses the import, naming the row, and nothing of it is written. (SQLite's import holds the
    write lock from its start, so no registration comes in between.)"""
    if place.engine.dialect.name != "postgresql":
        pytest.skip("SQLite serialises writers: nothing registers between the check and the write")
    check = exchange._check

    def registered_meanwhile(*args, **kwargs):
        result = check(*args, **kwargs)
        add_volunteer(place, 2, id_number=id_number(2, "19900202"))  # its own transaction, committed
        return result

    monkeypatch.setattr(exchange, "_check", registered_meanwhile)
    with pytest.raises(ImportRefused) as caught:
        imported(place, xlsx([row(1), row(2), row(3)]))
    assert [(p.row, p.column, p.key) for p in caught.value.problems] == [
        (3, "身份证号", "volunteer_error.id_number_taken")]
    assert set(volunteers(place.engine, place.home)) == {id_number(2, "19900202")}
