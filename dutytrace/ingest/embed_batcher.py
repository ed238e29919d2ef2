"""The ingest's embedding batcher: one thread in the ingesting process that embeds a batch of stored
chunks while the process (or its worker processes) parse and analyse the next files. It embeds only;
the catalog reads, the upsert and marking documents indexed stay in the ingest's own thread, in the
order they had, so crash safety is unchanged (a document is marked indexed only after its upsert).

One batch is in flight at a time. The model is the process's one embedder (nlp/embed.py), shared
with the tagger's sentence similarity when parsing runs in this process: no second MiniLM."""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor


class InFlight:
    """A batch being embedded: its documents, its chunk count and the texts it was given."""

    def __init__(self, doc_ids: list[str], chunks: int, texts: list[str], future: Future):
        self.doc_ids, self.chunks, self.texts, self.future = doc_ids, chunks, texts, future

    def vectors_for(self, embedder):
        """The function index_documents embeds with: this batch's vectors when it asks for the same
        texts (it reads them again from the catalog), the embedder's own otherwise."""
        def vectors(texts: list[str]):
            result = self.future.result()
            return result if texts == self.texts else embedder.encode(texts)
        return vectors


class EmbedBatcher:
    def __init__(self, embedder):
        self.embedder = embedder
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="dutytrace-embed")

    def submit(self, doc_ids: list[str], chunks: int, texts: list[str]) -> InFlight:
        return InFlight(doc_ids, chunks, texts, self._pool.submit(self.embedder.encode, texts))

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
