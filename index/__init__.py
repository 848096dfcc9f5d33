"""The indexing side: read an article file, split it into passages, enrich them, write the Whoosh index.

Stages, one module each: ``read`` (file → text + front matter) → ``split`` (→ intro + Q/A passages)
→ ``enrich`` (→ topics, places, works, organisations, roles, years) → ``schema`` / ``build``.
``model`` holds the plain dataclasses that flow between them.
"""
