"""Widgets of the estate public-welfare fund's pages (issue 17)."""
