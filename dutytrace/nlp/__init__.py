"""Language processing: codebook, spaCy pipelines, tagging, entities, facts, embeddings."""
