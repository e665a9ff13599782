"""The English UI strings mirror the Chinese ones: same keys, same placeholders; translate() falls back sensibly."""

from __future__ import annotations

import re
import string

import pytest

import i18n


def _placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


def test_en_has_exactly_the_zh_keys():
    zh, en = set(i18n.strings("zh")), set(i18n.strings("en"))
    assert not zh - en, f"missing in en.yaml: {sorted(zh - en)}"
    assert not en - zh, f"not in zh.yaml: {sorted(en - zh)}"


@pytest.mark.parametrize("key", sorted(i18n.strings("zh")))
def test_placeholders_match(key):
    zh, en = i18n.strings("zh")[key], i18n.strings("en").get(key)
    assert en is not None, f"{key} missing in en.yaml"
    assert _placeholders(en) == _placeholders(zh)


def test_english_strings_are_translated():
    cjk = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f“”]")
    untranslated = {k: v for k, v in i18n.strings("en").items() if cjk.search(v)}
    assert not untranslated


def test_translate_english_and_params():
    assert i18n.translate("en", "page.ledger") == "Matter ledger"
    assert i18n.translate("en", "app.signed_in_as", name="Li Wei") == "Signed in as Li Wei"
    assert i18n.translate("zh", "page.ledger") == "民情台账"


def test_translate_falls_back_to_chinese_then_key(monkeypatch):
    real = i18n.strings

    def fake(lang: str) -> dict[str, str]:
        table = dict(real(lang))
        if lang == "zh":
            table["only.in_zh"] = "仅中文{n}"
        return table

    monkeypatch.setattr(i18n, "strings", fake)
    assert i18n.translate("en", "only.in_zh", n=1) == "仅中文1"
    assert i18n.translate("en", "no.such.key") == "no.such.key"


def test_lists_are_joined_as_the_language_writes_them(monkeypatch):
    from ui import i18n as ui_i18n

    monkeypatch.setattr(ui_i18n, "lang", lambda: "en")
    assert ui_i18n.join(["Kangsheng", "Kanghe", 3]) == "Kangsheng, Kanghe, 3"
    monkeypatch.setattr(ui_i18n, "lang", lambda: "zh")
    assert ui_i18n.join(["康盛社区", "康和社区"]) == "康盛社区、康和社区"
    assert ui_i18n.join([]) == ""


def test_screens_join_lists_through_the_language_helper():
    """"、" is Chinese only: a list on a screen is joined by ui.i18n.join (or, below the UI, by the language's
    locale.list_separator), in the session's language. The demo's Chinese texts and the council's kind names (its
    configured Chinese labels) are the exceptions."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    joined_by_hand = re.compile(r"""["']、["']\s*\.join""")
    files = [*(root / "pages").rglob("*.py"), *(root / "ui").rglob("*.py"),
             *(p for p in (root / "data_access").rglob("*.py") if "demo" not in p.parts)]
    found = [f"{path.relative_to(root)}:{number}" for path in files
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if joined_by_hand.search(line)]
    assert not found
