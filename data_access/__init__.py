"""Storage of Gongzhi: SQLModel tables, engine, write functions with their audit records, and SQL reads."""
