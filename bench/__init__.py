"""Scale benchmark: a deterministic city of a million matters, and the pages timed against it.

Run from the project root: `python -m bench --scale city` (see docs/performance.md).
"""
