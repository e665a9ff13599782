"""Building blocks of the joint committee's pages."""
