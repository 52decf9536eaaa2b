"""One resume as the bytes of a file: plain text, DOCX or PDF, from the document model of
``resume_style``. Files are byte-stable: PDF creation dates, DOCX core properties and zip entry
times are fixed, and PDFs use the built-in Helvetica font (no font embedding, a few KB per file)."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime

from talentflow_demo.world.resume_content import ResumeContent
from talentflow_demo.world.resume_style import PDF_REPLACEMENTS, Style, build_blocks


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


def render(c: ResumeContent, style: Style, when: datetime) -> bytes:
    if style.fmt == "pdf":
        return render_pdf(c, style, when)
    if style.fmt == "docx":
        return render_docx(c, style, when)
    return render_txt(c, style)
