"""A filter's "all" option (全部社区, 全部, 全街道) follows the language: after a switch to English the browser shows
the English label, not the Chinese one it held.

The browser keeps the label of the option it shows and sends that label back at every rerun. After a language
switch the label is no longer among the options, Streamlit resets the box to its default and tells the browser
the new label, unless the default option is None: None has no label to send, so the browser went on showing
全部社区 in English. The
browser also keeps its label while the server sends no new value, which after a switch it did not (the key keeps the
widget the same), so a box sends its value again after a switch (ui.i18n.relabel). The test sends the Chinese label
as the browser does and reads what the box then shows."""

from __future__ import annotations

import pytest
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.testing.v1.element_tree import Selectbox

from i18n import translate
from tests.pages_support import run_page


class HeldLabel(Selectbox):
    """A selectbox whose browser sends back the label it held (`held`), as a real browser does."""

    held: str

    @property
    def _widget_state(self) -> WidgetState:
        return WidgetState(id=self.id, string_value=self.held)


def shown(box: Selectbox, held: str) -> str:
    """The label the browser shows: the value the server sent with the box, else the label it held."""
    return box.proto.raw_value if box.proto.set_value and box.proto.raw_value else held


# page, user, selectbox keys, the key of the "all" label
CASES = [
    ("overview", "leader", ["overview_community"], "overview.all_communities"),
    ("briefing_cockpit", "leader", ["cockpit_community"], "briefing.street"),
    ("ledger", "leader", ["ledger_community", "ledger_grid", "ledger_step", "ledger_channel", "ledger_mode",
                          "ledger_category"], "common.all"),
    ("users", "admin", ["users_community", "users_role"], "common.all"),
    ("audit", "admin", ["audit_action", "audit_entity", "audit_community"], "common.all"),
    ("briefing_links", "leader", ["display_new_community_id"], "briefing.street"),
    ("committee_dashboard", "leader", ["cdash_community"], "cdash.all_communities"),
    ("council_overview", "leader", ["cov_community"], "council_ui.all_communities"),
]


@pytest.mark.parametrize(("page", "user", "keys", "label"), CASES, ids=[c[0] for c in CASES])
def test_all_option_follows_the_language(demo_db, page, user, keys, label):
    at = run_page(page, demo_db.users[user])
    assert not at.exception
    for key in keys:
        box = at.selectbox(key=key)
        assert box.options[0] == translate("zh", label), (key, box.options)
        box.__class__ = HeldLabel
        box.held = translate("zh", label)
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception
    for key in keys:
        box = at.selectbox(key=key)
        assert box.options[0] == translate("en", label)
        now = shown(box, translate("zh", label))
        assert now == translate("en", label), f"{page}: {key} still shows {now!r} in English"
