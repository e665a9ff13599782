"""Residents' personal data (PIPL): ID-number checks and the masks shown to those who may not see it whole."""

from __future__ import annotations

import re
from datetime import date

from domain.fields import plain

ID_NUMBER = re.compile(r"^\d{17}[\dX]$")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
PERSONAL_FIELDS = ("reporter_name", "reporter_phone", "reporter_id_number")


def normalise_id_number(value: str) -> str:
    return plain(value).replace(" ", "").upper()


def valid_id_number(value: str) -> bool:
    """A resident ID number (GB 11643): 18 characters, a real birth date, and the right check character."""
    if not ID_NUMBER.match(value):
        return False
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    if born.year < 1900:
        return False
    total = sum(int(digit) * weight for digit, weight in zip(value[:17], _WEIGHTS, strict=True))
    return _CHECK[total % 11] == value[17]


def mask_phone(value: str | None) -> str | None:
    """13812341234 -> 138****1234; a landline keeps its area code and last four digits."""
    if not value:
        return value
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_id_number(value: str | None) -> str | None:
    """110105199001011234 -> 110***********1234."""
    if not value:
        return value
    return value[:3] + "*" * (len(value) - 7) + value[-4:] if len(value) > 7 else "*" * len(value)


def mask_name(value: str | None) -> str | None:
    """王丽娟 -> 王**; a Latin name keeps its first letter."""
    if not value:
        return value
    return value[0] + "*" * min(len(value) - 1, 3) if len(value) > 1 else "*"


MASKS = {"reporter_name": mask_name, "reporter_phone": mask_phone, "reporter_id_number": mask_id_number,
         "liaison_phone": mask_phone}  # a member unit's liaison (联络人) phone


def masked(values: dict) -> dict:
    """A copy of `values` with each personal field masked."""
    return {k: MASKS[k](v) if k in MASKS else v for k, v in values.items()}
