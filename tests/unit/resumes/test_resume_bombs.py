"""Decompression bombs and files that cost too much to read are refused quickly, with a reason code,
before the expensive work and at bounded memory (issue 19, finding 5). The bombs are built here."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from talentflow.resumes.extract import ExtractLimits, UnreadableResume
from talentflow.resumes.parse import parse_batch, parse_resume

from .conftest import FIXTURES

REPO = Path(__file__).resolve().parents[3]
TALENTFLOW = REPO / ".venv" / "bin" / "talentflow"
MiB = 1024 * 1024


def _docx_bytes(body_xml: str, extra: dict[str, bytes] | None = None) -> bytes:
    """A minimal valid DOCX (python-docx opens it) with ``body_xml`` inside <w:body>."""
    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
        ),
        "word/document.xml": f'<?xml version="1.0" encoding="UTF-8"?><w:document {ns}><w:body>{body_xml}'
        "</w:body></w:document>",
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name, text in parts.items():
            zf.writestr(name, text)
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    return buf.getvalue()


def _para(text: str) -> str:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


GOOD_BODY = "".join(
    _para(t)
    for t in (
        "Jane Example",
        "jane@example.com | +1 555 010 2000",
        "Experience",
        "Data Engineer, Acme Corp, Jan 2019 - Mar 2022",
        "Built Python and SQL pipelines.",
        "Education",
        "B.Sc. Computer Science, State University, 2018",
    )
)


def docx_paragraph_bomb(uncompressed_mb: int = 120) -> bytes:
    """One paragraph of ``uncompressed_mb`` MB of repeated text: a few hundred KB on disk."""
    chunk = "A" * (1 * MiB)
    return _docx_bytes(GOOD_BODY + "<w:p><w:r><w:t>" + chunk * uncompressed_mb + "</w:t></w:r></w:p>")


def docx_many_entries(n: int = 5000) -> bytes:
    return _docx_bytes(GOOD_BODY, {f"word/media/x{i}.bin": b"x" for i in range(n)})


def docx_deep_xml(depth: int = 5000) -> bytes:
    return _docx_bytes(GOOD_BODY + "<w:sdt>" * depth + "</w:sdt>" * depth)


def pdf_pages(n: int) -> bytes:
    """A PDF of ``n`` pages with a line of text each (pypdf writes it, fpdf-free)."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    font_ref = writer._add_object(font)
    for i in range(n):
        page = writer.add_blank_page(612, 792)
        stream = DecodedStreamObject()
        stream.set_data(f"BT /F1 12 Tf 72 720 Td (Page {i} Jane Example resume text) Tj ET".encode())
        page[NameObject("/Contents")] = writer._add_object(stream)
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font_ref})}
        )
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def pdf_flate_bomb(uncompressed_mb: int = 200) -> bytes:
    """A one-page PDF whose content stream inflates to ``uncompressed_mb`` MB (pdfminer would hold
    all of it in memory)."""
    import zlib

    comp = zlib.compressobj(9)
    body = b"".join(comp.compress(b" " * MiB) for _ in range(uncompressed_mb)) + comp.flush()
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(body) + body + b"\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objs, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + obj + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref))
    return out.getvalue()


def _rejects(data: bytes, name: str, code: str, limits: ExtractLimits | None = None, max_s: float = 5.0):
    start = time.monotonic()
    with pytest.raises(UnreadableResume) as info:
        parse_resume(data, name, limits=limits or ExtractLimits())
    took = time.monotonic() - start
    assert info.value.reason_code == code, info.value.message
    assert info.value.as_dict()["reason_code"] == code
    # generous bound: the point is "seconds, not minutes" (the bomb of issue 19 took 4 min 50 s)
    assert took < max_s, f"{name} took {took:.1f}s to refuse"
    return info.value


def test_docx_paragraph_bomb_refused_from_the_zip_directory():
    bomb = docx_paragraph_bomb(120)
    assert len(bomb) < 1 * MiB  # small on disk, like the 369 KB file
    err = _rejects(bomb, "bomb.docx", "too_large_uncompressed")
    assert "inflates" in err.message
    # below the total limit, the ratio of the one huge entry still gives it away
    _rejects(docx_paragraph_bomb(20), "ratio.docx", "compression_ratio")
    # and with the ratio check relaxed, the XML part size
    _rejects(
        docx_paragraph_bomb(20),
        "xml.docx",
        "too_large_xml",
        ExtractLimits(max_compression_ratio=10_000, max_xml_bytes=8 * MiB),
    )


def test_docx_many_entries_deep_xml_and_dtd():
    _rejects(docx_many_entries(5000), "entries.docx", "too_many_entries")
    _rejects(docx_deep_xml(5000), "deep.docx", "xml_too_deep")
    buf = io.BytesIO()  # the good package again, its document.xml with an internal DTD
    with (
        zipfile.ZipFile(io.BytesIO(_docx_bytes(GOOD_BODY))) as src,
        zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/document.xml":
                data = data.replace(
                    b"?><w:document", b'?><!DOCTYPE w:document [<!ENTITY a "aaaaaaaa">]><w:document'
                )
            dst.writestr(info.filename, data)
    _rejects(buf.getvalue(), "dtd.docx", "xml_entities")


def test_good_docx_still_reads_under_the_limits():
    parsed = parse_resume(_docx_bytes(GOOD_BODY), "good.docx", limits=ExtractLimits())
    assert parsed.name == "Jane Example"
    assert parsed.experience and parsed.experience[0].start == "2019-01"


def test_pdf_page_count_flate_bomb_and_page_chars():
    _rejects(pdf_pages(400), "pages.pdf", "too_many_pages")
    _rejects(pdf_flate_bomb(200), "flate.pdf", "too_large_uncompressed")
    _rejects(pdf_pages(3), "chars.pdf", "too_much_text", ExtractLimits(max_page_chars=10))
    parsed_pages = parse_resume(pdf_pages(3), "ok.pdf", limits=ExtractLimits(), as_of=None)
    assert "Page 2" in parsed_pages.text


def test_parse_timeout_is_a_reason_not_a_hang():
    err = _rejects(pdf_pages(40), "slow.pdf", "parse_timeout", ExtractLimits(parse_timeout_s=0.05))
    assert "0.05" in err.message


def test_txt_decoded_size_and_batch_goes_on():
    big = ("Jane Example jane@example.com\n" * 40_000).encode()
    _rejects(big, "big.txt", "too_much_text", ExtractLimits(max_text_chars=100_000))
    batch = parse_batch(
        [
            ("bomb.docx", docx_paragraph_bomb(120)),
            ("entries.docx", docx_many_entries(3000)),
            ("01.txt", (FIXTURES / "01_classic_chrono.txt").read_bytes()),
        ],
        limits=ExtractLimits(),
    )
    assert [p.file for p in batch.parsed] == ["01.txt"]
    assert {e.filename: e.reason_code for e in batch.errors} == {
        "bomb.docx": "too_large_uncompressed",
        "entries.docx": "too_many_entries",
    }


def test_limits_come_from_settings(monkeypatch):
    monkeypatch.setenv("TALENTFLOW_RESUME_MAX_PAGES", "2")
    monkeypatch.setenv("TALENTFLOW_RESUME_PARSE_TIMEOUT_S", "7.5")
    limits = ExtractLimits.from_settings()
    assert (limits.max_pages, limits.parse_timeout_s) == (2, 7.5)
    with pytest.raises(UnreadableResume) as info:
        parse_resume(pdf_pages(3), "three.pdf")
    assert info.value.reason_code == "too_many_pages"


def _cli_rss(tmp_path: Path, files: list[Path]) -> tuple[subprocess.CompletedProcess, float, int]:
    """Run ``talentflow resume parse --json`` on ``files``; (result, seconds, peak RSS in MiB), the
    RSS sampled every 10 ms with psutil (getrusage's children figure is the largest child so far)."""
    import psutil

    start = time.monotonic()
    proc = psutil.Popen(
        [str(TALENTFLOW), "resume", "parse", *map(str, files), "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "TALENTFLOW_HOME": str(tmp_path / "home")},
        cwd=tmp_path,
    )
    peak = 0
    while proc.poll() is None:
        try:
            peak = max(peak, proc.memory_info().rss)
        except psutil.NoSuchProcess:
            break
        time.sleep(0.01)
        assert time.monotonic() - start < 300, "the CLI hung"
    stdout, stderr = proc.communicate()
    took = time.monotonic() - start
    done = subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)
    return done, took, peak // MiB


@pytest.mark.skipif(not TALENTFLOW.exists(), reason="needs the talentflow console script in .venv/bin")
def test_cli_refuses_bombs_quickly_at_bounded_memory(tmp_path):
    files = {
        "bomb.docx": docx_paragraph_bomb(120),
        "entries.docx": docx_many_entries(5000),
        "pages.pdf": pdf_pages(400),
        "flate.pdf": pdf_flate_bomb(300),
    }
    paths = []
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
        paths.append(tmp_path / name)
    good = tmp_path / "good.txt"
    good.write_bytes((FIXTURES / "01_classic_chrono.txt").read_bytes())
    _, _, baseline_mib = _cli_rss(tmp_path, [good])
    proc, took, rss_mib = _cli_rss(tmp_path, [*paths, good])
    assert proc.returncode == 0, proc.stderr
    out = {Path(o["file"]).name: o for o in json.loads(proc.stdout)}
    assert {n: out[n]["error"]["reason_code"] for n in files} == {
        "bomb.docx": "too_large_uncompressed",
        "entries.docx": "too_many_entries",
        "pages.pdf": "too_many_pages",
        "flate.pdf": "too_large_uncompressed",
    }
    assert out["good.txt"]["name"]
    assert took < 60, f"the CLI took {took:.0f}s"
    # 120 MB + 300 MB of inflated content: reading either whole would add hundreds of MiB
    assert rss_mib - baseline_mib < 100, f"peak RSS {rss_mib} MiB against {baseline_mib} MiB for one resume"

    one, _, _ = _cli_rss(tmp_path, [paths[0]])
    assert one.returncode == 2
    assert "too_large_uncompressed" in one.stderr + one.stdout


if __name__ == "__main__":  # pragma: no cover - build the bombs for a manual try
    out = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    (out / "bomb.docx").write_bytes(docx_paragraph_bomb())
