"""Transparent attrition-risk rules, from the HR-editable dbt seed ``attrition_rules``.

A rule is one or more rows sharing a ``rule_id``; it matches when all its conditions hold. The rules
score is the sum of the weights of the matching rules, and every match is a reason (with what HR is
asked to do). The seed is the single source of truth: dbt loads it into ``hr_config.attrition_rules``
and this module evaluates what the warehouse holds (what was deployed, not whatever CSV sits beside
the code); a file given explicitly (``TALENTFLOW_ATTRITION_RULES_FILE``, ``--rules``) overrides it.
"""

from __future__ import annotations

import csv
import hashlib
import math
import operator
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from talentflow.attrition.features import EXTRA, FEATURES
from talentflow.core.config import Settings

OPERATORS = {
    "=": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
COLUMNS = (
    "rule_id",
    "condition_column",
    "operator",
    "threshold",
    "weight",
    "description",
    "suggested_action",
)
KNOWN_COLUMNS = frozenset((*FEATURES, *EXTRA))


SEED = "attrition_rules"
SEED_TABLE = f"hr_config.{SEED}"


def seed_file() -> Path:
    """The seed's CSV in the dbt project (what ``dbt seed`` loads into ``SEED_TABLE``)."""
    from talentflow.warehouse_build.dbt_project import project_dir

    return project_dir() / "seeds" / f"{SEED}.csv"


@dataclass(frozen=True)
class Condition:
    column: str
    op: str
    threshold: float | bool | str

    def holds(self, value) -> bool:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return False  # unknown never matches: a rule fires on evidence, not on a gap
        if isinstance(self.threshold, bool):
            value = value if isinstance(value, bool | np.bool_) else str(value).lower() in ("true", "t", "1")
        elif isinstance(self.threshold, float):
            value = float(value)
        return bool(OPERATORS[self.op](value, self.threshold))

    def mask(self, frame: pd.DataFrame) -> np.ndarray:
        return np.array([self.holds(v) for v in frame[self.column].tolist()], dtype=bool)

    def text(self) -> str:
        value = (
            str(self.threshold).lower()
            if isinstance(self.threshold, bool)
            else f"{self.threshold:g}"
            if isinstance(self.threshold, float)
            else self.threshold
        )
        return f"{self.column} {self.op} {value}"


@dataclass(frozen=True)
class Rule:
    rule_id: str
    weight: float
    description: str
    suggested_action: str
    conditions: tuple[Condition, ...]

    @property
    def columns(self) -> list[str]:
        return [c.column for c in self.conditions]


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]
    version: str
    source: str

    def __iter__(self):
        return iter(self.rules)

    @property
    def max_score(self) -> float:
        return float(sum(r.weight for r in self.rules))


class RulesError(ValueError):
    """The rules seed is malformed; the message names the file, row and what to fix."""


def _threshold(raw: str, where: str) -> float | bool | str:
    text = raw.strip()
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    try:
        return float(text)
    except ValueError:
        if not text:
            raise RulesError(f"{where}: threshold is empty") from None
        return text


def parse_rules(rows: Iterable[Mapping[str, str]], source: str = "attrition_rules.csv") -> RuleSet:
    """Rules from seed rows; every problem is reported with its row number (header = row 1)."""
    grouped: dict[str, dict] = {}
    blob = []
    for n, row in enumerate(rows, start=2):
        where = f"{source} row {n}"
        missing = [c for c in COLUMNS if c not in row]
        if missing:
            raise RulesError(f"{source}: missing columns {missing} (expected {', '.join(COLUMNS)})")
        rule_id = (row["rule_id"] or "").strip()
        column = (row["condition_column"] or "").strip()
        op = (row["operator"] or "").strip()
        if not rule_id:
            raise RulesError(f"{where}: rule_id is empty")
        if column not in KNOWN_COLUMNS:
            raise RulesError(
                f"{where}: rule '{rule_id}' tests unknown column '{column}' "
                f"(known: {', '.join(sorted(KNOWN_COLUMNS))})"
            )
        if op not in OPERATORS:
            raise RulesError(
                f"{where}: rule '{rule_id}' has operator '{op}'; use one of {' '.join(OPERATORS)}"
            )
        threshold = _threshold(row["threshold"] or "", where)
        if isinstance(threshold, bool | str) and op not in ("=", "!="):
            raise RulesError(
                f"{where}: rule '{rule_id}' compares '{threshold}' with '{op}'; only = and != "
                "work for flags and text"
            )
        try:
            weight = float(row["weight"])
        except (TypeError, ValueError):
            raise RulesError(f"{where}: rule '{rule_id}' weight '{row['weight']}' is not a number") from None
        rule = grouped.setdefault(
            rule_id,
            {
                "weight": weight,
                "description": (row["description"] or "").strip(),
                "suggested_action": (row["suggested_action"] or "").strip(),
                "conditions": [],
            },
        )
        if weight != rule["weight"]:
            raise RulesError(
                f"{where}: rule '{rule_id}' has weight {weight:g} here and {rule['weight']:g} on "
                "an earlier row; a rule has one weight"
            )
        rule["conditions"].append(Condition(column, op, threshold))
        blob.append(
            [rule_id, column, op, str(threshold), weight, rule["description"], rule["suggested_action"]]
        )
    if not grouped:
        raise RulesError(f"{source}: no rules")
    rules = tuple(
        Rule(rid, g["weight"], g["description"] or rid, g["suggested_action"], tuple(g["conditions"]))
        for rid, g in grouped.items()
    )
    version = "rules-" + hashlib.sha256(repr(blob).encode()).hexdigest()[:10]
    return RuleSet(rules, version, source)


def load_rules(path: Path | str | None = None, settings: Settings | None = None) -> RuleSet:
    """The rules in ``path`` when given, else the seeded table in the warehouse."""
    if path is None:
        from talentflow.warehouse_build.seeds import read_seed

        return parse_rules(read_seed(SEED_TABLE, COLUMNS, settings), SEED_TABLE)
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"attrition rules file not found: {path}")
    with path.open(newline="", encoding="utf-8") as fh:
        return parse_rules(csv.DictReader(fh), path.name)


@dataclass
class RuleScores:
    scores: np.ndarray  # rules score per row
    reasons: list[list[dict]]  # per row: the matching rules, highest weight first


def evaluate(rules: RuleSet, frame: pd.DataFrame) -> RuleScores:
    """Score every row of ``frame`` (columns of marts.attrition_features) with ``rules``."""
    n = len(frame)
    scores = np.zeros(n)
    reasons: list[list[dict]] = [[] for _ in range(n)]
    for rule in sorted(rules, key=lambda r: -r.weight):
        missing = [c for c in rule.columns if c not in frame.columns]
        if missing:
            raise RulesError(f"rule '{rule.rule_id}' needs columns {missing} that the rows do not have")
        matched = np.ones(n, dtype=bool)
        for cond in rule.conditions:
            matched &= cond.mask(frame)
        scores += matched * rule.weight
        for i in np.flatnonzero(matched):
            row = frame.iloc[i]
            reasons[i].append(
                {
                    "rule_id": rule.rule_id,
                    "weight": rule.weight,
                    "description": rule.description,
                    "suggested_action": rule.suggested_action,
                    "evidence": {c: _plain(row[c]) for c in dict.fromkeys(rule.columns)},
                }
            )
    return RuleScores(scores, reasons)


def _plain(value):
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value
