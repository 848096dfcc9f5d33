"""Score the splitter on annotated sets of real interviews: questions, interviewees, publication, intro.

    .venv/bin/python -m bench.split_quality                       # dev set + held-out set, a table each
    .venv/bin/python -m bench.split_quality DIR [DIR …] --worst 8  # any set in the expected.json format
    .venv/bin/python -m bench.split_quality --json                 # the same figures as JSON
    .venv/bin/python -m bench.split_quality --cpu corpus           # CPU seconds to split a corpus

A set is a folder holding ``expected.json`` (a list of objects: ``file``, ``questions``, ``interviewees``,
``publication``, ``has_intro``, …; see ../shared/corpora/interviews-dev/README.md) and the articles, in
``articles/`` or beside it. The default sets are ``../shared/corpora/interviews-dev`` (when present) and
``tests/fixtures/realworld`` (the held-out set).

**Questions**: a predicted question matches an expected one when their normalised texts (markup
characters and case gone, quotes straightened) are at least 0.85 similar (difflib ratio) or one contains
the other and the shorter is at least 60% of the longer. Each expected question is matched once; micro
precision, recall and F1 over all files.

**Interviewees**: exact when the lists have the same length and every expected name has a predicted one
with the same words, or the same first and last word (accents folded).

**Publication**, two figures. *Strict* compares the whole annotation (normalised) with the prediction:
this is what ``../shared/hooks/devset_score.py`` prints. *Documented* accepts the prediction when it
names the publication the annotation names, because several annotations carry a description after the
name: the prediction (case, punctuation, a leading "The" and a trailing "blog" ignored) equals the
annotation's name before its first "(" or ",", or a carrier the annotation names — a parenthesised
name, or one after "via", "from" or "republished from" ("Linux Gazette (republished from OLinux,
Brazil)" accepts "Linux Gazette" and "OLinux"). Descriptions such as "(podcast)", "issue 3" or
"transcript by …" never count as names.

*Named* counts the files whose text names the publication at all (one of those names appears in the
raw file as words, or run together as in a domain name: "smashingmagazine.com" names "Smashing
Magazine"); a publication no file names cannot be found by reading it.

**Intro**: whether an intro passage exists exactly when ``has_intro`` says so.
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import json
import re
import sys
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from index.corpus import parse_file  # noqa: E402
from index.model import Article, ArticleError  # noqa: E402

DEV_SET = ROOT.parent / "shared" / "corpora" / "interviews-dev"
HELD_OUT = ROOT / "tests" / "fixtures" / "realworld"


# --- comparisons ----------------------------------------------------------------------------------------


def norm(text: str) -> str:
    """Text as questions are compared: NFKC, quotes straightened, markup characters and case gone."""
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    text = re.sub(r"<[^>]+>|[*_#>`]", " ", text)
    return re.sub(r"\s+", " ", text).strip().lower()


def same_question(a: str, b: str) -> bool:
    """The dev set's matching rule (see the module docstring)."""
    a, b = norm(a), norm(b)
    if not a or not b:
        return False
    if (a in b or b in a) and min(len(a), len(b)) >= 0.6 * max(len(a), len(b)):
        return True
    return difflib.SequenceMatcher(None, a, b).ratio() >= 0.85


def _name_words(text: str) -> list[str]:
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z ]+", " ", text).split()


def same_people(expected: list[str], got: list[str]) -> bool:
    """Same number of people, each expected name matched by words or by first and last word."""
    if len(expected) != len(got):
        return False
    left = [_name_words(g) for g in got]
    for e in map(_name_words, expected):
        hit = next((g for g in left if g and e and (g == e or (g[0] == e[0] and g[-1] == e[-1]))), None)
        if hit is None:
            return False
        left.remove(hit)
    return True


def _pub_key(text: str) -> str:
    words = _words(text)
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    if len(words) > 1 and words[-1] == "blog":
        words = words[:-1]
    return " ".join(words)


_CARRIER = re.compile(r"^(?:republished from|transcript via|via|from)\s+(.+)$", re.IGNORECASE)
_DESCRIPTION = re.compile(
    r"\b(?:issue|podcast|blog|magazine|calendar|transcript|translation|republished|german|english)\b|\d",
    re.IGNORECASE,
)


def publication_names(annotation: str) -> list[str]:
    """The names an annotated publication string stands for: the name before its description, and the
    carriers it names (see the module docstring)."""
    names = [re.split(r"\s*[(,]", annotation, maxsplit=1)[0]]
    for inner in re.findall(r"\(([^()]*)\)", annotation):
        for part in inner.split(","):
            part = part.strip()
            carrier = _CARRIER.match(part)
            if carrier:
                names.append(carrier.group(1))
            elif part and not _DESCRIPTION.search(part) and len(part.split()) <= 4:
                names.append(part)
    for carrier in re.findall(r"\b(?:via|from)\s+([A-Z][^,()]*)", annotation):
        names.append(carrier)
    return [n.strip() for n in names if n.strip()]


def _words(text: str) -> list[str]:
    text = unicodedata.normalize("NFKC", text).lower().replace("'", "").replace("’", "")
    return re.findall(r"[a-z0-9]+", text)


def names_publication(raw: str, annotation: str) -> bool:
    """True when the raw article text names one of the annotation's publication names (see *Named*)."""
    text = " " + " ".join(_words(raw)) + " "
    for name in publication_names(annotation):
        words = _words(name)
        if words and words[0] == "the" and len(words) > 1:
            words = words[1:]
        if words and (f" {' '.join(words)} " in text or f" {''.join(words)} " in text):
            return True
    return False


def same_publication(annotation: str, got: str, strict: bool) -> bool:
    if strict:
        return norm(annotation) == norm(got)
    key = _pub_key(got)
    return bool(key) and any(key == _pub_key(name) for name in publication_names(annotation))


# --- scoring --------------------------------------------------------------------------------------------


@dataclass
class FileScore:
    file: str
    expected: int = 0
    predicted: int = 0
    matched: int = 0
    missed: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    people_ok: bool = False
    people: list[str] = field(default_factory=list)
    people_expected: list[str] = field(default_factory=list)
    publication: str = ""
    publication_expected: str = ""
    publication_strict: bool = False
    publication_documented: bool = False
    publication_named: bool = False
    intro_ok: bool = False
    error: str = ""

    @property
    def f1(self) -> float:
        return _f1(self.matched, self.predicted, self.expected)


def _f1(matched: int, predicted: int, expected: int) -> float:
    p = matched / predicted if predicted else 0.0
    r = matched / expected if expected else 0.0
    return 2 * p * r / (p + r) if p + r else 0.0


def _article_path(folder: Path, name: str) -> Path:
    inside = folder / "articles" / name
    return inside if inside.exists() else folder / name


def score_file(folder: Path, spec: dict) -> FileScore:
    """Parse one annotated article (no enrichment) and compare it with its annotation."""
    score = FileScore(
        spec["file"],
        expected=len(spec["questions"]),
        people_expected=list(spec.get("interviewees") or []),
        publication_expected=spec.get("publication") or "",
    )
    path = _article_path(folder, spec["file"])
    if score.publication_expected:
        raw = path.read_bytes().decode("utf-8", errors="replace")
        score.publication_named = names_publication(raw, score.publication_expected)
    try:
        article: Article = parse_file(path, enrich=False)
    except ArticleError as exc:
        score.error = exc.reason
        score.missed = list(spec["questions"])
        return score
    got = [p.question for p in article.passages if p.kind == "qa"]
    score.predicted = len(got)
    used: set[int] = set()
    for question in got:
        hit = next(
            (i for i, q in enumerate(spec["questions"]) if i not in used and same_question(question, q)), None
        )
        if hit is None:
            score.extra.append(question)
        else:
            used.add(hit)
    score.matched = len(used)
    score.missed = [q for i, q in enumerate(spec["questions"]) if i not in used]
    score.people = list(article.interviewees)
    score.people_ok = same_people(score.people_expected, score.people)
    score.publication = article.publication
    if score.publication_expected:
        score.publication_strict = same_publication(score.publication_expected, article.publication, True)
        score.publication_documented = same_publication(
            score.publication_expected, article.publication, False
        )
    has_intro = any(p.kind == "intro" for p in article.passages)
    score.intro_ok = has_intro == bool(spec.get("has_intro"))
    return score


def measure(folder: Path, added: str = "") -> dict:
    """Score every article annotated in ``folder/expected.json`` (only those whose ``added`` field is
    ``added``, when given; "original" stands for entries without one); returns totals and per-file
    scores."""
    specs = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    if added:
        specs = [s for s in specs if s.get("added", "original") == added]
    files = [score_file(folder, spec) for spec in specs]
    matched = sum(f.matched for f in files)
    predicted = sum(f.predicted for f in files)
    expected = sum(f.expected for f in files)
    with_publication = [f for f in files if f.publication_expected]
    return {
        "set": str(folder) + (f" (added: {added})" if added else ""),
        "files": len(files),
        "questions": {
            "expected": expected,
            "predicted": predicted,
            "matched": matched,
            "precision": round(matched / predicted, 3) if predicted else 0.0,
            "recall": round(matched / expected, 3) if expected else 0.0,
            "f1": round(_f1(matched, predicted, expected), 3),
        },
        "interviewees_exact": sum(f.people_ok for f in files),
        "publication_named": len(with_publication),
        "publication_strict": sum(f.publication_strict for f in with_publication),
        "publication_documented": sum(f.publication_documented for f in with_publication),
        "publication_named_in_text": sum(f.publication_named for f in with_publication),
        "intro_right": sum(f.intro_ok for f in files),
        "per_file": [f.__dict__ | {"f1": round(f.f1, 3)} for f in files],
    }


# --- report ---------------------------------------------------------------------------------------------


def _clip(text: str, width: int = 100) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def report(result: dict, worst: int = 5) -> str:
    q = result["questions"]
    n = result["files"]
    lines = [
        f"{result['set']}  ({n} articles)",
        f"  questions     F1 {q['f1']:.3f}  precision {q['precision']:.3f}  recall {q['recall']:.3f}"
        f"  ({q['matched']} of {q['expected']} expected, {q['predicted']} predicted)",
        f"  interviewees  exact {result['interviewees_exact']}/{n}",
        f"  publication   strict {result['publication_strict']}/{result['publication_named']}"
        f"  documented {result['publication_documented']}/{result['publication_named']}"
        f"  (the text names it in {result['publication_named_in_text']})",
        f"  intro         right {result['intro_right']}/{n}",
        "",
        f"  {'file':<48} {'F1':>5} {'exp':>4} {'got':>4} {'ok':>4}  people  pub",
    ]
    for f in result["per_file"]:
        people = "ok" if f["people_ok"] else "—"
        pub = "ok" if f["publication_documented"] else ("—" if f["publication_expected"] else "")
        lines.append(
            f"  {f['file'][:48]:<48} {f['f1']:>5.2f} {f['expected']:>4} {f['predicted']:>4} {f['matched']:>4}"
            f"  {people:<6}  {pub}"
        )
    ranked = sorted(result["per_file"], key=lambda f: (f["f1"], -len(f["missed"]) - len(f["extra"])))
    shown = [f for f in ranked if f["missed"] or f["extra"] or not f["people_ok"]][:worst]
    if shown:
        lines += ["", "  worst files:"]
    for f in shown:
        lines.append(f"  {f['file']}  F1 {f['f1']:.2f}" + (f"  error: {f['error']}" if f["error"] else ""))
        if not f["people_ok"]:
            lines.append(f"    interviewees {f['people']} (expected {f['people_expected']})")
        if not f["publication_documented"] and f["publication_expected"]:
            lines.append(f"    publication {f['publication']!r} (expected {f['publication_expected']!r})")
        lines += [f"    missed: {_clip(m)}" for m in f["missed"][:6]]
        lines += [f"    extra:  {_clip(e)}" for e in f["extra"][:6]]
    return "\n".join(lines)


def default_sets() -> list[Path]:
    return [s for s in (DEV_SET, HELD_OUT) if (s / "expected.json").exists()]


def split_cpu(corpus: Path, passes: int = 3) -> str:
    """CPU seconds (``time.process_time``, best of ``passes``) to read and split every article of
    ``corpus``, without enrichment: the splitter's share of a build, steadier than wall time on a shared
    machine."""
    from index.corpus import iter_article_files

    files = list(iter_article_files(corpus))
    best, passages = float("inf"), 0
    for _ in range(passes):
        start, passages = time.process_time(), 0
        for path in files:
            with contextlib.suppress(ArticleError):  # a broken file costs what it cost to find out
                passages += len(parse_file(path, corpus_root=corpus, enrich=False).passages)
        best = min(best, time.process_time() - start)
    return f"{len(files)} files, {passages} passages: {best:.2f} s CPU to read and split (best of {passes})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "sets", nargs="*", type=Path, help="folders with an expected.json (default: dev + held-out)"
    )
    parser.add_argument("--worst", type=int, default=5, help="how many worst files to detail (default 5)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--added", default="", metavar="BATCH",
        help='only the annotations whose "added" field is BATCH ("original": those without one)',
    )
    parser.add_argument(
        "--cpu", type=Path, metavar="CORPUS", help="instead: CPU seconds to split the articles of CORPUS"
    )
    args = parser.parse_args(argv)
    if args.cpu:
        print(split_cpu(args.cpu))
        return 0
    sets = args.sets or default_sets()
    if not sets:
        print("no annotated set found (../shared/corpora/interviews-dev is absent)", file=sys.stderr)
        return 1
    results = [measure(s, args.added) for s in sets]
    if args.json:
        print(json.dumps(results, indent=2, ensure_ascii=False))
    else:
        print("\n\n".join(report(r, args.worst) for r in results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
