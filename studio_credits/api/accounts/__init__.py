"""Accounts: the viewer's account and any account by id."""
