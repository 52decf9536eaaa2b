"""What in an answer must not count towards its score, and why.

A scorer that adds up signals can be gamed: say the answer twice, pad it with filler, read the
question back, list the rubric's words, or tell a good story about something else. Each sentence is
sorted here before anything is scored:

* ``repeated`` — a sentence said before in the same answer (compared without case and punctuation);
* ``question_echo`` — a sentence made of the question's own words;
* ``keyword_list`` — a list of words rather than a sentence (many short comma-separated items, or
  hardly any of the small words a spoken sentence needs);
* ``filler`` — filler talk ("um, you know, at the end of the day ...") that names no own action,
  number, task or result;
* ``generic`` — a general statement ("I always do my best") that names none of them either.

The scorer reads only the sentences that count (``kept``: those with substance and general
statements), counts depth in their different words, shrinks the score above level 1 by the
share of words set aside, and names every check that fired, with a reason a person can read.
``off_topic`` is decided in the scorer (it needs the embeddings), with ``speaks_of_work`` from here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from scoring_tasks.features import sentence_signals
from scoring_tasks.languages import has_han, words

# Spoken filler: words that carry no content wherever they appear.
FILLER_WORDS = re.compile(
    r"\b(?:um+|uh+|erm|er|hmm|you know|basically|literally|I mean|at the end of the day|"
    r"to be honest|kind of|sort of|like I said|whatever|stuff like that|things like that)\b|"
    r"(?<=, )like(?=,)",
    re.I,
)
ZH_FILLER_WORDS = re.compile(r"嗯|呃|那个|就是说|然后呢|怎么说呢|反正|其实吧")

# Small words every spoken English sentence needs; a run of words without them is a list.
FUNCTION_WORDS = frozenset(
    "a an the i we you he she it they me us him her them my our your his its their this that these "
    "those to of in on at for with from by about as into over after before and or but so because "
    "if when while then was were is are am be been being had has have do did does will would could "
    "should can not no there what which who how".split()
)
_LIST_SEPARATORS = re.compile(r"[,;•·/|]|\s-\s|、|，|；")
_TOKEN = re.compile(r"[a-z0-9']+")

# Words that place a story at work or in study: an interview answer speaks of one of them. A story
# that names none of them and keeps far from its question is off-topic (see ``Scorer``).
WORK_CUES = re.compile(
    r"\b(?:work(?:ed|ing|s|place)?|job|jobs|role|roles|colleagues?|co-?workers?|manager|managers|"
    r"supervisor|boss|team|teams|teammates?|staff|employees?|employer|company|companies|clients?|"
    r"customers?|stakeholders?|projects?|deadlines?|meetings?|reports?|shifts?|department|office|"
    r"store|shop|warehouse|hospital|patients?|students?|school|university|college|class|course|"
    r"training|trainees?|budget|contract|suppliers?|vendors?|orders?|sales|products?|services?|"
    r"process|processes|system|systems|software|code|database|release|launch|users?|tickets?|"
    r"complaints?|reviews?|feedback|targets?|kpis?|audit|procedure|policy|business|organi[sz]ation|"
    r"firm|bank|plant|factory|site|operations|invoices?|accounts?|finance|data|spreadsheets?|"
    r"emails?|presentation|proposal|plan|schedule|tasks?|assignment|internship|interns?|volunteers?|"
    r"mentor(?:ed)?|coach(?:ed)?|hired|promoted|career|profession\w*|leader|director|executive|"
    r"engineers?|nurses?|doctors?|teachers?|files|computer|network|website|app|drive|mistakes?|"
    r"instructions|ideas?|problems?|solutions?|colleague|lessons?|skills?|learn(?:ed|t|ing)?)\b",
    re.I,
)

CHECK_REASONS = {
    "repeated": "{n} of {total} sentences repeat an earlier sentence; they are counted once",
    "filler": "{n} of {total} sentences are filler talk with no own action, number or result; "
    "they are not counted and the score is lowered by their share",
    "question_echo": "{n} of {total} sentences repeat the question's own words; they are not counted",
    "keyword_list": "{n} of {total} sentences are lists of words rather than an account of what "
    "happened; they are not counted",
}


def _key(sentence: str) -> str:
    return re.sub(r"[\W_]+", " ", sentence.lower()).strip()


def _stems(text: str) -> set[str]:
    """Content words cut to five letters, so "explain" and "explained" meet."""
    return {w[:5] for w in _TOKEN.findall(text.lower()) if len(w) > 2 and w not in FUNCTION_WORDS}


def _chars(text: str) -> set[str]:
    han = re.sub(r"[^\u4e00-\u9fff]", "", text)
    return {han[i : i + 2] for i in range(len(han) - 1)}


def echoes_question(sentence: str, question: str) -> bool:
    """Most of the sentence's content words (Chinese: character pairs) are the question's own."""
    if not question:
        return False
    if _key(sentence) and _key(sentence) in _key(question):
        return True
    if has_han(sentence):
        own, asked = _chars(sentence), _chars(question)
        return len(own) >= 4 and len(own & asked) / len(own) >= 0.7
    own, asked = _stems(sentence), _stems(question)
    return len(own) >= 3 and len(own & asked) / len(own) >= 0.7


def is_keyword_list(sentence: str) -> bool:
    """Many short items between commas, or words strung together without the small words of speech."""
    items = [i for i in _LIST_SEPARATORS.split(sentence) if i.strip()]
    if has_han(sentence):
        return len(items) >= 5 and sum(len(i.strip()) for i in items) / len(items) <= 4
    tokens = _TOKEN.findall(sentence.lower())
    if len(items) >= 5 and len(tokens) / len(items) <= 3:
        return True
    return len(tokens) >= 8 and sum(t in FUNCTION_WORDS for t in tokens) / len(tokens) < 0.12


def filler_kind(sentence: str) -> str | None:
    """``filler`` (filler talk), ``generic`` (a general statement) or ``None`` (it has substance):
    a sentence with an own action, a number, a task or a result always has substance."""
    signals = set(sentence_signals(sentence))
    if signals & {"action", "quantity", "task", "result"}:
        return None
    if (ZH_FILLER_WORDS if has_han(sentence) else FILLER_WORDS).search(sentence):
        return "filler"
    return "generic" if "generic" in signals else None


def speaks_of_work(text: str) -> bool:
    """Whether the answer names anything from work or study (Chinese answers are not checked)."""
    return has_han(text) or bool(WORK_CUES.search(text))


@dataclass
class AnswerChecks:
    """Each sentence's verdict (``None``: it counts) and what the checks found."""

    sentences: list[str]
    verdicts: list[str | None]
    word_counts: list[int] = field(default_factory=list)

    @property
    def kept(self) -> list[str]:
        """The sentences that are scored: those with substance and general statements (they are
        what a weak answer is made of, and the rubric's low anchors describe them); filler talk only
        when there is nothing else."""
        for verdicts in ((None, "generic"), ("filler",)):
            chosen = [s for s, v in zip(self.sentences, self.verdicts, strict=True) if v in verdicts]
            if chosen:
                return chosen
        return []

    @property
    def heard(self) -> list[str]:
        """What the candidate said once and in their own words: all but repeats, echoes and lists."""
        said = ("repeated", "question_echo", "keyword_list")
        return [s for s, v in zip(self.sentences, self.verdicts, strict=True) if v not in said]

    @property
    def distinct_words(self) -> int:
        """Different words in the sentences that are scored: what depth counts, so that saying the
        same again or padding it with filler adds nothing."""
        return len({w.lower().strip(".,!?;:'\"()") for s in self.kept for w in words(s)} - {""})

    def share(self, verdict: str) -> float:
        """Share of the answer's words in sentences with this verdict."""
        total = sum(self.word_counts) or 1
        return sum(n for n, v in zip(self.word_counts, self.verdicts, strict=True) if v == verdict) / total

    def count(self, verdict: str) -> int:
        return sum(v == verdict for v in self.verdicts)

    @property
    def shrink(self) -> float:
        """How much of the score above level 1 is kept: less by half the share of words set aside
        (repeated, filler talk, the question read back, lists), so that adding them cannot pay."""
        set_aside = sum(self.share(v) for v in ("repeated", "filler", "question_echo", "keyword_list"))
        return 1.0 - 0.5 * set_aside

    def flags(self) -> dict[str, str]:
        """The checks that matter for this answer, each with its reason.

        Repetition and lists of words are named whenever they occur; the question's words when they
        are half the answer or more; filler talk from the second filler phrase on (anyone says "to
        be honest" once). General statements are not named: a general answer is weak, not gamed,
        and its score says so.
        """
        total = len(self.sentences)
        enough = {
            "repeated": self.count("repeated") > 0,
            "question_echo": self.share("question_echo") >= 0.5,
            "keyword_list": self.count("keyword_list") > 0,
            "filler": self.filler_phrases >= 2,
        }
        return {
            verdict: CHECK_REASONS[verdict].format(n=self.count(verdict), total=total)
            for verdict, named in enough.items()
            if named
        }

    @property
    def filler_phrases(self) -> int:
        return sum(
            len((ZH_FILLER_WORDS if has_han(s) else FILLER_WORDS).findall(s))
            for s, v in zip(self.sentences, self.verdicts, strict=True)
            if v == "filler"
        )


def check_answer(sentences: list[str], question: str = "") -> AnswerChecks:
    """Sort an answer's sentences into those that count and those that must not (see module doc)."""
    seen: set[str] = set()
    verdicts: list[str | None] = []
    for sentence in sentences:
        key = _key(sentence)
        if key in seen and len(key.split()) >= 3:
            verdicts.append("repeated")
        elif echoes_question(sentence, question):
            verdicts.append("question_echo")
        elif is_keyword_list(sentence):
            verdicts.append("keyword_list")
        else:
            verdicts.append(filler_kind(sentence))
        seen.add(key)
    return AnswerChecks(sentences, verdicts, [len(words(s)) for s in sentences])
