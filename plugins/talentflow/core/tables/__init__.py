"""The one registry of warehouse tables that Python code writes.

Each module here declares one domain's tables (``resumes``, ``interviews``, ``ats``, ``hris``,
``attrition``, ``retraining``, ``platform``, ``service``, ``web``); :func:`all_specs` lists every one of them, and
``talentflow up`` creates them all up front so that dbt's sources exist before the first load.
dbt's own relations (staging, intermediate, marts) are declared in ``dbt_project/``.
"""

from __future__ import annotations

from talentflow.core import warehouse
from talentflow.core.config import Settings
from talentflow.core.tables import (
    ats,
    attrition,
    hris,
    interviews,
    people,
    platform,
    resumes,
    retraining,
    service,
    web,
)

DOMAINS = (resumes, interviews, ats, attrition, retraining, platform, service, people, web)


def all_specs() -> list[warehouse.TableSpec]:
    """Every table Python code writes, HRIS entities included (raw and restricted halves)."""
    specs = [spec for module in DOMAINS for spec in module.TABLES]
    for entity in hris.ENTITIES.values():
        specs.append(entity.raw_spec())
        if entity.pii_spec():
            specs.append(entity.pii_spec())
    return specs


def loaded_specs() -> list[warehouse.TableSpec]:
    """The tables loaders fill from incoming data (``raw`` and ``restricted``), not the audit trail."""
    return [spec for spec in all_specs() if spec.schema in ("raw", "restricted")]


def ensure_all(settings: Settings | None = None) -> int:
    specs = all_specs()
    with warehouse.connect(settings) as conn:
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (0x7A1E47F11,))
        for spec in specs:
            warehouse.ensure_table(conn, spec)
    return len(specs)
