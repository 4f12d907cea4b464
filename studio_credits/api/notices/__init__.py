"""Email preferences: which notice kinds the person gets by email."""
