"""The browser's cookies: Streamlit reads them (st.context.cookies, as sent when the page was opened) but cannot
write them, so a tiny component does, in the page itself: SameSite=Strict, Path=/, Secure over HTTPS."""

from __future__ import annotations

import streamlit as st

JS = """
export default function (component) {
  const { data } = component;
  if (!data || !data.name) return;
  const parts = [`${data.name}=${encodeURIComponent(data.value)}`, "Path=/", "SameSite=Strict",
                 `Max-Age=${data.maxAge}`];
  if (data.secure) parts.push("Secure");
  document.cookie = parts.join("; ");
}
"""
WRITER = st.components.v2.component("gongzhi_cookie", html="", js=JS)


def write(name: str, value: str, *, max_age: int, secure: bool) -> None:
    """Set cookie `name` to `value` for `max_age` seconds (0 removes it)."""
    WRITER(key=f"cookie_{name}_{abs(hash(value)) % 10**8}", data={"name": name, "value": value, "maxAge": max_age,
                                                                  "secure": secure}, height=0)
