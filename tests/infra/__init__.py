"""Deployment: the packaged template and zip, and the stack on moto."""
