"""Building blocks shared by the volunteer-service pages: the community picker, the names of steps, actions, sign-off
methods, ratings, service and team kinds in the session's language, hours and points as shown, and the QR code."""

from __future__ import annotations

import io

import qrcode
import streamlit as st

from domain.volunteer.orders import Step
from ui import cached, widgets
from ui.context import PageContext
from ui.i18n import join, labels, t


def communities(ctx: PageContext, permission: str = "volunteer.read") -> dict[int, str]:
    """id -> name of the communities where the actor holds `permission`."""
    if permission == "volunteer.read":
        return dict(cached.read(ctx.engine, "volunteer_communities", actor=ctx.actor))
    return dict(cached.read(ctx.engine, "communities", actor=ctx.actor, permission=permission))


def community_picker(ctx: PageContext, key: str, *, allow_all: bool = False,
                     permission: str = "volunteer.read") -> int | None:
    """The community to work on (None: all of them, only with `allow_all`). Stops the page when there is none."""
    return widgets.community_picker(communities(ctx, permission), key, label=t("volunteer_ui.community"),
                                    all_label=t("volunteer_ui.all_communities"),
                                    empty=t("volunteer_ui.no_communities"), allow_all=allow_all)


def step_label(step: object) -> str:
    """An order's step in words (点单, 派单 ... 已取消)."""
    try:
        return t(f"volunteer_step.{Step(int(step)).code}")
    except (TypeError, ValueError):
        return t("common.none")


def action_label(action: str) -> str:
    return t(f"volunteer_action.{action}") if action != "request" else t("volunteer_ui.requested_event")


def rating_label(rating: object) -> str:
    return t(f"volunteer_rating.{rating}") if widgets.known(rating) else t("volunteer_ui.not_rated")


def method_label(method: object) -> str:
    return t(f"volunteer_sign_off.{method}") if widgets.known(method) else ""


def kind_labels(ctx: PageContext) -> dict[str, str]:
    """code -> name of the service kinds (also skills and specialities)."""
    return labels(ctx.settings.volunteer.service_kinds)


def team_kind_labels(ctx: PageContext) -> dict[str, str]:
    return labels(ctx.settings.volunteer.team_kinds)


def codes_text(ctx: PageContext, codes: object) -> str:
    """Comma-separated kind codes as their names, joined as the language joins a list."""
    names = kind_labels(ctx)
    return join(names.get(c, c) for c in str(codes or "").split(",") if c)


def hours_text(hours: object) -> str:
    """Hours as shown: 2.5 小时."""
    value = float(hours) if widgets.known(hours) else 0.0
    return t("volunteer_ui.hours_value", hours=f"{value:,.1f}".rstrip("0").rstrip("."))


def qr_png(text: str) -> bytes:
    """A QR code of `text` as a PNG, large enough to scan from a phone held out to another."""
    image = qrcode.make(text, box_size=10, border=3)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def show_qr(text: str, *, caption: str, width: int = 280) -> None:
    st.image(qr_png(text), caption=caption, width=width)
