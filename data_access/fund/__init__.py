"""The estate public-welfare fund in the database (issue 17): funds and co-managers, income, co-signed spending, the
quarterly statement and the overview."""
