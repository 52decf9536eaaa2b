"""How each resume fits each open requisition: hard requirements (minimum years, required skills,
degree) and the semantic similarity of MiniLM embeddings, with the reasons as data.

A match ranks candidates for people to review; it is never an automated rejection.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

import numpy as np

from talentflow.resumes.education import degree_level
from talentflow.resumes.model import Match, ParsedResume, Reason
from talentflow.resumes.normalize import fold
from talentflow.resumes.taxonomy import Taxonomy, load_taxonomy

DEGREE_RANK = {"high_school": 0, "associate": 1, "bachelor": 2, "master": 3, "doctorate": 4}
WEIGHTS = {"skills": 0.45, "experience": 0.20, "degree": 0.10, "similarity": 0.25}
"""Score weights (the score ranks; the reasons explain)."""


class TextEmbedder(Protocol):
    version: str

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray: ...


def resume_profile_text(resume: ParsedResume) -> str:
    """What the resume is about in a few hundred tokens (MiniLM reads 256): roles, skills, degrees,
    summary. Embedding the whole text would mostly embed its first page of contact details."""
    roles = "; ".join(
        " at ".join(x for x in (e.title, e.company) if x)
        for e in resume.experience[:6]
        if e.title or e.company
    )
    degrees = "; ".join(e.degree for e in resume.education if e.degree)
    parts = [
        f"Roles: {roles}." if roles else "",
        f"Skills: {', '.join(resume.skills)}." if resume.skills else "",
        f"Education: {degrees}." if degrees else "",
        resume.summary or "",
    ]
    text = " ".join(p for p in parts if p).strip()
    return text or resume.text[:2000]


def requisition_text(req: Mapping[str, Any]) -> str:
    skills = ", ".join(req.get("required_skills") or [])
    return " ".join(
        p
        for p in (
            str(req.get("title") or ""),
            str(req.get("description") or ""),
            f"Required skills: {skills}." if skills else "",
        )
        if p
    )


def is_open(req: Mapping[str, Any]) -> bool:
    return str(req.get("status") or "open").lower() == "open"


def embed_resumes(
    resumes: Sequence[ParsedResume], embedder: TextEmbedder, batch_size: int = 64
) -> np.ndarray:
    """Unit-length profile embeddings of ``resumes``, one batched call (store them with the resume)."""
    return embedder.encode([resume_profile_text(r) for r in resumes], batch_size=batch_size)


def match_requisitions(
    resumes: Sequence[ParsedResume],
    requisitions: Sequence[Mapping[str, Any]],
    embedder: TextEmbedder,
    *,
    taxonomy: Taxonomy | None = None,
    candidate_keys: Mapping[str, str] | None = None,
    batch_size: int = 64,
    resume_vectors: np.ndarray | None = None,
) -> list[Match]:
    """A :class:`Match` for every resume × open requisition, resumes and requisitions embedded in
    batches with one embedder (load it once per batch with ``talentflow.core.models.get_embedder()``).

    ``candidate_keys`` maps ``text_sha256`` to the candidate key from identity resolution;
    ``resume_vectors`` are :func:`embed_resumes` results already computed for the same resumes.
    """
    tax = taxonomy or load_taxonomy()
    reqs = [r for r in requisitions if is_open(r)]
    if not resumes or not reqs:
        return []
    res_vecs = resume_vectors if resume_vectors is not None else embed_resumes(resumes, embedder, batch_size)
    req_vecs = _requisition_vectors(reqs, embedder, batch_size)
    # All similarities of the batch in one product; the rules below only read them.
    sims = (np.asarray(res_vecs, dtype=np.float32) @ req_vecs.T).tolist()
    out: list[Match] = []
    keys = candidate_keys or {}
    for i, resume in enumerate(resumes):
        folded = _FoldedText(resume)
        key = keys.get(resume.text_sha256)
        row = sims[i]
        for j, req in enumerate(reqs):
            out.append(evaluate_match(resume, req, row[j], tax, embedder.version, key, folded))
    return out


# Open requisitions change rarely and every batch matches against all of them: their vectors are
# kept per (model, text) so a batch only embeds the ones it has not seen.
_REQ_VECTORS: dict[tuple[str, str], np.ndarray] = {}
_REQ_VECTORS_MAX = 4096


def _requisition_vectors(
    reqs: Sequence[Mapping[str, Any]], embedder: TextEmbedder, batch_size: int
) -> np.ndarray:
    texts = [requisition_text(r) for r in reqs]
    version = str(getattr(embedder, "version", id(embedder)))
    missing = list(dict.fromkeys(t for t in texts if (version, t) not in _REQ_VECTORS))
    if missing:
        if len(_REQ_VECTORS) + len(missing) > _REQ_VECTORS_MAX:
            _REQ_VECTORS.clear()
        for text, vec in zip(missing, embedder.encode(missing, batch_size=batch_size), strict=True):
            _REQ_VECTORS[(version, text)] = np.asarray(vec, dtype=np.float32)
    return np.stack([_REQ_VECTORS[(version, t)] for t in texts])


class _FoldedText:
    """The resume's folded text, computed once for all requisitions."""

    def __init__(self, resume: ParsedResume) -> None:
        self.resume = resume
        self._text: str | None = None

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = fold(self.resume.text)
        return self._text


def _has_skill(skill: str, tax: Taxonomy, have: set[str], folded: _FoldedText) -> bool:
    canonical = tax.canonical(skill)
    if canonical is not None:
        return fold(canonical) in have
    # a skill the taxonomy does not know: look for the words themselves
    return fold(skill) in have or bool(re.search(rf"(?<!\w){re.escape(fold(skill))}(?!\w)", folded.text))


def evaluate_match(
    resume: ParsedResume,
    req: Mapping[str, Any],
    similarity: float,
    tax: Taxonomy,
    model_version: str,
    candidate_key: str | None = None,
    folded: _FoldedText | None = None,
) -> Match:
    """Hard requirements and similarity of one resume against one requisition."""
    reasons: list[Reason] = []
    have = {fold(s) for s in resume.skills}
    required = [str(s) for s in (req.get("required_skills") or [])]
    folded = folded or _FoldedText(resume)
    matched = [s for s in required if _has_skill(s, tax, have, folded)]
    missing = [s for s in required if s not in matched]
    coverage = len(matched) / len(required) if required else 1.0
    if required:
        msg = f"has {len(matched)} of {len(required)} required skills"
        if missing:
            msg += "; missing " + ", ".join(missing)
        reasons.append(
            Reason(
                code="required_skills",
                passed=not missing,
                message=msg,
                data={"required": required, "matched": matched, "missing": missing},
            )
        )
    min_years = float(req.get("min_experience_years") or 0)
    years_ok = resume.experience_years >= min_years
    if min_years:
        reasons.append(
            Reason(
                code="min_experience_years",
                passed=years_ok,
                message=f"{resume.experience_years:g} years of experience; requires at least {min_years:g}",
                data={"years": resume.experience_years, "required": min_years},
            )
        )
    want_level = degree_level(str(req.get("degree"))) if req.get("degree") else None
    if req.get("degree") and want_level is None:
        want_level = str(req["degree"]).lower() if str(req["degree"]).lower() in DEGREE_RANK else None
    levels = [e.degree_level for e in resume.education if e.degree_level]
    best = max(levels, key=lambda lv: DEGREE_RANK[lv]) if levels else None
    degree_ok = want_level is None or (best is not None and DEGREE_RANK[best] >= DEGREE_RANK[want_level])
    if want_level:
        reasons.append(
            Reason(
                code="degree",
                passed=degree_ok,
                message=(f"highest degree found: {best or 'none'}; requires {want_level}"),
                data={"highest": best, "required": want_level},
            )
        )
    strength = "strong" if similarity >= 0.55 else "moderate" if similarity >= 0.35 else "weak"
    reasons.append(
        Reason(
            code="semantic_similarity",
            passed=None,
            message=f"{strength} semantic similarity to the requisition ({similarity:.2f})",
            data={"cosine": round(similarity, 4), "strength": strength},
        )
    )
    years_part = min(1.0, resume.experience_years / min_years) if min_years else 1.0
    sim_part = min(1.0, max(0.0, (similarity - 0.1) / 0.6))
    score = 100 * (
        WEIGHTS["skills"] * coverage
        + WEIGHTS["experience"] * years_part
        + WEIGHTS["degree"] * float(degree_ok)
        + WEIGHTS["similarity"] * sim_part
    )
    return Match(
        requisition_id=str(req.get("requisition_id") or req.get("id")),
        text_sha256=resume.text_sha256,
        candidate_key=candidate_key,
        similarity=round(similarity, 4),
        skill_coverage=round(coverage, 4),
        meets_hard_requirements=bool(coverage == 1.0 and years_ok and degree_ok),
        score=round(score, 1),
        reasons=reasons,
        model_version=model_version,
    )
