"""What people are told about a scored interview.

* ``candidate_feedback`` — plain text for the candidate: strengths and what to improve, drawn from
  the evidence sentences and the features of their own answers (no numbers, no ranking). Its texts
  are English message ids; ``translate`` (the platform's message catalogue, ``messages.po``) gives
  them in the candidate's language.
* ``explanation`` — the record an HR user can show on request: every competency's score, what moved
  it (features, their weights, the evidence sentences and the anchors they matched), how the
  overall score was combined, the recommendation and the versions of every model involved.
"""

from __future__ import annotations

from collections.abc import Callable

from pydantic import BaseModel

from scoring_tasks.languages import has_han
from scoring_tasks.model_version import ScoringModelVersion
from scoring_tasks.recommend import Recommendation
from scoring_tasks.score import AnswerScore, CompetencyScore, Evidence, InterviewScore

STRENGTH_AT = 3.5
NOT_USED = (
    "face or video analysis",
    "voice emotion, tone or accent",
    "speaking speed, pauses or filler words (unless the scoring model says speech facts are on)",
    "any demographic attribute",
)


def _tips(answers: list[AnswerScore]) -> list[str]:
    tips: list[str] = []
    parts = {
        p: any(a.features["star_parts"][p] for a in answers)
        for p in ("situation", "task", "action", "result")
    }
    if min(a.features["relevance_factor"] for a in answers) < 1.0:
        tips.append("answer the question that was asked with an example from your own experience")
    if not parts["situation"] or not parts["task"]:
        tips.append("set the scene briefly: where you were and what needed to be done")
    if not parts["action"]:
        tips.append("say what you did yourself, step by step")
    if not parts["result"]:
        tips.append("finish with the result: what changed because of what you did")
    if all(a.features["quantities"] == 0 for a in answers):
        tips.append("give concrete facts such as numbers, time saved or people affected")
    if sum(a.features["own_ratio"] for a in answers) / len(answers) < 0.5:
        tips.append('make your own part clear rather than what "we" did in general')
    if max(a.features["generic_rate"] for a in answers) >= 0.5:
        tips.append("describe one real situation instead of how you usually work")
    if all(a.features["depth"] < 0.5 for a in answers):
        tips.append("give more detail so the example can be understood on its own")
    return tips or ["add one more concrete example that shows the same strength in a new situation"]


def _quote(evidence: list[Evidence]) -> str | None:
    for e in evidence:
        if "generic" not in e.signals:
            return e.sentence
    return None


def _identity(message: str) -> str:
    return message


def candidate_feedback(
    score: InterviewScore,
    candidate_name: str | None = None,
    translate: Callable[[str], str] | None = None,
) -> str:
    """Feedback text for the candidate, from the evidence of their own answers.

    ``translate`` maps each English message to the candidate's language (None: English); the
    competency titles and level labels come from the rubric, already in the interview's language."""
    _ = translate or _identity
    by_comp: dict[str, list[AnswerScore]] = {}
    for a in score.answers:
        by_comp.setdefault(a.competency, []).append(a)
    ranked = sorted(score.competencies, key=lambda c: c.score, reverse=True)
    strengths = [c for c in ranked if c.score >= STRENGTH_AT][:3] or ranked[:1]
    improve = [c for c in reversed(ranked) if c.score < STRENGTH_AT and c not in strengths][:3]
    if not improve and len(ranked) > 1:
        improve = [ranked[-1]]

    lines = [_("Dear {name},").format(name=candidate_name) if candidate_name else _("Hello,"), ""]
    lines.append(
        _(
            "Thank you for your interview. This feedback is based only on what you said in your answers; "
            "a person reviews every hiring decision."
        )
    )
    if not score.competencies:
        lines += ["", _("We could not assess your answers automatically, so a recruiter will review them.")]
        return "\n".join(lines)
    lines += ["", _("What went well:")]
    for c in strengths:
        quote = _quote(c.evidence)
        label = c.label[0].lower() + c.label[1:]  # no-op for Chinese
        text = _("- {title}: {label}").format(title=c.title, label=label)
        lines.append(text if not quote else text + _(' For example, you said: "{quote}"').format(quote=quote))
    if improve:
        lines += ["", _("What you could improve:")]
        for c in improve:
            tips = [_(t) for t in _tips(by_comp.get(c.competency, []))[:2]]
            sep = "；" if has_han("".join(tips)) else "; "
            lines.append(_("- {title}: {tips}.").format(title=c.title, tips=sep.join(tips)))
    lines += ["", _("We wish you every success.")]
    return "\n".join(lines)


class CompetencyExplanation(BaseModel):
    competency: str
    title: str
    score: float
    level: int
    level_label: str
    confidence: float
    weight: float
    contribution_to_overall: float
    features: dict
    feature_weights: dict
    evidence: list[Evidence]


class Explanation(BaseModel):
    """What HR can show a candidate or an auditor: how the scores and recommendation came about."""

    rubric: str
    scoring_model_version: str
    embedding_model: str
    transcription_model: str | None
    method: str
    overall: float | None
    overall_method: str
    confidence: float
    competencies: list[CompetencyExplanation]
    recommendation: dict | None
    motivation: dict | None
    speech_facts_in_score: bool
    not_used: list[str]
    human_oversight: str


def explanation(
    score: InterviewScore,
    model_version: ScoringModelVersion,
    recommendation: Recommendation | None = None,
    transcription_model: str | None = None,
) -> Explanation:
    weights = model_version.feature_weights.model_dump()
    total_w = sum(c.weight for c in score.competencies) or 1.0

    def comp(c: CompetencyScore) -> CompetencyExplanation:
        return CompetencyExplanation(
            competency=c.competency,
            title=c.title,
            score=c.score,
            level=c.level,
            level_label=c.label,
            confidence=c.confidence,
            weight=c.weight,
            contribution_to_overall=round(c.weight / total_w * (c.score - 1) / 4 * 100, 1),
            features=c.features,
            feature_weights=weights,
            evidence=c.evidence,
        )

    return Explanation(
        rubric=score.rubric_version,
        scoring_model_version=score.model_version,
        embedding_model=score.embedding_model,
        transcription_model=transcription_model,
        method=(
            "Each answer is compared with the rubric's example behaviours for levels 1-5 (sentence "
            "similarity), checked for a situation, task, own action and result (STAR), for specific "
            "facts and own actions, and for enough detail; answers unrelated to the question are pulled "
            "towards level 1. The weighted mean of these gives the answer's level; a competency's score "
            "is the mean over its answers."
        ),
        overall=score.overall,
        overall_method=(
            "Weighted mean of the competency scores mapped from 1-5 to 0-100, with the weights of "
            f"scoring-model version {score.model_version} for job family '{score.job_family}'."
        ),
        confidence=score.confidence,
        competencies=[comp(c) for c in score.competencies],
        recommendation=recommendation.model_dump(mode="json") if recommendation else None,
        motivation=score.motivation.model_dump() if score.motivation else None,
        speech_facts_in_score=score.speech_facts_used,
        not_used=list(NOT_USED),
        human_oversight=(
            "This is a recommendation to a recruiter, not a decision. No candidate is rejected "
            "automatically; low scores and uncertain cases are reviewed by a person."
        ),
    )
