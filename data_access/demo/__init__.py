"""Demo data: the demo street and its seed, the shared sample generator, the committee's and the council's demo rows."""
