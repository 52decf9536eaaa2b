"""All fields of one Chinese resume: the 51job/Zhaopin/BOSS layouts (headings such as 工作经历 and
教育经历, one entry per dated line, "公司 | 职位" parts) and free-form biographies ("2013年至今任…公司
副总经理"), after the sensitive facts are taken out (:mod:`talentflow.resumes.zh.sensitive`).

The result has the English parser's shape (:class:`talentflow.resumes.fields.Fields`), so
everything downstream (confidence, prescreen, identity, matching, the warehouse rows) is the same.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from talentflow.resumes.contact import find_email
from talentflow.resumes.contact import find_name as find_latin_name
from talentflow.resumes.dates import total_years
from talentflow.resumes.fields import Fields
from talentflow.resumes.model import Education, Experience
from talentflow.resumes.taxonomy import Taxonomy
from talentflow.resumes.zh.dates import ZhRange, find_ranges
from talentflow.resumes.zh.entities import (
    _org_end,
    degree_level,
    find_entities,
    looks_like_name,
    tagged_names,
    words,
)
from talentflow.resumes.zh.sensitive import REDACTED, redact
from talentflow.resumes.zh.text import HAN, HAN_RE, lexicon, spaced


@dataclass
class ZhParse:
    fields: Fields
    text: str
    """The resume text without its sensitive facts (what the parse keeps)."""
    dropped: list[str]
    """Kinds of sensitive facts that were found and dropped (gender, birth_date, ethnicity, …)."""


# ---- sections --------------------------------------------------------------------------------------
_DECOR = re.compile(r"^[\s#=*_~\-–—:：|>•■□●○◆◇▶►★☆【\[〖（(]+|[\s#=*_~\-–—:：|<•■□●○◆◇◀★☆】\]〗）)]+$")


def _heading(line: str) -> tuple[str, str] | None:
    """(section, inline rest) when ``line`` is a Chinese heading ("工作经历", "【教育背景】", "技能：…")."""
    stripped = line.strip()
    if not stripped or len(stripped) > 40:
        return None
    lookup = {h: sec for sec, hs in lexicon()["headings"].items() for h in hs}
    core = _DECOR.sub("", stripped).replace(" ", "")
    if core in lookup:
        return lookup[core], ""
    m = re.match(r"^[\s【\[■●◆]*([^\s:：】\]]{2,8})[】\]]?\s*[:：]\s*(.+)$", stripped)
    if m and m.group(1) in lookup and lookup[m.group(1)] in ("skills", "certifications", "languages"):
        return lookup[m.group(1)], m.group(2)
    return None


def split_sections(text: str) -> list[tuple[str, list[str]]]:
    """(canonical section, its lines) in order; the lines before the first heading are ``header``."""
    out: list[tuple[str, list[str]]] = [("header", [])]
    for line in text.split("\n"):
        h = _heading(line)
        if h:
            out.append((h[0], [h[1]] if h[1] else []))
        else:
            out[-1][1].append(line)
    return [(name, lines) for name, lines in out if name != "header" or any(ln.strip() for ln in lines)]


def _section(sections: list[tuple[str, list[str]]], *names: str) -> list[str]:
    return [ln for name, lines in sections if name in names for ln in lines]


# ---- contact ---------------------------------------------------------------------------------------
_MOBILE = re.compile(
    r"(?<![\d+])(?:(?:\+|00)\s*86[\s\-]*|86[\s\-]+)?(1[3-9]\d)[\s\-]?(\d{4})[\s\-]?(\d{4})(?!\d)"
)
_LANDLINE = re.compile(r"(?<![\d+])(?:(?:\+|00)\s*86[\s\-]*)?\(?(0\d{2,3})\)?[\s\-]?(\d{7,8})(?!\d)")
_LOCATION_LABEL = re.compile(
    r"(?:现居地|现居住地|现居住城市|现居城市|现居住于|现居于|现居住|现居|居住地|居住城市|所在地|所在城市|目前所在地|目前城市|"
    r"现所在地|现住址|住址|通讯地址|地址|城市)\s*[:：]?\s*(?P<v>[^\n|｜,，;；\t]+?)(?=\s{2,}|[\n|｜,，;；\t]|$)",
    re.M,
)


def find_phone_e164(text: str) -> str | None:
    """The first mainland mobile number (11 digits from 13x–19x, optionally +86), else a landline with
    its area code, as E.164 (``+8613812345678``)."""
    m = _MOBILE.search(text)
    if m:
        return "+86" + "".join(m.groups())
    labelled = re.search(r"(?:电话|手机|联系方式|Tel|tel|TEL|座机)\s*[:：]?\s*([^\n]{0,30})", text)
    if labelled:
        m = _LANDLINE.search(labelled.group(1))
        if m:
            return "+86" + m.group(1)[1:] + m.group(2)
    return None


def find_name_zh(header: list[str], text: str) -> str | None:
    m = re.search(rf"姓\s*名\s*[:：]?\s*([{HAN}·]{{2,12}}|[A-Z][a-z]+(?: [A-Z][a-z]+)+)", text[:3000])
    if m:
        return m.group(1)
    for line in [ln.strip() for ln in header if ln.strip()][:6]:
        first = re.split(r"\s*[|｜,，/·•\t]\s*|\s{2,}|\s+(?=\S)", line)[0].strip()
        first = re.sub(r"(?:先生|女士|的简历|简历|个人简历)$", "", first)
        if looks_like_name(first):
            return first
    for line in [ln for ln in header if ln.strip()][:6]:
        for ent in find_entities(line):
            if ent.label == "NAME":
                return ent.text
    for line in [ln for ln in header if ln.strip()][:3]:
        names = tagged_names(line)
        if names:
            return names[0]
    return find_latin_name(header, text)


def find_location_zh(header: list[str]) -> str | None:
    block = "\n".join(header)
    for m in _LOCATION_LABEL.finditer(block):
        line_start = block.rfind("\n", 0, m.start()) + 1
        if re.search("期望|意向|目标", block[line_start : m.start()]):
            continue  # 期望城市 is where they want to work, not where they live
        value = m.group("v").strip(" 。.")
        if value and REDACTED not in value:
            return value
    cities = lexicon()["cities"]
    for line in header[:8]:
        if re.search("期望|意向|目标|籍贯|户口|户籍", line):
            continue
        for part in re.split(r"\s*[|｜,，/·•\t]\s*|\s{2,}", line.replace(REDACTED, "|")):
            part = part.strip()
            if part.startswith(tuple(cities)) and len(part) <= 12 and not re.search(r"\d|@", part):
                return part
    return None


# ---- entries ---------------------------------------------------------------------------------------
_PART_SPLIT = re.compile(rf"\s*[|｜\t•·/]\s*|\s{{2,}}|(?<=[{HAN}）)])\s+|\s+(?=[{HAN}（(])")
_LABELLED = re.compile(
    r"^\s*(?P<k>公司名称|公司|单位名称|单位|企业|职位名称|职位|岗位|职务|担任职位|学校名称|学校|院校|毕业院校|"
    r"专业名称|专业|学历|学位|时间|工作时间|在校时间|部门|所属行业|行业|工作描述|工作内容|工作职责|职责|"
    r"主要职责|主要工作|业绩)\s*[:：]\s*(?P<v>.*)$"
)
_DESCRIPTION = ("工作描述", "工作内容", "工作职责", "职责", "主要职责", "主要工作", "业绩")


_STARTS_ENTRY = ("公司名称", "公司", "单位名称", "单位", "企业", "学校名称", "学校", "院校", "毕业院校")
_TIME_KEYS = ("时间", "工作时间", "在校时间")


def _blocks(lines: list[str]) -> list[tuple[ZhRange | None, list[str]]]:
    """Lines grouped into entries: a new entry at each line with a date range, or at a labelled
    "公司名称：" / "学校：" line; a labelled "时间：" line dates the entry it is in."""
    out: list[list] = []
    for line in lines:
        if not line.strip():
            continue
        lab = _LABELLED.match(line)
        ranges = find_ranges(line)
        if lab and lab.group("k") in _STARTS_ENTRY:
            out.append([None, [line]])
        elif ranges and lab and lab.group("k") in _TIME_KEYS and out and out[-1][0] is None:
            out[-1][0] = ranges[0]
        elif ranges:
            out.append([ranges[0], [line]])
        elif out:
            out[-1][1].append(line)
        else:
            out.append([None, [line]])
    return [(rng, block) for rng, block in out]


def _parts(line: str) -> list[str]:
    ranges = find_ranges(line)
    if ranges:
        line = line[: ranges[0].span[0]] + "  " + line[ranges[0].span[1] :]
    parts = [p.strip(" :：-–—()（）") for p in _PART_SPLIT.split(line)]
    return [p for p in parts if p and REDACTED not in p]


def _is_org(part: str) -> bool:
    core = re.sub(r"[（(][^（()）]*[）)]$", "", part)
    return len(core) >= 4 and _org_end(core, weak=True) >= len(core) - 1


def _is_title(part: str) -> bool:
    return bool(words().title_end.search(part)) and len(part) <= 20


def _experience_entry(rng: ZhRange | None, lines: list[str]) -> Experience | None:
    company = title = None
    bullets: list[str] = []
    loose: list[str] = []
    for i, line in enumerate(lines):
        lab = _LABELLED.match(line)
        if lab:
            k, v = lab.group("k"), lab.group("v").strip()
            if k in ("公司名称", "公司", "单位名称", "单位", "企业"):
                company = company or v
            elif k in ("职位名称", "职位", "岗位", "职务", "担任职位"):
                title = title or v
            elif k in _DESCRIPTION and v:
                bullets.append(v)
            continue
        if i <= 1 and not (company and title):
            parts = _parts(line)
            # "公司 | 职位" parts; a sentence ("…至今任…公司高级工程师，负责…") goes to the entity reader
            sentence = any(
                re.search("[,，。;；]", p) or (not (_is_org(p) or _is_title(p)) and len(p) > 12)
                for p in parts
            )
            if len(parts) <= 4 and all(len(p) <= 30 for p in parts) and not sentence:
                for p in parts:
                    if title is None and _is_title(p):  # "算法工程师" ends in a title, not in 工程
                        title = p
                    elif company is None and _is_org(p):
                        company = p
                    else:
                        loose.append(p)
                continue
            # free text: "2015年7月至今任北京某某科技有限公司高级工程师"
            for ent in find_entities(line):
                if ent.label == "ORG" and company is None:
                    company = ent.text
                elif ent.label == "TITLE" and title is None:
                    title = ent.text
            if company or title:
                continue
        text = re.sub(r"^\s*(?:[•\-*·]|\d+[.、)）])\s*", "", line).strip()
        if text:
            bullets.append(text)
    loose = [p for p in loose if not re.fullmatch(r"[\d\s.年月\-–—~至今]+", p) and len(p) >= 2]
    if company is None and loose:
        company = loose.pop(0)
    if title is None and loose:
        title = loose.pop(0)
    if not (company or title):
        return None
    return Experience(
        company=company,
        title=title,
        start=rng.start if rng else None,
        end=rng.end if rng else None,
        bullets=bullets,
    )


def parse_experience_zh(lines: list[str]) -> list[Experience]:
    return [e for rng, block in _blocks(lines) if (e := _experience_entry(rng, block))]


def _education_entry(rng: ZhRange | None, lines: list[str]) -> Education | None:
    school = major = degree = None
    for line in lines[:3]:
        lab = _LABELLED.match(line)
        if lab:
            k, v = lab.group("k"), lab.group("v").strip()
            if k in ("学校名称", "学校", "院校", "毕业院校"):
                school = school or v
            elif k in ("专业名称", "专业"):
                major = major or v
            elif k in ("学历", "学位"):
                degree = degree or v
            continue
        for p in _parts(line):
            level = degree_level(p)
            if school is None and re.search(_alt_suffix(), p) and len(p) >= 4:
                school = p
            elif degree is None and level and len(p) <= 12:
                degree = p
            elif major is None and len(p) <= 20 and HAN_RE.search(p) and not re.search(r"\d", p):
                major = re.sub(r"专业$", "", p) or p
    if school is None and degree is None:
        text = " ".join(lines[:2])
        for ent in find_entities(text):
            if ent.label == "ORG" and school is None:
                school = ent.text
            elif ent.label == "EDU" and degree is None:
                degree = ent.text
            elif ent.label == "PRO" and major is None:
                major = re.sub(r"专业$", "", ent.text)
    if not (school or degree):
        return None
    year = int(rng.end[:4]) if rng and rng.end else None
    return Education(
        degree=degree,
        degree_level=degree_level(degree or ""),
        school=school,
        year=year,
        major=major,
        start=rng.start if rng else None,
    )


def _alt_suffix() -> str:
    return "(?:" + "|".join(re.escape(s) for s in lexicon()["school_suffixes"]) + ")"


def parse_education_zh(lines: list[str]) -> list[Education]:
    return [e for rng, block in _blocks(lines) if (e := _education_entry(rng, block))]


# ---- free-form biographies -------------------------------------------------------------------------
def _free_form(text: str) -> tuple[list[Experience], list[Education]]:
    """Jobs and degrees from running text: each sentence's date range, organisations and titles."""
    jobs: list[Experience] = []
    schools: list[Education] = []
    for sentence in re.split(r"(?<=[。；;\n])", text):
        ranges = find_ranges(sentence)
        ents = [e for e in find_entities(sentence) if REDACTED not in e.text]
        org = None
        for ent in ents:
            if ent.label == "ORG":
                org = ent.text
            elif ent.label == "TITLE" and org:
                rng = ranges[0] if ranges else None
                jobs.append(
                    Experience(
                        company=org,
                        title=ent.text,
                        start=rng.start if rng else None,
                        end=rng.end if rng else None,
                    )
                )
                org = None
            elif ent.label == "EDU":
                year = re.search(r"((?:19|20)\d\d)\s*年", sentence)
                schools.append(
                    Education(
                        degree=ent.text,
                        degree_level=degree_level(ent.text),
                        school=org,
                        year=int(year.group(1)) if year else None,
                        major=next((e.text.removesuffix("专业") for e in ents if e.label == "PRO"), None),
                    )
                )
    if any(e.school for e in schools):  # "硕士研究生学历" in the profile, then the dated degrees
        schools = [e for e in schools if e.school]
    return [j for j in jobs if j.start], schools


# ---- lists -----------------------------------------------------------------------------------------
_ITEM_SPLIT = re.compile(r"[、，,；;\n|｜/]|\s{2,}")


def _items(lines: list[str]) -> list[str]:
    out = []
    for line in lines:
        line = re.sub(r"^\s*(?:[•\-*·]|\d+[.、)）])\s*", "", line)
        out += [i.strip(" 。.") for i in _ITEM_SPLIT.split(line) if i.strip(" 。.")]
    return out


def find_languages_zh(text: str, taxonomy: Taxonomy) -> list[str]:
    found: dict[str, None] = {}
    names = {alias: name for name, aliases in lexicon()["spoken_languages"].items() for alias in aliases}
    for alias in sorted(names, key=len, reverse=True):
        if alias in text:
            found.setdefault(names[alias], None)
    if re.search(r"CET-?[46]|英语[四六]级|专业英语[四八]级|TEM-?[48]|雅思|IELTS|托福|TOEFL", text):
        found.setdefault("English", None)
    for item in _items(text.split("\n")):
        hit = taxonomy.spoken_language(re.sub(r"[（(].*$", "", item).strip())
        if hit:
            found.setdefault(hit, None)
    return list(found)


def _without(text: str, names: set[str]) -> str:
    for name in sorted((n for n in names if n and len(n) > 1), key=len, reverse=True):
        text = text.replace(name, " ")
    return text


# ---- all fields ------------------------------------------------------------------------------------
def parse_zh(text: str, taxonomy: Taxonomy, as_of: date | None = None) -> ZhParse:
    """All fields of one normalised Chinese resume text, its sensitive facts dropped first."""
    clean, dropped = redact(text)
    sections = split_sections(clean)
    header = _section(sections, "header", "contact")
    experience = parse_experience_zh(_section(sections, "experience"))
    education = parse_education_zh(_section(sections, "education"))
    free_form = not experience and not education
    if free_form:
        experience, education = _free_form(clean)
    skills_lines = _section(sections, "skills")
    cert_lines = _section(sections, "certifications")
    employers = {e.company for e in experience if e.company} | {e.title for e in experience if e.title}
    employers |= {e.school for e in education if e.school}
    skills = taxonomy.find_skills(spaced(_without(clean, employers)), spaced("\n".join(skills_lines)))
    cert_scope = (
        clean.split("\n")
        if free_form
        else _section(sections, "header", "contact", "summary", "skills", "certifications", "education")
    )
    certs = list(
        dict.fromkeys(
            taxonomy.find_certifications(spaced("\n".join(cert_scope)))
            + [
                item
                for item in _items(cert_lines)
                if not taxonomy.find_certifications(spaced(item)) and 2 <= len(item) <= 30
            ]
        )
    )
    summary = " ".join(ln.strip() for ln in _section(sections, "summary") if ln.strip())[:1000] or None
    return ZhParse(
        fields=Fields(
            name=find_name_zh(header or clean.split("\n")[:8], clean),
            email=find_email(clean),
            phone=find_phone_e164("\n".join(header)) or find_phone_e164(clean),
            location=find_location_zh(header or clean.split("\n")[:8]),
            summary=summary,
            skills=skills,
            education=education,
            experience=experience,
            experience_years=total_years([(e.start, e.end) for e in experience if e.start], as_of),
            certifications=certs,
            languages=find_languages_zh(
                "\n".join(_section(sections, "languages") + skills_lines + cert_lines), taxonomy
            ),
            projects=[ln.strip() for ln in _section(sections, "projects") if ln.strip()],
            sections=[name for name, _ in sections],
        ),
        text=clean,
        dropped=dropped,
    )


def is_chinese(text: str) -> bool:
    """A resume is read as Chinese when at least a fifth of its letters are Han characters and it is
    not Japanese (kana) or Korean (hangul), which write Han characters too."""
    letters = sum(ch.isalpha() for ch in text)
    han = len(HAN_RE.findall(text))
    other = len(re.findall(r"[\u3040-\u30ff\uac00-\ud7af]", text))
    return letters > 0 and han / letters >= 0.2 and other < 0.1 * han
