"""The Word files of a council meeting in the official layout: the minutes (会议纪要) and the public notice of its
decisions (决议公示) for the notice board. Every export is written to the audit trail."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine

from domain.access import Actor
from domain.settings import Settings


def minutes_docx(engine: Engine, *, actor: Actor, settings: Settings, meeting_id: int, lang: str = "zh",
                 now: datetime | None = None) -> bytes:
    raise NotImplementedError


def notice_docx(engine: Engine, *, actor: Actor, meeting_id: int, lang: str = "zh",
                now: datetime | None = None) -> bytes:
    raise NotImplementedError
