"""Every Airflow Asset through which TalentFlow's DAGs trigger each other, in one place.

A loader's task declares the Assets of the tables it writes as outlets; ``warehouse_build`` is
scheduled on any loader Asset, and ``attrition_alerts`` on the marts Asset the build emits.
"""

from __future__ import annotations

from talentflow.core.tables import ats, attrition, hris, interviews, platform, resumes, retraining

# A logical name, not a network address: Asset URIs must not change between environments.
WAREHOUSE_ASSET_HOST = "talentflow-warehouse:5432"


def warehouse_asset(schema: str, table: str):
    """The Airflow Asset of a warehouse table (loaders emit it, downstream DAGs schedule on it)."""
    from airflow.sdk import Asset

    return Asset(f"postgres://{WAREHOUSE_ASSET_HOST}/warehouse/{schema}/{table}")


def table_asset(spec):
    return warehouse_asset(spec.schema, spec.name)


HRIS = [warehouse_asset("raw", entity.raw_spec().name) for entity in hris.ENTITIES.values()]
ATS = [table_asset(spec) for spec in ats.TABLES]
RESUME_SUBMISSIONS = table_asset(resumes.SUBMISSIONS)
INTERVIEW_RESULTS = table_asset(interviews.RESULTS)
INTERVIEW_VALIDITY = table_asset(retraining.VALIDITY)
ATTRITION_SCORES = table_asset(attrition.SCORES)
PLATFORM_HEALTH = table_asset(platform.HEALTH_TABLE)
# warehouse_build emits it after every build; the marts' entry point for downstream DAGs.
MARTS = warehouse_asset("marts", "employee_lifecycle_profile")

LOADERS = [*HRIS, *ATS, RESUME_SUBMISSIONS, INTERVIEW_RESULTS, INTERVIEW_VALIDITY]


def any_of(assets):
    """Airflow's Asset OR over ``assets``: a DAG scheduled on it runs when any of them updates."""
    schedule = assets[0]
    for asset in assets[1:]:
        schedule = schedule | asset
    return schedule
