"""The resident council: its writes, meetings, reads and Word minutes and notices."""
