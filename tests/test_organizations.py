"""Organisations: what counts as one (index/organizations.py), one name each (index/institutions.py)."""

from __future__ import annotations

from index.institutions import acronym_name, official_name
from index.organizations import canonical_name, extract_organizations, variants
from index.spans import TextView


def orgs(text: str) -> list[str]:
    return extract_organizations(TextView(text))


def test_software_and_hardware_with_an_organisation_head_are_not_organisations():
    assert orgs("For streaming I use OBS Studio and a Mac Studio.") == []
    assert (
        orgs("Most of my day is spent in either Visual Studio or The GNU Image Manipulation Program.") == []
    )
    assert orgs("I use Plex Media Center at home.") == []
    assert orgs("Then Vienna Symphonic Orchestra for strings.") == []


def test_a_weak_head_names_an_organisation_in_an_organisation_context():
    assert orgs("I worked at Looking Glass Studio for years.") == ["Looking Glass Studio"]
    assert orgs("I have my own production company, “Mars Light Studio”, now.") == ["Mars Light Studio"]
    assert orgs("I used to run Mesh Magazine for a while.") == ["Mesh Magazine"]
    assert orgs("I'm a professor in the History Department at the University of Chicago.") == [
        "University of Chicago"
    ]


def test_and_and_for_join_two_names_unless_inside_one():
    assert orgs("I teach at Massachusetts College of Art and Design.") == [
        "Massachusetts College of Art and Design"
    ]
    assert orgs("I drew with an Apple Pencil and Ferrite Recording Studio.") == []
    assert orgs("on the board of The Unreasonable Institute and CASH Music") == [
        "Unreasonable Institute",
        "CASH Music",
    ]
    assert orgs("I was the Residence for the Downtown San Mateo Association.") == [
        "Downtown San Mateo Association"
    ]
    assert orgs("She works at the Center for Internet and Society.") == ["Center for Internet and Society"]


def test_one_canonical_name_per_organisation():
    assert (
        canonical_name("Oxford University")
        == canonical_name("University of Oxford")
        == "University of Oxford"
    )
    assert canonical_name("Tokyo University") == "University of Tokyo"
    assert canonical_name("Carnegie Mellon") == "Carnegie Mellon University"
    # a known acronym is the name people use: the long form maps to it
    assert canonical_name("New York University") == canonical_name("NYU") == "NYU"
    assert canonical_name("Massachusetts Institute of Technology") == "MIT"
    assert canonical_name("The Recurse Center’s") == "Recurse Center"
    assert canonical_name("Panic, Inc") == canonical_name("Panic Inc.") == "Panic Inc"
    assert canonical_name("Treasure Data, Inc") == "Treasure Data"
    assert canonical_name("Interactive Telecommunications Program") == "ITP"
    for name in ("NYU", "University of Oxford", "Panic Inc", "Zero G Software"):
        assert canonical_name(canonical_name(name)) == canonical_name(name)


def test_variants_keep_other_names_searchable():
    assert "New York University" in variants("NYU")
    assert "Oxford University" in variants("University of Oxford")
    assert "Interactive Telecommunications Program" in variants("ITP")


def test_institution_list_acronyms_need_matching_initials_and_prefer_edu():
    assert acronym_name("NYU") == "New York University"
    assert acronym_name("UCLA") == "University of California, Los Angeles"
    assert acronym_name("CMU") == "Carnegie Mellon University"
    assert acronym_name("CMU", unique=True) is None  # also Chiang Mai, Central Mindanao...
    assert acronym_name("GPU") is None
    assert official_name("Harvard") == "Harvard University"
    assert official_name("Film Independent") is None


def test_a_school_acronym_counts_only_where_someone_studies_or_teaches():
    assert orgs("I did my PhD at RMIT in Melbourne.") == ["Royal Melbourne Institute of Technology"]
    assert orgs("the waste was by CVS and Walgreens") == []
    assert orgs("I have a BFA from Yale.") == ["Yale University"]  # BFA is a degree, not a school


def test_a_brand_on_a_product_is_not_an_organisation():
    assert orgs("I release everything under the MIT license.") == []
    assert orgs("My hot tip is the Topaz Labs software suite.") == []
    assert orgs("The game was created with YoYo Games' Game Maker.") == []
    assert orgs("I use Shift as a wrapper for Slack and Trello.") == []
    assert orgs("I work at NASA's Jet Propulsion Lab.") == ["NASA", "Jet Propulsion Lab"]
    assert orgs("I worked for Google for years, then left.") == ["Google"]
    assert orgs("this model has been discontinued by Apple") == ["Apple"]


def test_titles_model_numbers_and_tool_lists_are_not_organisations():
    assert orgs("My first feature film, Orang-U: An Ape Goes To College came out in July.") == []
    assert orgs("I'm developing a game called Pixel Art Academy, an adventure game.") == []
    assert orgs("I just got a Martin Yale 1501 paper folder.") == []
    assert (
        extract_organizations(TextView("iTerm2, Magnet, Elgato Control Center, Clockwise."), tools_talk=True)
        == []
    )
    assert extract_organizations(TextView("I work at the Recurse Center hub."), tools_talk=True) == [
        "Recurse Center"
    ]
    assert "Farm School program" not in orgs("I’m attending a local Farm School program.")
    assert "Mellon Fellows program" in orgs("before I joined the Mellon Fellows program")


def test_a_name_after_called_is_not_taken_when_cut_short():
    # "a company called Game and a Curry": the name goes on past "and a"; no half of it is the company
    assert "Game" not in extract_organizations(TextView("I run a company called Game and a Curry."))
    assert extract_organizations(TextView("I run a studio called Dirty Bandits.")) == ["Dirty Bandits"]


def test_company_aliases_give_one_name():
    assert canonical_name("EA") == canonical_name("Electronic Arts") == "Electronic Arts"
    assert canonical_name("Apple Computer") == "Apple"


def test_a_name_said_to_be_a_work_or_a_product_or_cut_short_is_no_organisation():
    assert orgs("I'm the host of Peanuts Gallery, a podcast where we talk.") == []
    assert orgs("community apps like DIM and Ishtar Collective.") == []
    assert orgs("At the Institute of Psychiatry, Psychology & Neuroscience, I study sleep.") == []
    assert orgs("I worked at the Hand Eye Society, a nonprofit.") == ["Hand Eye Society"]
    assert "MIT Media Lab" in orgs("spaces such as the MIT Media Lab and the Recurse Center")


def test_a_brand_before_a_model_name_or_among_bots_is_a_product():
    assert orgs("vintage machines - Oric Atmos, Archimedes, BBC Model B - and more") == []
    assert orgs("Most of my bots (such as The Tiny Gallery, which is popular) use emoji.") == []
