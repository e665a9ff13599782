"""Errors the domain raises; each carries a message key for the UI's translation table."""

from __future__ import annotations


class DomainError(Exception):
    """A rule refused an action. `key` names the message in i18n/*.yaml; `params` fill it."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


class ValidationFailed(DomainError):
    """Input failed validation; `errors` maps each field to (message key, params)."""

    def __init__(self, errors: dict[str, tuple[str, dict]]) -> None:
        super().__init__("error.validation", count=len(errors))
        self.errors = errors


class PermissionDenied(DomainError):
    """The user's role or scope does not allow the action."""


class ConfigError(DomainError):
    """config.yaml is inconsistent; raised at start-up."""
