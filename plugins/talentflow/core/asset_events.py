"""Assets only when something changed.

A loader's last task (the one whose ``outlets`` are its tables' Assets) calls ``announce`` with the
number of rows or exports it loaded. Nothing new: the task ends *skipped*, and Airflow records an
Asset event only for a task that succeeded, so ``warehouse_build`` (scheduled on those Assets) does
not start for a run that loaded nothing. The loader's own work and XComs sit in the task before it.
"""

from __future__ import annotations


def announce(changed: int, what: str) -> int:
    """Return ``changed`` (the Asset event is then emitted); skip the task when it is 0."""
    if changed > 0:
        return changed
    from airflow.sdk.exceptions import AirflowSkipException

    raise AirflowSkipException(f"no new {what}: no Asset event, so no downstream build")
