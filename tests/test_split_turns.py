"""Speaker turns (index/split/turns.py): who asks, which turns open a passage, who answered, and when.

Each test is a small interview written for it, in one of the shapes real articles use."""

from __future__ import annotations

from index.read import source_from_bytes
from index.split import split_source


def split(text: str, name: str = "interview.md"):
    return split_source(source_from_bytes(text.encode("utf-8"), name))


def questions(article) -> list[str]:
    return [p.question for p in article.passages if p.kind == "qa"]


BAND = """---
title: "On the road with Glass Harbour"
---

Glass Harbour are Ida Brandt (vocals) and Tom Weller (drums). Our writer Nils Ek met them before a show.

**Nils Ek: How was the first night of the tour?**

Ida Brandt: Loud. Really loud.

Tom Weller: The monitors died halfway through.

**NE: Did the crowd notice?**

IB: Not at all.

**NE: You recorded the album in a barn.**

TW: A cold one. We wore gloves.

**NE: What comes next?**

IB: Sleep.
"""


def test_initials_are_the_full_name_given_first_and_the_interviewer_asks():
    article = split(BAND)
    assert questions(article) == [
        "How was the first night of the tour?",
        "Did the crowd notice?",
        "You recorded the album in a barn.",  # set apart in bold like the others: a question too
        "What comes next?",
    ]
    assert article.interviewer == "Nils Ek"
    assert article.interviewees == ["Ida Brandt", "Tom Weller"]


def test_several_answerers_stay_one_passage_and_keep_their_names():
    first = split(BAND).passages[1]
    assert first.answerers == ["Ida Brandt", "Tom Weller"]
    assert first.answer == "Ida Brandt: Loud. Really loud.\n\nTom Weller: The monitors died halfway through."
    single = split(BAND).passages[2]
    assert single.answerers == ["Ida Brandt"] and single.answer == "Not at all."


PODCAST = """---
title: Ana Ruiz on maps
speakers:
  - Ana Ruiz
---

Kai Moss (00:00:04): Welcome to Fieldnotes. Today my guest is Ana Ruiz.

Ana Ruiz (00:00:09): Thanks for having me.

Kai Moss (00:00:11): So how did you start making maps?

Ana Ruiz (00:00:15): With a pencil and my grandfather's atlas. I copied coastlines for years.

Kai Moss (00:01:02): Wow.

Ana Ruiz (00:01:03): Then I found the open data projects and never looked back.

Kai Moss (00:01:40): That's amazing, right?

Ana Ruiz (00:01:41): It was a lucky time.

Kai Moss (00:02:00): Tell me about the flood maps you made last year.

Ana Ruiz (00:02:05): We mapped every street in the valley in two weeks, with three hundred volunteers.

Kai Moss (00:03:30): Thank you so much for your time, Ana.

Ana Ruiz (00:03:33): Thank you!
"""


def test_transcript_turns_that_ask_open_passages_and_backchannel_joins_the_answer():
    article = split(PODCAST)
    assert questions(article) == [
        "So how did you start making maps?",
        "Tell me about the flood maps you made last year.",
    ]
    maps = article.passages[1]
    assert "Kai Moss: Wow." in maps.answer
    assert "Kai Moss: That's amazing, right?" in maps.answer  # a tag question asks nothing
    assert maps.answer.startswith("Ana Ruiz: With a pencil")
    assert article.interviewer == "Kai Moss"
    assert article.interviewees == ["Ana Ruiz"]


def test_timestamps_give_each_passage_its_start_in_seconds():
    article = split(PODCAST)
    assert [p.start for p in article.passages if p.kind == "qa"] == [11.0, 120.0]
    assert article.passages[0].kind == "intro"


ONE_SIDED_QUESTIONS = """Lena Varga interview

Welcome to our tenth issue. We talked to the composer Lena Varga about her new record.

TR> How did the record start?

It started with a broken piano in a rented flat. Half the keys stuck.

TR> Which song came first?

The last one on the record, oddly enough.

TR> Will you tour?

Next spring, if the van survives.
"""


def test_only_the_questions_labelled():
    article = split(ONE_SIDED_QUESTIONS, "varga.txt")
    assert questions(article) == ["How did the record start?", "Which song came first?", "Will you tour?"]
    assert article.passages[1].answer.startswith("It started with a broken piano")
    assert article.interviewees == ["Lena Varga"]


ONE_SIDED_ANSWERS = """# Five questions for Sam Kell

Sam Kell builds guitars from old furniture.

- How did you start?

Sam Kell: I broke a chair and kept the legs.

- Where do you find the wood?

Sam Kell: Skips, mostly. People throw away beautiful oak.

Some of it is a hundred years old.

- What do you play yourself?

Sam Kell: Badly, the banjo.
"""


def test_only_the_answers_labelled():
    article = split(ONE_SIDED_ANSWERS)
    assert questions(article) == [
        "How did you start?",
        "Where do you find the wood?",
        "What do you play yourself?",
    ]
    wood = next(p for p in article.passages if p.question.startswith("Where"))
    assert wood.answer.endswith("Some of it is a hundred years old.")  # an unlabelled paragraph continues
    assert article.interviewees == ["Sam Kell"]


PUBLICATION_LABEL = """Interview with Ruth Amsel

Tideline Magazine: Congratulations on the prize. What did you spend it on?
RA: A new roof for the studio.

Tideline Magazine: Is the studio still in the harbour?
RA: Yes, next to the ferry.

Tideline Magazine: Thank you very much for this conversation.
"""


def test_a_publication_as_the_interviewer_label():
    article = split(PUBLICATION_LABEL, "amsel.txt")
    assert questions(article) == [
        "Congratulations on the prize. What did you spend it on?",
        "Is the studio still in the harbour?",
    ]
    assert article.publication == "Tideline Magazine"
    assert article.interviewees == ["Ruth Amsel"]
    assert any("nobody answers" in d.reason or "Thank" in d.text for d in article.dropped) or all(
        "Thank you very much" not in p.question for p in article.passages
    )


COHOSTS = """---
title: Compilers, part 2
speakers:
  - Rosa Lindqvist
---

Ben: Welcome back. Last time we stopped at the parser.

Max: Where do you want to pick up?

Rosa: At error recovery, I think. Nobody talks about it.

Ben: Why is error recovery so hard?

Rosa: Because the parser has to guess what you meant, and guessing is expensive.

Max: Right. And how do you test it?

Rosa: With a corpus of broken programs students sent us over ten years.
"""


def test_co_hosts_both_ask_and_the_listed_guest_answers():
    article = split(COHOSTS)
    assert article.interviewees == ["Rosa Lindqvist"]
    assert set(article.interviewer.split(" and ")) == {"Ben", "Max"}
    assert questions(article)[-1] == "Right. And how do you test it?"


def test_two_speakers_never_take_one_name():
    text = """---
title: "Ida Brandt talks to Harbour Notes"
---

Ida Lind of Harbour Notes caught up with Ida Brandt before her show.

Ida>> How did the tour start?

Brandt>> With a broken van.

Ida>> What comes next?

Brandt>> A record about that van.
"""
    article = split(text)  # "Ida" could be either; "Brandt" can only be Ida Brandt
    assert (article.interviewer, article.interviewees) == ("Ida Lind", ["Ida Brandt"])


def test_a_and_s_initials_are_people_not_the_answer_label():
    """Beside "S:", "A:" is the interviewer's initial (Anthony), not the "A:" of Q/A: the interviewer is
    whoever asks, and the answering initial is the person the headline names."""
    text = (
        "---\ntitle: Steve Vai Interview\n---\n\n"
        "Below is a one-hour interview with Steve Vai, filmed in the studio.\n\n"
        "A: Steve, could you introduce yourself?\n\nS: My name is Steve and I play the guitar.\n\n"
        "A: How did you start?\n\nS: With my brother's records, a long time ago.\n\n"
        "A: I *do*.\n\nS: And then I found a teacher who changed everything.\n\n"
        "A: What are you working on now?\n\nS: A new record with an orchestra.\n"
    )
    article = split_source(source_from_bytes(text.encode(), "vai.md"))
    assert [p.question for p in article.passages if p.kind == "qa"] == [
        "Steve, could you introduce yourself?",
        "How did you start?",
        "What are you working on now?",
    ]
    assert article.interviewees == ["Steve Vai"]
    assert article.publication == ""


def test_an_intro_that_asks_is_no_question_when_the_questions_are_list_items():
    text = (
        "# Interview with Ana Lima\n\n"
        "Ana Lima is the guitarist of the band. How did she come to the guitar, and what did she feel? "
        "We asked her.\n\n"
        "- All right, this time we'll talk about guitars.\n\n"
        "Ana Lima: I'm a bit nervous (laughs).\n\n"
        "- So you started the guitar when the band started?\n\n"
        "Ana Lima: After, actually.\n\n"
        "- Did you practise hard after that?\n\n"
        "Ana Lima: Every day.\n"
    )
    article = split_source(source_from_bytes(text.encode(), "listed.md"))
    assert [p.question for p in article.passages if p.kind == "qa"] == [
        "All right, this time we'll talk about guitars.",
        "So you started the guitar when the band started?",
        "Did you practise hard after that?",
    ]
    assert article.passages[0].kind == "intro"


HEADED_BAND = """---
title: The Lantern Moths Interview
---

The Lantern Moths are Rosa Lind on bass, Omar Haddad on guitar and Ines Kraft on drums.

## How did the band start?

**Rosa:** Omar and I met at a record fair.

**Omar & Ines:** And we never left.

**All:** Ha!

## Who writes the songs?

**Omar:** I bring riffs, Ines turns them upside down.

**Ines:** Someone has to.

## What is next?

**Rosa:** A second album.

**Both:** Soon.
"""


def test_group_and_joint_labels_name_the_members_not_a_person_called_all():
    article = split(HEADED_BAND)
    assert article.interviewees == ["Rosa Lind", "Omar Haddad", "Ines Kraft"]
    assert article.passages[1].answerers == ["Rosa Lind", "Omar Haddad", "Ines Kraft"]


ZINE = """<h1>Zine night</h1>
<p><b>So you made a new zine this week, right?</b></p>
<p>Yeah, I had nothing better to do.</p>
<p><b>How do you feel about the big magazines closing, I guess? *laughs*</b></p>
<p>It is a bummer, but things move online.</p>
<p><b>Have you been to a zine fest yet? (laughter)</b></p>
<p>A bunch of them.</p>
"""


def test_a_question_that_ends_in_a_transcribers_aside_is_still_a_question():
    assert questions(split(ZINE, "zine.html")) == [
        "So you made a new zine this week, right?",
        "How do you feel about the big magazines closing, I guess? *laughs*",
        "Have you been to a zine fest yet? (laughter)",
    ]


SHOW = """---
title: Ana Ruiz on maps
---

### Kai Moss  0:02
Hello, everyone, welcome to Fieldnotes, where we ask the big question, what is your map of the world.

### Kai Moss  0:20
Today's episode is sponsored by Atlas Coffee.

### Kai Moss  0:31
So how did you start making maps?

### Ana Ruiz  0:35
With a pencil and my grandfather's atlas. I copied coastlines for years.

### Kai Moss  1:02
So you've got the mapping collective, but you're also teaching some classes with it too, right?

Unknown Speaker  1:10
Yes, two evenings a week at the library, for anyone who walks in.

### Ana Ruiz  1:40
And the classes feed the collective: half our volunteers came from them.

### Kai Moss  2:00
That's amazing, right?

### Ana Ruiz  2:02
It was a lucky time.

### Kai Moss  2:10
Tell me about the flood maps you made last year.

### Ana Ruiz  2:15
We mapped every street in the valley in two weeks.
"""


def test_a_show_welcome_the_host_talks_on_from_is_intro_and_a_confirming_tag_question_asks():
    article = split(SHOW)
    assert questions(article) == [
        "So how did you start making maps?",
        "So you've got the mapping collective, but you're also teaching some classes with it too, right?",
        "Tell me about the flood maps you made last year.",
    ]
    assert article.passages[0].kind == "intro" and "welcome to Fieldnotes" in article.passages[0].answer
    classes = article.passages[2]
    assert classes.answer.startswith("Unknown Speaker: Yes, two evenings a week")  # a label line said once
    assert "That's amazing, right?" in classes.answer


Q_AND_NAMES = """Interview With Ida Brandt

Ida Brandt writes plugins for a living, in Malmö.

<strong>Q:</strong> How did you start?

<strong>Ida:</strong> With a broken blog theme that I wanted to fix myself, one evening in 2004.

<strong>Q:</strong> Do you use any editor in particular?

I have been using the same programmer's editor for more than twenty years, since the DOS days.

<strong>Q:</strong> Have you ever used a CSS preprocessor?

<strong>Ida:</strong> Not yet: I rarely write themes any more.
"""


def test_an_answer_that_lost_its_label_after_a_q_label_is_still_the_answer():
    article = split(Q_AND_NAMES)
    assert questions(article) == [
        "How did you start?",
        "Do you use any editor in particular?",
        "Have you ever used a CSS preprocessor?",
    ]
    editor = next(p for p in article.passages if p.question.startswith("Do you use"))
    assert editor.answer.startswith("I have been using the same programmer's editor")
    assert editor.answerers == ["Ida Brandt"]


OFFICE_HOURS = """---
title: Office hours, episode 6
---

# Office hours, episode 6

Kai had a surprise this week: Ana Ruiz from the data team joined the show.

### Questions from the audience

**When will the new leaderboard ship?**

**Ana Ruiz:** This quarter, once the team has signed it off.

**Kai:** So soonish, cool.

**Tom (in chat):** One true leaderboard.

**Kai:** What do you mean by that?

**Tom:** We talked about sorting by one metric, and whether that would be fair to everyone?

**When is the last payment of the bonus? Can it be extended?**

September 30th, and no, it will not be extended.

### Interview with Ana Ruiz

**Kai:** So why don't you tell the folks where you lived before?

**Ana Ruiz:** In Atlanta, for three years, working for another startup.

**Kai:** What is your title now?

**Ana Ruiz:** Software engineer, I think.

**Tom:** It is on the contract.

**Kai:** How did you find out about the project?

**Ana Ruiz:** A friend sent me an article about it.
"""


def test_audience_questions_set_apart_without_a_label_and_a_colleague_who_chimes_in():
    article = split(OFFICE_HOURS)
    assert article.interviewer == "Kai"
    assert article.interviewees == ["Ana Ruiz"]
    assert questions(article)[:4] == [
        "When will the new leaderboard ship?",
        "What do you mean by that?",
        "When is the last payment of the bonus? Can it be extended?",
        "So why don't you tell the folks where you lived before?",
    ]
    bonus = article.passages[3]
    assert bonus.answer == "September 30th, and no, it will not be extended."


STAGE = """---
title: On stage with Ana Ruiz
speakers:
  - Ana Ruiz
  - Kai Moss
---

kai: Thank you, Tom. Who here had fun at the party last night? We are lucky to have Ana Ruiz here.

anaruiz: Thank you for inviting me.

kai: How did you start making maps?

anaruiz: With a pencil and my grandfather's atlas.

kai: Who here has used one of her maps? Show of hands. Nice.

anaruiz: More than I expected!

kai: What are you working on now?

anaruiz: Flood maps for the valley.
"""


def test_questions_to_the_audience_are_not_questions_to_the_guest():
    article = split(STAGE)
    assert questions(article) == ["How did you start making maps?", "What are you working on now?"]
    assert article.passages[0].kind == "intro"


LINE_UP = """Night Ferry are a sludge band from Dortmund.

**Itza** - vox

**Marvin** - guitar

**AAP – Hello, and thank you for taking the time to talk to us!**

*Itza: Thank you for having us!*

**AAP – For newer fans, let’s meet everyone in the band!**

*I: There are four of us: Marvin on guitar, Jan on bass, Simon on drums and me on vocals.*

**AAP – How are things progressing with the album?**

*I: Slowly: we are busy with personal stuff.*

**AAP – Do you have a practice routine?**

*I: We meet once a week.*
"""


def test_a_one_letter_label_after_the_name_once_is_that_speaker_and_lets_meet_prompts():
    article = split(LINE_UP)
    assert article.interviewees == ["Itza"]
    assert questions(article) == [
        "For newer fans, let’s meet everyone in the band!",
        "How are things progressing with the album?",
        "Do you have a practice routine?",
    ]


PULL_QUOTES = """---
title: 10 Fragen an Nachtfähre
---

Nachtfähre haben gerade ihre neue Single veröffentlicht.

**Anne:** Hi! Wie geht es Euch? Was macht die Krise mit Euch?

**Jermaine:** Moin! Uns geht's gut im Moment.

**Anne:** Habt Ihr das Video selbst gefilmt?

## Nachtfähre meets Kai Moss

<RemoteImage
  alt={`Nachtfähre`}
  title={`Foto: © Kai Moss`}
  loadingUrl="data:image/jpeg;base64,/9j/2wBDAAYEBQYFBAYGBQYHBwYIChAKCgkJChQODwwQ"
/>

**Jermaine:** Nein, mit Kai Moss.

**Anne:** Was steht als Nächstes auf dem Plan?

## "Wir arbeiten am Bühnenprogramm"

**Jermaine:** Die nächste Single.
"""


def test_pull_quote_headings_and_mdx_components_stay_out_of_the_questions():
    article = split(PULL_QUOTES)
    assert questions(article) == [
        "Hi! Wie geht es Euch? Was macht die Krise mit Euch?",
        "Habt Ihr das Video selbst gefilmt?",
        "Was steht als Nächstes auf dem Plan?",
    ]
    assert "RemoteImage" not in " ".join(p.answer for p in article.passages)
    assert article.interviewees == ["Jermaine"]


def test_list_lead_ins_in_one_answer_are_no_speakers():
    # "Studio and Office:", then "Office Only:" and "Studio Only:" in one answer look like a joint label
    # and two people taking turns, but they come in one passage only: the interviewee answered.
    article = split("""---
title: Mara Quist
summary: potter, teacher
---

### Who are you, and what do you do?

I'm Mara Quist. I make pots and teach wheel throwing two evenings a week.

### What hardware do you use?

A Shimpo wheel, a small electric kiln and a laptop for the class bookings.

### And what software?

It depends on where I am:

Studio and Office: Firefox, a notes app, and a music player.

Office Only: the bookings spreadsheet and the school's mail.

Studio Only: a kiln log and a timer.

### What would be your dream setup?

A gas kiln and a second wheel for the students.
""")
    assert article.interviewees == ["Mara Quist"]
    assert [p.answerers for p in article.passages if p.kind == "qa"] == [["Mara Quist"]] * 4
    software = next(p for p in article.passages if p.question == "And what software?")
    assert "Office Only: the bookings" in software.answer
