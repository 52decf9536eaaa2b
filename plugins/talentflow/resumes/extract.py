"""Text out of a resume file: PDF (layout-aware), DOCX (tables included), TXT (any charset), ATS JSON.

A file that cannot be read raises :class:`UnreadableResume` with a stable ``reason_code``; the DAG
quarantines the file with that reason and carries on with the rest of the batch.

Decompression bombs: a DOCX is a zip and a PDF holds Flate streams, so a small file can inflate to
gigabytes. :class:`ExtractLimits` (from the ``TALENTFLOW_RESUME_*`` settings) are checked on what the
file *declares and inflates to* before python-docx or pdfminer touch it, and pages, characters and
time are capped while reading.
"""

from __future__ import annotations

import io
import json
import re
import signal
import threading
import time
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

from talentflow.resumes.columns import layout_words, order_columns, split_text_columns

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
"""Files above this are rejected as ``too_large`` (a resume is rarely above 2 MB)."""

MIN_TEXT_CHARS = 40
"""Less extractable text than this is ``empty`` (for PDFs usually a scan without a text layer)."""

SUPPORTED_SUFFIXES = {".pdf": "pdf", ".docx": "docx", ".txt": "txt", ".text": "txt", ".json": "json"}

ReasonCode = Literal[
    "corrupt",
    "encrypted",
    "empty",
    "too_large",
    "unsupported_type",
    "undecodable",
    "missing",
    # limits on what a file inflates to and costs to read (decompression bombs)
    "too_large_uncompressed",
    "too_many_entries",
    "compression_ratio",
    "too_large_xml",
    "xml_too_deep",
    "xml_entities",
    "too_many_pages",
    "too_much_text",
    "parse_timeout",
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


@dataclass(frozen=True)
class ExtractLimits:
    """What reading one resume may cost; defaults match the ``TALENTFLOW_RESUME_*`` settings."""

    max_uncompressed_bytes: int = 50 * 1024 * 1024
    max_zip_entries: int = 1000
    max_compression_ratio: float = 100.0
    max_xml_bytes: int = 16 * 1024 * 1024
    max_xml_depth: int = 200
    max_pages: int = 50
    max_page_chars: int = 100_000
    max_text_chars: int = 1_000_000
    parse_timeout_s: float = 30.0

    @classmethod
    def from_settings(cls, settings: Any = None) -> ExtractLimits:
        from talentflow.core.config import get_settings

        s = settings or get_settings()
        return cls(
            max_uncompressed_bytes=s.resume_max_uncompressed_bytes,
            max_zip_entries=s.resume_max_zip_entries,
            max_compression_ratio=s.resume_max_compression_ratio,
            max_xml_bytes=s.resume_max_xml_bytes,
            max_xml_depth=s.resume_max_xml_depth,
            max_pages=s.resume_max_pages,
            max_page_chars=s.resume_max_page_chars,
            max_text_chars=s.resume_max_text_chars,
            parse_timeout_s=s.resume_parse_timeout_s,
        )


_RATIO_MIN_ENTRY = 1024 * 1024
"""Entries smaller than this inflate too little to matter, whatever their ratio (tiny XML parts of
repeated markup reach ratios of 100 and more)."""


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
    with _deadline(lim.parse_timeout_s, name):
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


class _ParseTimeout(BaseException):
    """Raised by the alarm inside a library's parsing loop; a BaseException so that the libraries'
    ``except Exception`` clauses cannot swallow it."""


@contextmanager
def _deadline(seconds: float, name: str) -> Iterator[float]:
    """Hard time limit on reading one file: SIGALRM where we can (the main thread, no timer already
    set), and the readers' own checks between pages and parts everywhere (see :func:`_check_time`)."""
    start = time.monotonic()
    use_alarm = threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")
    if use_alarm and signal.getitimer(signal.ITIMER_REAL)[0] > 0:
        use_alarm = False  # someone else's timer: do not replace it

    def on_alarm(signum, frame):  # noqa: ARG001
        raise _ParseTimeout

    previous = signal.signal(signal.SIGALRM, on_alarm) if use_alarm else None
    if use_alarm:
        signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield start
    except _ParseTimeout:
        raise UnreadableResume(
            "parse_timeout", f"reading the file took over {seconds:g} s (the limit)", name
        ) from None
    finally:
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)


def _check_time(start: float, limits: ExtractLimits, name: str) -> None:
    elapsed = time.monotonic() - start
    if elapsed > limits.parse_timeout_s:
        raise UnreadableResume(
            "parse_timeout", f"reading the file took over {limits.parse_timeout_s:g} s (the limit)", name
        )


# ---- PDF ---------------------------------------------------------------------------------------------

_STREAM_RE = re.compile(rb"stream\r?\n")


def check_pdf_streams(data: bytes, limits: ExtractLimits, name: str) -> None:
    """Inflate every Flate stream of the file into a bounded buffer and refuse the file when they add
    up to more than the limit: pdfminer inflates each stream whole in memory, with no cap of its own.
    Streams that are not zlib data (images, other filters) are skipped at their first bytes."""
    budget = limits.max_uncompressed_bytes
    total = 0
    pos = 0
    while True:
        m = _STREAM_RE.search(data, pos)
        if m is None:
            return
        begin = m.end()
        end = data.find(b"endstream", begin)
        if end < 0:
            end = len(data)
        pos = end
        inflater = zlib.decompressobj()
        chunk = data[begin:end]
        try:
            out = inflater.decompress(chunk, budget - total + 1)
            total += len(out)
            while inflater.unconsumed_tail and total <= budget:
                out = inflater.decompress(inflater.unconsumed_tail, budget - total + 1)
                if not out:
                    break
                total += len(out)
        except zlib.error:
            continue
        if total > budget:
            raise UnreadableResume(
                "too_large_uncompressed",
                f"the PDF's compressed streams inflate to over {budget:,} bytes (the limit)",
                name,
            )


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
                _check_time(start, limits, name)
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


def check_docx_package(data: bytes, limits: ExtractLimits, name: str) -> None:
    """Refuse a zip bomb from its central directory, before anything is inflated: entry count, total
    declared size, per-entry ratio and XML part size; then stream the XML parts through a pull
    parser (bounded by the size checks) for nesting depth and entity declarations.

    zipfile stops inflating an entry at its declared size (and fails on the CRC), so a central
    directory that lies about sizes cannot get past these checks."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            if len(infos) > limits.max_zip_entries:
                raise UnreadableResume(
                    "too_many_entries",
                    f"the DOCX package holds {len(infos):,} entries; the limit is {limits.max_zip_entries:,}",
                    name,
                )
            total = sum(i.file_size for i in infos)
            if total > limits.max_uncompressed_bytes:
                raise UnreadableResume(
                    "too_large_uncompressed",
                    f"the DOCX inflates to {total:,} bytes; the limit is {limits.max_uncompressed_bytes:,}",
                    name,
                )
            for info in infos:
                if info.file_size > _RATIO_MIN_ENTRY:
                    ratio = info.file_size / max(1, info.compress_size)
                    if ratio > limits.max_compression_ratio:
                        raise UnreadableResume(
                            "compression_ratio",
                            f"entry {info.filename!r} inflates {ratio:,.0f}-fold; "
                            f"the limit is {limits.max_compression_ratio:g}",
                            name,
                        )
                if (
                    info.filename.lower().endswith((".xml", ".rels"))
                    and info.file_size > limits.max_xml_bytes
                ):
                    raise UnreadableResume(
                        "too_large_xml",
                        f"XML part {info.filename!r} is {info.file_size:,} bytes; "
                        f"the limit is {limits.max_xml_bytes:,}",
                        name,
                    )
            for info in infos:
                if _WALKED_PART.match(info.filename):
                    with zf.open(info) as part:
                        _check_xml_part(part, info.filename, limits, name)
                elif info.filename.lower().endswith((".xml", ".rels")):
                    with zf.open(info) as part:
                        _check_no_dtd(part.read(_PROLOG_BYTES), info.filename, name)
    except UnreadableResume:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, NotImplementedError) as exc:
        raise UnreadableResume("corrupt", f"damaged DOCX ({type(exc).__name__}: {exc})"[:300], name) from exc


_WALKED_PART = re.compile(r"^word/(?:document|header\d*|footer\d*)\.xml$", re.IGNORECASE)
"""The parts whose elements our reader walks recursively (nested tables): their depth is checked. The
others (styles, theme, settings) only pass through lxml, whose parser stops at 256 levels itself."""
_PROLOG_BYTES = 64 * 1024


def _check_no_dtd(head: bytes, part: str, name: str) -> None:
    """A DTD can only stand before the root element: an OOXML part never has one, and one that does
    is an entity-expansion attempt."""
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        raise UnreadableResume("xml_entities", f"XML part {part!r} declares a DTD", name)


def _check_xml_part(stream: Any, part: str, limits: ExtractLimits, name: str) -> None:
    from lxml import etree

    depth = 0
    first = True
    try:
        for event, elem in etree.iterparse(
            stream, events=("start", "end"), resolve_entities=False, no_network=True, huge_tree=False
        ):
            if event == "start":
                if first:
                    first = False
                    # an OOXML part never has a DTD; one that does is an entity-expansion attempt
                    if elem.getroottree().docinfo.internalDTD is not None:
                        raise UnreadableResume("xml_entities", f"XML part {part!r} declares a DTD", name)
                depth += 1
                if depth > limits.max_xml_depth:
                    raise UnreadableResume(
                        "xml_too_deep",
                        f"XML part {part!r} nests deeper than {limits.max_xml_depth} elements",
                        name,
                    )
            else:
                depth -= 1
                elem.clear()  # only the depth is wanted: keep memory flat
    except etree.XMLSyntaxError as exc:
        raise UnreadableResume("corrupt", f"damaged DOCX part {part!r}: {exc}"[:300], name) from exc


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


def _check_text_size(text: str, limits: ExtractLimits, name: str) -> str:
    """The decoded text's size, checked before the layout work on it."""
    if len(text) > limits.max_text_chars:
        raise UnreadableResume(
            "too_much_text", f"{len(text):,} characters of text; the limit is {limits.max_text_chars:,}", name
        )
    return text


def _txt(data: bytes, name: str, limits: ExtractLimits) -> ExtractedDocument:
    text, ncols = split_text_columns(_check_text_size(decode_text(data, name), limits, name))
    return ExtractedDocument(text, "txt", columns=[ncols])


# ---- ATS JSON ----------------------------------------------------------------------------------------


def _json(data: bytes, name: str, limits: ExtractLimits) -> ExtractedDocument:
    text = _check_text_size(decode_text(data, name), limits, name)
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
