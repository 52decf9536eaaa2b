"""One canonical text per resume, whatever the format it came in.

Unicode NFKC (ligatures such as "ﬁ" become "fi"), one bullet character, plain dashes inside date
ranges kept as en dashes, no zero-width or control characters, hyphenated line breaks joined,
alignment runs of spaces turned into tabs, at most one blank line in a row, no page furniture.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

BULLETS = "•●▪■◦○◆◇►▶➢➤✓✔☐❖⦿∙·*"
_BULLET_RE = re.compile(rf"^\s*[{re.escape(BULLETS)}]\s*|^\s*[-–—]\s+|^\s*(?:o|\uf0b7|\uf0a7)\s+")
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_PAGE_FURNITURE = re.compile(r"^\s*(?:page\s+\d+(?:\s+(?:of|/)\s+\d+)?|\d+\s*/\s*\d+|-\s*\d+\s*-)\s*$", re.I)
_RULE = re.compile(r"^\s*[=\-_*~#·•.]{3,}\s*$")
"""A rule line under a heading ("=======")."""
_HYPHEN_BREAK = re.compile(r"(\w)-\n(\w)")


def normalize_text(text: str) -> str:
    """The canonical form of a resume text (stable: the content hash is taken over it)."""
    text = unicodedata.normalize("NFKC", text).translate(_ZERO_WIDTH)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n\n").replace("\xa0", " ")
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    text = _HYPHEN_BREAK.sub(lambda m: m.group(1) + m.group(2) if m.group(2).islower() else m.group(0), text)
    lines: list[str] = []
    for raw in text.split("\n"):
        line = re.sub(r" {3,}", "\t", raw.rstrip())
        line = re.sub(r"[ ]*\t[\t ]*", "\t", line).strip(" \t")
        line = re.sub(r" {2}", " ", line)
        if _PAGE_FURNITURE.match(line) or _RULE.match(line):
            continue
        if _BULLET_RE.match(line):
            line = "• " + _BULLET_RE.sub("", line, count=1).strip()
        if not line:
            if lines and lines[-1] == "":
                continue
            lines.append("")
            continue
        lines.append(line)
    return "\n".join(_unwrap(lines)).strip("\n")


def _unwrap(lines: list[str]) -> list[str]:
    """Join the wrapped end of a bullet ("• Closed 15 accounts worth $620k in annual" + "revenue")."""
    out: list[str] = []
    for line in lines:
        wrapped_end = line[:1].islower() or (len(line.split()) <= 2 and line[:1] in "0123456789%$€£(")
        if out and out[-1].startswith("• ") and wrapped_end and not out[-1].endswith((".", ";", ":")):
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
    return out


def text_sha256(normalized: str) -> str:
    return hashlib.sha256(normalized.encode("utf-8")).hexdigest()


def fold(text: str) -> str:
    """Lower case without accents, for matching headings and names."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
