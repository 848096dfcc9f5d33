"""Where an interview was published, from evidence weighed together (index/split/publication.py).

Every article here is made up for the test; the pieces of evidence are the kinds real pages carry."""

from __future__ import annotations

from index.read import source_from_bytes
from index.split import split_source
from index.split.publication import (
    Evidence,
    address_evidence,
    bio_site,
    choose,
    front_matter_evidence,
    is_platform,
    key,
    linked_site,
    spelled,
    with_article,
)


def split(text: str, name: str = "article.md", publication: str = ""):
    return split_source(source_from_bytes(text.encode(), name), publication=publication)


def test_spellings_of_one_publication_share_a_key():
    assert key("godotengine.org") == key("Godot Engine") == "godotengine"
    assert key("PIXLS.US") == key("pixls.us")
    assert key("The Changelog") == key("Changelog")
    assert key("news.bbc.co.uk") == "bbc"


def test_platforms_are_never_publications():
    assert is_platform("gist.github.com") and is_platform("GitHub") and is_platform("www.youtube.com")
    assert not is_platform("godotengine.org") and not is_platform("Harbour Notes")


def test_evidence_adds_up_and_weak_evidence_alone_or_in_conflict_names_nothing():
    hint = Evidence("harbournotes.org", 2.0, "a hint")
    assert choose([hint], [], ["Harbour Notes is a quarterly"]) == ("Harbour Notes", "a hint")
    assert choose([Evidence("Harbour Notes", 1.0, "weak")], [], []) == ("", "")
    other = Evidence("tideline.net", 2.0, "another hint")
    assert choose([hint, other], [], []) == ("", "")  # two sites, one hint each: unknown
    stated = Evidence("Tideline", 3.0, "a phrase")
    assert choose([hint, stated, other], [], [])[0] == "Tideline"  # 3 + 2 beats 2
    assert choose([Evidence("Mara Quill", 4.0, "front matter site")], ["Mara Quill"], []) == ("", "")
    assert choose([Evidence("github.com", 4.0, "front matter source")], [], []) == ("", "")


def test_a_host_shows_as_the_name_the_text_spells_only_when_it_is_more_than_one_plain_word():
    assert spelled("godotengine.org", ["Built with Godot Engine 3."]) == "Godot Engine"
    assert spelled("pixls.us", ["Welcome to PIXLS.US, a community"]) == "PIXLS.US"
    assert spelled("kubernetes.dev", ["Kubernetes is big"]) == ""  # the project, not the site


def test_the_article_stays_when_the_text_writes_it():
    texts = ["I was on the Changelog once.", "editor of Changelog"]
    assert with_article("Changelog", texts) == "The Changelog"
    assert with_article("Changelog", ["editor of Changelog", "Changelog news"]) == "Changelog"
    assert with_article("Harbour Notes", ["episodes of the Harbour Notes podcast"]) == "Harbour Notes"
    assert with_article("pixls.us", ["the pixls.us forum"]) == "pixls.us"


def test_front_matter_keys_and_the_pages_own_address():
    assert front_matter_evidence({"podcast": "Night Owls"})[0].name == "Night Owls"
    assert front_matter_evidence({"source": "https://github.com/a/b"}) == []
    found = address_evidence({"aliases": ["/harbour-labs/harbour-podcast/2020-01-28-mara-quill/"]}, {})
    assert [e.name for e in found] == ["Harbour Podcast"]
    assert address_evidence({"permalink": "/interviews/mara-quill/"}, {}) == []  # no section named so
    found = address_evidence(
        {"canonical": "https://tidelinemagazine.com/2020/05/mara/"},
        {"url": "https://www.tidelinemagazine.com/2020/05/mara/"},
    )
    assert [e.name for e in found] == ["tidelinemagazine.com"]  # one address, however many keys give it
    assert address_evidence({"url": "https://maraquill.net/"}, {}, ["Mara Quill"]) == []  # her own site


def test_the_authors_bio_names_the_one_other_site_it_links():
    front = {
        "author-url": "https://kaimoss.net",
        "author-bio": "I <a href='https://blog.kaimoss.net'>write</a>, I <a href='http://flickr.com/kai'>shoot</a>."
        " Sometimes they <a href='//harbournotes.org'>meet</a>.",
    }
    assert bio_site(front, []).name == "harbournotes.org"
    front["author-bio"] += " <a href='https://tideline.net'>Also</a>"
    assert bio_site(front, []) is None  # two sites: which one the author writes for is unknown


GODOT_LIKE = (
    "Welcome to another interview after [the showcase page](https://harbourengine.org/article/showcase)! "
    "We talk to Mara Quill about [her game](https://harbourengine.org/showcase/her-game) and "
    "[her studio](https://maraquill.studio/)."
)


def test_the_site_an_article_links_for_its_own_pages_when_the_title_names_it():
    found = linked_site(GODOT_LIKE, "Harbour Showcase - Mara Quill on her game", [GODOT_LIKE], ["Mara Quill"])
    assert found is not None and found.name == "harbourengine.org"
    # The title names a person only (an interview page that links the products it talks about):
    assert linked_site(GODOT_LIKE, "Mara Quill", [GODOT_LIKE], ["Mara Quill"]) is None
    # The site is the interviewee's project or employer:
    founder = GODOT_LIKE + " Mara is one of the co-founders of Harbour."
    assert linked_site(founder, "Harbour Showcase", [founder], ["Mara Quill"]) is None
    # The site is spelled with the interviewee's name (their own website):
    own = GODOT_LIKE.replace("harbourengine.org", "quillgames.org")
    assert linked_site(own, "Quill games showcase", [own], ["Mara Quill"]) is None
    # A project with two sites, as many of its own pages linked on each: which one published it is unknown.
    two = GODOT_LIKE.replace("harbourengine.org/showcase", "harbourengine.dev/showcase")
    assert linked_site(two, "Harbour Showcase", [two], []) is None
    # ... but not when one of them is linked only for its documentation.
    docs = two + " See [the docs](https://harbourengine.dev/docs/install) and [more](https://harbourengine.org/2020/05/x)."
    assert linked_site(docs, "Harbour Showcase", [docs], []).name == "harbourengine.org"


ANSWERS_NAME_EMPLOYERS = """\
---
title: Mara Quill
---

### Who are you, and what do you do?

I'm Mara Quill, the Editor-in-Chief of Tideline Weekly. My first book was published by Harbour Press.

### What hardware do you use?

A laptop, [a camera](https://harbourcams.com/2019/05/x/) and [a lens](https://harbourcams.com/2019/06/y/).
"""


def test_what_the_interviewee_says_about_their_employer_names_no_publication_or_interviewer():
    article = split(ANSWERS_NAME_EMPLOYERS)
    assert (article.publication, article.interviewer) == ("", "")
    assert split(ANSWERS_NAME_EMPLOYERS, publication="The Desk").publication == "The Desk"  # folder wins


HOST_WORDS = """\
Bryan: Hello and welcome, this week on Night Owls Radio we talk to Mara Quill.

Mara: Thanks for having me.

Bryan: How did you start recording sounds?

Mara: With a cheap recorder.

Bryan: What gear do you carry now?

Mara: Two microphones.

Bryan: Thanks, Mara. You can hear more episodes of the Night Owls Radio podcast every week.
"""


def test_a_hosts_own_words_name_the_show_and_explain_says_so():
    article = split(HOST_WORDS, "night-owls.txt")
    assert article.publication == "Night Owls Radio"
    assert article.sources["publication"].startswith("text: this week on Night Owls Radio")


def _split(text: str, name: str):
    return split_source(source_from_bytes(text.encode(), name))


def test_a_site_name_before_the_title_is_the_site_when_the_page_links_its_host():
    page = (
        "<html><head><title>Artzar - Timothy Leary Interview</title></head><body>"
        "<p>An Interview with Timothy Leary<br>by Mark Katzman</p>"
        "<p>I spoke with Timothy Leary by phone at his home in the fall of 1995, at the height of it all.</p>"
        "<p><b>What brought the computer into being?</b></p><p>The brain. The brain wants light.</p>"
        "<p><b>And our neurons need this?</b></p><p>That's what my brain tells me.</p>"
        '<p>&copy; 2000 <a href="http://www.artzar.com/">Artzar.com</a> - All Rights Reserved</p>'
        "</body></html>"
    )
    article = _split(page, "leary.html")
    assert article.title == "Timothy Leary Interview"
    assert article.publication == "Artzar"


def test_a_republication_note_names_where_the_interview_first_ran_and_leaves_the_answer():
    text = (
        "---\ntitle: How Java Keeps Reinventing Itself\n---\n\n"
        "I was interviewed on this topic and I'm happy to share it here.\n\n"
        "**Anne:** What makes Java relevant today?\n\n**Hanno:** Its release cadence.\n\n"
        "**Anne:** What would you tell a beginner?\n\n**Hanno:** Start now.\n\n"
        "## Acknowledgements\n\n"
        "This interview was originally published in Dutch on the [Info Support website](https://example.nl/x)"
        " and has been translated and published here with permission.\n"
    )
    article = _split(text, "java.md")
    assert article.publication == "Info Support"
    assert "originally published" not in article.passages[-1].answer
    note = "Up It first appeared in Zavtone 11 (Japan, 1998) in Japanese translation."
    page = text.replace(text[text.index("## Ack") :], note + "\n")
    assert _split(page, "zavtone.md").publication == "Zavtone"


def test_a_host_introducing_the_conversation_names_the_show():
    text = (
        "---\ntitle: Steve Vai Interview\nauthor: anthony-garone\n---\n\n"
        "Below is a one-hour interview with Steve Vai, filmed in his studio.\n\n"
        "A: Anthony from MakeWeirdMusic.com and I'm here with Steve Vai. Could you introduce yourself?\n\n"
        "S: My name is Steve Vai and I play the guitar.\n\n"
        "A: What makes Make Weird Music your kind of place?\n\n"
        "S: The weirdness, of course.\n\n"
        "A: What are you working on now?\n\nS: A new record.\n"
    )
    article = _split(text, "vai.md")
    assert article.publication == "Make Weird Music"
    assert article.interviewees == ["Steve Vai"]
    assert article.interviewer == "Anthony"
    assert len([p for p in article.passages if p.kind == "qa"]) == 3
