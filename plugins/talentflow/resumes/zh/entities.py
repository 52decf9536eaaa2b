"""Entities in Chinese running text: a person's name, organisations, job titles, degrees, majors and
the sensitive facts (nationality, ethnicity, native place) that the parser drops.

Free-form Chinese resumes and the biography paragraphs of 51job/Zhaopin exports read like
"2013年2月至今任山东三维石化工程股份有限公司董事、副总经理": an employer followed directly by one or
more titles, after a date and a verb. The text is cut into clauses at punctuation and at those verbs
(``triggers`` in ``data/zh.yaml``); a clause that ends with a title word (``title_heads``) is a title,
with the organisation before it cut at its last organisation suffix ("…有限公司", "…大学"); a clause
that ends with a degree word is school + major + degree. Rules and word lists, no model: they are
measured per entity on the train split of the ResumeNER corpus (``bench/bench_resumes_zh.py``).

Labels follow ResumeNER: NAME, ORG, TITLE, EDU (degree), PRO (major), CONT (nationality), RACE
(ethnicity), LOC (native place).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from talentflow.resumes.zh.text import HAN, lexicon, tag

SENSITIVE_LABELS = frozenset({"CONT", "RACE", "LOC"})


@dataclass(frozen=True)
class Entity:
    label: str
    start: int
    end: int
    text: str


_DATE = (
    r"(?:(?:19|20)\d\d\s*(?:年|[./\-]\s*\d{1,2}(?!\d))\s*(?:\d{1,2}\s*月)?\s*(?:\d{1,2}\s*[日号])?"
    r"|\d{1,2}\s*月(?:\s*\d{1,2}\s*[日号])?"
    r"|[一二三四五六七八九〇○零]{4}年(?:[一二三四五六七八九十]{1,2}月)?(?:[一二三四五六七八九十]{1,3}日)?)"
    r"(?:份|底|初|中旬|末|间|之后|以后)?"
)
_RANGE_WORDS = r"(?:至今|至|到|迄今|以来|起|开始|期间|[－\-–—~～]+)"
_FILLERS = r"(?:先生|女士|自|从|先后|同时|主要|近五年|报告期内|目前|现在|现|并|曾经|曾|又|还|也|一直|分别|期间|，|、)"


@dataclass(frozen=True)
class _Words:
    triggers: re.Pattern
    lead: re.Pattern
    trail: re.Pattern
    title_end: re.Pattern
    strong_org: re.Pattern
    weak_org: re.Pattern
    degree_end: re.Pattern
    degree_level: dict[str, str]
    surnames: frozenset[str]
    compound_surnames: tuple[str, ...]
    ethnic: frozenset[str]
    places: tuple[str, ...]


def _alt(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


@lru_cache(maxsize=1)
def words() -> _Words:
    lex = lexicon()
    levels = {w: level for level, ws in lex["degrees"].items() for w in ws}
    degree = _alt([d for d in levels if d != "工商管理硕士"])
    triggers = _alt(lex["triggers"])
    return _Words(
        triggers=re.compile(triggers),
        lead=re.compile(rf"^(?:{_DATE}|{_RANGE_WORDS}|{_FILLERS}|{triggers}|\s)+"),
        trail=re.compile(r"(?:等)?(?:职务|职位|职称|工作|一职|等职|之职|毕业|等)$"),
        title_end=re.compile(rf"(?:{_alt(lex['title_heads'])})$"),
        strong_org=re.compile(_alt(lex["org_suffixes"]["strong"])),
        weak_org=re.compile(_alt(lex["org_suffixes"]["weak"])),
        degree_end=re.compile(
            rf"(?:{degree})(?:学历|学位|文化程度|文化|在读|学生)?$|(?:大学|大专|中专|高中)(?:学历|文化程度|文化)$"
        ),
        degree_level=levels,
        surnames=frozenset(lex["surnames"]["single"]),
        compound_surnames=tuple(lex["surnames"]["compound"]),
        ethnic=frozenset(lex["ethnic_groups"]) | {g.removesuffix("族") for g in lex["ethnic_groups"]},
        places=tuple(lex["cities"]),
    )


# Clause boundaries: punctuation, and "兼"/"和"/"及" only where what precedes ends a title or an
# organisation (so "人和投资" and "兼职教授" stay whole; see _split_connectives).
_PUNCT = re.compile(r"[，,、；;。：:！!？?\n\t“”\"《》【】\[\]]|\s{2,}")
_PARENS = re.compile(r"[（(][^（）()]{0,12}[）)]")
_CONNECTIVE = re.compile(r"以及|兼任|兼|和|及|与|并")


def _chunks(sentence: str) -> list[tuple[int, int]]:
    """(start, end) of the clauses of one sentence; short parentheses inside a name stay in it
    ("中国平安保险（集团）股份有限公司"), a parenthesis before a boundary is a clause of its own."""
    spans: list[tuple[int, int]] = []
    protected = []
    for m in _PARENS.finditer(sentence):
        after = sentence[m.end() : m.end() + 1]
        if after and re.match(f"[{HAN}A-Za-z0-9]", after) and m.start() > 0:
            protected.append((m.start(), m.end()))
    cuts: list[tuple[int, int]] = []
    for m in _PUNCT.finditer(sentence):
        cuts.append((m.start(), m.end()))
    for m in re.finditer(r"[（()）]", sentence):
        if not any(a <= m.start() < b for a, b in protected):
            cuts.append((m.start(), m.end()))
    cuts.sort()
    pos = 0
    for a, b in cuts:
        if a > pos:
            spans.append((pos, a))
        pos = max(pos, b)
    if pos < len(sentence):
        spans.append((pos, len(sentence)))
    return spans


def _strip(sentence: str, start: int, end: int) -> tuple[int, int]:
    w = words()
    text = sentence[start:end]
    m = w.lead.match(text)
    if m:
        start += m.end()
    text = sentence[start:end]
    while True:
        m = w.trail.search(text)
        if not m or m.start() == 0:
            break
        end = start + m.start()
        text = sentence[start:end]
    return start, end


def _split_inner(sentence: str, start: int, end: int) -> list[tuple[int, int]]:
    """A clause with an inner trigger ("…厂长助理兼销售公司经理", "…加入公司，曾任…") in parts."""
    w = words()
    parts: list[tuple[int, int]] = []
    pos = start
    text = sentence[start:end]
    for m in _CONNECTIVE.finditer(text):
        left = sentence[pos : start + m.start()]
        if left and (w.title_end.search(left) or _org_end(left) == len(left)):
            parts.append((pos, start + m.start()))
            pos = start + m.end()
    for m in re.finditer(r"(?:现任|曾任|历任|担任|加入|毕业于|任)", sentence[pos:end]):
        left = sentence[pos : pos + m.start()]
        if m.start() > 0 and (w.title_end.search(left) or _org_end(left) == len(left)):
            parts.append((pos, pos + m.start()))
            pos = pos + m.end()
            break
    parts.append((pos, end))
    return parts


def _org_end(text: str, *, weak: bool = False) -> int:
    """Where the organisation at the start of ``text`` ends: after its last strong suffix (weak
    industry words when ``weak`` and no strong one), 0 when there is none."""
    w = words()
    ends = [m.end() for m in w.strong_org.finditer(text)]
    if not ends and weak:
        ends = [m.end() for m in w.weak_org.finditer(text) if m.end() >= 4]
    return ends[-1] if ends else 0


def _clause_entities(sentence: str, start: int, end: int) -> list[Entity]:
    w = words()
    start, end = _strip(sentence, start, end)
    text = sentence[start:end]
    if not text or len(text) > 60:
        return []

    def ent(label: str, a: int, b: int) -> Entity:
        return Entity(label, start + a, start + b, text[a:b])

    if re.fullmatch(r".{1,8}?(?:国籍|籍|公民)", text) and not text.startswith(("无", "有")):
        return [ent("CONT", 0, len(text))]
    if text in w.ethnic:
        return [ent("RACE", 0, len(text))]
    if re.fullmatch(rf"[{HAN}]{{2,8}}人", text) and (
        text.startswith(w.places) or re.search("[省市县区]", text)
    ):
        return [ent("LOC", 0, len(text))]
    m = w.degree_end.search(text)
    if m:
        out: list[Entity] = []
        org = _org_end(text[: m.start()])
        if org:
            out.append(ent("ORG", 0, org))
        if m.start() - org >= 2:
            out.append(ent("PRO", org, m.start()))
        out.append(ent("EDU", m.start(), len(text)))
        return out
    if text.endswith("专业") and len(text) >= 4:
        org = _org_end(text)
        org = org if org < len(text) - 2 else 0
        return ([ent("ORG", 0, org)] if org else []) + [ent("PRO", org, len(text))]
    head = w.title_end.search(text)
    if head:
        org = _org_end(text[: head.start()], weak=True)
        if org and len(text) - org >= 1:
            return [ent("ORG", 0, org), ent("TITLE", org, len(text))]
        return [ent("TITLE", 0, len(text))] if len(text) <= 20 else []
    org = _org_end(text)
    if org == len(text) and len(text) >= 2:
        return [ent("ORG", 0, len(text))]
    return []


_NAME_AT_START = re.compile(
    rf"^\s*(?P<n>[{HAN}]{{2,4}}?(?:·[{HAN}]{{2,8}})?)(?=先生|女士|同志|[，,：:（(\s]|$)"
)
_NAME_HONORIFIC = re.compile(rf"(?P<n>[{HAN}]{{1,8}})(?=先生|女士)")


def looks_like_name(text: str) -> bool:
    """2–4 Han characters starting with a common surname (single or compound)."""
    w = words()
    core = text.split("·")[0]
    if not 2 <= len(core) <= 4 or not re.fullmatch(f"[{HAN}]+", core):
        return False
    if core.startswith(w.compound_surnames):
        return len(core) >= 3
    return core[0] in w.surnames and not w.title_end.search(core) and not w.strong_org.search(core)


def _names(sentence: str) -> list[Entity]:
    out = []
    m = _NAME_AT_START.match(sentence)
    if m and looks_like_name(m.group("n")) and not words().triggers.fullmatch(m.group("n")):
        out.append(Entity("NAME", m.start("n"), m.end("n"), m.group("n")))
    for m in _NAME_HONORIFIC.finditer(sentence):
        run = m.group("n")
        # "黄先生", "杨帆先生"; in a longer run ("此外孙先生", "任杨帆先生") the last two characters
        for cand in [run] if len(run) <= 3 else [run[-2:], run[-1:]]:
            if looks_like_name(cand) or (len(cand) == 1 and cand in words().surnames):
                s = m.end() - len(cand)
                if not any(e.start <= s < e.end for e in out):
                    out.append(Entity("NAME", s, m.end(), cand))
                break
    return out


def tagged_names(sentence: str) -> list[str]:
    """Person names jieba's tagger finds (``nr``), checked against the surname list."""
    return [wd for wd, flag in tag(sentence) if flag == "nr" and looks_like_name(wd)]


def find_entities(sentence: str) -> list[Entity]:
    """Entities of one sentence, in order, never overlapping."""
    out = _names(sentence)
    taken = [(e.start, e.end) for e in out]
    for a, b in _chunks(sentence):
        # "杨帆先生曾任…": the clause goes on after the name
        a = max([a] + [n.end for n in out if n.label == "NAME" and a <= n.start < b and n.end < b])
        for s, e in _split_inner(sentence, a, b):
            for ent in _clause_entities(sentence, s, e):
                if not any(x < ent.end and ent.start < y for x, y in taken):
                    out.append(ent)
                    taken.append((ent.start, ent.end))
    return sorted(out, key=lambda e: e.start)


def degree_level(text: str) -> str | None:
    """Education level of a degree word ("硕士研究生" → master), None when there is none."""
    w = words()
    for word in sorted(w.degree_level, key=len, reverse=True):
        if word in text:
            return w.degree_level[word]
    if re.search("大学(?:学历|文化|毕业)", text):
        return "bachelor"
    return None
