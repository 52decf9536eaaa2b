"""Score interview answers against a rubric's behaviourally anchored rating scales.

Only what the candidate said counts. For each answer:

* anchors — the answer's sentences are embedded with the bundled MiniLM model and compared with the
  example behaviours (anchors) of each level of the competency; the best-matching sentences give a
  distribution over levels 1-5 and its expected level;
* STAR — are situation, task, the candidate's own action and a result present (``features.py``);
* specificity — numbers and outcomes, own actions against "we", few generalities;
* depth — enough said to judge: different words in the sentences that count;
* relevance — similarity of the answer to its question and competency; an off-topic answer is
  pulled towards level 1 whatever else it contains.

Before any of this, ``answer_checks.py`` sets aside what must not count: sentences said twice,
filler talk, the question read back and lists of words. Only the remaining sentences are scored,
the score above level 1 is shrunk by the share of words set aside, and an answer that speaks of
nothing from work or study while keeping far from its question is off-topic (pulled to level 1).
Every check that fires is named in the answer's ``flags`` with its reason, and marked on the
evidence sentence that shows it.

The answer's level is ``1 + 4 * weighted mean`` of the first four (weights from the scoring-model
version), shrunk towards 1 by low relevance. A competency's score is the mean of its answers; the
overall 0-100 score weights competencies with the version's weights for the job family.
Embeddings are computed in batches: anchors once per ``Scorer``, all sentences of a batch of
interviews in one call.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from pydantic import BaseModel, Field

from scoring_tasks.answer_checks import AnswerChecks, check_answer, speaks_of_work
from scoring_tasks.features import TextFeatures, split_sentences, text_features
from scoring_tasks.model_version import ScoringModelVersion, load_model_version
from scoring_tasks.rubric import LEVELS, MOTIVATION, MOTIVATION_CATEGORIES, Rubric, RubricError
from scoring_tasks.speech_facts import SpeechFacts

ANCHOR_TEMPERATURE = 0.03  # softmax temperature over level similarities (cosine units)
TOP_SENTENCES = 2  # a level's match is the mean of the answer's best sentences for it


class Answer(BaseModel):
    """One answer to score: the question asked and what the candidate said."""

    question: str = ""
    text: str
    competency: str | None = None
    question_id: str | None = None


class Evidence(BaseModel):
    """A sentence that moved a score, and why."""

    sentence: str
    question_id: str | None = None
    signals: list[str] = Field(default_factory=list)
    matched_level: int | None = None
    matched_anchor: str | None = None
    similarity: float | None = None


class AnswerScore(BaseModel):
    question_id: str | None
    question: str
    competency: str
    competency_inferred: bool = False
    score: float  # 1-5
    confidence: float
    anchor_level: float
    level_probabilities: list[float]
    relevance: float
    features: dict
    evidence: list[Evidence]
    # checks that fired (repeated, filler, question_echo, keyword_list, off_topic) and why
    flags: dict[str, str] = Field(default_factory=dict)


class CompetencyScore(BaseModel):
    competency: str
    title: str
    score: float  # 1.0-5.0, one decimal
    level: int  # nearest BARS level
    label: str  # that level's description
    confidence: float
    weight: float
    evidence: list[Evidence]
    question_ids: list[str | None]
    features: dict
    flags: dict[str, str] = Field(default_factory=dict)


class MotivationResult(BaseModel):
    """Descriptive, never scored: which motivation the candidate's answer expresses most."""

    question_id: str | None
    category: str
    confidence: float
    scores: dict[str, float]


class InterviewScore(BaseModel):
    rubric_id: str
    rubric_version: str
    job_family: str
    model_version: str
    embedding_model: str
    competencies: list[CompetencyScore]
    overall: float | None  # 0-100, None when no competency could be scored
    confidence: float
    answers: list[AnswerScore]
    motivation: MotivationResult | None = None
    speech_facts_used: bool = False

    def competency(self, key: str) -> CompetencyScore | None:
        return next((c for c in self.competencies if c.competency == key), None)

    def public(self) -> dict:
        """The CLI contract: scores per dimension, ``overall``, evidence, model version."""
        return {
            "rubric": self.rubric_version,
            "model_version": self.model_version,
            "embedding_model": self.embedding_model,
            "overall": self.overall,
            "confidence": self.confidence,
            "scores": {c.competency: c.score for c in self.competencies},
            "evidence": {c.competency: [e.sentence for e in c.evidence] for c in self.competencies},
            "dimensions": [c.model_dump() for c in self.competencies],
            "motivation": self.motivation.model_dump() if self.motivation else None,
            "speech_facts_used": self.speech_facts_used,
        }


def _softmax(x: np.ndarray, temperature: float) -> np.ndarray:
    z = (x - x.max()) / temperature
    e = np.exp(z)
    return e / e.sum()


class _TextCache:
    """Embeds each distinct text once per batch."""

    def __init__(self, embedder, texts: Sequence[str]) -> None:
        unique = list(dict.fromkeys(t for t in texts if t is not None))
        vectors = embedder.encode(unique, batch_size=64)
        self.index = {t: i for i, t in enumerate(unique)}
        self.vectors = vectors

    def get(self, texts: Sequence[str]) -> np.ndarray:
        return self.vectors[[self.index[t] for t in texts]]


def _lowest(
    answer: Answer,
    competency: str,
    inferred: bool,
    feats: TextFeatures,
    confidence: float,
    evidence: list[Evidence],
    flags: dict[str, str],
) -> AnswerScore:
    """Level 1 for an answer with nothing to score: empty, or everything in it set aside."""
    return AnswerScore(
        question_id=answer.question_id,
        question=answer.question,
        competency=competency,
        competency_inferred=inferred,
        score=1.0,
        confidence=confidence,
        anchor_level=1.0,
        level_probabilities=[1.0, 0, 0, 0, 0],
        relevance=0.0,
        features=feats.as_dict()
        | {"anchor_level": 1.0, "relevance": 0.0, "relevance_factor": 0.0, "contributions": {}},
        evidence=evidence,
        flags=flags,
    )


class Scorer:
    """Scores interviews against one rubric with one scoring-model version.

    Build it once per batch (it embeds the rubric's anchors); call :meth:`score_interviews` with
    every interview of the batch.
    """

    def __init__(
        self,
        rubric: Rubric,
        model_version: ScoringModelVersion | None = None,
        embedder=None,
    ) -> None:
        if embedder is None:
            from scoring_tasks.embeddings import load_embedder

            embedder = load_embedder()
        self.rubric = rubric
        self.model_version = model_version or load_model_version()
        self.embedder = embedder
        self._anchor_texts: dict[str, list[list[str]]] = {
            key: [comp.levels[level].anchors for level in LEVELS] for key, comp in rubric.competencies.items()
        }
        flat = [a for levels in self._anchor_texts.values() for anchors in levels for a in anchors]
        profile_texts = {
            key: f"{comp.title}. {comp.description} " + " ".join(q.text for q in comp.questions)
            for key, comp in rubric.competencies.items()
        }
        motivation_texts: list[str] = []
        if rubric.motivation:
            motivation_texts = [rubric.motivation.question.text] + [
                t for cat in MOTIVATION_CATEGORIES for t in rubric.motivation.categories.get(cat, [])
            ]
        cache = _TextCache(embedder, flat + list(profile_texts.values()) + motivation_texts)
        self._anchors = {
            key: [cache.get(anchors) for anchors in levels] for key, levels in self._anchor_texts.items()
        }
        self._profiles = {key: cache.get([t])[0] for key, t in profile_texts.items()}
        self._motivation_question = cache.get(motivation_texts[:1])[0] if motivation_texts else None
        self._motivation_categories = (
            {
                cat: cache.get(rubric.motivation.categories[cat])
                for cat in MOTIVATION_CATEGORIES
                if cat in rubric.motivation.categories
            }
            if rubric.motivation
            else {}
        )
        self._question_index = rubric.question_index()
        self._question_text_index = {q.text.strip().lower(): key for key, q in self._question_index.values()}

    @property
    def embedding_version(self) -> str:
        return getattr(self.embedder, "version", type(self.embedder).__name__)

    # ---- public API ---------------------------------------------------------------------------
    def score_interview(
        self,
        answers: Sequence[Answer | dict],
        *,
        job_family: str | None = None,
        speech_facts: SpeechFacts | None = None,
    ) -> InterviewScore:
        """Score one interview (see :meth:`score_interviews`)."""
        return self.score_interviews([answers], job_family=job_family, speech_facts=[speech_facts])[0]

    def score_interviews(
        self,
        interviews: Sequence[Sequence[Answer | dict]],
        *,
        job_family: str | None = None,
        speech_facts: Sequence[SpeechFacts | None] | None = None,
    ) -> list[InterviewScore]:
        """Score a batch of interviews with one embedding pass over all their sentences.

        Raises ``ValueError`` naming the interview and answer when an answer names a competency the
        rubric does not have.
        """
        parsed = [[a if isinstance(a, Answer) else Answer.model_validate(a) for a in iv] for iv in interviews]
        family = job_family or self.rubric.job_family
        sentences = [[split_sentences(a.text) for a in iv] for iv in parsed]
        checks = [
            [check_answer(sents, a.question) for a, sents in zip(iv, iv_sentences, strict=True)]
            for iv, iv_sentences in zip(parsed, sentences, strict=True)
        ]
        texts: list[str] = []
        for iv, iv_sentences, iv_checks in zip(parsed, sentences, checks, strict=True):
            for answer, sents, answer_checks in zip(iv, iv_sentences, iv_checks, strict=True):
                texts += sents + [" ".join(answer_checks.kept)]
                if answer.question:
                    texts.append(answer.question)
                elif not answer.competency:  # the competency is guessed from the answer itself
                    texts.append(answer.text)
        cache = _TextCache(self.embedder, texts)
        facts = list(speech_facts) if speech_facts is not None else [None] * len(parsed)
        results = []
        for n, (iv, iv_sentences, iv_checks, iv_facts) in enumerate(
            zip(parsed, sentences, checks, facts, strict=True)
        ):
            results.append(self._score_one(n, iv, iv_sentences, iv_checks, cache, family, iv_facts))
        return results

    def score_answers(self, answers: Sequence[Answer | dict]) -> list[AnswerScore]:
        """Per-answer scores (the same as inside an interview), for analysis and benchmarks."""
        return self.score_interviews([answers])[0].answers

    # ---- internals ----------------------------------------------------------------------------
    def _resolve_competency(self, answer: Answer, cache: _TextCache, where: str) -> tuple[str, bool]:
        if answer.competency:
            if answer.competency == MOTIVATION or answer.competency in self.rubric.competencies:
                return answer.competency, False
            raise RubricError(
                f"{where}: competency '{answer.competency}' is not in rubric '{self.rubric.id}' "
                f"(has: {', '.join(self.rubric.competencies)})"
            )
        if answer.question_id and answer.question_id in self._question_index:
            return self._question_index[answer.question_id][0], False
        key = self._question_text_index.get(answer.question.strip().lower())
        if key:
            return key, False
        probe = cache.get([answer.question or answer.text])[0]
        keys = list(self._profiles)
        sims = np.array([float(self._profiles[k] @ probe) for k in keys])
        if self._motivation_question is not None and float(self._motivation_question @ probe) > sims.max():
            return MOTIVATION, True
        return keys[int(sims.argmax())], True

    def _relevance(
        self,
        answer: Answer,
        competency: str,
        answer_vec: np.ndarray,
        sent_vecs: np.ndarray,
        cache: _TextCache,
    ) -> float:
        """How closely the answer keeps to its question (or, without one, the competency).

        The best of: the whole answer or any one sentence against the question, and the answer against
        the competency's description. MiniLM separates unrelated talk (weather, hobbies: < 0.1) well
        from on-topic answers (> 0.2) but not good answers from bad ones, so this is a guard, not a
        measure of quality.
        """
        sims = [float(self._profiles[competency] @ answer_vec)]
        if answer.question:
            q = cache.get([answer.question])[0]
            sims += [float(q @ answer_vec), float((sent_vecs @ q).max())]
        return max(sims)

    def _set_aside(
        self, answer: Answer, competency: str, inferred: bool, checks: AnswerChecks
    ) -> AnswerScore:
        """An answer with nothing that counts: only the question read back, lists or repetition."""
        flags = checks.flags()
        evidence = [
            Evidence(sentence=s, question_id=answer.question_id, signals=[v], matched_level=1)
            for s, v in zip(checks.sentences, checks.verdicts, strict=True)
            if v in flags
        ][:3]
        return _lowest(answer, competency, inferred, text_features("", []), 0.1, evidence, flags)

    def _score_answer(
        self,
        answer: Answer,
        competency: str,
        inferred: bool,
        all_sents: list[str],
        checks: AnswerChecks,
        cache: _TextCache,
    ) -> AnswerScore:
        weights = self.model_version.feature_weights
        gate = self.model_version.relevance
        sents = checks.kept
        if all_sents and not sents:
            return self._set_aside(answer, competency, inferred, checks)
        feats: TextFeatures = text_features(" ".join(sents), sents)
        feats.distinct_words = checks.distinct_words
        if not sents:
            return _lowest(answer, competency, inferred, feats, 0.0, [], {})
        sent_vecs = cache.get(sents)
        answer_vec = cache.get([" ".join(sents)])[0]
        # (sentences x levels): best anchor of each level for each sentence
        # Filler talk still shows how a candidate speaks about the competency ("I'm not the kind of
        # person who comes up with ideas" is a level-1 answer), so the anchors read it too; the
        # shrink below takes away what padding could add.
        anchor_vecs = cache.get(checks.heard)
        per_level = np.stack([(anchor_vecs @ a.T).max(axis=1) for a in self._anchors[competency]], axis=1)
        top = min(TOP_SENTENCES, len(anchor_vecs))
        level_match = np.sort(per_level, axis=0)[-top:].mean(axis=0)
        probs = _softmax(level_match, ANCHOR_TEMPERATURE)
        anchor_level = float(np.dot(probs, LEVELS))
        anchor_norm = (anchor_level - 1) / 4

        relevance = self._relevance(answer, competency, answer_vec, sent_vecs, cache)
        relevance_factor = float(np.clip((relevance - gate.low) / (gate.high - gate.low), 0.0, 1.0))
        flags = checks.flags()
        # Sentence-level similarity is fooled by a well-told story about anything (a wedding dinner
        # reaches 0.4 against a problem-solving question); the whole answer against its question,
        # together with whether it names anything from work or study, is not.
        whole = float(cache.get([answer.question])[0] @ answer_vec) if answer.question else relevance
        # Only a story can be off-topic: general statements are weak, and scored as such.
        story = checks.count(None) > 0
        if story and whole < gate.off_topic and not speaks_of_work(" ".join(sents)):
            relevance_factor = 0.0
            flags["off_topic"] = (
                f"the answer names nothing from work or study and keeps far from its question "
                f"(similarity {whole:.2f} < {gate.off_topic:.2f}); it is scored near level 1"
            )
        parts = {
            "anchors": (weights.anchors, anchor_norm),
            "star": (weights.star, feats.star),
            "specificity": (weights.specificity, feats.specificity),
            "depth": (weights.depth, feats.depth),
        }
        total_w = sum(w for w, _ in parts.values())
        raw = sum(w * v for w, v in parts.values()) / total_w
        # Off-topic answers are pulled towards level 1, however well told; padding and repetition
        # shrink what is above level 1 by their share of the words.
        pull = 0.05 if "off_topic" in flags else 0.25 + 0.75 * relevance_factor
        score = 1.0 + 4.0 * raw * pull * checks.shrink
        rule_norm = (
            weights.star * feats.star + weights.specificity * feats.specificity + weights.depth * feats.depth
        ) / max(1e-9, weights.star + weights.specificity + weights.depth)
        agreement = 1.0 - abs(anchor_norm - rule_norm)
        amount = min(1.0, feats.words / 60.0)
        confidence = 0.35 * amount + 0.35 * agreement + 0.30 * relevance_factor

        level_near = int(np.clip(round(score), 1, 5))
        evidence = self._evidence(answer, competency, sents, sent_vecs, feats, level_near)
        if "off_topic" in flags:
            for e in evidence:
                e.signals = ["off_topic", *e.signals]
        set_aside = [
            Evidence(sentence=s, question_id=answer.question_id, signals=[v], matched_level=level_near)
            for s, v in zip(checks.sentences, checks.verdicts, strict=True)
            if v in ("question_echo", "keyword_list") and v in flags
        ]
        evidence = (set_aside[:1] + evidence)[:3]
        features = feats.as_dict() | {
            "anchor_level": round(anchor_level, 3),
            "relevance": round(relevance, 3),
            "relevance_factor": round(relevance_factor, 3),
            "contributions": {k: round(4.0 * w * v / total_w, 3) for k, (w, v) in parts.items()},
            "set_aside": {
                v: checks.count(v) for v in ("repeated", "filler", "question_echo", "keyword_list")
            },
            "shrink": round(checks.shrink, 3),
        }
        return AnswerScore(
            question_id=answer.question_id,
            question=answer.question,
            competency=competency,
            competency_inferred=inferred,
            score=round(float(score), 3),
            confidence=round(float(confidence), 3),
            anchor_level=round(anchor_level, 3),
            level_probabilities=[round(float(p), 4) for p in probs],
            relevance=round(relevance, 3),
            features=features,
            evidence=evidence,
            flags=flags,
        )

    def _evidence(
        self,
        answer: Answer,
        competency: str,
        sents: list[str],
        sent_vecs: np.ndarray,
        feats: TextFeatures,
        level: int,
        limit: int = 3,
    ) -> list[Evidence]:
        """Sentences that carried the score: close to the anchors of the level given, or STAR/specific."""
        anchors = self._anchors[competency][level - 1]
        texts = self._anchor_texts[competency][level - 1]
        sims = sent_vecs @ anchors.T
        ranked = []
        for i in range(len(sents)):
            signals = feats.signals[i]
            substantive = [s for s in signals if s != "generic"]
            weight = float(sims[i].max()) + 0.08 * len(substantive) - 0.05 * ("generic" in signals)
            ranked.append((weight, i))
        out = []
        for _, i in sorted(ranked, reverse=True)[:limit]:
            j = int(sims[i].argmax())
            out.append(
                Evidence(
                    sentence=sents[i],
                    question_id=answer.question_id,
                    signals=feats.signals[i],
                    matched_level=level,
                    matched_anchor=texts[j],
                    similarity=round(float(sims[i, j]), 3),
                )
            )
        return out

    def _motivation(self, answer: Answer, sents: list[str], cache: _TextCache) -> MotivationResult | None:
        if not self._motivation_categories or not sents:
            return None
        vecs = cache.get(sents)
        scores = {cat: float((vecs @ protos.T).max()) for cat, protos in self._motivation_categories.items()}
        cats = list(scores)
        probs = _softmax(np.array([scores[c] for c in cats]), 0.05)
        best = int(probs.argmax())
        return MotivationResult(
            question_id=answer.question_id,
            category=cats[best],
            confidence=round(float(probs[best]), 3),
            scores={c: round(scores[c], 3) for c in cats},
        )

    def _score_one(
        self,
        n: int,
        answers: list[Answer],
        sentences: list[list[str]],
        checks: list[AnswerChecks],
        cache: _TextCache,
        family: str,
        facts: SpeechFacts | None,
    ) -> InterviewScore:
        scored: list[AnswerScore] = []
        motivation = None
        for k, (answer, sents, answer_checks) in enumerate(zip(answers, sentences, checks, strict=True)):
            where = f"interview {n + 1}, answer {k + 1}"
            competency, inferred = self._resolve_competency(answer, cache, where)
            if competency == MOTIVATION:
                motivation = self._motivation(answer, sents, cache) or motivation
                continue
            scored.append(self._score_answer(answer, competency, inferred, sents, answer_checks, cache))

        by_comp: dict[str, list[AnswerScore]] = {}
        for a in scored:
            by_comp.setdefault(a.competency, []).append(a)
        policy = self.model_version.speech_facts
        use_facts = bool(policy.enabled and facts is not None and "communication" in by_comp)
        competencies = []
        for key in self.rubric.competencies:
            if key not in by_comp:
                continue
            items = by_comp[key]
            score = float(np.mean([a.score for a in items]))
            if use_facts and key == "communication":
                score = (1 - policy.weight) * score + policy.weight * (1 + 4 * facts.fluency)
            confidence = float(np.mean([a.confidence for a in items]))
            level = int(np.clip(round(score), 1, 5))
            evidence = sorted(
                (e for a in items for e in a.evidence),
                key=lambda e: (e.similarity or 0) + 0.08 * len([s for s in e.signals if s != "generic"]),
                reverse=True,
            )[:3]
            comp = self.rubric.competencies[key]
            feature_means = {
                name: round(float(np.mean([a.features[name] for a in items])), 3)
                for name in ("anchor_level", "star", "specificity", "depth", "relevance")
            }
            competencies.append(
                CompetencyScore(
                    competency=key,
                    title=comp.title,
                    score=round(score, 1),
                    level=level,
                    label=comp.levels[level].label,
                    confidence=round(confidence, 2),
                    weight=self.model_version.weight(family, key),
                    evidence=evidence,
                    question_ids=[a.question_id for a in items],
                    features=feature_means,
                    flags={code: why for a in items for code, why in a.flags.items()},
                )
            )
        overall = None
        confidence = 0.0
        if competencies:
            w = np.array([c.weight for c in competencies])
            if w.sum() <= 0:
                w = np.ones_like(w)
            s = np.array([(c.score - 1) / 4 * 100 for c in competencies])
            overall = round(float((w * s).sum() / w.sum()), 1)
            confidence = round(float((w * np.array([c.confidence for c in competencies])).sum() / w.sum()), 2)
        return InterviewScore(
            rubric_id=self.rubric.id,
            rubric_version=self.rubric.version_tag,
            job_family=family,
            model_version=self.model_version.version,
            embedding_model=self.embedding_version,
            competencies=competencies,
            overall=overall,
            confidence=confidence,
            answers=scored,
            motivation=motivation,
            speech_facts_used=use_facts,
        )
