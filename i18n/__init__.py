"""UI strings for each language: i18n/<lang>.yaml plus one file per area in i18n/<lang>/. Pure Python, no Streamlit."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
LANGUAGES = ("zh", "en")


def _flatten(tree: dict, prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in tree.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, name + "."))
        else:
            flat[name] = str(value)
    return flat


@lru_cache(maxsize=len(LANGUAGES))
def strings(lang: str) -> dict[str, str]:
    table: dict[str, str] = {}
    for path in [HERE / f"{lang}.yaml", *sorted((HERE / lang).glob("*.yaml"))]:
        with open(path, encoding="utf-8") as fh:
            flat = _flatten(yaml.safe_load(fh) or {})
        twice = set(flat) & set(table)
        if twice:
            raise ValueError(f"{path.name} repeats keys: {sorted(twice)[:5]}")
        table.update(flat)
    return table


def translate(lang: str, key: str, **params: object) -> str:
    """The string for `key` in `lang` (falling back to Chinese, then to the key itself), filled with params."""
    text = strings(lang).get(key) or strings("zh").get(key) or key
    try:
        return text.format(**params) if params else text
    except (KeyError, IndexError, ValueError):
        return text
