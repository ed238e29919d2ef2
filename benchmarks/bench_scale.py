"""Scale benchmark (issue 20): the product's read path on a synthetic archive of N cases x M chunks.

The archive is written straight into the catalog and the embedded index through the product's own
writers — `Catalog.set_case_meta`, `Catalog.store_document` (pages, chunks, analysis, BM25 document
frequencies) and the ingest's index writer (`IndexWriter.index_documents`: case profile -> payload,
BM25 sparse vectors, upsert) — with no embedding model for the archive: the writer's embedder is
replaced by seeded random 384-d unit vectors. The build is a bulk load (stated: not the ingest's
settings): the index is opened with IndexOptions.bulk_flush_every (--flush-every, default 25,000), so
its segments are written every 25,000 points instead of after each 256-point upsert, and HNSW is built
once at the end (`optimize()`, timed as optimize_s); flushing per upsert made the build grow
quadratically (~1 s per flush at 6k points) and a 2,000-case build did not finish in 75 minutes. The text is generated from a vocabulary of English and
Chinese words counted in the corpus' plain-text documents (drawn by their corpus frequency, so BM25
sees realistic term statistics) mixed with the domain sentences of benchmarks/gen_archive.py (so the
codebook's cues and concepts occur). Cases carry metadata (title, date, region, industry, accident
type, clearance), documents an analysis (facts, tags with scores and evidence, entities,
accountability with levels, chunk tags), so that filters, facets, profiles and similar cases all work.

A fresh process then opens the home as the CLI/UI would (`Dutytrace`, the packaged MiniLM for the
queries) and times, over --queries seeded queries drawn from the vocabulary:
- search by case: `Dutytrace.search_cases(q)` (hybrid; a new Searcher per call, as the service does);
- facets: `Dutytrace.facets(q)` (the sidebar's counts for the same query);
- similar: `Dutytrace.similar(path)` for a generated new document (.txt), which per call parses and
  analyses the file (spaCy, tagger; similar_read_document_*) while its passages are embedded on
  another thread (similar_wait_vectors_*: the wait for them after the analysis; neither depends on
  the archive), queries the index per passage, then
  scores the candidate cases from their stored profiles (before issue 20 it read every chunk of every
  visible case and built every case's profile, and its first call counted every case's concepts into
  a per-process cache; the first call is still reported apart: similar_first_ms); similar_archive_* is
  the ranking (`rank_similar`), the part that depends on the archive (index legs, stored profiles,
  scoring; and the other language's terms of each passage);
- case page: `Dutytrace.case(case_id)` for random cases.
One call of each is profiled (cProfile): the largest cumulative entries go to "profile". Each
operation also reports its CPU time (`*_cpu_p50_ms`, `*_cpu_p95_ms`: this process, all threads): on a
machine shared with other work the wall time includes waiting for a core, the CPU time does not.
query_embed_* is the query's vector as the service makes it (query.query_encoder: one torch thread),
query_embed_all_threads_* as encode_query makes it with torch's default threads. The service is opened
as the UI opens it: its index owner first reads every passage's filter fields into memory in the
background (SharedIndex.keep_warm), and the timed calls start when that is done (warm_s, warm_cpu_s,
warm_rss_growth_mb: the process's growth during the warm-up; "warmed": whether it was). With --no-warm the calls start on a cold cache, as a
one-shot CLI process has: each point's fields are then read from the shard the first time a search
reaches it. search_by_case_again_* is a second pass over the same queries. --embedder onnx-int8
measures with the int8 ONNX embedder reading the new documents and the queries (the setting
DUTYTRACE_EMBEDDER=onnx-int8; the archive's vectors are random for either embedder).

    .venv/bin/python benchmarks/bench_scale.py --cases 200 --chunks-per-case 100 --json /tmp/scale.jsonl
    .venv/bin/python benchmarks/bench_scale.py --cases 200,2000 --chunks-per-case 100 --json OUT

One JSON object per size, one per line of OUT: {"cases", "chunks", "search_by_case_p95_ms",
"facets_p95_ms", "similar_p95_ms", "case_page_p95_ms", "disk_kb_per_point", "rss_mb", ...} with the
p50s, the build time, the catalog's size per point and the profiles. disk_kb_per_point is the index
folder's allocated blocks per point (its apparent size, larger because Qdrant preallocates files
sparsely, is disk_apparent_kb_per_point); the catalog, which also holds each chunk's and page's
text, is catalog_kb_per_point. rss_mb is the measuring process at the end (MiniLM, spaCy, the tagger
and the open index included). Each timed operation stops after --op-budget-s seconds (similar after
--similar-budget-s), once 10 calls (7) were made, and a `similar` call is cut after
--similar-timeout-s, so that a large size stays bounded: the *_calls fields say how many calls each
percentile is over, similar_cut_after_s that a call was cut (then no similar percentile is given).
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import io
import json
import pstats
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from bench_index import DIM, folder_mb, percentiles, rss_mb  # noqa: E402
from gen_archive import _sentences  # noqa: E402

SEED = 20
REGIONS = ["Guangdong", "Jiangsu", "Zhejiang", "Shandong", "Henan", "Sichuan", "Hubei", "Hunan", "Hebei", "Fujian",
           "Anhui", "Shaanxi", "Liaoning", "Jiangxi", "Yunnan", "Guangxi", "Shanxi", "Guizhou", "Chongqing",
           "Tianjin", "Shanghai", "Beijing", "Hong Kong", "Jilin", "Gansu", "Inner Mongolia", "Xinjiang", "Hainan"]
INDUSTRIES = ["construction", "mining", "chemicals", "manufacturing", "transport", "municipal utilities",
              "fireworks", "metallurgy", "warehousing", "agriculture"]
ACCIDENT_TYPES = ["fall_from_height", "struck_by_object", "mechanical_injury", "electrocution",
                  "asphyxiation_poisoning", "explosion", "fire", "collapse", "vehicle", "drowning", "other"]
LEVELS = ["local_management", "industry_supervision", "comprehensive_supervision", "enterprise", "leadership"]
SANCTIONS = ["warning", "serious warning", "demerit", "dismissal", "expelled from the party", "criminal prosecution"]
EN_WORD = re.compile(r"[A-Za-z][A-Za-z'-]{1,}")
CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
CHUNK_CHARS = {"en": 850, "zh": 280}  # a little under the product's chunk sizes (900 / 300)


# -- the vocabulary -------------------------------------------------------------------------------------
def vocabulary() -> dict[str, tuple[list[str], np.ndarray]]:
    """English and Chinese words of the corpus' plain-text documents with their relative frequencies."""
    import jieba

    jieba.setLogLevel(60)
    en, zh = Counter(), Counter()
    for f in sorted((ROOT / "corpus").rglob("*.txt")):
        text = f.read_text(encoding="utf-8", errors="ignore")
        en.update(w.lower() for w in EN_WORD.findall(text))
        for run in CJK_RUN.findall(text):
            zh.update(w for w in jieba.lcut(run) if len(w) > 1 or run == w)
    out = {}
    for lang, c in (("en", en), ("zh", zh)):
        words, counts = zip(*sorted(c.items(), key=lambda kv: (-kv[1], kv[0])))
        p = np.array(counts, dtype=np.float64)
        out[lang] = (list(words), p / p.sum())
    return out


class Writer:
    """Generates text, documents and analyses, seeded."""

    def __init__(self, vocab, seed: int):
        self.vocab = vocab
        self.rng = random.Random(seed)
        self.np = np.random.default_rng(seed)
        self._cdf: dict[str, np.ndarray] = {}

    def words(self, lang: str, n: int) -> list[str]:
        """n words drawn by corpus frequency (inverse CDF, as Generator.choice(p=...) draws, without
        making the CDF again on every call)."""
        words, p = self.vocab[lang]
        cdf = self._cdf.get(lang)
        if cdf is None:
            cdf = self._cdf[lang] = np.cumsum(p) / p.sum()
        return [words[min(i, len(words) - 1)] for i in np.searchsorted(cdf, self.np.random(n), side="right")]

    def chunk_text(self, lang: str) -> str:
        zh = lang == "zh"
        sents = _sentences(self.rng, zh, self.rng.randint(1, 2))
        out, budget = [], CHUNK_CHARS[lang] - sum(map(len, sents))
        while budget > 0:
            part = self.words(lang, self.rng.randint(6, 14))
            s = ("".join(part) + "。") if zh else (" ".join(part).capitalize() + ".")
            out.append(s)
            budget -= len(s) + (0 if zh else 1)
        out[self.rng.randrange(len(out)):0] = sents
        return ("" if zh else " ").join(out)[:CHUNK_CHARS[lang] + 80]


def build_case(w: Writer, case_no: int, m: int, zh_share: float, tag_ids: list[str]):
    """One case: (case_id, meta, [(Document, [Chunk], Analysis)])."""
    from dutytrace.models import Accountability, Analysis, Chunk, Document, Entity, Evidence, Page, TagResult

    rng = w.rng
    lang = "zh" if rng.random() < zh_share else "en"
    case_id = f"{lang}-{case_no:05d}"
    year = rng.randint(2005, 2024)
    kind = rng.choice(ACCIDENT_TYPES)
    deaths = rng.choice([1, 1, 1, 2, 2, 3, 4, 6, 11, 35])
    meta = {"title": f"{'事故调查报告' if lang == 'zh' else 'Investigation report'} {case_id}",
            "date": f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}", "region": rng.choice(REGIONS),
            "industry": rng.choice(INDUSTRIES), "accident_type": kind, "clearance": "open"}
    case_tags = rng.sample(tag_ids, rng.randint(1, 4))
    orgs = [f"{x} {case_no}" for x in ("Safety Bureau", "Construction Co.", "Township Government", "Labour Team")]
    shared = ["Emergency Management Bureau", "Housing and Construction Bureau", "Work Safety Law", "project manager",
              "safety officer", "Production Safety Law", "county government"]
    split = [("report", max(1, m * 5 // 10)), ("transcript", m * 2 // 10), ("transcript", m * 2 // 10)]
    split.append(("decision", m - sum(n for _, n in split)))
    docs = []
    for d, (kind_d, n) in enumerate(x for x in split if x[1] > 0):
        doc_id = hashlib.sha256(f"bench-scale\x00{case_id}\x00{d}".encode()).hexdigest()
        texts = [w.chunk_text(lang) for _ in range(n)]
        per_page = 4
        pages, chunks = [], []
        for p in range(0, n, per_page):
            parts = texts[p:p + per_page]
            pages.append(Page(p // per_page + 1, "\n\n".join(parts)))
            off = 0
            for k, t in enumerate(parts):
                seq = p + k
                chunks.append(Chunk(str(uuid.uuid5(uuid.NAMESPACE_URL, f"{doc_id}:{seq}")), doc_id, case_id, seq,
                                    p // per_page + 1, off, off + len(t), t,
                                    speaker=("被询问人" if lang == "zh" else "Interviewee") if kind_d == "transcript" else None))
                off += len(t) + 2
        name = f"{kind_d}-{d}.{'pdf' if kind_d != 'transcript' else 'txt'}"
        doc = Document(doc_id, case_id, f"/archive/{case_id}/{name}", name, kind_d, lang, tuple(pages),
                       "pdf" if name.endswith("pdf") else "txt")
        strong = kind_d in ("report", "decision")
        tags = [TagResult(t, rng.uniform(0.6, 0.95) if strong else rng.uniform(0.3, 0.6),
                          tuple(Evidence(texts[rng.randrange(n)][:200], rng.randint(1, len(pages)), cue="cue")
                                for _ in range(2))) for t in case_tags if strong or rng.random() < 0.5]
        ents = [Entity(rng.choice(orgs + shared), rng.choice(["ORG", "GOV", "POST", "LAW"]), rng.randint(1, len(pages)))
                for _ in range(20)]
        facts = {}
        if kind_d == "report":
            facts = {"accident_type": kind, "date": meta["date"], "location": f"{meta['region']} site {case_no}",
                     "enterprise": orgs[1], "fatalities": deaths, "injuries": rng.randint(0, 5),
                     "direct_loss": rng.randint(100, 9000) * 1000,
                     "grade": "general" if deaths < 3 else "larger" if deaths < 10 else "major" if deaths < 30
                     else "especially_major"}
        acc = [Accountability(f"Person {case_no}-{k}", rng.choice(["director", "manager", "inspector"]),
                              rng.choice(orgs), rng.choice(SANCTIONS), rng.choice(LEVELS), None, 1)
               for k in range(5 if strong else 0)]
        chunk_tags = {c.seq: [rng.choice(case_tags)] for c in chunks if rng.random() < 0.2}
        docs.append((doc, chunks, Analysis(lang, kind_d, ents, tags, facts, acc, chunk_tags)))
    return case_id, meta, docs


class RandomVectors:
    """The index writer's embedder for the synthetic archive: seeded random unit vectors, no model."""

    dim = DIM

    def __init__(self, seed: int):
        self.rng = np.random.default_rng(seed)

    def encode(self, texts: list[str]) -> np.ndarray:
        x = self.rng.standard_normal((len(texts), DIM)).astype(np.float32)
        return x / np.linalg.norm(x, axis=1, keepdims=True)


def new_document(w: Writer, lang: str, chunks: int) -> str:
    """A new case's first document (what an investigator uploads to `similar`)."""
    head = "事故调查报告\n" if lang == "zh" else "Investigation report of a new accident\n"
    return head + "\n\n".join(w.chunk_text(lang) for _ in range(chunks)) + "\n"


def queries(w: Writer, n: int, zh_share: float) -> list[str]:
    """Two or three words of one language, drawn by corpus frequency from its words past the 30 most
    common (which are mostly stop words)."""
    from dutytrace.query import STOPWORDS

    out = []
    for _ in range(n):
        lang = "zh" if w.rng.random() < zh_share else "en"
        words, p = w.vocab[lang]
        ok = [i for i in range(30, len(words)) if words[i] not in STOPWORDS and len(words[i]) > (1 if lang == "zh" else 3)]
        pick = w.np.choice(ok, w.rng.randint(2, 3), replace=False, p=p[ok] / p[ok].sum())
        out.append(("" if lang == "zh" else " ").join(words[i] for i in pick))
    return out


# -- the two phases (each in its own process) --------------------------------------------------------------
def build(home: Path, args) -> dict:
    from dutytrace.config import Settings
    from dutytrace.index_stage import IndexWriter
    from dutytrace.nlp.codebook import load_codebook
    from dutytrace.store.catalog import Catalog
    from dutytrace.store.index_owner import SharedIndex
    from dutytrace.store.vectors import IndexOptions

    t0 = time.perf_counter()
    settings = Settings(home=home)
    w = Writer(vocabulary(), args.seed)
    bench = home / "bench"
    bench.mkdir(parents=True, exist_ok=True)
    (bench / "queries.json").write_text(json.dumps(queries(w, args.queries, args.zh_share), ensure_ascii=False))
    for i in range(args.similar_queries):
        lang = "zh" if w.rng.random() < args.zh_share else "en"
        (bench / f"new-{i:03d}.txt").write_text(new_document(w, lang, args.new_doc_chunks), encoding="utf-8")
    catalog = Catalog(settings.catalog_path)
    # a bulk load: segments flushed every 25,000 points instead of after every upsert, HNSW built once
    # at the end (IndexOptions.bulk_flush_every; the ingest flushes per upsert and optimises every 50k)
    options = replace(IndexOptions.from_settings(settings), bulk_flush_every=args.flush_every)
    index = SharedIndex(settings.index_path, DIM, options, home, 0)

    class _Writer(IndexWriter):  # the ingest's index stage, as the Ingestor mixes it in
        def __init__(self):
            self.catalog, self.upsert_slice = catalog, 256
            self.index_fn, self.embedder_fn = (lambda: index), (lambda: vectors)

    vectors, writer = RandomVectors(args.seed), _Writer()
    tag_ids = list(load_codebook(None).tag_ids())
    pending, pending_chunks, store_s, index_s, chunks = [], 0, 0.0, 0.0, 0
    for c in range(args.cases):
        t = time.perf_counter()
        case_id, meta, docs = build_case(w, c + 1, args.chunks_per_case, args.zh_share, tag_ids)
        catalog.set_case_meta(case_id, meta)
        for doc, cs, analysis in docs:
            catalog.store_document(doc, cs, analysis)
            pending.append(doc.doc_id)
            pending_chunks += len(cs)
            chunks += len(cs)
        store_s += time.perf_counter() - t
        if pending_chunks >= 512 or c == args.cases - 1:  # the ingest's batch (EMBED_BATCH_CHUNKS)
            t = time.perf_counter()
            writer.index_documents(pending)
            index_s += time.perf_counter() - t
            pending, pending_chunks = [], 0
        if (c + 1) % max(1, args.cases // 10) == 0:
            print(f"# built {c + 1}/{args.cases} cases, {chunks} chunks, {time.perf_counter() - t0:.0f} s",
                  file=sys.stderr, flush=True)
    catalog.clear_stale(catalog.stale_cases())  # every payload was written whole: each case's documents came together
    t = time.perf_counter()
    index.optimize()  # the HNSW and payload indexes, once
    optimize_s = time.perf_counter() - t
    points = index.count()
    index.close()
    catalog.close()
    cat = sum(f.stat().st_size for f in home.glob("catalog.sqlite3*")) / 1024
    wal = sum(f.stat().st_size for f in settings.index_path.rglob("*") if f.is_file() and "wal" in f.parts)
    return {"cases": args.cases, "chunks": chunks, "points": points, "index_mb": round(folder_mb(settings.index_path), 1),
            "index_wal_mb": round(wal / 2**20, 1), "build_s": round(time.perf_counter() - t0, 1),
            "store_s": round(store_s, 1), "index_s": round(index_s, 1), "optimize_s": round(optimize_s, 1),
            "disk_kb_per_point": round(folder_mb(settings.index_path) * 1024 / max(points, 1), 2),
            "catalog_kb_per_point": round(cat / max(points, 1), 2)}


class CallTimedOut(Exception):
    pass


@contextmanager
def time_limit(seconds: float):
    """Interrupt the block after `seconds` (SIGALRM; the main thread only)."""
    def stop(signum, frame):
        raise CallTimedOut()
    old = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def disk_figures(home: Path) -> dict:
    """The index folder per point: blocks allocated on disk (disk_kb_per_point) and apparent file sizes
    (disk_apparent_kb_per_point: what benchmarks/bench_index.py counts; Qdrant preallocates files
    sparsely, so it is larger); the catalog (SQLite, WAL included) per point."""
    from dutytrace.store.catalog import Catalog

    cat = Catalog(home / "catalog.sqlite3")
    points = cat.chunk_count()
    cat.close()
    files = [f.stat() for f in (home / "index").rglob("*") if f.is_file()]
    catalog = sum(f.stat().st_blocks * 512 for f in home.glob("catalog.sqlite3*"))
    return {"disk_kb_per_point": round(sum(f.st_blocks * 512 for f in files) / 1024 / points, 2),
            "disk_apparent_kb_per_point": round(sum(f.st_size for f in files) / 1024 / points, 2),
            "catalog_kb_per_point": round(catalog / 1024 / points, 2)}


def top_entries(prof: cProfile.Profile, n: int = 10) -> list[str]:
    """Where one call's time went: the product's functions by cumulative time ("cum"), then the
    functions anywhere by their own time ("own": the leaves, e.g. torch, SQLite, regular expressions)."""
    s = pstats.Stats(prof, stream=io.StringIO())
    cum_rows, own_rows = [], []
    for (file, line, fn), (_, calls, own, cum, _) in s.stats.items():
        if "bench_scale" in file or fn in ("<module>", "<built-in method builtins.exec>"):
            continue
        where = f"{file.split('site-packages/')[-1].split('/main/')[-1]}:{line}({fn})"
        if "/dutytrace/" in file:
            cum_rows.append((cum, f"cum {cum * 1000:8.0f} ms  {calls:>7}x  {where}"))
        own_rows.append((own, f"own {own * 1000:8.0f} ms  {calls:>7}x  {where}"))
    return [r for _, r in sorted(cum_rows, reverse=True)[:n]] + [r for _, r in sorted(own_rows, reverse=True)[:5]]


def measure(home: Path, args) -> dict:
    from dutytrace.config import Settings
    from dutytrace.service import Dutytrace

    bench = home / "bench"
    out0 = disk_figures(home)
    qs = json.loads((bench / "queries.json").read_text())[:args.queries]
    docs = sorted(bench.glob("new-*.txt"))[:args.similar_queries]
    # the archive's vectors are random (no embedder made them): the home is marked as built by the embedder
    # asked for, so that `similar` and the queries are embedded by it (store/embedder_record.py)
    from dutytrace.nlp.embed import embedder_ident
    from dutytrace.store import embedder_record
    from dutytrace.store.catalog import Catalog

    cat = Catalog(home / "catalog.sqlite3")
    embedder_record.replace(cat, embedder_ident(args.embedder, None))
    cat.close()
    base = rss_mb()
    t = time.perf_counter()
    svc = Dutytrace(Settings(home=home, warm_index=not args.no_warm, embedder=args.embedder))
    svc.search_cases("warm up the model and the index")
    out: dict = {**out0, "embedder": args.embedder, "open_s": round(time.perf_counter() - t, 1), "queries": len(qs)}
    # as the UI opens the service (ui_pages/common.py): the index owner reads every passage's fields in the
    # background; the timed calls start when it is done (warm_s after the open; --no-warm: a cold cache,
    # as a one-shot CLI process has)
    before_warm = rss_mb()
    if svc.keep_index_warm():
        t, c = time.perf_counter(), time.process_time()
        out["warmed"] = svc.index.wait_warm(1800)
        out["warm_s"], out["warm_cpu_s"] = round(time.perf_counter() - t, 1), round(time.process_time() - c, 1)
        out["warm_rss_growth_mb"] = round(rss_mb() - before_warm, 1)  # what the kept fields cost in memory
        print(f"# warm-up: {out['warm_s']} s, rss +{out['warm_rss_growth_mb']} MB", file=sys.stderr, flush=True)
    else:
        out["warmed"] = False
    rng = random.Random(args.seed)
    case_ids = svc.case_ids()
    pages = [rng.choice(case_ids) for _ in qs]
    found = []
    ops = {"search_by_case": lambda i: found.append(len(svc.search_cases(qs[i], 10))),
           "facets": lambda i: svc.facets(qs[i]),
           "case_page": lambda i: svc.case(pages[i])}
    profiles = {}
    for name, op in ops.items():
        lat, cpu, spent = [], [], time.perf_counter()
        for i in range(len(qs)):
            if i >= 10 and time.perf_counter() - spent > args.op_budget_s:
                break  # keeps a large size bounded: the number of calls made is reported
            t, c = time.perf_counter(), time.process_time()
            op(i)
            lat.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
        out[f"{name}_p50_ms"], out[f"{name}_p95_ms"] = (round(x, 1) for x in percentiles(lat))
        # the CPU time of this process (all its threads) per call: what the call costs, apart from the
        # waits of a machine shared with other work (wall time above, CPU time here)
        out[f"{name}_cpu_p50_ms"], out[f"{name}_cpu_p95_ms"] = (round(x, 1) for x in percentiles(cpu))
        out[f"{name}_calls"] = len(lat)
        print(f"# {name}: {len(lat)} calls, p50 {out[f'{name}_p50_ms']} ms, p95 {out[f'{name}_p95_ms']} ms",
              file=sys.stderr, flush=True)
        prof = cProfile.Profile()
        prof.runcall(op, 0)
        profiles[name] = top_entries(prof)
    # the same queries again: the index owner now holds the passage fields of the points they reach
    # (EdgeIndex._fetch reads each point's once per process), as a long-running UI's does
    lat, cpu = [], []
    for i in range(out["search_by_case_calls"]):
        t, c = time.perf_counter(), time.process_time()
        svc.search_cases(qs[i], 10)
        lat.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    out["search_by_case_again_p50_ms"], out["search_by_case_again_p95_ms"] = (round(x, 1) for x in percentiles(lat))
    out["search_by_case_again_cpu_p50_ms"], out["search_by_case_again_cpu_p95_ms"] = (round(x, 1) for x in percentiles(cpu))
    print(f"# search_by_case again: p50 {out['search_by_case_again_p50_ms']} ms, p95 {out['search_by_case_again_p95_ms']} ms",
          file=sys.stderr, flush=True)
    out["cases_found_mean"] = round(float(np.mean(found[:len(qs)])), 2)
    # the query's MiniLM vector alone, as the service makes it (query.query_encoder, its cache off: a
    # search and its facets embed a query once) and as encode_query makes it with every torch thread
    from dutytrace.query import query_encoder

    for key, enc in (("query_embed", query_encoder(svc.embedder, cache=0)), ("query_embed_all_threads", svc.embedder.encode_query)):
        lat = []
        for q in qs:
            t = time.perf_counter()
            enc(q)
            lat.append(time.perf_counter() - t)
        out[f"{key}_p50_ms"], out[f"{key}_p95_ms"] = (round(x, 1) for x in percentiles(lat))
    # where a similar call's time goes: reading the new document (parse, NLP: `_prepare`; its passages are
    # embedded on another thread meanwhile) and then waiting for those vectors do not depend on the
    # archive; ranking (`rank_similar`: index legs, stored profiles, scoring) is the archive's part
    import dutytrace.similar as similar_mod
    from stage_timing import TIMES as spent_in
    from stage_timing import timed

    svc._prepare = timed("read", svc._prepare)
    similar_mod.rank_similar = timed("rank", similar_mod.rank_similar)
    lat, cpu, parts, spent = [], [], [], time.perf_counter()
    for k, doc in enumerate(docs):
        if k >= 6 and time.perf_counter() - spent > args.similar_budget_s:
            break  # keeps a large size bounded: the number of calls made is reported
        spent_in.update(read=0.0, rank=0.0)
        t, c = time.perf_counter(), time.process_time()
        try:
            with time_limit(args.similar_timeout_s):
                svc.similar(doc, limit=10)
        except CallTimedOut:
            out["similar_cut_after_s"] = args.similar_timeout_s
            print(f"# similar {k + 1}: cut after {args.similar_timeout_s:.0f} s", file=sys.stderr, flush=True)
            break
        lat.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
        parts.append((spent_in["read"], lat[-1] - spent_in["read"] - spent_in["rank"], spent_in["rank"]))
        print(f"# similar {k + 1}/{len(docs)}: {lat[-1]:.1f} s (reading the document {parts[-1][0]:.2f} s, then "
              f"waiting for its vectors {parts[-1][1]:.2f} s, the archive's part {parts[-1][2]:.2f} s)",
              file=sys.stderr, flush=True)
    out["similar_calls"] = len(lat)
    if lat:
        out["similar_first_ms"] = round(lat[0] * 1000, 1)
        warm = lat[1:] or lat
        out["similar_p50_ms"], out["similar_p95_ms"] = (round(x, 1) for x in percentiles(warm))
        out["similar_cpu_p50_ms"], out["similar_cpu_p95_ms"] = (round(x, 1) for x in percentiles(cpu[1:] or cpu))
        rest = parts[1:] or parts
        for i, key in enumerate(("similar_read_document", "similar_wait_vectors", "similar_archive")):
            out[f"{key}_p50_ms"], out[f"{key}_p95_ms"] = (round(x, 1) for x in percentiles([p[i] for p in rest]))
        english = [d for d in docs[1:] if not d.read_text(encoding="utf-8").startswith("事故")] or docs
        prof = cProfile.Profile()  # a warm call on an English document (its passages are embedded too)
        prof.runcall(svc.similar, english[0], None, 10)
        profiles["similar"] = top_entries(prof, 14)
    out["rss_mb"] = round(rss_mb(), 1)
    out["rss_growth_mb"] = round(rss_mb() - base, 1)
    out["peak_rss_mb"] = round(rss_mb("VmHWM"), 1)
    svc.close()
    out["profile"] = profiles
    return out


# -- driver ------------------------------------------------------------------------------------------------
def worker(args, phase: str, home: Path) -> dict:
    cmd = [sys.executable, __file__, "--phase", phase, "--home", str(home)] + \
        [x for k, v in vars(args).items() if k in PASS for x in (f"--{k.replace('_', '-')}", str(v))] + \
        (["--no-warm"] if args.no_warm else [])
    res = subprocess.run(cmd, stdout=subprocess.PIPE, text=True)
    line = [x for x in res.stdout.splitlines() if x.startswith("RESULT ")]
    if res.returncode or not line:
        raise SystemExit(f"{phase} failed (exit {res.returncode})")
    return json.loads(line[-1][7:])


PASS = ("embedder", "cases", "chunks_per_case", "flush_every", "queries", "similar_queries", "similar_budget_s", "op_budget_s", "similar_timeout_s", "new_doc_chunks", "zh_share", "seed")
KEYS = ("cases", "chunks", "search_by_case_p95_ms", "facets_p95_ms", "similar_p95_ms", "case_page_p95_ms",
        "disk_kb_per_point", "rss_mb")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", default="200", help="cases (comma-separated: one run per size)")
    ap.add_argument("--chunks-per-case", type=int, default=100)
    ap.add_argument("--queries", type=int, default=50)
    ap.add_argument("--similar-queries", type=int, default=None, help="new documents for `similar` (default: --queries)")
    ap.add_argument("--similar-timeout-s", type=float, default=300.0,
                    help="cut a `similar` call after this many seconds (reported as similar_cut_after_s)")
    ap.add_argument("--op-budget-s", type=float, default=120.0,
                    help="stop timing an operation after this many seconds (at least 10 calls are made)")
    ap.add_argument("--similar-budget-s", type=float, default=180.0,
                    help="stop calling `similar` after this many seconds (at least 7 calls are made)")
    ap.add_argument("--new-doc-chunks", type=int, default=20, help="passages' worth of text in a new document")
    ap.add_argument("--zh-share", type=float, default=0.3, help="share of Chinese cases and queries")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--no-warm", action="store_true",
                    help="time the calls with a cold passage-field cache (a one-shot CLI process), not after the "
                         "warm-up a long-running UI does")
    ap.add_argument("--embedder", default="fp32", choices=("fp32", "onnx-int8"),
                    help="measure: the embedder that reads the new documents for `similar` and the queries (the "
                         "home is marked as built by it; the archive's vectors are random either way)")
    ap.add_argument("--flush-every", type=int, default=25_000,
                    help="build: flush the index's segments every this many points (IndexOptions.bulk_flush_every)")
    ap.add_argument("--json", default=None, help="append one JSON object per size (a line each) to this file")
    ap.add_argument("--workdir", default=None, help="where the temporary homes go (default: the system's temp)")
    ap.add_argument("--keep", action="store_true", help="keep the homes (their paths are printed)")
    ap.add_argument("--phase", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--home", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.similar_queries is None:
        args.similar_queries = args.queries
    if args.phase:
        args.cases = int(args.cases)
        run = build if args.phase == "build" else measure
        print("RESULT " + json.dumps(run(Path(args.home), args), ensure_ascii=False), flush=True)
        return
    for n in (int(s) for s in args.cases.split(",")):
        home = Path(tempfile.mkdtemp(prefix=f"bench-scale-{n}-", dir=args.workdir))
        try:
            sub = argparse.Namespace(**{**vars(args), "cases": n})
            row = worker(sub, "build", home)
            print(f"# built {json.dumps(row)}", file=sys.stderr, flush=True)
            row.update(worker(sub, "measure", home))
        finally:
            if args.keep:
                print(f"# home kept: {home}", file=sys.stderr)
            else:
                shutil.rmtree(home, ignore_errors=True)
        row = {**{k: row.get(k) for k in KEYS}, **{k: v for k, v in row.items() if k not in KEYS}}
        for name, lines in row.get("profile", {}).items():
            print(f"# profile of one {name} call:\n#   " + "\n#   ".join(lines), file=sys.stderr)
        print(json.dumps({k: v for k, v in row.items() if k != "profile"}), flush=True)
        if args.json:
            with open(args.json, "a", encoding="utf-8") as f:
                f.write(json.dumps(row, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
