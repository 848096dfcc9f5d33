"""Who is interviewed, from front matter, lead-ins, names the questions address, answer labels and the
headline; and who answered each passage."""

from __future__ import annotations

import re
from collections import Counter

from index.model import Article, Passage
from index.split.furniture import State
from index.split.labels import initials, is_initials, same_speaker
from index.split.metadata import as_list, as_text
from index.split.questions import Found
from index.split.text import HONORIFICS, clean_name, dedupe
from index.split.turns import Known

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
    # Words that open sentences and so are capitalised before a name ("When Saiki joined the band"); names
    # that are also words (Will, May, Grant) are left out.
    *("When", "What", "Where", "Why", "How", "Who", "Which", "While", "After", "Before", "Since"),
    *("Because", "If", "Then", "But", "Or", "Also", "As", "Once", "Though", "Although", "Until"),
    *("This", "That", "These", "Those", "There", "Here", "It", "I", "We", "You", "He", "She", "They"),
    *("My", "Our", "Your", "His", "Her", "Their", "Its", "Do", "Did", "Does", "Is", "Are", "Was"),
    *("Were", "Has", "Have", "Had", "Can", "Could", "Would", "Should", "Oh", "Ok", "Okay", "Yeah"),
    *("Sure", "Please", "Maybe", "Actually", "Today", "Yesterday", "Tomorrow", "Every", "Each", "All"),
    *("Some", "Many", "Most", "Both", "Not", "Just", "Even", "Still", "Only", "Let", "Congratulations"),
}


def interviewees(
    front: dict, article: Article, found: Found, state: State, interviewer: str, known: Known
) -> tuple[list[str], str]:
    """Who is interviewed, and where that came from; strongest evidence first: front matter
    (``interviewee(s)``, then ``speakers`` other than the interviewer), a lead-in formula, a short
    front-matter title that is a name, the speaker labels of the answers, a first name the questions
    address spelled out in the title or text, a name in the headline, the intro ("we are interviewing
    X", "X is a …") or a self-introduction in the first answer ("Hi, I'm X")."""
    names = as_list(front.get("interviewees")) or as_list(front.get("interviewee"))
    if names:
        return dedupe(names), "front matter"
    speakers = [s for s in as_list(front.get("speakers")) if not _same_person(s, interviewer)]
    if speakers:
        return dedupe(speakers), "front matter speakers (other than the interviewer)"
    if state.lead_in_names:
        other = _interviewed_instead(state.lead_in_names, article, found)
        if other:
            return [other[0]], f"intro: {_clip(other[1])} ({LEAD_IN_BYLINE})"
        return dedupe(state.lead_in_names), "lead-in formula"
    # A short front-matter title is a name (The Setup titles each interview with the interviewee's name);
    # headline-style titles are longer or use headline words ("A Chat with …", "Questions for …").
    title = as_text(front.get("title"))
    # A number on its own is no part of a name ("10 Fragen an Konfeddi"); a handle may hold digits ("j3s").
    short = title and len(title) <= 60 and len(title.split()) <= 5 and not _NUMBER_WORD.search(title)
    sentence = title[:1].isupper() and _NOT_A_NAME.search(title)  # "why the lucky stiff" is a name
    if short and not _HEADLINE_WORDS.search(title) and not sentence:
        return [title], "front-matter title"
    answerers = [a for a in found.answerers if _person_label(a) and not _same_person(a, interviewer)]
    passages = found.passages
    if answerers:
        intro = passages[0].answer[:2000] if passages and passages[0].kind == "pre" else ""
        where = [article.title, as_text(front.get("description")), article.summary, intro]
        headline = _name_from_title(article.title, "\n".join(p.answer for p in passages))
        spelled = [_spelled_out(a, where, headline) for a in answerers]
        spelled = [_from_profile(name, known.raw) if " " not in name else name for name in spelled]
        return dedupe(spelled), "speaker labels of the answers"
    questions = [p.question for p in passages if p.kind == "qa"]
    haystack = "\n".join([article.title, *(p.answer for p in passages[:2])])
    addressed: list[str] = []
    firsts: list[str] = []  # first names the questions address, for a one-word name (below)
    for match in (m for question in questions for m in _ADDRESS.finditer(question)):
        first = next(g for g in match.groups() if g)
        if first in _STOP_FIRST_WORDS:
            continue
        firsts.append(first)
        full = re.search(rf"\b{re.escape(first)}[ \t]+({_CAP_WORD})\b", haystack)
        if full and full.group(1) not in _STOP_FIRST_WORDS and full.group(1) not in _TITLE_BREAK_WORDS:
            addressed.append(clean_name(f"{first} {full.group(1)}"))
    if addressed:
        return dedupe(addressed), "a first name the questions address, spelled out in the text"
    members = band_members(passages[0].answer[:4000] if passages and passages[0].kind == "pre" else "")
    if members:
        return members, "the line-up the intro gives (a band's members, not its name)"
    body = "\n".join(p.answer for p in passages)  # the intro (a "pre" passage) included
    for headline in (article.title, *(as_text(front.get(k)) for k in _SUBTITLE_KEYS)):
        name = _name_from_title(headline, body)
        if name and not _same_person(name, interviewer):
            return [name], f"headline: {headline}"
    intro = passages[0].answer[:2000] if passages and passages[0].kind == "pre" else ""
    for pattern in (_INTRO_PHRASE, _INTRO_OPENS):
        match = pattern.search(intro)
        if match and not _same_person(match.group(1), interviewer):
            return [match.group(1)], f"intro: {_clip(match.group(0))}"
    first_answer = next((p.answer[:600] for p in passages if p.kind == "qa"), "")
    match = _SELF_INTRODUCTION.search(first_answer)
    if match and not _same_person(match.group(1), interviewer):
        return [match.group(1)], f"first answer: {_clip(match.group(0))}"
    # Someone known by one name ("In Conversation with Elena", "Mapper in the Spotlight: Andy"): the
    # title gives it and the questions address it ("Hi Elena,") or the first answer says it ("I'm Andy").
    said = _SELF_NAME.search(first_answer)
    for first in [*firsts, *([said.group(1)] if said else [])]:
        in_title = re.search(rf"(?<![\w-]){re.escape(first)}(?![\w-])", article.title)
        if in_title and first not in _STOP_FIRST_WORDS and not _same_person(first, interviewer):
            return [first], "a one-word name the title gives and the questions address (or the answer says)"
    # Known only by the first name the questions keep addressing ("Hi Joseph, thanks for joining us",
    # "Joseph, love having you share your insights"): that name, when no fuller one is given.
    addressed_often = [n for n, count in Counter(firsts).most_common(1) if count >= 2]
    if addressed_often and not _same_person(addressed_often[0], interviewer):
        return addressed_often, "a first name the questions address more than once"
    possessive = re.search(rf"\b({_CAP_WORD}(?: {_CAP_WORD}){{1,2}})['’]s\b", article.title)
    if possessive and possessive.group(1).split()[0] not in {"Check", "Meet", "Inside", "Behind"}:
        return [possessive.group(1)], "headline (possessive)"
    return [], ""


_NUMBER_WORD = re.compile(r"(?<!\S)\d+(?!\S)")
_SUBTITLE_KEYS = ("sub-title", "subtitle", "seo_title", "subhead", "headline")
# A short capitalised title that is a sentence, not a name: it opens with a question word or holds words
# no name has ("How Java Keeps Reinventing Itself", "Why We Draw", "This Is It"); an all-lowercase handle
# ("why the lucky stiff") is a name.
_NOT_A_NAME = re.compile(
    r"^(?:how|why|what|when|where|who|which|is|are|do|does|can|should)\b"
    r"|\b(?:itself|himself|herself|themselves|ourselves|yourself|we|you|your|our|my|it|its|this|that|these|"
    r"those|is|are|was|were|will|can|keeps?|makes?|gets?|goes|becomes?)\b",
    re.IGNORECASE,
)
_PERSON = (
    r"((?:[A-Z]['’])?[A-Z\u00C0-\u00DE][a-z\u00DF-\u024F]+(?:-[A-Z][a-z\u00DF-\u024F]+)?"
    r"(?:[ \t]+(?:(?:van|von|de|der|den|da|di|du|le|la|del|bin|al)[ \t]+)?"
    r"(?:[A-Z]['’])?[A-Z\u00C0-\u00DE][a-z\u00DF-\u024F]+(?:-[A-Z][a-z\u00DF-\u024F]+)?){1,2})"
)
# "This week, we are interviewing Louis Durrant", "we had the pleasure of speaking with Ana Ruiz",
# or an intro that opens with the person: "Ilya Varivchenko is a fashion and portrait photographer".
_INTRO_PHRASE = re.compile(
    r"\b(?:interviewing|interviewed|interview with|speaking with|spoke with|spoke to|talking (?:to|with)|"
    r"talked (?:to|with)|chatting with|chatted with|sat down with|caught up with|conversation with|"
    r"introduce you to)\s+(?:(?:the|our|a|an)\s+)?(?:[a-z][\w-]*\s+){0,3}?(?-i:" + _PERSON + r")(?![\w-])",
    re.IGNORECASE,
)
_INTRO_OPENS = re.compile(r"^(?-i:" + _PERSON + r"),?\s+(?:is|was|has been|works as)\s+(?:a|an|the|one)\b")
_SELF_INTRODUCTION = re.compile(
    r"\b(?:I['’]m|I am|my name is|my name['’]s)\s+(?-i:" + _PERSON + r")(?![\w-])", re.IGNORECASE
)
_SELF_NAME = re.compile(r"\b(?:I['’]m|I am|my name is|my name['’]s)\s+([A-Z][a-z\u00DF-\u024F]{1,20})\b")
_GENERIC_SPEAKERS = re.compile(
    r"^(?:a|answer|guest|interviewee|unknown(?: speaker)?|speaker(?: \d+)?)$", re.IGNORECASE
)


_INITIALS = r"[A-Z]\.(?:[ \t]?[A-Z]\.)*"


LEAD_IN_BYLINE = "the title names them; the lead-in line is the interviewer's byline"


_INSTRUMENT = (
    r"(?i:(?:lead |rhythm |backing |bass |electric |acoustic |session )?"
    r"(?:vocals?|vox|voice|singer|singing|guitars?|guitarist|bass(?:ist)?|drums?|drummer|percussion|keys|"
    r"keyboards?|synths?|synthesi[sz]ers?|piano|organ|violin|viola|cello|saxophone|sax|trumpet|trombone|"
    r"flute|harmonica|banjo|mandolin|turntables|dj|programming|samples|lyrics))"
)
_NAME_CHARS = r"[\w'’.\-\u00C0-\u024F]*"
_MEMBER_NAME = rf"[A-Z0-9\u00C0-\u00DE]{_NAME_CHARS}(?:[ \t]+[A-Z\u00C0-\u00DE]{_NAME_CHARS}){{0,2}}"
# A line-up line ("Nemo – Guitar & Vocal", "Itza - vox", "Tom Weller: drums") or a member in running text
# ("Luke Shroeder on bass", "Ida Brandt (vocals)").
_LINEUP_LINE = re.compile(
    rf"^(?P<name>{_MEMBER_NAME})[ \t]*(?:[-–—:][ \t]*|\([ \t]*)(?P<role>{_INSTRUMENT})\b"
)
# Found from the instrument back to the name: a name pattern tried at every position is slow.
_ON_INSTRUMENT = re.compile(rf"[ \t](?:on[ \t]+|\()(?:the[ \t]+)?{_INSTRUMENT}\b")
_NAME_BEFORE = re.compile(rf"(?<![\w'’])(?P<name>{_MEMBER_NAME})$")


def band_members(intro: str, lines_only: bool = False) -> list[str]:
    """The members of a band the intro lists, two or more: line-up lines ("Nemo – Guitar & Vocal") or,
    unless ``lines_only``, names with their instruments in the text ("Luke Shroeder on bass (left), Adam
    Cohen on guitar"); [] when it lists fewer than two. The name must start with a capital or a digit
    ("4410 – Guitar")."""
    found: list[str] = []
    for line in intro.split("\n"):
        match = _LINEUP_LINE.match(line.strip())
        if match and len(line.strip()) <= 80:
            found.append(match.group("name"))
    if len(dedupe(found)) < 2 and not lines_only:
        found = []
        for role in _ON_INSTRUMENT.finditer(intro):
            match = _NAME_BEFORE.search(intro, max(0, role.start() - 60), role.start())
            if match is None:
                continue
            words = match.group("name").split()
            while words and words[0] in _STOP_FIRST_WORDS:
                words = words[1:]
            if words:
                found.append(" ".join(words))
    members = dedupe(found)
    return members if 2 <= len(members) <= 8 else []


def _interviewed_instead(lead_ins: list[str], article: Article, found: Found) -> tuple[str, str] | None:
    """(person, phrase) when the lead-in line is the interviewer's byline, not the interviewee: Authority
    Magazine sets "An Interview With Fotis Georgiadis" under "Makers of The Metaverse: Mike Montgomery Of
    remx …", and the intro says "we had the pleasure of interviewing Mike Montgomery". The intro must
    name someone else that way, and the title must name them and not the lead-in's person."""
    passages = found.passages
    intro = passages[0].answer[:3000] if passages and passages[0].kind == "pre" else ""
    match = _INTRO_PHRASE.search(intro)
    if not match:
        return None
    person = match.group(1)
    if any(_same_person(person, name) for name in lead_ins):
        return None
    if person not in article.title or any(name in article.title for name in lead_ins):
        return None
    return person, match.group(0)


def lead_in_byline(lead_ins: list[str], interviewees: list[str]) -> str:
    """The interviewer a lead-in line names when it did not name the interviewee (see
    :func:`_interviewed_instead`), else ""."""
    names = [n for n in lead_ins if not any(_same_person(n, i) for i in interviewees)]
    return names[0] if names and interviewees else ""


def _spelled_out(label: str, texts: list[str], headline: str = "") -> str:
    """A one-word speaker label as the article introduces the person: "Prajith" → "Prajith P." when the
    intro says "winner Prajith P.", "Steve" → "Steve Vai"; an initial as the person the headline names
    ("S" → "Steve Vai" under "Steve Vai Interview"); the label itself when no text spells it out. The
    words after a first name must be names or initials, not a sentence going on ("Hi Elena, Would …")."""
    if " " in label.strip() or not label[:1].isupper():
        return label
    if (is_initials(label) or (len(label) == 1 and label.isupper())) and headline:
        compact = label.replace(".", "").casefold()
        return headline if initials(headline).startswith(compact) else label
    after = rf"(?:[ \t]+(?:{_NAME_PARTICLE}[ \t]+)?(?:{_INITIALS}|{_NAME_WORD}))"
    pattern = re.compile(rf"(?<![\w-]){re.escape(label)}({after}{{1,2}})(?![\w'’-])")
    for text in texts:
        for match in pattern.finditer(text or ""):
            words = match.group(1).split()
            if words[0].rstrip(".") in _STOP_FIRST_WORDS or words[0] in _TITLE_BREAK_WORDS:
                continue
            return f"{label} {' '.join(words)}"
    return label


# A link to a person's profile: "[Patrick](https://www.linkedin.com/in/patrickohly/)".
_PROFILE_LINK = re.compile(
    r"\[([^\[\]\n]{1,40})\]\(https?://(?:www\.)?(?:[a-z]{2}\.)?(?:linkedin\.com/in|github\.com|twitter\.com|x\.com|"
    r"mastodon\.social/@|gitlab\.com)/@?([A-Za-z0-9_.-]{3,60})/?\)"
)


def _from_profile(first: str, raw: str) -> str:
    """A first name as the profile it links to spells it out: "[Patrick](…/in/patrickohly/)" →
    "Patrick Ohly", "[Nabarun](…/in/palnabarun/)" → "Nabarun Pal"; the first name itself when no link
    to a profile shows it with it, when it is shorter than four letters (a short form: "Ben" for
    "bentheelder"), or when what is left of the address is no plausible surname (2–20 letters)."""
    if not raw or "](" not in raw or len(first) < 4:
        return first  # "Ben" may stand for "benjamin…": a short form says too little about the rest
    for match in _PROFILE_LINK.finditer(raw):
        if match.group(1).strip() != first:
            continue
        slug = re.sub(r"[\d_.-]+", "", match.group(2)).casefold()
        given = first.casefold()
        if given not in slug:
            continue
        rest = slug.replace(given, "", 1)
        if 2 <= len(rest) <= 20 and rest.isalpha():
            return f"{first} {rest.capitalize()}"
    return first


def _person_label(name: str) -> bool:
    return bool(name) and not _GENERIC_SPEAKERS.match(name.strip())


def _same_person(a: str, b: str) -> bool:
    """True when names ``a`` and ``b`` are the same person (one may be a label form of the other)."""
    if not a or not b:
        return False
    return any(same_speaker(x, y) or same_speaker(y, x) for x in b.split(" and ") for y in [a])


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 100 else text[:99] + "…"


_HEADLINE_WORDS = re.compile(
    r"\b(?:with|for|about|meet|meets|interview|interviews|conversation|chat|talk|talks|talking|questions|q&a|"
    r"spotlight|on|of|in|from|at|to|and)\b|:",
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


_ELISION = re.compile(r"(?<![\w'’])[dDlL]['’](?=\w)")
# Words a headline puts before the person it names, in the languages interviews come in: "with",
# "by", "meet", "interview", French "avec", German "mit", Danish/Norwegian/Swedish "med", Spanish and
# Italian "con", Dutch "met" (an elided "d'" is cut off first).
_BEFORE_A_NAME = frozenset(
    {"with", "by", "meet", "interview", "avec", "mit", "med", "con", "met", ":", "–", "—", "-"}
)


def _name_from_title(title: str, text: str) -> str:
    """The person a headline names ("Bicycle Builders: Sam Okafor", "Ten Minutes with Jo Park", "Stefan
    Sagmeister Interview", "A Q&A with Photographer Riley Brandt"), or "".

    Runs of capitalised words (not acronyms, not possessives such as "Wine's") are candidates; within a
    run, the two- or three-word part the ``text`` repeats most is the name (so a descriptor before it,
    "Photographer", falls away). A candidate scores for coming after "with", "by", "meet", "interview" or
    a colon, for ending the title or coming before "interview", and for appearing in ``text`` (the
    answers); it needs two points, so "Two Cooks, One Kitchen" names nobody.
    """
    if not title:
        return ""
    # "L'interview d'Ifigeneia Kotsoni", "Entretien avec …": an elided article or preposition is no part
    # of the name after it.
    title = _ELISION.sub("", title)
    tokens = _TITLE_WORD.findall(HONORIFICS.sub("", title))
    runs: list[tuple[int, int]] = []
    start = None
    for i, tok in enumerate([*tokens, "."]):
        word = HONORIFICS.sub("", tok)
        is_name_word = (
            word[:1].isupper()
            and word not in _TITLE_BREAK_WORDS
            and not word.isupper()
            and not word.endswith(("'s", "’s"))
        )
        if is_name_word and start is None:
            start = i
        elif not is_name_word and start is not None:
            runs.append((start, i))
            start = None
    best, best_score = "", 1
    for a, b in runs:
        if b - a < 2:
            continue
        a, b = _best_part(tokens, a, b, text)
        name = " ".join(tokens[a:b])
        prev = tokens[a - 1].lower() if a else ""
        nxt = tokens[b].lower() if b < len(tokens) else ""
        score = prev in _BEFORE_A_NAME
        score += b == len(tokens) or nxt in ("interview", "q&a", ",", "talks", "on")
        score += name in text
        if score > best_score or (score == best_score and best):
            best, best_score = name, score
    return best


def _best_part(tokens: list[str], a: int, b: int, text: str) -> tuple[int, int]:
    """The two- or three-word stretch of run ``tokens[a:b]`` the text repeats most; the last on a tie
    (descriptors come before names: "Wine's Man Alexandre Julliard", "Photographer Riley Brandt")."""
    if b - a <= 2:
        return a, b
    parts = [(start, start + size) for size in (2, 3) for start in range(a, b - size + 1)]
    return max(parts, key=lambda p: (text.count(" ".join(tokens[p[0] : p[1]])), p[1], p[0] - p[1]))


def resolve_answerers(passages: list[Passage], interviewees: list[str]) -> None:
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
            passage.answerers = dedupe([expand(a) for a in passage.answerers if a != "A"]) or list(
                interviewees[:1]
            )
        elif len(interviewees) == 1:
            passage.answerers = list(interviewees)


# --- names the article gives, for expanding short labels and telling interviewer from interviewee ---------

_LOWER = "a-z\u00df-\u024f"
_NAME_WORD = rf"(?:[A-Z]['’])?[A-Z\u00C0-\u00DE][{_LOWER}]+(?:[A-Z][a-z]+)?(?:-[A-Z][{_LOWER}]+)?"
_NAME_PARTICLE = r"(?:van|von|de|der|den|da|di|du|le|la|del|bin|al)"
_NAME_IN_TEXT = re.compile(
    rf"(?<![\w.'’])({_NAME_WORD}(?:[ \t]+(?:{_NAME_PARTICLE}[ \t]+)?{_NAME_WORD}){{1,2}})(?![\w'’])"
)


def names_in_text(texts: list[str]) -> Counter:
    """Capitalised two- and three-word runs in ``texts`` that could be people's names, with counts."""
    counts: Counter = Counter()
    for text in texts:
        for match in _NAME_IN_TEXT.finditer(text):
            name = match.group(1)
            words = name.split()
            if words[0] not in _STOP_FIRST_WORDS and words[0] not in _TITLE_BREAK_WORDS:
                counts[name] += 1
            if len(words) == 3 and words[1][:1].isupper():
                # A run of three may start with a word that is not part of the name ("Man Alexandre
                # Julliard", "Meet Ana Ruiz"): count its last two words as a name too.
                counts[" ".join(words[1:])] += 1
    return counts


def known_people(front: dict, meta: dict, title: str, blocks: list, state: State) -> Known:
    """People the article names outside its turns: interviewees (front matter, lead-ins), interviewers
    (front-matter author, byline, ``Interviewer:`` lines) and every name-like run in its text."""
    # Front-matter "speakers" lists everyone who speaks, the interviewer too: not evidence either way.
    interviewees = as_list(front.get("interviewees")) + as_list(front.get("interviewee"))
    interviewees += state.lead_in_names
    # A band's line-up near the top ("Itza - vox", "Marvin - guitar") names who may answer.
    interviewees += band_members("\n".join(b.text for b in blocks[:60] if not b.heading), lines_only=True)
    interviewers = (
        as_list(front.get("interviewer")) + as_list(front.get("author")) + as_list(meta.get("author"))
    )
    texts = [title, *(b.text for b in blocks[:400])]
    known = Known(dedupe(interviewees), dedupe(interviewers), title=title, texts=texts)
    known.speakers = as_list(front.get("speakers"))
    return known
