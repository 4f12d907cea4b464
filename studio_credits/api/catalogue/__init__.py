"""The plan catalogue and quotes: what each plan includes and what a creative costs."""
