"""Auto top-up: its settings and where it stands (a field of Account), turned on and off."""
