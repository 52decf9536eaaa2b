"""Chinese resumes end to end through parse_resume: the 51job, Zhaopin (also GBK-encoded), BOSS,
free-form, Word-table and PDF layouts of tests/fixtures/resumes_zh/.

These resumes were written by the team to exercise the layouts (mechanics, not accuracy: the accuracy
figures come from the real ResumeNER train split, test_resume_zh_resumener.py)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from talentflow.resumes.parse import parse_resume, parse_text
from talentflow.resumes.zh import count_units, count_words
from talentflow.resumes.zh.fields import find_phone_e164
from talentflow.resumes.zh.sensitive import redact

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "resumes_zh"
AS_OF = date(2024, 6, 1)

EXPECTED = {
    "01_51job_java.txt": {
        "name": "张伟",
        "phone": "+8613812345678",
        "email": "zhangwei.dev@example.com",
        "location": "上海-浦东新区",
        "jobs": [
            ("上海云帆网络科技有限公司", "高级Java开发工程师", "2019-07", None),
            ("杭州数立信息技术有限公司", "Java开发工程师", "2016-07", "2019-06"),
        ],
        "education": [("浙江大学", "本科", "bachelor", "计算机科学与技术", 2016)],
        "skills": {"Java", "MySQL", "Redis", "Kafka", "Docker", "Kubernetes", "Machine Learning"},
        "certifications": {"CET-6", "PMP"},
        "languages": {"English", "Mandarin"},
        "dropped": {
            "gender",
            "birth_date",
            "ethnicity",
            "marital_status",
            "political_affiliation",
            "native_place",
            "id_number",
        },
    },
    "02_boss_product.txt": {
        "name": "李娜",
        "phone": "+8613800138000",
        "location": "北京",
        "jobs": [
            ("北京字跃科技有限公司", "产品经理", "2021-03", None),
            ("杭州萤火网络技术有限公司", "产品助理", "2019-07", "2021-02"),
        ],
        "education": [("复旦大学", "本科", "bachelor", "市场营销", 2019)],
        "skills": {"SQL", "Tableau", "Figma", "Data Analysis", "Project Management"},
        "certifications": {"CET-6", "PMP"},
        "languages": {"English"},
        "dropped": {"gender", "birth_date"},
    },
    "03_free_form_finance.txt": {
        "name": "王芳",
        "phone": "+8613912345678",
        "location": "深圳",
        "jobs": [
            ("普华永道中天会计师事务所", "审计经理", "2010-07", "2015-12"),
            ("上海浦东发展银行股份有限公司", "财务部副总经理", "2016-01", "2020-03"),
            ("深圳鹏程新能源科技股份有限公司", "财务总监", "2020-04", None),
        ],
        "education": [
            ("上海财经大学", "学士学位", "bachelor", "会计学", 2007),
            ("中国人民大学", "硕士学位", "master", "财务管理", 2010),
        ],
        "certifications": {"CPA"},
        "dropped": {"gender", "birth_date", "ethnicity", "nationality", "political_affiliation"},
    },
    "04_zhaopin_ops.txt": {
        "name": "陈晓明",
        "phone": "+8613700001111",
        "location": "南京-鼓楼区",
        "jobs": [
            ("南京瑞丰物流有限公司", "运营经理", "2018-03", None),
            ("苏州恒通供应链管理有限公司", "运营专员", "2015-07", "2018-02"),
        ],
        "education": [("南京理工大学", "本科", "bachelor", "物流管理", 2015)],
        "skills": {"Supply Chain Management", "Inventory Management", "SAP", "Excel"},
        "languages": {"English", "Japanese"},
        "dropped": {"gender", "marital_status", "birth_date", "native_place"},
    },
    "06_docx_table_template.docx": {
        "name": "刘洋",
        "phone": "+8618620003000",
        "location": "成都",
        "jobs": [
            ("成都天府数据科技有限公司", "数据分析师", "2020-08", None),
            ("重庆长鸣电子商务有限公司", "数据运营专员", "2018-07", "2020-07"),
        ],
        "education": [("西南财经大学", "本科", "bachelor", "统计学", 2018)],
        "skills": {"Python", "SQL", "Tableau", "Machine Learning", "Data Visualization"},
        "certifications": {"CET-4", "NCRE Level 2"},
        "dropped": {"gender", "birth_date", "ethnicity", "marital_status", "political_affiliation", "photo"},
    },
    "07_pdf_frontend.pdf": {
        "name": "赵磊",
        "phone": "+8615988887777",
        "location": "广州",
        "jobs": [
            ("广州云启信息科技有限公司", "高级前端开发工程师", "2021-04", None),
            ("深圳知行网络有限公司", "前端开发工程师", "2019-07", "2021-03"),
        ],
        "education": [("华南理工大学", "本科", "bachelor", "软件工程", 2019)],
        "skills": {"React", "TypeScript", "Vue.js", "JavaScript"},
        "languages": {"English", "Mandarin"},
    },
}
EXPECTED["08_mixed_entries.txt"] = {  # sentences, a labelled block, a brand without a suffix
    "name": "欧阳娜娜",
    "phone": "+8613500001111",
    "location": "武汉",
    "jobs": [
        ("武汉光谷芯片科技有限公司", "高级工程师", "2015-07", None),
        ("武汉邮电科学研究院", "硬件工程师", "2012-07", "2015-06"),
        ("深圳前海微众银行股份有限公司", "风控经理", "2010-03", "2012-06"),
        ("字节跳动", "算法实习生", "2009-03", "2010-02"),
    ],
    "education": [
        ("华中科技大学", "硕士", "master", "电子信息工程", 2010),
        ("武汉大学", "学士", "bachelor", "电子信息工程", 2007),
    ],
    "skills": {"Python", "C++", "Embedded Systems", "Linux"},
    "dropped": {"gender"},
}
EXPECTED["05_gbk_zhaopin_ops.txt"] = EXPECTED["04_zhaopin_ops.txt"]

SENSITIVE_VALUES = [
    "1992年3月15日",
    "汉族",
    "已婚",
    "中共党员",
    "河南郑州",
    "410102199203150036",
    "27岁",
    "1985年6月出生",
    "1990年8月生",
    "回族",
    "未婚",
    "群众",
    "[照片]",
    "江苏南京",
]


@pytest.fixture(scope="module")
def parsed():
    return {name: parse_resume(FIXTURES / name, as_of=AS_OF) for name in EXPECTED}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_chinese_layouts_parse(parsed, name):
    p, want = parsed[name], EXPECTED[name]
    assert p.language == "zh-CN"
    for key in ("name", "phone", "email", "location"):
        if key in want:
            assert getattr(p, key) == want[key], key
    assert [(j.company, j.title, j.start, j.end) for j in p.experience] == want["jobs"]
    assert [(e.school, e.degree, e.degree_level, e.major, e.year) for e in p.education] == want["education"]
    assert want.get("skills", set()) <= set(p.skills)
    assert want.get("certifications", set()) <= set(p.certifications)
    assert want.get("languages", set()) <= set(p.languages)
    assert not p.needs_review, p.review_reasons


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sensitive_facts_reach_no_field_and_not_the_kept_text(parsed, name):
    p = parsed[name]
    dump = p.model_dump_json()
    for value in SENSITIVE_VALUES:
        assert value not in p.text and value not in dump, value
    source = (FIXTURES / name).read_bytes()
    if name.endswith(".txt") and "gbk" not in name:
        _, dropped = redact(source.decode("utf-8"))
        assert set(EXPECTED[name].get("dropped", set())) <= set(dropped)


def test_present_counts_to_as_of_and_years_add_up(parsed):
    p = parsed["01_51job_java.txt"]
    assert p.experience[0].end is None  # 至今
    assert p.experience_years == pytest.approx(7.9, abs=0.2)  # 2016-07 .. 2024-06


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("手机：13812345678", "+8613812345678"),
        ("手机：+86 138-1234-5678", "+8613812345678"),
        ("电话 0086 13812345678", "+8613812345678"),
        ("Tel: 86-13812345678", "+8613812345678"),
        ("电话：010-62751234", "+861062751234"),
        ("身份证 110101199001011234 无手机", None),
    ],
)
def test_phones_come_out_as_e164(raw, e164):
    assert find_phone_e164(redact(raw)[0]) == e164


def test_english_resumes_still_go_to_the_english_parser():
    p = parse_text("Jane Doe\njane@example.com\n\nExperience\nData Engineer, Acme Corp, 2019 - 2023\n")
    assert p.language == "en" and p.name == "Jane Doe"


def test_lengths_count_chinese_words_not_spaces():
    bullet = "负责订单系统的后端服务设计与开发"
    assert len(bullet.split()) == 1
    assert count_words(bullet) >= 6
    assert count_units(bullet) == len(bullet)
    assert count_units("使用 Spring Boot 开发") == 2 + 2 + 2
    assert count_words("Built the data platform") == 4


def test_chinese_skill_synonyms_map_to_canonical_skills(taxonomy):
    from talentflow.resumes.zh.text import spaced

    found = taxonomy.find_skills(spaced("熟悉机器学习、深度学习和数据分析，负责项目管理"))
    assert {"Machine Learning", "Deep Learning", "Data Analysis", "Project Management"} <= set(found)


def _resume_with_bullets(bullets: list[str]) -> str:
    lines = "\n".join(f"- {b}" for b in bullets)
    return (
        "周杰\n手机：13600001234\n\n工作经历\n"
        f"2019.03 - 至今    上海明途软件有限公司    后端开发工程师\n{lines}\n\n"
        "教育经历\n2013.09 - 2017.06    同济大学    软件工程    本科\n"
    )


def test_prescreen_counts_chinese_bullets_by_words_and_reads_chinese_outcomes():
    from talentflow.resumes.prescreen import prescreen

    vague = [
        "负责订单系统的后端服务开发",
        "参与支付网关的接口设计",
        "维护缓存和消息队列的稳定运行",
        "编写技术文档并参加代码评审",
    ]
    p = parse_text(_resume_with_bullets(vague), as_of=AS_OF)
    assert len(p.experience[0].bullets) == 4
    kinds = {f.kind for f in prescreen(p, as_of=AS_OF).focus_points}
    assert "unquantified_projects" in kinds  # four Chinese bullets are four items, not "1 word" each

    measured = [
        "负责订单系统开发，吞吐量提升一倍",
        "重构支付网关，故障率降低了一半",
        "优化缓存策略，节省服务器成本",
        "编写技术文档",
    ]
    p = parse_text(_resume_with_bullets(measured), as_of=AS_OF)
    assert "unquantified_projects" not in {f.kind for f in prescreen(p, as_of=AS_OF).focus_points}


@pytest.mark.parametrize(
    ("line", "kind", "gone"),
    [
        ("性别：女    年龄：29", "gender", "女"),
        ("出生年月：1995.04", "birth_date", "1995.04"),
        ("王磊，男，1978年5月出生，本科学历", "birth_date", "1978年5月"),
        ("生于1966年，硕士", "birth_date", "1966"),
        ("民族：壮族", "ethnicity", "壮族"),
        ("婚姻状况：已婚已育", "marital_status", "已婚已育"),
        ("政治面貌：中共预备党员", "political_affiliation", "预备党员"),
        ("身份证号：11010519491231002X", "id_number", "11010519491231002X"),
        ("籍贯：湖南长沙  户口所在地：长沙", "native_place", "湖南长沙"),
        ("美国国籍，无境外居留权", "nationality", "美国国籍"),
        ("身高：175cm  体重：70kg", "health", "175cm"),
        ("【照片】", "photo", "照片"),
    ],
)
def test_redaction_drops_each_kind(line, kind, gone):
    text, kinds = redact(line)
    assert kind in kinds
    assert gone not in text


def test_redaction_keeps_what_is_not_sensitive():
    line = "2019.07 - 至今  上海云帆网络科技有限公司  高级Java开发工程师  负责订单增长"
    assert redact(line) == (line, [])


def test_chinese_dates_and_ranges():
    from talentflow.resumes.zh.dates import find_ranges

    got = [
        (r.start, r.end)
        for r in find_ranges("2016年7月至2019年6月；2019.07-至今；2012/9 ~ 2016/6；2015 - 2019")
    ]
    assert got == [("2016-07", "2019-06"), ("2019-07", None), ("2012-09", "2016-06"), ("2015-01", "2019-12")]


def test_japanese_is_not_read_as_chinese():
    from talentflow.resumes.zh import is_chinese

    assert is_chinese("张伟\n工作经历\n2019年7月至今 上海云帆网络科技有限公司 高级工程师")
    assert not is_chinese(
        "山田太郎\n職務経歴\n2019年7月から東京のソフトウェア会社でエンジニアとして勤務しています"
    )
    assert not is_chinese("Jane Doe, Data Engineer at Acme (2019-2023)")
