"""Decisions and notices (决议与公示): the councils' decisions (passed, in notice, overdue, due for review, reviewed,
not carried out) and one decision's panel: its vote in words, owner and due date, public-notice period, follow-up
(a 365 matter or a need in the joint committee's lists, linked both ways) and review outcome; the public notice of
its meeting as a Word file or a printable page for the notice board."""

import base64

import pandas as pd
import streamlit as st

from data_access import clock
from data_access.council.minutes import notice_docx, notice_html
from data_access.council.queries import decision_meeting
from data_access.council.writes import assign_decision, follow_up_matter, follow_up_need, set_notice
from ui import cached, widgets
from ui.context import export_actor, page_context
from ui.council import records as cr
from ui.council.common import community_picker
from ui.forms import date_field, errors_key, field_error, form_message, search_box, submit, widget_key
from ui.i18n import labels, lang, md_escape, t
from ui.widgets import open_record

SHOW = "cdec_show"
COUNCIL = "cdec_council"
SEARCH = "cdec_search"
SELECTED = "cdec_selected"  # (decision id, meeting id) of the decision whose panel is open
PREVIEW = "cdec_preview"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MATTER_FIELDS = ["grid_id", "category", "urgency", "mode", "channel", "sub_source"]

ctx = page_context()
ctx.require("council.read")
cfg = ctx.settings
today = clock.today()
size = cfg.page_size
st.title(t("page.council_decisions"))
st.caption(t("council_page.dc_intro"))


def has_errors(form: str) -> bool:
    return bool(st.session_state.get(errors_key(form)))


asked = widgets.record_from_address(SELECTED)  # a decision's link, a bookmark or a reload: open that decision
if asked is not None:
    linked = decision_meeting(ctx.engine, actor=ctx.actor, decision_id=asked)
    if linked is None:
        st.warning(t("council_page.decision_not_found"), icon=":material/search_off:")
    else:
        st.session_state[SELECTED] = (asked, linked[0])
        st.session_state["cdec_community"] = linked[1]
c1, c2 = st.columns([1, 1])
with c1:
    community = community_picker(ctx, "cdec_community", allow_all=True)
chosen = None if community is None else (community,)
council_id = None
with c2:
    if community is not None:
        councils = cached.read(ctx.engine, "council_councils", actor=ctx.actor, community_id=community)
        names = {int(i): str(n) for i, n in zip(councils["id"], councils["name"], strict=True)}
        council_id = widgets.filter_box(t("council_ui.council"), names, COUNCIL, t("common.all"))
if st.session_state.get(SHOW) not in cr.DECISION_SHOWS:
    st.session_state[SHOW] = "all"
f1, f2 = st.columns([3, 2])
with f1:
    show_names = {s: t(f"council_page.dshow_{s}") for s in cr.DECISION_SHOWS}  # a fixed mapping: see code_labels
    show = st.segmented_control(t("council_page.show"), cr.DECISION_SHOWS, key=SHOW, required=True,
                                format_func=show_names.get)
with f2:
    search = search_box(t("council_page.search"), SEARCH, limit=60,
                        placeholder=t("council_page.decision_search_placeholder"))

widgets.forget_on_new_search(SELECTED, community, council_id, show, search)
page_key = f"cdec_page_{community}_{council_id}_{show}_{search}"
rows, total = cached.read(ctx.engine, "council_decisions", actor=ctx.actor, community_ids=chosen,
                          council_id=council_id, show=show, today=today, search=search,
                          offset=widgets.page_offset(page_key, size), limit=size)
if total == 0:
    if show == "all" and search is None:
        st.info(t("council_page.no_decisions"), icon=":material/info:")
    else:
        st.info(t(f"council_page.none_{show}") if search is None else t("council_page.no_decisions_filtered"),
                icon=":material/info:")
else:
    widgets.pager(total, size, page_key, len(rows))
    picks = [(int(i), int(m)) for i, m in zip(rows["id"], rows["meeting_id"], strict=True)]

    def on_select() -> None:
        chosen_rows = st.session_state["cdec_table"].selection.rows
        if chosen_rows and chosen_rows[0] < len(picks):
            st.session_state[SELECTED] = picks[chosen_rows[0]]

    st.caption(t("council_page.decision_select_hint"))
    cr.decisions_table(rows, key="cdec_table", with_community=community is None, on_select=on_select)

# --- one decision ------------------------------------------------------------------------------------------------

selected = st.session_state.get(SELECTED)
detail = None
if selected:
    detail = cached.read(ctx.engine, "council_meeting_detail", actor=ctx.actor, meeting_id=selected[1])
found = detail.decisions[detail.decisions["id"] == selected[0]] if detail is not None else pd.DataFrame()
if selected and found.empty:
    st.session_state.pop(SELECTED, None)
widgets.show_in_address(SELECTED, None if found.empty else selected[0])
if found.empty:
    st.stop()

decision = found.iloc[0].to_dict()
decision_id = int(decision["id"])
meeting = detail.meeting
home = meeting.community_id
manage = ctx.can("council.manage", home)
passed = decision["status"] == "passed"
kinds = cr.meeting_kinds(ctx)


def close_panel() -> None:
    st.session_state.pop(SELECTED, None)


with st.container(border=True, key="cdec_panel"):
    h1, h2 = st.columns([6, 1])
    with h1:
        topic = decision.get("topic")
        st.subheader(md_escape(topic) if widgets.known(topic) else t("council_page.decision"))
    with h2:
        st.button(t("council_page.close"), key="cdec_close", icon=":material/close:", on_click=close_panel)
    st.caption(" · ".join(md_escape(x) for x in (
        detail.council.name, detail.community, kinds.get(meeting.kind, meeting.kind),
        widgets.day_or_none(meeting.day))))
    st.text(decision["text"])
    st.markdown(f"**{t('council_page.vote')}**：{md_escape(cr.stored_vote_text(ctx, detail.council.kind, decision))}"
                f"（{cr.code_label('method', decision['method'])}）")

    cols = st.columns(4)
    with cols[0]:
        st.caption(t("council_page.owner_due"))
        st.text(t("council_page.owner_due_value", owner=decision["owner"] if widgets.known(decision["owner"])
                  else t("common.none"), due=widgets.day_or_none(decision["due"])))
        due = cr.as_date(decision["due"])
        if passed and due and due < today and decision["outcome"] != "carried_out":
            st.markdown(f":red-badge[{t('council_page.overdue_days', days=(today - due).days)}]")
    with cols[1]:
        st.caption(t("council_page.notice_period"))
        st.text(cr.period(decision["notice_start"], decision["notice_end"]))
        start, end = cr.as_date(decision["notice_start"]), cr.as_date(decision["notice_end"])
        if start and end and start <= today <= end:
            st.markdown(f":green-badge[{t('council_page.in_notice_now')}]")
    with cols[2]:
        st.caption(t("council_page.follow_up"))
        st.text(cr.follow_up_text(decision["matter_number"], decision["need_id"]))
    with cols[3]:
        st.caption(t("council_page.review"))
        st.text(cr.code_label("outcome", decision["outcome"]) if widgets.known(decision["outcome"])
                else t("council_page.not_reviewed"))

    # the reviews of the topic (who reported, the outcome and why)
    if widgets.known(decision.get("topic_id")):
        timeline = cached.read(ctx.engine, "council_topic_timeline", actor=ctx.actor,
                               topic_id=int(decision["topic_id"]))
        reviews = timeline.steps[timeline.steps["step"] == "review"] if timeline is not None else pd.DataFrame()
        for review in reviews.to_dict("records"):
            st.caption(t("council_page.review_line", day=widgets.day_or_none(review["day"]),
                         text=md_escape(review["text"] if widgets.known(review["text"]) else "")))

    # --- the follow-up: links both ways ---
    if widgets.known(decision["matter_id"]):
        m1, m2 = st.columns([3, 1], vertical_alignment="center")
        with m1:
            st.markdown(t("council_page.matter_linked", number=md_escape(decision["matter_number"])))
        with m2:
            if ctx.can("matter.read", home) and st.button(t("council_page.open_matter"), key="cdec_open_matter",
                                                          icon=":material/open_in_new:"):
                open_record("pages/service/matter.py", decision["matter_id"])
    if widgets.known(decision["need_id"]):
        st.markdown(t("council_page.need_linked"))
    for done in ("matter", "need"):
        form_message(f"cdec_follow_{done}_{decision_id}")

    if passed and manage:
        may_matter = ctx.can("matter.create", home) and not widgets.known(decision["matter_id"])
        may_need = ctx.can("committee.manage", home) and not widgets.known(decision["need_id"])
        tabs = [t("council_page.tab_assign"), t("council_page.tab_notice")]
        tabs += [t("council_page.tab_matter")] if may_matter else []
        tabs += [t("council_page.tab_need")] if may_need else []
        tab_list = st.tabs(tabs)
        with tab_list[0]:
            form = f"cdec_assign_{decision_id}"
            a1, a2 = st.columns([2, 1])
            with a1:
                owner = decision["owner"] if widgets.known(decision["owner"]) else ""
                st.text_input(t("council_page.owner"), value=owner,
                              key=widget_key(form, "owner"))
                field_error(form, "owner")
            with a2:
                date_field(t("council_page.due"), value=cr.as_date(decision["due"]), key=widget_key(form, "due"))
                field_error(form, "due")
            st.button(t("common.save"), key=f"{form}_save", type="primary", icon=":material/save:", on_click=submit,
                      args=(form, ["owner", "due"], lambda v: assign_decision(
                          ctx.engine, actor=ctx.actor, decision_id=decision_id, owner=v["owner"] or "",
                          due=v["due"])),
                      kwargs={"success": t("council_page.assigned")})
            form_message(form)
        with tab_list[1]:
            form = f"cdec_notice_{decision_id}"
            n1, n2 = st.columns(2)
            with n1:
                date_field(t("council_page.notice_start"), value=cr.as_date(decision["notice_start"]) or meeting.day,
                           key=widget_key(form, "notice_start"))
                field_error(form, "notice_start")
            with n2:
                date_field(t("council_page.notice_end"), value=cr.as_date(decision["notice_end"]),
                           key=widget_key(form, "notice_end"),
                           help=t("council_page.notice_end_help", days=cfg.council.notice_days))
                field_error(form, "notice_end")
            st.button(t("common.save"), key=f"{form}_save", type="primary", icon=":material/save:", on_click=submit,
                      args=(form, ["notice_start", "notice_end"], lambda v: set_notice(
                          ctx.engine, actor=ctx.actor, decision_id=decision_id, start=v["notice_start"],
                          end=v["notice_end"])),
                      kwargs={"success": t("council_page.notice_saved")})
            form_message(form)
        index = 2
        if may_matter:
            with tab_list[index]:
                index += 1
                form = f"cdec_follow_matter_{decision_id}"
                st.caption(t("council_page.matter_intro"))

                def choice(field: str, options: dict, label: str, **kwargs) -> None:
                    st.selectbox(label, list(options), format_func=options.get, key=widget_key(form, field),
                                 placeholder=t("common.choose"), **kwargs)
                    field_error(form, field)

                grids = dict(cached.read(ctx.engine, "grids", home, actor=ctx.actor, permission="matter.create"))
                channels = labels(cfg.channels)
                g1, g2, g3 = st.columns(3)
                with g1:
                    choice("grid_id", grids, t("field.grid_id"), index=0 if len(grids) == 1 else None)
                    choice("category", labels(cfg.categories), t("field.category"), index=None)
                with g2:
                    choice("channel", channels, t("field.channel"),
                           index=list(channels).index("cadre") if "cadre" in channels else 0)
                    picked = st.session_state.get(widget_key(form, "channel")) or \
                        ("cadre" if "cadre" in channels else next(iter(channels)))
                    subs = labels(cfg.channel(picked).sub_sources) if picked in channels else {}
                    choice("sub_source", subs, t("field.sub_source"), index=0 if subs else None)
                with g3:
                    urgencies = labels(cfg.urgencies)
                    choice("urgency", urgencies, t("field.urgency"),
                           index=list(urgencies).index("normal") if "normal" in urgencies else 0)
                    choice("mode", labels(cfg.modes), t("field.mode"), index=None)
                field_error(form, "decision_id")
                st.button(t("council_page.make_matter"), key=f"{form}_save", type="primary",
                          icon=":material/assignment_add:", on_click=submit,
                          args=(form, MATTER_FIELDS, lambda v: follow_up_matter(
                              ctx.engine, actor=ctx.actor, settings=cfg, decision_id=decision_id, data=v)),
                          kwargs={"success": lambda m: t("council_page.matter_made", number=m.number)})
        if may_need:
            with tab_list[index]:
                form = f"cdec_follow_need_{decision_id}"
                st.caption(t("council_page.need_intro"))
                field_error(form, "decision_id")
                st.button(t("council_page.make_need"), key=f"{form}_save", type="primary",
                          icon=":material/playlist_add:", on_click=submit,
                          args=(form, [], lambda v: follow_up_need(ctx.engine, actor=ctx.actor,
                                                                   decision_id=decision_id)),
                          kwargs={"success": lambda n: t("council_page.need_made", title=md_escape(n.title))})
    elif passed and not manage:
        st.caption(t("common.read_only"))

# --- the public notice of the meeting -----------------------------------------------------------------------------

notice_rows = detail.decisions[detail.decisions["status"] == "passed"]
if not notice_rows.empty:
    st.subheader(t("council_page.notice_title"))
    st.caption(t("council_page.notice_intro", count=len(notice_rows), day=widgets.day_or_none(meeting.day)))
    checked = export_actor(ctx)  # the session is checked again when the file is built
    language = lang()  # read here: the file is built on another thread, which has no session
    engine, meeting_id = ctx.engine, meeting.id
    page = notice_html(detail, lang=language, settings=cfg)
    file_stem = f"{t('council_page.notice_file')}-{meeting.day:%Y-%m-%d}"
    d1, d2, d3 = st.columns(3)
    with d1:
        st.download_button(t("council_page.notice_word"), data=lambda: notice_docx(
            engine, actor=checked(), meeting_id=meeting_id, lang=language, settings=cfg),
            file_name=f"{file_stem}.docx", mime=DOCX, key="cdec_notice_docx", icon=":material/description:",
            on_click="ignore", width="stretch")
    with d2:
        st.download_button(t("council_page.notice_page"), data=page.encode("utf-8"), file_name=f"{file_stem}.html",
                           mime="text/html", key="cdec_notice_html", icon=":material/print:", on_click="ignore",
                           width="stretch", help=t("council_page.notice_page_help"))
    with d3:
        preview = st.toggle(t("council_page.notice_preview"), key=PREVIEW)
    if preview:
        # a data: URL gives the page its own origin: nothing in it reaches the app
        st.iframe("data:text/html;base64," + base64.b64encode(page.encode("utf-8")).decode("ascii"), height=900)
