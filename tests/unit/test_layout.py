"""The README's drawing of the code is true: every path it names exists, and every package of the
production library and every DAG appears in it."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _drawing() -> str:
    text = (REPO / "README.md").read_text()
    return text.split("<!-- layout:start -->", 1)[1].split("<!-- layout:end -->", 1)[0]


def test_every_path_in_the_drawing_exists():
    drawing = _drawing()
    named = re.findall(r"(?:plugins|dags|dbt_project|scoring_tasks)/[\w./]*", drawing)
    assert named, "the README has no layout drawing"
    missing = [p for p in named if not (REPO / p.rstrip("/")).exists()]
    assert missing == [], f"the README's layout names paths that do not exist: {missing}"


def test_every_package_and_dag_is_in_the_drawing():
    drawing = _drawing()
    packages = sorted(
        p.name for p in (REPO / "plugins" / "talentflow").iterdir() if (p / "__init__.py").exists()
    )
    absent = [p for p in packages if f"{p}/" not in drawing]
    assert absent == [], f"packages missing from the README's layout drawing: {absent}"
    dags = sorted(p.name for p in (REPO / "dags").glob("*.py"))
    assert [d for d in dags if d not in drawing] == [], "DAG files missing from the README's layout drawing"


def test_warehouse_tables_are_declared_only_in_the_registry():
    """One registry: a TableSpec(...) outside core/tables/ is a table declared somewhere else."""
    offenders = [
        str(p.relative_to(REPO))
        for p in (REPO / "plugins").rglob("*.py")
        if "TableSpec(" in p.read_text() and "core/tables" not in str(p) and p.name != "warehouse.py"
    ]
    assert offenders == []


def test_registry_lists_every_declared_table():
    import importlib
    import pkgutil

    from talentflow.core import tables
    from talentflow.core.warehouse import TableSpec

    modules = [
        importlib.import_module(f"{tables.__name__}.{m.name}") for m in pkgutil.iter_modules(tables.__path__)
    ]
    declared = {
        (v.schema, v.name) for module in modules for v in vars(module).values() if isinstance(v, TableSpec)
    }
    listed = {(s.schema, s.name) for s in tables.all_specs()}
    assert declared - listed == set()
