"""The build's shortcuts write exactly what Whoosh's own code paths write.

``index.whoosh_internals.AnalysedText`` analyses each distinct word once and its ``BuildWriter`` pools
postings with less Python per posting; both must leave every term, posting, length, column and stored
field as Whoosh would have written them.
"""

from __future__ import annotations

import pickle
from collections import Counter
from pathlib import Path

import pytest
from searchkit import FIXTURE_CORPUS, copy_seeds
from whoosh import fields
from whoosh import index as whoosh_index

from index import whoosh_internals as fast_writer
from index.corpus import iter_article_files, parse_file
from index.schema import AnalysedText, SpelledText, build_schema
from index.whoosh_store import whoosh_documents

REPO = Path(__file__).resolve().parent.parent

TRICKY = [
    "",
    "the of and",  # only stop words
    "Covid-19 changed everything; covid19 and COVID-19 again, covid-19!",
    "state-of-the-art work, the-end, of-the, a-b-c, -lead trail- x--y",
    "We’d say Song’s film and Song's film; we'd ’quoted’ ʼmodifierʼ words",
    "Thérèse Ångström café naïve Œuvre ß straße İstanbul ǅemal",
    "2020 1999-2001 3D 10x 1.5 50% #1 @handle e-mail co-founder's",
    "repeat repeat repeat Repeat REPEAT repeating repeated",
    "日本語のテキスト and Ελληνικά and русский текст",
    "under_score snake_case_word it's its' o'clock rock'n'roll",
    "line\nbreaks\tand  spaces\u00a0nbsp\u2028sep",
]


def _corpus_texts(limit: int = 40) -> list[str]:
    texts = []
    for path in list(iter_article_files(FIXTURE_CORPUS))[:limit]:
        article = parse_file(path, corpus_root=FIXTURE_CORPUS)
        texts.append(article.title)
        for passage in article.passages:
            texts += [passage.question, passage.answer, *passage.topics, *passage.answerers]
    return texts


@pytest.fixture(scope="module")
def texts():
    return TRICKY + _corpus_texts()


def _analysed_fields(schema):
    found = {name: field for name, field in schema.items() if isinstance(field, AnalysedText)}
    assert {"question", "answer", "title", "interviewee", "topic"} <= set(found)
    return found


def test_index_gives_what_whoosh_text_index_gives(texts):
    for name, field in _analysed_fields(build_schema()).items():
        for text in texts:
            expected = list(fields.TEXT.index(field, text))
            assert list(field.index(text)) == expected, (name, text)
            assert list(field.index(text)) == expected, (name, text)  # again, from the caches


def test_spelling_words_are_the_unstemmed_analysis(texts):
    schema = build_schema()
    for name in ("question", "answer"):
        field = schema[name]
        assert isinstance(field, SpelledText)
        for text in texts:
            expected = {t.text for t in field.analyzer(text, no_morph=True)}
            assert field.spelling_words_of(text) == expected, (name, text)


def test_caches_are_not_pickled_into_the_table_of_contents():
    schema = build_schema()
    for name in ("question", "title"):
        list(schema[name].index("Covid-19 changed the film"))
    schema["question"].spellable_words("Covid-19 changed the film")
    state = pickle.loads(pickle.dumps(schema))
    for name in ("question", "title"):
        assert not {"_words", "_values", "_singles", "_spelled"} & set(vars(state[name]))


# --- the writer -------------------------------------------------------------------------------------

def _documents(tmp_path) -> list[dict]:
    corpus = copy_seeds(tmp_path / "corpus")
    paths = sorted(iter_article_files(corpus)) + sorted(iter_article_files(REPO / "tests/fixtures/articles"))
    docs = []
    for path in paths:
        try:
            docs += whoosh_documents(parse_file(path, corpus_root=corpus))
        except Exception:  # noqa: BLE001,S112 - fixtures include files that cannot be split on purpose
            continue
    assert len(docs) > 30
    return docs


def _digest(index_dir) -> dict:
    ix = whoosh_index.open_dir(index_dir)
    with ix.reader() as r:
        n = r.doc_count_all()
        postings = []
        for fieldname, text in r.all_terms():
            info = r.term_info(fieldname, text)
            m = r.postings(fieldname, text)
            ids = []
            while m.is_active():
                ids.append((m.id(), m.weight(), m.value()))
                m.next()
            postings.append((fieldname, text, info.weight(), info.doc_frequency(), info.min_length(),
                             info.max_length(), info.max_weight(), ids))
        lengths = {f: [r.doc_field_length(d, f) for d in range(n)] for f in r.schema.scorable_names()}
        columns = {f: list(r.column_reader(f)) for f in ("article", "number", "date")}
        return {"docs": n, "stored": [r.stored_fields(d) for d in range(n)], "postings": postings,
                "lengths": lengths, "columns": columns, "segments": len(ix._segments())}


def _write(index_dir, batches, make_writer, optimize=False):
    index_dir.mkdir()
    ix = whoosh_index.create_in(index_dir, build_schema())
    for i, batch in enumerate(batches):
        writer = make_writer(ix)
        for doc in batch:
            writer.add_document(**doc)
        writer.commit(optimize=optimize and i == len(batches) - 1)
    return _digest(index_dir)


def _small_build_writer(ix):
    writer = fast_writer.BuildWriter(ix, limitmb=1)
    writer.pool.max_items = 500  # many sorted runs on disk, merged at commit
    return writer


def test_build_writer_writes_what_the_whoosh_writer_writes(tmp_path, monkeypatch):
    monkeypatch.setattr(fast_writer, "RUN_TERMS", 16)
    docs = _documents(tmp_path)
    ours = _write(tmp_path / "ours", [docs], _small_build_writer)
    theirs = _write(tmp_path / "theirs", [docs], lambda ix: ix.writer())
    assert ours["docs"] == len(docs)
    assert ours == theirs


def test_text_buffers_drained_often_write_the_same(tmp_path, monkeypatch):
    # Text fields' words turned into postings every few hundred words, and their word tables dropped
    # every few dozen words: the same index as one drain at commit.
    docs = _documents(tmp_path)
    whole = _write(tmp_path / "whole", [docs], fast_writer.BuildWriter)
    monkeypatch.setattr(fast_writer, "DRAIN_WORDS", 300)
    monkeypatch.setattr(fast_writer, "WORD_CACHE_SIZE", 40)
    drained = _write(tmp_path / "drained", [docs], fast_writer.BuildWriter)
    assert drained == whole


def test_repeated_values_with_small_caches_write_what_the_whoosh_writer_writes(tmp_path, monkeypatch):
    # Titles, names and questions repeat from passage to passage: the text buffers remember a value's
    # word codes, forget them when full (every 3 values here) and when the word tables are dropped.
    monkeypatch.setattr(fast_writer, "VALUE_CACHE_SIZE", 3)
    monkeypatch.setattr(fast_writer, "WORD_CACHE_SIZE", 40)
    monkeypatch.setattr(fast_writer, "DRAIN_WORDS", 300)
    docs = _documents(tmp_path)
    again = [{**doc, "docid": doc["docid"] + "-again"} for doc in docs[::3]]
    mixed = [d for pair in zip(docs, [*again, *docs[len(again):]], strict=True) for d in pair]
    ours = _write(tmp_path / "ours", [mixed], fast_writer.BuildWriter)
    theirs = _write(tmp_path / "theirs", [mixed], lambda ix: ix.writer())
    assert ours["docs"] == len(mixed)
    assert ours == theirs


def test_boosts_and_stored_values_given_per_document_are_honoured(tmp_path):
    # Whoosh's per-document keys: "_boost", "_<field>_boost" and "_stored_<field>" (documents with and
    # without them, so the writer's per-field shortcuts meet both).
    docs = _documents(tmp_path)[:24]
    for i, doc in enumerate(docs):
        if i % 4 == 1:
            doc["_boost"] = 2.0
        if i % 4 == 2:
            doc["_answer_boost"] = 1.5
            doc["_stored_title"] = "A title kept instead"
    ours = _write(tmp_path / "ours", [docs], fast_writer.BuildWriter)
    theirs = _write(tmp_path / "theirs", [docs], lambda ix: ix.writer())
    assert ours == theirs
    assert any(stored.get("title") == "A title kept instead" for stored in ours["stored"])


def test_build_writer_merges_segments_like_the_whoosh_writer(tmp_path, monkeypatch):
    monkeypatch.setattr(fast_writer, "RUN_TERMS", 16)
    docs = _documents(tmp_path)
    batches = [docs[: len(docs) // 2], docs[len(docs) // 2:]]
    ours = _write(tmp_path / "ours", batches, _small_build_writer, optimize=True)
    theirs = _write(tmp_path / "theirs", batches, lambda ix: ix.writer(), optimize=True)
    assert ours["segments"] == 1
    assert ours == theirs


def test_spelling_words_in_the_index_are_every_unstemmed_word_once(tmp_path):
    docs = _documents(tmp_path)
    _write(tmp_path / "ours", [docs[:10], docs[10:]], _small_build_writer)
    ix = whoosh_index.open_dir(tmp_path / "ours")
    schema = build_schema()
    with ix.reader() as r:
        for name in ("question", "answer"):
            expected: Counter[str] = Counter()
            for doc in docs:
                expected.update({t.text for t in schema[name].analyzer(doc[name], no_morph=True)})
            indexed = [text.decode() for field, text in r.all_terms() if field == "spell_" + name]
            assert sorted(indexed) == sorted(expected)
            common, passages = expected.most_common(1)[0]
            assert passages > 5
            # Once per segment written (two commits here), not once per passage.
            assert 1 <= r.doc_frequency("spell_" + name, common) <= 2


def test_article_metadata_rides_on_the_first_passage_whole(tmp_path):
    corpus = copy_seeds(tmp_path / "corpus")
    article = parse_file(sorted(iter_article_files(corpus))[0], corpus_root=corpus)
    docs = whoosh_documents(article)
    expected = article.to_dict()
    del expected["passages"]
    assert docs[0]["meta"] == expected and list(docs[0]["meta"]) == list(expected)
    assert all("meta" not in doc for doc in docs[1:])
