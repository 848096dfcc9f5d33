"""The web front end: a thin Flask layer over ``search``."""
