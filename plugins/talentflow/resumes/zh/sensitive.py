"""What a Chinese resume says that a hiring decision must not use, taken out before anything is parsed.

Chinese resumes routinely state gender, age or birth date, ethnicity (民族), marital status (婚姻状况),
political affiliation (政治面貌), native place and hukou (籍贯, 户口), nationality, ID card numbers,
height/weight and a photo. These are PIPL art. 28 sensitive personal information or the grounds of
hiring discrimination that Chinese employment law names (Employment Promotion Law arts. 3, 27–31),
so the parser drops them: they reach no parsed field, no warehouse table, not the text the parse
keeps (embeddings, identity signatures and the submission hash are made from the redacted text), and
no log. What is kept is the list of *kinds* that were dropped, for the parse report.

The English parser takes the same line: it extracts none of these fields, and the contact details it
does extract (name, e-mail, phone, location) go only to ``restricted.resume_contacts``.
"""

from __future__ import annotations

import re
from functools import lru_cache

from talentflow.resumes.zh.text import HAN, lexicon

REDACTED = "〔已删除〕"
_SEP = r"[\n|｜,，;；、/\t]"
_END = rf"(?=[ \t]*(?:{_SEP}|。|$)|\s{{2,}})"
_START = rf"(?:(?<={_SEP})|(?<=\s)|(?<=[。:：])|^)"
_NO_COLON = (
    "籍贯",
    "户籍",
    "户口所在地",
    "政治面貌",
    "婚姻状况",
    "身份证号码",
    "身份证号",
    "出生日期",
    "出生年月",
)


def _alt(words) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


@lru_cache(maxsize=1)
def _patterns() -> list[tuple[str, re.Pattern]]:
    lex = lexicon()
    labels = lex["sensitive"]
    ethnic = _alt(lex["ethnic_groups"])
    places = _alt(lex["cities"])
    date = r"(?:19|20)\d\d\s*(?:年|[./\-])\s*\d{1,2}\s*(?:月|[./\-])?\s*(?:\d{1,2}\s*[日号]?)?"
    pats: list[tuple[str, str]] = []
    for kind, words in labels.items():
        # "性别：男", "出生日期: 1990-01-01", "民族\t汉族": the label and its value up to the next field
        pats.append((kind, rf"(?:{_alt(words)})\s*(?:[:：]|\t)\s*[^\n|｜,，;；\t]*?{_END}"))
        # "籍贯温岭", "政治面貌 党员": the unambiguous labels need no colon
        loose = [w for w in words if w in _NO_COLON]
        if loose:
            pats.append((kind, rf"(?:{_alt(loose)})\s*[^\n|｜,，;；\t:：]+?{_END}"))
    pats += [
        ("gender", rf"{_START}[男女](?:性)?{_END}"),
        ("birth_date", rf"{_START}\d{{2}}\s*(?:周)?岁{_END}"),
        ("birth_date", rf"(?:出生于|生于)\s*(?:{date}|(?:19|20)\d\d\s*年)"),
        ("birth_date", rf"(?:{date}|(?:19|20)\d\d\s*年)\s*(?:出生|生人|生(?![产活物命态意效]))"),
        ("ethnicity", rf"{_START}(?:{ethnic}|汉){_END}"),
        ("marital_status", rf"{_START}(?:已婚已育|已婚未育|已婚|未婚|离异|丧偶|已育|未育){_END}"),
        (
            "political_affiliation",
            rf"{_START}(?:中共党员|中国共产党党员|中共预备党员|预备党员|共青团员|团员|党员|群众|民主党派人士){_END}",
        ),
        (
            "id_number",
            r"(?<!\d)[1-9]\d{5}(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![\dA-Za-z])",
        ),
        ("photo", r"[\[【(（]?(?:照片|头像|相片|一寸照|免冠照)[\]】)）]?"),
        ("nationality", rf"{_START}[{HAN}]{{1,8}}?(?:国籍|籍|公民){_END}"),
        ("nationality", rf"{_START}(?:无|有|拥有|未拥有)?(?:永久)?境外(?:永久)?居留权{_END}"),
        ("native_place", rf"{_START}(?:{places})[{HAN}]{{0,6}}人{_END}"),
    ]
    return [(kind, re.compile(p, re.M)) for kind, p in pats]


def redact(text: str) -> tuple[str, list[str]]:
    """(``text`` without its sensitive facts, the kinds found in order of first appearance)."""
    found: dict[str, None] = {}
    for kind, pattern in _patterns():

        def _cut(m: re.Match, kind: str = kind) -> str:
            found.setdefault(kind, None)
            return REDACTED

        text = pattern.sub(_cut, text)
    # "男 | 〔已删除〕 | 〔已删除〕" → nothing left but separators: tidy the line
    text = re.sub(rf"(?:{re.escape(REDACTED)}[ \t]*[|｜,，;；、/]?[ \t]*)+", REDACTED + " ", text)
    text = re.sub(rf"^[ \t]*{re.escape(REDACTED)}[ \t]*\n", "", text, flags=re.M)
    return text, list(found)


def sensitive_spans(text: str) -> list[tuple[str, int, int]]:
    """(kind, start, end) of every sensitive fact in ``text`` (the bench's detection figures)."""
    out = []
    for kind, pattern in _patterns():
        out += [(kind, m.start(), m.end()) for m in pattern.finditer(text)]
    return sorted(out, key=lambda x: x[1])
