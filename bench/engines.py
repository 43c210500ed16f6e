"""Today's store, tantivy and SQLite FTS5 side by side, on the same documents and tokens.

    python bench/engines.py [--docs 1000] [--out bench/out/engines] [--fresh 40] [--passes 3]
    python bench/engines.py --docs 10000 --engines engine --add   # one more column, the store kept

Four columns: **store** (today's SQLite index and carbon's full scorer), **tantivy**
and **fts5** (the engines alone, given carbon's tokens and plans), and **engine**
(carbon as it ships for a large library: the store with tantivy beneath it,
``carbon_cli/engine.py``, built from the store's postings; its size is the engine's
alone, beside the store's).

1. **tokens**: the documents of ``bench/corpus.py`` are parsed by carbon's outline
   parser and every passage is cut by carbon's own pipeline (normalisation, jieba with
   the user dictionary, search mode, stop words, heading titles and kind terms:
   ``index.passage_terms``, what today's store indexes), in a pool of one process per
   core; the result is written once to ``OUT/tokens-N.jsonl`` (plain JSON lines) and
   reused while it is there, so every engine indexes the very same tokens;
2. **build**: each engine indexes the tokens in a process of its own (build time, CPU
   time, peak memory as the process's ``VmHWM``), into ``OUT/N/ENGINE``; its size on
   disk is set against the documents' raw UTF-8 text;
3. **plans**: every query (the eight of ``bench/scale.py`` and the judged queries of
   ``data/judgments*.tsv``) is turned into carbon's terms (its words, their parts,
   expansions with their weights) by carbon's ``Searcher.prepare`` on today's store:
   the same plan for every engine;
4. **in process**: each query once unmeasured, then ``--passes`` times; per query the
   median, then the median and 90th percentile over the queries. carbon runs its whole
   ranking (``Searcher.search``, ten shown); tantivy and FTS5 answer a disjunction of
   the plan's terms (an expansion of several words: all of them) with the total count
   and the best ten by their own BM25 (tantivy with the plan's weights as boosts;
   FTS5 has no per-term weight);
5. **fresh process**: ``--fresh`` of the queries (the eight, then judged ones evenly
   spread), each in a new Python process that imports what it needs, opens the index,
   cuts the query with carbon's memory-mapped segmenter and answers it; wall time
   from outside, peak memory ``VmHWM`` from inside.

Everything runs in one invocation, one engine after another on the same machine, so
the ratios between engines are measured under the same load. The numbers go to
``OUT/engines-N.json`` and a Markdown table to stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
ENGINES = ("store", "tantivy", "fts5", "engine")
QUERIES = ("碳", "技术", "碳达峰", "储能", "碳达峰 行动", "绿色金融", "CCUS", "可再生能源 消纳")
JUDGED = ("judgments.tsv", "judgments_holdout.tsv")
LIMIT = 10
TANTIVY_HEAP = 200_000_000  # bytes of the writer's buffer, shared by its threads

# A plan: the clauses of one query, each (terms, weight); a clause of several terms
# (a multi-word expansion) needs all of them.
Plan = list[tuple[list[str], float]]


def peak_mb() -> float:
    """This process's peak resident set (VmHWM), in MB: exec starts it afresh."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def store_parts_mb(path: Path) -> dict[str, float]:
    """Today's store by part (SQLite's dbstat): postings and terms, against the passages'
    texts and outline, which an engine's index does not hold."""
    import sqlite3

    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    sizes = dict(conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name"))
    conn.close()
    postings = sum(v for k, v in sizes.items() if k.startswith(("postings", "terms", "sqlite_autoindex_terms")))
    return {"postings_mb": postings / 2**20, "passages_mb": (sum(sizes.values()) - postings) / 2**20}


def size_mb(path: Path) -> float:
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files) / 2**20


# -- 1. tokens ----------------------------------------------------------------------

_pipeline = None


def _start_worker(cache: str) -> None:
    global _pipeline
    from carbon_cli.text import Pipeline

    _pipeline = Pipeline(Path(cache))


def _segment(file: str) -> str:
    """One generated document, parsed and cut as carbon indexes it: a JSON line."""
    from carbon_cli import index as ix
    from carbon_cli.catalog import Record, sha256_text

    name, text = Path(file).name, Path(file).read_text(encoding="utf-8")
    doc_id = name.removesuffix(".txt").replace("_", "-")
    record = Record(doc_id, text, name, "utf-8", "text", sha256_text(text), "")
    docs = []
    for doc in record.documents():
        passages = ix._unique_ids(doc.passages)
        carried = ix.semantic_kinds(passages)
        rows = []
        for p in passages:
            norm = _pipeline.normaliser.normalise(p.text)
            tokens = ix.passage_terms(_pipeline, p, bulk=True, kind=carried.get(p.id), normalised=norm)
            rows.append({"id": p.id, "doc": p.doc, "kind": p.kind, "number": p.number, "label": p.label,
                         "title": p.title, "parent": p.parent, "section": list(p.section), "start": p.start,
                         "end": p.end, "text": p.text, "norm": norm, "tokens": " ".join(tokens)})
        docs.append({"id": doc.id, "title": doc.title, "start": doc.start, "end": doc.end,
                     "truncated": doc.truncated, "meta": doc.meta, "passages": rows})
    return json.dumps({"record": doc_id, "sha256": record.sha256, "chars": len(text),
                       "bytes": len(text.encode("utf-8")), "documents": docs}, ensure_ascii=False)


def make_tokens(count: int, path: Path, cache: Path) -> dict:
    """Segment the corpus once, in one worker per core; the timing of that is the
    baseline every build is set against (segmentation alone)."""
    import resource
    from multiprocessing import Pool

    sys.path.insert(0, str(BENCH))
    import corpus

    folder = path.with_name(f"corpus-{count}")
    if not folder.exists():  # written first, untimed: generating it is no part of segmenting
        corpus.write_corpus(folder, count)
    files = sorted(str(p) for p in folder.glob("*.txt"))
    workers = os.cpu_count() or 1
    started, before = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
    tmp = path.with_suffix(".tmp")
    with Pool(workers, initializer=_start_worker, initargs=(str(cache),)) as pool, tmp.open("w", encoding="utf-8") as out:
        for line in pool.imap(_segment, files, chunksize=4):
            out.write(line + "\n")
        pool.close()
        pool.join()  # reaped, so that their CPU time is counted
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    os.replace(tmp, path)
    info = {"wall": time.perf_counter() - started, "workers": workers,
            "cpu": after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime}
    path.with_suffix(".timing.json").write_text(json.dumps(info))
    return info


def records(path: Path) -> Iterator[dict]:
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            yield json.loads(line)


# -- 2. builds, each in its own process ---------------------------------------------


def build_store(tokens: Path, target: Path, cache: Path) -> None:
    """Today's store: carbon's ``index.Writer`` given the counts of the cached tokens."""
    import sqlite3
    from collections import Counter

    from carbon_cli import index as ix
    from carbon_cli.model import Document, Passage
    from carbon_cli.text import Pipeline

    conn = sqlite3.connect(target, isolation_level=None)
    conn.execute("PRAGMA journal_mode = OFF")
    conn.execute("PRAGMA synchronous = OFF")
    ix.create(conn, "bench")
    conn.execute("BEGIN")
    writer = ix.Writer(conn, Pipeline(cache))
    for rec in records(tokens):
        info = ix.DocumentInfo(rec["record"], rec["record"], "utf-8", "text", rec["sha256"], "", False)
        batch, counts = [], []
        for d in rec["documents"]:
            passages = [Passage(**{k: v for k, v in p.items() if k not in ("norm", "tokens")} | {"section": tuple(p["section"])})
                        for p in d["passages"]]
            batch.append((Document(d["id"], d["title"], d["start"], d["end"], passages, d["truncated"], d["meta"]), info))
            counted = []
            for p in d["passages"]:
                words = p["tokens"].split()
                counted.append((dict(Counter(words)), len(words), p["norm"]))
            counts.append(counted)
        writer.add(batch, counts=counts)
    writer.finish()
    conn.execute("COMMIT")
    conn.close()


def build_tantivy(tokens: Path, target: Path) -> None:
    """tantivy: the tokens as whitespace-separated text, positions on; the passage
    number as a fast field, document and kind as raw (filterable) terms: carbon's
    engine schema (``engine.schema``), with positions."""
    import tantivy

    from carbon_cli.engine import schema

    target.mkdir(parents=True)
    index = tantivy.Index(schema(positions=True), path=str(target))
    writer = index.writer(heap_size=TANTIVY_HEAP, num_threads=os.cpu_count() or 1)
    pid = 0
    for rec in records(tokens):
        for d in rec["documents"]:
            for p in d["passages"]:
                pid += 1
                doc = tantivy.Document()
                doc.add_text("body", p["tokens"])
                doc.add_unsigned("pid", pid)
                doc.add_text("doc", p["doc"])
                doc.add_text("kind", p["kind"])
                writer.add_document(doc)
    writer.commit()
    writer.wait_merging_threads()


class Fts5Tokens:
    """FTS5's unicode61 tokenizer splits at anything but letters, digits and private-use
    characters: the other characters of carbon's tokens (``kind:action``, ``2.5%``) are
    mapped one to one onto private-use ones, so each token stays one FTS5 token."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.table: dict[int, str] = json.loads(path.read_text()) if path.exists() else {}

    def learn(self, text: str) -> None:
        for char in set(text):
            if not char.isalnum() and not char.isspace() and ord(char) not in self.table:
                self.table[ord(char)] = chr(0xE000 + len(self.table))

    def map(self, text: str) -> str:
        return text.translate(self.table)

    def save(self) -> None:
        self.path.write_text(json.dumps(self.table))


def build_fts5(tokens: Path, target: Path) -> None:
    """SQLite FTS5, contentless (the index only, as for tantivy), rowid = passage number."""
    import sqlite3

    mapping = Fts5Tokens(target.with_suffix(".chars.json"))
    conn = sqlite3.connect(target, isolation_level=None)
    conn.execute("PRAGMA journal_mode = OFF")
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("CREATE VIRTUAL TABLE f USING fts5(body, content='', tokenize='unicode61 remove_diacritics 0')")
    conn.execute("BEGIN")
    pid = 0
    for rec in records(tokens):
        rows = []
        for d in rec["documents"]:
            for p in d["passages"]:
                pid += 1
                mapping.learn(p["tokens"])
                rows.append((pid, mapping.map(p["tokens"])))
        conn.executemany("INSERT INTO f(rowid, body) VALUES (?, ?)", rows)
    conn.execute("COMMIT")
    conn.execute("INSERT INTO f(f) VALUES ('optimize')")
    conn.close()
    mapping.save()


def build_engine(target: Path) -> None:
    """carbon as it ships: today's store with the engine beneath (``engine.attach``),
    built from the store's postings; the store is the one built above."""
    import contextlib
    import sqlite3

    from carbon_cli import engine as en
    from carbon_cli.index import Index

    conn = sqlite3.connect(f"file:{target.parent / 'index.sqlite'}?mode=ro", uri=True)
    en.attach(Index(conn), target, contextlib.nullcontext)
    conn.close()


def run_build(engine: str, tokens: Path, target: Path, cache: Path) -> dict:
    started, cpu = time.perf_counter(), time.process_time()
    if engine == "engine":
        build_engine(target)
    elif engine == "store":
        build_store(tokens, target, cache)
    elif engine == "tantivy":
        build_tantivy(tokens, target)
    else:
        build_fts5(tokens, target)
    times = os.times()
    return {"wall": time.perf_counter() - started, "cpu": time.process_time() - cpu,
            "cpu_with_threads": times.user + times.system, "peak_mb": peak_mb()}


def engine_path(base: Path, engine: str) -> Path:
    return base / {"store": "index.sqlite", "tantivy": "tantivy", "fts5": "fts5.sqlite", "engine": "engine"}[engine]


# -- 3. plans -----------------------------------------------------------------------


def queries() -> list[str]:
    from carbon_cli.evaluate import load_judgments

    judged = [j.query for name in JUDGED for j in load_judgments(ROOT / "data" / name)]
    return list(dict.fromkeys([*QUERIES, *judged]))


def make_plans(store: Path, cache: Path, asked: list[str]) -> dict[str, Plan]:
    """Each query's clauses, as carbon's ``Searcher.prepare`` finds them on today's store."""
    from carbon_cli.search import check_query
    from carbon_cli.text import Pipeline

    searcher = _store_searcher(store, cache, Pipeline)
    plans: dict[str, Plan] = {}
    for raw in asked:
        _, terms, stats, _ = searcher.prepare(check_query(raw))
        clauses: dict[object, tuple[list[str], float]] = {}
        for term in terms:
            if term.term not in stats:
                continue
            key = term.group or term.term
            words, weight = clauses.get(key, ([], 0.0))
            clauses[key] = ([*words, term.term], max(weight, term.weight))
        plans[raw] = [(words, weight) for words, weight in clauses.values()]
    return plans


def _store_searcher(store: Path, cache: Path, pipeline_class):  # type: ignore[no-untyped-def]
    import sqlite3

    from carbon_cli.index import Index
    from carbon_cli.search import Searcher

    conn = sqlite3.connect(f"file:{store}?mode=ro", uri=True, check_same_thread=False)
    return Searcher(Index(conn), pipeline_class(cache))


# -- 4./5. queries ------------------------------------------------------------------


class Engine:
    """One engine opened for queries: ``answer`` returns the total and the best ten."""

    def __init__(self, name: str, base: Path, cache: Path) -> None:
        self.name = name
        self.shown: dict[str, list] = {}  # carbon's shown hits and scores, per query
        path = engine_path(base, name)
        if name in ("store", "engine"):
            from carbon_cli.text import Pipeline

            self.searcher = _store_searcher(engine_path(base, "store"), cache, Pipeline)
            if name == "engine":
                import contextlib

                from carbon_cli.engine import attach

                self.searcher.engine = attach(self.searcher.index, path, contextlib.nullcontext)
        elif name == "tantivy":
            import tantivy

            self.tantivy = tantivy
            self.index = tantivy.Index.open(str(path))
            self.schema = self.index.schema
            self.searcher = self.index.searcher()
        else:
            import sqlite3

            self.mapping = Fts5Tokens(path.with_suffix(".chars.json"))
            self.conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)

    def answer(self, raw: str, plan: Plan) -> int:
        if self.name in ("store", "engine"):
            result = self.searcher.search(raw, limit=LIMIT)
            self.shown[raw] = [[hit.passage.id, hit.score] for hit in result.hits]
            return result.total
        if self.name == "tantivy":
            return self._tantivy(plan)
        return self._fts5(plan)

    def _tantivy(self, plan: Plan) -> int:
        t = self.tantivy
        clauses = []
        for words, weight in plan:
            terms = [t.Query.term_query(self.schema, "body", w) for w in words]
            query = terms[0] if len(terms) == 1 else t.Query.boolean_query([(t.Occur.Must, q) for q in terms])
            clauses.append((t.Occur.Should, t.Query.boost_query(query, weight)))
        if not clauses:
            return 0
        found = self.searcher.search(t.Query.boolean_query(clauses), LIMIT, count=True)
        self.searcher.fast_field_values("pid", [address for _, address in found.hits])
        return found.count

    def _fts5(self, plan: Plan) -> int:
        def quoted(word: str) -> str:
            return '"' + self.mapping.map(word).replace('"', '""') + '"'

        parts = [quoted(ws[0]) if len(ws) == 1 else "(" + " AND ".join(map(quoted, ws)) + ")" for ws, _ in plan]
        if not parts:
            return 0
        match = " OR ".join(parts)
        total = self.conn.execute("SELECT count(*) FROM f WHERE f MATCH ?", (match,)).fetchone()[0]
        self.conn.execute("SELECT rowid FROM f WHERE f MATCH ? ORDER BY rank LIMIT ?", (match, LIMIT)).fetchall()
        return total


def in_process(engine: str, base: Path, cache: Path, plans: dict[str, Plan], passes: int, warmup: bool) -> dict:
    opened = Engine(engine, base, cache)
    for raw, plan in plans.items() if warmup else ():  # unmeasured: pages into the cache, lazy imports done
        opened.answer(raw, plan)
    times: dict[str, list[float]] = {raw: [] for raw in plans}
    totals: dict[str, int] = {}
    for _ in range(passes):
        for raw, plan in plans.items():
            started = time.perf_counter()
            totals[raw] = opened.answer(raw, plan)
            times[raw].append(time.perf_counter() - started)
    medians = sorted(statistics.median(t) for t in times.values())
    return {"median_ms": 1000 * statistics.median(medians), "p90_ms": 1000 * medians[int(len(medians) * 0.9)],
            "max_ms": 1000 * medians[-1], "queries": len(medians), "passes": passes, "warmup": warmup,
            "peak_mb": peak_mb(),
            "totals": totals, "shown": opened.shown}


def probe(engine: str, base: Path, cache: Path, plans_file: Path, raw: str) -> None:
    """A fresh process answering one query, as a warm ``carbon search`` would."""
    from carbon_cli.text import Pipeline

    plan = json.loads(plans_file.read_text(encoding="utf-8"))[raw]
    if engine not in ("store", "engine"):  # carbon's searcher cuts the query itself
        pipeline = Pipeline(cache)
        pipeline.segment(pipeline.normaliser.normalise(raw))
    total = Engine(engine, base, cache).answer(raw, plan)
    print(json.dumps({"total": total, "peak_mb": peak_mb()}))


def fresh(engine: str, base: Path, cache: Path, plans_file: Path, asked: list[str]) -> dict:
    walls, peaks = [], []
    for raw in asked:
        command = [sys.executable, __file__, "probe", engine, str(base), str(cache), str(plans_file), raw]
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        walls.append(time.perf_counter() - started)
        peaks.append(json.loads(done.stdout)["peak_mb"])
    walls.sort()
    return {"median_ms": 1000 * statistics.median(walls), "p90_ms": 1000 * walls[int(len(walls) * 0.9)],
            "max_ms": 1000 * walls[-1], "queries": len(walls), "peak_mb": max(peaks)}


def spread(asked: list[str], count: int) -> list[str]:
    """The eight benchmark queries, then judged ones evenly spread, ``count`` in all."""
    rest = asked[len(QUERIES):]
    step = max(1, len(rest) // max(1, count - len(QUERIES)))
    return [*asked[: len(QUERIES)], *rest[::step]][:count]


# -- the run ------------------------------------------------------------------------


def subcommand(args: list[str]) -> None:
    """``build ENGINE TOKENS TARGET CACHE`` and ``probe ENGINE BASE CACHE PLANS QUERY``:
    the steps that run in a process of their own."""
    if args[0] == "build":
        engine, tokens, target, cache = args[1], Path(args[2]), Path(args[3]), Path(args[4])
        print(json.dumps(run_build(engine, tokens, target, cache)))
    elif args[0] == "inprocess":
        engine, base, cache, plans_file, passes = args[1], Path(args[2]), Path(args[3]), Path(args[4]), int(args[5])
        asked = json.loads(args[6])
        plans = json.loads(plans_file.read_text(encoding="utf-8"))
        plans = {raw: plans[raw] for raw in asked}
        print(json.dumps(in_process(engine, base, cache, plans, passes, args[7] == "warm"), ensure_ascii=False))
    else:
        probe(args[1], Path(args[2]), Path(args[3]), Path(args[4]), args[5])


def _child(*args: str) -> dict:
    done = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True)
    if done.returncode:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"bench/engines.py {args[0]} {args[1]} failed")
    return json.loads(done.stdout)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] in ("build", "probe", "inprocess"):
        subcommand(sys.argv[1:])
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--out", type=Path, default=BENCH / "out" / "engines")
    parser.add_argument("--fresh", type=int, default=40, help="queries timed in a fresh process, per engine")
    parser.add_argument("--passes", type=int, default=3, help="measured passes over the queries in process")
    parser.add_argument("--no-warmup", dest="warmup", action="store_false",
                        help="no unmeasured pass before the measured ones in process")
    parser.add_argument("--sample", type=int, default=0,
                        help="queries timed in process (the eight, then judged ones evenly spread); 0: all")
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--from-json", type=Path, help="print the table of an earlier run, run nothing")
    parser.add_argument("--add", action="store_true",
                        help="measure --engines beside those of the last run on this corpus (its store kept)")
    args = parser.parse_args()
    if args.from_json:
        print_table(json.loads(args.from_json.read_text(encoding="utf-8")))
        return
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    cache = out / "cache"
    tokens = out / f"tokens-{args.docs}.jsonl"
    if tokens.exists():
        segmentation = json.loads(tokens.with_suffix(".timing.json").read_text())
    else:
        segmentation = make_tokens(args.docs, tokens, cache)
    raw_bytes = chars = passages = 0
    for rec in records(tokens):
        raw_bytes, chars = raw_bytes + rec["bytes"], chars + rec["chars"]
        passages += sum(len(d["passages"]) for d in rec["documents"])
    base = out / str(args.docs)
    engines = args.engines.split(",")
    load_before = os.getloadavg()
    result: dict = {"documents": args.docs, "chars": chars, "raw_mb": raw_bytes / 2**20, "passages": passages,
                    "segmentation": segmentation, "engines": {}}
    previous = out / f"engines-{args.docs}.json"
    if args.add:
        result = json.loads(previous.read_text(encoding="utf-8"))
        result["added"] = {"engines": engines, "load": [round(load_before[0], 2)]}
    else:
        shutil.rmtree(base, ignore_errors=True)
        base.mkdir(parents=True)
    for engine in engines:
        built = _child("build", engine, str(tokens), str(engine_path(base, engine)), str(cache))
        built["size_mb"] = size_mb(engine_path(base, engine))
        if engine == "store":
            built.update(store_parts_mb(engine_path(base, engine)))
        result["engines"][engine] = {"build": built}
    asked = queries()
    plans_file = base / "plans.json"
    if not args.add:
        plans_file.write_text(json.dumps(make_plans(engine_path(base, "store"), cache, asked), ensure_ascii=False))
    for engine in engines:
        sample = spread(asked, args.sample) if args.sample else asked
        result["engines"][engine]["in_process"] = _child(
            "inprocess", engine, str(base), str(cache), str(plans_file), str(args.passes),
            json.dumps(sample, ensure_ascii=False), "warm" if args.warmup else "cold")
        result["engines"][engine]["fresh"] = fresh(engine, base, cache, plans_file, spread(asked, args.fresh))
    if args.add:
        result["added"]["load"].append(round(os.getloadavg()[0], 2))
    else:
        result["load"] = [round(load_before[0], 2), round(os.getloadavg()[0], 2)]
    previous.write_text(json.dumps(result, ensure_ascii=False, indent=1))
    print_table(result)


def print_table(result: dict) -> None:
    engines = result["engines"]
    names = list(engines)
    seg = result["segmentation"]
    if "added" in result:
        added = result["added"]
        print(f"measured later, beside the others: {', '.join(added['engines'])}, load average {added['load']}")
    print(f"{result['documents']:,} documents, {result['chars']:,} characters ({result['raw_mb']:.1f} MB of UTF-8), "
          f"{result['passages']:,} passages; load average {result['load'][0]} before, {result['load'][1]} after")
    print(f"segmentation alone (carbon's pipeline, {seg['workers']} processes): {seg['wall']:.1f} s wall, "
          f"{seg['cpu']:.1f} s CPU")
    print("| measure | " + " | ".join(names) + " |")
    print("| --- |" + " ---: |" * len(names))

    def row(label: str, cell) -> None:  # type: ignore[no-untyped-def]
        print(f"| {label} | " + " | ".join(cell(engines[n]) for n in names) + " |")

    def ratio(value: float, of: float) -> str:
        return f"{value / of:.2f}" if of else "-"

    row("build, wall s (+ segmentation)", lambda e: f"{e['build']['wall']:.1f}")
    row("build, CPU s (all threads)", lambda e: f"{e['build']['cpu_with_threads']:.1f}")
    row("build, peak MB", lambda e: f"{e['build']['peak_mb']:.0f}")
    row("index on disk, MB", lambda e: f"{e['build']['size_mb']:.1f}")
    row("index / raw text", lambda e: ratio(e['build']['size_mb'], result['raw_mb']))
    row("in process, median / p90 ms", lambda e: f"{e['in_process']['median_ms']:.1f} / {e['in_process']['p90_ms']:.1f}")
    row("in process, max ms", lambda e: f"{e['in_process']['max_ms']:.1f}")
    row("fresh process, median / p90 ms", lambda e: f"{e['fresh']['median_ms']:.0f} / {e['fresh']['p90_ms']:.0f}")
    row("fresh process, peak MB", lambda e: f"{e['fresh']['peak_mb']:.0f}")
    first = names[0]
    for name in names[1:]:
        a, b = engines[first], engines[name]
        print(f"{first} / {name}: in-process median {ratio(a['in_process']['median_ms'], b['in_process']['median_ms'])}, "
              f"fresh median {ratio(a['fresh']['median_ms'], b['fresh']['median_ms'])}, "
              f"size {ratio(a['build']['size_mb'], b['build']['size_mb'])}")
    inproc = engines[first]["in_process"]["queries"]
    warm = "after one unmeasured" if engines[first]["in_process"].get("warmup", True) else "no unmeasured pass"
    print(f"queries: {inproc} in process ({engines[first]['in_process']['passes']} passes, {warm}), "
          f"{engines[first]['fresh']['queries']} in a fresh process each")
    if "store" in engines and "engine" in engines:
        ours, theirs = engines["store"]["in_process"], engines["engine"]["in_process"]
        shown = "shown" in ours  # a run before the shown hits were kept compares the totals
        same = [raw for raw in theirs["totals"] if ours["totals"].get(raw) == theirs["totals"][raw]
                and (not shown or ours["shown"].get(raw) == theirs["shown"][raw])]
        what = "total, shown hits and scores (to the last bit)" if shown else "total"
        print(f"engine against store: the same {what} for {len(same)} of {len(theirs['totals'])} queries")
    if "store" in engines:
        store = engines["store"]["build"]
        print(f"store by part: postings and terms {store['postings_mb']:.1f} MB "
              f"({ratio(store['postings_mb'], result['raw_mb'])} x raw text), passages (text, matching form, "
              f"outline) {store['passages_mb']:.1f} MB")


if __name__ == "__main__":
    main()
