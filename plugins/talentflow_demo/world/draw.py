"""Small helpers the world's generators share: one of several options by a seeded draw, and names as
ASCII for e-mail addresses and file names."""

from __future__ import annotations

import unicodedata

import numpy as np


def ascii_slug(text: str) -> str:
    """'Zoë Müller' -> 'Zoe Muller' (emails and file names stay ASCII)."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def ascii_name(name: str, lex) -> str:
    """A name as ASCII: its pinyin in a Chinese lexicon ('欧阳' -> 'ouyang'), else ``ascii_slug``."""
    pinyin = getattr(lex, "PINYIN", None)
    return pinyin[name] if pinyin and name in pinyin else ascii_slug(name)


def pick(rng: np.random.Generator, options, p=None):
    return (
        options[int(rng.choice(len(options), p=p))]
        if p is not None
        else options[int(rng.integers(len(options)))]
    )
