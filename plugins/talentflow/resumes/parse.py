"""One resume file in, one :class:`ParsedResume` out; a batch keeps going past unreadable files."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from talentflow.resumes.ats import structured_fields
from talentflow.resumes.confidence import assess
from talentflow.resumes.dates import resume_as_of, total_years
from talentflow.resumes.education import degree_level
from talentflow.resumes.extract import (
    DEFAULT_MAX_BYTES,
    ExtractLimits,
    UnreadableResume,
    extract_document,
    read_source,
)
from talentflow.resumes.fields import Fields, extract_fields
from talentflow.resumes.language import detect_language
from talentflow.resumes.model import Education, Experience, ParsedResume
from talentflow.resumes.normalize import normalize_text, text_sha256
from talentflow.resumes.taxonomy import Taxonomy, load_taxonomy
from talentflow.resumes.zh import LANGUAGE as ZH_LANGUAGE
from talentflow.resumes.zh import is_chinese, parse_zh
from talentflow.resumes.zh.dates import resume_as_of_zh


def parse_resume(
    source: Path | str | bytes,
    filename: str | None = None,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    taxonomy: Taxonomy | None = None,
    as_of: date | None = None,
    limits: ExtractLimits | None = None,
) -> ParsedResume:
    """Parse one resume (a path, or bytes with their ``filename``).

    Raises :class:`UnreadableResume` (``reason_code``: corrupt, encrypted, empty, too_large,
    unsupported_type, undecodable, and the limits' too_large_uncompressed, too_many_entries,
    compression_ratio, too_large_xml, xml_too_deep, xml_entities, too_many_pages, too_much_text,
    parse_timeout) for a file that cannot be read, FileNotFoundError for a missing path.
    ``limits`` default to the ``TALENTFLOW_RESUME_*`` settings.
    ``as_of`` is the date that "present" means; by default the resume's own date (file metadata, else
    the latest date its text mentions, else today), reported in ``as_of``/``as_of_source``.
    """
    data, name = read_source(source, filename, max_bytes)
    doc = extract_document(data, name, max_bytes, limits)
    tax = taxonomy or load_taxonomy()
    text = normalize_text(doc.text)
    # "Present" means when the resume was written, not when it is read (issue 13).
    when, when_source = resume_as_of(as_of, doc.document_date, text)
    language, _ = detect_language(text)
    if is_chinese(text):
        # Chinese resumes have their own field parser; it drops gender, birth date, ethnicity and the
        # like before anything else, so the kept text (hash, identity, embeddings) is the redacted one.
        when, when_source = resume_as_of_zh(as_of, doc.document_date, text)
        zh = parse_zh(text, tax, when)
        fields, text, language = zh.fields, zh.text, ZH_LANGUAGE
    else:
        fields = extract_fields(text, tax, when)
    if doc.structured is not None:
        fields = _merge_ats(fields, structured_fields(doc.structured), tax, when)
    parsed = ParsedResume(
        file=name,
        format=doc.format,
        text_sha256=text_sha256(text),
        file_sha256=hashlib.sha256(data).hexdigest(),
        language=language,
        name=fields.name,
        email=fields.email,
        phone=fields.phone,
        location=fields.location,
        summary=fields.summary,
        skills=fields.skills,
        unknown_skills=fields.unknown_skills,
        education=fields.education,
        experience=fields.experience,
        experience_years=fields.experience_years,
        certifications=fields.certifications,
        languages=fields.languages,
        projects=fields.projects,
        sections=fields.sections,
        text=text,
        as_of=when.isoformat(),
        as_of_source=when_source,
    )
    parsed.confidence, parsed.review_reasons = assess(parsed, from_structured=doc.structured is not None)
    parsed.needs_review = bool(parsed.review_reasons)
    return parsed


def parse_text(text: str, filename: str = "resume.txt", **kwargs: Any) -> ParsedResume:
    """Parse a resume given as text (tests, benchmarks, ATS free-text fields)."""
    return parse_resume(
        text.encode("utf-8"), filename if filename.endswith(".txt") else f"{filename}.txt", **kwargs
    )


def _merge_ats(fields: Fields, ats: dict[str, Any], tax: Taxonomy, as_of: date | None) -> Fields:
    """Fields an ATS states explicitly win over what the rendered text yields."""
    for key in ("name", "email", "phone", "location", "summary"):
        if ats.get(key):
            setattr(fields, key, ats[key] if key != "email" else str(ats[key]).lower())
    if ats["experience"]:
        fields.experience = [
            Experience(
                company=j["company"],
                title=j["title"],
                start=j["start"],
                end=j["end"],
                bullets=[j["summary"]] if j["summary"] else [],
            )
            for j in ats["experience"]
        ]
        fields.experience_years = total_years([(e.start, e.end) for e in fields.experience if e.start], as_of)
    if ats["education"]:
        fields.education = [
            Education(
                degree=e["degree"], degree_level=degree_level(e["degree"]), school=e["school"], year=e["year"]
            )
            for e in ats["education"]
        ]
    if ats["skills"]:
        named = [tax.canonical(s) or s for s in ats["skills"]]
        fields.skills = list(dict.fromkeys(named + fields.skills))
    if ats["certifications"]:
        fields.certifications = list(
            dict.fromkeys(tax.canonical_certification(c) or c for c in ats["certifications"])
        )
    if ats["languages"]:
        fields.languages = list(dict.fromkeys(tax.spoken_language(lang) or lang for lang in ats["languages"]))
    if ats["projects"]:
        fields.projects = ats["projects"]
    return fields


@dataclass
class BatchResult:
    parsed: list[ParsedResume] = field(default_factory=list)
    errors: list[UnreadableResume] = field(default_factory=list)


def parse_batch(
    items: Iterable[Path | str | tuple[str, bytes]],
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    taxonomy: Taxonomy | None = None,
    as_of: date | None = None,
    limits: ExtractLimits | None = None,
) -> BatchResult:
    """Parse many resumes (paths, or ``(filename, bytes)`` pairs from object storage).

    Unreadable files are collected in ``errors`` (each with ``reason_code`` and ``as_dict()`` for the
    quarantine's ``.error.json``); they never stop the rest of the batch.
    """
    tax = taxonomy or load_taxonomy()
    lim = limits or ExtractLimits.from_settings()
    result = BatchResult()
    for item in items:
        if isinstance(item, tuple):
            name, payload = item
            source: Path | str | bytes = payload
        else:
            name, source = Path(item).name, item
        try:
            result.parsed.append(
                parse_resume(source, name, max_bytes=max_bytes, taxonomy=tax, as_of=as_of, limits=lim)
            )
        except UnreadableResume as exc:
            result.errors.append(exc)
        except FileNotFoundError as exc:
            result.errors.append(UnreadableResume("missing", f"file not found: {exc}", name))
    return result
