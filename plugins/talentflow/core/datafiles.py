"""YAML data files shipped inside a package (word lists, taxonomies, lexicons), read once per process."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml


@cache
def packaged_yaml(package: str, name: str) -> Any:
    """The parsed ``<package>/data/<name>`` (``yaml.safe_load``); callers must not mutate it."""
    return yaml.safe_load(resources.files(package).joinpath("data", name).read_text(encoding="utf-8"))
