"""The quarterly public statement on screen and on paper: the sheet (data_access.fund.documents.sheet) as escaped
HTML on a white page, print CSS that prints that page alone on A4 (no sidebar, header or widgets; tables break
between rows and repeat their heads), and a button that opens the browser's print dialog."""

from __future__ import annotations

import html

import streamlit as st

from data_access.fund.documents import Group, Sheet

SHEET_CSS = """<style>
  .gz-statement { background: #fff; color: #111; border: 1px solid #d0d4da; border-radius: 6px;
    padding: 2rem 2.25rem; font-size: 0.95rem; line-height: 1.6; font-variant-numeric: tabular-nums; }
  .gz-statement h2 { text-align: center; font-size: 1.6rem; margin: 0 0 0.4rem; color: #111; letter-spacing: 0.05em; }
  .gz-statement .sub { text-align: center; color: #333; margin: 0; }
  .gz-statement .to-date { text-align: center; margin: 0.6rem auto 0; font-weight: 700; color: #9a3412;
    border: 1px solid #9a3412; border-radius: 4px; padding: 0.2rem 0.8rem; width: fit-content; }
  .gz-statement h3 { font-size: 1.1rem; margin: 1.4rem 0 0.5rem; color: #111; }
  .gz-statement table { width: 100%; border-collapse: collapse; margin: 0.6rem 0; }
  .gz-statement th, .gz-statement td { border: 1px solid #999; padding: 0.3rem 0.5rem; vertical-align: top;
    text-align: left; color: #111; }
  .gz-statement th { background: #f1f3f5; font-weight: 600; white-space: nowrap; }
  .gz-statement td.money, .gz-statement th.money { text-align: right; white-space: nowrap; }
  .gz-statement td.day { white-space: nowrap; }
  .gz-statement tr.group td { background: #fafafa; font-weight: 700; }
  .gz-statement table.summary td { text-align: center; font-size: 1.2rem; font-weight: 700; }
  .gz-statement table.summary th { text-align: center; }
  .gz-statement .equation { text-align: center; font-weight: 600; margin: 0.4rem 0 0; }
  .gz-statement .empty { color: #555; }
  .gz-statement .footer { text-align: right; margin-top: 1.5rem; }
  .gz-statement .footer p { margin: 0; }
  @media print {
    @page { size: A4 portrait; margin: 14mm 12mm; }
    html, body, .stApp, [data-testid="stApp"], [data-testid="stAppViewContainer"], [data-testid="stMain"],
    [data-testid="stMainBlockContainer"] { overflow: visible !important; height: auto !important;
      position: static !important; background: #fff !important; }
    [data-testid="stSidebar"], [data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
    [data-testid="stStatusWidget"], [data-testid="stBottom"], footer { display: none !important; }
    [data-testid="stMainBlockContainer"] { padding: 0 !important; max-width: none !important; }
    [data-testid="stVerticalBlock"] > *:not(:has(.gz-statement)) { display: none !important; }
    .gz-statement { border: none; padding: 0; font-size: 10pt; }
    .gz-statement h2 { font-size: 16pt; }
    .gz-statement table.summary td { font-size: 12pt; }
    .gz-statement thead { display: table-header-group; }
    .gz-statement tr { break-inside: avoid; }
    .gz-statement h3 { break-after: avoid; }
  }
</style>"""
PRINT_JS = """
export default function (component) {
  const { data, parentElement } = component;
  const button = parentElement.querySelector("button");
  button.textContent = data.label;
  button.onclick = () => window.print();
}
"""
PRINT_CSS = """
button { font: inherit; font-size: 0.95rem; padding: 0.35rem 0.9rem; border-radius: 0.5rem; cursor: pointer;
  border: 1px solid rgba(128, 128, 128, 0.45); background: transparent; color: inherit; min-height: 2.5rem; }
button:hover { border-color: #c0392b; color: #c0392b; }
"""
PRINTER = st.components.v2.component("gongzhi_print", html="<button type='button'></button>", css=PRINT_CSS,
                                     js=PRINT_JS)
MONEY_COLUMNS = {"income": {2}, "spending": {4}}
WIDTHS = {"income": (14, 44, 16, 26), "spending": (12, 17, 14, 27, 11, 19)}  # per cent of the sheet's width


def _e(text: object) -> str:
    """Escaped, its line breaks kept."""
    return html.escape(str(text)).replace("\n", "<br>")


def _table(head: list[str], groups: list[Group], kind: str) -> str:
    money = MONEY_COLUMNS[kind]
    cells = "".join(f'<th{" class=money" if i in money else ""}>{_e(h)}</th>' for i, h in enumerate(head))
    body = []
    for group in groups:
        body.append(f'<tr class="group"><td colspan="{len(head)}">{_e(group.heading)}</td></tr>')
        for row in group.rows:
            body.append("<tr>" + "".join(
                f'<td class="{"money" if i in money else "day" if i == 0 else ""}">{_e(v)}</td>'
                for i, v in enumerate(row)) + "</tr>")
    columns = "".join(f'<col style="width:{w}%">' for w in WIDTHS[kind])
    return f'<table class="{kind}"><colgroup>{columns}</colgroup><thead><tr>{cells}</tr></thead>' \
           f'<tbody>{"".join(body)}</tbody></table>'


def sheet_html(words: Sheet) -> str:
    """The statement as HTML, every text escaped (payers, payees and reasons are typed by users)."""
    parts = [f"<h2>{_e(words.title)}</h2>", f'<p class="sub">{_e(words.period)}</p>',
             f'<p class="sub">{_e(words.council)}</p>']
    if words.to_date:
        parts.append(f'<p class="to-date">{_e(words.to_date)}</p>')
    heads = "".join(f"<th>{_e(label)}</th>" for label, _ in words.summary)
    values = "".join(f"<td>{_e(value)}</td>" for _, value in words.summary)
    parts.append(f'<table class="summary"><thead><tr>{heads}</tr></thead><tbody><tr>{values}</tr></tbody></table>')
    parts.append(f'<p class="equation">{_e(words.equation)}</p>')
    for title, head, groups, empty, kind in (
            (words.income_title, words.income_head, words.income, words.no_income, "income"),
            (words.spending_title, words.spending_head, words.spending, words.no_spending, "spending")):
        parts.append(f"<h3>{_e(title)}</h3>")
        parts.append(_table(head, groups, kind) if groups else f'<p class="empty">{_e(empty)}</p>')
    parts.append('<div class="footer">' + "".join(f"<p>{_e(line)}</p>" for line in words.footer) + "</div>")
    return f'{SHEET_CSS}<div class="gz-statement">{"".join(parts)}</div>'


def print_button(label: str, key: str) -> None:
    """A button that opens the browser's print dialog (the print CSS leaves the statement alone on the page)."""
    PRINTER(key=key, data={"label": label}, height=44, width="content")
