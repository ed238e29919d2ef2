"""Query understanding through the codebook: which responsibility issues and accident types a query
names, in either language. A Chinese query that names 盲目施救 thereby also reaches English cases
tagged emergency_response_failure, and back."""

from __future__ import annotations

import re
from dataclasses import dataclass

from dutytrace.lang import detect_language
from dutytrace.script import to_simplified
from dutytrace.nlp.codebook import Codebook, Entry


# Function words that say nothing about what to look for. English ones are dropped by the BM25
# tokenizer itself; these are the Chinese ones it keeps (as the multilingual tokenizer segments them).
STOPWORDS = tuple("""的 了 是 在 和 与 及 或 等 也 就 都 而 之 其 这 那 这个 那个 一 一个 个 有 对 把 被 为 以 于
 中 上 下 我 你 他 她 它 我们 你们 他们 吗 呢 吧 啊 着 过 又 还 但 并 从 向 到 由 将 则 即 所 该 此 些 哪 什么
 怎么 如何 哪些 那些 这些 不 没 没有 很 更 最 已 已经 被 让 给 时 后 前 里 内 外 因 因为 所以 如果 虽然 但是
 以及 并且 或者 而且 关于 对于""".split())


@dataclass(frozen=True)
class QueryIntent:
    language: str
    tags: tuple[str, ...]
    accident_types: tuple[str, ...]
    concepts: tuple[str, ...] = ()
    translation: str = ""  # the named concepts' terms in the other language
    synonyms: str = ""  # the named concepts' other terms in the query's own language


def _names(entry: Entry) -> list[str]:
    return [n for n in entry.name.values() if n]


def _named(name: str, text: str) -> bool:
    """A whole-word match for English names ("Collapse" is not named by "a collapsed colleague")."""
    if re.search(r"[A-Za-z]", name):
        return re.search(r"(?<![A-Za-z])" + re.escape(name) + r"(?![A-Za-z])", text, re.I) is not None
    return name in text


def _hits(entries, text: str) -> list[str]:
    found = []
    for e in entries:
        if any(_named(n, text) for n in _names(e)) or any(
                p.search(text) for lang in ("en", "zh") for p in e.cues.get(lang, ())):
            found.append(e.id)
    return found


def translation(query: str, codebook: Codebook) -> tuple[str, str]:
    """(language, the named concepts' terms in the other language): what `understand` says of a text's
    other-language reach, without looking for named issues and accident types (similar cases ask this
    of every passage of a new document)."""
    q = to_simplified(re.sub(r"\s+", " ", query).strip())
    lang = detect_language(q)
    other = "en" if lang == "zh" else "zh"
    return lang, " ".join(t for c in codebook.concepts_named_in(q, (lang,)) for t in c.terms.get(other, ()))


def understand(query: str, codebook: Codebook) -> QueryIntent:
    q = to_simplified(re.sub(r"\s+", " ", query).strip())  # 瞞報 names what 瞒报 does
    lang = detect_language(q)
    other = "en" if lang == "zh" else "zh"
    concepts = codebook.concepts_named_in(q, (lang,))
    translation = " ".join(t for c in concepts for t in c.terms.get(other, ()))
    synonyms = " ".join(t for c in concepts for t in c.terms.get(lang, ()) if t.lower() not in q.lower())
    return QueryIntent(lang, tuple(_hits(codebook.tags, q)), tuple(_hits(codebook.accident_types, q)),
                       tuple(c.id for c in concepts), translation, synonyms)


def query_encoder(embedder, cache: int = 256):
    """Query text -> vector with the embedder, remembered for the last `cache` queries (a page that
    searches and then counts facets for the same query embeds it once), one intra-op thread per
    encoding. One short query gains nothing from splitting each matrix product over cores, and on a
    busy machine the split waits for the slowest core: measured here at load ~10 on 2 cores, ten
    queries took 11-70 ms with one thread and 96-1,338 ms with two (benchmarks/bench_scale.py
    query_embed_*). Batches (ingest, `similar`) keep every thread."""
    from functools import lru_cache

    @lru_cache(maxsize=cache)
    def encode(text: str):
        with _one_thread():
            return embedder.encode_query(text)
    return encode


class _one_thread:
    """torch's intra-op threads at 1 for the block, when torch is loaded (the int8 ONNX embedder does
    not load it and keeps its own session settings)."""

    def __enter__(self):
        import sys

        self.torch = sys.modules.get("torch")
        self.before = self.torch.get_num_threads() if self.torch is not None else 1
        if self.before > 1:
            self.torch.set_num_threads(1)

    def __exit__(self, *exc):
        if self.before > 1:
            self.torch.set_num_threads(self.before)
