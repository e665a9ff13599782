"""Building blocks of the 365 method's pages."""
