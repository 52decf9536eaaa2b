"""The records resume ingestion produces: what the DAG validates, loads and the CLI prints."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

PARSER_VERSION = "resumes-1.0"


class Education(BaseModel):
    degree: str | None = None
    """As written, e.g. "B.Sc. Computer Science"."""
    degree_level: Literal["high_school", "associate", "bachelor", "master", "doctorate"] | None = None
    school: str | None = None
    year: int | None = None
    """Graduation year (the end of a date range, or the only year given)."""
    major: str | None = None
    """Field of study when the resume states it apart from the degree (专业: "计算机科学与技术")."""
    start: str | None = None
    """``YYYY-MM`` the studies began, when given (教育经历 "2012.09-2016.06")."""


class Experience(BaseModel):
    company: str | None = None
    title: str | None = None
    start: str | None = None
    """``YYYY-MM`` (``YYYY-01`` when only the year is known)."""
    end: str | None = None
    """``YYYY-MM``; ``None`` means the job is current ("present")."""
    bullets: list[str] = Field(default_factory=list)


class ParsedResume(BaseModel):
    """Everything extracted from one resume file."""

    file: str
    format: Literal["pdf", "docx", "txt", "json"]
    text_sha256: str
    """SHA-256 of the normalised text: the submission's content key."""
    file_sha256: str
    language: str
    """ISO 639-1 code of the resume's language, ``und`` when too little text."""
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    location: str | None = None
    summary: str | None = None
    skills: list[str] = Field(default_factory=list)
    """Canonical names from the skills taxonomy."""
    unknown_skills: list[str] = Field(default_factory=list)
    """Items of the skills section the taxonomy does not know, as written (not used in matching)."""
    education: list[Education] = Field(default_factory=list)
    experience: list[Experience] = Field(default_factory=list)
    experience_years: float = 0.0
    """Years covered by the work history, overlapping jobs counted once, "present" meaning ``as_of``."""
    as_of: str | None = None
    """``YYYY-MM-DD`` the resume is taken to be written on: what "Present/Current/Now" means."""
    as_of_source: Literal["given", "file_metadata", "latest_date", "today"] | None = None
    confidence: dict[str, float] = Field(default_factory=dict)
    """0..1 per field (name, email, phone, location, skills, experience, education, experience_years)."""
    needs_review: bool = False
    """True when a required field (name, a contact, a work or education entry) is missing or unsure."""
    review_reasons: list[str] = Field(default_factory=list)
    """Stable codes of why: missing_name, unsure_name, missing_contact, missing_history, unsure_history."""
    certifications: list[str] = Field(default_factory=list)
    languages: list[str] = Field(default_factory=list)
    """Spoken languages the candidate lists (English names)."""
    projects: list[str] = Field(default_factory=list)
    sections: list[str] = Field(default_factory=list)
    """Canonical names of the sections found, in order (diagnostics)."""
    text: str = ""
    parser_version: str = PARSER_VERSION

    def contract(self) -> dict[str, Any]:
        """The ``talentflow resume parse`` JSON object (DESIGN.md), without the full text."""
        return self.model_dump(
            mode="json",
            exclude={"text", "projects", "sections"},
            exclude_none=False,
        ) | {
            "experience": [e.model_dump(mode="json", exclude={"bullets"}) for e in self.experience],
        }


class Reason(BaseModel):
    """One finding behind a match, as data: ``code`` is stable, ``message`` is for people."""

    code: str
    passed: bool | None = None
    """True/False for a hard requirement, None for informative reasons (similarity)."""
    message: str
    data: dict[str, Any] = Field(default_factory=dict)


class Match(BaseModel):
    """How one resume fits one requisition. Never a rejection: low matches go to human review."""

    requisition_id: str
    text_sha256: str
    candidate_key: str | None = None
    similarity: float
    """Cosine similarity of resume and requisition embeddings, -1..1."""
    skill_coverage: float
    """Share of required skills found, 0..1 (1 when none are required)."""
    meets_hard_requirements: bool
    score: float
    """0..100 blend of requirements and similarity, for ranking only."""
    reasons: list[Reason]
    model_version: str


class FocusPoint(BaseModel):
    kind: Literal["career_change", "unquantified_projects", "timeline_gap", "short_tenures", "thin_resume"]
    question: str
    evidence: list[str] = Field(default_factory=list)


class PrescreenNote(BaseModel):
    """What an interviewer should probe, derived from the resume alone."""

    text_sha256: str
    name: str | None = None
    headline: str
    focus_points: list[FocusPoint] = Field(default_factory=list)
