"""Resume files as people really send them: PDF, DOCX and plain text in several layouts, with
different section names, date formats and bullet styles. The content comes from ``ResumeContent``
and is also written, normalised, to ``ground_truth/resumes.jsonl`` for parser tests.

Files are byte-stable for a seed: PDF creation dates and DOCX core properties and zip entry times are
fixed, and PDFs use the built-in Helvetica font (no font embedding, a few KB per file).
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from talentflow_demo.world.people import ResumeContent, ascii_slug

FORMATS = ("pdf", "docx", "txt")
FORMAT_SHARES = (0.45, 0.35, 0.20)
LAYOUTS = ("one_column", "two_column", "bullets")
LAYOUT_SHARES = (0.45, 0.25, 0.30)
HEADINGS = {
    "summary": ("Summary", "Profile", "Professional Summary", "About Me", "Objective"),
    "experience": (
        "Experience",
        "Work Experience",
        "Professional Experience",
        "Employment History",
        "Career History",
    ),
    "education": ("Education", "Academic Background", "Education & Training", "Qualifications"),
    "skills": ("Skills", "Technical Skills", "Core Competencies", "Key Skills", "Expertise"),
    "certifications": ("Certifications", "Licenses & Certifications", "Certificates"),
    "languages": ("Languages", "Language Skills"),
    "contact": ("Contact", "Contact Details", "Personal Details"),
}
DATE_FORMATS = ("iso", "slash", "abbr", "full", "dot")
PRESENT_WORDS = ("Present", "Current", "Now", "today")
RANGE_SEPARATORS = (" - ", " to ", " -- ", " \u2013 ")
BULLETS = ("-", "*", "\u00b7", "o", "\u2022")
MONTHS_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MONTHS_FULL = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
# Characters the PDF core fonts cannot show, and what to print instead.
PDF_REPLACEMENTS = str.maketrans({"\u2013": "-", "\u2014": "-", "\u2022": "\u00b7", "\u2019": "'"})


@dataclass(frozen=True)
class Style:
    fmt: str
    layout: str
    headings: dict[str, str]
    date_format: str
    present: str
    separator: str
    upper_headings: bool
    entry_style: int
    bullet: str
    skills_inline: bool


def choose_style(rng: np.random.Generator, fmt: str | None = None) -> Style:
    def pick(options):
        return options[int(rng.integers(len(options)))]

    fmt = fmt or FORMATS[int(rng.choice(len(FORMATS), p=FORMAT_SHARES))]
    return Style(
        fmt=fmt,
        layout=LAYOUTS[int(rng.choice(len(LAYOUTS), p=LAYOUT_SHARES))],
        headings={k: pick(v) for k, v in HEADINGS.items()},
        date_format=pick(DATE_FORMATS),
        present=pick(PRESENT_WORDS),
        separator=pick(RANGE_SEPARATORS),
        upper_headings=bool(rng.random() < 0.4),
        entry_style=int(rng.integers(3)),
        bullet=pick(BULLETS),
        skills_inline=bool(rng.random() < 0.5),
    )


def format_month(ym: str | None, style: Style) -> str:
    if ym is None:
        return style.present
    year, month = int(ym[:4]), int(ym[5:7])
    return {
        "iso": f"{year:04d}-{month:02d}",
        "slash": f"{month:02d}/{year:04d}",
        "abbr": f"{MONTHS_ABBR[month - 1]} {year}",
        "full": f"{MONTHS_FULL[month - 1]} {year}",
        "dot": f"{year:04d}.{month:02d}",
    }[style.date_format]


# --------------------------------------------------------------------------------- document model
# A resume is rendered from a list of blocks: ("name", text), ("line", text), ("heading", key),
# ("para", text), ("entry", headline, dates, bullets), ("bullets", items).


def _heading(style: Style, key: str) -> str:
    label = style.headings[key]
    return label.upper() if style.upper_headings else label


def _entry_headline(job: dict, style: Style) -> str:
    title, company = job["title"], job["company"]
    return (f"{title}, {company}", f"{company} | {title}", f"{title} at {company}")[style.entry_style]


def _education_line(edu: dict, style: Style) -> str:
    label = f"{edu['label']} in {edu['field']}" if edu["label"] not in ("MBA",) else edu["label"]
    return (
        f"{label}, {edu['school']}, {edu['year']}",
        f"{edu['school']} | {label} ({edu['year']})",
        f"{edu['year']}  {label}, {edu['school']}",
    )[style.entry_style]


def build_blocks(c: ResumeContent, style: Style) -> tuple[list[tuple], list[tuple]]:
    """(sidebar, main) block lists; one-column layouts put everything in ``main``."""
    contact = [c.email, c.phone_display, c.location]
    langs = [f"{lang} ({level})" for lang, level in c.languages]
    experience: list[tuple] = []
    for job in c.experience:
        dates = f"{format_month(job['start'], style)}{style.separator}{format_month(job['end'], style)}"
        experience.append(("entry", _entry_headline(job, style), dates, list(job["bullets"])))
    education = [("para", _education_line(e, style)) for e in c.education]
    skills: list[tuple] = (
        [("para", ", ".join(c.skills))]
        if style.skills_inline and style.layout != "bullets"
        else [("bullets", list(c.skills))]
    )
    main: list[tuple] = [("heading", _heading(style, "summary")), ("para", c.summary)]
    main += [("heading", _heading(style, "experience"))] + experience
    if education:
        main += [("heading", _heading(style, "education"))] + education
    side: list[tuple] = []
    if style.layout == "two_column":
        side += [("heading", _heading(style, "contact"))] + [("line", x) for x in contact]
        side += [("heading", _heading(style, "skills")), ("bullets", list(c.skills))]
        side += [("heading", _heading(style, "languages")), ("bullets", langs)]
        if c.certifications:
            side += [("heading", _heading(style, "certifications")), ("bullets", list(c.certifications))]
        head = [("name", c.name), ("line", c.title)]
        return side, head + main
    head: list[tuple] = [("name", c.name)]
    if style.layout == "bullets":
        head += [("bullets", contact)]
    else:
        head += [("line", " | ".join(contact))]
    tail: list[tuple] = [("heading", _heading(style, "skills"))] + skills
    if c.certifications:
        tail += [("heading", _heading(style, "certifications")), ("bullets", list(c.certifications))]
    tail += [("heading", _heading(style, "languages"))]
    tail += [("bullets", langs)] if style.layout == "bullets" else [("para", ", ".join(langs))]
    # some people put skills first, most put them last
    if style.entry_style == 1:
        return [], head + tail + main
    return [], head + main + tail


# --------------------------------------------------------------------------------- plain text
def _text_lines(blocks: list[tuple], style: Style, width: int) -> list[str]:
    import textwrap

    lines: list[str] = []
    for block in blocks:
        kind = block[0]
        if kind == "name":
            lines += [block[1].upper() if style.upper_headings else block[1]]
        elif kind == "line":
            lines += textwrap.wrap(block[1], width) or [""]
        elif kind == "heading":
            lines += ["", block[1]]
            if style.entry_style == 2:
                lines.append("=" * min(len(block[1]), width))
        elif kind == "para":
            lines += textwrap.wrap(block[1], width)
        elif kind == "entry":
            _, headline, dates, bullets = block
            if style.layout == "bullets" or len(headline) + len(dates) + 3 > width:
                lines += textwrap.wrap(headline, width) + [dates]
            else:
                lines.append(f"{headline}   {dates}")
            for b in bullets:
                lines += textwrap.wrap(
                    b, width, initial_indent=f"  {style.bullet} ", subsequent_indent="    "
                )
        elif kind == "bullets":
            for item in block[1]:
                lines += textwrap.wrap(item, width, initial_indent=f"{style.bullet} ", subsequent_indent="  ")
    return lines


def render_txt(c: ResumeContent, style: Style) -> bytes:
    side, main = build_blocks(c, style)
    if not side:
        text = "\n".join(_text_lines(main, style, 88))
    else:
        # two columns side by side, as a layout-preserving PDF-to-text export looks
        left = _text_lines(side, style, 30)
        right = _text_lines(main, style, 62)
        rows = max(len(left), len(right))
        left += [""] * (rows - len(left))
        right += [""] * (rows - len(right))
        text = "\n".join(f"{a:<34}{b}".rstrip() for a, b in zip(left, right, strict=True))
    return (text.strip("\n") + "\n").encode("utf-8")


# --------------------------------------------------------------------------------- DOCX
FIXED_ZIP_TIME = (2024, 1, 1, 0, 0, 0)


def _docx_para(container, text: str, style_id: str | None = None, bold: bool = False):
    p = container.add_paragraph()
    run = p.add_run(text)
    if bold:
        run.bold = True
    if style_id:
        # setting the style id directly is ~50x faster than python-docx's by-name style lookup
        p._p.get_or_add_pPr().get_or_add_pStyle().val = style_id
    return p


def _docx_blocks(container, blocks: list[tuple], style: Style) -> None:
    for block in blocks:
        kind = block[0]
        if kind == "name":
            _docx_para(container, block[1], "Title")
        elif kind == "line":
            _docx_para(container, block[1])
        elif kind == "heading":
            _docx_para(container, block[1], "Heading1" if style.entry_style != 1 else "Heading2")
        elif kind == "para":
            _docx_para(container, block[1])
        elif kind == "entry":
            _, headline, dates, bullets = block
            if style.layout == "bullets":
                _docx_para(container, f"{headline} ({dates})", "ListBullet", bold=True)
            else:
                _docx_para(container, headline, bold=True)
                _docx_para(container, dates)
            for b in bullets:
                _docx_para(container, b, "ListBullet2" if style.layout == "bullets" else "ListBullet")
        elif kind == "bullets":
            for item in block[1]:
                _docx_para(container, item, "ListBullet")


class _DocxFactory:
    """One python-docx Document reused for every resume.

    Loading the template (350 KB of styles) and compressing it again for each file would cost ~25 ms
    per resume; instead the static parts are zipped once and only document.xml and core.xml are
    appended per file, with fixed zip entry times so the bytes are stable.
    """

    DYNAMIC = ("word/document.xml", "docProps/core.xml")

    def __init__(self) -> None:
        import docx

        self.document = docx.Document()
        self.body = self.document.element.body
        self.parts = {p.partname.lstrip("/"): p for p in self.document.part.package.iter_parts()}
        buffer = io.BytesIO()
        self.document.save(buffer)
        base = io.BytesIO()
        with (
            zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as src,
            zipfile.ZipFile(base, "w", zipfile.ZIP_DEFLATED) as dst,
        ):
            for info in src.infolist():
                if info.filename not in self.DYNAMIC:
                    dst.writestr(self._info(info.filename), src.read(info.filename))
        self.base = base.getvalue()

    @staticmethod
    def _info(name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        return info

    def render(self, c: ResumeContent, style: Style, when: datetime) -> bytes:
        for child in list(self.body):
            if not child.tag.endswith("}sectPr"):
                self.body.remove(child)
        props = self.document.core_properties
        props.author = c.name
        props.last_modified_by = c.name
        props.title = f"{c.name} - {style.headings['experience']}"
        props.created = when.replace(tzinfo=None)
        props.modified = when.replace(tzinfo=None)
        props.revision = 1
        side, main = build_blocks(c, style)
        if side:
            table = self.document.add_table(rows=1, cols=2)
            left, right = table.rows[0].cells
            _docx_blocks(left, side, style)
            _docx_blocks(right, main, style)
        else:
            _docx_blocks(self.document, main, style)
        out = io.BytesIO(self.base)
        out.seek(0, io.SEEK_END)
        with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as z:
            for name in self.DYNAMIC:
                z.writestr(self._info(name), self.parts[name].blob)
        return out.getvalue()


_DOCX: _DocxFactory | None = None


def render_docx(c: ResumeContent, style: Style, when: datetime) -> bytes:
    global _DOCX
    if _DOCX is None:
        _DOCX = _DocxFactory()
    return _DOCX.render(c, style, when)


# --------------------------------------------------------------------------------- PDF
class _Pdf:
    """Minimal text layout on fpdf2: our own word wrap and ``text()`` calls (multi_cell is ~10x slower)."""

    def __init__(self, when: datetime, title: str) -> None:
        from fpdf import FPDF

        self.pdf = FPDF(format="A4", unit="mm")
        self.pdf.set_creation_date(when)
        self.pdf.set_title(title)
        self.pdf.set_auto_page_break(False)
        self.pdf.add_page()
        self.font = ("", 10.0)
        self.pdf.set_font("Helvetica", "", 10)
        self._widths: dict[tuple[str, float, str], float] = {}

    def set_font(self, style: str, size: float) -> None:
        if (style, size) != self.font:
            self.pdf.set_font("Helvetica", style, size)
            self.font = (style, size)

    def width(self, word: str) -> float:
        key = (self.font[0], self.font[1], word)
        if key not in self._widths:
            self._widths[key] = self.pdf.get_string_width(word)
        return self._widths[key]

    def wrap(self, text: str, max_w: float) -> list[str]:
        lines, current, current_w = [], [], 0.0
        space = self.width(" ")
        for word in text.split():
            w = self.width(word)
            if current and current_w + space + w > max_w:
                lines.append(" ".join(current))
                current, current_w = [word], w
            else:
                current_w += (space if current else 0.0) + w
                current.append(word)
        if current:
            lines.append(" ".join(current))
        return lines

    def write(
        self,
        x: float,
        y: float,
        text: str,
        max_w: float,
        style: str = "",
        size: float = 10.0,
        indent: float = 0.0,
    ) -> float:
        self.set_font(style, size)
        leading = size * 0.45
        for k, line in enumerate(self.wrap(text.translate(PDF_REPLACEMENTS), max_w - indent)):
            if y > 285:
                self.pdf.add_page()
                self.set_font(style, size)
                y = 20.0
            self.pdf.text(x + (indent if k else 0.0), y, line)
            y += leading
        return y

    def blocks(self, blocks: list[tuple], style: Style, x: float, y: float, w: float) -> float:
        bullet = style.bullet.translate(PDF_REPLACEMENTS)
        for block in blocks:
            kind = block[0]
            if kind == "name":
                y = self.write(x, y + 2, block[1], w, "B", 18) + 2
            elif kind == "line":
                y = self.write(x, y, block[1], w, "", 9.5)
            elif kind == "heading":
                y = self.write(x, y + 4, block[1], w, "B", 12) + 1
            elif kind == "para":
                y = self.write(x, y, block[1], w)
            elif kind == "entry":
                _, headline, dates, bullets = block
                if style.layout == "bullets":
                    y = self.write(x, y + 1, f"{bullet} {headline} ({dates})", w, "B", 10, indent=3)
                else:
                    y = self.write(x, y + 1, headline, w, "B", 10.5)
                    y = self.write(x, y, dates, w, "I", 9.5)
                for b in bullets:
                    y = self.write(x + 3, y, f"{bullet} {b}", w - 3, indent=3)
            elif kind == "bullets":
                for item in block[1]:
                    y = self.write(x, y, f"{bullet} {item}", w, indent=3)
        return y

    def output(self) -> bytes:
        return bytes(self.pdf.output())


def render_pdf(c: ResumeContent, style: Style, when: datetime) -> bytes:
    doc = _Pdf(when, c.name)
    side, main = build_blocks(c, style)
    if side:
        doc.blocks(side, style, 10, 20, 55)  # the sidebar is short: it always fits on page one
        doc.blocks(main, style, 72, 20, 128)
    else:
        doc.blocks(main, style, 15, 20, 180)
    return doc.output()


# --------------------------------------------------------------------------------- files
FILE_PATTERNS = (
    "{First}_{Last}_CV",
    "{first}-{last}-resume",
    "Resume_{First}{Last}",
    "{LAST}_{First}_{year}",
    "cv_{first}{last}",
    "{First}{Last}",
)


def file_stem(name: str, rng: np.random.Generator, year: int) -> str:
    parts = ascii_slug(name).replace("'", "").replace(".", "").split()
    first, last = parts[0], parts[-1]
    pattern = FILE_PATTERNS[int(rng.integers(len(FILE_PATTERNS)))]
    return pattern.format(
        First=first, Last=last, first=first.lower(), last=last.lower(), LAST=last.upper(), year=year
    )


def render(c: ResumeContent, style: Style, when: datetime) -> bytes:
    if style.fmt == "pdf":
        return render_pdf(c, style, when)
    if style.fmt == "docx":
        return render_docx(c, style, when)
    return render_txt(c, style)


def truth_record(file: str, candidate_id: str, c: ResumeContent, style: Style) -> dict:
    return {
        "file": file,
        "candidate_id": candidate_id,
        "format": style.fmt,
        "layout": style.layout,
        "name": c.name,
        "email": c.email,
        "phone": c.phone,
        "phone_display": c.phone_display,
        "location": c.location,
        "title": c.title,
        "skills": list(c.skills),
        "education": [
            {
                "degree": e["degree"],
                "school": e["school"],
                "year": e["year"],
                "field": e["field"],
                "label": e["label"],
            }
            for e in c.education
        ],
        "experience": [
            {"company": j["company"], "title": j["title"], "start": j["start"], "end": j["end"]}
            for j in c.experience
        ],
        "experience_years": c.experience_years,
        "certifications": list(c.certifications),
        "languages": [lang for lang, _ in c.languages],
        "section_headings": {k: style.headings[k] for k in ("summary", "experience", "education", "skills")},
        "date_format": style.date_format,
    }


def write_resume(
    out_dir: Path, stem: str, c: ResumeContent, style: Style, when: datetime, used: set[str]
) -> str:
    """Write one resume under ``out_dir`` and return its file name (unique: '_2' etc. on a clash)."""
    name = f"{stem}.{style.fmt}"
    k = 2
    while name.lower() in used:
        name = f"{stem}_{k}.{style.fmt}"
        k += 1
    used.add(name.lower())
    (out_dir / name).write_bytes(render(c, style, when))
    return name


def fixed_time(day_iso: str) -> datetime:
    return datetime.fromisoformat(day_iso).replace(hour=9, tzinfo=UTC)
