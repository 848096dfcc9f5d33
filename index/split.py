"""Split a :class:`index.read.Source` into an :class:`index.model.Article`: metadata, intro, Q/A passages.

How (see docs/parsing.md for the long form):

1. :mod:`index.blocks` turns the text into blocks (lines / HTML block elements) with structural signals.
2. Site furniture is set aside, each piece with a reason: navigation, share buttons, comment forms,
   related-story lists, photo captions (→ ``captions``), the image-credit block (→ ``image_credits``),
   the contact block (→ ``links``), lead-in formulas that name the interviewee (→ ``interviewees``).
   The patterns live in ``index/data/boilerplate.yml``.
3. Questions are found by one general mechanism. The strongest structural signal the document has
   decides: ``class="question"`` → speaker labels (``Q:``/``A:``, initials, names) → headings → bold
   paragraphs. When one of them marks questions, only it does, so a "?" inside an answer never starts a
   question. Without structure, every block is scored on textual signals (ends with "?", interviewer
   prompt pattern, interrogative opening, "you", paragraph start, short line before a longer one, no
   first person) and the blocks over a threshold are questions. Text whose line breaks were lost is cut
   into sentences first.
4. Text before the first question becomes the intro passage (number 0) when it is substantive.
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass, field

import yaml

from index.blocks import Block, build_document, clean_inline
from index.model import Article, ArticleError, Dropped, Link, Passage
from index.read import Source

DATA_DIR = os.path.join(os.path.dirname(__file__), "data")

TEXT_QUESTION_THRESHOLD = 5
"""Score a block needs, on textual signals alone, to count as a question (see :func:`_text_score`)."""

MIN_INTRO_WORDS = 12
"""Fewer words than this before the first question are not an intro passage (they are dropped)."""

_BOILERPLATE_MAX_CHARS = 500  # longer blocks are content, never furniture


# --- patterns -----------------------------------------------------------------------------------------------


@dataclass
class Patterns:
    """Compiled patterns from ``index/data/boilerplate.yml``."""

    navigation: set[str]
    lines: list[tuple[re.Pattern, str, bool]]  # (pattern, reason, is a credit line)
    captions: list[re.Pattern]
    contact_headers: list[re.Pattern]
    contact_labels: dict[str, str]
    credit_headers: list[re.Pattern]
    lead_ins: list[re.Pattern]
    prompts: list[re.Pattern]


@functools.lru_cache(maxsize=4)
def load_patterns(path: str = os.path.join(DATA_DIR, "boilerplate.yml")) -> Patterns:
    """Load and compile the boilerplate / prompt patterns (cached; default ``index/data/boilerplate.yml``)."""
    with open(path, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)

    def compile_all(items: list[str]) -> list[re.Pattern]:
        return [re.compile(p, re.IGNORECASE) for p in items]

    return Patterns(
        navigation={_nav_key(n) for n in data.get("navigation", [])},
        lines=[
            (re.compile(item["pattern"], re.IGNORECASE), item["reason"], bool(item.get("credit")))
            for item in data.get("lines", [])
        ],
        captions=compile_all(data.get("captions", [])),
        contact_headers=compile_all(data.get("contact_headers", [])),
        contact_labels={str(k).lower(): v or "" for k, v in data.get("contact_labels", {}).items()},
        credit_headers=compile_all(data.get("credit_headers", [])),
        lead_ins=[re.compile(p, re.IGNORECASE) for p in data.get("lead_ins", [])],
        prompts=compile_all(data.get("prompts", [])),
    )


def _key(text: str) -> str:
    """Text as patterns see it: curly quotes straightened, whitespace collapsed."""
    return text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"').strip()


def _nav_key(text: str) -> str:
    return re.sub(r"[^\w& ]+", "", _key(text).lower()).strip()


# --- entry point --------------------------------------------------------------------------------------------


@dataclass
class _State:
    """What the furniture pass collected, besides the content blocks."""

    content: list[Block] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    credits: list[str] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)
    lead_in_names: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def split_source(source: Source, article_id: str = "", publication: str = "") -> Article:
    """Split ``source`` into an :class:`Article` with id ``article_id`` (default: the file stem).

    ``publication`` is used when the front matter names none. Raises :class:`ArticleError` when no
    question can be found (the file is not an interview, or its questions are not recognisable).
    """
    pats = load_patterns()
    front = source.front_matter
    doc = build_document(source.text, source.format)
    state = _State(dropped=list(doc.dropped), warnings=list(source.warnings))
    _set_aside_furniture(doc.blocks, state, pats, html=source.format == "html")

    article = Article(
        id=article_id or os.path.splitext(os.path.basename(source.path))[0],
        path=source.path,
        format=source.format,
    )
    _front_matter_metadata(article, front, doc.meta, state)
    article.publication = _as_text(front.get("publication")) or publication
    blocks = state.content
    if not article.title:
        article.title, blocks = _title_from_blocks(blocks, doc.meta)

    known = _as_list(front.get("interviewees")) + _as_list(front.get("interviewee")) + state.lead_in_names
    known += [_as_text(front.get("title"))]
    passages, answer_labels = _find_passages(blocks, pats, state, known_names=[n for n in known if n])
    if not passages:
        raise ArticleError(source.path, _no_question_reason(blocks))

    article.interviewees = _interviewees(front, article, passages, answer_labels, state)
    _resolve_answerers(passages, article.interviewees)
    intro_blocks = passages.pop(0) if passages and passages[0].kind == "pre" else None
    if intro_blocks is not None:
        intro_text = intro_blocks.answer
        if len(intro_text.split()) >= MIN_INTRO_WORDS:
            article.passages.append(Passage(number=0, kind="intro", question="", answer=intro_text))
        elif intro_text:
            state.dropped.append(
                Dropped(intro_text, f"text before the first question, under {MIN_INTRO_WORDS} words")
            )
    for number, passage in enumerate(passages, start=1):
        passage.number = number
        if not passage.answer:
            state.warnings.append(f"question {number} has no answer: {passage.question[:80]}")
        article.passages.append(passage)

    article.links = _dedupe_links(state.links)
    article.image_credits = _dedupe(state.credits + article.image_credits)
    article.captions = _dedupe(state.captions)
    article.dropped = state.dropped
    article.warnings = _dedupe(state.warnings)
    if not article.title:
        article.warnings.append("no title found")
    if not article.interviewees:
        article.warnings.append("no interviewee found")
    return article


def _no_question_reason(blocks: list[Block]) -> str:
    words = sum(len(b.text.split()) for b in blocks)
    if not blocks or words < 5:
        return "no text left after removing site furniture (not an interview)"
    return f"no questions found among {len(blocks)} text blocks ({words} words); not an interview?"


# --- furniture: navigation, captions, credits, contact links, lead-ins --------------------------------------


def _set_aside_furniture(blocks: list[Block], state: _State, pats: Patterns, html: bool = False) -> None:
    """Move every non-content block to dropped / captions / credits / links; keep the rest in order.

    In ``html`` every element is its own paragraph, so a blank line cannot end an image-credit block;
    the first line that is not a name does."""
    mode = ""  # "contact" | "credits" while inside such a block
    mode_found = 0
    mode_header = ""
    removed_before = False
    for block in blocks:
        text = block.text
        key = _key(text)
        short = len(text) <= _BOILERPLATE_MAX_CHARS and not block.code
        if mode == "contact":
            link = _contact_link(block, pats, in_block=True)
            if link is not None:
                if link.url:
                    state.links.append(link)
                else:
                    state.warnings.append(f"contact line without a usable URL: {text}")
                    state.dropped.append(Dropped(text, "contact line without a usable URL"))
                mode_found += 1
                removed_before = True
                continue
            mode = _end_mode(mode, mode_found, mode_header, state)
        elif mode == "credits":
            if (
                short
                and _name_like(text)
                and not _furniture_reason(key, pats)
                and not block.heading
                and not (block.gap and mode_found and not html and not _html_like(block))
            ):
                state.credits.append(text.strip(" ,;"))
                mode_found += 1
                removed_before = True
                continue
            mode = _end_mode(mode, mode_found, mode_header, state)
        if short:
            if any(p.match(key) for p in pats.contact_headers):
                mode, mode_found, mode_header = "contact", 0, text
                removed_before = True
                continue
            inline_credit = _inline_credits(key, pats)
            if inline_credit is not None:
                if inline_credit:
                    state.credits.extend(inline_credit)
                    state.dropped.append(Dropped(text, "image credits (kept as metadata)"))
                else:
                    mode, mode_found, mode_header = "credits", 0, text
                removed_before = True
                continue
            link = _contact_link(block, pats, in_block=False)
            if link is not None and link.url:
                state.links.append(link)
                removed_before = True
                continue
            if block.caption or (len(text) <= 250 and any(p.match(key) for p in pats.captions)):
                state.captions.append(text)
                holder = _caption_holder(text)
                if holder:
                    state.credits.append(holder)
                removed_before = True
                continue
            reason = _furniture_reason(key, pats)
            if reason:
                state.dropped.append(Dropped(text, reason[0]))
                if reason[1]:
                    holder = _courtesy_holder(text)
                    if holder:
                        state.credits.append(holder)
                removed_before = True
                continue
            name = _lead_in_name(key, pats)
            if name:
                state.lead_in_names.append(name)
                headline = not state.content and (block.heading == 1 or not text.endswith((".", "!")))
                if not headline:  # "Meet Zoe Park" at the top is the title as well; keep it for that
                    state.dropped.append(Dropped(text, "lead-in formula naming the interviewee"))
                    removed_before = True
                    continue
        if removed_before and not block.gap:
            block.gap = True  # what was before it is gone: it now starts a paragraph
        removed_before = False
        state.content.append(block)
    _end_mode(mode, mode_found, mode_header, state)


def _end_mode(mode: str, found: int, header: str, state: _State) -> str:
    if mode and not found:
        what = "contact block" if mode == "contact" else "image-credit block"
        state.dropped.append(Dropped(header, f"empty {what}"))
    elif mode:
        state.dropped.append(
            Dropped(header, f"{'contact' if mode == 'contact' else 'image-credit'} block header")
        )
    return ""


def _html_like(block: Block) -> bool:
    return bool(block.links) or block.list_item


def _furniture_reason(key: str, pats: Patterns) -> tuple[str, bool] | None:
    """(reason, is a credit line) when ``block`` is site furniture, else None."""
    for pattern, reason, credit in pats.lines:
        if pattern.search(key):
            return reason, credit
    if len(key) <= 60 and _nav_key(key) in pats.navigation:
        return "site navigation or share button", False
    return None


def _lead_in_name(key: str, pats: Patterns) -> str:
    if len(key) > 300:
        return ""
    for pattern in pats.lead_ins:
        match = pattern.match(key)
        if match:
            name = _clean_name(match.group("name"))
            if name and _person_name(name):
                return name
    return ""


_PARTICLES = {
    "de",
    "da",
    "di",
    "del",
    "della",
    "van",
    "von",
    "der",
    "den",
    "la",
    "le",
    "du",
    "dos",
    "bin",
    "al",
    "el",
}
_HONORIFICS = re.compile(r"^(?:dr|mr|mrs|ms|mx|prof|sir|dame|chef|rev)\.?\s+", re.IGNORECASE)


def _person_name(text: str) -> bool:
    """Two to five words, each capitalised (name particles such as "van" or "de" aside)."""
    words = _HONORIFICS.sub("", text).split()
    if not 1 <= len(words) <= 5:
        return False
    capitalised = [w for w in words if w.lower() not in _PARTICLES]
    return bool(capitalised) and all(w[0].isupper() or not w[0].isalpha() for w in capitalised)


def _name_like(text: str) -> bool:
    """A short line that could be a person's or a work's name (no sentence punctuation at the end)."""
    text = text.strip()
    if not text or len(text) > 80 or len(text.split()) > 8:
        return False
    return not text.endswith((".", "?", "!", ":", ";")) or text.endswith(("Jr.", "Sr.", "Inc.", "Co."))


def _clean_name(name: str) -> str:
    name = clean_inline(name).strip(" ,;:.!\"'“”‘’")
    name = re.sub(r"['’]s$", "", name)
    return name


def _inline_credits(key: str, pats: Patterns) -> list[str] | None:
    """None when ``key`` is not a credit header; [] for a bare header; names for "Image Credits: A, B"."""
    head, sep, rest = key.partition(":")
    candidate = head if sep else key
    if not any(p.match(candidate.strip()) for p in pats.credit_headers):
        return None
    if not rest.strip():
        return []
    return [_clean_name(n) for n in re.split(r",|;|&| and ", rest) if _clean_name(n)]


def _caption_holder(text: str) -> str:
    """The © holder of a caption ("Sister – ©Siqi Song – 03" → "Siqi Song"), or ""."""
    _, sep, after = text.partition("©")
    if not sep:
        return ""
    holder = re.split(r"\s[–—|-]\s|\s\d{1,4}$", after.strip(), maxsplit=1)[0]
    holder = re.sub(r"^(?:\d{4}\s+)", "", holder.strip())
    holder = _clean_name(holder)
    return holder if holder and len(holder) <= 60 else ""


def _courtesy_holder(text: str) -> str:
    match = re.search(r"\b(?:of|by|to)\s+(.{2,80})$", text.strip(), re.IGNORECASE)
    return _clean_name(match.group(1)) if match else ""


_URL = re.compile(r"https?://[^\s<>\"')\]]+", re.IGNORECASE)
_DOMAIN = re.compile(
    r"\b(?:www\.)?[a-z0-9][a-z0-9-]{0,62}(?:\.[a-z0-9-]{1,63}){1,4}\.?(?:/[^\s<>\"')\]]*)?", re.I
)
_EMAIL = re.compile(r"^[\w.+-]+@[\w-]+(?:\.[\w-]+)+$")
_HANDLE = re.compile(r"^@?([\w.\-]{1,60})/?$")
_CONTACT_LINE = re.compile(r"^(?:[-*+•·▪◦]\s*)?([A-Za-z][A-Za-z -]{0,20}?)\s*[:：]\s*(.*)$")
_KNOWN_TLD = re.compile(
    r"\.(?:com|org|net|io|co|us|uk|de|fr|cn|me|tv|art|studio|design|film|la|ca|au|info|biz)\b", re.I
)


def _contact_link(block: Block, pats: Patterns, in_block: bool) -> Link | None:
    """A :class:`Link` when ``block`` is a contact line (``Instagram: zsong.film``), else None.

    Outside a contact block only labelled lines whose value is a URL or handle qualify, so an answer
    sentence with a colon is never taken. The returned link's ``url`` is "" when nothing usable is there.
    """
    text = block.text
    if len(text) > 300:
        return None
    match = _CONTACT_LINE.match(text)
    if not match:
        if in_block and (_URL.search(text) or block.links) and len(text.split()) <= 3:
            url = block.links[0][1] if block.links else _URL.search(text).group(0)
            return Link(label=_label_for_url(url), url=url)
        return None
    label, value = match.group(1).strip(), match.group(2).strip()
    template = pats.contact_labels.get(label.lower())
    if template is None:
        return None
    if not in_block and not (_URL.search(value) or _EMAIL.match(value)) and len(value.split()) > 1:
        return None
    if not in_block and not value:
        return None
    url = ""
    hrefs = [href for _, href in block.links if href and not href.startswith("#")]
    if hrefs:
        url = hrefs[0]
    elif _URL.search(value):
        url = _URL.search(value).group(0).rstrip(".,;")
    elif _EMAIL.match(value.split()[0] if value else ""):
        url = "mailto:" + value.split()[0]
    elif value:
        first = value.split()[0].rstrip(".,;")
        domain = _DOMAIN.match(first)
        social = bool(template) and "{handle}" in template and "/" not in first
        # A social label's value is a handle even when it has a dot in it (Instagram "zsong.film").
        is_site = first.lower().startswith("www.") or (
            not social and (_KNOWN_TLD.search(first) or "." in first)
        )
        if domain and is_site and not first.startswith("@"):
            url = "https://" + domain.group(0).rstrip(".")
        else:
            handle = _HANDLE.match(first)
            if handle and template and "{handle}" in template:
                url = template.format(handle=handle.group(1))
    if not in_block and not url:
        return None
    return Link(label=label[:1].upper() + label[1:], url=url)


def _label_for_url(url: str) -> str:
    host = re.sub(r"^https?://(?:www\.)?", "", url, flags=re.I).split("/")[0]
    return host or url


# --- metadata -----------------------------------------------------------------------------------------------


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(_as_text(v) for v in value if v is not None)
    if isinstance(value, dict):
        return _as_text(value.get("name") or value.get("title") or "")
    return clean_inline(str(value))


def _as_list(value) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, (list, tuple)):
        return [t for v in value for t in _as_list(v)]
    if isinstance(value, dict):
        name = value.get("name") or value.get("title")
        return [clean_inline(str(name))] if name else []
    return [clean_inline(part) for part in re.split(r"\s*[,;]\s*", str(value)) if part.strip()]


_MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1
    )
}


def normalise_date(value: str) -> str:
    """An ISO ``YYYY-MM-DD`` for ``value`` (ISO, ISO datetime, "March 3, 2023", "3 March 2023"), or ""."""
    value = clean_inline(value)
    match = re.match(r"^(\d{4})-(\d{1,2})-(\d{1,2})", value)
    if match:
        y, m, d = (int(g) for g in match.groups())
    else:
        match = re.match(r"^([A-Za-z]{3})[a-z]*\.? (\d{1,2}),? (\d{4})$", value) or None
        if match:
            m, d, y = _MONTHS.get(match.group(1).lower(), 0), int(match.group(2)), int(match.group(3))
        else:
            match = re.match(r"^(\d{1,2}) ([A-Za-z]{3})[a-z]*\.? (\d{4})$", value)
            if not match:
                return ""
            d, m, y = int(match.group(1)), _MONTHS.get(match.group(2).lower(), 0), int(match.group(3))
    if not (1 <= m <= 12 and 1 <= d <= 31 and 1000 <= y <= 9999):
        return ""
    return f"{y:04d}-{m:02d}-{d:02d}"


def _front_matter_metadata(article: Article, front: dict, meta: dict, state: _State) -> None:
    article.title = _as_text(front.get("title")) or _as_text(meta.get("title"))
    raw_date = _as_text(front.get("date")) or _as_text(meta.get("date"))
    article.date = normalise_date(raw_date) if raw_date else ""
    if raw_date and not article.date:
        state.warnings.append(f"date {raw_date!r} is not a recognisable date; left empty")
    article.url = _as_text(front.get("url") or front.get("link") or front.get("canonical")) or _as_text(
        meta.get("url")
    )
    article.summary = _as_text(
        front.get("summary") or front.get("description") or front.get("subtitle")
    ) or _as_text(meta.get("summary"))
    article.categories = _dedupe(_as_list(front.get("categories")) + _as_list(front.get("tags")))
    for key in ("credits", "image_credits", "photo_credits", "credit"):
        article.image_credits.extend(_as_list(front.get(key)))


_TITLE_END = (".", "?", "!", ":", ";", ",")


def _title_from_blocks(blocks: list[Block], meta: dict) -> tuple[str, list[Block]]:
    """Title from a leading level-1 heading or a short first line; else the HTML <title>."""
    if blocks:
        first = blocks[0]
        nxt = blocks[1] if len(blocks) > 1 else None
        if first.heading == 1:
            return first.text, blocks[1:]
        is_short = len(first.text) <= 200 and len(first.text.split()) <= 25
        stands_alone = nxt is None or nxt.gap
        if (
            is_short
            and stands_alone
            and not first.heading
            and not first.text.rstrip("”\"')").endswith(_TITLE_END)
            and not first.code
            and not first.list_item
        ):
            return first.text, blocks[1:]
    html_title = _as_text(meta.get("html_title"))
    if html_title:
        # "Interview title | Site name": keep the part before the site name.
        return re.split(r"\s+[|–—]\s+|\s+-\s+(?=[^-]{1,40}$)", html_title)[0], blocks
    return "", blocks


# --- question detection -------------------------------------------------------------------------------------

_QUESTION_END = re.compile(r"\?[\"”’')\]]*$")
_INTERROGATIVE = re.compile(
    r"^(?:what|what's|whats|how|why|when|where|who|whom|whose|which|do|does|did|is|are|was|were|can|could|"
    r"would|will|have|has|had|should|shall|may|might|tell|if|any|anything|in what|as a|as an)\b",
    re.IGNORECASE,
)
_GREETING = re.compile(
    r"^(?:(?:hi|hello|hey|dear|welcome|thanks|thank you)\b[^.?!,]{0,60}[,.!]\s*|[A-Z][\w'’-]{1,20},\s+)",
    re.IGNORECASE,
)
_SECOND_PERSON = re.compile(r"\b(?:you|your|yours|yourself|yourselves)\b", re.IGNORECASE)
_FIRST_PERSON = re.compile(r"(?:^|\s)(?:I|I'm|I’m|I've|I’ve|I'd|I’d|I'll|I’ll|my|me|mine)\b")
_LABEL = re.compile(
    r"^(?P<label>Q|A|[A-Z][\w.&'’-]{0,24}(?: [A-Z][\w.&'’-]{0,24}){0,3})\s*[:：]\s+(?P<rest>\S.*)$|"
    r"^(?P<qa>Q|A)[.)]\s+(?P<qarest>\S.*)$",
    re.DOTALL,
)
# Labels that open a line but are not people ("Note: …", "Website: …").
_NOT_SPEAKERS = re.compile(
    r"^(?:note|update|editor['’]s note|photos?|images?|source|via|p\.?s|bio|website|instagram|facebook|"
    r"twitter|linkedin|email|other|tip|warning|important|example|step|edit|tl;dr|caption|credits?|location|"
    r"address|phone|hours|price|tags|category|categories|related)$"
)
_INTERVIEWER_LABELS = {"q", "question", "interviewer", "int", "me", "us", "we"}


@dataclass
class _Draft:
    """A passage being assembled (``kind`` "pre" holds text before the first question)."""

    kind: str
    question_parts: list[str] = field(default_factory=list)
    answer_parts: list[tuple[str, bool]] = field(default_factory=list)  # (text, starts a paragraph)
    answerers: list[str] = field(default_factory=list)


def _find_passages(
    blocks: list[Block], pats: Patterns, state: _State, known_names: list[str] = ()
) -> tuple[list[Passage], list[str]]:
    """Passages (the first may be kind "pre": text before the first question) and the answer labels.

    ``known_names`` (interviewees named by front matter, lead-in or title) help tell speaker labels
    from section labels."""
    if not blocks:
        return [], []
    for finder in (_by_class, _by_headings, _by_speaker_labels, _by_strong):
        result = finder(blocks, pats)
        if result is not None:
            drafts, labels = result
            if finder is not _by_speaker_labels:
                labels = _label_answerers(drafts, known_names)
            return [_finish(d) for d in drafts], labels
    marks = _textual_marks(blocks, pats)
    if sum(marks) < 2:
        # Maybe the line breaks were lost: cut long blocks into sentences and look again.
        sentences = _sentence_blocks(blocks)
        if len(sentences) > len(blocks):
            labelled = _by_speaker_labels(_inline_label_blocks(blocks), pats)
            if labelled is not None:
                state.warnings.append("line breaks seem lost; split on Q:/A: labels")
                drafts, labels = labelled
                return [_finish(d) for d in drafts], labels
            sentence_marks = _textual_marks(sentences, pats, sentences=True)
            if sum(sentence_marks) >= 2:
                state.warnings.append("line breaks seem lost; questions recovered from sentence patterns")
                return [_finish(d) for d in _assemble(sentences, sentence_marks)], []
    if sum(marks) < 2:
        return [], []
    drafts = _assemble(blocks, marks)
    labels = _label_answerers(drafts, known_names)
    return [_finish(d) for d in drafts], labels


def _label_answerers(drafts: list[_Draft], known_names: list[str]) -> list[str]:
    """Record who answered when answers open with speakers' names (``Mitch: …``, ``**Ana:** …``).

    Labels count when they start answer paragraphs in two or more passages, and when they are people:
    one of them names a known interviewee (first name, full name or initials), or two speakers take turns
    (A, B, A) within one answer. Section labels such as ``Video:`` / ``Audio:`` / ``Art:``, which come
    once each in a fixed order, are left alone."""
    passages_with: dict[str, int] = {}
    opens: set[str] = set()
    sequences: list[list[str]] = []
    for draft in drafts:
        if draft.kind != "qa":
            continue
        sequence: list[str] = []
        for i, (text, _) in enumerate(draft.answer_parts):
            found = _speaker_label(Block(text))
            if found and found[0] not in ("Q", "A"):
                sequence.append(found[0])
                if i == 0:
                    opens.add(found[0])
        for label in set(sequence):
            passages_with[label] = passages_with.get(label, 0) + 1
        sequences.append(sequence)
    speakers = {label for label, n in passages_with.items() if n >= 2} if opens else set()
    if not speakers:
        return []
    names_a_person = any(_label_names(label, known_names) for label in speakers)
    takes_turns = any(_takes_turns([s for s in seq if s in speakers]) for seq in sequences)
    if not (names_a_person or takes_turns):
        return []
    order: list[str] = []
    for draft in drafts:
        if draft.kind != "qa":
            continue
        for text, _ in draft.answer_parts:
            found = _speaker_label(Block(text))
            if found and found[0] in speakers and found[0] not in draft.answerers:
                draft.answerers.append(found[0])
                if found[0] not in order:
                    order.append(found[0])
        if len(draft.answerers) == 1:
            prefix = f"{draft.answerers[0]}: "
            draft.answer_parts = [
                (t[len(prefix) :] if t.startswith(prefix) else t, g) for t, g in draft.answer_parts
            ]
    return order


def _label_names(label: str, names: list[str]) -> bool:
    """True when ``label`` is one of ``names``, a first name of one, or its initials."""
    for name in names:
        parts = name.split()
        if parts and (
            label in (name, parts[0]) or label.replace(".", "") == "".join(p[0] for p in parts).upper()
        ):
            return True
    return False


def _takes_turns(sequence: list[str]) -> bool:
    """True when a speaker comes back after someone else spoke (A, B, A)."""
    seen: list[str] = []
    for label in sequence:
        if label in seen and seen[-1] != label:
            return True
        if not seen or seen[-1] != label:
            seen.append(label)
    return False


def _assemble(blocks: list[Block], marks: list[bool]) -> list[_Draft]:
    """Group blocks into drafts: a marked block starts a question; consecutive marked blocks with no
    paragraph break between them are one question; the rest is answer (or pre-question text)."""
    drafts: list[_Draft] = [_Draft("pre")]
    for i, block in enumerate(blocks):
        current = drafts[-1]
        if marks[i]:
            continues = current.kind == "qa" and not current.answer_parts and (not block.gap or block.qclass)
            if not continues:
                current = _Draft("qa")
                drafts.append(current)
            current.question_parts.append(block.text)
        else:
            current.answer_parts.append((block.text, block.gap or block.heading > 0))
    if not drafts[0].answer_parts:
        drafts.pop(0)
    return drafts


def _finish(draft: _Draft) -> Passage:
    answer = ""
    for text, new_paragraph in draft.answer_parts:
        if answer:
            answer += "\n\n" if new_paragraph else "\n"
        answer += text
    return Passage(
        number=0,
        kind=draft.kind,
        question=clean_inline(" ".join(draft.question_parts)),
        answer=answer.strip(),
        answerers=list(draft.answerers),
    )


def _is_question_like(text: str, pats: Patterns) -> bool:
    return bool(_QUESTION_END.search(text.rstrip()) or _is_prompt(text, pats))


def _is_prompt(text: str, pats: Patterns) -> bool:
    key = _key(text)
    if len(key) > 400:
        return False
    body = _GREETING.sub("", key, count=1)
    return any(p.search(key) or p.search(body) for p in pats.prompts)


def _by_class(blocks: list[Block], pats: Patterns):
    """Questions are the blocks inside ``class="question"`` elements, and any sub-heading (level 2 or
    deeper) that reads like a question: pages that mark most questions by class sometimes set one
    (often the last, "What's next?") as a plain heading."""
    if not any(b.qclass for b in blocks):
        return None
    marks = [b.qclass or (b.heading >= 2 and _is_question_like(b.text, pats)) for b in blocks]
    return _assemble(blocks, marks), []


def _by_headings(blocks: list[Block], pats: Patterns):
    """When question-like headings exist: every heading at the level most of them use is a question, and
    so is any other heading that reads like one; the rest ("#### Coding/Design:") are sub-headings
    inside answers."""
    by_level: dict[int, list[int]] = {}
    for b in blocks:
        if b.heading:
            counts = by_level.setdefault(b.heading, [0, 0])
            counts[0] += 1
            counts[1] += _is_question_like(b.text, pats)
    if not by_level:
        return None
    level = max(by_level, key=lambda lv: (by_level[lv][1], -lv))
    total, questions = by_level[level]
    if questions == 0 or (questions < 2 and total > 2) or questions * 3 < total:
        return None
    marks = [bool(b.heading) and (b.heading == level or _is_question_like(b.text, pats)) for b in blocks]
    return _assemble(blocks, marks), []


def _by_strong(blocks: list[Block], pats: Patterns):
    """Whole-bold paragraphs that read like questions (ends with "?" or a prompt) are the questions."""
    marks = [b.strong and not b.code and _is_question_like(b.text, pats) for b in blocks]
    if sum(marks) < 2:
        return None
    return _assemble(blocks, marks), []


def _speaker_label(block: Block) -> tuple[str, str] | None:
    if block.code or len(block.text) < 3:
        return None
    match = _LABEL.match(block.text)
    if not match:
        return None
    if match.group("qa"):
        return match.group("qa"), match.group("qarest")
    label = match.group("label").strip()
    if _NOT_SPEAKERS.match(label.lower().rstrip(".")):
        return None
    return label, match.group("rest")


def _by_speaker_labels(blocks: list[Block], pats: Patterns):
    """Speaker-labelled interviews (``Q:``/``A:``, ``Q.``/``A.``, initials, the publication's label and the
    interviewees' names). The interviewer's label is Q / Interviewer, else the label whose lines most
    often read like questions; every other label answers. Unlabelled lines continue the last speaker."""
    labels: list[tuple[str, str] | None] = [_speaker_label(b) for b in blocks]
    counts: dict[str, list[int]] = {}
    for found in labels:
        if found:
            entry = counts.setdefault(found[0], [0, 0])
            entry[0] += 1
            entry[1] += _is_question_like(found[1], pats)
    speakers = {name for name, (n, _) in counts.items() if n >= 2 or name in ("Q", "A")}
    labelled = sum(counts[s][0] for s in speakers)
    if len(speakers) < 2 or labelled < 4:
        return None
    interviewer = next((s for s in speakers if s.lower() in _INTERVIEWER_LABELS), None)
    if interviewer is None:
        interviewer = max(speakers, key=lambda s: (counts[s][1] / counts[s][0], counts[s][0]))
        if counts[interviewer][1] == 0:
            return None
    drafts: list[_Draft] = [_Draft("pre")]
    speaker = ""
    answer_labels: list[str] = []
    for block, found in zip(blocks, labels, strict=True):
        current = drafts[-1]
        if found and found[0] in speakers:
            speaker, rest = found
            if speaker == interviewer:
                if current.kind == "qa" and not current.answer_parts:
                    current.question_parts.append(rest)
                else:
                    drafts.append(_Draft("qa", question_parts=[rest]))
                continue
            if speaker not in current.answerers:
                current.answerers.append(speaker)
            if speaker not in answer_labels:
                answer_labels.append(speaker)
            current.answer_parts.append((f"{speaker}: {rest}" if speaker != "A" else rest, True))
            continue
        if speaker == interviewer and current.kind == "qa" and not current.answer_parts:
            current.question_parts.append(block.text)
        else:
            current.answer_parts.append((block.text, block.gap))
    if not drafts[0].answer_parts:
        drafts.pop(0)
    # With one answerer, the label in front of every answer paragraph is noise.
    for draft in drafts:
        if len(draft.answerers) == 1:
            prefix = f"{draft.answerers[0]}: "
            draft.answer_parts = [
                (t[len(prefix) :] if t.startswith(prefix) else t, g) for t, g in draft.answer_parts
            ]
    return drafts, answer_labels


def _textual_marks(blocks: list[Block], pats: Patterns, sentences: bool = False) -> list[bool]:
    """Mark blocks whose textual score reaches :data:`TEXT_QUESTION_THRESHOLD`."""
    scores = [
        _text_score(b, blocks[i + 1] if i + 1 < len(blocks) else None, pats, sentences)
        for i, b in enumerate(blocks)
    ]
    marks = [s >= TEXT_QUESTION_THRESHOLD for s in scores]
    # A greeting line just before a question, in the same paragraph, belongs to it
    # ("Hi Zhe, thanks for joining us today." / "Are you happy …?").
    for i in range(len(blocks) - 1, 0, -1):
        lead = blocks[i - 1]
        if marks[i] and not marks[i - 1] and not blocks[i].gap and lead.gap and _greets(lead):
            marks[i - 1] = True
    return marks


def _greets(block: Block) -> bool:
    """A short line addressed to the interviewee: a greeting or thanks, in the second person, no "I"."""
    key = _key(block.text)
    return (
        len(key) <= 200
        and not block.code
        and not block.list_item
        and bool(_GREETING.match(key))
        and not _FIRST_PERSON.search(key)
    )


def _text_score(block: Block, nxt: Block | None, pats: Patterns, sentence: bool) -> int:
    """Textual evidence that ``block`` is an interviewer's question (higher is stronger).

    +3 ends with "?" or is an interviewer prompt; +1 a "?" elsewhere; +1 starts a paragraph (−1 if it
    continues one); +1 short (≤ 350 chars), −3 long (> 600); +1 followed by a longer block; +1 opens
    with an interrogative; +1 says "you"; −2 speaks in the first person singular; −2 nothing follows;
    −6 a list item, code or heading.
    """
    text = block.text
    if block.code or block.list_item or block.heading or len(text) > 2000:
        return -6
    key = _key(text)
    score = 0
    if _QUESTION_END.search(key) or _is_prompt(key, pats):
        score += 3
    elif "?" in key:
        score += 1
    if not sentence:
        score += 1 if block.gap else -1
    score += 1 if len(text) <= 350 else 0
    score -= 3 if len(text) > 600 else 0
    if nxt is None:
        score -= 2
    elif len(nxt.text) > len(text) and not _QUESTION_END.search(nxt.text):
        score += 1
    body = _GREETING.sub("", key, count=1)
    if _INTERROGATIVE.match(body) or _INTERROGATIVE.match(key):
        score += 1
    if _SECOND_PERSON.search(key):
        score += 1
    if _FIRST_PERSON.search(key):
        score -= 2
    return score


# The lookbehind lets a run of punctuation be tried once, from its start: linear on a line of "????".
_SENTENCE_END = re.compile(r"(?<![.!?…])[.!?…]+[\"”’')\]]*\s+(?=[\"“‘(]?[A-Z0-9])")


def _split_sentences(text: str) -> list[str]:
    out, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        out.append(text[start : match.end()].strip())
        start = match.end()
    out.append(text[start:].strip())
    return [s for s in out if s]


def _sentence_blocks(blocks: list[Block]) -> list[Block]:
    """Long blocks cut into one block per sentence (for text whose line breaks were lost)."""
    out: list[Block] = []
    for block in blocks:
        if len(block.text) < 600 or block.code:
            out.append(block)
            continue
        for i, sentence in enumerate(_split_sentences(block.text)):
            out.append(Block(sentence, gap=block.gap if i == 0 else False))
    return out


_INLINE_QA = re.compile(r"(?:(?<=[.!?\"”])|^)\s*\b(Q|A)([:.])\s+")


def _inline_label_blocks(blocks: list[Block]) -> list[Block]:
    """Long blocks cut before inline ``Q:`` / ``A:`` labels (text whose line breaks were lost)."""
    out: list[Block] = []
    for block in blocks:
        if len(block.text) < 300 or block.code:
            out.append(block)
            continue
        starts = [m.start(1) for m in _INLINE_QA.finditer(block.text)]
        if len(starts) < 2:
            out.append(block)
            continue
        cuts = [0, *starts, len(block.text)]
        for a, b in zip(cuts, cuts[1:], strict=False):
            piece = block.text[a:b].strip()
            if piece:
                out.append(Block(piece, gap=True))
    return out


# --- interviewees and answerers -----------------------------------------------------------------------------

_ADDRESS = re.compile(
    r"(?:\b(?:[Hh]i|[Hh]ello|[Hh]ey|[Dd]ear|[Tt]hanks|[Tt]hank you)\s+([A-Z][\w'’-]{1,20})\b|"
    r",\s*([A-Z][\w'’-]{1,20})[.!?,]|"
    r"^([A-Z][\w'’-]{1,20}),\s)"
)
_CAP_WORD = r"[A-Z\u00C0-\u024F][\w'’\-\u00C0-\u024F]{1,30}"
_STOP_FIRST_WORDS = {
    "Thank",
    "Thanks",
    "Hi",
    "Hello",
    "Hey",
    "Dear",
    "Welcome",
    "And",
    "So",
    "Now",
    "Well",
    "Yes",
    "No",
}


def _interviewees(
    front: dict, article: Article, passages: list[Passage], answer_labels: list[str], state: _State
):
    """Who is interviewed, strongest evidence first: front matter, lead-in formula, a name addressed in
    the questions and spelled out in the title or text, answer labels, and last a name in the title."""
    names = _as_list(front.get("interviewees")) or _as_list(front.get("interviewee"))
    if names:
        return _dedupe(names)
    if state.lead_in_names:
        return _dedupe(state.lead_in_names)
    # A short front-matter title is a name (The Setup titles each interview with the interviewee's name);
    # headline-style titles are longer or use headline words ("A Chat with …", "Questions for …").
    title = _as_text(front.get("title"))
    if title and len(title) <= 60 and len(title.split()) <= 5 and not _HEADLINE_WORDS.search(title):
        return [title]
    questions = " ".join(p.question for p in passages if p.kind == "qa")
    haystack = "\n".join([article.title, *(p.answer for p in passages[:2])])
    found: list[str] = []
    for match in _ADDRESS.finditer(questions):
        first = next(g for g in match.groups() if g)
        if first in _STOP_FIRST_WORDS:
            continue
        full = re.search(rf"\b{re.escape(first)}\s+({_CAP_WORD})\b", haystack)
        if full:
            found.append(_clean_name(f"{first} {full.group(1)}"))
    if found:
        return _dedupe(found)
    people = [label for label in answer_labels if label not in ("A",) and len(label) > 2]
    if people:
        return _dedupe(people)
    from_title = _name_from_title(article.title, haystack)
    if from_title:
        return [from_title]
    possessive = re.search(rf"\b({_CAP_WORD}(?: {_CAP_WORD}){{1,2}})['’]s\b", article.title)
    if possessive and possessive.group(1).split()[0] not in {"Check", "Meet", "Inside", "Behind"}:
        return [possessive.group(1)]
    return []


_HEADLINE_WORDS = re.compile(
    r"\b(?:with|for|about|meet|meets|interview|interviews|conversation|chat|talk|talks|talking|questions|q&a)\b|:",
    re.IGNORECASE,
)
_TITLE_BREAK_WORDS = {
    "The",
    "A",
    "An",
    "In",
    "On",
    "At",
    "With",
    "And",
    "Of",
    "For",
    "To",
    "From",
    "By",
    "About",
    "Meet",
    "Check",
    "Out",
    "Interview",
    "Conversation",
    "Talking",
    "Q&A",
    "Inside",
    "Behind",
    "Minutes",
    "Questions",
}
_TITLE_WORD = re.compile(r"[A-Za-z\u00C0-\u024F][\w'’.\-\u00C0-\u024F]*|[^\w\s]")


def _name_from_title(title: str, text: str) -> str:
    """The person a headline names ("Bicycle Builders: Sam Okafor", "Ten Minutes with Jo Park"), or "".

    Runs of two or three capitalised words are candidates; one scores for coming after "with" or a
    colon, for ending the title, and for appearing again in ``text`` (the intro and first answer).
    A candidate needs two points, so "Two Cooks, One Kitchen" names nobody.
    """
    if not title:
        return ""
    tokens = _TITLE_WORD.findall(_HONORIFICS.sub("", title))
    runs: list[tuple[int, int]] = []
    start = None
    for i, tok in enumerate([*tokens, "."]):
        word = _HONORIFICS.sub("", tok)
        is_name_word = word[:1].isupper() and word not in _TITLE_BREAK_WORDS and not word.isupper()
        if is_name_word and start is None:
            start = i
        elif not is_name_word and start is not None:
            runs.append((start, i))
            start = None
    best, best_score = "", 1
    for a, b in runs:
        if not 2 <= b - a <= 3:
            continue
        name = " ".join(tokens[a:b])
        prev = tokens[a - 1].lower() if a else ""
        score = (prev in ("with", ":", "–", "—", "-")) + (b == len(tokens)) + (name in text)
        if score > best_score or (score == best_score and best):
            best, best_score = name, score
    return best


def _resolve_answerers(passages: list[Passage], interviewees: list[str]) -> None:
    """Expand answer labels (first names, initials) to full interviewee names; with a single interviewee
    and no labels, that person answered every question."""

    def expand(label: str) -> str:
        for name in interviewees:
            parts = name.split()
            initials = "".join(p[0] for p in parts if p).upper()
            if label == name or label == parts[0] or label.replace(".", "").upper() == initials:
                return name
        return label

    for passage in passages:
        if passage.kind != "qa":
            continue
        if passage.answerers:
            passage.answerers = _dedupe([expand(a) for a in passage.answerers if a != "A"]) or list(
                interviewees[:1]
            )
        elif len(interviewees) == 1:
            passage.answerers = list(interviewees)


# --- small helpers ------------------------------------------------------------------------------------------


def _dedupe(items: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for item in items:
        item = item.strip()
        if item and item.lower() not in seen:
            seen.add(item.lower())
            out.append(item)
    return out


def _dedupe_links(links: list[Link]) -> list[Link]:
    seen: set[tuple[str, str]] = set()
    out = []
    for link in links:
        if (link.label, link.url) not in seen:
            seen.add((link.label, link.url))
            out.append(link)
    return out
