"""Text out of a resume file: PDF (layout-aware), DOCX (tables included), TXT (any charset), ATS JSON.

A file that cannot be read raises :class:`UnreadableResume` with a stable ``reason_code``; the DAG
quarantines the file with that reason and carries on with the rest of the batch.
"""

from __future__ import annotations

import io
import json
import statistics
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
"""Files above this are rejected as ``too_large`` (a resume is rarely above 2 MB)."""

MIN_TEXT_CHARS = 40
"""Less extractable text than this is ``empty`` (for PDFs usually a scan without a text layer)."""

SUPPORTED_SUFFIXES = {".pdf": "pdf", ".docx": "docx", ".txt": "txt", ".text": "txt", ".json": "json"}

ReasonCode = Literal[
    "corrupt", "encrypted", "empty", "too_large", "unsupported_type", "undecodable", "missing"
]
Format = Literal["pdf", "docx", "txt", "json"]

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class UnreadableResume(Exception):
    """A resume file that cannot be read; ``reason_code`` is one of :data:`ReasonCode`."""

    def __init__(self, reason_code: ReasonCode, message: str, filename: str | None = None) -> None:
        self.reason_code = reason_code
        self.filename = filename
        self.message = message
        super().__init__(f"{filename}: {message}" if filename else message)

    def as_dict(self) -> dict[str, Any]:
        """The ``<key>.error.json`` body for quarantine."""
        return {"file": self.filename, "reason_code": self.reason_code, "message": self.message}


@dataclass
class ExtractedDocument:
    text: str
    """Raw extracted text (not yet normalised); large horizontal gaps are tabs."""
    format: Format
    structured: dict[str, Any] | None = None
    """The parsed JSON object for ATS exports."""
    pages: int = 1
    columns: list[int] = field(default_factory=list)
    """Per PDF page, how many text columns were read (1 or 2)."""


def read_source(source: Path | str | bytes, filename: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES):
    """(bytes, filename) of a path or of in-memory bytes, enforcing the size limit before reading."""
    if isinstance(source, bytes | bytearray):
        data = bytes(source)
        name = filename or "<bytes>"
    else:
        path = Path(source)
        name = filename or path.name
        if not path.exists():
            raise FileNotFoundError(f"{path}: no such file")
        if not path.is_file():
            raise UnreadableResume("unsupported_type", "not a regular file", name)
        size = path.stat().st_size
        if size > max_bytes:
            raise UnreadableResume("too_large", f"{size} bytes is over the limit of {max_bytes}", name)
        data = path.read_bytes()
    if len(data) > max_bytes:
        raise UnreadableResume("too_large", f"{len(data)} bytes is over the limit of {max_bytes}", name)
    return data, name


def detect_format(data: bytes, filename: str) -> Format:
    """The format from the file name, checked against the content; unknown types are rejected."""
    suffix = Path(filename).suffix.lower()
    if suffix in SUPPORTED_SUFFIXES:
        return SUPPORTED_SUFFIXES[suffix]  # type: ignore[return-value]
    if suffix:
        raise UnreadableResume(
            "unsupported_type",
            f"'{suffix}' files are not supported (send PDF, DOCX, TXT or ATS JSON)",
            filename,
        )
    head = data[:1024].lstrip()
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK"):
        return "docx"
    if head[:1] in (b"{", b"["):
        return "json"
    return "txt"


def extract_document(
    source: Path | str | bytes, filename: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES
) -> ExtractedDocument:
    """Read one resume and return its text; raise :class:`UnreadableResume` when it cannot be read."""
    data, name = read_source(source, filename, max_bytes)
    if not data.strip():
        raise UnreadableResume("empty", "the file is empty", name)
    fmt = detect_format(data, name)
    reader = {"pdf": _pdf, "docx": _docx, "txt": _txt, "json": _json}[fmt]
    doc = reader(data, name)
    if len("".join(doc.text.split())) < MIN_TEXT_CHARS and not doc.structured:
        hint = " (a scanned image without a text layer? OCR is not supported)" if fmt == "pdf" else ""
        raise UnreadableResume("empty", f"no readable text{hint}", name)
    return doc


# ---- PDF ---------------------------------------------------------------------------------------------


def _pdf(data: bytes, name: str) -> ExtractedDocument:
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    if b"%PDF" not in data[:1024]:
        raise UnreadableResume("corrupt", "not a PDF (no %PDF header)", name)
    if _pdf_needs_password(data):
        raise UnreadableResume(
            "encrypted", "the PDF is password-protected; ask for an unprotected copy", name
        )
    pages_text: list[str] = []
    columns: list[int] = []
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for page in pdf.pages:
                words = page.extract_words(x_tolerance=1.5, y_tolerance=3, keep_blank_chars=False)
                text, ncols = layout_words(words, float(page.width))
                pages_text.append(text)
                columns.append(ncols)
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise UnreadableResume(
            "encrypted", f"the PDF is password-protected ({type(exc).__name__})", name
        ) from exc
    except UnreadableResume:
        raise
    except Exception as exc:  # pdfminer raises many unrelated types for damaged files
        if "password" in str(exc).lower() or "encrypt" in str(exc).lower():
            raise UnreadableResume("encrypted", f"the PDF is password-protected: {exc}", name) from exc
        raise UnreadableResume("corrupt", f"damaged PDF ({type(exc).__name__}: {exc})"[:300], name) from exc
    return ExtractedDocument("\n\n".join(pages_text), "pdf", pages=len(pages_text), columns=columns)


def _pdf_needs_password(data: bytes) -> bool:
    """True for a PDF that opens only with a user password (owner-only protection reads fine)."""
    if b"/Encrypt" not in data:
        return False
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        return bool(reader.is_encrypted) and not reader.decrypt("")
    except Exception:  # damaged files are judged by the text extractor below
        return False


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


# ---- DOCX --------------------------------------------------------------------------------------------


def _docx(data: bytes, name: str) -> ExtractedDocument:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    if data.startswith(_OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise UnreadableResume("encrypted", "the DOCX is password-protected", name)
        raise UnreadableResume(
            "unsupported_type", "this is a legacy Word .doc file, not DOCX; save it as DOCX or PDF", name
        )
    if not data.startswith(b"PK"):
        raise UnreadableResume("corrupt", "not a DOCX (not a ZIP package)", name)
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError) as exc:
        raise UnreadableResume("corrupt", f"damaged DOCX ({type(exc).__name__}: {exc})"[:300], name) from exc
    except Exception as exc:  # lxml errors inside the package
        raise UnreadableResume("corrupt", f"damaged DOCX ({type(exc).__name__}: {exc})"[:300], name) from exc
    lines: list[str] = []
    try:
        for section in document.sections[:1]:
            for par in section.header.paragraphs:
                if par.text.strip():
                    lines.append(par.text)
    except Exception:  # a header we cannot read is not worth losing the body for
        pass
    _docx_block(document, lines)
    return ExtractedDocument("\n".join(lines), "docx")


def _docx_block(container: Any, lines: list[str]) -> None:
    """Paragraphs and tables of ``container`` in document order."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for item in container.iter_inner_content():
        if isinstance(item, Paragraph):
            text = item.text
            if not text.strip():
                lines.append("")
                continue
            ppr = item._p.pPr
            is_list = (ppr is not None and ppr.numPr is not None) or "list" in (item.style.name or "").lower()
            lines.append(f"- {text}" if is_list else text)
        elif isinstance(item, Table):
            _docx_table(item, lines)


def _docx_table(table: Any, lines: list[str]) -> None:
    """A table of short cells reads row by row (cells tab-separated); a layout table (a sidebar and a
    main column in big cells) reads cell by cell so each column stays whole."""
    for row in table.rows:
        cells = []
        seen = set()
        for cell in row.cells:
            if id(cell._tc) in seen:  # merged cells repeat
                continue
            seen.add(id(cell._tc))
            cells.append(cell)
        is_layout = any(len(c.paragraphs) > 1 or c.tables for c in cells)
        if is_layout:
            columns: list[list[str]] = []
            for cell in cells:
                column: list[str] = []
                _docx_block(cell, column)
                columns.append(column)
            if len(columns) == 2:
                lines.extend(order_columns(columns[0], columns[1]))
            else:
                for column in columns:
                    lines.extend(column + [""])
        else:
            lines.append("\t".join(c.text.strip() for c in cells if c.text.strip()))


# ---- TXT ---------------------------------------------------------------------------------------------


def decode_text(data: bytes, name: str) -> str:
    """Bytes to str: BOMs and UTF-8 first, then charset detection; garbage is ``undecodable``."""
    for bom, enc in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(enc)
            except UnicodeDecodeError as exc:
                raise UnreadableResume("undecodable", f"invalid {enc} text: {exc}", name) from exc
    if b"\x00" in data:
        raise UnreadableResume("undecodable", "binary content (NUL bytes) in a text file", name)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        if best is None:
            raise UnreadableResume("undecodable", "the text encoding could not be determined", name) from None
        text = str(best)
    bad = sum(1 for ch in text if (ord(ch) < 32 and ch not in "\t\n\r\f") or ch == "\ufffd")
    if bad > max(3, 0.02 * len(text)):
        raise UnreadableResume("undecodable", "the file is not text (too many control characters)", name)
    return text


def _txt(data: bytes, name: str) -> ExtractedDocument:
    text, ncols = split_text_columns(decode_text(data, name))
    return ExtractedDocument(text, "txt", columns=[ncols])


# ---- ATS JSON ----------------------------------------------------------------------------------------


def _json(data: bytes, name: str) -> ExtractedDocument:
    text = decode_text(data, name)
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UnreadableResume("corrupt", f"invalid JSON: {exc}", name) from exc
    if isinstance(obj, list) and len(obj) == 1:
        obj = obj[0]
    if not isinstance(obj, dict):
        raise UnreadableResume("unsupported_type", "ATS JSON must be one object per file", name)
    from talentflow.resumes.ats import render_text

    rendered = render_text(obj)
    if len("".join(rendered.split())) < MIN_TEXT_CHARS:
        raise UnreadableResume("empty", "the ATS record has no resume content", name)
    return ExtractedDocument(rendered, "json", structured=obj)
