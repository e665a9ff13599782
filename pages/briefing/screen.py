"""大屏 (the big screen): the briefing as slides for a wall screen or projector that nobody touches. Opened by a
display link (?display=<token>, no login) or by a logged-in leader or secretary for their scope. The address may ask
for ?theme=light, ?interval=<seconds> and ?slides=service,ranking (see domain/briefing/screen.py).

The figures are read again every `briefing.refresh_seconds` in a fragment, from a cache shared by every screen of the
same scope; the link is checked again at each refresh, so a revoked or expired link shows its page then. When the
database is away the screen keeps the last figures and says so quietly, and it recovers by itself.
"""

from datetime import date

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from data_access import clock
from data_access.briefing import display
from data_access.briefing.content import scope_name
from data_access.config import settings
from domain.access import scope
from domain.briefing.changes import Month, Period
from domain.briefing.screen import options
from domain.errors import DomainError
from ui import cached, context
from ui.briefing import screen
from ui.i18n import error_text, lang, t

cfg = settings()
token = st.query_params.get("display")
LAST = "screen_last"  # the last figures shown, kept for when the database is away

st.html("""<style>
  header[data-testid="stHeader"], [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
  [data-testid="stToolbar"], [data-testid="stStatusWidget"], [data-testid="stDecoration"], footer { display: none; }
  [data-testid="stMainBlockContainer"] { padding: 0; }
  [data-stale="true"] { opacity: 1 !important; transition: none !important; }
</style>""")


def year_so_far(today: date) -> Period:
    return Period(Month(today.year, 1), Month(today.year, today.month))


def opened() -> tuple:
    """(actor, community id, the link's slides or None) the screen shows; raises LinkRefused for a bad token."""
    engine = context.current_engine()
    if token:
        link = display.open_link(engine, cfg, token)
        return link.actor, link.community_id, link.slides
    actor = context.current_actor(touch=False)  # the refresh runs by itself: it keeps no session alive
    if actor is None or not actor.permissions() & {"briefing.read"}:
        raise display.LinkRefused("screen.login")
    where = scope(actor, "briefing.read")
    community = None if where.everything else min(where.communities or where.grid_communities, default=None)
    return actor, community, None


def say(title: str, detail: str, *, offline: bool = False) -> None:
    """A screen with one message and no figures (a refused link, nothing to show yet)."""
    theme = options(st.query_params.to_dict(), interval=cfg.briefing.rotate_seconds).theme
    screen.show(screen.message(title, detail), title=t("page.briefing_screen"), theme=theme,
                interval=cfg.briefing.rotate_seconds, refresh=cfg.briefing.refresh_seconds, updated="",
                offline=offline)


@st.fragment(run_every=cfg.briefing.refresh_seconds)
def live() -> None:
    try:
        actor, community, link_slides = opened()
        today = clock.today()
        chosen = options(st.query_params.to_dict(), interval=cfg.briefing.rotate_seconds,
                         **({"slides": link_slides} if link_slides else {}))
        briefing = cached.read_for_screens(context.current_engine(), "briefing", year_so_far(today), community,
                                           actor=actor, today=today, settings=cfg)
    except display.LinkRefused as refused:
        st.session_state.pop(LAST, None)  # a refused link shows no figures, not even old ones
        say(t(refused.key), t("screen.ask_for_link"))
        return
    except DomainError as err:
        st.session_state.pop(LAST, None)
        say(t("screen.cannot_show"), error_text(err))
        return
    except (SQLAlchemyError, OSError):  # the database is away: the last figures stay, with the banner
        last = st.session_state.get(LAST)
        if last is None:
            say(t("screen.offline"), t("screen.retrying", seconds=cfg.briefing.refresh_seconds), offline=True)
        else:
            screen.show(**last, offline=True)
        return
    slides = screen.slides(briefing, chosen.slides, screen.kind_labels(cfg), public=bool(token)) or \
        screen.message(t("screen.no_slides"), t("screen.no_slides_detail"))
    shown = {"slide_list": slides, "title": " · ".join(p for p in (briefing.street, scope_name(lang(), briefing)) if p),
             "theme": chosen.theme, "interval": chosen.interval, "refresh": cfg.briefing.refresh_seconds,
             "updated": t("screen.updated", time=clock.local(briefing.read_at).strftime("%H:%M")),
             "notes": [t(key, **params) for key, params in chosen.notes]}
    st.session_state[LAST] = shown
    screen.show(**shown)


live()
