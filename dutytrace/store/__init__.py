"""Persistence: the SQLite catalog (system of record) and the Qdrant vector index."""
