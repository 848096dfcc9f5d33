"""Shared fixtures. Web fixtures (real index, app, live server, browser) live in ``webfixtures.py``;
the SolrCloud ones in ``solrfixtures.py``."""

from solrfixtures import *  # noqa: F403
from webfixtures import *  # noqa: F403
