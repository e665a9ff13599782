"""积分超市: the points store's counter (store.redeem). Find the volunteer by name, the last digits of their phone or
their code (a USB scanner types V000123 into the search box), see their balance, pick a good and a quantity and
redeem: the stock and the balance go down together and the slip appears with its number, to print (only the slip
prints) or download. Today's redemptions are listed, each cancellable the same day with a reason. The goods tab keeps
the store: its figures, the goods with price, stock and donor, added and changed."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from data_access import clock
from data_access.volunteer.documents import redemption_slip
from data_access.volunteer.store import cancel_redemption, redeem, save_good
from domain.volunteer.registry import PRICE, QUANTITY, STOCK
from ui import cached, widgets
from ui.context import export_actor, page_context
from ui.format import when
from ui.forms import field_error, form_message, number_bounds, search_box, submit, widget_key
from ui.i18n import lang, md_escape, t
from ui.volunteer.common import community_picker
from ui.volunteer.phone import points_text, slip_html

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
REDEEM_FORM, CANCEL_FORM, NEW_GOOD = "store_redeem", "store_cancel", "store_good_new"
SLIP = "store_slip"  # session key: the id of the redemption whose slip is shown

ctx = page_context()
ctx.require("store.redeem")
st.title(t("page.volunteer_store"))
st.caption(t("volunteer_store.intro"))
community = community_picker(ctx, "store_community", permission="store.redeem")
goods = cached.read(ctx.engine, "volunteer_goods", actor=ctx.actor, community_id=community)
today = clock.today()
todays, _ = cached.read(ctx.engine, "volunteer_redemptions", actor=ctx.actor, community_id=community, day=today,
                        limit=200)
redeem_tab, goods_tab = st.tabs([t("volunteer_store.tab_redeem"), t("volunteer_store.tab_goods")])


def slip_rows(row) -> list[tuple[str, str]]:
    """What the slip states, from a row of today's redemptions."""
    return [(t("volunteer_store.slip_number"), str(row["number"])),
            (t("volunteer_store.slip_volunteer"), str(row["volunteer"])),
            (t("volunteer_store.slip_good"), str(row["good"])),
            (t("volunteer_store.slip_quantity"), t("volunteer_store.slip_quantity_value",
                                                   quantity=int(row["quantity"]))),
            (t("volunteer_store.slip_points"), points_text(row["points"])),
            (t("volunteer_store.slip_time"), when(row["at"])),
            (t("volunteer_store.slip_by"), widgets.text_or_empty(row["by"]) or t("common.none"))]


def show_slip(redemption_id: int) -> None:
    """The slip of a redemption just made: on screen (Ctrl+P prints it alone), as a page to download, and in Word."""
    found = todays[todays["id"] == redemption_id]
    if found.empty:
        return
    row = found.iloc[0]
    rows = slip_rows(row)
    with st.container(key="store_slip"):
        st.html(slip_html(rows, title=t("volunteer_store.slip_title")))
    st.caption(t("volunteer_store.print_hint"))
    with st.container(horizontal=True):
        st.download_button(t("volunteer_store.download_slip"), key="store_slip_page", icon=":material/print:",
                           data=slip_html(rows, title=t("volunteer_store.slip_title"), page=True).encode("utf-8"),
                           file_name=f"{row['number']}.html", mime="text/html")
        language, checked = lang(), export_actor(ctx)
        st.download_button(t("volunteer_store.download_docx"), key="store_slip_docx", icon=":material/description:",
                           data=lambda: redemption_slip(ctx.engine, actor=checked(), redemption_id=redemption_id,
                                                        lang=language),
                           file_name=f"{row['number']}.docx", mime=DOCX)


# --- the counter ----------------------------------------------------------------------------------------------------

with redeem_tab:
    on_sale = goods[goods["active"].astype(bool)] if not goods.empty else goods
    counter_part, slip_part = st.columns([3, 2], gap="large")
    with slip_part:
        if (shown := st.session_state.get(SLIP)) is not None:
            show_slip(shown)
    with counter_part:
        form_message(REDEEM_FORM)
        text = search_box(t("volunteer_store.find"), "store_find", limit=30, placeholder="V000123")
        chosen = None
        if text:
            found = dict(cached.read(ctx.engine, "volunteer_choices", actor=ctx.actor, community_id=community,
                                     search=text, limit=20))
            if not found:
                st.warning(t("volunteer_store.none_found", text=md_escape(text)), icon=":material/person_search:")
            elif len(found) == 1:
                chosen = next(iter(found))
            else:
                chosen = st.radio(t("volunteer_store.pick"), list(found), format_func=lambda v: md_escape(found[v]),
                                  key="store_pick")
        else:
            st.caption(t("volunteer_store.find_hint"))
        if chosen is not None:
            _, _, balance = cached.read(ctx.engine, "volunteer_statement", actor=ctx.actor, volunteer_id=chosen,
                                        limit=1)
            with st.container(border=True, key="store_volunteer"):
                st.markdown(f"**{md_escape(found[chosen])}**")
                st.metric(t("volunteer_store.balance"), points_text(balance))
            if on_sale.empty:
                st.info(t("volunteer_store.no_goods"), icon=":material/inventory_2:")
            else:
                options = {int(g.id): t("volunteer_store.good_option", name=g.name, price=f"{int(g.price):,}",
                                        stock=f"{int(g.stock):,}") for g in on_sale.itertuples()}
                key = widget_key(REDEEM_FORM, "good_id")
                if st.session_state.get(key) not in (None, *options):
                    st.session_state.pop(key)
                good_id = st.selectbox(t("volunteer_store.good"), list(options), format_func=options.get, key=key,
                                       index=None, placeholder=t("common.choose"))
                field_error(REDEEM_FORM, "good_id")
                quantity = st.number_input(t("volunteer_store.quantity"), key=widget_key(REDEEM_FORM, "quantity"),
                                           value=1, step=1, **number_bounds(QUANTITY))
                field_error(REDEEM_FORM, "quantity")
                if good_id is not None:
                    price = int(on_sale.loc[on_sale["id"] == good_id, "price"].iloc[0])
                    cost = price * int(quantity or 0)
                    if cost <= balance:
                        st.caption(t("volunteer_store.cost", points=f"{cost:,}", after=f"{balance - cost:,}"))
                    else:
                        st.warning(t("volunteer_store.cost_short", points=f"{cost:,}", balance=f"{balance:,}"),
                                   icon=":material/warning:")

                def save(values: dict, volunteer_id: int = chosen):
                    widgets.require_chosen(values, "good_id")
                    slip = redeem(ctx.engine, actor=ctx.actor, data={**values, "volunteer_id": volunteer_id})
                    st.session_state[SLIP] = slip.id
                    return slip

                st.button(t("volunteer_store.redeem"), key="store_redeem_save", type="primary",
                          icon=":material/redeem:", on_click=submit, args=(REDEEM_FORM, ["good_id", "quantity"], save),
                          kwargs={"success": lambda s: t("volunteer_store.redeemed", number=md_escape(s.number))})

    st.subheader(t("volunteer_store.today"))
    form_message(CANCEL_FORM)
    if todays.empty:
        st.caption(t("volunteer_store.no_today"))
    else:
        cancelled = todays["cancelled_at"].map(widgets.known)
        st.dataframe(pd.DataFrame({
            "number": todays["number"], "time": [clock.local(a).strftime("%H:%M") for a in todays["at"]],
            "volunteer": todays["volunteer"], "good": todays["good"], "quantity": todays["quantity"],
            "points": todays["points"], "by": todays["by"].map(widgets.text_or_empty),
            "status": [t("volunteer_store.status_cancelled", reason=widgets.text_or_empty(r)) if c
                       else t("volunteer_store.status_done") for c, r in zip(cancelled, todays["cancel_reason"],
                                                                            strict=True)]}),
            hide_index=True, width="stretch", key="store_today",
            column_config={c: st.column_config.Column(t(f"volunteer_store.col_{c}"))
                           for c in ("number", "time", "volunteer", "good", "quantity", "points", "by", "status")})
        live = todays[~cancelled]
        if not live.empty:
            with st.expander(t("volunteer_store.cancel"), icon=":material/undo:"):
                slips = {int(r.id): f"{r.number} · {r.volunteer} · {r.good} × {int(r.quantity)}"
                         for r in live.itertuples()}
                key = widget_key(CANCEL_FORM, "redemption_id")
                if st.session_state.get(key) not in (None, *slips):
                    st.session_state.pop(key)
                st.selectbox(t("volunteer_store.cancel_pick"), list(slips), format_func=slips.get, key=key,
                             index=None, placeholder=t("common.choose"))
                field_error(CANCEL_FORM, "redemption_id")
                st.text_input(t("volunteer_store.cancel_reason"), key=widget_key(CANCEL_FORM, "reason"))
                field_error(CANCEL_FORM, "reason")

                def cancel(values: dict):
                    widgets.require_chosen(values, "redemption_id")
                    slip = cancel_redemption(ctx.engine, actor=ctx.actor, redemption_id=values["redemption_id"],
                                             reason=values["reason"])
                    if st.session_state.get(SLIP) == slip.id:
                        st.session_state.pop(SLIP)
                    return slip

                st.button(t("volunteer_store.cancel_confirm"), key="store_cancel_save", icon=":material/undo:",
                          on_click=submit, args=(CANCEL_FORM, ["redemption_id", "reason"], cancel),
                          kwargs={"success": lambda s: t("volunteer_store.cancelled", number=md_escape(s.number))})


# --- the goods ------------------------------------------------------------------------------------------------------

def good_form(form: str, row: dict | None) -> None:
    """A good's fields, filled from `row` when changing one; saved through save_good."""
    row = row or {}
    st.text_input(t("volunteer_store.good_name"), key=widget_key(form, "name"), value=row.get("name", ""))
    field_error(form, "name")
    price, stock = row.get("price"), row.get("stock")
    st.number_input(t("volunteer_store.price"), key=widget_key(form, "price"), step=1,
                    value=int(price) if price is not None else None, **number_bounds(PRICE, price))
    field_error(form, "price")
    st.number_input(t("volunteer_store.stock"), key=widget_key(form, "stock"), step=1,
                    value=int(stock) if stock is not None else 0, **number_bounds(STOCK, stock))
    field_error(form, "stock")
    st.text_input(t("volunteer_store.donor"), key=widget_key(form, "donor"),
                  value=widgets.text_or_empty(row.get("donor")))
    field_error(form, "donor")
    st.checkbox(t("volunteer_store.active"), key=widget_key(form, "active"), value=bool(row.get("active", True)))
    good_id = row.get("id")

    def save(values: dict):
        return save_good(ctx.engine, actor=ctx.actor, good_id=good_id, data={**values, "community_id": community})

    st.button(t("volunteer_store.save_good"), key=f"{form}_save", type="primary", icon=":material/save:",
              on_click=submit, args=(form, ["name", "price", "stock", "donor", "active"], save),
              kwargs={"success": lambda g: t("volunteer_store.good_saved", name=md_escape(g.name))})


with goods_tab:
    if goods.empty:
        st.info(t("volunteer_store.goods_empty"), icon=":material/inventory_2:")
    else:
        selling = goods[goods["active"].astype(bool)]
        live = todays[~todays["cancelled_at"].map(widgets.known)] if not todays.empty else todays
        with st.container(horizontal=True):
            st.metric(t("volunteer_store.on_sale"), f"{len(selling):,}")
            st.metric(t("volunteer_store.stock_total"), f"{int(selling['stock'].sum()):,}")
            st.metric(t("volunteer_store.redeemed_total"), f"{int(goods['redeemed'].sum()):,}")
            st.metric(t("volunteer_store.today_points"), points_text(int(live["points"].sum()) if not live.empty
                                                                      else 0))
        st.dataframe(pd.DataFrame({
            "name": goods["name"], "price": goods["price"], "stock": goods["stock"],
            "donor": goods["donor"].map(widgets.text_or_empty), "active": goods["active"].astype(bool),
            "redeemed": goods["redeemed"]}), hide_index=True, width="stretch", key="store_goods",
            column_config={c: st.column_config.Column(t(f"volunteer_store.col_{c}"))
                           for c in ("name", "price", "stock", "donor", "active", "redeemed")})
    with st.expander(t("volunteer_store.add_good"), icon=":material/add_box:", expanded=goods.empty):
        form_message(NEW_GOOD)
        good_form(NEW_GOOD, None)
    if not goods.empty:
        with st.expander(t("volunteer_store.edit_good"), icon=":material/edit:"):
            names = {int(g.id): str(g.name) for g in goods.itertuples()}
            picked = st.selectbox(t("volunteer_store.edit_pick"), list(names), format_func=names.get,
                                  key="store_edit_pick")
            if picked is not None:
                form = f"store_good_{picked}"
                form_message(form)
                good_form(form, goods[goods["id"] == picked].iloc[0].to_dict())
