"""Imports go one way (DAGs -> domain packages -> platform core -> scoring library), checked by
import-linter's layers contract in pyproject.toml."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _contract() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["importlinter"]


def _run(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=cwd, capture_output=True, text=True, timeout=300
    )


def test_layers_contract_is_kept():
    result = _run(REPO)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "1 kept, 0 broken" in result.stdout


def test_every_package_is_placed_in_a_layer():
    """A new domain package must be put in the contract, or nothing checks its imports."""
    layers = " ".join(_contract()["contracts"][0]["layers"])
    named = set(re.findall(r"[a-z_]+(?:\.[a-z_]+)*", layers))
    packages = {
        f"talentflow.{p.name}"
        for p in (REPO / "plugins" / "talentflow").iterdir()
        if (p / "__init__.py").exists()
    }
    assert packages - named == set(), f"packages missing from [tool.importlinter] layers: {packages - named}"


def test_a_core_module_importing_a_domain_breaks_the_contract(tmp_path):
    """The check itself can fail: a copy of the tree where the core imports a domain is refused."""
    import shutil

    plugins = tmp_path / "plugins"
    for name in ("talentflow", "talentflow_demo"):
        shutil.copytree(REPO / "plugins" / name, plugins / name)
    shutil.copytree(REPO / "scoring_tasks", tmp_path / "scoring_tasks")
    (plugins / "talentflow" / "core" / "backwards.py").write_text("from talentflow.resumes import parse\n")
    config = tmp_path / "pyproject.toml"
    config.write_text((REPO / "pyproject.toml").read_text())
    result = subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--config", str(config)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PYTHONPATH": f"{plugins}:{tmp_path}", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode != 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "talentflow.core.backwards" in result.stdout, result.stdout[-2000:]
