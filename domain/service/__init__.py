"""Rules of the 365 method: the six-step workflow, matter input, KPI formulas."""
