"""The big screen's address options and the display token (domain/briefing/screen.py): a bad value is ignored with
a note, never an error; a token survives only unaltered and under its own secret."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from domain.briefing.screen import MAX_INTERVAL, MIN_INTERVAL, SLIDES, options, parse_slides, read_token, sign

SECRET = b"0123456789abcdef0123456789abcdef"


def test_the_defaults_are_a_dark_screen_with_every_slide_at_the_configured_interval():
    chosen = options({}, interval=15)
    assert (chosen.theme, chosen.interval, chosen.slides, chosen.notes) == ("dark", 15, SLIDES, ())


def test_a_screen_picks_its_theme_interval_and_slides_in_its_own_order():
    chosen = options({"theme": "LIGHT", "interval": "30", "slides": "ranking, service,ranking"}, interval=15)
    assert (chosen.theme, chosen.interval, chosen.slides, chosen.notes) == ("light", 30, ("ranking", "service"), ())


def test_bad_values_are_ignored_with_a_note_each():
    for interval in ("0", "100000", "abc", "4", "-5", "1e3"):
        chosen = options({"interval": interval}, interval=15)
        assert chosen.interval == 15 and chosen.notes[0][0] == "screen.bad_interval", interval
    assert options({"interval": str(MIN_INTERVAL)}, interval=15).interval == MIN_INTERVAL
    assert options({"interval": str(MAX_INTERVAL)}, interval=15).interval == MAX_INTERVAL
    chosen = options({"theme": "neon", "slides": "bogus,alerts"}, interval=15)
    assert chosen.theme == "dark" and chosen.slides == ("alerts",)
    assert [key for key, _ in chosen.notes] == ["screen.bad_theme", "screen.bad_slides"]
    assert "bogus" in chosen.notes[1][1]["names"]
    only_unknown = options({"slides": "nothing"}, interval=15, slides=("service",))
    assert only_unknown.slides == ("service",), "nothing known asked: the link's own slides"


@given(st.dictionaries(st.sampled_from(["theme", "interval", "slides", "other"]), st.text(max_size=300)))
def test_any_address_gives_valid_options(params):
    chosen = options(params, interval=15)
    assert chosen.theme in ("dark", "light") and MIN_INTERVAL <= chosen.interval <= MAX_INTERVAL
    assert chosen.slides and set(chosen.slides) <= set(SLIDES)


def test_a_link_s_stored_slides_keep_their_order_and_empty_means_all():
    assert parse_slides("alerts,service,unknown") == ("alerts", "service")
    assert parse_slides("") == SLIDES and parse_slides(None) == SLIDES


def test_a_token_reads_back_only_unaltered_and_under_its_secret():
    token = sign(SECRET, 12, 3)
    assert read_token(SECRET, token) == (12, 3)
    assert read_token(SECRET, f" {token} ") == (12, 3)
    assert read_token(b"another secret of thirty-two bytes!", token) is None
    assert read_token(SECRET, token.replace("12.", "13.", 1)) is None
    assert read_token(SECRET, token[:-2]) is None


@given(st.integers(0, 10**12), st.integers(0, 10**12), st.text(max_size=60))
def test_a_well_formed_token_with_any_other_signature_is_refused(link_id, version, signature):
    token = f"{link_id}.{version}.{signature}"
    assert read_token(SECRET, token) is None or token.strip() == sign(SECRET, link_id, version)


def test_the_address_cannot_widen_the_slides_a_link_allows():
    chosen = options({"slides": "council,service,alerts"}, interval=15, slides=("service", "ranking"))
    assert chosen.slides == ("service",)
    assert chosen.notes[0][0] == "screen.bad_slides" and "council" in chosen.notes[0][1]["names"]
