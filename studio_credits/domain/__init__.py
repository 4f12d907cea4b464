"""The product's rules in pure Python: plans, prices, periods, lots and the ledger."""
