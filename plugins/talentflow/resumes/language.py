"""Which language a resume is written in, offline, with py3langid (a maintained fork of langid.py
whose model ships inside the wheel: nothing is downloaded, and results are deterministic)."""

from __future__ import annotations

import re
from functools import lru_cache

UNDETERMINED = "und"
MIN_LETTERS = 20
_NOISE = re.compile(r"\S+@\S+|https?://\S+|www\.\S+|[\d+()./-]{6,}")


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> tuple[str, float]:
    """(ISO 639-1 code, probability) of ``text``; (``und``, 0.0) when there is too little text.

    E-mail addresses, URLs and numbers are removed first: they carry no language and skew short texts.
    """
    cleaned = _NOISE.sub(" ", text)
    if sum(ch.isalpha() for ch in cleaned) < MIN_LETTERS:
        return UNDETERMINED, 0.0
    lang, prob = _identifier().classify(cleaned[:20000])
    return str(lang), round(float(prob), 3)
