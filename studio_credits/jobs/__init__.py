"""The scheduled work: plan refresh, notices, reservation sweeper; run by Lambda and by the CLI."""
