"""Employee archive sync: HRIS and ATS exports from object storage into the warehouse (wiring only)."""

from __future__ import annotations

from airflow.sdk import Param, dag, get_current_context, task

from talentflow.core import assets
from talentflow.core.asset_events import announce
from talentflow.core.dag_defaults import DEFAULT_ARGS, START_DATE
from talentflow.hris import ats_exports as ats
from talentflow.hris import load as hris
from talentflow.hris import sync


@dag(
    dag_id="archive_sync",
    schedule="@daily",
    start_date=START_DATE,
    catchup=False,
    default_args=DEFAULT_ARGS,
    tags=["warehouse", "hris", "ats", "loader"],
    params={
        "hris_mapping": Param(
            "",
            type="string",
            description="Mapping YAML of the HRIS that produced the exports "
            "(empty: the TALENTFLOW_HRIS_MAPPING setting).",
        )
    },
    doc_md="""
### Employee archive sync
- **Reads** `incoming/hris/<export_id>/` (one file per entity, in the vendor's own shape) and
  `incoming/ats/<export_id>/` (`requisitions.json`, `applications.csv`, `consents.csv`, `demographics.csv`).
- **Writes** `raw.hris_*` (history kept: every version of an employee's attributes), `raw.ats_*`,
  personal data to `restricted.*`, rejected rows with their reason to `audit.ingest_errors`,
  Great Expectations results to `audit.data_quality_results`; moves loaded exports to `archive/`.
- **Mapping**: the `hris_mapping` param (default `TALENTFLOW_HRIS_MAPPING`) names the HRIS mapping file.
- **Emits** the Assets of every raw table it writes (`announce_*`, skipped when no export loaded, so
  an empty run starts no build); `warehouse_build` is scheduled on them.
- **Re-run** safely: loads are upserts keyed on natural keys; an export moves to `archive/` only after
  it loaded, so a failed run leaves it in `incoming/` for the retry and a second run changes nothing.
""",
)
def archive_sync():
    @task
    def sync_ats() -> list[dict]:
        run_id = get_current_context()["run_id"]
        return sync.sync_exports("ats", lambda folder: ats.load_export(folder, run_id=run_id).to_dict())

    @task
    def sync_hris() -> list[dict]:
        context = get_current_context()
        mapping = context["params"]["hris_mapping"] or hris.configured_mapping()
        return sync.sync_exports(
            "hris", lambda folder: hris.load_export(folder, mapping, run_id=context["run_id"]).to_dict()
        )

    @task
    def ensure_tables() -> None:
        ats.ensure_tables()
        hris.ensure_tables()

    # Assets only when an export loaded: an empty run emits none and starts no warehouse build.
    @task(outlets=assets.ATS)
    def announce_ats(loaded: list[dict]) -> int:
        return announce(len(loaded), "ATS exports")

    @task(outlets=assets.HRIS)
    def announce_hris(loaded: list[dict]) -> int:
        return announce(len(loaded), "HRIS exports")

    ats_loaded, hris_loaded = sync_ats(), sync_hris()
    ensure_tables() >> [ats_loaded, hris_loaded]
    announce_ats(ats_loaded)
    announce_hris(hris_loaded)


archive_sync()
