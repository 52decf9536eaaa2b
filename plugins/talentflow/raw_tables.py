"""Every table the loaders own, created up front so that dbt's sources exist before the first load."""

from __future__ import annotations

from talentflow import ats, interview_tables, resume_tables, warehouse
from talentflow.attrition.tables import SCORES as ATTRITION_SCORES
from talentflow.config import Settings
from talentflow.hris.entities import ENTITIES
from talentflow.retraining import tables as retraining_tables


def all_specs() -> list[warehouse.TableSpec]:
    specs = [*ats.TABLES, *interview_tables.TABLES, *resume_tables.TABLES, *retraining_tables.RAW_TABLES]
    specs.append(ATTRITION_SCORES)
    for entity in ENTITIES.values():
        specs.append(entity.raw_spec())
        if entity.pii_spec():
            specs.append(entity.pii_spec())
    return specs


def ensure_all(settings: Settings | None = None) -> int:
    specs = all_specs()
    with warehouse.connect(settings) as conn:
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (0x7A1E47F11,))
        for spec in specs:
            warehouse.ensure_table(conn, spec)
    return len(specs)
