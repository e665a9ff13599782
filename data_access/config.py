"""Loads config.yaml into domain Settings; GONGZHI_DATABASE_URL and GONGZHI_DEMO override it."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import yaml

from domain.settings import Settings, parse_settings

ROOT = Path(__file__).resolve().parent.parent
CONFIG_PATH = ROOT / "config.yaml"


def load_settings(path: Path | str | None = None) -> Settings:
    path = Path(path or os.environ.get("GONGZHI_CONFIG") or CONFIG_PATH)
    with open(path, encoding="utf-8") as fh:
        raw = yaml.safe_load(fh) or {}
    if "GONGZHI_DEMO" in os.environ:
        raw.setdefault("app", {})["demo_mode"] = os.environ["GONGZHI_DEMO"].lower() in ("1", "true", "yes")
    url = os.environ.get("GONGZHI_DATABASE_URL") or None
    settings = parse_settings(raw, database_url=url)
    return _resolve_sqlite(settings)


def _resolve_sqlite(settings: Settings) -> Settings:
    """A relative SQLite path is taken from the project root, whatever the working directory."""
    prefix = "sqlite:///"
    url = settings.database_url
    if url.startswith(prefix) and not url.startswith(prefix + "/") and url != "sqlite://":
        relative = url[len(prefix):]
        if relative and relative != ":memory:":
            from dataclasses import replace
            return replace(settings, database_url=prefix + str(ROOT / relative))
    return settings


@lru_cache(maxsize=1)
def settings() -> Settings:
    """The process-wide settings (config.yaml is read once)."""
    return load_settings()
