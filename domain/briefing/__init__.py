"""Rules of the leadership briefing: its periods and how its figures changed."""
