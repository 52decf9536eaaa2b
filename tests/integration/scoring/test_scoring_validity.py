"""Scoring validity: rank agreement with the intended level on hand-written answers.

tests/fixtures/answers/general.yaml holds 56 answers written by hand for the general rubric, each
with the level its author meant (10-12 per level, six competencies, with long-but-weak and
short-but-strong answers against the length confound).

Floors, and why:
* the full score must reach Spearman 0.70 with the intended level: about the agreement two trained
  raters reach with each other on structured interviews (meta-analyses put inter-rater reliability
  of structured interviews around 0.7), so the scorer must be at least as consistent as a second rater;
* the anchor-similarity part alone must reach 0.60, so the rubric's anchors carry signal of their own;
* with answer length partialled out the score must keep 0.40: it must not be a word counter.
The figures are printed (pytest -s) and reported by the scoring lead; the test asserts the floors.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml
from scipy.stats import rankdata, spearmanr

from scoring_tasks.score import Answer

pytestmark = pytest.mark.slow

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "answers" / "general.yaml"


def _partial_spearman(y, x, control) -> float:
    """Spearman correlation of y and x with ``control`` partialled out of both (on ranks)."""
    ry, rx, rc = rankdata(y), rankdata(x), rankdata(control)
    res_y = ry - np.polyval(np.polyfit(rc, ry, 1), rc)
    res_x = rx - np.polyval(np.polyfit(rc, rx, 1), rc)
    return float(np.corrcoef(res_y, res_x)[0, 1])


@pytest.fixture(scope="module")
def scored(general_scorer):
    data = yaml.safe_load(FIXTURE.read_text())
    assert data["rubric"] == "general"
    items = data["answers"]
    questions = general_scorer.rubric.question_index()
    answers = [
        Answer(
            question=questions[a["question_id"]][1].text,
            text=a["text"],
            competency=a["competency"],
            question_id=a["question_id"],
        )
        for a in items
    ]
    return items, general_scorer.score_answers(answers)


def test_fixture_covers_every_level_of_one_rubric(scored):
    items, _ = scored
    levels = [a["level"] for a in items]
    assert len(items) >= 40
    assert all(levels.count(level) >= 8 for level in range(1, 6))
    assert len({a["id"] for a in items}) == len(items)


def test_rank_agreement_with_the_intended_level(scored):
    items, results = scored
    levels = np.array([a["level"] for a in items])
    words = np.array([len(a["text"].split()) for a in items])
    final = np.array([r.score for r in results])
    parts = {
        "anchors": [r.anchor_level for r in results],
        "star": [r.features["star"] for r in results],
        "specificity": [r.features["specificity"] for r in results],
        "depth": [r.features["depth"] for r in results],
        "relevance": [r.relevance for r in results],
        "word count (baseline)": words,
    }
    rho = spearmanr(levels, final).statistic
    rho_partial = _partial_spearman(levels, final, words)
    print(f"\nscore: Spearman={rho:.3f}, controlling for length={rho_partial:.3f} (n={len(items)})")
    for name, values in parts.items():
        print(
            f"  {name:22} Spearman={spearmanr(levels, values).statistic:.3f}"
            f"  controlling for length={_partial_spearman(levels, values, words):.3f}"
        )
    means = {lv: round(float(final[levels == lv].mean()), 2) for lv in range(1, 6)}
    print(f"  mean score per intended level: {means}")
    assert rho >= 0.70
    assert spearmanr(levels, parts["anchors"]).statistic >= 0.60
    assert rho_partial >= 0.40
    assert list(means.values()) == sorted(means.values())  # monotonic in the intended level


def test_unrelated_answer_scores_at_the_bottom(general_scorer):
    [answer] = general_scorer.score_answers(
        [
            Answer(
                question="Give an example of how you helped a teammate who was struggling.",
                text="My favourite recipe is pasta with tomatoes, garlic and basil. I cook it for ten minutes "
                "and serve it with 50 grams of parmesan. It is delicious and my family loves it.",
                competency="teamwork",
            )
        ]
    )
    assert answer.features["relevance_factor"] < 0.3
    assert answer.score < 2.0
