"""Two-column resumes read column by column: PDF words laid out into lines with the gutter between
columns found from word positions, and space-aligned columns in plain text split the same way. A
sidebar (contact, skills) comes after the main column unless it holds the resume's first heading."""

from __future__ import annotations

import statistics
from dataclasses import dataclass


@dataclass
class _Line:
    top: float
    bottom: float
    words: list[dict]

    @property
    def x0(self) -> float:
        return min(w["x0"] for w in self.words)

    @property
    def x1(self) -> float:
        return max(w["x1"] for w in self.words)


def _group_lines(words: list[dict], y_tol: float = 3.0) -> list[_Line]:
    lines: list[_Line] = []
    for w in sorted(words, key=lambda w: (round(w["top"], 1), w["x0"])):
        if lines and abs(w["top"] - lines[-1].top) <= y_tol:
            lines[-1].words.append(w)
            lines[-1].bottom = max(lines[-1].bottom, w["bottom"])
        else:
            lines.append(_Line(w["top"], w["bottom"], [w]))
    for line in lines:
        line.words.sort(key=lambda w: w["x0"])
    return lines


def _line_text(words: list[dict]) -> str:
    """Words joined by spaces; a gap wider than ~3 characters becomes a tab (a visual column)."""
    if not words:
        return ""
    heights = [w["bottom"] - w["top"] for w in words]
    gap_limit = 1.5 * statistics.median(heights)
    parts = [words[0]["text"]]
    for prev, cur in zip(words, words[1:], strict=False):
        parts.append("\t" if cur["x0"] - prev["x1"] > gap_limit else " ")
        parts.append(cur["text"])
    return "".join(parts)


def _find_gutter(lines: list[_Line], width: float) -> float | None:
    """The x of a vertical gutter between two text columns, or None for a one-column page.

    A gutter is an empty vertical strip that (almost) no line crosses, with text on both sides.
    Right-aligned dates or places in a one-column resume also leave such a strip, so the right side
    must hold more than dates and places.
    """
    import numpy as np

    if len(lines) < 6:
        return None
    step = 2.0
    xs = np.arange(width * 0.12, width * 0.88, step)
    crossing = np.zeros(len(xs), dtype=int)
    for ln in lines:
        covered = np.zeros(len(xs), dtype=bool)
        for w in ln.words:
            covered |= (xs > w["x0"]) & (xs < w["x1"])
        crossing += covered
    limit = max(1, int(0.2 * len(lines)))
    candidates: list[tuple[int, float, float]] = []  # (crossings, -width, centre)
    k = 0
    while k < len(xs):
        if crossing[k] > limit:
            k += 1
            continue
        j = k
        while j < len(xs) and crossing[j] <= limit:
            j += 1
        run = crossing[k:j]
        best = int(run.min())
        idx = np.flatnonzero(run <= best + 1)
        # the widest stretch at (about) the minimum inside this run
        groups = np.split(idx, np.flatnonzero(np.diff(idx) > 1) + 1)
        g = max(groups, key=len)
        strip = (len(g) - 1) * step
        if strip >= 6:
            candidates.append((best, -strip, float(xs[k + g[0]] + xs[k + g[-1]]) / 2))
        k = j
    for _, _, gutter in sorted(candidates):
        if _is_column_gutter(lines, gutter):
            return gutter
    return None


def _is_column_gutter(lines: list[_Line], gutter: float) -> bool:
    from talentflow.resumes.dates import looks_like_date_range

    left_chars = right_chars = 0
    right_segments: list[str] = []
    for ln in lines:
        if any(w["x0"] < gutter < w["x1"] for w in ln.words):
            continue
        left = [w for w in ln.words if w["x1"] <= gutter]
        right = [w for w in ln.words if w["x0"] >= gutter]
        left_chars += sum(len(w["text"]) for w in left)
        right_chars += sum(len(w["text"]) for w in right)
        if right:
            right_segments.append(" ".join(w["text"] for w in right))
    total = left_chars + right_chars
    if total == 0 or min(left_chars, right_chars) < 0.06 * total or len(right_segments) < 3:
        return False
    furniture = sum(1 for seg in right_segments if looks_like_date_range(seg) or _place_like(seg))
    return furniture <= 0.4 * len(right_segments)


def _place_like(segment: str) -> bool:
    """ "Seattle, WA", "London, UK", "Remote": the right-aligned place of a one-column job line."""
    import re

    seg = segment.strip()
    return len(seg.split()) <= 5 and bool(
        re.fullmatch(
            r"[A-Z][\w.'-]+(?: [A-Z][\w.'-]+){0,2},\s*[A-Z][\w.]+(?: [A-Z][\w]+)?|Remote|Hybrid", seg
        )
    )


def layout_words(words: list[dict], width: float) -> tuple[str, int]:
    """Page text in reading order: full-width lines as they come, two-column bands column by column."""
    lines = _group_lines(words)
    if not lines:
        return "", 1
    gutter = _find_gutter(lines, width)
    heights = [ln.bottom - ln.top for ln in lines]
    line_h = statistics.median(heights) if heights else 10.0

    def render(block: list[_Line]) -> list[str]:
        out: list[str] = []
        prev: _Line | None = None
        for ln in block:
            if prev is not None and ln.top - prev.bottom > 0.9 * line_h:
                out.append("")
            out.append(_line_text(ln.words))
            prev = ln
        return out

    if gutter is None:
        return "\n".join(render(lines)), 1
    out: list[str] = []
    band_left: list[_Line] = []
    band_right: list[_Line] = []

    def flush() -> None:
        if band_left or band_right:
            out.extend(order_columns(render(band_left), render(band_right)))
            out.append("")
        band_left.clear()
        band_right.clear()

    def full_width(ln: _Line) -> bool:
        """Crosses the gutter, or spans it with an ordinary word space (a centred name)."""
        if any(w["x0"] < gutter < w["x1"] for w in ln.words):
            return True
        left = [w for w in ln.words if w["x1"] <= gutter]
        right = [w for w in ln.words if w["x0"] >= gutter]
        if not left or not right:
            return False
        gap = min(w["x0"] for w in right) - max(w["x1"] for w in left)
        return gap < 1.2 * statistics.median(w["bottom"] - w["top"] for w in ln.words)

    first_row = next(
        (
            k
            for k, ln in enumerate(lines)
            if not full_width(ln)
            and any(w["x1"] <= gutter for w in ln.words)
            and any(w["x0"] >= gutter for w in ln.words)
        ),
        0,
    )
    for k, ln in enumerate(lines):
        if k < first_row or full_width(ln):
            flush()
            out.append(_line_text(ln.words))
            continue
        left = [w for w in ln.words if w["x1"] <= gutter]
        right = [w for w in ln.words if w["x0"] >= gutter]
        if left:
            band_left.append(_Line(ln.top, ln.bottom, left))
        if right:
            band_right.append(_Line(ln.top, ln.bottom, right))
    flush()
    return "\n".join(out), 2


def order_columns(left: list[str], right: list[str]) -> list[str]:
    """Two columns in reading order: left then right, except that lines heading a column before its
    first section heading (a name on top of the main column) come first: they are the header."""
    from talentflow.resumes.sections import heading_of

    def lead(lines: list[str]) -> int:
        for k, line in enumerate(lines):
            if heading_of(line):
                return k
        return 0

    nl, nr = lead(left), lead(right)
    return left[:nl] + right[:nr] + [""] + left[nl:] + [""] + right[nr:]


def split_text_columns(text: str) -> tuple[str, int]:
    """A plain-text resume laid out in two columns with spaces (a PDF exported as text): the
    right column starts at the same character position on many lines; read it column by column."""
    import re
    from collections import Counter

    lines = [ln.expandtabs(8).rstrip() for ln in text.split("\n")]
    nonblank = [ln for ln in lines if ln.strip()]
    if len(nonblank) < 8:
        return text, 1
    starts: Counter[int] = Counter()
    for ln in nonblank:
        for m in re.finditer(r"(?<=\S) {3,}(?=\S)|^ {12,}(?=\S)", ln):
            starts[m.end()] += 1
    if not starts:
        return text, 1
    col, hits = starts.most_common(1)[0]
    if hits < 0.3 * len(nonblank) or col < 12:
        return text, 1
    crossing = [ln for ln in nonblank if len(ln) > col and ln[col - 1] != " " and ln[col] != " "]
    right_segments = [
        ln[col:].strip() for ln in nonblank if len(ln) > col and ln[col - 1] == " " and ln[col:].strip()
    ]
    if len(crossing) > 0.15 * len(nonblank) or len(right_segments) < 0.3 * len(nonblank):
        return text, 1
    from talentflow.resumes.dates import looks_like_date_range

    if sum(1 for seg in right_segments if looks_like_date_range(seg) or _place_like(seg)) > 0.4 * len(
        right_segments
    ):
        return text, 1
    out: list[str] = []
    left: list[str] = []
    right: list[str] = []

    def flush() -> None:
        if left or right:
            out.extend(order_columns(left[:], right[:]))
        left.clear()
        right.clear()

    for ln in lines:
        if len(ln) > col and ln[col - 1] != " " and ln[col] != " ":
            flush()
            out.append(ln.strip())
            continue
        left.append(ln[:col].strip())
        if ln[col:].strip():
            right.append(ln[col:].strip())
    flush()
    return "\n".join(out), 2
