"""The 365 refined-service method: matters' writes, the ledger's reads, KPIs, the monthly tally, the Excel export."""
