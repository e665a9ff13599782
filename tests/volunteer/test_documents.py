"""The volunteer's Word documents on real databases (data_access/volunteer/documents.py), opened again with
python-docx: the service-hours certificate states the hours signed off in the period (by service kind, with the
orders) and nothing else, carries a unique, increasing serial, is stored and audited, and is refused for a wrong
period or to whoever may not issue it; the redemption slip shows the number, the volunteer with a masked phone, the
good, points, the balance right after it and 已撤销 once cancelled."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from docx import Document
from sqlalchemy import func, select

import i18n
from data_access.db import reading, transaction
from data_access.models import AuditLog, Certificate, Volunteer
from data_access.volunteer import store
from data_access.volunteer.documents import certificate, redemption_slip
from domain.errors import DomainError, PermissionDenied, ValidationFailed
from tests.conftest import NOW
from tests.volunteer.test_exchange import Place, add_volunteer, build_place, id_number, serve

pytestmark = pytest.mark.db
TODAY = NOW.date()
START = TODAY - timedelta(days=30)


@pytest.fixture
def place(engine, settings) -> Place:
    return build_place(engine, settings)


def text_of(content: bytes) -> str:
    """Every paragraph and table cell of a .docx, one per line."""
    doc = Document(io.BytesIO(content))
    lines = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            lines.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(lines)


def table_of(content: bytes) -> list[list[str]]:
    (table,) = Document(io.BytesIO(content)).tables
    return [[cell.text for cell in row.cells] for row in table.rows]


def count(engine, model, *conditions) -> int:
    with reading(engine) as session:
        return session.execute(select(func.count()).select_from(model).where(*conditions)).scalar_one()


def link_account(place: Place, volunteer_id: int, account: str) -> None:
    with transaction(place.engine) as session:
        session.get(Volunteer, volunteer_id).user_id = place[account].id


# ----------------------------------------------------------------------------------------------- certificate


def test_the_certificate_states_the_hours_signed_off_in_the_period(place, settings):
    me = add_volunteer(place, 1, name="王丽娟")
    other = add_volunteer(place, 2)
    serve(place, me, hours=2.5, kind="elderly", day=TODAY - timedelta(days=3))
    serve(place, me, hours=1.5, kind="elderly", day=TODAY - timedelta(days=2), rate=True)
    serve(place, me, hours=1, kind="legal", day=START)
    serve(place, me, hours=3, kind="elderly", day=TODAY - timedelta(days=1), sign=False)  # not signed off
    serve(place, me, hours=4, kind="repair", day=START - timedelta(days=1))  # before the period
    serve(place, other, hours=6, kind="elderly", day=TODAY - timedelta(days=3))  # someone else's
    row, content = certificate(place.engine, actor=place["secretary"], volunteer_id=me, start=START, end=TODAY,
                               settings=settings, now=NOW)
    assert (row.hours_tenths, row.period_start, row.period_end, row.volunteer_id) == (50, START, TODAY, me)
    assert row.serial == f"康盛志证〔2026〕第{row.id:06d}号"
    text = text_of(content)
    assert "志愿服务证明" in text and row.serial in text
    masked = id_number(1)[:3] + "*" * 11 + id_number(1)[-4:]
    assert f"兹证明王丽娟（身份证号：{masked}）为康盛社区注册志愿者" in text
    assert id_number(1) not in text, "the ID number is masked"
    assert f"{START.year}年{START.month}月{START.day}日至2026年11月20日期间" in text
    assert "完成志愿服务订单3单，累计志愿服务时长5小时" in text
    assert table_of(content) == [["服务类别", "订单数", "服务时长（小时）"], ["助老助残", "2", "4"],
                                 ["法律咨询", "1", "1"], ["合计", "3", "5"]]
    assert "谁记录谁证明" in text and "以上志愿服务由康盛社区记录" in text
    paragraphs = [p.text for p in Document(io.BytesIO(content)).paragraphs]
    assert paragraphs[-3:] == ["康盛社区", "（盖章）", "2026年11月20日"], "issued by the community, dated"
    with reading(place.engine) as session:
        stored = session.get(Certificate, row.id)
        entry = session.execute(select(AuditLog).where(AuditLog.action == "volunteer.certificate")).scalars().one()
    assert (stored.serial, stored.hours_tenths, stored.issued_by) == (row.serial, 50, place["secretary"].id)
    assert (entry.entity_id, entry.community_id, entry.after["serial"], entry.after["hours_tenths"],
            entry.after["orders"]) == (row.id, place.home, row.serial, 50, 3)


def test_serials_are_unique_and_increasing(place, settings):
    me = add_volunteer(place, 1)
    serve(place, me, hours=1.2, day=TODAY - timedelta(days=1))
    serials = []
    for days in (10, 20, 5):
        row, _ = certificate(place.engine, actor=place["worker"], volunteer_id=me, start=TODAY - timedelta(days=days),
                             end=TODAY, settings=settings, now=NOW)
        serials.append(row.serial)
    assert len(set(serials)) == 3 and serials == sorted(serials)
    numbers = [int(s.split("第")[1].rstrip("号")) for s in serials]
    assert numbers == sorted(numbers) and numbers[0] < numbers[1] < numbers[2]
    row, content = certificate(place.engine, actor=place["worker"], volunteer_id=me, start=START, end=TODAY,
                               settings=settings, now=NOW)
    assert "1.2小时" in text_of(content) and row.hours_tenths == 12


def test_a_wrong_period_is_refused_and_nothing_is_written(place, settings):
    me = add_volunteer(place, 1)
    serve(place, me, hours=1, day=TODAY - timedelta(days=1))
    audits = count(place.engine, AuditLog)
    for start, end, field, key in (
            (TODAY, TODAY - timedelta(days=1), "end", "volunteer_certificate.end_before_start"),
            (date(2016, 11, 20), TODAY, "end", "volunteer_certificate.period_too_long"),
            (START, TODAY + timedelta(days=1), "end", "error.date_in_future"),
            ("2026-01-01", TODAY, "start", "error.not_a_date"),
            (START, None, "end", "error.not_a_date"),
            (date(1900, 1, 1), TODAY, "start", "volunteer_certificate.day_out_of_reach")):
        with pytest.raises(ValidationFailed) as caught:
            certificate(place.engine, actor=place["secretary"], volunteer_id=me, start=start, end=end,
                        settings=settings, now=NOW)
        assert caught.value.errors[field][0] == key and key in i18n.strings("zh"), (start, end)
    assert count(place.engine, Certificate) == 0 and count(place.engine, AuditLog) == audits


def test_ten_years_is_the_longest_period(place, settings):
    me = add_volunteer(place, 1)
    serve(place, me, hours=1, day=TODAY - timedelta(days=1))
    row, _ = certificate(place.engine, actor=place["secretary"], volunteer_id=me, start=date(2016, 11, 21),
                         end=TODAY, settings=settings, now=NOW)
    assert row.period_start == date(2016, 11, 21)


def test_no_certificate_without_signed_off_service(place, settings):
    me = add_volunteer(place, 1)
    serve(place, me, hours=2, day=TODAY - timedelta(days=1), sign=False)
    with pytest.raises(DomainError) as caught:
        certificate(place.engine, actor=place["secretary"], volunteer_id=me, start=START, end=TODAY,
                    settings=settings, now=NOW)
    assert caught.value.key == "volunteer_certificate.no_service"
    assert count(place.engine, Certificate) == 0


def test_the_volunteer_may_ask_for_their_own_certificate_and_nobody_else_for_it(place, settings):
    me = add_volunteer(place, 1)
    serve(place, me, hours=2, day=TODAY - timedelta(days=1))
    link_account(place, me, "volunteer")
    link_account(place, add_volunteer(place, 2), "volunteer2")
    row, _ = certificate(place.engine, actor=place["volunteer"], volunteer_id=me, start=START, end=TODAY,
                         settings=settings, now=NOW)
    assert row.issued_by == place["volunteer"].id and row.community_id == place.home
    for name, error in (("volunteer2", DomainError), ("other_secretary", DomainError),
                        ("leader", PermissionDenied)):
        with pytest.raises(error) as caught:
            certificate(place.engine, actor=place[name], volunteer_id=me, start=START, end=TODAY, settings=settings,
                        now=NOW)
        assert caught.value.key in ("error.not_found", "error.permission")
    for missing in (10_000, "1", None, True, 2**63):
        with pytest.raises(DomainError, match="error.not_found"):
            certificate(place.engine, actor=place["secretary"], volunteer_id=missing, start=START, end=TODAY,
                        settings=settings, now=NOW)
    assert count(place.engine, Certificate) == 1


def test_the_certificate_in_english(place, settings):
    me = add_volunteer(place, 1, name="Li Na")
    serve(place, me, hours=2, kind="legal", day=TODAY - timedelta(days=1))
    row, content = certificate(place.engine, actor=place["secretary"], volunteer_id=me, start=START, end=TODAY,
                               settings=settings, lang="en", now=NOW)
    text = text_of(content)
    assert "Certificate of volunteer service" in text and row.serial in text
    assert "completed 1 service orders with a total of 2 hours" in text
    assert table_of(content)[1] == ["Legal advice", "1", "2"]


# ----------------------------------------------------------------------------------------------- redemption slip


def test_the_redemption_slip(place, settings):
    me = add_volunteer(place, 1, name="王丽娟", phone="13912340001")
    serve(place, me, hours=2.5, day=TODAY - timedelta(days=1))  # 25 points
    counter = place["worker"]
    good = store.save_good(place.engine, actor=counter, now=NOW, data={
        "community_id": place.home, "name": "洗衣液", "price": 5, "stock": 10}).id
    first = store.redeem(place.engine, actor=counter, now=NOW, data={"volunteer_id": me, "good_id": good,
                                                                     "quantity": 2})
    later = NOW + timedelta(hours=1)
    second = store.redeem(place.engine, actor=counter, now=later, data={"volunteer_id": me, "good_id": good,
                                                                        "quantity": 3})
    text = text_of(redemption_slip(place.engine, actor=counter, redemption_id=first.id, now=NOW))
    assert "积分兑换单" in text and f"单号：{first.number}" in text
    assert "兑换时间：2026年11月20日 10:00" in text
    assert "志愿者：王丽娟" in text and "手机号：139****0001" in text and "13912340001" not in text
    assert "兑换商品：洗衣液" in text and "数量：2 件" in text and "消耗积分：10 分" in text
    assert "兑换后余额：15 分" in text, "the balance right after this redemption, not today's"
    assert "经办人：测试KS-worker" in text and "已撤销" not in text

    store.cancel_redemption(place.engine, actor=counter, redemption_id=second.id, reason="拿错了",
                            now=later + timedelta(minutes=5))
    text = text_of(redemption_slip(place.engine, actor=place["secretary"], redemption_id=second.id, now=later))
    assert "兑换后余额：0 分" in text and "已撤销" in text and "撤销原因：拿错了" in text
    assert "撤销时间：2026年11月20日 11:05" in text
    assert "兑换后余额：15 分" in text_of(redemption_slip(place.engine, actor=counter, redemption_id=first.id))
    with reading(place.engine) as session:
        entries = session.execute(select(AuditLog.entity_id, AuditLog.community_id).where(
            AuditLog.action == "export.redemption_slip")).all()
    assert sorted(entries) == [(first.id, place.home), (first.id, place.home), (second.id, place.home)]

    for name in ("other_secretary", "leader", "volunteer"):
        with pytest.raises(DomainError, match="error.not_found"):
            redemption_slip(place.engine, actor=place[name], redemption_id=first.id)
