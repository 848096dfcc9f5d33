"""Per-passage facet metadata (placeholder until the facet-metadata work lands: fills nothing yet)."""

from __future__ import annotations

from index.model import Article


def enrich_article(article: Article) -> Article:
    """Fill each passage's topics, places, works, organisations, roles and years (not yet: returns as is)."""
    return article
