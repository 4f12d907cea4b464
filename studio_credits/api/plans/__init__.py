"""The plan page: preview and change the plan, cancel with a confirmation, resume."""
