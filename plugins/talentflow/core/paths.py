"""Where the project's own folders are: the one place that knows the repository root.

A source checkout (``make setup`` installs it editable) keeps dags/, dbt_project/, expectations/ and
sample_data/ beside plugins/; settings that point elsewhere (``TALENTFLOW_DBT_PROJECT_DIR``,
``TALENTFLOW_EXPECTATIONS_DIR``) override these defaults in ``talentflow.core.config``.
"""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[3]
DAGS_DIR = REPO_ROOT / "dags"
PLUGINS_DIR = REPO_ROOT / "plugins"
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
EXPECTATIONS_DIR = REPO_ROOT / "expectations"
SAMPLE_DATA_DIR = REPO_ROOT / "sample_data"
