"""Gongzhi (共治): the router. Page config, start-up checks, login gate, navigation by role."""

import logging
import runpy
from pathlib import Path

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from data_access import clock
from data_access.config import settings
from domain.calendar import arrangement_running_out
from domain.errors import DomainError
from i18n import LANGUAGES
from ui import context, theme
from ui.i18n import error_text, md_escape, role_names, t
from ui.outage import away, database_away, restore_typed

st.set_page_config(page_title="共治 Gongzhi", page_icon=":material/diversity_3:", layout="wide")

if st.query_params.get("display"):  # a wall screen's display link: no login, no navigation, its own error handling
    st.navigation([st.Page("pages/briefing/screen.py", title=t("page.briefing_screen"), url_path="screen")],
                  position="hidden").run()
    st.stop()
if st.query_params.get("sign"):  # a one-time sign-off link opened on the resident's phone: no login, one page
    st.navigation([st.Page("pages/volunteer/sign.py", title=t("page.volunteer_sign"), url_path="sign")],
                  position="hidden").run()
    st.stop()
restore_typed()  # what an outage's calm page made Streamlit forget, before any input is drawn
theme.apply()  # calendars in the session's language, no English input hints, the sidebar closing on a phone
try:
    cfg = settings()
    context.current_engine()
except DomainError as err:
    st.error(t("app.startup_failed"), icon=":material/error:")
    st.error(error_text(err))
    st.stop()
except SQLAlchemyError as err:
    database_away(err)


@st.cache_resource(show_spinner=False)
def log_calendar_end(end) -> None:
    """Once per process: config.yaml's official holidays end soon (the admin sees it on the users page)."""
    logging.getLogger("gongzhi").warning("config.yaml's holiday arrangement ends on %s: add next year's holidays and "
                                         "make-up working days (until then the holidays library's rules apply)", end)


if calendar_end := arrangement_running_out(cfg.calendar, clock.today()):
    log_calendar_end(calendar_end)

try:
    context.restore_session()  # a reload, a bookmark or a server restart finds the login in its cookie
    actor = context.current_actor()
except SQLAlchemyError as err:
    if not away(err):
        raise
    database_away(err)
context.sync_cookie()
# (permission, page file, title key, icon, url): each page is listed only for those who may use it (a tuple of
# permissions: for those holding any of them)
SECTIONS = {
    "app.section_service": [
        ("overview.read", "pages/service/overview.py", "page.overview", "monitoring", "overview"),
        ("matter.read", "pages/service/ledger.py", "page.ledger", "table_view", "ledger"),
        ("matter.create", "pages/service/intake.py", "page.intake", "edit_note", "intake"),
        ("matter.read", "pages/service/matter.py", "page.matter", "assignment", "matter"),
    ],
    "app.section_briefing": [
        ("briefing.read", "pages/briefing/cockpit.py", "page.briefing_cockpit", "speed", "cockpit"),
        ("briefing.read", "pages/briefing/screen.py", "page.briefing_screen", "tv", "screen"),
        ("briefing.display", "pages/briefing/links.py", "page.briefing_links", "link", "display-links"),
    ],
    "app.section_committee": [
        ("committee.read", "pages/committee/dashboard.py", "page.committee_dashboard", "hub", "committee"),
        ("committee.read", "pages/committee/units.py", "page.committee_units", "apartment", "units"),
        ("committee.read", "pages/committee/lists.py", "page.committee_lists", "checklist", "lists"),
        ("committee.read", "pages/committee/claims.py", "page.committee_claims", "task_alt", "claims"),
        ("committee.read", "pages/committee/meetings.py", "page.committee_meetings", "groups", "meetings"),
        ("committee.meeting", "pages/committee/chair.py", "page.committee_chair", "co_present", "chair"),
    ],
    "app.section_council": [
        ("council.read", "pages/council/overview.py", "page.council_overview", "how_to_vote", "council"),
        ("council.read", "pages/council/councils.py", "page.council_councils", "diversity_3", "councils"),
        ("council.read", "pages/council/topics.py", "page.council_topics", "forum", "topics"),
        ("council.read", "pages/council/meetings.py", "page.council_meetings", "event_note", "council-meetings"),
        ("council.record", "pages/council/live.py", "page.council_live", "co_present", "council-live"),
        ("council.read", "pages/council/decisions.py", "page.council_decisions", "gavel", "decisions"),
    ],
    "app.section_volunteer": [
        ("volunteer.serve", "pages/volunteer/mine.py", "page.volunteer_mine", "volunteer_activism", "my-service"),
        ("volunteer.read", "pages/volunteer/overview.py", "page.volunteer_overview", "diversity_1", "volunteer"),
        ("volunteer.read", "pages/volunteer/orders.py", "page.volunteer_orders", "assignment_turned_in", "orders"),
        ("volunteer.read", "pages/volunteer/volunteers.py", "page.volunteer_volunteers", "badge", "volunteers"),
        ("store.redeem", "pages/volunteer/store.py", "page.volunteer_store", "storefront", "store"),
    ],
    "app.section_fund": [
        (("fund.read", "fund.manage"), "pages/fund/overview.py", "page.fund_overview", "savings", "fund"),
        (("fund.read", "fund.manage"), "pages/fund/spending.py", "page.fund_spending", "request_quote", "spending"),
        (("fund.read", "fund.manage"), "pages/fund/income.py", "page.fund_income", "payments", "income"),
        (("fund.read", "fund.manage"), "pages/fund/statement.py", "page.fund_statement", "receipt_long",
         "fund-statement"),
        (("fund.read", "fund.manage"), "pages/fund/funds.py", "page.fund_funds", "account_balance", "funds"),
    ],
    "app.section_admin": [
        ("account.manage", "pages/admin/users.py", "page.users", "manage_accounts", "users"),
        ("audit.read", "pages/admin/audit.py", "page.audit", "policy", "audit"),
    ],
}


LOGIN = Path(__file__).parent / "pages" / "account" / "login.py"
EVERY = [entry for entries in SECTIONS.values() for entry in entries]


def allowed(permission: str | tuple[str, ...], held: frozenset[str]) -> bool:
    """Whether permissions `held` open a page listed with `permission` (one, or any of a tuple)."""
    return bool(held.intersection((permission,) if isinstance(permission, str) else permission))


def login_here() -> None:
    """A page's address opened while logged out: the login form there, so that the page opens after the login."""
    runpy.run_path(str(LOGIN), run_name="__page__")


def not_for_this_role() -> None:
    """A page's address this role may not open: said in Chinese, not as Streamlit's English "Page not found"."""
    st.error(t("error.page_not_allowed"), icon=":material/block:")


def no_such_page() -> None:
    """An address that is no page of Gongzhi: said in Chinese; the menu leads on (logged out: the login form)."""
    st.warning(t("error.page_unknown"), icon=":material/search_off:")
    if actor is None:
        login_here()


def unknown_address() -> list:
    """A hidden page at the address asked for when it is none of ours (a mistyped or outdated bookmark), so that
    Streamlit shows it instead of its English "Page not found" box. Streamlit matches addresses by this name."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    run = get_script_run_ctx()
    asked = (run.pages_manager.intended_page_name or "").strip("/") if run else ""
    if not asked or "/" in asked or asked in {url for *_, url in EVERY}:
        return []
    return [hidden(no_such_page, asked, "page.unknown")]


def hidden(page, url: str, title: str):
    """A page off the menu at `url`; each gets its own function, as Streamlit tells callable pages apart by it."""
    def shown() -> None:
        page()
    shown.__name__ = shown.__qualname__ = f"{page.__name__}_{url.replace('-', '_')}"
    return st.Page(shown, title=t(title), url_path=url, visibility="hidden")


if actor is None:
    # every address stays an address: a bookmark or a shared link shows the login, then its own page
    navigation = st.navigation([st.Page(str(LOGIN), title=t("login.title"), icon=":material/login:", default=True),
                                *[hidden(login_here, url, title) for _, _, title, _, url in EVERY],
                                *unknown_address()])
else:
    held = actor.permissions()
    pages = {t(section): [st.Page(path, title=t(title), icon=f":material/{icon}:", url_path=url)
                          for permission, path, title, icon, url in entries if allowed(permission, held)]
             for section, entries in SECTIONS.items()}
    pages = {section: entries for section, entries in pages.items() if entries}
    if not pages:
        pages = {"": [st.Page("pages/account/no_access.py", title=t("page.no_access"), icon=":material/block:")]}
    # the other pages' addresses answer that this role may not open them (hidden from the menu)
    next(iter(pages.values())).extend(hidden(not_for_this_role, url, title)
                                      for permission, _, title, _, url in EVERY if not allowed(permission, held))
    next(iter(pages.values())).extend(unknown_address())
    navigation = st.navigation(pages, expanded=True)  # every section shown: a secretary has 20 pages
    with st.sidebar:
        st.markdown(f"**{t('app.name')}** · {t('app.tagline')}")
        st.caption(t("app.signed_in_as", name=md_escape(actor.display_name)))
        st.caption(t("app.roles", roles=role_names(actor.role_codes())))
        st.session_state.setdefault("lang", cfg.language)  # kept across logins; set here, not as the widget's index
        st.selectbox(t("app.language"), LANGUAGES, key="lang", format_func=lambda c: {"zh": "中文", "en": "English"}[c])
        if st.button(t("app.logout"), key="logout", icon=":material/logout:"):
            context.logout(actor)
            if st.user.get("is_logged_in"):
                st.logout()
            st.rerun()
try:
    navigation.run()
except SQLAlchemyError as err:  # the database went away while the page ran
    if not away(err):
        raise
    database_away(err)
