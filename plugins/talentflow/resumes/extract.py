"""Text out of a resume file: PDF (layout-aware), DOCX (tables included), TXT (any charset), ATS JSON.

A file that cannot be read raises :class:`UnreadableResume` with a stable ``reason_code``; the DAG
quarantines the file with that reason and carries on with the rest of the batch.

Decompression bombs are refused before python-docx or pdfminer touch a file, by the checks in
:mod:`talentflow.resumes.limits` (``TALENTFLOW_RESUME_*`` settings).
"""

from __future__ import annotations

import io
import json
import re
import time
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

from talentflow.resumes.columns import layout_words, order_columns, split_text_columns
from talentflow.resumes.limits import (
    ExtractLimits,
    UnreadableResume,
    check_docx_package,
    check_pdf_streams,
    check_text_size,
    check_time,
    deadline,
)

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
"""Files above this are rejected as ``too_large`` (a resume is rarely above 2 MB)."""

MIN_TEXT_CHARS = 40
"""Less extractable text than this is ``empty`` (for PDFs usually a scan without a text layer)."""

SUPPORTED_SUFFIXES = {".pdf": "pdf", ".docx": "docx", ".txt": "txt", ".text": "txt", ".json": "json"}

Format = Literal["pdf", "docx", "txt", "json"]

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


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
    document_date: date | None = None
    """When the file says it was last written (PDF ModDate/CreationDate, DOCX core properties)."""


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
    source: Path | str | bytes,
    filename: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    limits: ExtractLimits | None = None,
) -> ExtractedDocument:
    """Read one resume and return its text; raise :class:`UnreadableResume` when it cannot be read.

    ``limits`` default to the settings (:meth:`ExtractLimits.from_settings`)."""
    data, name = read_source(source, filename, max_bytes)
    if not data.strip():
        raise UnreadableResume("empty", "the file is empty", name)
    lim = limits or ExtractLimits.from_settings()
    fmt = detect_format(data, name)
    reader = {"pdf": _pdf, "docx": _docx, "txt": _txt, "json": _json}[fmt]
    with deadline(lim.parse_timeout_s, name):
        doc = reader(data, name, lim)
    if len(doc.text) > lim.max_text_chars:
        raise UnreadableResume(
            "too_much_text",
            f"{len(doc.text):,} characters of text; the limit is {lim.max_text_chars:,}",
            name,
        )
    if len("".join(doc.text.split())) < MIN_TEXT_CHARS and not doc.structured:
        hint = " (a scanned image without a text layer? OCR is not supported)" if fmt == "pdf" else ""
        raise UnreadableResume("empty", f"no readable text{hint}", name)
    return doc


# ---- PDF ---------------------------------------------------------------------------------------------


def _pdf(data: bytes, name: str, limits: ExtractLimits) -> ExtractedDocument:
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    start = time.monotonic()
    if b"%PDF" not in data[:1024]:
        raise UnreadableResume("corrupt", "not a PDF (no %PDF header)", name)
    if _pdf_needs_password(data):
        raise UnreadableResume(
            "encrypted", "the PDF is password-protected; ask for an unprotected copy", name
        )
    check_pdf_streams(data, limits, name)
    pages_text: list[str] = []
    columns: list[int] = []
    document_date = None
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            document_date = _pdf_date(pdf.metadata)
            # The page tree is read without the pages' content: count first, lay out after.
            npages = len(pdf.pages)
            if npages > limits.max_pages:
                raise UnreadableResume(
                    "too_many_pages", f"{npages:,} pages; the limit is {limits.max_pages:,}", name
                )
            for page in pdf.pages:
                check_time(start, limits, name)
                nchars = len(page.chars)
                if nchars > limits.max_page_chars:
                    raise UnreadableResume(
                        "too_much_text",
                        f"page {page.page_number} holds {nchars:,} characters; "
                        f"the limit is {limits.max_page_chars:,}",
                        name,
                    )
                words = page.extract_words(x_tolerance=1.5, y_tolerance=3, keep_blank_chars=False)
                text, ncols = layout_words(words, float(page.width))
                pages_text.append(text)
                columns.append(ncols)
                page.flush_cache()
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
    return ExtractedDocument(
        "\n\n".join(pages_text),
        "pdf",
        pages=len(pages_text),
        columns=columns,
        document_date=document_date,
    )


_PDF_DATE_RE = re.compile(r"(?:D:)?(\d{4})(\d{2})?(\d{2})?")


def _pdf_date(meta: dict[str, Any] | None) -> date | None:
    """The later of ModDate and CreationDate ("D:20190315120000+01'00'")."""
    found = []
    for key in ("ModDate", "CreationDate"):
        raw = (meta or {}).get(key)
        if isinstance(raw, bytes):
            raw = raw.decode("latin-1", "replace")
        m = _PDF_DATE_RE.match(str(raw or "").strip())
        if m:
            try:
                found.append(date(int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1)))
            except ValueError:
                continue
    return _plausible(max(found)) if found else None


def _plausible(d: date | datetime | None) -> date | None:
    """A file date is believed only between 1990 and today (tools write 1601, 1980 or the future)."""
    if d is None:
        return None
    d = d.date() if isinstance(d, datetime) else d
    return d if date(1990, 1, 1) <= d <= date.today() else None


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


# ---- DOCX --------------------------------------------------------------------------------------------


def _docx(data: bytes, name: str, limits: ExtractLimits) -> ExtractedDocument:
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
    check_docx_package(data, limits, name)
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
    try:
        props = document.core_properties
        document_date = _plausible(props.modified or props.created)
    except Exception:  # a damaged core.xml costs the date only
        document_date = None
    return ExtractedDocument("\n".join(lines), "docx", document_date=document_date)


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


def _txt(data: bytes, name: str, limits: ExtractLimits) -> ExtractedDocument:
    text, ncols = split_text_columns(check_text_size(decode_text(data, name), limits, name))
    return ExtractedDocument(text, "txt", columns=[ncols])


# ---- ATS JSON ----------------------------------------------------------------------------------------


def _json(data: bytes, name: str, limits: ExtractLimits) -> ExtractedDocument:
    text = check_text_size(decode_text(data, name), limits, name)
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
