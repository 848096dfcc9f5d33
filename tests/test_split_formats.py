"""Each way publications mark questions splits into the right passages (fixtures in fixtures/articles)."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.corpus import parse_file
from index.model import ArticleError

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "articles"


def split(name: str, **kwargs):
    return parse_file(FIXTURES / name, enrich=False, **kwargs)


def questions(article) -> list[str]:
    return [p.question for p in article.passages if p.kind == "qa"]


def answer_to(article, question_start: str) -> str:
    return next(p.answer for p in article.passages if p.question.startswith(question_start))


def test_plain_text_question_lines_with_several_sentences():
    article = split("plain_questions.txt")
    assert article.format == "text"
    assert questions(article) == [
        "Hi Mara, thanks for having us. How did you get started with clay?",
        "What does a normal working day look like for you? Do you keep fixed hours?",
        "Where do you sell your work?",
        "What advice would you give someone who wants to start?",
    ]
    # Answers run over several lines without blank lines between them; every line is kept.
    first = answer_to(article, "Hi Mara")
    assert first.split("\n") == [
        "I took a night class in 2009 and never stopped. The teacher let me stay late and clean the wheels.",
        "Within a year I had a corner of her studio and a key to the back door.",
    ]
    assert article.passages[0].kind == "intro"
    assert article.passages[0].answer == "We sat down with Mara Quist at her studio on a rainy afternoon."
    assert article.interviewees == ["Mara Quist"]  # greeted as "Mara", named in full in the intro


def test_prompts_without_question_marks():
    article = split("prompts.txt")
    assert questions(article) == [
        "Hi Lena, we’d love for you to start by introducing yourself.",
        "Tell us about your latest project.",
        "Please describe your process from sketch to print.",
        "Walk us through a typical week.",
    ]
    assert article.title == "Studio Notes: Lena Ortiz"
    assert article.interviewees == ["Lena Ortiz"]


def test_markdown_headings_with_a_sub_heading_and_a_question_mark_in_an_answer():
    article = split("headings.md")
    assert article.format == "markdown"
    assert article.title == "Behind the Bench: Ravi Menon"
    assert questions(article) == [
        "How did you learn the trade?",
        "What is the hardest repair you have done?",
        "What would you tell someone who wants to learn?",
    ]
    assert "A note on tools" in answer_to(article, "How did you learn")
    assert "Was it worth it?" in answer_to(article, "What is the hardest")
    assert article.passages[0].kind == "intro" and article.passages[0].number == 0
    assert article.interviewees == ["Ravi Menon"]


def test_bold_and_bold_italic_paragraph_questions():
    article = split("bold.md")
    assert questions(article) == [
        "How did you become a type designer?",
        "What makes a newspaper typeface different?",
        "Which tools do you use every day?",
        "Tell us about the Korean project.",
    ]
    assert answer_to(article, "Which tools").startswith("A pencil, tracing paper")
    assert "*" not in " ".join(p.question + p.answer for p in article.passages)


@pytest.mark.parametrize("name", ["qa_labels.txt", "qa_dots.txt"])
def test_q_and_a_labels(name):
    article = split(name)
    assert len(questions(article)) >= 3
    for passage in article.passages:
        assert not passage.question.startswith(("Q:", "Q."))
        assert not passage.answer.startswith(("A:", "A."))
    if name == "qa_labels.txt":
        assert questions(article)[0] == "When did you build your first boat?"
        # An unlabelled line after an answer continues that answer.
        assert answer_to(article, "What wood").endswith("I buy the trees standing and help to cut them down.")
        assert article.interviewees == ["Tomas Berg"]
    else:
        assert questions(article) == [
            "How did you become a railway photographer?",
            "What is your favourite line?",
            "Any advice for beginners?",
        ]


def test_speaker_initials():
    article = split("initials.txt")
    assert questions(article) == [
        "Nadia, you opened the bakery in 2015. Why a bakery first?",
        "What is the hardest part of running both?",
        "What is on the menu this spring?",
    ]
    assert article.interviewees == ["Nadia Haddad"]
    assert all(p.answerers == ["Nadia Haddad"] for p in article.passages if p.kind == "qa")
    assert answer_to(article, "Nadia, you opened").startswith("Bread was what I knew.")
    assert "NH:" not in " ".join(p.answer for p in article.passages if p.kind == "qa")


def test_publication_label_and_first_name_answers():
    article = split("publication_label.txt")
    assert questions(article) == [
        "Omar, how did the community garden start?",
        "What grows there now?",
        "How can people help?",
    ]
    assert article.interviewees == ["Omar Said"]
    assert all(p.answerers == ["Omar Said"] for p in article.passages if p.kind == "qa")
    assert answer_to(article, "How can people").startswith("Come on a Saturday morning.")


def test_html_headings_h2_to_h4_and_page_furniture():
    article = split("headings.html")
    assert article.format == "html"
    assert article.title == "In the Studio with Aiko Mori"
    assert article.url == "https://paperweekly.example/aiko-mori"
    assert article.date == "2024-03-05"
    assert questions(article) == [
        "How did you start making paper?",
        "Where does your bark come from?",
        "What do your customers make with it?",
    ]
    assert answer_to(article, "How did you start").endswith("I stayed for six years.")
    customers = answer_to(article, "What do your customers")
    assert "A small aside" in customers and "The dress was for my cousin." in customers
    everything = " ".join(p.question + " " + p.answer for p in article.passages)
    for furniture in ("Archive", "Paper Weekly —", "analytics", "font-family", "TODO", "Facebook", "rights"):
        assert furniture not in everything
    assert article.captions == ["A sheet drying in the sun – ©Aiko Mori – 02"]
    reasons = {d.reason for d in article.dropped}
    assert "HTML comment" in reasons
    assert "script, style or embedded content" in reasons


def test_html_strong_and_b_paragraphs():
    article = split("strong.html")
    assert questions(article) == [
        "When did you build your first frame?",
        "What makes steel a good material for frames?",
        "Tell us about the waiting list.",
    ]
    assert "Why would I use anything else?" in answer_to(article, "What makes steel")
    assert article.title == "Bicycle Builders: Sam Okafor"
    assert article.interviewees == ["Sam Okafor"]


def test_html_class_question():
    article = split("class_question.html")
    assert questions(article) == [
        "What does a night in the emergency department look like?",
        "How do you sleep during the day?",
        "Would you ever go back to days?",
    ]
    # A "?" inside an answer does not start a question when the page marks its questions.
    assert "Who else would listen to the radio" in answer_to(article, "Would you ever")
    assert "Quiet until midnight" in answer_to(article, "What does a night")
    assert "By four in the morning it is quiet again." in answer_to(article, "What does a night")
    assert "Lina Haddad" in article.interviewees[0]


def test_html_class_question_page_with_one_question_as_a_heading():
    article = split("class_question_mixed.html")
    assert questions(article) == [
        "Ana, can you tell us about your journey?",
        "What was the hardest part?",
        "What's next?",
    ]
    assert "Why animation?" in answer_to(article, "Ana, can you")
    assert answer_to(article, "What's next?") == "My film THE RED DOOR premieres next year."


def test_group_interview_records_who_answered():
    article = split("group.md")
    assert article.interviewees == ["Ana Ruiz", "Ben Cole", "Chen Wei"]
    assert article.publication == "Sound Check Magazine"
    passages = [p for p in article.passages if p.kind == "qa"]
    assert len(passages) == 3
    assert passages[0].answerers == ["Ana Ruiz", "Ben Cole", "Chen Wei"]
    assert passages[1].answerers == ["Ana Ruiz", "Chen Wei"]
    assert passages[2].answerers == ["Ben Cole", "Ana Ruiz"]
    # With several voices in one answer, each paragraph keeps its speaker.
    assert "Chen: Only the bad ones." in passages[1].answer


def test_text_whose_line_breaks_were_lost():
    article = split("lost_breaks.txt")
    assert questions(article)[-4:] == [
        "What does a beekeeper do in winter?",
        "Have you ever been badly stung?",
        "Why do people get so nervous around bees?",
        "What would you tell someone who wants to start?",
    ]
    assert "How many hives do you keep?" in questions(article)[0]
    assert answer_to(article, "Have you ever").startswith("Many times, but never badly.")
    assert any("line breaks" in w for w in article.warnings)


def test_question_mark_inside_a_plain_text_answer():
    article = split("answer_question_mark.txt")
    assert questions(article) == [
        "What made you apply for the job?",
        "What do people borrow most?",
        "But is the van still needed now that everyone has the internet?",
        "What is the best part of the job?",
    ]
    job = answer_to(article, "What made you apply")
    assert "how hard can that be?" in job
    assert "I still ask myself: would I do it again?" in job
    assert job.endswith("I got stuck twice in my first winter and I still love it.")


def test_boilerplate_of_every_kind_stays_out_of_passages():
    article = split("boilerplate.txt")
    assert article.title == "Check Out Priya Nair’s Story"
    assert article.interviewees == ["Priya Nair"]
    assert len(questions(article)) == 3
    text = "\n".join(p.question + "\n" + p.answer for p in article.passages)
    for furniture in (
        "Home",
        "Menu",
        "Skip to content",
        "Connect",
        "To Top",
        "Share",
        "Today we’d like",
        "©",
        "Photo:",
        "Contact Info",
        "Website",
        "Instagram",
        "Image Credits",
        "Marco Li",
        "courtesy",
        "Suggest a Story",
        "Leave a Reply",
        "Your email address",
        "Comment",
        "Save my name",
        "More in local",
        "Related Posts",
    ):
        assert furniture not in text, furniture
    assert not any(p.kind == "intro" for p in article.passages)
    assert article.captions == ["Open Book – ©Priya Nair – 01", "Photo: The bindery at dawn"]
    assert {link.label: link.url for link in article.links} == {
        "Website": "https://priyabinds.example",
        "Instagram": "https://www.instagram.com/priyabinds/",
        "Email": "mailto:priya@priyabinds.example",
    }
    assert article.image_credits == ["Priya Nair", "Open Book Studio", "Marco Li"]
    dropped = {d.text: d.reason for d in article.dropped}
    assert "share" in dropped["Share Tweet Pin"]
    assert dropped["To Top"] == "site navigation or share button"
    assert dropped["Leave a Reply"] == "comment form"
    assert "lead-in" in dropped["Today we’d like to introduce you to Priya Nair."]


def test_front_matter_metadata():
    article = split("front_matter.md")
    assert article.title == "Working Late with Dana Wu"
    assert article.interviewees == ["Dana Wu"]
    assert article.publication == "Night Owls Quarterly"
    assert article.date == "2022-05-17"
    assert article.url == "https://nightowls.example/dana-wu"
    assert article.categories == ["illustration", "comics"]
    assert article.summary == "Illustrator and night worker"
    assert article.image_credits == ["Lee Park"]
    assert questions(article) == ["Who are you, and what do you do?", "What hardware do you use?"]
    assert "[lamp]" not in article.passages[-1].answer
    assert {"reference-link definition"} <= {d.reason for d in article.dropped}


def test_front_matter_publication_beats_the_option_which_beats_the_folder(tmp_path):
    folder = tmp_path / "corpus" / "weekly"
    folder.mkdir(parents=True)
    (folder / "publication.yml").write_text("name: The Weekly\n", encoding="utf-8")
    plain = folder / "plain.txt"
    plain.write_bytes((FIXTURES / "prompts.txt").read_bytes())
    with_front = folder / "front.md"
    with_front.write_bytes((FIXTURES / "front_matter.md").read_bytes())
    root = tmp_path / "corpus"
    assert parse_file(plain, corpus_root=root, enrich=False).publication == "The Weekly"
    assert (
        parse_file(plain, corpus_root=root, publication="Other Mag", enrich=False).publication == "Other Mag"
    )
    assert parse_file(with_front, corpus_root=root, publication="Other Mag", enrich=False).publication == (
        "Night Owls Quarterly"
    )
    assert parse_file(plain, corpus_root=root, enrich=False).id == "weekly/plain"


@pytest.mark.parametrize(("name", "fmt"), [("markdown_in.txt", "markdown"), ("saved_page.txt", "html")])
def test_format_is_recognised_by_content_not_only_by_name(name, fmt):
    article = split(name)
    assert article.format == fmt
    assert len(questions(article)) == 2
    if fmt == "markdown":
        assert article.interviewees == ["Rosa Lind"]
        assert answer_to(article, "What are you listening").startswith("Mostly old radio plays while I work.")
    else:
        assert article.title == "Q&A: Noor Khalil on glass"
        assert "<p>" not in " ".join(p.answer for p in article.passages)
        assert article.interviewees == ["Noor Khalil"]


@pytest.mark.parametrize("name", ["not_interview.txt", "no_questions.md"])
def test_articles_without_questions_are_refused(name):
    with pytest.raises(ArticleError) as info:
        split(name)
    assert name in str(info.value)
    assert "no questions" in info.value.reason


def test_a_greeting_line_just_before_a_question_is_part_of_it(tmp_path):
    path = tmp_path / "greeting.txt"
    path.write_text(
        "A Chat with Zhe Song\n\n"
        "Hi Zhe, thanks for joining us today.\nAre you happy as a creative professional?\n"
        "Yes, mostly. I love the work and the people.\n\n"
        "Thank you, Zhe.\nWhat is next for you?\nA feature film, if the money comes through.\n",
        encoding="utf-8",
    )
    article = parse_file(path, enrich=False)
    assert questions(article) == [
        "Hi Zhe, thanks for joining us today. Are you happy as a creative professional?",
        "Thank you, Zhe. What is next for you?",
    ]
    assert article.passages[0].answer == "Yes, mostly. I love the work and the people."


LEAD_MD = (
    "Quick Questions: Ana Lima\n\n"
    "**What are you reading?** A history of salt. It is better than it sounds.\n\n"
    "**What are you listening to?** Mostly radio plays, and a **lot** of jazz.\n"
)
LEAD_HTML = (
    "<h1>Quick Questions: Ana Lima</h1>"
    "<p><strong>What are you reading?</strong> A history of salt. It is better than it sounds.</p>"
    "<p><b>What are you listening to?</b><br> Mostly radio plays, and a <b>lot</b> of jazz.</p>"
)


@pytest.mark.parametrize(("name", "text"), [("lead.md", LEAD_MD), ("lead.html", LEAD_HTML)])
def test_bold_question_leading_its_answer_in_one_paragraph(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    article = parse_file(path, enrich=False)
    assert questions(article) == ["What are you reading?", "What are you listening to?"]
    assert article.passages[0].answer == "A history of salt. It is better than it sounds."
    assert article.passages[1].answer == "Mostly radio plays, and a lot of jazz."


def test_html_contact_list_image_credits_and_a_meet_headline():
    article = split("contact_block.html")
    assert article.title == "Meet Zoe Park"
    assert article.interviewees == ["Zoe Park"]
    assert [(link.label, link.url) for link in article.links] == [
        ("Website", "https://zoepark.example/"),
        ("Instagram", "https://instagram.com/zoepaints"),
    ]
    assert article.image_credits == ["Sam Lee", "Ana Cruz"]
    assert answer_to(article, "What is next?") == "A mural for the new library, if the council agrees."
    assert not any(p.kind == "intro" for p in article.passages)


def test_a_headline_front_matter_title_is_not_taken_for_a_name(tmp_path):
    path = tmp_path / "evening.md"
    path.write_text(
        "---\ntitle: An Evening with Jo Marsh\n---\n\n## What do you do?\n\nI sing.\n\n## Why?\n\nBecause.\n",
        encoding="utf-8",
    )
    article = parse_file(path, enrich=False)
    assert article.title == "An Evening with Jo Marsh"
    assert article.interviewees == ["Jo Marsh"]


ITALIC_MD = (
    "# A Talk with Ana Lima\n\n"
    "Ana Lima draws maps of cities that never were. We met her in her studio in Porto last spring.\n\n"
    "*Good to know you are back. Let’s get you warmed up: what did you draw this morning?*\n\n"
    "A harbour. It always starts with water.\n\n"
    "*Fair. I read that you never use a ruler. Why not?*\n\n"
    "Rulers make every street look planned, and real streets are not.\n\n"
    "*So the cities grow the way real ones do.*\n\n"
    "Exactly, one house at a time, and then a wall around them.\n\n"
    "*What comes next?*\n\n"
    "A book of coastlines.\n\n"
    "*You are moving towards the sea.*\n\n"
    "Everyone does, sooner or later.\n\n"
    "*Ana Lima lives in Porto and teaches drawing at the school of fine arts there, where she has "
    "taught since 2004.*\n"
)


def test_italic_paragraphs_are_the_questions_and_statements_set_like_them_are_prompts(tmp_path):
    """A formatting contrast marks the interviewer: whole-italic paragraphs alternating with plain ones,
    questions that open with a remark, and statements set the same way ("You are moving towards the
    sea."); the italic author bio after the last answer is not a question."""
    path = tmp_path / "italic.md"
    path.write_text(ITALIC_MD, encoding="utf-8")
    article = parse_file(path, enrich=False)
    assert questions(article) == [
        "Good to know you are back. Let’s get you warmed up: what did you draw this morning?",
        "Fair. I read that you never use a ruler. Why not?",
        "So the cities grow the way real ones do.",
        "What comes next?",
        "You are moving towards the sea.",
    ]
    assert article.passages[-1].answer.startswith("Everyone does, sooner or later.")


BOLD_HTML = (
    "<html><head><title>Up It</title></head><body>"
    "<p>An interview with Ana Lima<br>by Jo Park</p>"
    "<p>Ana Lima draws maps of cities that never were. I spoke with her by phone in the fall.</p>"
    "<p><b>What brought you to maps?</b></p><p>My grandfather's atlas.</p>"
    "<p><b>It's all moving very fast, isn't it.</b></p><p>It always was. We just see it now.</p>"
    "<p><b>And the coastlines?</b></p><p>They come last, like the tide.</p>"
    "<p><b>Why the sea?</b></p><p>Because it never holds still.</p>"
    "<p><b>You're moving towards a transition.</b></p><p>We all are.</p>"
    "<p><i>Up It first appeared in a magazine in 1998.</i></p>"
    "</body></html>"
)


def test_bold_statements_between_bold_questions_are_prompts(tmp_path):
    path = tmp_path / "bold_statements.html"
    path.write_text(BOLD_HTML, encoding="utf-8")
    article = parse_file(path, enrich=False)
    assert questions(article) == [
        "What brought you to maps?",
        "It's all moving very fast, isn't it.",
        "And the coastlines?",
        "Why the sea?",
        "You're moving towards a transition.",
    ]
    assert article.passages[-1].answer.startswith("We all are.")


LISTED_MD = (
    "---\ntitle: Interview with Ana Lima, Team Member\n---\n\n"
    "Ana Lima is a maintainer of the project and a PhD student in Porto, where she studies maps.\n\n"
    "1. __Tell us about yourself.__\n\n"
    "    I study maps in Porto, and I maintain the project in the evenings.\n\n"
    "    - GitHub: [@ana](https://github.com/ana)\n\n"
    "1. __How did you first become involved in open source?__\n\n"
    "    A friend installed Linux on my first computer.\n\n"
    "    It stuck.\n\n"
    "1. __We would love to learn of your journey.__\n\n"
    "    It started with a typo fix and never stopped.\n\n"
    "1. __What are your hobbies?__\n\n"
    "    Hiking and drawing.\n"
)


def test_questions_as_numbered_bold_list_items_with_indented_answers(tmp_path):
    """Indented paragraphs under a list item continue it (they are no code block), and bold list items
    set like the questions are the questions, statements among them too."""
    path = tmp_path / "listed.md"
    path.write_text(LISTED_MD, encoding="utf-8")
    article = parse_file(path, enrich=False)
    assert questions(article) == [
        "Tell us about yourself.",
        "How did you first become involved in open source?",
        "We would love to learn of your journey.",
        "What are your hobbies?",
    ]
    assert article.passages[2].answer == "A friend installed Linux on my first computer.\n\nIt stuck."
    assert article.interviewees == ["Ana Lima"]


def test_a_transcript_with_a_timestamp_on_every_line_and_no_speaker_labels(tmp_path):
    """Each line is one sentence with its time and turns change silently: the stamps come off, the
    question lines run together into one question with the host's short lead-in ("Cool."), and each
    passage starts at its first line's time."""
    lines = [
        "00:00:00 Document databases have made building software much easier for many applications.",
        "00:00:09 Embedded databases made shipping an application with a database a no-brainer.",
        "00:00:33 That's why I'm excited to introduce you to Marcus Siemens and TinyDB.",
        "00:02:27 Marcus, welcome to Talk Python To Me.",
        "00:02:30 Thanks for having me.",
        "00:03:07 But before we get into that, of course, let's talk about your story.",
        "00:03:11 How did you get into programming in Python?",
        "00:03:12 When I was about 10 years old, my dad bought me a book about C++.",
        "00:03:21 I didn't really understand much, I just copied the examples.",
        "00:03:49 Cool.",
        "00:03:49 And what were some of the first apps you built?",
        "00:03:52 What kind of work was that?",
        "00:03:53 My first application was a Hangman game in Java.",
        "00:03:58 I made everything public static, and my dad was horrified.",
        "00:04:10 They're everywhere, those games, you know, and people love them still today.",
    ]
    path = tmp_path / "episode.txt"
    path.write_text("\n\n".join(lines) + "\n", encoding="utf-8")
    article = parse_file(path, enrich=False)
    assert questions(article) == [
        "But before we get into that, of course, let's talk about your story. "
        "How did you get into programming in Python?",
        "Cool. And what were some of the first apps you built? What kind of work was that?",
    ]
    qa = [p for p in article.passages if p.kind == "qa"]
    assert [p.start for p in qa] == [187.0, 229.0]
    assert qa[1].answer.startswith("My first application was a Hangman game in Java.")
    assert article.interviewees == ["Marcus Siemens"]


def test_dated_comment_headings_are_no_questions(tmp_path):
    page = (
        "<html><body><h1>L'interview d'Ifigeneia Kotsoni</h1><p>by Louise Roussel</p>"
        "<h3>Attention, la lecture des réponses peut vous dévoiler le contenu du film.</h3>"
        "<h4>• Comment vous est venue l’idée de ce film ?</h4><p>En lisant une phrase d’Einstein.</p>"
        "<h4>• Quel message vouliez vous passer?</h4><p>Il faut arrêter toutes les guerres.</p>"
        "<h4>• Et de négatif?</h4><p>Rien.</p>"
        "<h4>Start Bootstrap <small>August 25, 2014 at 9:30 PM</small></h4><p>Cras sit amet nibh libero.</p>"
        "</body></html>"
    )
    path = tmp_path / "interview.html"
    path.write_text(page, encoding="utf-8")
    article = parse_file(path, enrich=False)
    assert questions(article) == [
        "Comment vous est venue l’idée de ce film ?",
        "Quel message vouliez vous passer?",
        "Et de négatif?",
    ]
    assert article.interviewees == ["Ifigeneia Kotsoni"]


def test_a_closing_thanks_nobody_answers_is_no_question(tmp_path):
    path = tmp_path / "thanks.md"
    path.write_text(
        "# An Interview with Ana Lima\n\nAna Lima draws maps of cities that never were, in Porto.\n\n"
        "## What is your background?\n\nFine arts, then cartography.\n\n"
        "## Do you have a final comment?\n\nDraw every day.\n\n## Thank you!\n",
        encoding="utf-8",
    )
    article = parse_file(path, enrich=False)
    assert questions(article) == ["What is your background?", "Do you have a final comment?"]


def test_two_italic_questions_one_of_them_a_closing_remark_leave_the_decision_to_wording(tmp_path):
    """A formatting contrast needs two styled questions that something answers: with one left after the
    closing remark (followed by a styled byline) is set aside, the wording decides."""
    path = tmp_path / "two.md"
    path.write_text(
        "# A chat with Ana Lima\n\nAna Lima draws maps of cities that never were, in her Porto studio.\n\n"
        "*What do you draw?*\n\nHarbours, mostly.\n\n"
        "How long does a map take?\n\nA month, sometimes a year.\n\n"
        "*Anything else you want to tell us?*\n\n*Ana Lima teaches drawing in Porto.*\n",
        encoding="utf-8",
    )
    article = parse_file(path, enrich=False)
    assert "How long does a map take?" in questions(article)


def test_questions_run_into_their_answers_keep_every_question_sentence(tmp_path):
    """Each paragraph is the question and then its answer, with no mark between; a question of two
    sentences stays whole."""
    path = tmp_path / "run_together.txt"
    path.write_text(
        "Night Ferry on their second record\n\n"
        "How did the band start? We met in school and played in a garage for years before anyone came.\n\n"
        "Could you tell us about your process? How do you come up with riffs and lyrics that fit? "
        "It starts with a mood, a rainy day or a late night, and the rest just flows from there.\n\n"
        "What comes next for you? A long tour through the north and then a quiet winter at home.\n"
    )
    assert questions(parse_file(path, enrich=False)) == [
        "How did the band start?",
        "Could you tell us about your process? How do you come up with riffs and lyrics that fit?",
        "What comes next for you?",
    ]


OLD_PAGE = """<html><head><title>Interview: Lia Moretti</title></head><body>
<p>Lia Moretti has played guitar in Turin for twenty years. We talked after her last show.</p>
<p>Lia, when did you first pick up a guitar?</p>
<p><i><font color="blue">At nine, on my uncle's old acoustic.</font></i></p>
<p>Your records each end with a cover of an old song.</p>
<p>Why those songs?</p>
<p><i><font color="blue">They are my thanks to the bands I grew up with.</font></i></p>
<p>Do you still play live?</p>
<p><i><font color="blue">Every weekend, in small clubs.</font></i></p>
<p>What comes next?</p>
<p><i><font color="blue">A record with a singer from Genoa.</font></i></p>
</body></html>
"""


def test_answers_set_in_italic_colour_and_plain_questions_with_a_remark_before_one(tmp_path):
    """An early web interview sets the answers apart and the questions plain: each run of plain
    paragraphs before an answer is one question, the remark before "Why those songs?" included."""
    path = tmp_path / "old_page.html"
    path.write_text(OLD_PAGE, encoding="utf-8")
    article = parse_file(path, enrich=False)
    assert questions(article) == [
        "Lia, when did you first pick up a guitar?",
        "Your records each end with a cover of an old song. Why those songs?",
        "Do you still play live?",
        "What comes next?",
    ]
    assert article.passages[0].kind == "intro" and article.passages[0].answer.startswith("Lia Moretti has")


def test_questions_as_headings_inside_blockquotes_and_a_bold_title_after_a_note(tmp_path):
    """A transcribed text magazine: a note first, then the title in bold ("Publication - Interview with
    X", which names the publication), questions as `> #### …` headings."""
    path = tmp_path / "byte.md"
    path.write_text(
        "This transcription was made from screenshots of the magazine; parts of it may be wrong.\n\n"
        "**The Tideline Review - Interview with The Lantern**\n\n"
        "The Lantern wrote the board software half the scene ran on. Here is his interview.\n\n"
        "> #### Could you tell us about the early days?\n\n"
        "They were simple: message systems and a few files passed around by hand.\n\n"
        "> #### What made your software different?\n\n"
        "It was written by a user for users, so it had what we needed.\n",
        encoding="utf-8",
    )
    article = parse_file(path, enrich=False)
    assert questions(article) == [
        "Could you tell us about the early days?",
        "What made your software different?",
    ]
    assert article.title == "The Tideline Review - Interview with The Lantern"
    assert article.publication == "The Tideline Review"


def test_timestamped_lines_reported_speech_and_a_sentence_carried_on_are_no_questions(tmp_path):
    """One sentence a line: a line in lower case carries on the one before it, "They're like, …?" reports
    what someone said, and "And is that …?" asks."""
    lines = [
        "00:00:33 Today I'm talking to Ana Ruiz about maps and Python.",
        "00:01:10 How did you get into programming in Python?",
        "00:01:14 At work people would come along, a co-worker or a boss or somebody.",
        "00:01:20 will say, hey, can you do this thing in Python?",
        "00:01:23 They're like, Python?",
        "00:01:25 And so I learned it, one script at a time, over a whole year of evenings.",
        "00:02:00 Nice.",
        "00:02:01 And is that map work in Python?",
        "00:02:03 No, it isn't.",
        "00:02:05 The maps themselves are drawn in a desktop tool, and Python only fetches the data.",
    ]
    path = tmp_path / "episode.txt"
    path.write_text("\n\n".join(lines) + "\n", encoding="utf-8")
    assert questions(parse_file(path, enrich=False)) == [
        "How did you get into programming in Python?",
        "Nice. And is that map work in Python?",
    ]


def test_one_heading_that_asks_over_italic_list_item_questions_is_a_section_title(tmp_path):
    """A questionnaire: one section heading that happens to ask, then the questions as italic list items
    (nested ones too) with the answers quoted under them."""
    path = tmp_path / "questionnaire.md"
    path.write_text(
        "## Tell us about yourself?\n\n"
        "1. _How did you get started in programming?_\n\n"
        "\t>With electronics kits, then a job at a small start-up.\n\n"
        "1. _What is your job?_\n"
        "\t>I write software for hospitals, as a freelancer.\n\n"
        "    1. _Do you use the language at work?_\n"
        "\t\t>Not yet, but I hope that will change next year.\n",
        encoding="utf-8",
    )
    assert questions(parse_file(path, enrich=False)) == [
        "How did you get started in programming?",
        "What is your job?",
        "Do you use the language at work?",
    ]


def test_an_email_interview_quotes_its_questions_and_says_for_whom_it_was_conducted(tmp_path):
    path = tmp_path / "email.txt"
    path.write_text(
        "Email interview with Ida Brandt, printmaker, Malmö. Conducted by Kai Moss for Harbour Review.\n\n"
        "> When did you start printing?\n\nIn art school, in 2004, because the print room was warmer.\n\n"
        "> Why metal plates?\n\nThey keep every mistake. I like that a plate remembers.\n\n"
        "> What is next?\n\nA book of the harbour series, with essays by friends.\n",
        encoding="utf-8",
    )
    article = parse_file(path, enrich=False)
    assert questions(article) == ["When did you start printing?", "Why metal plates?", "What is next?"]
    assert (article.interviewer, article.publication) == ("Kai Moss", "Harbour Review")
