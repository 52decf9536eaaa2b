"""Precision and recall of resume extraction, per field, against expected values.

Used by the tests (hand-written fixtures and the synthetic world's ground truth) and by ``bench/``.

How fields are compared (micro-averaged over all resumes):
- scalars (name, email, phone, location, language): a prediction is a true positive when it equals
  the truth after normalisation (case and accents folded; phone numbers by their last 10 digits;
  locations by their city), a false positive when it is wrong or unexpected, a false negative when
  the truth is missing or wrong;
- ``experience_years``: true when within ``YEARS_TOLERANCE`` of the truth;
- skills, certifications, languages: set items, canonicalised with the taxonomy;
- education and experience: entries matched one to one; an entry is right when all its parts are
  (degree level, school and year; company, title, start and end), and each part is also scored on its
  own (``experience.title`` …) over the aligned entries.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz

from talentflow.resumes.education import degree_level
from talentflow.resumes.normalize import fold
from talentflow.resumes.taxonomy import Taxonomy, load_taxonomy

YEARS_TOLERANCE = 0.5
FUZZY = 85
SCALARS = ("name", "email", "phone", "location", "language")
LISTS = ("skills", "certifications", "languages")
FIELDS = (
    *SCALARS,
    "experience_years",
    *LISTS,
    "education",
    "education.degree",
    "education.school",
    "education.year",
    "experience",
    "experience.company",
    "experience.title",
    "experience.start",
    "experience.end",
)
_LEVELS = {
    "phd": "doctorate",
    "doctorate": "doctorate",
    "master": "master",
    "bachelor": "bachelor",
    "associate": "associate",
    "high_school": "high_school",
    "none": None,
}


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _norm(s: Any) -> str:
    return re.sub(r"\s+", " ", fold(str(s))).strip(" .,") if s not in (None, "") else ""


def _same_scalar(field: str, pred: Any, truth: Any) -> bool:
    if field == "phone":
        a, b = re.sub(r"\D", "", str(pred)), re.sub(r"\D", "", str(truth))
        # +44 20 7946 0991 and 020 7946 0991 are one number: compare the national significant part
        return a[-9:] == b[-9:] if min(len(a), len(b)) >= 9 else a == b
    if field == "location":
        return _norm(pred).split(",")[0] == _norm(truth).split(",")[0]
    if field == "name":
        a, b = _norm(pred), _norm(truth)
        strip_initials = lambda s: " ".join(t for t in s.split() if len(t.strip(".")) > 1)  # noqa: E731
        return a == b or strip_initials(a) == strip_initials(b)
    if field == "language":
        return _norm(pred)[:2] == _norm(truth)[:2]
    return _norm(pred) == _norm(truth)


def _scalar(field: str, pred: Any, truth: Any) -> Counts:
    has_p, has_t = pred not in (None, ""), truth not in (None, "")
    if has_p and has_t:
        return Counts(tp=1) if _same_scalar(field, pred, truth) else Counts(fp=1, fn=1)
    return Counts(fp=int(has_p), fn=int(has_t))


def _item_name(item: Any) -> str:
    if isinstance(item, list | tuple):
        item = item[0] if item else ""
    if isinstance(item, dict):
        item = item.get("name") or item.get("language") or ""
    return re.sub(r"\s*\(.*?\)\s*", " ", str(item)).strip()


def _set(pred: Iterable[Any], truth: Iterable[Any], canon) -> Counts:
    p = {canon(_item_name(x)) for x in pred if _item_name(x)}
    t = {canon(_item_name(x)) for x in truth if _item_name(x)}
    matched = set()
    tp = 0
    for item in p:
        hit = (
            item
            if item in t
            else next(
                (x for x in t if x not in matched and fuzz.token_set_ratio(item, x) >= 90 and len(item) > 3),
                None,
            )
        )
        if hit is not None and hit not in matched:
            matched.add(hit)
            tp += 1
    return Counts(tp=tp, fp=len(p) - tp, fn=len(t) - tp)


def _level(degree: Any) -> str | None:
    if degree in (None, ""):
        return None
    key = str(degree).strip().lower()
    if key in _LEVELS:
        return _LEVELS[key]
    return degree_level(str(degree)) or _norm(degree)


def _text_sim(a: Any, b: Any) -> float:
    if a in (None, "") or b in (None, ""):
        return 0.0
    # punctuation apart from the words: "Damanhur University, Faculty of Engineering" holds the token
    # "university" as "Damanhur University" does
    return fuzz.token_set_ratio(re.sub(r"[^\w&+#]+", " ", _norm(a)), re.sub(r"[^\w&+#]+", " ", _norm(b)))


def _entries(pred: list[Mapping[str, Any]], truth: list[Mapping[str, Any]], kind: str) -> dict[str, Counts]:
    """One-to-one alignment (greedy on similarity), then entry-level and part-level counts."""
    parts = ("degree", "school", "year") if kind == "education" else ("company", "title", "start", "end")

    def same(part: str, a: Any, b: Any) -> bool:
        if part == "degree":
            return _level(a) is not None and _level(a) == _level(b)
        if part in ("school", "company", "title"):
            return _text_sim(a, b) >= FUZZY
        return (a or None) == (b or None) if part == "end" else a not in (None, "") and str(a) == str(b)

    def sim(p: Mapping[str, Any], t: Mapping[str, Any]) -> float:
        return sum(float(same(part, p.get(part), t.get(part))) for part in parts) + 0.001 * sum(
            _text_sim(p.get(x), t.get(x)) for x in parts[:2]
        )

    pairs = sorted(((sim(p, t), i, j) for i, p in enumerate(pred) for j, t in enumerate(truth)), reverse=True)
    used_p: set[int] = set()
    used_t: set[int] = set()
    aligned = []
    for score, i, j in pairs:
        if score < 1 or i in used_p or j in used_t:
            continue
        used_p.add(i)
        used_t.add(j)
        aligned.append((pred[i], truth[j]))
    out = {kind: Counts(), **{f"{kind}.{part}": Counts() for part in parts}}
    for p, t in aligned:
        whole = all(same(part, p.get(part), t.get(part)) for part in parts)
        out[kind].add(Counts(tp=1) if whole else Counts(fp=1, fn=1))
        for part in parts:
            if part != "end" and p.get(part) in (None, "") and t.get(part) in (None, ""):
                continue  # neither says it (a school without a degree): nothing to count
            if same(part, p.get(part), t.get(part)):
                out[f"{kind}.{part}"].tp += 1
            else:
                has_p = p.get(part) not in (None, "") or part == "end"
                has_t = t.get(part) not in (None, "") or part == "end"
                out[f"{kind}.{part}"].fp += int(has_p)
                out[f"{kind}.{part}"].fn += int(has_t)
    extra_p = len(pred) - len(aligned)
    extra_t = len(truth) - len(aligned)
    out[kind].add(Counts(fp=extra_p, fn=extra_t))
    for part in parts:
        out[f"{kind}.{part}"].add(Counts(fp=extra_p, fn=extra_t))
    return out


def score_resume(
    pred: Mapping[str, Any], truth: Mapping[str, Any], taxonomy: Taxonomy | None = None
) -> dict[str, Counts]:
    """Counts per field for one resume; ``pred`` is ``ParsedResume.contract()`` (or the same shape)."""
    tax = taxonomy or load_taxonomy()
    out: dict[str, Counts] = {}
    for field in SCALARS:
        if field in truth:
            out[field] = _scalar(field, pred.get(field), truth.get(field))
    if truth.get("experience_years") is not None:
        ok = (
            abs(float(pred.get("experience_years") or 0) - float(truth["experience_years"]))
            <= YEARS_TOLERANCE
        )
        out["experience_years"] = Counts(tp=1) if ok else Counts(fp=1, fn=1)
    canon = {
        "skills": lambda s: _norm(tax.canonical(s) or s),
        "certifications": lambda s: _norm(tax.canonical_certification(s) or s),
        "languages": lambda s: _norm(tax.spoken_language(s) or s),
    }
    for field in LISTS:
        if field in truth:
            out[field] = _set(pred.get(field) or [], truth.get(field) or [], canon[field])
    for kind in ("education", "experience"):
        if kind in truth:
            out.update(_entries(list(pred.get(kind) or []), list(truth.get(kind) or []), kind))
    return out


def aggregate(per_resume: Iterable[Mapping[str, Counts]]) -> dict[str, Counts]:
    total: dict[str, Counts] = {}
    for counts in per_resume:
        for field, c in counts.items():
            total.setdefault(field, Counts()).add(c)
    return {f: total[f] for f in FIELDS if f in total}


def report(total: Mapping[str, Counts]) -> dict[str, dict[str, float]]:
    """{field: {precision, recall, f1, tp, fp, fn}} rounded for printing and JSON."""
    return {
        f: {
            "precision": round(c.precision, 3),
            "recall": round(c.recall, 3),
            "f1": round(c.f1, 3),
            "tp": c.tp,
            "fp": c.fp,
            "fn": c.fn,
        }
        for f, c in total.items()
    }


def format_report(rep: Mapping[str, Mapping[str, float]]) -> str:
    lines = [f"{'field':22} {'precision':>9} {'recall':>7} {'f1':>6} {'tp':>5} {'fp':>5} {'fn':>5}"]
    for f, r in rep.items():
        lines.append(
            f"{f:22} {r['precision']:9.3f} {r['recall']:7.3f} {r['f1']:6.3f} {r['tp']:5d} {r['fp']:5d} {r['fn']:5d}"
        )
    return "\n".join(lines)
