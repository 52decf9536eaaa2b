"""Stable ids: derived from the client and the HR system's own id, so a re-push finds the same record."""

from __future__ import annotations

import hashlib
import uuid


def derived(prefix: str, client_id: str, external_id: str) -> str:
    return f"{prefix}_{hashlib.sha256(f'{client_id}:{external_id}'.encode()).hexdigest()[:16]}"


def new(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:16]}"
