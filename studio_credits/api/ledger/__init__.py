"""The ledger: consume, reserve, capture, release, refund and grant; history, usage and notices."""
