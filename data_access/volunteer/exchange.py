"""Volunteers in and out of Excel: the import (every row checked by the registration form's rule, every problem
reported by row and column, nothing written unless every row is right), the blank template, and the export (the
import's columns, so an export imports into another database, plus the hours served and the points balance).

The sheet's columns are named in Chinese (姓名, 手机号, ...; i18n `volunteer_sheet.*`); the import also takes the
English names, in any order. Skills are service kinds by their Chinese or English label or their code, separated by
、 , ， ； or ;. A member unit and a team are named as the community calls them. Yes/no columns take 是/否 (or
yes/no, true/false, 1/0). The export masks phone and ID numbers unless the actor holds personal.view in the
community; every export is written to the audit trail, saying whether personal data left whole."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy import Engine, and_, insert, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from data_access import audit, clock
from data_access import config as app_config
from data_access.db import reading, transaction
from data_access.models import Community, MemberUnit, PointsAccount, Volunteer, VolunteerTeam
from data_access.service.exports import new_sheet, safe_cell
from data_access.volunteer.registry import MANAGE, READ
from domain.access import Actor, can, require
from domain.errors import DomainError, ValidationFailed
from domain.fields import plain, shown
from domain.personal import mask_id_number, mask_phone, normalise_id_number, valid_id_number
from domain.settings import Settings
from domain.volunteer.ledger import Holder
from domain.volunteer.registry import clean_volunteer
from i18n import LANGUAGES, translate

MAX_ROWS = 5_000  # volunteers of one import
MAX_COLUMNS = 60  # header cells read; a sheet wider than this is not the template
MAX_BYTES = 20_000_000  # the file as uploaded; 5,000 rows take about 250 kB
MAX_UNPACKED = 200_000_000  # the parts of the .xlsx (a zip) unpacked: a small file may unpack to gigabytes
PERSONAL = "personal.view"
# (field, header key, width): the import's columns, in the template's order
COLUMNS = [("name", "volunteer_sheet.name", 10), ("phone", "volunteer_sheet.phone", 14),
           ("id_number", "volunteer_sheet.id_number", 21), ("skills", "volunteer_sheet.skills", 24),
           ("party_member", "volunteer_sheet.party_member", 10), ("report_unit", "volunteer_sheet.report_unit", 20),
           ("team", "volunteer_sheet.team", 18), ("registered_on", "volunteer_sheet.registered_on", 12),
           ("active", "volunteer_sheet.active", 10)]
# what the export adds; the import reads past them
EXPORT_ONLY = [("hours", "volunteer_sheet.hours", 12), ("points", "volunteer_sheet.points", 10)]
# the fields of domain.volunteer.registry.clean_volunteer -> the sheet's column
FORM_FIELDS = {"name": "name", "phone": "phone", "id_number": "id_number", "skills": "skills",
               "party_member": "party_member", "report_unit_id": "report_unit", "team_id": "team",
               "registered_on": "registered_on", "active": "active"}
SEPARATORS = re.compile(r"[、,，；;]")
YES, NO = {"是", "yes", "y", "true", "1", "√"}, {"否", "no", "n", "false", "0", "×"}
DATE_FORMAT, TEXT_FORMAT, HOURS_FORMAT, COUNT_FORMAT = "yyyy-mm-dd", "@", "0.0", "0"
# an example row for the template: a made-up person with an ID number of the right form (GB 11643's own example)
EXAMPLE = {"name": "张三", "phone": "13800000000", "id_number": "11010519491231002X", "party_member": True,
           "report_unit": "", "team": "", "active": True}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an imported file: the row as Excel numbers it (1 is the header; None for the file as a
    whole), the column as the file names it (None for the file or the whole row), and the message key with its
    params."""

    row: int | None
    column: str | None
    key: str
    params: dict = field(default_factory=dict)


class ImportRefused(DomainError):
    """An import that wrote nothing, with every problem found (`problems`, in row and column order)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("volunteer_import.refused", count=len(problems))
        self.problems = problems


def problem_text(problem: Problem, lang: str = "zh") -> str:
    """A problem in words: 第 3 行“手机号”：电话号码格式不正确…, for the screen or a list to download."""
    message = translate(lang, problem.key, **problem.params)
    if problem.row is None:
        return translate(lang, "volunteer_import.at_file", message=message)
    if problem.column is None:
        return translate(lang, "volunteer_import.at_row", row=problem.row, message=message)
    return translate(lang, "volunteer_import.at_cell", row=problem.row, column=problem.column, message=message)


# ----------------------------------------------------------------------------------------------- the import


def import_volunteers(engine: Engine, *, actor: Actor, settings: Settings, community_id: int, content: bytes,
                      now: datetime | None = None) -> int:
    """Register the volunteers of an .xlsx file in `community_id` (volunteer.manage there): each row checked by the
    registration form's rule, all written in one transaction with each one's audit entry, or none. Returns how many
    were registered; raises ImportRefused with every problem (bad header, bad cell, ID number repeated in the file or
    registered already, an empty or overlong file, not an .xlsx file) otherwise."""
    now = now or clock.now()
    require(actor, MANAGE, community_id)
    header, rows = _read(content)
    with transaction(engine) as session:
        problems, cleaned = _check(session, settings, community_id, header, rows, today=clock.local(now).date())
        if problems:
            raise ImportRefused(problems)
        _write(session, actor, community_id, cleaned, header, now)
        audit.record(session, actor=actor, action="volunteer.import", entity="volunteer", entity_id=None,
                     community_id=community_id, at=now, after={"rows": len(cleaned), "bytes": len(content)})
    return len(cleaned)


def _write(session: Session, actor: Actor, community_id: int, cleaned: list[tuple[int, dict]], header: _Header,
           now: datetime) -> None:
    """The checked rows written as registration writes one (registry.add_volunteer: the row, the volunteer's points
    account, the audit entry with phone and ID number masked), in bulk: a few statements for thousands of rows
    instead of a dozen each. An ID number registered meanwhile (the unique constraint) refuses the import."""
    values = [{**v, "community_id": community_id, "user_id": None, "hours_tenths": 0, "last_served_on": None,
               "updated_at": now} for _, v in cleaned]
    try:
        with session.begin_nested():
            ids = session.execute(insert(Volunteer).returning(Volunteer.id, sort_by_parameter_order=True),
                                  values).scalars().all()
    except IntegrityError as exc:
        taken = _registered(session, [v["id_number"] for v in values])
        problems = [Problem(number, header.names["id_number"], "volunteer_error.id_number_taken")
                    for number, v in cleaned if v["id_number"] in taken]
        raise ImportRefused(problems or [Problem(None, None, "error.unexpected", {"detail": shown(str(exc))})]) \
            from exc
    session.execute(insert(PointsAccount), [{"holder": Holder.VOLUNTEER.value, "owner_id": row_id,
                                             "community_id": community_id, "balance": 0} for row_id in ids])
    for row_id, row in zip(ids, values, strict=True):
        after = audit.snapshot_values({"id": row_id, **row})
        after["phone"], after["id_number"] = mask_phone(after["phone"]), mask_id_number(after["id_number"])
        audit.record(session, actor=actor, action="volunteer.create", entity="volunteer", entity_id=row_id,
                     community_id=community_id, at=now, after=after)


@dataclass
class _Header:
    """Where each field is in the file (0-based), and the column's name as the file writes it."""

    index: dict[str, int]
    names: dict[str, str]


def _known_headers() -> dict[str, str]:
    """Every header name the import takes (each language's, and English in lower case) -> its field."""
    known = {}
    for name, key, _ in COLUMNS + EXPORT_ONLY:
        for lang in LANGUAGES:
            known[_header_text(translate(lang, key))] = name
    return known


def _header_text(value: object) -> str:
    return re.sub(r"\s+", "", plain(value if isinstance(value, str) else str(value or ""))).lower()


def _read(content: bytes) -> tuple[_Header, list[tuple[int, tuple]]]:
    """The header and the rows that hold anything (with their Excel row number) of the file's first sheet; a file
    that is not .xlsx, has no rows, too many rows or a wrong header is refused here, before any row is checked."""
    if not isinstance(content, bytes | bytearray) or not content:
        raise ImportRefused([Problem(None, None, "volunteer_import.empty")])
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as packed:  # zipfile reads no part beyond its stated size
            unpacked = sum(part.file_size for part in packed.infolist())
    except (zipfile.BadZipFile, ValueError) as exc:
        raise ImportRefused([Problem(None, None, "volunteer_import.not_xlsx")]) from exc
    if len(content) > MAX_BYTES or unpacked > MAX_UNPACKED:
        raise ImportRefused([Problem(None, None, "volunteer_import.too_large", {"max": MAX_BYTES // 1_000_000})])
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not .xlsx (zip, XML, KeyError...)
        raise ImportRefused([Problem(None, None, "volunteer_import.not_xlsx")]) from exc
    try:
        sheet = book.worksheets[0]
        lines = sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS)
        first = next(lines, None)
        header = _header(first or ())
        width = max(header.index.values()) + 1
        rows = []
        for number, values in enumerate(lines, start=2):
            values = tuple(values[:width]) + (None,) * (width - len(values))
            if all(_blank(v) for v in values):
                continue
            if len(rows) == MAX_ROWS:
                raise ImportRefused([Problem(None, None, "volunteer_import.too_many_rows", {"max": f"{MAX_ROWS:,}"})])
            rows.append((number, values))
    except ImportRefused:
        raise
    except Exception as exc:  # a sheet whose XML breaks off midway
        raise ImportRefused([Problem(None, None, "volunteer_import.not_xlsx")]) from exc
    finally:
        book.close()
    if not rows:
        raise ImportRefused([Problem(None, None, "volunteer_import.empty")])
    return header, rows


def _header(cells: tuple) -> _Header:
    """The columns of the header row: every column of the template named once (in any order, Chinese or English),
    nothing else but the export's own columns and blank cells."""
    if all(_blank(v) for v in cells):
        raise ImportRefused([Problem(1, None, "volunteer_import.no_header")])
    known = _known_headers()
    index: dict[str, int] = {}
    names: dict[str, str] = {}
    problems = []
    for position, value in enumerate(cells):
        if _blank(value):
            continue
        text = plain(str(value))
        name = known.get(_header_text(value))
        if name is None:
            problems.append(Problem(1, shown(text), "volunteer_import.unknown_column", {"column": shown(text)}))
        elif name in index:
            problems.append(Problem(1, text, "volunteer_import.repeated_column", {"column": text}))
        else:
            index[name], names[name] = position, text
    for name, key, _ in COLUMNS:
        if name not in index:
            missing = translate("zh", key)
            problems.append(Problem(1, missing, "volunteer_import.missing_column", {"column": missing}))
    if problems:
        raise ImportRefused(problems)
    return _Header(index=index, names=names)


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not plain(value))


def _check(session: Session, settings: Settings, community_id: int, header: _Header, rows: list[tuple[int, tuple]],
           *, today: date) -> tuple[list[Problem], list[tuple[int, dict]]]:
    """Every row read and checked by the form's rule (clean_volunteer): the problems of all rows, and the values
    clean_volunteer made of the good ones."""
    kinds = _kinds(settings)
    units = _names(session, MemberUnit, community_id)
    teams = _names(session, VolunteerTeam, community_id)
    read = [(number, _row_values(values, header, kinds, units, teams)) for number, values in rows]
    taken = _registered(session, [data.get("id_number") for _, (data, _) in read])
    first_row: dict[str, int] = {}
    problems: list[Problem] = []
    cleaned: list[tuple[int, dict]] = []
    for number, (data, own) in read:
        errors = dict(own)
        id_number = normalise_id_number(data.get("id_number") or "")
        duplicate = valid_id_number(id_number) and id_number in first_row
        if duplicate and "id_number" not in errors:
            errors["id_number"] = ("volunteer_import.duplicate_in_file", {"row": first_row[id_number]})
        if valid_id_number(id_number):
            first_row.setdefault(id_number, number)
        try:
            values = clean_volunteer(data, kinds=[k.code for k in settings.volunteer.service_kinds], today=today,
                            id_number_taken=id_number in taken and not duplicate,
                            teams=set(teams.values()), units=set(units.values()))
        except ValidationFailed as exc:
            for name, error in exc.errors.items():
                errors.setdefault(FORM_FIELDS.get(name, name), error)
        if errors:
            problems.extend(_problems(number, errors, header.names))
        else:
            cleaned.append((number, values))
    return problems, cleaned


def _problems(number: int, errors: dict[str, tuple[str, dict]], names: dict[str, str]) -> list[Problem]:
    """A row's errors by column, in the template's order."""
    order = [name for name, _, _ in COLUMNS]
    return [Problem(number, names.get(name, name), key, dict(params))
            for name, (key, params) in sorted(errors.items(), key=lambda e: order.index(e[0]) if e[0] in order else 99)]


def _kinds(settings: Settings) -> dict[str, str]:
    """A service kind's code, Chinese label and English label (lower case) -> its code."""
    kinds = {}
    for kind in settings.volunteer.service_kinds:
        for name in (kind.code, kind.zh, kind.en):
            kinds[_header_text(name)] = kind.code
    return kinds


def _names(session: Session, model, community_id: int) -> dict[str, int]:
    """The community's member units or teams by name."""
    return {plain(name): row_id for row_id, name in session.execute(
        select(model.id, model.name).where(model.community_id == community_id))}


def _registered(session: Session, id_numbers: list[object]) -> set[str]:
    """Of these ID numbers, those registered already (anywhere in the city)."""
    wanted = sorted({normalise_id_number(v) for v in id_numbers if isinstance(v, str) and v})
    found: set[str] = set()
    for start in range(0, len(wanted), 500):
        found.update(session.execute(select(Volunteer.id_number).where(
            Volunteer.id_number.in_(wanted[start:start + 500]))).scalars())
    return found


def _row_values(values: tuple, header: _Header, kinds: dict[str, str], units: dict[str, int],
                teams: dict[str, int]) -> tuple[dict, dict[str, tuple[str, dict]]]:
    """A row as the registration form gives it (codes, ids, dates, yes/no), and the errors of cells that could not
    be read as their column's kind of value."""
    cell = {name: values[position] for name, position in header.index.items()}
    errors: dict[str, tuple[str, dict]] = {}
    data: dict[str, Any] = {"name": _text(cell["name"]), "phone": _text(cell["phone"])}
    id_number = cell["id_number"]
    if isinstance(id_number, float):  # Excel keeps 15 digits of a number: the last ones are lost
        errors["id_number"] = ("volunteer_import.id_number_as_number", {})
        id_number = None
    data["id_number"] = _text(id_number)
    data["skills"] = _skills(cell["skills"], kinds, errors)
    for name in ("party_member", "active"):
        data[name] = _yes_no(cell[name], name, errors)
    for name, choices, key in (("report_unit", units, "volunteer_import.unknown_unit"),
                               ("team", teams, "volunteer_import.unknown_team")):
        text = _text(cell[name])
        data[f"{name}_id"] = choices.get(text) if text else None
        if text and data[f"{name}_id"] is None:
            errors[name] = (key, {"value": shown(text)})
    data["registered_on"] = _day(cell["registered_on"], errors)
    return data, errors


def _text(value: object) -> str:
    """A cell as text: a whole number without its '.0' (a phone number typed as a number)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date):
        value = value.isoformat()
    return plain(str(value))


def _skills(value: object, kinds: dict[str, str], errors: dict) -> list[str]:
    parts = [p for p in (_header_text(p) for p in SEPARATORS.split(_text(value))) if p]
    codes = []
    for part in parts:
        if part not in kinds:
            errors.setdefault("skills", ("volunteer_import.unknown_skill", {"value": shown(part)}))
            continue
        codes.append(kinds[part])
    return codes


def _yes_no(value: object, name: str, errors: dict) -> bool | None:
    """是/否 (and yes/no, true/false, 1/0, a TRUE/FALSE cell); None when blank (the form's default)."""
    if isinstance(value, bool):
        return value
    text = _header_text(_text(value))
    if not text:
        return None
    if text in YES or text in NO:
        return text in YES
    errors[name] = ("volunteer_import.yes_no", {"value": shown(_text(value))})
    return None


def _day(value: object, errors: dict) -> date | None:
    """A date cell, or text as yyyy-mm-dd (or yyyy/m/d, yyyy.m.d, yyyy年m月d日)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    if not text:
        return None
    match = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", text)
    if match:
        try:
            return date(*(int(g) for g in match.groups()))
        except ValueError:
            pass
    errors["registered_on"] = ("volunteer_import.bad_date", {"value": shown(text)})
    return None


# ----------------------------------------------------------------------------------------------- template and export


def volunteer_template(settings: Settings | None = None, lang: str = "zh") -> bytes:
    """A blank import file: the header, one example row, the ID number and phone columns as text, drop-downs for
    the yes/no columns, and a second sheet with the instructions and the service kinds to choose from (config.yaml's
    when `settings` is not given)."""
    kinds = (settings or app_config.settings()).volunteer.service_kinds
    book = Workbook()
    sheet = book.active
    sheet.title = translate(lang, "volunteer_sheet.title")
    _style_header(sheet, COLUMNS, lang)
    today = clock.today()
    example = {**EXAMPLE, "skills": translate(lang, "locale.list_separator").join(k.label(lang) for k in kinds[:2]),
               "registered_on": today}
    for position, (name, _, _) in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=2, column=position, value=_shown_value(name, example[name], lang))
        if name in ("phone", "id_number"):
            cell.number_format = TEXT_FORMAT
            sheet.column_dimensions[get_column_letter(position)].number_format = TEXT_FORMAT
        elif name == "registered_on":
            cell.number_format = DATE_FORMAT
    choices = f'"{translate(lang, "common.yes")},{translate(lang, "common.no")}"'
    yes_no = DataValidation(type="list", formula1=choices, allow_blank=True)
    sheet.add_data_validation(yes_no)
    for position, (name, _, _) in enumerate(COLUMNS, start=1):
        if name in ("party_member", "active"):
            letter = get_column_letter(position)
            yes_no.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
    notes = book.create_sheet(translate(lang, "volunteer_sheet.notes_title"))
    notes.column_dimensions["A"].width = 100
    lines = [translate(lang, f"volunteer_sheet.note_{n}", max=f"{MAX_ROWS:,}") for n in range(1, 7)]
    lines.append(translate(lang, "volunteer_sheet.note_kinds"))
    for kind in kinds:
        lines.append(f"{kind.label(lang)} ({kind.code})")
    for row, line in enumerate(lines, start=1):
        notes.cell(row=row, column=1, value=line)
    notes.cell(row=1, column=1).font = Font(bold=True)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _style_header(sheet, columns, lang: str) -> None:
    """The house header (bold white on red, frozen) on a normal sheet, with the columns' widths."""
    sheet.freeze_panes = "A2"
    font, fill = Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor="C0392B")
    for position, (_, key, width) in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=position, value=translate(lang, key))
        cell.font, cell.fill = font, fill
        sheet.column_dimensions[get_column_letter(position)].width = width


def _shown_value(name: str, value: object, lang: str) -> object:
    if name in ("party_member", "active"):
        return translate(lang, "common.yes" if value else "common.no")
    return value


def export_volunteers(engine: Engine, *, actor: Actor, community_id: int, settings: Settings | None = None,
                      lang: str = "zh", now: datetime | None = None) -> bytes:
    """The community's volunteers (volunteer.read there) as .xlsx, by name: the import's columns, then the hours
    served and the points balance. Phone and ID numbers are whole only for an actor holding personal.view in the
    community. Read in chunks and written as a stream, so a community of any size fits in memory. Recorded in the
    audit trail (export.volunteers) with the rows and whether personal data left whole."""
    now = now or clock.now()
    require(actor, READ, community_id)
    settings = settings or app_config.settings()
    whole = can(actor, PERSONAL, community_id)
    labels = {k.code: k.label(lang) for k in settings.volunteer.service_kinds}
    separator = translate(lang, "locale.list_separator")
    book = Workbook(write_only=True)
    sheet = new_sheet(book, translate(lang, "volunteer_sheet.title"), COLUMNS + EXPORT_ONLY, lang)
    count = 0
    with reading(engine) as session:
        if session.get(Community, community_id) is None:
            raise DomainError("error.not_found")
        for row in _export_rows(session, community_id):
            phone = row.phone if whole else mask_phone(row.phone)
            id_number = row.id_number if whole else mask_id_number(row.id_number)
            skills = separator.join(labels.get(code, code) for code in row.skills.split(",") if code)
            sheet.append([
                safe_cell(row.name), _typed(sheet, phone, TEXT_FORMAT), _typed(sheet, id_number, TEXT_FORMAT),
                safe_cell(skills), _shown_value("party_member", row.party_member, lang),
                safe_cell(row.unit or ""), safe_cell(row.team or ""),
                _typed(sheet, row.registered_on, DATE_FORMAT), _shown_value("active", row.active, lang),
                _typed(sheet, row.hours_tenths / 10, HOURS_FORMAT), _typed(sheet, int(row.balance or 0), COUNT_FORMAT)])
            count += 1
    out = io.BytesIO()
    book.save(out)
    with transaction(engine) as session:
        audit.record(session, actor=actor, action="export.volunteers", entity="volunteer", entity_id=None,
                     community_id=community_id, at=now,
                     after={"rows": count, "personal": "whole" if whole and count else "masked", "lang": lang})
    return out.getvalue()


def _export_rows(session: Session, community_id: int, chunk: int = 2_000) -> Iterator:
    """The community's volunteers by name with their unit, team and balance, fetched `chunk` rows at a time (a
    server-side cursor on PostgreSQL)."""
    query = (select(Volunteer.name, Volunteer.phone, Volunteer.id_number, Volunteer.skills, Volunteer.party_member,
                    MemberUnit.name.label("unit"), VolunteerTeam.name.label("team"), Volunteer.registered_on,
                    Volunteer.active, Volunteer.hours_tenths, PointsAccount.balance)
             .outerjoin(MemberUnit, MemberUnit.id == Volunteer.report_unit_id)
             .outerjoin(VolunteerTeam, VolunteerTeam.id == Volunteer.team_id)
             .outerjoin(PointsAccount, and_(PointsAccount.holder == Holder.VOLUNTEER.value,
                                            PointsAccount.owner_id == Volunteer.id))
             .where(Volunteer.community_id == community_id)
             .order_by(Volunteer.name, Volunteer.id))
    result = session.execute(query.execution_options(yield_per=chunk))
    for part in result.partitions():
        yield from part


def _typed(sheet, value, number_format: str):
    """A cell with its number format (an empty cell when there is no value)."""
    if value is None:
        return None
    cell = WriteOnlyCell(sheet, value=safe_cell(value))
    cell.number_format = number_format
    return cell
