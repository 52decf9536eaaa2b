"""Chinese resume fields measured on real data: per-entity precision/recall on the ResumeNER TRAIN split.

    python -m bench.bench_resumes_zh [--cache DIR] [--limit N]

Data: the train split of ResumeNER (Zhang & Yang 2018; 3,821 sentences of the resumes of executives
of Chinese listed companies, Sina Finance), fetched from the PyPI wheel QizNLP==0.1.4 (MPL-2.0) by
``bench/resumener.py``, which checks the wheel's and the file's SHA-256. The dev and test splits are
held out for independent checks and are never opened. The rules were tuned on this train split, so
these are training-set figures: an upper bound until someone scores the held-out test split.

Scoring is exact character spans per sentence. Each ResumeNER label stands for one resume field:
NAME → name, ORG → employer / school, TITLE → job title, EDU → degree, PRO → major; CONT
(nationality), RACE (ethnicity) and LOC (native place) are the sensitive facts the parser drops, so
for those the figure that matters is how many the redactor catches (``sensitive_dropped``).

Beside the rules, the obvious alternative: jieba's own part-of-speech tags (``nr`` person → NAME,
``nt`` organisation → ORG, ``ns`` place → LOC), with the ratio rules/jieba per label. The English
parser's figures (``bench/results/resumes.json``, from ``python -m bench.bench_resumes``) are copied
beside when that file exists. It measures and reports; it never fails. Results:
``bench/results/resumes_zh.json``.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.resumener import DEFAULT_CACHE, SOURCE, TRAIN_SHA256, fetch_train, read_sentences, score

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "resumes_zh.json"
ENGLISH = ROOT / "bench" / "results" / "resumes.json"
FIELD_OF = {
    "NAME": "name",
    "ORG": "employer / school",
    "TITLE": "job title",
    "EDU": "degree",
    "PRO": "major",
    "CONT": "nationality (dropped)",
    "RACE": "ethnicity (dropped)",
    "LOC": "native place (dropped)",
}


def rules(text: str) -> list[tuple[str, int, int]]:
    from talentflow.resumes.zh.entities import find_entities

    return [(e.label, e.start, e.end) for e in find_entities(text)]


def jieba_pos(text: str) -> list[tuple[str, int, int]]:
    from talentflow.resumes.zh.text import tag

    out, pos = [], 0
    label = {"nr": "NAME", "nt": "ORG", "ns": "LOC"}
    for word, flag in tag(text):
        start = text.find(word, pos)
        if start < 0:
            continue
        pos = start + len(word)
        if flag in label:
            out.append((label[flag], start, pos))
    return out


def sensitive_dropped(sentences) -> dict[str, dict[str, float]]:
    """Share of the gold CONT/RACE/LOC spans that the redactor removes whole."""
    from talentflow.resumes.zh.sensitive import sensitive_spans

    out = {}
    for label in ("CONT", "RACE", "LOC"):
        gold = caught = 0
        for s in sentences:
            spans = sensitive_spans(s.text)
            for lab, a, b in s.entities:
                if lab != label:
                    continue
                gold += 1
                caught += any(x <= a and b <= y for _, x, y in spans)
        out[label] = {"support": gold, "dropped": round(caught / gold, 3) if gold else None}
    return out


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    ap.add_argument("--limit", type=int, default=0, help="score only the first N sentences")
    args = ap.parse_args(argv)
    sentences = read_sentences(fetch_train(args.cache))
    if args.limit:
        sentences = sentences[: args.limit]
    rules(sentences[0].text)  # load the word lists and jieba's dictionary outside the timings
    jieba_pos(sentences[0].text)
    t0 = time.perf_counter()
    by_rules = score(sentences, rules)
    t_rules = time.perf_counter() - t0
    t0 = time.perf_counter()
    by_jieba = score(sentences, jieba_pos)
    t_jieba = time.perf_counter() - t0
    per_field = {}
    for label, field in FIELD_OF.items():
        r = by_rules.get(label, {})
        j = by_jieba.get(label)
        per_field[label] = {
            "field": field,
            "rules": r,
            "jieba_pos": j,
            "f1_ratio_rules_over_jieba": round(r["f1"] / j["f1"], 2) if j and j["f1"] else None,
        }
    result = {
        "benchmark": "resumes_zh",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "cpu": platform.processor() or platform.machine()},
        "data": {
            "source": SOURCE,
            "licence": "QizNLP wheel MPL-2.0; ResumeNER released by its authors for research",
            "split": "train only (dev/test held out, never opened)",
            "sha256": TRAIN_SHA256,
            "sentences": len(sentences),
            "note": "the rules were tuned on this split: training-set figures",
        },
        "scoring": "exact character spans per sentence",
        "per_entity": per_field,
        "sensitive_dropped": sensitive_dropped(sentences),
        "speed_sentences_per_s": {
            "rules": round(len(sentences) / t_rules, 1),
            "jieba_pos": round(len(sentences) / t_jieba, 1),
        },
    }
    if ENGLISH.is_file():
        english = json.loads(ENGLISH.read_text(encoding="utf-8"))
        result["english_beside"] = (
            english.get("extraction_accuracy") or "no extraction_accuracy in resumes.json"
        )
    else:
        result["english_beside"] = "bench/results/resumes.json not found: run python -m bench.bench_resumes"
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"ResumeNER train ({len(sentences)} sentences), exact spans: rules vs jieba POS")
    print(f"{'label':6} {'field':24} {'P':>6} {'R':>6} {'F1':>6}   {'jieba F1':>8}  ratio")
    for label, row in per_field.items():
        r, j = row["rules"], row["jieba_pos"]
        jf = f"{j['f1']:.3f}" if j else "   -"
        print(
            f"{label:6} {row['field']:24} {r.get('precision', 0):6.3f} {r.get('recall', 0):6.3f} "
            f"{r.get('f1', 0):6.3f}   {jf:>8}  {row['f1_ratio_rules_over_jieba'] or '-'}"
        )
    print("sensitive facts dropped by the redactor:", json.dumps(result["sensitive_dropped"]))
    print("sentences/s:", result["speed_sentences_per_s"], f"-> {RESULTS.relative_to(ROOT)}")
    return result


if __name__ == "__main__":
    main()
