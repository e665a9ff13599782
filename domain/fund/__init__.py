"""Rules of the estate public-welfare fund (issue 17): money, income, co-signed spending, the quarterly statement."""
