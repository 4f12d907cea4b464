"""Campaigns: planning a batch of creatives against the credits now and by a date."""
