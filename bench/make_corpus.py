"""Generate a deterministic synthetic interview corpus for the speed benchmark.

    python bench/make_corpus.py --articles 10000 --out var/bench/corpus --seed 1

Articles come in the formats the splitter reads: plain text like the VoyageLA, CanvasRebel and litang.zone
seeds (lead-in formula, questions, multi-paragraph answers, contact block, "Image Credits", boilerplate such
as "Connect", "To Top", "Suggest a Story: …", "Leave a Reply") and Markdown like The Setup (YAML front
matter, ``### `` questions). Sentences and questions are drawn from the real interviews in ``corpus/`` so
the vocabulary and term statistics are real. Facet values are Zipf-skewed: thousands of interviewees, tens
of publications (one folder each, with a ``publication.yml``), hundreds of real cities, works,
organisations and years. About 10 passages per article on average (7–13 questions each).

The same ``--seed``, ``--articles`` and source corpus always give byte-identical output.
"""

from __future__ import annotations

import argparse
import bisect
import hashlib
import itertools
import random
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = REPO / "corpus"

# Real city names with their country, "City,Country" separated by ";": the place facet's vocabulary.
CITIES = """
Tokyo,Japan; Osaka,Japan; Kyoto,Japan; Yokohama,Japan; Sapporo,Japan; Fukuoka,Japan; Nagoya,Japan;
Kobe,Japan; Shanghai,China; Beijing,China; Shenzhen,China; Guangzhou,China; Chengdu,China; Hangzhou,China;
Wuhan,China; Nanjing,China; Xi'an,China; Chongqing,China; Suzhou,China; Tianjin,China; Qingdao,China;
Kunming,China; Hong Kong,China; Taipei,Taiwan; Kaohsiung,Taiwan; Seoul,South Korea; Busan,South Korea;
Incheon,South Korea; Singapore,Singapore; Bangkok,Thailand; Chiang Mai,Thailand; Hanoi,Vietnam;
Ho Chi Minh City,Vietnam; Manila,Philippines; Cebu,Philippines; Jakarta,Indonesia; Bandung,Indonesia;
Kuala Lumpur,Malaysia; Penang,Malaysia; Mumbai,India; Delhi,India; Bangalore,India; Chennai,India;
Kolkata,India; Hyderabad,India; Pune,India; Jaipur,India; Karachi,Pakistan; Lahore,Pakistan;
Dhaka,Bangladesh; Colombo,Sri Lanka; Kathmandu,Nepal; Dubai,United Arab Emirates;
Abu Dhabi,United Arab Emirates; Doha,Qatar; Riyadh,Saudi Arabia; Tehran,Iran; Istanbul,Turkey;
Ankara,Turkey; Izmir,Turkey; Tel Aviv,Israel; Jerusalem,Israel; Beirut,Lebanon; Amman,Jordan; Cairo,Egypt;
Alexandria,Egypt; Casablanca,Morocco; Marrakesh,Morocco; Tunis,Tunisia; Lagos,Nigeria; Abuja,Nigeria;
Accra,Ghana; Dakar,Senegal; Nairobi,Kenya; Mombasa,Kenya; Addis Ababa,Ethiopia; Kampala,Uganda;
Kigali,Rwanda; Dar es Salaam,Tanzania; Johannesburg,South Africa; Cape Town,South Africa;
Durban,South Africa; Harare,Zimbabwe; Lusaka,Zambia; Luanda,Angola; Kinshasa,Congo; London,United Kingdom;
Manchester,United Kingdom; Liverpool,United Kingdom; Birmingham,United Kingdom; Leeds,United Kingdom;
Bristol,United Kingdom; Glasgow,United Kingdom; Edinburgh,United Kingdom; Cardiff,United Kingdom;
Belfast,United Kingdom; Dublin,Ireland; Cork,Ireland; Paris,France; Lyon,France; Marseille,France;
Bordeaux,France; Lille,France; Toulouse,France; Nice,France; Nantes,France; Strasbourg,France;
Brussels,Belgium; Antwerp,Belgium; Ghent,Belgium; Amsterdam,Netherlands; Rotterdam,Netherlands;
Utrecht,Netherlands; The Hague,Netherlands; Eindhoven,Netherlands; Luxembourg,Luxembourg; Berlin,Germany;
Hamburg,Germany; Munich,Germany; Cologne,Germany; Frankfurt,Germany; Stuttgart,Germany; Leipzig,Germany;
Dresden,Germany; Dusseldorf,Germany; Vienna,Austria; Salzburg,Austria; Graz,Austria; Zurich,Switzerland;
Geneva,Switzerland; Basel,Switzerland; Bern,Switzerland; Lausanne,Switzerland; Milan,Italy; Rome,Italy;
Turin,Italy; Naples,Italy; Florence,Italy; Bologna,Italy; Venice,Italy; Palermo,Italy; Genoa,Italy;
Madrid,Spain; Barcelona,Spain; Valencia,Spain; Seville,Spain; Bilbao,Spain; Malaga,Spain; Zaragoza,Spain;
Lisbon,Portugal; Porto,Portugal; Athens,Greece; Thessaloniki,Greece; Copenhagen,Denmark; Aarhus,Denmark;
Stockholm,Sweden; Gothenburg,Sweden; Malmo,Sweden; Oslo,Norway; Bergen,Norway; Helsinki,Finland;
Tampere,Finland; Reykjavik,Iceland; Tallinn,Estonia; Riga,Latvia; Vilnius,Lithuania; Warsaw,Poland;
Krakow,Poland; Gdansk,Poland; Wroclaw,Poland; Poznan,Poland; Prague,Czech Republic; Brno,Czech Republic;
Bratislava,Slovakia; Budapest,Hungary; Bucharest,Romania; Cluj-Napoca,Romania; Sofia,Bulgaria;
Belgrade,Serbia; Zagreb,Croatia; Ljubljana,Slovenia; Sarajevo,Bosnia and Herzegovina; Kyiv,Ukraine;
Lviv,Ukraine; Odesa,Ukraine; Minsk,Belarus; Moscow,Russia; Saint Petersburg,Russia; Tbilisi,Georgia;
Yerevan,Armenia; Baku,Azerbaijan; Almaty,Kazakhstan; Tashkent,Uzbekistan; New York,United States;
Los Angeles,United States; Chicago,United States; Houston,United States; Phoenix,United States;
Philadelphia,United States; San Antonio,United States; San Diego,United States; Dallas,United States;
San Jose,United States; Austin,United States; Jacksonville,United States; San Francisco,United States;
Columbus,United States; Fort Worth,United States; Indianapolis,United States; Charlotte,United States;
Seattle,United States; Denver,United States; Washington,United States; Boston,United States;
Nashville,United States; Detroit,United States; Portland,United States; Las Vegas,United States;
Memphis,United States; Louisville,United States; Baltimore,United States; Milwaukee,United States;
Albuquerque,United States; Tucson,United States; Fresno,United States; Sacramento,United States;
Kansas City,United States; Atlanta,United States; Miami,United States; Oakland,United States;
Minneapolis,United States; Tulsa,United States; New Orleans,United States; Cleveland,United States;
Pittsburgh,United States; Cincinnati,United States; St. Louis,United States; Salt Lake City,United States;
Honolulu,United States; Anchorage,United States; Boise,United States; Raleigh,United States;
Richmond,United States; Buffalo,United States; Madison,United States; Santa Monica,United States;
Pasadena,United States; Long Beach,United States; Brooklyn,United States; Berkeley,United States;
Toronto,Canada; Montreal,Canada; Vancouver,Canada; Calgary,Canada; Edmonton,Canada; Ottawa,Canada;
Winnipeg,Canada; Quebec City,Canada; Halifax,Canada; Victoria,Canada; Mexico City,Mexico;
Guadalajara,Mexico; Monterrey,Mexico; Puebla,Mexico; Tijuana,Mexico; Oaxaca,Mexico; Havana,Cuba;
San Juan,Puerto Rico; Kingston,Jamaica; Santo Domingo,Dominican Republic; Panama City,Panama;
San Jose,Costa Rica; Guatemala City,Guatemala; Bogota,Colombia; Medellin,Colombia; Cali,Colombia;
Caracas,Venezuela; Quito,Ecuador; Lima,Peru; Cusco,Peru; La Paz,Bolivia; Santiago,Chile; Valparaiso,Chile;
Buenos Aires,Argentina; Cordoba,Argentina; Rosario,Argentina; Montevideo,Uruguay; Asuncion,Paraguay;
Sao Paulo,Brazil; Rio de Janeiro,Brazil; Brasilia,Brazil; Salvador,Brazil; Recife,Brazil;
Porto Alegre,Brazil; Curitiba,Brazil; Belo Horizonte,Brazil; Sydney,Australia; Melbourne,Australia;
Brisbane,Australia; Perth,Australia; Adelaide,Australia; Hobart,Australia; Canberra,Australia;
Auckland,New Zealand; Wellington,New Zealand; Christchurch,New Zealand;
"""

FIRST_NAMES = """
James Mary John Patricia Robert Jennifer Michael Linda David Elizabeth William Barbara Richard Susan Joseph
Jessica Thomas Sarah Charles Karen Daniel Lisa Matthew Nancy Anthony Betty Mark Sandra Steven Ashley Paul
Emily Andrew Kimberly Joshua Donna Kevin Michelle Brian Carol Timothy Amanda Jason Melissa Jeffrey Deborah
Ryan Stephanie Jacob Rebecca Gary Laura Nicholas Sharon Eric Cynthia Jonathan Kathleen Larry Amy Justin
Angela Scott Anna Brandon Ruth Benjamin Brenda Samuel Pamela Gregory Nicole Alexander Katherine Patrick
Samantha Frank Christine Jack Emma Dennis Catherine Jerry Virginia Tyler Rachel Aaron Carolyn Henry Janet
Jose Maria Adam Heather Nathan Diane Zachary Julie Kyle Joyce Walter Victoria Peter Kelly Harold Christina
Jeremy Joan Ethan Evelyn Carl Lauren Keith Judith Roger Olivia Gerald Martha Christian Cheryl Terry Megan
Sean Andrea Arthur Hannah Austin Jacqueline Noah Ann Lawrence Jean Jesse Alice Joe Kathryn Bryan Gloria
Billy Teresa Jordan Doris Albert Sara Dylan Janice Bruce Julia Willie Marie Gabriel Madison Alan Grace
Juan Judy Logan Theresa Wayne Beverly Ralph Denise Roy Marilyn Eugene Amber Randy Danielle Vincent Abigail
Russell Brittany Louis Rose Philip Diana Bobby Natalie Johnny Sophia Bradley Alexis Jinsui Siqi Zhe Wei
Mei Hiroshi Yuki Haruto Sakura Minjun Jiwoo Arjun Priya Rahul Ananya Omar Fatima Youssef Layla Kwame Ama
Chinedu Ngozi Mateo Sofia Santiago Valentina Lucas Camila Leon Mia Luca Giulia Pierre Camille Lars Ingrid
Mikhail Olga Tomasz Agnieszka Dmitri Anastasia Kenji Aiko Ravi Deepa Tariq Amira Diego Lucia Hugo Elena
"""

LAST_NAMES = """
Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez Wilson
Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark Ramirez Lewis
Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera
Campbell Mitchell Carter Roberts Gomez Phillips Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart
Morris Morales Murphy Cook Rogers Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed Kelly Howard Ramos Kim
Cox Ward Richardson Watson Brooks Chavez Wood James Bennett Gray Mendoza Ruiz Hughes Price Alvarez Castillo
Sanders Patel Myers Long Ross Foster Jimenez Powell Jenkins Perry Russell Sullivan Bell Coleman Butler
Henderson Barnes Gonzales Fisher Vasquez Simmons Romero Jordan Patterson Alexander Hamilton Graham Reynolds
Griffin Wallace Moreno West Cole Hayes Bryant Herrera Gibson Ellis Tran Medina Aguilar Stevens Murray Ford
Castro Marshall Owens Harrison Fernandez McDonald Woods Washington Kennedy Wells Vargas Henry Chen Freeman
Webb Tucker Guzman Burns Crawford Olson Simpson Porter Hunter Gordon Mendez Silva Shaw Snyder Mason Dixon
Song Wang Li Zhang Liu Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo Tanaka Suzuki Takahashi Watanabe Ito
Yamamoto Nakamura Kobayashi Park Choi Jung Kang Cho Yoon Singh Kumar Sharma Gupta Khan Ali Hussain Ahmed
Okafor Mensah Adeyemi Okonkwo Mwangi Otieno Muller Schmidt Schneider Fischer Weber Becker Rossi Russo
Ferrari Esposito Bianchi Dubois Moreau Laurent Lefebvre Jansen Andersson Johansson Nielsen Hansen Novak
Kowalski Nowak Ivanov Petrov Popescu Horvat Yilmaz Kaya Demir Cohen Levi Costa Santos Oliveira Pereira
"""

# Words for made-up work titles and organisation names; they read like the seeds' "SOMETHING BLUE".
TITLE_WORDS = """
Blue Sister Coin Sunset Tequila Fishing Test River Mountain Light House Garden Winter Summer Night Morning
Echo Shadow Mirror Paper Tiger Glass Stone Silver Golden Red Green Quiet Loud Last First Little Long Open
Hidden Lost Found Broken Empty Distant Home Road Window Door Bridge Island Harbor Field Forest Desert Ocean
Rain Snow Wind Fire Smoke Dust Salt Honey Bread Tea Ink Thread Needle Lantern Kite Moon Star Sun Sky Cloud
Orchard Lullaby Letter Photograph Ghost Dream Memory Promise Secret Story Song Dance Portrait Map Compass
"""

ORG_KINDS = [
    "Film Academy", "Institute of the Arts", "Studio", "Pictures", "Collective", "Design Lab", "University",
    "School of Music", "Gallery", "Theatre Company", "Records", "Media", "Foundation", "Press",
    "Animation Studio", "Film Festival", "Workshop", "Productions", "Labs", "Guild",
]

PUBLICATION_STEMS = [
    "Voyage", "Canvas", "Shoutout", "Bold", "Local", "Story", "Maker", "Studio", "Craft", "Open", "Setup",
    "Creative", "Hustle", "Spotlight", "Muse", "Frame", "Signal", "Field",
]
PUBLICATION_SUFFIXES = [
    "Rebel", "Journal", "Zone", "Weekly", "Review", "Notes", "Voices", "Post", "Times", "Mag",
]

ROLES = [
    "film director", "animator", "film editor", "colorist", "writer", "producer", "photographer",
    "software engineer", "designer", "illustrator", "musician", "composer", "painter", "architect",
    "entrepreneur", "chef", "ceramicist", "game developer", "podcaster", "teacher", "curator", "dancer",
    "cinematographer", "sound designer", "screenwriter", "actor", "journalist", "researcher",
]

CATEGORIES = [
    "developer", "designer", "mac", "linux", "windows", "artist", "musician", "writer", "film",
    "photographer", "iphone", "android", "scientist", "maker", "gamer", "podcaster", "editor", "educator",
]

SETUP_QUESTIONS = [
    "Who are you, and what do you do?",
    "What hardware do you use?",
    "And what software?",
    "What would be your dream setup?",
]

STOCK_QUESTIONS = [
    "Hi {first}, we’d love for you to start by introducing yourself.",
    "Thank you for joining us, {first}. Can you tell us a little about yourself?",
    "Would you say it’s been a smooth road, and if not what are some of the biggest challenges you’ve faced?",
    "Can you tell our readers more about what you do and what you think sets you apart from others?",
    "Have you learned any interesting or important lessons due to the Covid-19 Crisis?",
    "What brings you to art? What is your creative process like?",
    "How do you define “success” in art?",
    "What does “community” mean to you?",
    "Do you have any advice that you would offer to others?",
    "For you, what’s the most rewarding aspect of being a creative?",
    "Is there a mission driving your creative journey?",
    "What’s the best way for people to support you?",
    "Where did you grow up and what was your childhood like?",
    "What are you working on next?",
]

_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"])")
_MD_LINK = re.compile(r"\[([^\]]*)\]\s*(\([^)]*\)|\[[^\]]*\])")
# Only sentences that open like an interviewer's question become questions; rhetorical ones stay prose.
_QUESTION_START = re.compile(
    r"(What|How|Why|Who|Where|When|Which|Do|Does|Did|Can|Could|Is|Are|Have|Would|Tell)\b"
)
_WORD = re.compile(r"[A-Za-z][A-Za-z’'-]*")


def _words(text: str) -> list[str]:
    return [w for w in text.split() if w]


class Zipf:
    """Draw indexes 0..n-1 with probability proportional to 1 / (rank + 1) ** s (s=1.0: classic Zipf)."""

    def __init__(self, n: int, s: float = 1.0):
        weights = [1.0 / (k + 1) ** s for k in range(n)]
        self.cumulative = list(itertools.accumulate(weights))

    def draw(self, rng: random.Random) -> int:
        return bisect.bisect_left(self.cumulative, rng.random() * self.cumulative[-1])


class Vocabulary:
    """Sentences and questions harvested from the real interviews, in a deterministic order."""

    def __init__(self, sentences: list[str], questions: list[str]):
        if not sentences:
            raise ValueError("no sentences found to draw from")
        self.sentences = sentences
        self.questions = questions

    @classmethod
    def from_corpus(cls, source: Path) -> Vocabulary:
        """Harvest answer sentences (6–45 words) and interview questions from every ``.txt``/``.markdown``."""
        sentences: set[str] = set()
        questions: set[str] = set()
        files = sorted(p for p in source.rglob("*") if p.suffix in (".txt", ".md", ".markdown"))
        for path in files:
            text = path.read_text(encoding="utf-8", errors="replace")
            if text.startswith("---"):
                # Drop the YAML front matter: its fields are not prose.
                parts = text.split("\n---", 1)
                text = parts[1] if len(parts) == 2 else ""
            for raw in text.splitlines():
                line = _MD_LINK.sub(r"\1", raw).strip()
                if line.startswith("### "):
                    questions.add(line[4:].strip())
                    continue
                if not line or line[0] in "#*-|>[<`!" or "http" in line or "](" in line:
                    continue
                for sentence in _SENTENCE_SPLIT.split(line):
                    sentence = sentence.strip()
                    n = len(_words(sentence))
                    if sentence.endswith("?") and 4 <= n <= 30 and _QUESTION_START.match(sentence):
                        questions.add(sentence)
                    elif 6 <= n <= 45 and sentence[-1] in ".!" and len(_WORD.findall(sentence)) >= n * 0.7:
                        sentences.add(sentence)
        return cls(sorted(sentences), sorted(questions))


def _pool(text: str) -> list[str]:
    return text.split()


class Generator:
    """Builds articles one at a time from a seeded RNG; facet pools are fixed up front from the seed."""

    def __init__(self, vocabulary: Vocabulary, articles: int, seed: int):
        self.rng = random.Random(seed)
        self.vocabulary = vocabulary
        rng = self.rng
        firsts, lasts = _pool(FIRST_NAMES), _pool(LAST_NAMES)
        # Thousands of interviewees: about 0.6 per article, Zipf-skewed so a few recur often.
        people = max(10, int(articles * 0.6))
        names = sorted({f"{f} {lname}" for f in firsts for lname in lasts})
        rng.shuffle(names)
        self.people = names[:people]
        self.people_zipf = Zipf(len(self.people), 0.8)
        self.cities = [tuple(e.strip().split(",", 1)) for e in CITIES.split(";") if e.strip()]
        rng.shuffle(self.cities)
        self.city_zipf = Zipf(len(self.cities))
        words = _pool(TITLE_WORDS)
        works = sorted({f"{a} {b}".upper() for a in words for b in words if a != b})
        rng.shuffle(works)
        self.works = works[:800]
        self.work_zipf = Zipf(len(self.works))
        orgs = sorted({f"{c} {k}" for c, _ in self.cities for k in ORG_KINDS})
        rng.shuffle(orgs)
        self.orgs = orgs[:600]
        self.org_zipf = Zipf(len(self.orgs))
        pubs = sorted({f"{a}{b}" for a in PUBLICATION_STEMS for b in PUBLICATION_SUFFIXES})
        rng.shuffle(pubs)
        # Tens of publications; the first few are Markdown ones like The Setup.
        self.publications = pubs[:30]
        self.pub_zipf = Zipf(len(self.publications), 0.9)
        self.markdown_pubs = set(self.publications[1::3])
        self.years = [str(y) for y in range(2024, 1979, -1)]
        self.year_zipf = Zipf(len(self.years), 0.7)
        self.sentence_zipf = Zipf(len(vocabulary.sentences), 0.3)
        self.question_zipf = Zipf(max(1, len(vocabulary.questions)), 0.5)

    # --- facet mentions ------------------------------------------------------------------------------
    def _city(self) -> tuple[str, str]:
        return self.cities[self.city_zipf.draw(self.rng)]

    def _fact(self) -> str:
        rng = self.rng
        kind = rng.randrange(6)
        year = self.years[self.year_zipf.draw(rng)]
        if kind == 0:
            city, country = self._city()
            return rng.choice([
                f"I grew up in {city}, {country}.",
                f"I moved to {city} in {year}.",
                f"These days I am based in {city}.",
            ])
        if kind == 1:
            work = self.works[self.work_zipf.draw(rng)]
            return rng.choice([
                f"My short film {work} premiered in {year}.",
                f"In {year} I finished {work}, which was selected for several festivals.",
                f"We released {work} in {year}.",
            ])
        if kind == 2:
            org = self.orgs[self.org_zipf.draw(rng)]
            return rng.choice([
                f"I studied at {org}.",
                f"In {year} I joined {org} as a {rng.choice(ROLES)}.",
                f"I worked with the team at {org} for a few years.",
            ])
        if kind == 3:
            return f"In {year} I started working as a {rng.choice(ROLES)}."
        city, _ = self._city()
        return f"Last year I showed my work in {city}."

    def _paragraph(self) -> str:
        rng = self.rng
        pool = self.vocabulary.sentences
        sentences = [pool[self.sentence_zipf.draw(rng)] for _ in range(rng.randint(2, 6))]
        if rng.random() < 0.45:
            sentences.insert(rng.randrange(len(sentences) + 1), self._fact())
        return " ".join(sentences)

    def _answer(self) -> list[str]:
        return [self._paragraph() for _ in range(self.rng.choices([1, 2, 3], [5, 3, 2])[0])]

    def _questions(self, first: str, count: int) -> list[str]:
        rng = self.rng
        chosen: list[str] = []
        while len(chosen) < count:
            if self.vocabulary.questions and rng.random() < 0.6:
                q = self.vocabulary.questions[self.question_zipf.draw(rng)]
            else:
                q = rng.choice(STOCK_QUESTIONS[2:]).format(first=first)
            if q not in chosen:
                chosen.append(q)
        return chosen

    # --- formats -------------------------------------------------------------------------------------
    def _text_article(self, name: str, publication: str) -> str:
        rng = self.rng
        first = name.split()[0]
        questions = self._questions(first, rng.randint(7, 13))
        style = rng.randrange(3)
        lines: list[str] = []
        if style == 0:  # VoyageLA: question line, answer on the next line(s)
            lines += ["Connect", "To Top", "", f"Check Out {name}’s Story", "",
                      f"Today we’d like to introduce you to {name}.", ""]
            lines += [STOCK_QUESTIONS[0].format(first=first)]
            lines += ["\n\n".join(self._answer()), ""]
            for q in questions:
                lines += [q, "\n\n".join(self._answer()), ""]
        elif style == 1:  # CanvasRebel: lead-in formula, answers as consecutive lines
            lines += [f"We were lucky to catch up with {name} recently and have shared our conversation "
                      "below."]
            for q in questions:
                lines += [q, "\n".join(self._answer()), ""]
        else:  # litang.zone: title line, bio paragraph, questions separated from answers by blank lines
            city, _ = self._city()
            role = rng.choice(ROLES)
            lines += [f"In Conversation with {city}-based {role.title()} {name}", "",
                      f"{name} is a {role} currently based in {city}. {self._paragraph()}", ""]
            lines += [STOCK_QUESTIONS[1].format(first=first), ""]
            for q in questions[1:]:
                lines += ["\n\n".join(self._answer()), "", q, ""]
            lines += ["\n\n".join(self._answer()), "", f"text & photo courtesy of {name}", ""]
        handle = re.sub(r"[^a-z]", "", name.lower())
        lines += ["Contact Info:", f"- Website: www.{handle}.com", f"- Instagram: {handle}.studio", "",
                  "Image Credits", name, ""]
        if style == 0:
            lines += [f"Suggest a Story: {publication} is built on recommendations from the community; "
                      "it’s how we uncover hidden gems, so if you or someone you know deserves recognition "
                      "please let us know here.", "", "Leave a Reply", "",
                      "Your email address will not be published. Required fields are marked *", "",
                      "More in local stories"]
        else:
            lines += ["Leave a Reply"]
        return "\n".join(lines) + "\n"

    def _markdown_article(self, name: str) -> str:
        rng = self.rng
        year = self.years[self.year_zipf.draw(rng)]
        date = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        categories = sorted(set(rng.sample(CATEGORIES, rng.randint(1, 4))))
        questions = SETUP_QUESTIONS[:1] + self._questions(name.split()[0], rng.randint(6, 12))
        lines = ["---", f"title: {name}", f"summary: {rng.choice(ROLES).capitalize()}", f"date: {date}",
                 "categories:", *[f"- {c}" for c in categories], "---", ""]
        for q in questions:
            lines += [f"### {q}", "", "\n\n".join(self._answer()), ""]
        return "\n".join(lines)

    def article(self) -> tuple[str, str, str]:
        """Return (publication, file suffix, text) for the next article."""
        name = self.people[self.people_zipf.draw(self.rng)]
        publication = self.publications[self.pub_zipf.draw(self.rng)]
        if publication in self.markdown_pubs:
            return publication, ".markdown", self._markdown_article(name)
        return publication, ".txt", self._text_article(name, publication)


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def make_corpus(articles: int, out: Path, seed: int = 1, source: Path = DEFAULT_SOURCE) -> list[Path]:
    """Write ``articles`` articles under ``out/<publication-slug>/`` and return their paths, in order.

    Each publication folder gets a ``publication.yml`` with ``name:``. ``source`` is the real corpus the
    sentences are drawn from (default: the repository's ``corpus/``). Existing files with the same names
    are overwritten; nothing else in ``out`` is touched.
    """
    if articles < 0:
        raise ValueError(f"--articles must be >= 0, got {articles}")
    generator = Generator(Vocabulary.from_corpus(source), articles, seed)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    folders: set[str] = set()
    for number in range(articles):
        publication, suffix, text = generator.article()
        folder = out / _slug(publication)
        if publication not in folders:
            folder.mkdir(exist_ok=True)
            (folder / "publication.yml").write_text(f"name: {publication}\n", encoding="utf-8")
            folders.add(publication)
        digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]
        path = folder / f"{number:06d}_{digest}{suffix}"
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10000, help="number of articles (default 10000)")
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE,
                        help="real corpus to draw sentences from (default: the repository's corpus/)")
    args = parser.parse_args(argv)
    try:
        paths = make_corpus(args.articles, args.out, args.seed, args.source)
    except (OSError, ValueError) as exc:
        print(f"make_corpus: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {len(paths)} articles to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
