"""Pieces of the volunteer's phone screen, the resident's sign-off page and the store's counter: the phone's look (big
buttons, cards that fit 390 px), the sign-off link's address on this server, points in words and the printable
redemption slip."""

from __future__ import annotations

import html
from urllib.parse import urlsplit

import streamlit as st

from domain.settings import Settings
from ui.i18n import t

PHONE_CSS = """<style>
  [class*="st-key-big_"] button { min-height: 3.25rem; font-size: 1.1rem; }
  [class*="st-key-mine_code_text"] p { font-size: 1.6rem; font-weight: 600; letter-spacing: 0.08em; margin: 0; }
  [class*="st-key-mine_link_"] pre, [class*="st-key-mine_link_"] code { white-space: pre-wrap !important;
    word-break: break-all; }
</style>"""
BARE_CSS = """<style>
  [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
  [data-testid="stToolbar"], [data-testid="stDecoration"], footer { display: none; }
  [data-testid="stMainBlockContainer"] { max-width: 40rem; }
  @media (max-width: 768px) { [data-testid="stMainBlockContainer"] { padding-top: 2rem; }
    [data-testid="stMainBlockContainer"] h1 { font-size: 1.875rem; } }
</style>"""
SLIP_CSS = """<style>
  .gz-slip { border: 1px dashed #888; border-radius: 6px; padding: 1rem 1.25rem; max-width: 26rem;
    font-size: 1rem; line-height: 1.7; background: #fff; color: #111; }
  .gz-slip h3 { margin: 0 0 0.5rem 0; font-size: 1.25rem; text-align: center; letter-spacing: 0.2em; }
  .gz-slip table { border-collapse: collapse; width: 100%; }
  .gz-slip th { text-align: left; font-weight: normal; color: #555; padding-right: 1rem; white-space: nowrap; }
  .gz-slip td { font-weight: 600; }
  @media print {
    body * { visibility: hidden !important; }
    .gz-slip, .gz-slip * { visibility: visible !important; }
    .gz-slip { position: fixed; left: 0; top: 0; border: none; }
  }
</style>"""


def phone_look() -> None:
    """Big buttons and a code that reads from arm's length; only a style (Streamlit puts it out of the flow)."""
    st.html(PHONE_CSS)


def bare_page() -> None:
    """A page without sidebar, menu or toolbar: the resident's phone sees the form alone."""
    st.html(BARE_CSS)


def sign_url(token: str, settings: Settings) -> str:
    """The one-time sign-off link's address: this server as the volunteer's phone reached it (the address the
    resident's phone reaches too), else config.yaml's briefing.base_url."""
    parts = urlsplit(st.context.url or "")
    prefix = "/".join(p for p in (st.get_option("server.baseUrlPath") or "").split("/") if p)
    base = f"{parts.scheme}://{parts.netloc}{'/' + prefix if prefix else ''}" if parts.netloc \
        else settings.briefing.base_url
    return f"{base}/?sign={token}"


def points_text(points: object) -> str:
    return t("volunteer_phone.points_value", points=f"{int(points or 0):,}")


def points_change(points: int) -> str:
    """+20 分 / −30 分."""
    return t("volunteer_phone.points_change", sign="+" if points >= 0 else "−", points=f"{abs(int(points)):,}")


def slip_html(rows: list[tuple[str, str]], *, title: str, page: bool = False) -> str:
    """The redemption slip as HTML (every value escaped): shown on the counter's screen, where printing prints it
    alone, or (`page`) a whole page to download and print."""
    cells = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in rows)
    block = f'<div class="gz-slip"><h3>{html.escape(title)}</h3><table>{cells}</table></div>'
    if not page:
        return SLIP_CSS + block
    return (f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f"{SLIP_CSS}</head><body>{block}</body></html>")
