"""Index generations, atomic switch, update/add by content hash, deletions, bad files, JSONL input."""

from __future__ import annotations

import json

import pytest
from searchkit import ACCENTS_ARTICLE, COVID, STOP_MOTION, all_passages, copy_seeds

from index import build as builder
from index import whoosh_store
from index.corpus import parse_file
from index.model import ArticleError
from search.engine import open_index


@pytest.fixture
def corpus(tmp_path):
    return copy_seeds(tmp_path / "corpus")


def current(index_dir):
    return (index_dir / whoosh_store.CURRENT).read_text().strip()


def test_build_writes_a_generation_and_points_current_at_it(corpus, tmp_path):
    index_dir = tmp_path / "index"
    report = builder.build(corpus, index_dir)
    assert report.articles == 3 and report.passages > 3 and not report.skipped
    assert current(index_dir) == report.generation == "gen-000001"
    manifest = whoosh_store.read_manifest(index_dir / "gen-000001")["files"]
    assert set(manifest) == {p.relative_to(corpus).as_posix() for p in corpus.rglob("*.txt")}
    entry = manifest["voyagela/000_713f14fa217934a6.txt"]
    assert entry["article"] == COVID and entry["hash"] == builder.file_hash(corpus / "voyagela" /
                                                                             "000_713f14fa217934a6.txt")
    assert sum(len(e["passages"]) for e in manifest.values()) == report.passages
    assert "3 articles" in report.summary() and "0 files skipped" in report.summary()


def test_rebuilds_switch_generations_and_keep_only_the_previous(corpus, tmp_path):
    index_dir = tmp_path / "index"
    for _ in range(3):
        builder.build(corpus, index_dir)
    assert current(index_dir) == "gen-000003"
    assert sorted(p.name for p in index_dir.glob("gen-*")) == ["gen-000002", "gen-000003"]


def test_failed_build_leaves_the_previous_generation_serving(corpus, tmp_path):
    index_dir = tmp_path / "index"
    builder.build(corpus, index_dir)
    with open_index(index_dir) as engine:
        before = all_passages(engine)
        with pytest.raises(FileNotFoundError):
            builder.build(tmp_path / "missing", index_dir)
        with pytest.raises(ArticleError, match="cannot open JSONL"):
            builder.build(corpus, index_dir, jsonl=tmp_path / "no-such.jsonl")

        def interrupt(done, total, name):
            if done == 2:
                raise KeyboardInterrupt

        with pytest.raises(KeyboardInterrupt):
            builder.build(corpus, index_dir, progress=interrupt)
        assert current(index_dir) == "gen-000001"
        assert [p.name for p in index_dir.glob("gen-*")] == ["gen-000001"]  # no half-built generation
        assert all_passages(engine) == before


def test_a_build_pauses_the_garbage_collector_only_while_it_writes(corpus, tmp_path):
    import gc
    import threading

    alone = threading.active_count() == 1  # with other threads running, a build leaves it alone
    seen: list[bool] = []
    builder.build(corpus, tmp_path / "index", progress=lambda done, total, name: seen.append(gc.isenabled()))
    assert seen and gc.isenabled()
    assert not any(seen) if alone else all(seen)

    def interrupt(done, total, name):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        builder.build(corpus, tmp_path / "index", progress=interrupt)
    assert gc.isenabled()


def test_update_reindexes_only_changed_files(corpus, tmp_path):
    index_dir = tmp_path / "index"
    builder.build(corpus, index_dir)
    again = builder.update(corpus, index_dir)
    assert (again.articles, again.unchanged, again.deleted) == (0, 3, 0)

    path = corpus / "voyagela" / "000_713f14fa217934a6.txt"
    path.write_text(path.read_text(encoding="utf-8").replace("quarantine", "zanzibarish"), encoding="utf-8")
    report = builder.update(corpus, index_dir)
    assert (report.articles, report.unchanged, report.deleted) == (1, 2, 0)
    assert report.generation == current(index_dir) == "gen-000001"  # updated in place
    with open_index(index_dir) as engine:
        assert engine.search("zanzibarish").hits[0].article == COVID
        assert engine.search("quarantine").total == 0


def test_update_drops_deleted_files(corpus, tmp_path):
    index_dir = tmp_path / "index"
    builder.build(corpus, index_dir)
    (corpus / "litang-zone" / "003_a09c00f12582b7b2.txt").unlink()
    report = builder.update(corpus, index_dir)
    assert report.deleted == 1
    with open_index(index_dir) as engine:
        assert engine.search("stop motion", match="all").total == 0
        assert engine.article(STOP_MOTION) is None
    manifest = whoosh_store.read_manifest(index_dir / current(index_dir))["files"]
    assert "litang-zone/003_a09c00f12582b7b2.txt" not in manifest


def test_add_copies_into_the_publication_folder_and_indexes(corpus, tmp_path):
    index_dir = tmp_path / "index"
    builder.build(corpus, index_dir)
    new = tmp_path / "therese.txt"
    new.write_text(ACCENTS_ARTICLE, encoding="utf-8")
    report = builder.add([new], corpus, index_dir, publication="Ceramics Weekly")
    assert report.added_files == ["ceramics-weekly/therese.txt"] and report.articles == 1
    assert "Ceramics Weekly" in (corpus / "ceramics-weekly" / "publication.yml").read_text()
    with open_index(index_dir) as engine:
        result = engine.search("ceramics")
        assert result.total >= 1 and result.hits[0].publication == "Ceramics Weekly"
    # Into an existing publication, matched by its publication.yml name.
    other = tmp_path / "other.txt"
    other.write_text(ACCENTS_ARTICLE.replace("Thérèse", "Odile"), encoding="utf-8")
    report = builder.add([other], corpus, index_dir, publication="VoyageLA")
    assert report.added_files == ["voyagela/other.txt"]


def test_add_without_a_publication_files_an_article_under_the_publication_it_names(corpus, tmp_path):
    index_dir = tmp_path / "index"
    builder.build(corpus, index_dir)
    named = tmp_path / "named.md"
    named.write_text("---\npublication: VoyageLA\n---\n" + ACCENTS_ARTICLE, encoding="utf-8")
    unnamed = tmp_path / "unnamed.txt"
    unnamed.write_text(ACCENTS_ARTICLE.replace("Thérèse", "Odile"), encoding="utf-8")
    report = builder.add([named, unnamed], corpus, index_dir)
    assert report.added_files == ["voyagela/named.md", "added/unnamed.txt"]
    with open_index(index_dir) as engine:
        assert {h.publication for h in engine.search("ceramics").hits} >= {"VoyageLA"}


def test_add_reports_missing_and_conflicting_files_and_adds_the_rest(corpus, tmp_path):
    index_dir = tmp_path / "index"
    builder.build(corpus, index_dir)
    good = tmp_path / "good.txt"
    good.write_text(ACCENTS_ARTICLE, encoding="utf-8")
    clash = tmp_path / "clash" / "000_713f14fa217934a6.txt"
    clash.parent.mkdir()
    clash.write_text(ACCENTS_ARTICLE, encoding="utf-8")
    report = builder.add([tmp_path / "missing.txt", clash, good], corpus, index_dir, publication="VoyageLA")
    reasons = dict(report.skipped)
    assert reasons[str(tmp_path / "missing.txt")] == "no such file"
    assert "already exists" in reasons[str(clash)]
    assert report.added_files == ["voyagela/good.txt"]


def test_bad_files_are_skipped_and_reported_and_the_rest_indexed(corpus, tmp_path):
    (corpus / "voyagela" / "empty.txt").write_text("", encoding="utf-8")
    (corpus / "voyagela" / "binary.txt").write_bytes(bytes(range(256)) * 40)
    report = builder.build(corpus, tmp_path / "index")
    skipped = dict(report.skipped)
    assert set(skipped) == {"voyagela/empty.txt", "voyagela/binary.txt"}
    assert all(reason for reason in skipped.values())
    assert report.articles == 3
    assert "voyagela/empty.txt" in report.summary()
    # Unchanged bad files are reported again by update, without re-reading them.
    assert dict(builder.update(corpus, tmp_path / "index").skipped) == skipped


def test_jsonl_build_indexes_pre_split_articles(corpus, tmp_path):
    lines = []
    for number, path in enumerate(sorted(corpus.rglob("*.txt"))):
        article = parse_file(path, corpus_root=corpus)
        article.id = f"transcripts/{number}"
        lines.append(json.dumps(article.to_dict()))
    lines.insert(1, "{not json")
    lines.insert(2, json.dumps({"title": "no id", "passages": []}))
    jsonl = tmp_path / "articles.jsonl"
    jsonl.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = builder.build(corpus, tmp_path / "index", jsonl=jsonl)
    assert report.articles == 3
    assert [label for label, _ in report.skipped] == [f"{jsonl}:2", f"{jsonl}:3"]
    with open_index(tmp_path / "index") as engine:
        top = engine.search("covid").hits[0]
        assert top.article.startswith("transcripts/") and top.passage == 4
        assert engine.stats()["source"]["kind"] == "jsonl"
    # An update after a JSONL build keeps the JSONL articles and adds the corpus files.
    builder.update(corpus, tmp_path / "index")
    with open_index(tmp_path / "index") as engine:
        assert engine.stats()["articles"] == 6


def test_add_reports_a_file_that_is_not_an_article(corpus, tmp_path):
    index_dir = tmp_path / "index"
    builder.build(corpus, index_dir)
    notes = tmp_path / "notes.doc"
    notes.write_text("not an article", encoding="utf-8")
    report = builder.add([notes], corpus, index_dir)
    assert dict(report.skipped) == {str(notes): builder.NOT_AN_ARTICLE}
    assert report.articles == 0 and not (corpus / "added").exists()


def test_update_of_chosen_files_checks_only_those_files(corpus, tmp_path):
    """``update(only=…)`` (what ``add`` runs) indexes the chosen files alone, refusing a link that
    leaves the corpus with its reason, and leaves the rest of the corpus (even new files) alone."""
    index_dir = tmp_path / "index"
    builder.build(corpus, index_dir)
    text = (corpus / "voyagela" / "000_713f14fa217934a6.txt").read_text(encoding="utf-8")
    outside = tmp_path / "outside.txt"
    outside.write_text(text.replace("Covid", "Qovid"), encoding="utf-8")
    (corpus / "voyagela" / "link.txt").symlink_to(outside)
    (corpus / "voyagela" / "later.txt").write_text(text.replace("Covid", "Xovid"), encoding="utf-8")
    (corpus / "added").mkdir()
    (corpus / "added" / "new.txt").write_text(text.replace("Covid", "Kovid"), encoding="utf-8")
    report = builder.update(corpus, index_dir, only=["added/new.txt", "voyagela/link.txt", "_drafts/a.txt"],
                            action="add")
    assert report.articles == 1
    reasons = dict(report.skipped)
    assert sorted(reasons) == ["_drafts/a.txt", "voyagela/link.txt"]
    assert "outside the corpus" in reasons["voyagela/link.txt"]
    assert reasons["_drafts/a.txt"] == builder.NOT_AN_ARTICLE
    manifest = whoosh_store.read_manifest(index_dir / current(index_dir))["files"]
    assert "added/new.txt" in manifest and "voyagela/later.txt" not in manifest
    assert "voyagela/link.txt" not in manifest
