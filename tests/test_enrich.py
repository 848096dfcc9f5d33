"""Each facet extractor on small sentences: what it must find and what it must leave out."""

from index.enrich import enrich_article, resolve_name
from index.model import Article, Passage
from index.organizations import extract_organizations
from index.places import extract_places
from index.roles import extract_roles
from index.spans import TextView
from index.topics import classify_question
from index.works import extract_works, title_case
from index.years import extract_years


def places(text, exclude=frozenset()):
    return extract_places(TextView(text), frozenset(exclude))


def works(text, exclude=frozenset(), known=()):
    return extract_works(TextView(text), frozenset(exclude), known)


def orgs(text):
    return extract_organizations(TextView(text))


def test_topics_match_reworded_templates():
    assert classify_question("Has it been a smooth road?") == ["journey and challenges"]
    assert "journey and challenges" in classify_question(
        "Would you say it’s been a smooth road, and if not what were the obstacles?"
    )
    assert "Covid and crisis lessons" in classify_question("How did the pandemic change your work?")
    assert classify_question("What hardware do you use?") == ["tools and setup"]


def test_topics_other_only_when_nothing_matched():
    assert classify_question("What is your favourite colour?") == ["other"]
    assert "other" not in classify_question("Do you have any advice for others?")


def test_places_aliases_and_gazetteer():
    assert places("I can’t wait to share it with the audience in SF!") == ["San Francisco"]
    assert places("When I first came to the States, I was lost.") == ["United States"]
    assert places("Growing up in Shenzhen, China, I watched Hong Kong movies.") == [
        "Shenzhen",
        "China",
        "Hong Kong",
    ]
    assert places("I moved from Washington, DC to Vienna, Austria.") == [
        "Washington, D.C.",
        "Vienna",
        "Austria",
    ]


def test_places_with_state_or_country_after():
    assert places("a cartoonist based in London UK, best known for comics") == ["London", "United Kingdom"]
    assert places("I live in Houston, TX, and work remotely.") == ["Houston", "Texas"]
    assert places("a nonprofit in St. Louis, MO, and a game convention") == ["St. Louis", "Missouri"]
    assert "Central" not in places("I study at the University of Central Florida.")


def test_places_reject_names_words_and_longer_names():
    assert places("We were lucky to catch up with Zhe Song.", {"Zhe", "Song", "Zhe Song"}) == []
    assert places("Reading is fun. Nice work on Mobile apps.") == []
    assert places("I studied at Beijing Film Academy.") == []
    assert places("Thanks to George for the help.") == []
    assert places("States matter.") == []


def test_works_capitals_after_cue_and_quoted_titles():
    assert works("My undergraduate thesis, THE TEST, was selected.") == ["The Test"]
    assert works("She directed the animation series ALL IN A DAY’S WORK last year.") == [
        "All in a Day’s Work"
    ]
    assert works("Tian Jing is known for “Kong: Skull Island”, “The Great Wall”.") == [
        "Kong: Skull Island",
        "The Great Wall",
    ]
    assert works("Both known for their work on ‘The Paper Tigers’.") == ["The Paper Tigers"]


def test_works_reject_acronyms_emphasis_and_organisations():
    assert works("At UCLA’s Directing MFA program I used an OS X machine with 16 GB RAM.") == []
    assert works("I LOVE this keyboard and HA HA HA.") == []
    assert works("I have my own company, “Mars Light Studio”.") == []
    assert works("my short film SISTER", exclude={"Sister"}) == []
    assert works("SISTER was hard.", known=["Sister"]) == ["Sister"]


def test_title_case_is_consistent():
    assert title_case("CHAN IS FISHING", from_caps=True) == "Chan Is Fishing"
    assert title_case("Wu Tang: an American Saga") == "Wu Tang: An American Saga"


def test_organisations_from_cue_words_known_names_and_programs():
    found = orgs("I studied at the Central Academy of Fine Arts and the California Institute of the Arts.")
    assert found == ["Central Academy of Fine Arts", "California Institute of the Arts"]
    assert "Panavision New Filmmakers program" in orgs(
        "with the support of the Panavision New Filmmakers program"
    )
    assert orgs("It will premiere at CAAMfest this year.") == ["CAAMfest"]
    assert orgs("She received the LAIKA Animation Fellowship.") == ["LAIKA", "LAIKA Animation Fellowship"]


def test_organisations_named_by_a_noun_or_a_legal_form():
    assert orgs("I run a small design studio called Dirty Bandits that makes signs.") == ["Dirty Bandits"]
    assert orgs("one of the principals at MartianCraft, LLC. I wrote books.") == ["MartianCraft LLC"]


def test_organisations_reject_products_generic_names_and_brands():
    assert orgs("I code in Visual Studio on an Apple keyboard.") == []
    assert orgs("Film School was hard.") == []
    assert orgs("I worked at Google for years.") == ["Google"]
    assert orgs("Thank You and Image Credits") == []


def test_roles_first_person_and_normalised():
    assert extract_roles("my journey to become a writer/director and editor has been long") == [
        "writer",
        "director",
        "editor",
    ]
    assert extract_roles("I mostly work as a film editor and colorist, I sometimes do DIT too.") == [
        "editor",
        "colorist",
        "DIT",
    ]
    assert extract_roles("I’m a graphic designer, traveler and guitar player living in Portland.") == [
        "designer",
        "musician",
    ]


def test_roles_ignore_aspirations_and_third_parties():
    assert extract_roles("I aim to become an engineer in the film industry.") == []
    assert extract_roles("instead of becoming a teacher") == []
    assert extract_roles("such as a director would do") == []
    assert extract_roles("which I use as a text editor for everything") == []
    assert extract_roles("I am a bad photographer, but the camera is good") == []


def test_years_only_in_year_context():
    assert extract_years("In 2017, I earned my degree; in the summer of 2021 we shot it.") == ["2017", "2021"]
    assert extract_years("a 2005 Martin and a mid-2011 MacBook") == ["2005", "2011"]
    assert extract_years("Old software like the 1998 version of Ejay") == ["1998"]
    assert extract_years("views exceeding 100 million, a 1920x1080 screen, 2000 words, an Epson 3800") == []


def test_greeting_first_name_resolves_to_interviewee():
    assert resolve_name("Siqi", ["Siqi Song"]) == "Siqi Song"
    assert resolve_name("siqi song", ["Siqi Song"]) == "Siqi Song"
    assert resolve_name("Zhe", ["Siqi Song"]) == "Zhe"


def test_enrich_article_fills_passages_and_excludes_interviewee():
    article = Article(
        id="t/1",
        path="t/1.txt",
        interviewees=["  Zhe   Song "],
        publication=" CanvasRebel ",
        passages=[
            Passage(
                1,
                "qa",
                "Hi Zhe, what do you do?",
                "I’m a colorist in Los Angeles since 2019. Song is my name.",
                answerers=["Zhe"],
            )
        ],
    )
    enrich_article(article)
    passage = article.passages[0]
    assert article.interviewees == ["Zhe Song"] and article.publication == "CanvasRebel"
    assert passage.answerers == ["Zhe Song"]
    assert passage.roles == ["colorist"] and passage.places == ["Los Angeles"] and passage.years == ["2019"]
    assert passage.works == [] and passage.organizations == []


def test_names_keep_the_case_they_were_written_in_unless_shouted():
    from index.enrich import normalise_name

    assert normalise_name("litang.zone") == "litang.zone"
    assert normalise_name("why the lucky stiff") == "why the lucky stiff"
    assert normalise_name("KAWS") == "KAWS"
    assert normalise_name("SIQI  SONG") == "Siqi Song"


def test_roles_of_an_intro_come_from_what_it_says_the_interviewee_is():
    subjects = ("Siqi Song", "Siqi", "Song")
    text = "Siqi Song is a film director and animator from China. She was named a Fellow by a jury."
    assert extract_roles(text, subjects) == ["director", "animator"]
    assert extract_roles("I’m a writer, says the editor.", subjects) == []


def test_years_are_not_decades():
    assert extract_years("running a restaurant in 1920's Chinatown since 1984") == ["1984"]


def test_work_cues_before_capitals_and_quotes():
    assert works("now I primarily work on REAPER, my audio software") == []
    assert works("we worked on “The Paper Tigers” last year") == ["The Paper Tigers"]
    assert works("a simple Google Doc titled \"To Do\" that I rewrite") == []
    assert works("My keyboard side project is called MVKB, clever") == []
    assert works("My second-year project TEQUILA SUNSET was shut down") == ["Tequila Sunset"]


def test_roles_not_negated_nor_tools_used_as_something():
    assert extract_roles("While I'm neither an audio designer nor an artist/animator, I can cope.") == []
    assert extract_roles("I don't really think of myself as a designer or a programmer.") == []
    assert extract_roles("I use emacs exclusively as an editor, not as an all-in-one thing.") == []
    assert extract_roles("but I do use Photoshop and Illustrator from time to time") == []


def test_places_named_like_english_words_need_a_phrase_of_living_there():
    # "torrent", "magenta", "time" are words before they are towns: only "lives in"/"X, <state>" counts
    assert places("I grabbed it from Torrent last week.") == []
    assert places("I painted it in Magenta for the logo.") == []
    assert places("I am based in Magenta, Italy.") == ["Magenta", "Italy"]
    assert places("I live in Boston.") == ["Boston"]


def test_places_inside_a_longer_name_or_a_domain_are_not_places():
    assert places("I listen to Boards of Canada.") == []
    assert places("I record on Riverside.fm every week.") == []
    assert "London" in places("I grew up in the City of London.")
    assert places("It costs US$400.") == []
    assert places("I consulted for the U.S. Digital Service.") == []
    assert places("I moved to the U.S. In 2010 I left.") == ["United States"]


def test_works_after_a_noun_of_a_kind_of_work():
    assert works("I wrote a book called Game Programming Patterns.") == ["Game Programming Patterns"]
    assert works("My first novel Too Like the Lightning is out.") == ["Too Like the Lightning"]
    assert works("We released a game called Push Me Pull You in 2016.") == ["Push Me Pull You"]
    assert works("the 2009 Wii game Silent Hill: Shattered Memories") == ["Silent Hill: Shattered Memories"]
    # after a plural noun "and" joins two titles
    assert works("Comics I've made include the graphic novels Undertown and Orphan Blade.") == [
        "Undertown",
        "Orphan Blade",
    ]


def test_works_after_a_noun_reject_software_events_and_clauses():
    assert works("I learned to work with the game Unity engine.") == []
    assert works("I run the lecture series An Event Apart.") == []
    assert works("I wrote a song I'm proud of.") == []
    assert "AV Club" not in works("a narrative play podcast AV Club called great")


def test_organisations_that_employ_the_speaker():
    assert orgs("I'm an engineer at Stripe.") == ["Stripe"]
    assert orgs("I'm the co-founder of Destroy All Software.") == ["Destroy All Software"]
    assert orgs("I work at Etsy on the search team.") == ["Etsy"]
    # a job title, a place, an idiom or a modifier is no employer
    assert orgs("I'm the Emerging Technologies and Distance Services Librarian at the library.") == []
    assert orgs("I work at Boston most days.") == []
    assert orgs("I'm an Editor at Large.") == []
    assert orgs("I'm a designer at PlayStation game makers MediaMolecule.") == []


def test_works_cut_short_by_a_comma_or_an_exclamation_are_left_out():
    assert works("the room in the film Tinker, Tailor, Soldier, Spy because") == []
    assert works("a memoir called No Way! Okay, Fine was published") == []
    assert works("I made the game Fluxx, which sold well.") == ["Fluxx"]
    assert places("services on GOV.UK used by millions") == []
