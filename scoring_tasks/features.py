"""What an answer says, as transparent text features: STAR structure, specificity, depth.

These are rules a reviewer can read and an HR user can be shown: which sentence gave the situation,
which one the candidate's own action, which one a measurable result. They complement the
embedding similarity to the rubric's anchors in ``score.py``.

Chinese answers (any sentence with Han characters) are split on 。！？； and read with Chinese cues
(``ZH_*``: 当时/去年 for the situation, 我负责 for the task, 我 + a verb for the candidate's own action,
结果/提高了/减少了 for the result, 我们/团队 against 我, 一般/我觉得 for generalities); words are counted
with jieba (``languages.count_words``), never by spaces.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from scoring_tasks.languages import count_words, has_han

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])")
_MAX_SENTENCE_WORDS = 40

_NUMBER_WORDS = (
    r"two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
    r"seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|"
    r"thousand|million|billion|half|halved|third|quarter|double|doubled|twice|triple|tripled|"
    r"percent|per cent"
)
QUANTITY = re.compile(rf"(?:\d+(?:[.,]\d+)*\s*%?|\b(?:{_NUMBER_WORDS})\b)", re.I)

_IRREGULAR_PAST = (
    r"built|made|wrote|rewrote|led|set|ran|took|gave|found|brought|chose|met|told|spoke|began|"
    r"sent|held|drew|put|sought|taught|broke|did|went|got|kept|cut|moved|reached|won|sold|paid|"
    r"showed|knew|understood|paired|split|shut|spent|stood|thought through|undertook|oversaw|"
    r"rebuilt|withdrew|fixed|saw|heard|read|sat|stayed|made sure"
)
_ADVERB = r"(?:\w+ly |then |also |first |personally |immediately |finally |just |actually |still )?"
OWN_ACTION = re.compile(rf"\bI {_ADVERB}(?:\w+ed\b|(?:{_IRREGULAR_PAST})\b|decided to\b)", re.I)
# "I" as the grammatical subject of something the candidate did, not of an opinion or a habit.
_I_HEDGE = (
    r"think|believe|guess|feel|would|'d|am|'m|like|love|hope|try|always|usually|prefer|don't|"
    r"do not|can't|cannot|mean|suppose|know|really|just think|generally|normally"
)
OWN_SUBJECT = re.compile(rf"\bI\b(?!\s+(?:{_I_HEDGE})\b)(?!')", re.I)
COLLECTIVE = re.compile(r"\b(?:we|us|our|ours|the team|everyone|everybody|they|people)\b", re.I)
GENERIC = re.compile(
    r"\b(?:always|usually|generally|normally|typically|in general|I would|I'd|I think|I believe|"
    r"I guess|probably|somehow|things|stuff|a lot of|I try to|I like to|I am a|I'm a|good at|"
    r"team player|hard worker|fast learner|people person|it depends|whatever|kind of|sort of)\b",
    re.I,
)

STAR_PATTERNS = {
    "situation": re.compile(
        r"\b(?:when|while|last (?:year|month|week|quarter|summer|spring|autumn|winter)|"
        r"(?:a few |two |three |several )?(?:years?|months?|weeks?) ago|"
        r"in my (?:last|previous|current|first|old|former) (?:job|role|position|company|team)|"
        r"at my (?:last|previous|current|former) (?:job|company|employer|workplace)|"
        r"at (?:a|an|my) (?:\w+ )?(?:company|startup|bank|hospital|store|shop|warehouse|plant|factory|agency|firm)|"
        r"one time|there was|there were|we had|during|our (?:client|customer|biggest|largest|main|"
        r"key|system|service|warehouse|team|department|project|product)|the situation)\b",
        re.I,
    ),
    "task": re.compile(
        r"\b(?:I was (?:responsible|asked|tasked|in charge|given|supposed|expected|hired)|"
        r"my (?:goal|task|job|role|responsibility|aim|target|challenge|brief) was|"
        r"the (?:goal|task|aim|target|challenge|problem|deadline|objective|issue) was|"
        r"(?:I|we) (?:had|needed|wanted) to|needed to|had to|in order to|deadline|target|objective)\b",
        re.I,
    ),
    "result": re.compile(
        r"\b(?:as a result|result(?:ed|s)?|outcome|in the end|afterwards|since then|which meant|"
        r"that meant|led to|so that|reduced|increased|improved|cut|fell|dropped|rose|grew|saved|"
        r"doubled|halved|won|delivered|achieved|went (?:up|down)|came down|became|promoted|"
        r"approved|adopted|stopped|solved|resolved|on time|ahead of|faster|fewer|lower|higher)\b",
        re.I,
    ),
}


# ---- Chinese cues ------------------------------------------------------------------------------
_ZH_SENTENCE_END = re.compile(r"(?<=[。！？；!?;…])[”’」』）)]*\s*")
_ZH_MAX_SENTENCE_CHARS = 80  # unpunctuated speech is cut at the nearest comma (or hard) beyond this
_ZH_NUMERAL = "一二三四五六七八九十百千万亿两半几"
ZH_QUANTITY = re.compile(
    rf"(?:\d+(?:[.,．]\d+)*\s*[%％]?|百分之[{_ZH_NUMERAL}\d]+|(?:一(?=[十百千万亿])|[{_ZH_NUMERAL[1:]}])"
    rf"[{_ZH_NUMERAL}]*(?:个|倍|成|周|天|月|年|"
    rf"小时|分钟|秒|人|名|次|家|项|元|块|万|千|百|条|套|场|单|笔|款|位|批)|一半|翻了?一番|翻倍|加倍|减半)"
)
_ZH_VERBS = (
    "分析|设计|组织|制定|推动|编写|写|建立|搭建|调整|解释|沟通|安排|召集|发现|提出|带领|联系|整理|优化|"
    "重构|实现|开发|说服|协调|培训|检查|修复|解决|准备|发送|发了|改|修改|重写|梳理|拆分|调研|调查|测试|"
    "对比|比较|列出|计算|统计|访谈|拜访|约|打电话|跟进|主导|牵头|决定|选择|引入|增加|加了|上线|部署|"
    "汇报|告诉|说明|演示|辅导|指导|帮助|帮|教|请|找|把|向|给|跟|和.{0,6}一起|亲自|主动|首先|先|然后|接着|"
    "随后|最后|立即|马上|当天|连夜|用|花了|做了|[\u4e00-\u9fff]{1,3}了"
)
ZH_OWN_ACTION = re.compile(rf"我(?!们)(?:{_ZH_VERBS})")
ZH_OWN_SUBJECT = re.compile(r"我(?!们|觉得|认为|相信|想|猜|希望|喜欢|一般|通常|总是|是一个|是个|比较)")
ZH_COLLECTIVE = re.compile(r"我们|咱们|大家|团队|他们|所有人|每个人")
ZH_GENERIC = re.compile(
    r"一般|通常|总是|往往|基本上|我觉得|我认为|我相信|我想|可能|大概|应该|之类|什么的|各种|很多事情|"
    r"团队合作者|团队精神|学习能力强|吃苦耐劳|责任心强|沟通能力强|看情况|差不多|还行|挺好|很好"
)
ZH_STAR_PATTERNS = {
    "situation": re.compile(
        r"当时|那时|那次|有一次|去年|前年|上个?月|上周|上半年|下半年|年前|个月前|年初|年底|期间|背景|"
        r"在我(?:上一|之前|以前|目前|现在|第一|原来)?(?:家|份)?的?(?:公司|工作|岗位|团队|部门|项目|单位)|"
        r"在(?:一家|上一家|之前的|原来的)|我们(?:公司|部门|项目|系统|客户)的|遇到|出现了?|发生了?"
    ),
    "task": re.compile(
        r"我负责|我被要求|我的(?:任务|目标|职责|工作)是|任务是|目标是|需要|要求|必须|得在|截止|期限|指标|"
        r"为了|以便|挑战是|问题是|我要|我们要"
    ),
    "result": re.compile(
        r"结果|最终|最后|因此|所以|从而|使得|导致|之后|此后|以后再|提高了?|提升了?|增加了?|增长了?|"
        r"减少了?|降低了?|下降了?|缩短了?|节省了?|节约了?|完成了|达成|实现了|获得了?|赢得了?|拿下|"
        r"解决了|按时|提前|成功|满意|通过了|批准|采纳|沿用|被评为|晋升|再也没有|没有再"
    ),
}


def _split_zh(text: str) -> list[str]:
    out: list[str] = []
    for sentence in _ZH_SENTENCE_END.split(text):
        sentence = sentence.strip()
        while len(sentence) > _ZH_MAX_SENTENCE_CHARS:
            cut = max(
                sentence.rfind("，", 0, _ZH_MAX_SENTENCE_CHARS),
                sentence.rfind(",", 0, _ZH_MAX_SENTENCE_CHARS),
            )
            cut = cut + 1 if cut > 10 else _ZH_MAX_SENTENCE_CHARS
            out.append(sentence[:cut].strip())
            sentence = sentence[cut:].strip()
        if sentence:
            out.append(sentence)
    return out


def split_sentences(text: str) -> list[str]:
    """Sentences of ``text``; long unpunctuated stretches (raw speech) are cut every ~40 words
    (Chinese: split on 。！？； and cut at a comma beyond 80 characters)."""
    text = re.sub(r"\s+", " ", text or "").strip()
    if not text:
        return []
    if has_han(text):
        return _split_zh(text)
    out: list[str] = []
    for sentence in _SENTENCE_END.split(text):
        words = sentence.split()
        for start in range(0, len(words), _MAX_SENTENCE_WORDS):
            piece = " ".join(words[start : start + _MAX_SENTENCE_WORDS]).strip()
            if piece:
                out.append(piece)
    return out


@dataclass(frozen=True)
class _Cues:
    star: dict[str, re.Pattern]
    own_action: re.Pattern
    own_subject: re.Pattern
    collective: re.Pattern
    generic: re.Pattern
    quantity: re.Pattern


_EN_CUES = _Cues(STAR_PATTERNS, OWN_ACTION, OWN_SUBJECT, COLLECTIVE, GENERIC, QUANTITY)
_ZH_CUES = _Cues(ZH_STAR_PATTERNS, ZH_OWN_ACTION, ZH_OWN_SUBJECT, ZH_COLLECTIVE, ZH_GENERIC, ZH_QUANTITY)


def _cues(text: str) -> _Cues:
    return _ZH_CUES if has_han(text) else _EN_CUES


def sentence_signals(sentence: str) -> list[str]:
    """Which STAR parts and specificity markers one sentence shows (for evidence and explanations)."""
    cues = _cues(sentence)
    signals = [part for part, pattern in cues.star.items() if pattern.search(sentence)]
    if cues.own_action.search(sentence):
        signals.insert(min(2, len(signals)), "action")
    if cues.quantity.search(sentence):
        signals.append("quantity")
    if cues.generic.search(sentence):
        signals.append("generic")
    return signals


@dataclass
class TextFeatures:
    """Rule-based features of one answer, each in [0, 1] except the counts."""

    words: int
    sentences: list[str]
    star_parts: dict[str, bool]
    quantities: int
    own_mentions: int
    collective_mentions: int
    generic_mentions: int
    signals: list[list[str]] = field(default_factory=list)
    # different words in the sentences that count (answer_checks.py): saying more of the same, or
    # filler around it, does not add depth
    distinct_words: int | None = None

    @property
    def star(self) -> float:
        """Share of situation, task, action and result present."""
        return sum(self.star_parts.values()) / 4.0

    @property
    def own_ratio(self) -> float:
        """Own actions ("I did") against collective, general ones ("we", "the team")."""
        total = self.own_mentions + self.collective_mentions
        return self.own_mentions / total if total else 0.0

    @property
    def generic_rate(self) -> float:
        return min(1.0, self.generic_mentions / max(1, len(self.sentences)))

    @property
    def specificity(self) -> float:
        """Numbers and outcomes, own actions over "we", few generalities."""
        return round(
            0.45 * min(1.0, self.quantities / 3.0) + 0.30 * self.own_ratio + 0.25 * (1.0 - self.generic_rate),
            4,
        )

    @property
    def depth(self) -> float:
        """Enough said to judge: 70 different words (when known; else 90 words) count in full."""
        if self.distinct_words is not None:
            return min(1.0, self.distinct_words / 70.0)
        return min(1.0, self.words / 90.0)

    def as_dict(self) -> dict:
        return {
            "words": self.words,
            "star": round(self.star, 3),
            "star_parts": self.star_parts,
            "specificity": round(self.specificity, 3),
            "quantities": self.quantities,
            "own_ratio": round(self.own_ratio, 3),
            "generic_rate": round(self.generic_rate, 3),
            "depth": round(self.depth, 3),
            "distinct_words": self.distinct_words,
        }


def text_features(text: str, sentences: list[str] | None = None) -> TextFeatures:
    sentences = split_sentences(text) if sentences is None else sentences
    joined = " ".join(sentences)
    cues = _cues(joined)
    signals = [sentence_signals(s) for s in sentences]
    star_parts = {
        "situation": any("situation" in s for s in signals),
        "task": any("task" in s for s in signals),
        "action": any("action" in s for s in signals),
        "result": any("result" in s for s in signals),
    }
    return TextFeatures(
        words=count_words(joined),
        sentences=sentences,
        star_parts=star_parts,
        quantities=len(cues.quantity.findall(joined)),
        own_mentions=len(cues.own_subject.findall(joined)),
        collective_mentions=len(cues.collective.findall(joined)),
        generic_mentions=len(cues.generic.findall(joined)),
        signals=signals,
    )
