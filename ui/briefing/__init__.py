"""Building blocks of the leadership briefing's pages."""
