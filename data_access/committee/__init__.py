"""The joint party committee: its writes, meetings, reads and Word minutes."""
