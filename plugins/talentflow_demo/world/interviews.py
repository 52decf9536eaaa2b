"""Interview questions and answers whose quality follows the candidate's latent competencies.

An answer's level (1..5) comes from the candidate's observed quality for that competency. Level 5 is a
full STAR story (situation, task, several "I" actions, a measured result, a lesson); level 1 is vague,
collective ("we") and has no outcome. Text is assembled from varied fragments so that two answers at
the same level rarely read the same.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from talentflow_demo.world import lexicon


@dataclass(frozen=True)
class CompetencyBank:
    questions: tuple[str, ...]
    situations: tuple[str, ...]
    tasks: tuple[str, ...]
    actions: tuple[str, ...]  # past-tense verb phrases: work after "I" and after "we"
    results: tuple[str, ...]  # clauses with numbers ({n}, {n2}, {pct}, {k}, {weeks})
    lessons: tuple[str, ...]  # infinitive phrases
    generic: tuple[str, ...]  # empty statements a weak answer falls back on


BANK: dict[str, CompetencyBank] = {
    "communication": CompetencyBank(
        questions=(
            "Tell me about a time you had to explain a complex idea to someone without your background.",
            "Describe a situation where a misunderstanding caused a problem. How did you handle it?",
        ),
        situations=(
            "our finance team could not follow why the {project} was running late",
            "a new client kept misreading our weekly status reports",
            "two teams had different assumptions about the date of the {project}",
        ),
        tasks=(
            "get everyone working from the same picture",
            "make the trade-offs clear enough for a decision",
        ),
        actions=(
            "rewrote the update as a one-page summary with a simple timeline",
            "set up a short weekly call to walk through open questions",
            "replaced the jargon with two examples from their own numbers",
            "asked each stakeholder to play back the decision in their own words",
            "drew one diagram showing who depended on whom",
        ),
        results=(
            "the decision was made in {n} days instead of the usual {weeks} weeks",
            "escalations dropped by {pct}% over the next quarter",
            "the client renewed for {n} more years and asked for the same format in every report",
        ),
        lessons=(
            "check that people understood, not just that I had said it",
            "start from what the listener already knows",
        ),
        generic=(
            "I think communication is really important in any team",
            "good communication just makes everything easier",
        ),
    ),
    "problem_solving": CompetencyBank(
        questions=(
            "Walk me through a difficult problem you solved. How did you approach it?",
            "Tell me about a time the obvious solution did not work.",
        ),
        situations=(
            "orders from one region were failing at random about once an hour",
            "our monthly close kept slipping by several days",
            "a key customer's usage dropped sharply without explanation",
        ),
        tasks=(
            "find the root cause before the end of the quarter",
            "work out why it kept happening and fix it for good",
        ),
        actions=(
            "broke the problem down and ruled out causes one at a time",
            "pulled the records for the failing cases and compared them with healthy ones",
            "wrote down three hypotheses and tested the cheapest one first",
            "reproduced the issue on a small sample",
            "checked my fix with the people closest to the data",
        ),
        results=(
            "the failure rate fell from {pct}% to almost zero",
            "the close now finishes {n} days earlier",
            "we recovered about {k} thousand dollars in revenue within {weeks} weeks",
        ),
        lessons=("test the cheapest hypothesis first", "write the problem down before jumping to a fix"),
        generic=(
            "I like solving problems, it is one of my strengths",
            "problems come up all the time and you just have to deal with them",
        ),
    ),
    "teamwork": CompetencyBank(
        questions=(
            "Tell me about a time you worked with a colleague who saw things very differently from you.",
            "Describe a project where the team only succeeded because people helped each other.",
        ),
        situations=(
            "a colleague and I disagreed about how to split the work on the {project}",
            "our team was short of people during the {project}",
            "the sales and delivery teams were blaming each other for missed dates",
        ),
        tasks=("keep the team delivering while we sorted it out", "get the two sides to agree on one plan"),
        actions=(
            "sat down with my colleague to list where we actually agreed",
            "took over part of a teammate's workload so she could finish the critical piece",
            "set up a shared board so everyone could see who was blocked",
            "suggested we pair on the hardest tasks",
            "gave credit in the team meeting to the people who had helped",
        ),
        results=(
            "we delivered {n} days ahead of the deadline",
            "handover errors fell by {pct}% in the next quarter",
            "the two teams closed {n} joint deals that year",
        ),
        lessons=(
            "assume good intent and ask questions first",
            "make the work visible so help can find its way",
        ),
        generic=(
            "I get along with everyone, I am a team player",
            "teamwork is important, everyone has to pull together",
        ),
    ),
    "ownership": CompetencyBank(
        questions=(
            "Tell me about a time you took responsibility for something that went wrong.",
            "Describe something you drove to completion without being asked.",
        ),
        situations=(
            "a report I had built sent wrong figures to a customer",
            "nobody owned the backlog of unanswered supplier claims",
            "the {project} had stalled after its sponsor left",
        ),
        tasks=(
            "fix the damage and make sure it could not happen again",
            "get it finished even though it was not formally my job",
        ),
        actions=(
            "told my manager and the customer about the mistake the same day",
            "traced every affected record and corrected them myself",
            "added an automated check so the error would be caught",
            "wrote a short plan and asked each team for one hour a week",
            "followed up personally on every open item until it was closed",
        ),
        results=(
            "the customer stayed and we caught {n} similar errors in the next year",
            "the backlog went from {k} open claims to zero in {weeks} weeks",
            "the {project} launched {n} weeks later and saved {k} thousand dollars a year",
        ),
        lessons=("raise problems early, even my own", "assume it is my job when nobody owns something"),
        generic=("I always try to take responsibility", "I am a very responsible person"),
    ),
    "learning_agility": CompetencyBank(
        questions=(
            "Tell me about a time you had to learn something new very quickly.",
            "Describe feedback that changed the way you work.",
        ),
        situations=(
            "I was moved onto the {project} with a tool I had never used",
            "my manager told me my updates were too long and too late",
            "our market changed and my old playbook stopped working",
        ),
        tasks=("become productive within a few weeks", "change my habits, not just promise to"),
        actions=(
            "set myself a two-week plan with a small real task each day",
            "asked the most experienced person for an hour each week",
            "kept notes of every mistake and reviewed them on Fridays",
            "rebuilt one old piece of work with the new method to compare",
            "asked for feedback again after a month to check I had improved",
        ),
        results=(
            "I shipped my first piece in {n} days and led the next phase",
            "my reports were read by {pct}% more people",
            "my numbers came back to target within {weeks} weeks",
        ),
        lessons=(
            "learn by doing small real tasks, not only by reading",
            "ask for feedback again to see if the change stuck",
        ),
        generic=(
            "I am a fast learner and I like new things",
            "I think you have to keep learning all the time",
        ),
    ),
    "innovation": CompetencyBank(
        questions=(
            "Tell me about an idea of yours that changed how your team works.",
            "Describe a time you challenged the usual way of doing something.",
        ),
        situations=(
            "we spent hours every week copying data between two systems",
            "customers kept asking for a feature our roadmap ignored",
            "our onboarding had been the same paper checklist for ten years",
        ),
        tasks=("find a better way without a budget", "show that the new idea was worth trying"),
        actions=(
            "built a small prototype over two weekends",
            "ran a two-week trial with one team before proposing it widely",
            "measured the old process so we had a baseline",
            "presented the idea with the numbers to the leadership team",
            "collected objections and changed the design to address them",
        ),
        results=(
            "the team saved {n} hours a week",
            "the trial group closed {pct}% more tickets",
            "the idea was rolled out to {n} teams within {weeks} weeks",
        ),
        lessons=("prove a new idea small before selling it big", "measure the old way first"),
        generic=("I am a creative person with a lot of ideas", "innovation is important to stay ahead"),
    ),
    "customer_focus": CompetencyBank(
        questions=(
            "Tell me about a time you went beyond what a customer asked for.",
            "Describe how you handled an unhappy customer.",
        ),
        situations=(
            "a long-standing customer threatened to cancel after a failed delivery",
            "a customer asked for a discount when the real problem was adoption",
            "a small client felt ignored compared with our big accounts",
        ),
        tasks=("understand what they really needed and keep the account", "turn the complaint into a plan"),
        actions=(
            "called the customer the same day and listened before offering anything",
            "visited their site to see how they used the product",
            "put together a recovery plan with dates and named owners",
            "set up a monthly check-in with their operations lead",
            "brought our product team in to hear the feedback first hand",
        ),
        results=(
            "they renewed for {n} years and expanded by {pct}%",
            "their satisfaction score went from {n} to 9 out of 10",
            "we kept {k} thousand dollars of annual revenue",
        ),
        lessons=(
            "listen first and fix the real problem, not the request",
            "stay close to customers when things are going well, too",
        ),
        generic=("the customer is always right", "I always try to keep customers happy"),
    ),
    "negotiation": CompetencyBank(
        questions=(
            "Tell me about a difficult negotiation you led.",
            "Describe a time you had to hold your position on price or terms.",
        ),
        situations=(
            "a large prospect demanded a discount far below our floor",
            "a supplier wanted to raise prices in the middle of a contract",
            "procurement insisted on payment terms we could not accept",
        ),
        tasks=("close the deal without giving away our margin", "reach terms both sides could live with"),
        actions=(
            "prepared our walk-away point and three trade-offs before the meeting",
            "asked questions until I understood what mattered most to them",
            "offered a longer commitment in exchange for the price",
            "moved the discussion from price to the cost of not solving the problem",
            "put the agreed terms in writing the same afternoon",
        ),
        results=(
            "we signed at {pct}% above their first offer",
            "the contract was worth {k} thousand dollars over {n} years",
            "we held our margin and closed within {weeks} weeks",
        ),
        lessons=("know my walk-away point before the first meeting", "trade, never just concede"),
        generic=(
            "I am good at negotiating, I am quite persuasive",
            "in negotiations you have to find a middle ground",
        ),
    ),
    "technical_depth": CompetencyBank(
        questions=(
            "Tell me about the hardest technical problem you have debugged.",
            "Describe a technology you know deeply and how you used it.",
        ),
        situations=(
            "a service leaked memory only under production load",
            "database queries became slow after a schema change",
            "our nightly batch job randomly produced duplicate records",
        ),
        tasks=("find the cause without taking the system down", "make it fast again without a rewrite"),
        actions=(
            "captured heap profiles under load and compared them over time",
            "read the query plans and found a missing composite index",
            "wrote a test that reproduced the race condition",
            "traced the problem to a connection pool that was never released",
            "added metrics so we could see the fix working in production",
        ),
        results=(
            "memory use dropped by {pct}% and the restarts stopped",
            "the slowest query went from {n} seconds to under a tenth of a second",
            "duplicates fell to zero over the next {weeks} weeks",
        ),
        lessons=("measure before I change anything", "reproduce the bug in a test first"),
        generic=(
            "I know a lot of technologies",
            "technical problems can usually be fixed by searching online",
        ),
    ),
    "system_design": CompetencyBank(
        questions=(
            "Describe a system you designed and the trade-offs you made.",
            "Tell me about a time you had to scale a system.",
        ),
        situations=(
            "our order service could not keep up with seasonal peaks",
            "we needed to split a monolith that every team was changing",
            "a new product needed an event pipeline from scratch",
        ),
        tasks=(
            "design something that would handle ten times the load",
            "split it without stopping feature work",
        ),
        actions=(
            "wrote a design document comparing three options and their costs",
            "introduced a queue so spikes would not hit the database directly",
            "defined clear service boundaries around the data each team owned",
            "planned the migration in small steps that could be rolled back",
            "ran a load test at twice the expected peak before launch",
        ),
        results=(
            "the system handled {n} times the previous peak",
            "deploys went from weekly to {n} a day",
            "infrastructure cost fell by {pct}%",
        ),
        lessons=(
            "write down the trade-offs so others can challenge them",
            "design the rollback before the rollout",
        ),
        generic=("I like designing systems, it is interesting", "you should always use microservices"),
    ),
    "process_improvement": CompetencyBank(
        questions=(
            "Tell me about a process you improved.",
            "Describe a time you removed waste from a workflow.",
        ),
        situations=(
            "returns took almost three weeks to process",
            "every purchase order needed five manual approvals",
            "picking errors in the warehouse were rising",
        ),
        tasks=("cut the cycle time without adding staff", "find where the time was really going"),
        actions=(
            "mapped the process end to end with the people doing it",
            "timed each step for two weeks to find the bottleneck",
            "removed two approval steps that added no control",
            "introduced a simple checklist at the packing station",
            "tracked the results on a weekly chart the whole team could see",
        ),
        results=(
            "cycle time fell from {n} days to {n2} hours",
            "errors dropped by {pct}%",
            "we saved {k} thousand dollars a year",
        ),
        lessons=("measure the process before changing it", "involve the people who do the work"),
        generic=(
            "I always look for ways to do things better",
            "processes are important to keep things organised",
        ),
    ),
    "planning": CompetencyBank(
        questions=(
            "Tell me about a complex plan you put together and how you kept it on track.",
            "Describe a time your plan had to change at short notice.",
        ),
        situations=(
            "we had to move a warehouse without stopping shipments",
            "the {project} had to be ready before the holiday season",
            "a key supplier went bankrupt a month before launch",
        ),
        tasks=("plan it so customers would not notice", "get a new plan in place within days"),
        actions=(
            "broke the work into weekly milestones with one owner each",
            "identified the critical path and added buffer only there",
            "held a fifteen-minute check every morning",
            "prepared a fallback for each of the three biggest risks",
            "updated the plan publicly whenever something slipped",
        ),
        results=(
            "we finished {n} days early with no missed shipments",
            "we launched on time and {pct}% under budget",
            "service levels stayed above {n2}% throughout",
        ),
        lessons=("plan for the risks, not only the tasks", "keep the plan visible and honest"),
        generic=("I am very organised and I like to plan", "plans always change anyway"),
    ),
    "leadership": CompetencyBank(
        questions=(
            "Tell me about a time you led a team through a difficult change.",
            "Describe a decision you made that was unpopular at first.",
        ),
        situations=(
            "my team was merged with another one after a reorganisation",
            "I had to cancel a project my team had worked on for months",
            "morale was low after two senior people left",
        ),
        tasks=("keep the team focused and keep the good people", "explain the decision and move on together"),
        actions=(
            "met each person one to one within the first week",
            "explained the reasons openly, including what I did not know",
            "set two clear goals for the next quarter",
            "gave the most affected people first choice of new work",
            "asked for anonymous feedback every month and shared the results",
        ),
        results=(
            "we lost nobody in the following year and engagement rose by {pct}%",
            "the team hit {n} of its {n2} goals that quarter",
            "regretted attrition went from {pct}% to zero",
        ),
        lessons=("explain the why, even when it is hard", "spend time with people before I need them"),
        generic=("I am a natural leader", "a leader has to be strong and make decisions"),
    ),
    "coaching": CompetencyBank(
        questions=(
            "Tell me about someone you helped grow in their role.",
            "Describe how you gave difficult feedback.",
        ),
        situations=(
            "a new team member was struggling with customer calls",
            "a strong engineer was blocking others in code reviews",
            "a colleague wanted a promotion but was not ready",
        ),
        tasks=("help them improve without taking over", "give honest feedback that they could act on"),
        actions=(
            "agreed with them on one skill to work on each month",
            "gave specific examples of what I had observed",
            "listened to their calls and debriefed right after",
            "asked them to set their own goals and checked in weekly",
            "gave them a stretch project with support",
        ),
        results=(
            "they were promoted {n} months later",
            "their customer scores rose by {pct}%",
            "review time for the team fell by {pct}% within {weeks} weeks",
        ),
        lessons=("be specific and kind at the same time", "coach by asking, not by telling"),
        generic=("I like helping people", "people learn best by doing it themselves"),
    ),
}

INTROS = (
    "At {company} last year,",
    "In my previous role at {company},",
    "When I was at {company},",
    "A good example is from {company}, where",
)
TASKS = (
    "My job was to {task}.",
    "It was my responsibility to {task}.",
    "I had to {task}.",
    "The goal I owned was to {task}.",
)
FIRST_ACTIONS = ("First, I {a}.", "To start with, I {a}.", "The first thing: I {a}.")
NEXT_ACTIONS = ("Then I {a}.", "Next, I {a}.", "After that, I {a}.", "I also {a}.")
RESULTS = ("As a result, {r}.", "In the end, {r}.", "The outcome was that {r}.", "Because of that, {r}.")
LESSONS = (
    "What I learned is to {l}.",
    "Since then I always try to {l}.",
    "Looking back, the lesson was to {l}.",
)
MID_INTROS = (
    "There was a situation where",
    "In one project,",
    "Once,",
    "At my last job,",
    "Last year,",
    "I remember when",
)
VAGUE_RESULTS = (
    "It went reasonably well.",
    "Things got better after that.",
    "People seemed happy with it.",
    "It mostly worked out.",
    "I think it helped a bit.",
    "It was a good experience overall.",
)
WEAK_INTROS = ("There was a time when", "At one point", "I remember once", "In my old team", "Sometimes")
WEAK_ENDS = (
    "I think it was fine in the end.",
    "It was okay, I guess.",
    "I don't remember exactly how it ended.",
    "It sort of worked out.",
    "Not sure what happened after that.",
    "It was a while ago.",
)
FILLERS = (
    "Hmm, that's a good question.",
    "I'm not sure I have a specific example.",
    "Honestly, nothing comes to mind right now.",
    "Let me think.",
    "That's a tricky one.",
    "Well, it's hard to say.",
    "Uh, I guess so.",
    "Good question, let me see.",
)
LOW_GENERIC = (
    "We usually just deal with these things as a team.",
    "It depends on the situation, really.",
    "Normally the manager decides that kind of thing.",
    "We just try to do our best in general.",
    "Usually someone else handles that part.",
    "We kind of figure it out as we go.",
    "That doesn't really come up much in my job.",
    "Everyone just does their part, I suppose.",
)


def _pick(rng: np.random.Generator, options: tuple[str, ...]) -> str:
    return options[int(rng.integers(len(options)))]


def _cap(text: str) -> str:
    return text[0].upper() + text[1:]


def answer_text(
    competency: str, level: int, rng: np.random.Generator, company: str | None = None, concise: bool = False
) -> str:
    """An answer to a question on ``competency`` at quality ``level`` (1..5).

    ``concise`` keeps answers short (the spoken recordings), without changing what marks the level.
    """
    bank = BANK[competency]
    values = {
        "company": company or _pick(rng, lexicon.EMPLOYERS),
        "project": _pick(rng, lexicon.PROJECTS),
        "n": int(rng.integers(2, 10)),
        "n2": int(rng.integers(12, 60)),
        "pct": int(rng.integers(12, 48)),
        "k": int(rng.integers(40, 900)),
        "weeks": int(rng.integers(3, 12)),
    }
    situation = _pick(rng, bank.situations).format(**values)
    action_idx = rng.permutation(len(bank.actions))
    acts = [bank.actions[int(i)] for i in action_idx]
    result = _pick(rng, bank.results).format(**values)
    intro = _pick(rng, INTROS).format(**values)
    if level >= 5:
        parts = [f"{intro} {situation}."]
        if concise:
            parts = [
                f"{_cap(situation)}.",
                f"I {acts[0]}, and I {acts[1]}.",
                _pick(rng, RESULTS).format(r=result),
            ]
        else:
            parts += [
                _pick(rng, TASKS).format(task=_pick(rng, bank.tasks)),
                _pick(rng, FIRST_ACTIONS).format(a=acts[0]),
                _pick(rng, NEXT_ACTIONS).format(a=acts[1]),
                _pick(rng, NEXT_ACTIONS[:2]).format(a=acts[2]),
                _pick(rng, RESULTS).format(r=result),
                _pick(rng, LESSONS).format(l=_pick(rng, bank.lessons)),
            ]
    elif level == 4:
        parts = [f"{intro} {situation}."]
        if concise:
            parts = [f"{_cap(situation)}.", f"I {acts[0]}.", _pick(rng, RESULTS).format(r=result)]
        else:
            parts += [
                _pick(rng, TASKS).format(task=_pick(rng, bank.tasks)),
                f"I {acts[0]}, and I {acts[1]}.",
                _pick(rng, RESULTS).format(r=result),
            ]
    elif level == 3:
        lead = f"{_pick(rng, MID_INTROS)} {situation}."
        if concise:
            parts = [f"I {acts[0]}, and we {acts[1]}.", _pick(rng, VAGUE_RESULTS)]
        else:
            parts = [lead, f"I {acts[0]}, and then we {acts[1]}.", _pick(rng, VAGUE_RESULTS)]
    elif level == 2:
        parts = [f"{_pick(rng, WEAK_INTROS)} we {acts[0]}."]
        if not concise:
            parts.append(_cap(_pick(rng, bank.generic)) + ".")
        parts.append(_pick(rng, WEAK_ENDS))
    else:
        parts = [_pick(rng, FILLERS), _pick(rng, LOW_GENERIC)]
        if not concise:
            parts.append(_cap(_pick(rng, bank.generic)) + ".")
    return " ".join(parts)


def pick_question(competency: str, rng: np.random.Generator) -> tuple[str, str]:
    """(question_id, question) for one competency of an interview."""
    k = int(rng.integers(len(BANK[competency].questions)))
    return f"{competency}_{k + 1}", BANK[competency].questions[k]


_RESULT_MARKERS = re.compile(r"\b(as a result|in the end|the outcome was|because of that)\b", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z']+")


def answer_quality_proxy(text: str) -> float:
    """A crude, transparent measure of answer quality used by the world's own tests.

    Counts what a behaviourally anchored rubric rewards: a stated result, numbers, first-person
    actions, length; and penalises "we" and hedging. The platform's real scorer is elsewhere.
    """
    words = _WORD.findall(text)
    i_actions = sum(1 for w in words if w == "I")
    we = sum(1 for w in words if w.lower() in ("we", "us"))
    hedges = len(re.findall(r"\b(I think|I guess|not sure|I don't remember|sort of)\b", text, re.IGNORECASE))
    return (
        1.0 * bool(_RESULT_MARKERS.search(text))
        + 1.0 * bool(re.search(r"\d", text))
        + 0.4 * min(i_actions, 5)
        - 0.3 * min(we, 3)
        - 0.5 * hedges
        + min(len(words), 120) / 60.0
    )
