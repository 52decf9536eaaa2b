"""Text extraction per format, layout-aware PDFs, and the typed errors for unreadable files."""

from __future__ import annotations

import pytest

from talentflow.resumes.columns import layout_words, split_text_columns
from talentflow.resumes.extract import UnreadableResume, extract_document
from talentflow.resumes.normalize import normalize_text
from talentflow.resumes.parse import parse_batch, parse_resume

from .conftest import BAD, FIXTURES


def _text(name: str) -> str:
    return normalize_text(extract_document(FIXTURES / name).text)


def test_two_column_pdf_reads_sidebar_then_main_column():
    doc = extract_document(FIXTURES / "19_pdf_two_column_designer.pdf")
    text = normalize_text(doc.text)
    assert doc.columns == [2]
    # the name heads the page, then each column whole: no line mixes sidebar and main text
    assert text.splitlines()[0] == "Zoë Lefèvre"
    assert text.index("Google UX Design Certificate") < text.index("Profile")
    assert "Figma\nSketch\nPrototyping" in text
    assert "Senior Product Designer\nSilverline Media | Jun 2021 – Present" in text


def test_two_column_pdf_with_right_sidebar_and_centred_name():
    text = _text("20_pdf_two_column_pm.pdf")
    assert text.index("Willow Insurance, Charlotte") < text.index("Product strategy")
    fin = _text("21_pdf_two_column_finance.pdf")
    assert fin.startswith("WEI LIU\n")  # a centred name spanning the gutter stays one line
    assert fin.index("Variance analysis") < fin.index("M.S. Finance")


def test_one_column_pdf_with_right_aligned_dates_is_not_split():
    doc = extract_document(FIXTURES / "17_pdf_devops.pdf")
    assert doc.columns == [1]
    assert "Platform Engineer, Atlas Cloudworks\tAug 2020 – Present" in normalize_text(doc.text)


def test_layout_words_orders_synthetic_columns():
    def word(text, x0, top):
        return {"text": text, "x0": x0, "x1": x0 + 8 * len(text), "top": top, "bottom": top + 10}

    words = []
    for row in range(8):
        words.append(word(f"left{row}", 40, 100 + 14 * row))
        words.append(word(f"right{row}", 320, 100 + 14 * row))
    text, ncols = layout_words(words, 612)
    assert ncols == 2
    lines = [ln for ln in text.splitlines() if ln]
    assert lines == [f"left{i}" for i in range(8)] + [f"right{i}" for i in range(8)]


def test_text_file_laid_out_in_columns_with_spaces():
    rows = [
        ("CONTACT", "JANE ROE"),
        ("jane@example.com", "SUMMARY"),
        ("+1 206 555 0100", "Engineer who ships."),
    ]
    rows += [(f"skill {i}", f"main line {i}") for i in range(8)]
    text = "\n".join(f"{a:<34}{b}" for a, b in rows)
    out, ncols = split_text_columns(text)
    assert ncols == 2
    assert out.splitlines()[0] == "JANE ROE"  # the main column's lead line is the header
    assert out.index("skill 7") < out.index("main line 0")


def test_docx_tables_are_read_in_order_and_layout_tables_column_by_column():
    text = _text("25_docx_tables.docx")
    assert "Python\tSQL\tScala" in text
    assert "Bluefin Analytics\tSenior Data Engineer\t2022-01 – present" in text
    layout = _text("23_docx_table_layout.docx")
    assert layout.index("Hindi") < layout.index("Customer Success Manager, Kestrel Labs")


def test_text_charset_detection_reads_windows_1252():
    parsed = parse_resume(FIXTURES / "32_windows1252.txt")
    assert parsed.name == "José Hernández García"
    assert "Transportes Águila" in parsed.text


def test_ats_json_uses_structured_fields():
    parsed = parse_resume(FIXTURES / "28_ats_jsonresume.json")
    assert parsed.format == "json"
    assert parsed.email == "amara.nwosu@example.com"
    assert [e.company for e in parsed.experience] == [
        "Quarry Software",
        "Atlas Cloudworks",
        "Vantage Robotics",
    ]
    assert parsed.experience[0].end is None
    assert "Kafka" in parsed.skills


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("corrupt.pdf", "corrupt"),
        ("encrypted.pdf", "encrypted"),
        ("scanned.pdf", "empty"),
        ("empty.txt", "empty"),
        ("blank.docx", "corrupt"),
        ("resume.odt", "unsupported_type"),
        ("undecodable.txt", "undecodable"),
    ],
)
def test_unreadable_files_raise_a_typed_error(name, code):
    with pytest.raises(UnreadableResume) as info:
        parse_resume(BAD / name)
    assert info.value.reason_code == code
    assert info.value.as_dict()["file"] == name
    assert info.value.message


def test_size_limit_and_legacy_word_files():
    with pytest.raises(UnreadableResume) as info:
        parse_resume(FIXTURES / "01_classic_chrono.txt", max_bytes=100)
    assert info.value.reason_code == "too_large"
    with pytest.raises(UnreadableResume) as info:
        parse_resume(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "cv.docx")
    assert info.value.reason_code == "unsupported_type"
    encrypted_ole = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 500
    )
    with pytest.raises(UnreadableResume) as info:
        parse_resume(encrypted_ole, "cv.docx")
    assert info.value.reason_code == "encrypted"


def test_batch_keeps_going_past_bad_files():
    items = [
        FIXTURES / "01_classic_chrono.txt",
        BAD / "corrupt.pdf",
        ("from-storage.txt", (FIXTURES / "14_minimal.txt").read_bytes()),
        BAD / "empty.txt",
        FIXTURES / "no-such-file.pdf",
    ]
    result = parse_batch(items)
    assert [p.file for p in result.parsed] == ["01_classic_chrono.txt", "from-storage.txt"]
    assert sorted(e.reason_code for e in result.errors) == ["corrupt", "empty", "missing"]


def test_normalised_text_and_hash_are_stable():
    a = parse_resume(FIXTURES / "01_classic_chrono.txt")
    b = parse_resume((FIXTURES / "01_classic_chrono.txt").read_bytes().replace(b"\n", b"\r\n"), "x.txt")
    assert a.text_sha256 == b.text_sha256
    assert normalize_text("ﬁnance\u200b  team\n• one\n– two\nPage 2 of 3") == "finance team\n• one\n• two"
