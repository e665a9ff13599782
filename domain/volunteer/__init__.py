"""Rules of volunteer service (issue 16): the order loop 点单→派单→接单→服务→签单→评单 and the points ledger."""
