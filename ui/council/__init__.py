"""Building blocks of the resident council's pages."""
