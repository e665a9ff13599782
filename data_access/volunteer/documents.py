"""The volunteer's documents in Word, in the house's official layout (data_access/documents.py): the service-hours
certificate (志愿服务证明) and the points store's redemption slip (兑换单).

A certificate states the hours a volunteer served in a period as the community recorded them and the person served
signed them off (orders at 签单 or 评单, by the day of the service), in total and by service kind, with the number
of orders. It is issued by the community that recorded the service (谁记录谁证明): only service recorded by the
volunteer's community counts. Each certificate is stored with its serial number (康盛志证〔2026〕第000123号: the
community name's first two characters, the year of issue, the certificate's id) and the hours it states, in one
transaction with its audit entry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.shared import Cm, Pt
from sqlalchemy import Engine, distinct, func, select
from sqlmodel import Session

from data_access import audit, clock
from data_access import config as app_config
from data_access.db import reading, transaction
from data_access.documents import (
    HEADING_FONT,
    TABLE_SIZE,
    body_paragraph,
    day_words,
    docx_bytes,
    field_paragraph,
    fonts,
    strings,
    titled_document,
)
from data_access.models import (
    Certificate,
    Community,
    PointsAccount,
    PointsTransfer,
    Redemption,
    ServiceRecord,
    StoreGood,
    User,
    Volunteer,
    VolunteerOrder,
)
from data_access.rows import scoped_row
from data_access.volunteer.registry import MANAGE, READ, me
from data_access.volunteer.store import REDEEM
from domain.access import Actor, can
from domain.errors import DomainError, PermissionDenied
from domain.fields import is_id, plain
from domain.personal import mask_id_number, mask_phone
from domain.settings import Settings
from domain.volunteer.ledger import Holder, Kind
from domain.volunteer.orders import Step
from domain.volunteer.registry import check_period
from i18n import translate

EARNED = (int(Step.SIGNED), int(Step.RATED))  # service that counts: signed off (and perhaps rated)
# the serial of a certificate, whatever the language of its text: 康盛志证〔2026〕第000123号
SERIAL = "{prefix}志证〔{year}〕第{number:06d}号"
SLIP_MARGIN = Cm(1.5)


@dataclass(frozen=True)
class KindHours:
    """The hours (tenths) and orders of one service kind in a certificate's period."""

    kind: str
    tenths: int
    orders: int


# ----------------------------------------------------------------------------------------------- the certificate


def certificate(engine: Engine, *, actor: Actor, volunteer_id: int, start: date, end: date,
                settings: Settings | None = None, lang: str = "zh",
                now: datetime | None = None) -> tuple[Certificate, bytes]:
    """Issue a service-hours certificate for a volunteer and a period: the stored row (serial, hours) and the .docx
    bytes. Staff with volunteer.manage in the volunteer's community, or the volunteer themselves (their account).
    Refused when the period is wrong (check_period) or holds no signed-off service of the community."""
    now = now or clock.now()
    settings = settings or app_config.settings()
    start, end = check_period(start, end, today=clock.local(now).date())
    with transaction(engine) as session:
        volunteer = _volunteer(session, actor, volunteer_id)
        community = session.get(Community, volunteer.community_id)
        kinds = hours_by_kind(session, volunteer, start, end)
        if not kinds:
            raise DomainError("volunteer_certificate.no_service")
        tenths, orders = sum(k.tenths for k in kinds), _orders(session, volunteer, start, end)
        row = Certificate(community_id=volunteer.community_id, volunteer_id=volunteer.id, period_start=start,
                          period_end=end, hours_tenths=tenths, issued_at=now, issued_by=actor.id)
        session.add(row)
        session.flush()
        row.serial = SERIAL.format(prefix=plain(community.name)[:2], year=clock.local(now).year, number=row.id)
        data = build_certificate(row, volunteer=volunteer, community=community.name, kinds=kinds, orders=orders,
                                 settings=settings, lang=lang)
        audit.record(session, actor=actor, action="volunteer.certificate", entity="certificate", entity_id=row.id,
                     community_id=row.community_id, at=now,
                     after={**audit.snapshot(row), "orders": orders, "lang": lang, "bytes": len(data)})
    return row, data


def _volunteer(session: Session, actor: Actor, volunteer_id: object) -> Volunteer:
    """The volunteer, if the actor may issue their certificate: staff managing their community, or themselves.
    Staff who may only read the volunteer are refused; anyone else does not find them."""
    volunteer = session.get(Volunteer, volunteer_id) if is_id(volunteer_id) else None
    if volunteer is None:
        raise DomainError("error.not_found")
    if can(actor, MANAGE, volunteer.community_id):
        return volunteer
    mine = me(session, actor)
    if mine is not None and mine.id == volunteer.id:
        return volunteer
    if can(actor, READ, volunteer.community_id):
        raise PermissionDenied("error.permission", permission=MANAGE)
    raise DomainError("error.not_found")


def _served(volunteer: Volunteer, start: date, end: date):
    """The conditions of the service a certificate counts: the volunteer's, recorded by their community, on an
    order signed off, on a day of the period."""
    return (ServiceRecord.volunteer_id == volunteer.id, ServiceRecord.community_id == volunteer.community_id,
            ServiceRecord.served_on >= start, ServiceRecord.served_on <= end, VolunteerOrder.step.in_(EARNED))


def hours_by_kind(session: Session, volunteer: Volunteer, start: date, end: date) -> list[KindHours]:
    """The signed-off hours and orders of the period by service kind (most hours first)."""
    rows = session.execute(
        select(VolunteerOrder.service_kind, func.sum(ServiceRecord.tenths),
               func.count(distinct(ServiceRecord.order_id)))
        .join(VolunteerOrder, VolunteerOrder.id == ServiceRecord.order_id)
        .where(*_served(volunteer, start, end)).group_by(VolunteerOrder.service_kind)).all()
    return sorted((KindHours(kind, int(tenths), int(orders)) for kind, tenths, orders in rows),
                  key=lambda k: (-k.tenths, k.kind))


def _orders(session: Session, volunteer: Volunteer, start: date, end: date) -> int:
    return int(session.execute(
        select(func.count(distinct(ServiceRecord.order_id)))
        .join(VolunteerOrder, VolunteerOrder.id == ServiceRecord.order_id)
        .where(*_served(volunteer, start, end))).scalar_one())


def hours_text(tenths: int) -> str:
    """Hours as a certificate states them: 12 or 12.5."""
    return f"{tenths // 10}" if tenths % 10 == 0 else f"{tenths / 10:.1f}"


def build_certificate(row: Certificate, *, volunteer: Volunteer, community: str, kinds: list[KindHours],
                      orders: int, settings: Settings, lang: str = "zh") -> bytes:
    """The .docx bytes of a certificate (no database access)."""
    t = strings(lang, "volunteer_certificate")
    labels = {k.code: k.label(lang) for k in settings.volunteer.service_kinds}
    community = plain(community)
    doc = titled_document(t("title"))
    serial = doc.add_paragraph(row.serial)
    serial.alignment = WD_ALIGN_PARAGRAPH.CENTER
    serial.paragraph_format.space_after = Pt(16)
    body_paragraph(doc, t("intro", name=plain(volunteer.name), id_number=mask_id_number(volunteer.id_number),
                          community=community, start=day_words(row.period_start, lang),
                          end=day_words(row.period_end, lang), orders=orders, hours=hours_text(row.hours_tenths)))
    body_paragraph(doc, t("by_kind"))
    table = doc.add_table(rows=1, cols=3)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, key in zip(table.rows[0].cells, ("col_kind", "col_orders", "col_hours"), strict=True):
        _cell(cell, t(key), bold=True)
    for kind in kinds:
        cells = table.add_row().cells
        for cell, value in zip(cells, (labels.get(kind.kind, kind.kind), str(kind.orders), hours_text(kind.tenths)),
                               strict=True):
            _cell(cell, value)
    cells = table.add_row().cells
    for cell, value in zip(cells, (t("total"), str(orders), hours_text(row.hours_tenths)), strict=True):
        _cell(cell, value, bold=True)
    for table_row in table.rows:
        for cell, width in zip(table_row.cells, (Cm(6.6), Cm(4.0), Cm(5.0)), strict=True):
            cell.width = width
    doc.add_paragraph()
    body_paragraph(doc, t("recorded", community=community))
    body_paragraph(doc, t("closing"))
    doc.add_paragraph()
    for text in (community, t("seal"), day_words(clock.local(row.issued_at).date(), lang)):
        paragraph = doc.add_paragraph(plain(text))
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    return docx_bytes(doc)


# ----------------------------------------------------------------------------------------------- the redemption slip


@dataclass(frozen=True)
class Slip:
    """What a redemption slip prints."""

    number: str
    community_id: int
    at: datetime
    volunteer: str
    phone: str | None
    good: str
    quantity: int
    points: int
    balance_after: int
    worker: str | None
    cancelled_at: datetime | None
    cancel_reason: str | None


def redemption_slip(engine: Engine, *, actor: Actor, redemption_id: int, lang: str = "zh",
                    now: datetime | None = None) -> bytes:
    """A redemption's slip (兑换单) as .docx bytes: its number, date and time, the volunteer (name, masked phone),
    the good, quantity, points, the balance right after it, the counter worker, and 已撤销 when cancelled. Needs
    store.redeem in its community; the print is recorded in the audit trail."""
    with reading(engine) as session:
        slip = slip_of(session, actor, redemption_id)
    data = build_slip(slip, lang)
    with transaction(engine) as session:
        audit.record(session, actor=actor, action="export.redemption_slip", entity="redemption",
                     entity_id=redemption_id, community_id=slip.community_id,
                     at=now or clock.now(), after={"number": slip.number, "lang": lang, "bytes": len(data)})
    return data


def slip_of(session: Session, actor: Actor, redemption_id: object) -> Slip:
    """The facts of a slip; another community's redemption is not found."""
    row = scoped_row(session, actor, Redemption, redemption_id, permission=REDEEM, lock=False)
    volunteer = session.get(Volunteer, row.volunteer_id)
    good = session.get(StoreGood, row.good_id)
    worker = session.get(User, row.by_id) if row.by_id is not None else None
    return Slip(number=row.number, community_id=row.community_id, at=row.at, volunteer=volunteer.name,
                phone=mask_phone(volunteer.phone),
                good=good.name, quantity=row.quantity, points=row.points,
                balance_after=_balance_after(session, row), worker=worker.display_name if worker else None,
                cancelled_at=row.cancelled_at, cancel_reason=row.cancel_reason)


def _balance_after(session: Session, row: Redemption) -> int:
    """The volunteer's balance right after the redemption: the sum of their account's movements up to and
    including its transfer (transfers of one account are numbered in the order they were made: each locks it)."""
    entry = session.execute(select(PointsTransfer.id).where(PointsTransfer.redemption_id == row.id,
                                                            PointsTransfer.kind == Kind.REDEEM.value)).scalar()
    account = session.execute(select(PointsAccount.id).where(
        PointsAccount.holder == Holder.VOLUNTEER.value, PointsAccount.owner_id == row.volunteer_id)).scalar() \
        if entry is not None else None
    if account is None:
        return 0
    gained = select(func.coalesce(func.sum(PointsTransfer.points), 0)).where(PointsTransfer.target_id == account,
                                                                            PointsTransfer.id <= entry)
    spent = select(func.coalesce(func.sum(PointsTransfer.points), 0)).where(PointsTransfer.source_id == account,
                                                                           PointsTransfer.id <= entry)
    return int(session.execute(gained).scalar_one()) - int(session.execute(spent).scalar_one())


def build_slip(slip: Slip, lang: str = "zh") -> bytes:
    """The .docx bytes of a slip: A5, the house's fonts (no database access)."""
    t = strings(lang, "volunteer_slip")
    doc = titled_document(t("title"))
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(14.8), Cm(21.0)
    for name in ("top_margin", "bottom_margin", "left_margin", "right_margin"):
        setattr(section, name, SLIP_MARGIN)
    if slip.cancelled_at is not None:
        paragraph = doc.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(t("cancelled"))
        run.bold = True
        fonts(run._r, HEADING_FONT)
    none = translate(lang, "minutes.none")
    for key, value in (("number", slip.number), ("at", _when(slip.at, lang)), ("volunteer", slip.volunteer),
                       ("phone", slip.phone or none), ("good", slip.good),
                       ("quantity", t("quantity_value", quantity=slip.quantity)),
                       ("points", t("points_value", points=slip.points)),
                       ("balance", t("points_value", points=slip.balance_after)), ("worker", slip.worker or none)):
        field_paragraph(doc, t(key), value, lang)
    if slip.cancelled_at is not None:
        field_paragraph(doc, t("cancelled_at"), _when(slip.cancelled_at, lang), lang)
        field_paragraph(doc, t("reason"), slip.cancel_reason or none, lang)
    doc.add_paragraph()
    paragraph = doc.add_paragraph(t("signature") + "_" * 12)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    return docx_bytes(doc)


def _when(at: datetime, lang: str) -> str:
    local = clock.local(at)
    return translate(lang, "volunteer_slip.when", date=day_words(local.date(), lang), time=f"{local:%H:%M}")


# ----------------------------------------------------------------------------------------------- shared


def _cell(cell, text: str, bold: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    paragraph.paragraph_format.first_line_indent = 0
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(plain(str(text)))
    run.bold = bold
    run.font.size = TABLE_SIZE
    if bold:
        fonts(run._r, HEADING_FONT)
