"""The big screen's rules: its slides, the options a screen's address may carry (?theme=, ?interval=, ?slides=) and
the signed token of a display link. Pure: the secret is handed in.

A display link's token is "<id>.<version>.<signature>", the signature an HMAC-SHA256 over the link's id and version
with a server secret kept outside the database and outside git; revoking a link bumps nothing but is checked in the
database, so a token is only ever as good as its row.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass, field

SLIDES = ("overview", "service", "committee", "council", "volunteer", "fund", "ranking", "alerts")
THEMES = ("dark", "light")
MIN_INTERVAL, MAX_INTERVAL = 5, 3600  # seconds a slide stays on screen


@dataclass(frozen=True)
class ScreenOptions:
    """What the address asked for, made valid; `notes` are (message key, params) for what was ignored."""

    theme: str = "dark"
    interval: int = 15
    slides: tuple[str, ...] = SLIDES
    notes: tuple[tuple[str, dict], ...] = field(default_factory=tuple)


def options(params: dict[str, str], *, interval: int, slides: tuple[str, ...] = SLIDES) -> ScreenOptions:
    """The screen's options from its query parameters; `interval` is the default (config.yaml), `slides` the
    slides the screen may show and their default order (a link's own). A bad value is ignored with a note, never
    an error; ?slides= picks and orders among `slides`, never beyond them."""
    notes: list[tuple[str, dict]] = []
    theme = (params.get("theme") or "dark").strip().lower()
    if theme not in THEMES:
        notes.append(("screen.bad_theme", {"value": theme[:20]}))
        theme = "dark"
    raw = (params.get("interval") or "").strip()
    if raw:
        try:
            asked = int(raw)
        except ValueError:
            asked = None
        if asked is None or not MIN_INTERVAL <= asked <= MAX_INTERVAL:
            notes.append(("screen.bad_interval", {"value": raw[:20], "min": MIN_INTERVAL, "max": MAX_INTERVAL}))
        else:
            interval = asked
    chosen = slides
    raw = (params.get("slides") or "").strip()
    if raw:
        names = [name.strip().lower() for name in raw.split(",") if name.strip()]
        unknown = [name for name in names if name not in slides]
        if unknown:
            notes.append(("screen.bad_slides", {"names": ", ".join(unknown)[:80], "known": ", ".join(slides)}))
        known = tuple(dict.fromkeys(name for name in names if name in slides))
        chosen = known or slides
    return ScreenOptions(theme, interval, chosen, tuple(notes))


def parse_slides(value: str | None) -> tuple[str, ...]:
    """A link's stored slides ("service,ranking"); every slide when empty."""
    names = tuple(name for name in (value or "").split(",") if name in SLIDES)
    return names or SLIDES


def sign(secret: bytes, link_id: int, version: int) -> str:
    digest = hmac.new(secret, f"display-link:{link_id}:{version}".encode(), hashlib.sha256).digest()
    signature = base64.urlsafe_b64encode(digest).decode().rstrip("=")
    return f"{link_id}.{version}.{signature}"


def read_token(secret: bytes, token: str) -> tuple[int, int] | None:
    """(link id, version) of a well-formed token signed with `secret`; None for anything else."""
    token = (token or "").strip() if isinstance(token, str) else ""
    parts = token.split(".")
    if len(parts) != 3 or not all(p.isascii() and p.isdigit() and len(p) <= 12 for p in parts[:2]):
        return None
    link_id, version = int(parts[0]), int(parts[1])
    if not hmac.compare_digest(sign(secret, link_id, version).encode(), token.encode("utf-8", "replace")):
        return None
    return link_id, version
