"""The query side: open an index, search it, count facets, highlight; plain dataclasses out.

Nothing of Whoosh leaks out of this package's public API (see ``search.results``).
"""
