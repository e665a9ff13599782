"""Building blocks shared by the council pages: the community and council pickers, and the quorum and vote of a
meeting in words (i18n/council_words.py) for the session's language."""

from __future__ import annotations

import streamlit as st

from domain.council.rules import Quorum, Vote, VotingRule
from i18n import council_words
from ui import cached, widgets
from ui.context import PageContext
from ui.i18n import lang, t


def communities(ctx: PageContext) -> dict[int, str]:
    """id -> name of the communities whose councils the actor may read."""
    return dict(cached.read(ctx.engine, "council_communities", actor=ctx.actor))


def community_picker(ctx: PageContext, key: str, *, allow_all: bool = False) -> int | None:
    """The community to work on (None: all of them, only with `allow_all`). Stops the page when there is none."""
    return widgets.community_picker(communities(ctx), key, label=t("council_ui.community"),
                                    all_label=t("council_ui.all_communities"), empty=t("council_ui.no_communities"),
                                    allow_all=allow_all)


def council_picker(ctx: PageContext, community_id: int, key: str) -> int | None:
    """The council of the community to work on; None (with a hint of what to do) when it has none yet."""
    df = cached.read(ctx.engine, "council_councils", actor=ctx.actor, community_id=community_id)
    if df.empty:
        st.info(t("council_ui.no_councils"), icon=":material/info:")
        return None
    names = dict(zip(df["id"].astype(int), df["name"], strict=True))
    if st.session_state.get(key) not in names:
        st.session_state.pop(key, None)
    return st.selectbox(t("council_ui.council"), list(names), key=key, format_func=names.get)


def kind_label(ctx: PageContext, code: str) -> str:
    """The council kind's configured name."""
    for kind in ctx.settings.council.kinds:
        if kind.code == code:
            return kind.label(lang())
    return t("council.kind_unknown")


def quorum_text(rule: VotingRule, q: Quorum) -> str:
    """"应到9人，实到6人，超过半数，符合规定"."""
    return council_words.quorum_words(lang(), rule, q)


def vote_text(rule: VotingRule, *, votes_for: int, against: int, abstain: int, quorum_met: bool,
              vote: Vote | None = None) -> str:
    return council_words.vote_words(lang(), rule, votes_for=votes_for, against=against, abstain=abstain,
                                    quorum_met=quorum_met, vote=vote)
