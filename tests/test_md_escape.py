"""ui.i18n.md_escape, the one way user text enters an element Streamlit renders as Markdown: hostile text shows as
typed and makes no markup, no link, no picture.

Streamlit's Markdown (react-markdown with remark-gfm, Streamlit 1.67) resolves backslash escapes first and then looks
for GitHub's autolink literals, :emoji: shortcodes and :material/...: icons in the resulting text. `rendered` below does
the same to what md_escape returns, with the very expressions of the browser bundle, so each test states what the
reader's browser would make of it. tests/browser/test_hostile_text.py checks the same in real Chromium on every page.
"""

from __future__ import annotations

import re
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ui.i18n import WORD_JOINER, md_escape

HOSTILE = ("**X** [点我](http://evil.example/) <script>alert(1)</script> <b>b</b> http://evil.example "
           "www.evil.example a@evil.example")

# remark-gfm's autolink literals (mdast-util-gfm-autolink-literal, as bundled by Streamlit 1.67: JavaScript's \w is
# ASCII), Streamlit's test for emoji shortcodes and its rewrite of material icon names
URL = re.compile(r"(https?://|www(?=\.))([-.\w]+)([^ \t\r\n]*)", re.IGNORECASE | re.ASCII)
EMAIL = re.compile(r"([-.\w+]+)@([-\w]+(?:\.[-\w]+)+)", re.ASCII)
EMOJI = re.compile(r":(?!material/|streamlit:)[\w+-][\w_+-]*:", re.ASCII)
ICON = ":material/"
ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")  # CommonMark: a backslash before ASCII punctuation


def rendered(source: str) -> str:
    """The text a Markdown element shows for `source` when nothing in it is markup: the escapes resolved."""
    return ESCAPE.sub(r"\1", source)


def unescaped_specials(source: str) -> list[str]:
    """ASCII punctuation in `source` that is not escaped (and so could be markup)."""
    bare = ESCAPE.sub("", source)
    return [ch for ch in bare if ch in string.punctuation]


def links_and_pictures(text: str) -> list[str]:
    """What remark-gfm and Streamlit would turn into a link, an emoji or an icon in the shown text."""
    found = [m.group(0) for m in URL.finditer(text)] + [m.group(0) for m in EMAIL.finditer(text)]
    found += [m.group(0) for m in EMOJI.finditer(text)]
    return found + ([ICON] if ICON in text else [])


def shown(text: str) -> str:
    """What the user reads: the rendered text without its invisible word joiners."""
    return rendered(md_escape(text)).replace(WORD_JOINER, "")


@pytest.mark.parametrize("text", [
    HOSTILE,
    "http://evil.example", "HTTPS://EVIL.EXAMPLE/path?q=1#x", "www.evil.example", "WWW.Evil.Example",
    "a@evil.example", "mailto:a@evil.example", "first.last+tag@mail.evil.example", "xmpp:a@evil.example",
    "<http://evil.example>", "[点我](http://evil.example/)", "![图](http://evil.example/x.png)",
    "[点我][1]\n\n[1]: http://evil.example/", ":smile: :+1: :material/home: :streamlit: :red[红字] :blue-badge[徽章]",
    "康盛社区 http://evil.example/ 联合党委", "王丽娟（a@evil.example）", "见www.evil.example通知",
])
def test_no_link_emoji_or_icon_forms(text):
    source = md_escape(text)
    assert links_and_pictures(rendered(source)) == [], source
    assert shown(text) == " ".join(text.split())


@pytest.mark.parametrize("text", [
    "**粗体** __粗体__ *斜体* _斜体_ ~~删除~~ `代码` ```块```",
    "<b>b</b> <script>alert(1)</script> <img src=x onerror=alert(1)>", "&lt;b&gt; &amp; &#60;b&#62; &copy;",
    "# 标题", "### 标题", "- 列表", "* 列表", "+ 列表", "1. 列表", "1) 列表", "> 引用", "- [ ] 任务",
    "| a | b |\n|---|---|\n| 1 | 2 |", "$x^2$ $$y$$", "\\*已转义\\*", "a\\", "标题\n===", "标题\n---",
    "    缩进代码", "\t制表符代码", "甲\n\n# 乙\n\n    丙", "行尾两空格  \n下一行", "[^1] 脚注\n\n[^1]: 注",
])
def test_markup_is_escaped_and_shows_as_typed(text):
    source = md_escape(text)
    assert unescaped_specials(source) == [], source
    assert "\n" not in source and not source.startswith((" ", "\t")), "one line, nothing leads"
    assert shown(text) == " ".join(text.split())


def test_plain_chinese_text_and_full_width_spaces_are_left_alone():
    assert md_escape("康盛社区联合党委") == "康盛社区联合党委"
    assert md_escape("王\u3000丽娟") == "王\u3000丽娟"  # an ideographic space is no Markdown whitespace
    assert md_escape(12) == "12"


@given(st.text())
def test_any_text_shows_as_typed_with_no_link(text):
    source = md_escape(text)
    assert unescaped_specials(source) == []
    assert not re.search(r"[\n\r\f\v\x85\u2028\u2029]", source) and source == source.strip(" \t")
    assert links_and_pictures(rendered(source)) == []
    expected = re.sub(r"[ \t\n\r\f\v\x85\u2028\u2029]+", " ", text).strip(" ").replace(WORD_JOINER, "")
    assert shown(text).replace(WORD_JOINER, "") == expected


@given(st.lists(st.sampled_from(["http", "https", "://", ":", "/", "www", "WwW", ".", "@", "a", "evil", "example",
                                 "-", "_", "+", " ", "material", "smile", "康"]), max_size=12))
def test_pieces_of_links_never_join_into_one(pieces):
    assert links_and_pictures(rendered(md_escape("".join(pieces)))) == []
