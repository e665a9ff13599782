"""Accounts: logging in with lockout and single sign-on, account administration, the audit trail's reads."""
