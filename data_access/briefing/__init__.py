"""The leadership briefing: its figures across the areas, read for a period and a scope."""
