"""Markup families removed before blocks are made (index/blocks/markup.py), and HTML inside Markdown
read as the Markdown it stands for (index/blocks/markdown.py)."""

from __future__ import annotations

from index.blocks import build_document
from index.blocks.markup import strip_markup
from index.read import detect_format


def texts(doc) -> list[str]:
    return [b.text for b in doc.blocks]


def test_template_tags_shortcodes_and_attributes_go():
    source = (
        "Before.\n\n"
        '{% include image.html\nfile="a.jpg" caption="A photo" %}\n\n'
        '{{% feature-panel %}}\n\n{{< figure src="b.png" >}}\n\n'
        '{: .interviewer }\n\n::c-img{src="c.png"}\n\n'
        "### [What do you do?]{.mw-headline}\n\n[]{#what_do_you_do}\n\n"
        '![](d.png){width="150"\nheight="150"}\n\n<!--break-->\n\nAfter.'
    )
    doc = build_document(source, "markdown")
    assert texts(doc) == ["Before.", "What do you do?", "After."]
    reasons = {d.reason for d in doc.dropped}
    assert "template tag (Liquid/Jekyll)" in reasons and "template shortcode (Hugo)" in reasons
    assert "attribute or component markup line" in reasons


def test_layout_codes_are_paragraph_breaks_in_plain_text():
    text = "{center}{subhead} Title{def}{p}\nLine one\ncontinues.\n{p}\nLine two.\n{pp}\nEnd."
    doc = build_document(text, "text")
    assert texts(doc) == ["Title", "Line one", "continues.", "Line two.", "End."]
    assert [b.gap for b in doc.blocks] == [True, True, False, True, True]
    # A brace or two in ordinary text is not a layout convention.
    assert strip_markup("Use {x} and {y} here.", "text")[0] == "Use {x} and {y} here."


def test_an_unclosed_template_tag_is_left_as_text():
    text = "{% " * 5000 + "end"
    assert strip_markup(text, "markdown")[0].endswith("end")


def test_html_in_markdown_is_read_as_markdown():
    source = (
        '<div>\n  <p>\n    <span style="color:#CC3333;"><strong>Kai>></strong> Why maps?</span>\n  </p>\n'
        "  <p>\n    <strong>Ana>></strong> Because coastlines.\n  </p>\n"
        "  <p>\n    More than that, rivers.\n  </p>\n"
        '<figure>\n<img src=x alt="The atlas">\n<figcaption>Photo by Ola</figcaption>\n</figure>\n'
        '<iframe src="https://example.org/v"></iframe>\n</div>\n'
    )
    doc = build_document(source, "markdown")
    question, answer, more, caption = doc.blocks
    assert (question.text, question.color, question.lead) == ("Kai>> Why maps?", "#cc3333", "Kai>>")
    assert (answer.text, answer.lead) == ("Ana>> Because coastlines.", "Ana>>")
    assert more.text == "More than that, rivers." and not more.code  # indentation inside HTML is layout
    assert caption.caption and "Photo by Ola" in caption.text
    assert any(d.text == "<iframe>" for d in doc.dropped)


def test_leads_and_whole_line_emphasis():
    doc = build_document("**Ana:** Yes.\n\n_Kai:_ Why?\n\n*LF: Why not?*\n\n**Bold question?**", "markdown")
    ana, kai, whole, bold = doc.blocks
    assert (ana.lead, kai.lead) == ("Ana:", "Kai:")
    assert whole.emphasis and not whole.lead
    assert bold.strong


def test_markdown_files_stay_markdown_whatever_html_they_hold():
    html_heavy = "<p>one</p><div>two</div><p>three</p><figure><img src=x></figure>"
    assert detect_format(html_heavy, "post.md") == "markdown"
    assert detect_format(html_heavy, "post.txt") == "html"


def test_html_pages_mostly_in_pre_are_read_as_text():
    page = (
        "<html><body><pre>\nKT: How did it start?\nLB: Slowly.\n\nKT: And then?\nLB: Fast.\n</pre>"
        "</body></html>"
    )
    doc = build_document(page, "html")
    assert texts(doc) == ["KT: How did it start?", "LB: Slowly.", "KT: And then?", "LB: Fast."]
    assert not any(b.code for b in doc.blocks)


def test_html_signals_italic_colour_and_lead():
    page = "<p><font color=blue><i>An italic answer.</i></font></p><p><b>Linus</b>: I wrote it.</p>"
    italic, lead = build_document(page, "html").blocks
    assert italic.emphasis and italic.color == "blue"
    assert lead.lead == "Linus"


def test_clean_inline_fast_path_agrees_with_the_patterns():
    from index.blocks import _INVISIBLE, _SPACES, clean_inline

    samples = ["words", " a  b\tc ", "caf\u00e9 ok", "a\u00a0b", "a\u200bb", "x\u2003 y", "soft\u00adhy"]
    for text in samples:
        assert clean_inline(text) == _SPACES.sub(" ", _INVISIBLE.sub("", text)).strip()


def test_markdown_line_shapes_still_read():
    doc = build_document(
        "Title\n=====\n\n> quoted words\n\n* a bullet\n\n1. numbered\n\n---\n\n**Bold line?**\n\n"
        "[1]: http://example.org\n\n#### Heading\n\nSee [the site][1] and <http://x.org>.",
        "markdown",
    )
    shapes = [(b.text, b.heading, b.quote, b.list_item, b.strong) for b in doc.blocks]
    assert shapes == [
        ("Title", 1, False, False, False),
        ("quoted words", 0, True, False, False),
        ("- a bullet", 0, False, True, False),
        ("1. numbered", 0, False, True, False),
        ("Bold line?", 0, False, False, True),
        ("Heading", 4, False, False, False),
        ("See the site and http://x.org.", 0, False, False, False),
    ]
