"""Markup families that carry no article text, taken out of Markdown and plain text before blocks are made.

Static-site generators and converters leave their own syntax in article files: Liquid/Jekyll tags
(``{% include image.html … %}``), Hugo shortcodes (``{{% feature-panel %}}``, ``{{< figure >}}``), kramdown
attribute lines (``{: .interviewer }``), Pandoc attribute spans (``[text]{.mw-headline}``, ``[]{#anchor}``,
``![](x.png){width="150"}``), MDC/Nuxt components (``::c-img``), MDX/JSX components in Markdown
(``<RemoteImage … />``), HTML comments (``<!--break-->``), and
disk-magazine layout codes (``{p}``, ``{bold}``, ``{center}``). Each is recognised by its family's syntax —
never by one site's spelling — and every removed piece is reported (``interviews parse --explain``).

All scanning is done with ``str.find`` or patterns bounded to one line, so a file of ten thousand
unclosed ``{%`` costs linear time.
"""

from __future__ import annotations

import re

from index.model import Dropped

_MAX_TAG = 2000  # longest template tag or comment looked for, in characters


def strip_markup(text: str, fmt: str) -> tuple[str, list[Dropped]]:
    """``text`` with template tags, attribute syntax and comments removed; and what was removed.

    ``fmt`` is "markdown" or "text": brace layout codes (``{p}``) are only looked for in plain text, where a
    blank line would otherwise be missing, and only when the file uses three or more of them."""
    dropped: list[Dropped] = []
    if "<!--" in text:
        text = _cut_between(text, "<!--", "-->", "HTML comment", dropped)
    if "{{" in text:  # before Liquid's "{%", which "{{% … %}}" contains
        text = _cut_between(text, "{{%", "%}}", "template shortcode (Hugo)", dropped)
        text = _cut_between(text, "{{<", ">}}", "template shortcode (Hugo)", dropped)
    if "{%" in text:
        text = _cut_between(text, "{%", "%}", "template tag (Liquid/Jekyll)", dropped)
    if "{" in text or "::" in text:
        text = _attribute_lines(text, dropped)
        text = _PANDOC_EMPTY_SPAN.sub("", text)
        text = _PANDOC_SPAN.sub(r"\1", text)
        text = _TRAILING_ATTRS.sub(r"\1", text)
    if fmt == "markdown" and "<" in text:
        text = _components(text, dropped)
    if fmt == "text" and "{" in text:
        text = _layout_codes(text, dropped)
    return text, dropped


# An MDX/JSX component opening a line: ``<RemoteImage alt={`…`} loadingUrl="data:…" />`` (often over
# several lines, with a long inline image) or ``<Callout type="note">`` … ``</Callout>``.
_COMPONENT = re.compile(r"^[ \t]*<([A-Z][a-z][\w.]*)(?=[\s/>])", re.MULTILINE)
_MAX_COMPONENT = 20000  # an inline base64 image makes a component tag long


def _components(text: str, dropped: list[Dropped]) -> str:
    """Remove MDX/JSX components: a self-closing one whole; a paired one's tags, keeping what they wrap
    (article text may sit inside). Only line-initial tags named in PascalCase count (``RemoteImage``):
    HTML's own elements are lower case, or all capitals in old pages (``<B>``, ``<FONT>``)."""
    out: list[str] = []
    i = 0
    while (match := _COMPONENT.search(text, i)) is not None:
        start, name = match.start(), match.group(1)
        end = text.find(">", match.end(), match.end() + _MAX_COMPONENT)
        if end < 0:
            out.append(text[i : match.end()])
            i = match.end()
            continue
        tag = text[start : end + 1]
        out.append(text[i:start])
        out.append("\n" * min(tag.count("\n"), 1))
        dropped.append(Dropped(" ".join(tag.split())[:200], "embedded component (MDX/JSX)"))
        i = end + 1
        if not tag.endswith("/>"):
            close = text.find(f"</{name}>", i, i + _MAX_COMPONENT)
            if close >= 0:  # the wrapped text stays; the closing tag goes
                out.append(text[i:close])
                i = close + len(name) + 3
    out.append(text[i:])
    return "".join(out)


def _cut_between(text: str, start: str, end: str, reason: str, dropped: list[Dropped]) -> str:
    """Remove every ``start … end`` span (each at most :data:`_MAX_TAG` characters); a ``start`` with no
    ``end`` in reach is left as text. Newlines inside a removed span are kept so line structure survives."""
    out: list[str] = []
    i = 0
    while True:
        j = text.find(start, i)
        if j < 0:
            break
        k = text.find(end, j + len(start), j + _MAX_TAG)
        if k < 0:
            out.append(text[i : j + len(start)])
            i = j + len(start)
            continue
        piece = text[j : k + len(end)]
        out.append(text[i:j])
        out.append("\n" * min(piece.count("\n"), 1))
        label = " ".join(piece.split())[:200]
        if label.strip("<>!-{}%# ") and not _is_page_break(label):
            dropped.append(Dropped(label, reason))
        i = k + len(end)
    out.append(text[i:])
    return "".join(out)


def _is_page_break(label: str) -> bool:
    return label.replace(" ", "").lower() in {"<!--break-->", "<!--more-->", "<!--nextpage-->"}


# A line that is only an attribute list (kramdown ``{: .class}``, Pandoc ``{.class}``) or an MDC component
# marker (``::c-img{src="…"}``, a closing ``::``).
_ATTRIBUTE_LINE = re.compile(
    r"^[ \t]*(?:\{:?[ \t]*[.#:][^{}\n]{0,300}\}|:{2,3}[a-zA-Z][\w-]{0,60}(?:\{[^\n]{0,500}\})?|:{2,3})[ \t]*$"
)
_PANDOC_EMPTY_SPAN = re.compile(r"\[\]\{[#.][^{}\n]{0,1000}\}")
_PANDOC_SPAN = re.compile(r"\[([^\[\]\n]{0,2000})\]\{[.#][^{}\n]{0,300}\}")
# ``![](x.png){width="150"}`` / ``[link](url){.external}``: attributes glued to an image or link.
_TRAILING_ATTRS = re.compile(r"(\)|\])\{[^{}]{0,300}\}")


def _attribute_lines(text: str, dropped: list[Dropped]) -> str:
    lines = text.split("\n")
    kept = []
    for line in lines:
        if (line.lstrip().startswith(("{", "::")) and _ATTRIBUTE_LINE.match(line)) and line.strip():
            dropped.append(Dropped(line.strip()[:200], "attribute or component markup line"))
            kept.append("")
            continue
        kept.append(line)
    return "\n".join(kept)


# Layout codes of disk magazines and the like: ``{p}``, ``{pp}``, ``{bold}``, ``{backimage x.iff}``.
_LAYOUT_CODE = re.compile(r"\{[a-z][a-z0-9]{0,15}(?: [^{}\n]{1,40})?\}")
_PARAGRAPH_CODES = {"p", "pp", "para", "par", "br"}


def _layout_codes(text: str, dropped: list[Dropped]) -> str:
    """Brace codes become paragraph breaks (``{p}``) or nothing, when the file uses three or more."""
    codes = _LAYOUT_CODE.findall(text)
    if len(codes) < 3:
        return text
    names = sorted({c[1:-1].split()[0] for c in codes})
    dropped.append(Dropped(" ".join("{" + n + "}" for n in names)[:200], "layout codes"))

    def replace(match: re.Match) -> str:
        return "\n\n" if match.group(0)[1:-1].split()[0] in _PARAGRAPH_CODES else ""

    return _LAYOUT_CODE.sub(replace, text)
