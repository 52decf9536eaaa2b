"""Chinese resumes as Chinese job boards and people send them: the 51job form (姓名：… labels), the
BOSS直聘 export (name, then "N年经验 | 本科 | 城市"), the Zhaopin page (【工作经验】 brackets, dates on a
line of their own), a Word table template and a text PDF, each with its own date style (2019/07,
2021.03, 2018年3月) and 至今 for a current job. What the parser of ``talentflow.resumes.zh`` reads.

PDFs are drawn with reportlab in Adobe's built-in STSong-Light CID font, so no font file is needed
(fpdf2, which draws the English resumes, needs an embedded font for Chinese and the CFF fonts of
fonts-noto-cjk came out with no text layer that pdfminer can read).
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from talentflow_demo.world.draw import ascii_name
from talentflow_demo.world.resume_content import ResumeContent

FORMATS = ("pdf", "docx", "txt")
FORMAT_SHARES = (0.35, 0.35, 0.30)
LAYOUTS = ("51job", "boss", "zhaopin")
HEADINGS = {
    "51job": {"summary": "自我评价", "experience": "工作经历", "education": "教育经历", "skills": "专业技能"},
    "boss": {"summary": "个人优势", "experience": "工作经历", "education": "教育经历", "skills": "技能"},
    "zhaopin": {
        "summary": "自我评价",
        "experience": "工作经验",
        "education": "教育经历",
        "skills": "技能特长",
    },
}
DATE_FORMATS = {"51job": "slash", "boss": "dot", "zhaopin": "chinese"}
PDF_FONT = "STSong-Light"
FILE_PATTERNS = (
    "{last}{first}_jianli",
    "jianli_{last}_{first}",
    "{Last}_{First}_{year}",
    "resume_{last}{first}",
)
SCHOOL_YEARS = {"bachelor": 4, "master": 3, "phd": 4}


@dataclass(frozen=True)
class ZhStyle:
    """How one Chinese resume looks; ``headings`` and ``date_format`` go into the truth records."""

    fmt: str
    layout: str
    headings: dict[str, str] = field(default_factory=dict)
    date_format: str = ""
    table_header: bool = False  # DOCX: personal details in a Word table, as the common templates do


def choose_style(rng: np.random.Generator) -> ZhStyle:
    fmt = FORMATS[int(rng.choice(len(FORMATS), p=FORMAT_SHARES))]
    layout = LAYOUTS[int(rng.integers(len(LAYOUTS)))]
    return ZhStyle(
        fmt=fmt,
        layout=layout,
        headings=HEADINGS[layout],
        date_format=DATE_FORMATS[layout],
        table_header=fmt == "docx" and layout == "51job",
    )


def file_stem(name: str, rng: np.random.Generator, year: int, lex) -> str:
    """An ASCII file name from the pinyin of the family and given name (object keys stay ASCII)."""
    family = next(f for f in sorted(lex.LAST_NAMES, key=len, reverse=True) if name.startswith(f))
    first, last = ascii_name(name[len(family) :], lex), ascii_name(family, lex)
    pattern = FILE_PATTERNS[int(rng.integers(len(FILE_PATTERNS)))]
    return pattern.format(first=first, last=last, First=first.title(), Last=last.title(), year=year)


def _month(ym: str | None, form: str) -> str:
    if ym is None:
        return "至今"
    year, month = int(ym[:4]), int(ym[5:7])
    return {"slash": f"{year}/{month:02d}", "dot": f"{year}.{month:02d}", "chinese": f"{year}年{month}月"}[
        form
    ]


def _school_span(edu: dict, form: str) -> tuple[str, str]:
    end = edu["year"]
    start = end - SCHOOL_YEARS.get(edu["degree"], 4)
    return _month(f"{start}-09", form), _month(f"{end}-06", form)


def _languages(c: ResumeContent, sep: str) -> str:
    if sep == "；":
        return "；".join(f"{lang}：{level}" for lang, level in c.languages)
    return sep.join(f"{lang}（{level}）" for lang, level in c.languages)


def _top_degree(c: ResumeContent) -> str:
    return c.education[0]["label"] if c.education else "大专"


def header_rows(c: ResumeContent) -> list[tuple[str, str]]:
    """The personal details of the 51job form (also the Word table's cells)."""
    return [("姓名", c.name), ("手机", c.phone_display), ("邮箱", c.email), ("现居住地", c.location)]


def lines(c: ResumeContent, style: ZhStyle, with_header: bool = True) -> list[str]:
    """The resume as lines of text in ``style.layout``."""
    form = style.date_format
    h = style.headings
    skills = "、".join(c.skills)
    out: list[str] = []
    if style.layout == "51job":
        if with_header:
            out += ["个人简历", ""] + [f"{k}：{v}" for k, v in header_rows(c)] + [""]
        out += ["求职意向", f"期望职位：{c.title}    期望城市：{c.location}", ""]
        out += [h["summary"], c.summary, "", h["experience"]]
        for job in c.experience:
            out.append(
                f"{_month(job['start'], form)} - {_month(job['end'], form)}    {job['company']}    {job['title']}"
            )
            out.append("工作描述：" + "；".join(job["bullets"]) + "。")
            out.append("")
        if c.education:  # people without a degree leave the section out
            out.append(h["education"])
        for e in c.education:
            start, end = _school_span(e, form)
            out.append(f"{start} - {end}    {e['school']}    {e['field']}    {e['label']}")
        out += ["", h["skills"], f"熟练掌握{skills}。"]
        if c.certifications:
            out += ["", "证书", "、".join(c.certifications)]
        out += ["", "语言能力", _languages(c, "、")]
    elif style.layout == "boss":
        out += [c.name, f"{int(c.experience_years)}年经验 | {_top_degree(c)} | {c.location}"]
        out += [f"{c.phone_display} | {c.email}", "", h["summary"], c.summary, ""]
        out += ["期望职位", f"{c.title} | {c.location}", "", h["experience"]]
        for job in c.experience:
            out.append(
                f"{job['company']}  {job['title']}  {_month(job['start'], form)}-{_month(job['end'], form)}"
            )
            out += [f"- {b}" for b in job["bullets"]]
        out += ["", h["education"]] if c.education else []
        for e in c.education:
            end = e["year"]
            out.append(
                f"{e['school']}  {e['field']}  {e['label']}  {end - SCHOOL_YEARS.get(e['degree'], 4)}-{end}"
            )
        out += ["", h["skills"], skills]
        if c.certifications:
            out += ["", "证书", "、".join(c.certifications)]
        out += ["", "语言", _languages(c, "、")]
    else:
        out += [f"{c.name} 的简历", f"现居住于：{c.location} | {int(c.experience_years)}年工作经验"]
        out += [f"手机：{c.phone_display}", f"E-mail: {c.email}", "", f"【{h['summary']}】", c.summary, ""]
        out.append(f"【{h['experience']}】")
        for job in c.experience:
            out.append(f"{_month(job['start'], form)} - {_month(job['end'], form)}")
            out.append(f"{job['company']} | {job['title']}")
            out += ["，".join(job["bullets"]) + "。", ""]
        if c.education:
            out.append(f"【{h['education']}】")
        for e in c.education:
            start, end = _school_span(e, form)
            out.append(f"{start} - {end}  {e['school']}  {e['field']}  {e['label']}")
        out += ["", f"【{h['skills']}】", skills]
        if c.certifications:
            out += ["", "【证书】", "、".join(c.certifications)]
        out += ["", "【语言能力】", _languages(c, "；")]
    return out


def render_txt(c: ResumeContent, style: ZhStyle) -> bytes:
    return ("\n".join(lines(c, style)).strip("\n") + "\n").encode("utf-8")


def render_docx(c: ResumeContent, style: ZhStyle, when: datetime) -> bytes:
    import docx

    from talentflow_demo.world.resume_render import FIXED_ZIP_TIME

    document = docx.Document()
    document.core_properties.author = c.name
    document.core_properties.title = f"{c.name}的简历"
    document.core_properties.created = document.core_properties.modified = when.replace(tzinfo=None)
    document.core_properties.revision = 1
    if style.table_header:
        document.add_heading("个人简历", level=1)
        rows = header_rows(c)
        table = document.add_table(rows=2, cols=4)
        for k, (label, value) in enumerate(rows):
            table.cell(k // 2, (k % 2) * 2).text = label
            table.cell(k // 2, (k % 2) * 2 + 1).text = value
    for line in lines(c, style, with_header=not style.table_header):
        if line:
            document.add_paragraph(line)
    raw = io.BytesIO()
    document.save(raw)
    # fixed zip entry times, so the same seed gives the same bytes
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def render_pdf(c: ResumeContent, style: ZhStyle, when: datetime) -> bytes:
    """A text PDF in Adobe's STSong-Light, a CID font every PDF reader has: Chinese text without
    embedding a font file (a few KB per resume). ``invariant`` and a fixed date keep the bytes stable."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    if PDF_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(PDF_FONT))
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4, invariant=1)
    stamp = when.strftime("D:%Y%m%d%H%M%S+00'00'")
    page.setDateFormatter(lambda *_: stamp)
    page.setTitle(f"{c.name}的简历")
    page.setAuthor(c.name)
    y = 800.0
    for k, line in enumerate(lines(c, style)):
        size = 16.0 if k == 0 else 10.5
        for part in _wrap(line, size, 500.0):
            if y < 50:
                page.showPage()
                y = 800.0
            page.setFont(PDF_FONT, size)
            page.drawString(50, y, part)
            y -= size * 1.6 if part else size
    page.save()
    return out.getvalue()


def _wrap(text: str, size: float, max_w: float) -> list[str]:
    """Chinese text has no spaces to break at: break between characters when a line is full."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    if not text or stringWidth(text, PDF_FONT, size) <= max_w:
        return [text]
    parts, current = [], ""
    for ch in text:
        if current and stringWidth(current + ch, PDF_FONT, size) > max_w:
            parts.append(current)
            current = ""
        current += ch
    return parts + [current]


def render(c: ResumeContent, style: ZhStyle, when: datetime) -> bytes:
    if style.fmt == "pdf":
        return render_pdf(c, style, when)
    if style.fmt == "docx":
        return render_docx(c, style, when)
    return render_txt(c, style)
