"""Organisations a passage names: schools, festivals, awards, companies, studios and programmes.

From ``index/data/organizations.yml``:

- a run of capitalised words whose head is a cue word ("Beijing Film Academy", "LA Shorts Awards"), or
  with a cue word followed by "of ..." ("British Academy of Film and Television Arts"); a run made only
  of generic words ("Film School", "Art Academy") is not a name;
- a capitalised run followed by a lowercase cue ("Panavision New Filmmakers program"), after
  "<studio/company/label/...> called" ("a design studio called Dirty Bandits"), or before ", LLC";
- a one-word festival name ending in "fest" with inner capitals ("CAAMfest");
- a known name or acronym ("UCLA", "Film Independent", "LAIKA"), also inside a longer run
  ("LAIKA Animation Fellowship" names LAIKA too); names listed in ``companies_need_context`` (mostly
  used as brands, "Apple keyboard") only after "at", "for", "joined"... and standing alone;
- an acronym that is a university's domain label and initials ("RISD", ``index/institutions.py``) in
  the same organisation context.

What a name is *not*: software and hardware often wear an organisation's head word ("OBS Studio",
"Mac Studio", "Plex Media Center", "GNU Image Manipulation Program"), so the ``weak_cue_words``
(Studio, Program, Center, Theater, Network, Orchestra, Department) make a name only in an organisation
context: after "at", "joined", "founded", "worked for"..., or right after a noun such as company,
studio or label ("my own production company, “Mars Light Studio”"). "and" joins two names, not one,
unless it follows "of"/"for" inside a name ("College of Art and Design"); "for" starts a name's
complement only after a head word ("Center for Internet and Society"), else it separates ("Coda for
Grapefruit Lab" names Grapefruit Lab).

Every name is given in one canonical form (:func:`canonical_name`): "The" and a possessive dropped,
a legal form dropped ("Panic, Inc" -> Panic), a curated alias (``aliases``), the listed name of a
university ("Oxford University" -> University of Oxford, "Carnegie Mellon" -> Carnegie Mellon
University), and a known acronym for a long name ("New York University" -> NYU). :func:`variants`
gives the other names, which the index keeps searchable (``organization:"New York University"``).
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from index import institutions, vocab
from index.places import gazetteer
from index.spans import TextView, Token

_CONNECTORS = frozenset({"of", "the", "and", "for", "de", "la", "du", "der", "des", "y", "on"})
# Words that alone do not make a run a proper name ("Film School", "Summer Program").
_GENERIC = frozenset(
    [
        "film",
        "art",
        "arts",
        "music",
        "design",
        "business",
        "law",
        "medical",
        "high",
        "grad",
        "graduate",
        "summer",
        "animation",
        "new",
        "national",
        "international",
        "local",
        "public",
        "private",
        "state",
        "community",
        "independent",
        "digital",
        "media",
        "fine",
        "visual",
        "the",
        "performing",
        "short",
        "shorts",
        "video",
        "board",
        "mobile",
        "indie",
        "alternate",
        "reality",
        "edible",
        "tabletop",
        "computer",
    ]
)
# "a <noun> called X" names an organisation X.
_ORG_NOUNS = frozenset(
    [
        "studio",
        "company",
        "agency",
        "consultancy",
        "startup",
        "label",
        "publisher",
        "nonprofit",
        "non-profit",
        "organization",
        "organisation",
        "collective",
        "firm",
        "school",
        "festival",
        "conference",
        "convention",
        "network",
        "business",
        "shop",
        "store",
    ]
)
# "X, LLC" / "X, Inc": a legal form after a comma.
_LEGAL_SUFFIXES = frozenset(["LLC", "Inc", "Ltd", "GmbH", "AB", "BV", "SA", "PLC"])
_ORG_CONTEXT = frozenset(["at", "for", "joined", "join", "joining", "by", "from", "founded", "co-founded"])
# Before a brand-like name (Google, Slack), only these say the company is meant ("I work at Google",
# "discontinued by Apple"), and "for"/"from" only after a verb of working or hiring ("worked for
# Google"): "Shift as a wrapper for Slack" and "accounts from Google" are the products.
_BRAND_CONTEXT = frozenset(
    ["at", "by", "joined", "join", "joining", "founded", "co-founded", "cofounded", "left"]
)
_BRAND_VERBS = frozenset(
    ["work", "works", "worked", "working", "employed", "hired", "acquired", "bought", "funded", "intern",
     "interned", "freelance", "freelanced", "contracted", "consulted"]
)
# A name followed by one of these nouns is a brand on a product ("the MIT license", "the Topaz Labs
# software suite", "iWork for Microsoft formats").
_PRODUCT_NOUNS = frozenset(
    ["license", "licence", "software", "suite", "app", "apps", "application", "applications", "format",
     "formats", "product", "products", "package", "packages", "account", "accounts", "subscription",
     "headphones", "keyboard", "keyboards", "mouse", "laptop", "laptops", "tablet", "phone", "camera",
     "cameras", "lens", "lenses", "font", "fonts", "plugin", "plugins", "extension", "extensions",
     "library", "libraries", "toolkit", "sdk", "api", "ecosystem", "stack", "platform", "device",
     "devices", "hardware", "gear", "tools", "editor", "browser", "monitor", "speakers", "drive", "bot",
     "bots"]
)
# A capitalised run ending in one of these is a job title, whatever head words it holds ("Emerging
# Technologies and Distance Services Librarian", "Communications and Engagement Officer").
_JOB_TITLE_HEADS = frozenset(
    ["Librarian", "Officer", "Manager", "Director", "Coordinator", "Specialist", "Chair", "Professor",
     "Lecturer", "Curator", "Strategist", "Consultant", "Analyst", "Scientist", "Researcher", "Evangelist",
     "Advocate", "Engineer", "Designer", "Producer", "Editor", "Architect", "Lead", "Head", "President",
     "Administrator", "Technician", "Assistant", "Associate", "Intern", "Liaison", "Representative"]
)


# "<one of these> at X": X employs or teaches the speaker ("an engineer at Stripe", "I work at Etsy").
_EMPLOYED_AT = frozenset(
    ["work", "works", "worked", "working", "employed", "intern", "interned", "internship", "job", "position",
     "student", "students", "researcher", "fellow", "professor", "lecturer", "teacher", "engineer",
     "designer", "developer", "programmer", "manager", "director", "editor", "producer", "writer",
     "artist", "animator", "illustrator", "scientist", "analyst", "consultant", "architect", "lead",
     "head", "officer", "strategist", "evangelist", "advocate", "librarian", "curator", "partner",
     "principal", "founder", "co-founder", "cofounder", "ceo", "cto", "coo", "cfo", "vp", "president",
     "employee", "staff", "resident", "instructor", "faculty", "coordinator", "specialist", "technologist"]
)
# "<one of these> of X": X is the speaker's company ("co-founder of Destroy All Software"); not
# "publisher of X", which is as often a book ("publisher of Art Space Tokyo").
_HEAD_OF = frozenset(
    ["founder", "co-founder", "cofounder", "ceo", "cto", "coo", "co-owner", "president", "proprietor"]
)


def _employer_context(view: TextView, run: list[Token]) -> bool:
    """True when the words before ``run`` say it employs the speaker (see ``_EMPLOYED_AT``)."""
    before = view.before(run[0], 3)
    if len(before) >= 2 and before[-1] == "at":
        return before[-2] in _EMPLOYED_AT
    if len(before) >= 3 and before[-1] == "at" and before[-2] == "the":
        return before[-3] in _EMPLOYED_AT
    return len(before) >= 2 and before[-1] == "of" and before[-2] in _HEAD_OF


# After "at", capitalised words that make an idiom or a time, not a name ("Editor at Large").
_AT_IDIOMS = frozenset(["Large", "Heart", "Home", "Night", "Work", "Times", "Least", "First", "Last", "Once"])
# Lower-case words after a name that make it a modifier ("at PlayStation game makers MediaMolecule").
_MODIFIED_NOUNS = frozenset(["game", "games", "makers", "maker", "team", "division", "group", "studio",
                             "studios", "office", "offices", "store", "stores", "labs", "lab", "brand"])
_DOMAIN_ENDINGS = frozenset(["com", "net", "org", "io", "co", "fm", "ai"])


def _employer_name(view: TextView, run: list[Token]) -> list[Token]:
    """The part of ``run`` that may name an employer, or [] when the words around it say it is cut
    short or a modifier: the run ends at its first lower-case word; nothing when a possessive, " & ",
    a product's noun or a domain other than .com/.net/.io... continues it ("Cook's Illustrated",
    "Industrial Light & Magic", "PlayStation game makers", "Parse.ly")."""
    cut = next((i for i, t in enumerate(run) if not t.capitalised), len(run))
    run = run[:cut]
    if not run or run[0].text in _AT_IDIOMS or len(run[0].text) == 1:  # "U.C. Riverside"
        return []
    last = run[-1]
    after = view.text[last.end : last.end + 2]
    nxt = view.after(last)
    if last.possessive and nxt is not None and nxt.capitalised:
        return []
    following = view.after(nxt) if nxt is not None else None
    if re.match(r" (?:&|and|to|of|the|on|for) [A-Z]", view.text[last.end : last.end + 7]) or (
        following is not None and not nxt.capitalised and following.capitalised
        and nxt.text in ("and", "to", "of", "the", "on", "for") and view.gap(nxt, following) == " "
    ):
        return []  # "Six to Start", "Industrial Light & Magic", "Pinterest and Quora": cut short or two
    if after[:1] == "." and after[1:2].islower():
        ending = re.match(r"\.([a-z]+)", view.text[last.end :])
        if ending and ending.group(1) not in _DOMAIN_ENDINGS:
            return []
    if nxt is not None and view.gap(last, nxt) == " " and nxt.text in _MODIFIED_NOUNS:
        return []
    return run


def _plain_name(view: TextView, run: list[Token]) -> bool:
    """A run that may be a company's name: at most five words, not a place, not only generic or head
    words ("the University"), not an acronym of the kind in ``entities.yml`` (BFA, CPU)."""
    words = [t.text for t in run]
    names = gazetteer().names
    text = view.span_text(run)
    if len(words) > 5 or text in names or all(part in names for part in text.split("-")):
        return False
    cue_words, _, _, _, _, function_words = _data()
    if all(w.lower() in _GENERIC or w in cue_words or w in function_words or w in _CONNECTORS
           for w in words):
        return False
    return not (len(words) == 1 and words[0] in vocab.word_set("entities", "acronyms"))


def _is_job_title(run: list[Token]) -> bool:
    """ "Emerging Technologies and Distance Services Librarian": the words after the run's last "and"
    are two or more ending in a job title's head (not "Stanford University and Director of ...")."""
    joints = [i for i, t in enumerate(run) if t.text in ("and", "&")]
    return bool(joints) and len(run) - joints[-1] - 1 >= 2 and run[-1].text in _JOB_TITLE_HEADS


# After a name, small words and a capital again: the name goes on ("Game and a Curry", "Museum in a Box").
_CUT_SHORT = re.compile(r" (?:(?:and|a|an|in|of|the|on|to|for) ){1,2}[A-Z]")
_LICENCE_WORDS = frozenset(["license", "licence", "licenses", "licences", "licensed", "licensing"])
# "served by GitHub", "hosted by Google": "by" after these names a service, not the company.
_SERVICE_VERBS = frozenset(
    ["served", "hosted", "powered", "backed", "synced", "stored", "run", "handled", "provided", "supplied"]
)
# Words right before a weak-headed name that say an organisation follows ("worked at X Studio").
_WEAK_CONTEXT = frozenset(
    ["at", "joined", "join", "joining", "founded", "co-founded", "cofounded", "started", "launched", "run",
     "runs", "ran", "running", "own", "owns", "employer", "employs", "hired", "studied", "graduated"]
)
_DETERMINERS = frozenset(["the", "a", "an", "my", "our", "his", "her", "their", "your"])
# "worked for X Studio": "for" says so only after a verb of working.
_WORK_VERBS = frozenset(
    ["work", "works", "worked", "working", "freelance", "freelanced", "intern", "interned"]
)
# "I use X", "bought a X": what follows is a product (or a brand on one), not an organisation.
_USE_VERBS = frozenset(
    ["use", "uses", "used", "using", "install", "installed", "installing", "download", "downloaded",
     "bought", "buy", "buying", "purchased", "recommend", "switched"]
)
# Words before an acronym that say it is a school ("a PhD at RMIT", "I teach at RISD").
_EDUCATION = frozenset(
    ["studied", "study", "studying", "graduated", "graduate", "grad", "attended", "attend", "attending",
     "enrolled", "teach", "teaches", "teaching", "taught", "lecture", "lectures", "lecturing", "professor",
     "lecturer", "student", "students", "degree", "phd", "mfa", "bfa", "ba", "bs", "ms", "masters",
     "alumni", "alum", "faculty", "school", "university", "college"]
)
_LEGAL_FORM = re.compile(r",?\s+(?:" + "|".join(_LEGAL_SUFFIXES) + r")\.?$")
_APOSTROPHE_S = re.compile(r"[’']s$")


@cache
def _data() -> tuple[
    frozenset[str], frozenset[str], frozenset[str], frozenset[str], frozenset[str], frozenset[str]
]:
    return (
        vocab.word_set("organizations", "cue_words") | vocab.word_set("organizations", "weak_cue_words"),
        vocab.word_set("organizations", "lower_cue_words"),
        vocab.word_set("organizations", "known"),
        vocab.word_set("organizations", "companies_need_context"),
        vocab.word_set("organizations", "never"),
        vocab.word_set("entities", "function_words"),
    )


def _strip(run: list[Token]) -> list[Token]:
    """Drop leading grammar words ("At", "The", "My") and trailing connectors."""
    function_words = _data()[5]
    while run and (run[0].text in function_words or run[0].text in _CONNECTORS):
        run = run[1:]
    while run and run[-1].text in _CONNECTORS:
        run = run[:-1]
    return run


def _is_cue_name(view: TextView, run: list[Token]) -> bool:
    """A run headed by a cue word ("Beijing Film Academy", "Academy of Motion Picture Arts") with a
    word that is not generic; a weak head (Studio, Program...) only in an organisation context."""
    cue_words = _data()[0]
    if len(run) < 2:
        return False
    words = [t.text for t in run]
    if cue_words.isdisjoint(words):  # most runs: no head word at all
        return False
    heads = [
        w for i, w in enumerate(words) if w in cue_words and (i == len(words) - 1 or words[i + 1] == "of")
    ]
    if not heads:
        return False
    if not any(w not in cue_words and w.lower() not in _GENERIC and w not in _CONNECTORS for w in words):
        return False
    if all(h in _weak_cues() for h in heads):
        return _org_context(view, run)
    return True


@cache
def _weak_cues() -> frozenset[str]:
    return vocab.word_set("organizations", "weak_cue_words")


def _pieces(view: TextView, run: list[Token]) -> list[list[Token]]:
    """Cut a run where "and", "&" or "for" joins two names rather than sitting inside one.

    "Apple Pencil and Ferrite Recording Studio" -> both halves; "Massachusetts College of Art and Design"
    stays whole ("and" after "of"); "X Institute of the Arts and the Y Academy" is two names when both
    halves are names; "Coda for Grapefruit Lab" -> both halves ("for" not after a head word).
    """
    cue_words = _data()[0]
    for i, token in enumerate(run):
        if not 0 < i < len(run) - 1:
            continue
        inside = any(t.text in ("of", "for") for t in run[:i])
        if token.text in ("and", "&"):
            left, right = _strip(run[:i]), _strip(run[i + 1 :])
            if inside and not (left and right and _is_cue_name(view, left) and _is_cue_name(view, right)):
                continue
        elif token.text == "for" and run[i - 1].text not in cue_words:
            left, right = _strip(run[:i]), _strip(run[i + 1 :])
        else:
            continue
        return [p for part in (left, right) if part for p in _pieces(view, part)]
    return [run]


def _known_names(view: TextView, run: list[Token], add, brands: bool) -> None:
    """Add the ``known`` names inside ``run``, longest first. ``brands``: only the names that are mostly
    brands (``companies_need_context``), and those only standing alone after "at", "for", "joined"...;
    otherwise only the others."""
    _, _, known, need_context, _, _ = _data()
    words = [t.text for t in run]
    if not _known_first_words().intersection(words):  # most runs hold no known name: skip the windows
        return
    for size in range(min(len(words), 4), 0, -1):
        for i in range(len(words) - size + 1):
            candidate = " ".join(words[i : i + size])
            if candidate not in known or (candidate in need_context) != brands:
                continue
            if brands and (len(words) != size or not _brand_context(view, run[i])):
                continue
            if _brand_on_product(view, run[i], run[i + size - 1]):
                continue
            add(run[i].start, candidate)


@cache
def _known_first_words() -> frozenset[str]:
    return frozenset(name.split()[0] for name in _data()[2])


def _brand_context(view: TextView, token: Token) -> bool:
    """True when the words before ``token`` say a brand-like name means the company (see _BRAND_CONTEXT)."""
    before = view.before(token, 2)
    if not before:
        return False
    if before[-1] == "by":
        # "served by GitHub" names a service; "Photoshop by Adobe" the maker of a product; "swear by"
        maker = view.previous(view.previous(token))
        return not (
            (len(before) == 2 and before[0] in _SERVICE_VERBS | {"swear", "swore", "sworn"})
            or (maker is not None and maker.capitalised)
        )
    if before[-1] in _BRAND_CONTEXT:
        return True
    return before[-1] in ("for", "from") and len(before) == 2 and before[0] in _BRAND_VERBS


def _brand_on_product(view: TextView, first: Token, last: Token) -> bool:
    """True when the name ending at ``last`` qualifies a product: a product noun follows ("the MIT
    license"), or it is possessive before a capitalised name that is no organisation ("YoYo Games' Game
    Maker"; not "NASA's Jet Propulsion Lab", nor "I work for Riot Games' Forge division")."""
    if _LICENCE_WORDS.intersection(view.before(first, 5)):  # "my licenses of choice are MIT for software"
        return True
    nxt = view.after(last)
    if nxt is None or view.gap(last, nxt) not in (" ", "’ ", "' "):
        return False
    if nxt.text.lower() in _PRODUCT_NOUNS and not nxt.capitalised:
        return True
    if nxt.text in ("Model", "Edition", "Series", "Mark"):  # "BBC Model B", "Canon Mark II"
        return True
    if any(c.isdigit() for c in nxt.text):  # a model number: "Martin Yale 1501 paper folder"
        return True
    possessive = last.possessive or view.gap(last, nxt) != " "
    if not (possessive and nxt.capitalised):
        return False
    cue_words = _data()[0]
    following = next((r for r in view.runs(_CONNECTORS) if r[0].start == nxt.start), [nxt])
    # "NASA's Jet Propulsion Lab", "Awesome Foundation's New York chapter": a part of it, or a place
    if any(t.text in cue_words for t in following) or view.span_text(following) in gazetteer().names:
        return False
    return not (_org_context(view, [first]) or _brand_context(view, first))


# Capitalised small words inside a name mark a title ("Orang-U: An Ape Goes To College").
_TITLE_WORDS = frozenset(["To", "A", "An", "In", "On", "With", "At", "By", "From", "Is", "Are", "Be", "Use"])


def _is_title(view: TextView, run: list[Token]) -> bool:
    """True when ``run`` reads as the title of a work: a capitalised small word inside it, or a work
    cue before it ("a game called Pixel Art Academy")."""
    if any(t.text in _TITLE_WORDS for t in run[1:]):
        return True
    from index.works import WORK_CUES  # here: works imports this module's names

    before = view.before(run[0], 4)
    return len(before) >= 2 and before[-1] in ("called", "named", "titled") and any(
        w in WORK_CUES for w in before[:-1]
    )


def _product_context(view: TextView, run: list[Token]) -> bool:
    """True when a verb of using or buying stands just before ``run`` ("I use Plex Media Center",
    "using BBedit and the OS X Terminal program"): a product, or a brand on one."""
    before = view.before(run[0], 4)
    # "apps like DIM and Ishtar Collective", "tools such as X": named as examples of a product
    for i, w in enumerate(before):
        if w == "as" and i and before[i - 1] == "such":
            w, i = "like", i - 1
        if w in ("like", "including") and i and before[i - 1] in _PRODUCT_NOUNS:
            return True
    # "I used to run Mesh Magazine" is no use of a product
    return any(w in _USE_VERBS and before[i + 1 : i + 2] != ["to"] for i, w in enumerate(before))


def _named_as_other(view: TextView, run: list[Token]) -> bool:
    """True when the words right after ``run`` say it is a work ("Peanuts Gallery, a podcast where") or
    that the name goes on ("the Institute of Psychiatry, Psychology & Neuroscience")."""
    from index.works import TITLE_NOUNS  # here: works imports this module's names

    rest = view.text[run[-1].end : run[-1].end + 60]
    apposition = re.match(r", (?:a|an|my|our|the) (?:[a-z-]+ ){0,2}?([a-z]+)\b", rest)
    if apposition and apposition.group(1) in TITLE_NOUNS:
        return True
    return any(t.text == "of" for t in run) and bool(re.match(r", [A-Z]\w+ (?:&|and) [A-Z]", rest))


def _org_context(view: TextView, run: list[Token]) -> bool:
    """True when the words before ``run`` say it names an organisation ("worked at", "a studio called",
    "my own production company, “X”")."""
    before = [w for w in view.before(run[0], 4) if w not in _DETERMINERS]
    if not before:
        return False
    if before[-1] in _WEAK_CONTEXT or before[-1] in _ORG_NOUNS:
        return True
    return before[-1] == "for" and len(before) >= 2 and before[-2] in _WORK_VERBS


def extract_organizations(
    view: TextView, exclude: frozenset[str] = frozenset(), tools_talk: bool = False
) -> list[str]:
    """Names of the organisations ``view`` names, in order of first mention, without duplicates.

    ``exclude`` holds names that are never organisations here (the interviewee's). ``tools_talk``: the
    passage is about the speaker's hardware and software, where "Elgato Control Center" and "X Studio"
    are products: there any head-word name needs an organisation context ("I work at ...").
    """
    _, lower_cues, known, need_context, never, _ = _data()
    boilerplate = vocab.word_set("entities", "boilerplate")
    first_words = _known_first_words()
    found: list[tuple[int, str]] = []

    def add(start: int, name: str) -> None:
        if name in boilerplate or name in exclude or any(name == n or name.endswith(" " + n) for n in never):
            return
        found.append((start, name))

    for raw in view.runs(_CONNECTORS):
        whole = _strip(raw)
        if not whole:  # only grammar words ("I", "The"): a third of all runs
            continue
        # known names anywhere in the run ("Hide and Seek" is one, though "and" may split runs); most
        # runs hold no known name's first word, and the call is skipped
        if not first_words.isdisjoint([t.text for t in whole]):
            _known_names(view, whole, add, brands=False)
        job_title = _is_job_title(raw)
        for run in _pieces(view, whole):
            if not run:
                continue
            run = _after_title(run)
            name = view.span_text(run)
            words = [t.text for t in run]
            if (
                not job_title
                and _is_cue_name(view, run)
                and not _product_context(view, run)
                and not _brand_on_product(view, run[0], run[-1])
                and not _is_title(view, run)
                and not _named_as_other(view, run)
                and (not tools_talk or _org_context(view, run))
            ):
                add(run[0].start, name)
            if not first_words.isdisjoint(words):
                _known_names(view, run, add, brands=True)
            # "RISD": a university's acronym, after words about studying or teaching there
            if len(run) == 1 and words[0].isupper() and words[0] not in known:
                acronym = institutions.acronym_name(words[0], unique=True)
                shouted = words[0] in vocab.word_set("entities", "acronyms")  # BFA, CPU: not schools
                if acronym and not shouted and _EDUCATION & set(view.before(run[0], 6)):
                    add(run[0].start, acronym)
            # "Panavision New Filmmakers program"; not a brand's product ("Apple Mail program")
            nxt = view.after(run[-1])
            if (
                nxt is not None
                and nxt.text in lower_cues
                and len(run) >= 2
                and view.gap(run[-1], nxt) == " "
                and not _after_possessive(view, run[0])
                and words[0] not in need_context
                and not _product_context(view, run)
                and view.before(run[0], 1) == ["the"]  # "the TED Fellows program", not "a local ... program"
            ):
                add(run[0].start, f"{name} {nxt.text}")
            # "an engineer at Stripe", "I work at House House", "co-founder of Destroy All Software"
            # (checked cheaply first: the word before must be "at", "of" or "the" of "at the")
            previous = view.previous(run[0])
            employer = _employer_name(view, run) if previous and previous.text in ("at", "of", "the") else []
            if employer and _employer_context(view, employer) and _plain_name(view, employer):
                add(employer[0].start, view.span_text(employer))
            # "a design studio called Dirty Bandits" (not "the App Store called 'Tomato One'")
            called = previous
            naming = called is not None and called.text in ("called", "named")
            noun = view.previous(called) if naming else None
            if (
                noun is not None
                and noun.text in _ORG_NOUNS
                and view.before(run[0], 2) == [noun.text, called.text]
                # "a company called Game and a Curry", "a startup called Museum in a Box": cut short
                and not _CUT_SHORT.match(view.text, run[-1].end)
            ):
                add(run[0].start, name)
            # "MartianCraft, LLC"
            if nxt is not None and view.gap(run[-1], nxt) == ", " and nxt.text in _LEGAL_SUFFIXES:
                add(run[0].start, f"{name}, {nxt.text}")
    for token in view.capitalised if "fest" in view.text else ():
        text = token.text
        if text.endswith("fest") and len(text) > 5 and sum(c.isupper() for c in text) >= 2:
            add(token.start, text)
    found.sort()
    # "Hide" and "Hide and Seek" at one place: the longer name is meant (a known name inside a longer
    # one stays: "LAIKA Animation Fellowship" names LAIKA too)
    longest = {start: name for start, name in found}
    found = [(start, name) for start, name in found
             if name in known or not longest[start].startswith(name + " ")]
    return list(dict.fromkeys(canonical_name(name) for _, name in found))


@cache
def _aliases() -> dict[str, str]:
    """Curated other names -> canonical name (``aliases`` in organizations.yml), by folded key."""
    data = vocab.load("organizations").get("aliases") or {}
    return {_fold(str(k)): str(v) for k, v in data.items()}


@cache
def _known_by_key() -> dict[str, str]:
    return {_fold(name): name for name in _data()[2]}


def _fold(name: str) -> str:
    return " ".join(name.replace("’", "'").split()).casefold()


@lru_cache(maxsize=8192)
def canonical_name(name: str) -> str:
    """The one display name of the organisation ``name`` names (see the module docstring).

    Idempotent: ``canonical_name(canonical_name(x)) == canonical_name(x)``.
    """
    name = " ".join(name.split())
    name = _APOSTROPHE_S.sub("", name)
    if name[:4] in ("The ", "the ") and len(name) > 4:
        name = name[4:]
    bare = _LEGAL_FORM.sub("", name)
    if bare != name:
        # "Panic, Inc" / "Panic Inc." -> "Panic Inc": a one-word name keeps its legal form (a bare
        # "Science" is a word, not a company); a longer one drops it ("Treasure Data, Inc" -> Treasure Data)
        name = bare if " " in bare else f"{bare} {_LEGAL_FORM.search(name).group().strip(' ,.')}"
    alias = _aliases().get(_fold(name))
    if alias is not None:
        return alias
    words = name.split()
    if len(words) == 2 and words[0].isupper() and words[1] in ("University", "College"):
        long = institutions.acronym_name(words[0]) or institutions.official_name(name)  # RMIT University
    elif name.isupper():
        long = institutions.acronym_name(name)
    else:
        long = institutions.official_name(name)
    if long is not None:
        acronym = institutions.initials(long)
        if acronym in _data()[2] and institutions.acronym_name(acronym) == long:
            return acronym  # "New York University" -> NYU, as known names are written
        return long
    return _known_by_key().get(_fold(name), name)


def variants(name: str) -> list[str]:
    """Other names of the organisation whose canonical name is ``name``, for search only."""
    out = []
    long = institutions.acronym_name(name) if name.isupper() else None
    if long:
        out.append(long)
    words = name.split()
    if len(words) >= 3 and words[0] == "University" and words[1] == "of":
        out.append(f"{' '.join(words[2:])} University")
    out += [alias for alias, canonical in vocab.load("organizations").get("aliases", {}).items()
            if canonical == name]
    return list(dict.fromkeys(v for v in out if v != name))


def _after_title(run: list[Token]) -> list[Token]:
    """ "Creative Director of Touch Press" -> "Touch Press": drop a job title before "of" when no cue
    word stands before the "of" (the organisation is the part after it)."""
    cue_words = _data()[0]
    for i, token in enumerate(run):
        if token.text == "of":
            if any(t.text in cue_words for t in run[:i]):
                return run
            rest = _strip(run[i + 1 :])
            return rest if rest and any(t.text in cue_words for t in rest) else run
    return run


def _after_possessive(view: TextView, token: Token) -> bool:
    previous = view.previous(token)
    return previous is not None and previous.possessive and view.gap(previous, token) == " "
