"""``talentflow attrition evaluate --hris-export EXPORT --mapping MAPPING.yaml``."""

from __future__ import annotations

from pathlib import Path

import typer

from talentflow.core.cliutil import JsonOption, UserError, emit, run_guarded

app = typer.Typer(no_args_is_help=True)


def evaluate_export(export: Path, mapping: Path, source: str = "auto", folds: int = 5) -> dict:
    """Cross-validated metrics of the attrition model on one HRIS export (nothing is stored)."""
    from talentflow.attrition.evaluate import cross_validate
    from talentflow.attrition.export import LABEL, load_export_frame
    from talentflow.attrition.model import FAMILIES, InsufficientData

    loaded = load_export_frame(export, mapping, source)
    if not loaded.spec.columns:
        raise UserError(f"{export}: no usable feature columns after mapping ({loaded.source})")
    try:
        result = cross_validate(loaded.frame, LABEL, loaded.spec, folds=folds, protected=loaded.protected)
    except InsufficientData as exc:
        raise UserError(f"{export}: {exc}") from None
    return {
        "export": str(export),
        "system": loaded.system,
        "source": loaded.source,
        "files": loaded.files,
        "rejected_rows": loaded.rejected_rows,
        "employees": result["n"],
        "leavers": result["positives"],
        "model": "chosen per fold by inner cross-validated ROC AUC among "
        + ", ".join(FAMILIES)
        + "; sigmoid-calibrated",
        **result,
    }


def _human(r: dict) -> str:
    return "\n".join(
        [
            f"{r['system']} ({r['source']}): {r['employees']} employees, {r['leavers']} leavers "
            f"({r['base_rate']:.1%}), {r['rejected_rows']} rows rejected by the mapping",
            f"{r['folds']}-fold cross-validated ROC AUC   {r['roc_auc']:.3f} (per fold sd {r['roc_auc_sd']:.3f})",
            f"precision in the top decile       {r['precision_at_top_decile']:.3f}",
            f"Brier score                       {r['brier']:.4f}",
            f"model per fold: {', '.join(r['family_per_fold'])}",
            f"features: {', '.join(r['features'])}",
            *_fairness_lines(r),
        ]
    )


def _fairness_lines(r: dict) -> list[str]:
    lines = [f"high-risk flag ({r['high_risk_flagged']} employees) by protected group, never a model input:"]
    for attr, a in r.get("fairness", {}).items():
        ratio = "n/a" if a["min_impact_ratio"] is None else f"{a['min_impact_ratio']:.2f}"
        lines.append(
            f"  {attr}: lowest impact ratio {ratio} ({a['lowest'] or '-'} vs {a['reference'] or '-'})"
        )
    for w in r.get("proxy_warnings", []):
        lines.append(
            f"warning: {w['feature']} is a strong proxy for {w['attribute']} ({w['measure']} {w['value']})"
        )
    return lines


@app.command("evaluate")
def evaluate(
    hris_export: Path = typer.Option(
        ..., "--hris-export", help="HRIS export folder or a single export file."
    ),
    mapping: Path = typer.Option(..., "--mapping", "-m", help="Mapping YAML for this HRIS."),
    source: str = typer.Option("auto", help="snapshot, entities, or auto (the snapshot file when mapped)."),
    folds: int = typer.Option(5, min=2, max=20, help="Cross-validation folds."),
    json_out: bool = JsonOption,
) -> None:
    """Train and evaluate the attrition model by cross-validation on an HRIS export (in memory)."""
    result = run_guarded(evaluate_export, hris_export, mapping, source, folds)
    emit(result, json_out, _human(result))
