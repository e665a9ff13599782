"""The rules for local accounts: usernames, e-mail addresses and passwords."""

from __future__ import annotations

import re

from domain.errors import ValidationFailed
from domain.fields import CONTROL_CHARS, form, text_of

USERNAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{2,39}$")
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")
MAX_PASSWORD = 72  # bcrypt reads no further
MAX_NAME = 40
RESERVED = frozenset({"system", "cli", "admin-cli", "unknown"})  # names the audit trail uses for itself


def password_problem(password: str, *, username: str, min_length: int) -> tuple[str, dict] | None:
    """(message key, params) if the password breaks a rule: not text, too short, too long, a control character (a NUL
    cannot be hashed), the username, one character."""
    if not isinstance(password, str):
        return "error.not_text", {}
    if len(password) < min_length:
        return "error.password_short", {"min": min_length}
    if len(password.encode("utf-8")) > MAX_PASSWORD:
        return "error.password_long", {"max": MAX_PASSWORD}
    if CONTROL_CHARS.search(password):
        return "error.password_control", {}
    if password.strip().casefold() == str(username).strip().casefold() or len(set(password)) == 1:
        return "error.password_weak", {}
    return None


def check_password(password: str, *, username: str, min_length: int, field: str = "password") -> None:
    """Raise ValidationFailed on `field` if the password breaks a rule."""
    problem = password_problem(password, username=username, min_length=min_length)
    if problem:
        raise ValidationFailed({field: problem})


def clean_account(data: dict, *, min_length: int, with_password: bool) -> dict:
    """Validate a new account's username, display name, e-mail and (optionally) password and its repetition."""
    data = form(data)
    errors: dict[str, tuple[str, dict]] = {}
    for field in ("username", "display_name", "email", "password", "password_again"):
        if text_of(data.get(field)) is None:
            errors[field] = ("error.not_text", {})
            data[field] = None
    username = text_of(data.get("username")).lower()
    if "username" in errors:
        pass
    elif not username:
        errors["username"] = ("error.required", {})
    elif not USERNAME.match(username):
        errors["username"] = ("error.bad_username", {})
    elif username in RESERVED:
        errors["username"] = ("error.reserved_username", {"name": username})
    name = text_of(data.get("display_name"))
    if "display_name" in errors:
        pass
    elif not name:
        errors["display_name"] = ("error.required", {})
    elif len(name) > MAX_NAME:
        errors["display_name"] = ("error.too_long", {"max": MAX_NAME, "length": len(name)})
    email = text_of(data.get("email")).lower()
    if "email" not in errors and email and (len(email) > 120 or not EMAIL.match(email)):
        errors["email"] = ("error.bad_email", {})
    out = {"username": username, "display_name": name, "email": email or None}
    if with_password:
        password = data.get("password") or ""
        problem = password_problem(password, username=username, min_length=min_length)
        if "password" in errors or "password_again" in errors:
            pass
        elif problem:
            errors["password"] = problem
        elif password != (data.get("password_again") or ""):
            errors["password_again"] = ("error.password_mismatch", {})
        out["password"] = password
    if errors:
        raise ValidationFailed(errors)
    return out
