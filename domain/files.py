"""Files attached to a record (a receipt, a quote, a payment voucher): images or PDF only, told by their first bytes
rather than their name, each within a size limit. Pure: no storage, no Streamlit."""

from __future__ import annotations

import math
from dataclasses import dataclass

from domain.fields import Errors, shown, text_of, value_of

NAME_LIMIT = 120
MOST_FILES = 10


@dataclass(frozen=True)
class Attachment:
    name: str
    kind: str  # the media type told by the content
    data: bytes


def kind_of(data: bytes) -> str | None:
    """The media type of an image (PNG, JPEG, GIF, WebP, HEIC) or a PDF by its first bytes; None for anything else."""
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftyphevc"):
        return "image/heic"
    return None


def clean_attachments(errors: Errors, data: dict, field: str, *, max_mb: float) -> list[Attachment]:
    """data[field]: a list of (name, bytes) pairs, or objects with .name and .getvalue() (an upload). Anything not an
    image or a PDF, or over max_mb, is the field's error naming the file; nothing is kept then."""
    value = value_of(data, field)
    if value is None or value == [] or value == ():
        return []
    if not isinstance(value, list | tuple) or len(value) > MOST_FILES:
        errors.add(field, "file_error.not_files", most=MOST_FILES)
        return []
    kept = []
    for item in value:
        if isinstance(item, tuple) and len(item) == 2:
            name, content = item
        elif hasattr(item, "name") and hasattr(item, "getvalue"):
            name, content = item.name, item.getvalue()
        else:
            errors.add(field, "file_error.not_files", most=MOST_FILES)
            return []
        name = (text_of(name) or "file")[:NAME_LIMIT] or "file"
        if not isinstance(content, bytes | bytearray | memoryview):
            errors.add(field, "file_error.not_files", most=MOST_FILES)
            return []
        content = bytes(content)
        if len(content) > max_mb * 1024 * 1024:
            errors.add(field, "file_error.too_large", name=shown(name), most=f"{max_mb:g}",
                       size=f"{math.ceil(len(content) / 1024 / 1024 * 100) / 100:.2f}")  # 10.01, never "10.0"
            return []
        kind = kind_of(content)
        if kind is None:
            errors.add(field, "file_error.not_image_or_pdf", name=shown(name))
            return []
        kept.append(Attachment(name, kind, content))
    return kept
