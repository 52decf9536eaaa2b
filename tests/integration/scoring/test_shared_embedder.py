"""One MiniLM load per process: interview scoring and resume matching share the embedder however
they ask for it (the platform's settings, the scoring library's default, another spelling of the
same folder). Resume ingestion and the interview-scoring DAG both call ``models.get_embedder``."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def test_interview_scoring_and_resume_matching_share_one_model_load():
    from scoring_tasks.embeddings import load_embedder
    from scoring_tasks.rubric import get_rubric
    from scoring_tasks.score import Scorer
    from talentflow.core import models
    from talentflow.core.config import get_settings

    platform = models.get_embedder()
    assert models.get_embedder(settings=get_settings()) is platform
    assert Scorer(get_rubric("general")).embedder is platform  # the scoring library's own default
    folder = Path(get_settings().embedding_model_path)
    respelled = os.path.relpath(folder / ".." / folder.name)
    assert load_embedder(respelled) is platform
    assert models.get_embedder(model_path=str(folder) + "/") is platform
