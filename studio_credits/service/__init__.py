"""Use cases: what a caller may ask, carried out with the rules and the store."""
