"""The course of a meeting on the projector, shared by the committee's chair mode and the council's live screen: its
stages (check-in -> agenda -> summary), the agenda item on screen and the timer of that item, kept in the session."""

from __future__ import annotations

import time

import pandas as pd
import streamlit as st

from i18n import translate
from ui.i18n import lang, t

STAGES = ("attendance", "agenda", "summary")


def duration_words(seconds: object, language: str) -> str:
    """The time used on an item as the timer counted it, in words: under a minute its seconds (11 秒), else minutes
    and seconds (1 分 35 秒), whole minutes alone (2 分钟). Never a rounded decimal of minutes, which made 11
    seconds "0.2 分钟" and a few seconds "0.0 分钟"."""
    total = 0 if seconds is None or pd.isna(seconds) else max(0, int(seconds))
    minutes, rest = divmod(total, 60)
    if not minutes:
        return translate(language, "projector.seconds", seconds=rest)
    if not rest:
        return translate(language, "projector.minutes", minutes=minutes)
    return translate(language, "projector.minutes_seconds", minutes=minutes, seconds=rest)


def duration(seconds: object) -> str:
    """duration_words in the session's language."""
    return duration_words(seconds, lang())


class Course:
    """One meeting's course on screen, under the session keys <prefix>_stage_<id>, <prefix>_pos_<id> and
    <prefix>_clock (the agenda item on screen and when it was shown)."""

    def __init__(self, prefix: str, meeting_id: int) -> None:
        self.stage_key = f"{prefix}_stage_{meeting_id}"
        self.pos_key = f"{prefix}_pos_{meeting_id}"
        self.clock_key = f"{prefix}_clock"

    def begin(self, agenda: pd.DataFrame, anyone_present: bool) -> tuple[str, int]:
        """The stage and agenda position to show. At first: the check-in while nobody is present, else the agenda at
        its first item not yet discussed."""
        state = st.session_state
        state.setdefault(self.stage_key, "agenda" if anyone_present else "attendance")
        if self.pos_key not in state:
            undiscussed = [i for i, d in enumerate(agenda["discussed"]) if not d] if not agenda.empty else []
            state[self.pos_key] = undiscussed[0] if undiscussed else 0
        return state[self.stage_key], min(state[self.pos_key], max(len(agenda) - 1, 0))

    def badges(self, stage: str, words: str) -> None:
        """The stages in a row, the current one highlighted; their names are the i18n keys <words>.stage_<stage>."""
        st.markdown(" → ".join(f":blue-badge[**{t(f'{words}.stage_{s}')}**]" if s == stage
                               else f":gray-badge[{t(f'{words}.stage_{s}')}]" for s in STAGES))

    def go(self, to: str) -> None:
        """To another stage (also "closed"), the item's clock stopped."""
        st.session_state[self.stage_key] = to
        st.session_state.pop(self.clock_key, None)

    def move(self, pos: int, step: int, total: int) -> None:
        """To the agenda item `step` away from `pos`, within the agenda of `total` items; its clock starts anew."""
        st.session_state.pop(self.clock_key, None)
        st.session_state[self.pos_key] = min(max(pos + step, 0), total - 1)

    def show(self, agenda_item_id: int) -> float:
        """The item is on screen: start its clock unless it runs already; when the clock started."""
        shown_at = st.session_state.get(self.clock_key)
        if not shown_at or shown_at[0] != agenda_item_id:
            self.restart(agenda_item_id)
        return st.session_state[self.clock_key][1]

    def restart(self, agenda_item_id: int) -> None:
        """Count the item's time from now (its time so far was saved)."""
        st.session_state[self.clock_key] = (agenda_item_id, time.time())

    def elapsed(self, agenda_item_id: int) -> int:
        """Whole seconds the item has been on screen since its clock started (0 when another item's clock runs)."""
        shown_at = st.session_state.get(self.clock_key)
        if not shown_at or shown_at[0] != agenda_item_id:
            return 0
        return max(0, int(time.time() - shown_at[1]))
