"""The two kinds of error a person can act on; the CLI prints either as one line and exits 2."""

from __future__ import annotations


class UserError(Exception):
    """Bad input or environment a user can fix (a wrong path, a busy port, a missing package)."""


class ConfigError(RuntimeError):
    """A setting is missing or wrong; the message names the setting and what to do."""
