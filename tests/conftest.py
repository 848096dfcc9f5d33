"""Shared fixtures. Web fixtures (real index, app, live server, browser) live in ``webfixtures.py``."""

from webfixtures import *  # noqa: F403
