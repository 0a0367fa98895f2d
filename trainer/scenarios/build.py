"""A scenario from a job posting and a resume, offline.

- title and role: the posting's title line;
- `job.requirements`: the posting's four most central duties or requirements (the lines most
  alike to the rest of the posting and to the title, duties before credentials, no two alike),
  each a line of the posting cut to its first clause;
- `candidate.skills`: the resume's skills most relevant to the posting (or the user's own);
- objections: duties the resume does not cover ("I don't see ... on your resume"), and the usual
  worry for the role's level.
Meaning comes from the checklist judge's sentence model when it can be loaded; otherwise word
overlap stands in for it.
"""

from __future__ import annotations

import json
import re
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from trainer.checklist import embed
from trainer.checklist.concepts import STOPWORDS
from trainer.checklist.match import similarity
from trainer.errors import InputError
from trainer.scenarios.file import Scenario, parse
from trainer.scenarios.posting import Line, is_boilerplate, lines, plain_text, shorten

REQUIREMENTS = 4
SKILLS = 5
DISTINCT = 0.62  # two picks closer than this say the same thing (the judge's warning starts at 0.7)
CREDENTIAL = re.compile(
    r"\b(?:degree|diploma|ged|years?|bachelor'?s?|master'?s?|b\.?[as]\.?|preferred|plus)\b|\d\+", re.I
)
_TITLE_FIELD = re.compile(r"^\s*(?:job title|title|position|role)\s*:\s*(.+)$", re.I | re.M)
_SENIOR = re.compile(r"\b(?:senior|sr\.?|lead|principal|staff|manager|head|director|supervisor|chief)\b", re.I)
_JUNIOR = re.compile(
    r"\b(?:junior|jr\.?|entry|intern|graduate|trainee|assistant|associate|coordinator|apprentice)\b", re.I
)

LEVEL_WORRIES = {
    "senior": "This role means setting direction for others from the first week, and most of what I see on "
    "your resume is hands-on work rather than leading people.",
    "junior": "You're early in your career, and we need someone who can work on their own fairly quickly.",
    "mid": "You'd be coming from a different kind of organisation, and the pace here is fast. "
    "I'm not sure how quickly you'd be up to speed.",
}
SIGNALS = (
    "We're just about out of time. Is there anything else you'd like us to know?",
    "Well, that covers everything on my list. Anything you'd like to add before we finish?",
    "We're coming up on the hour, so let's start to wrap up. Any final thoughts?",
)
NEXT_STEPS = (
    "The next step is a second interview with the team, and we hope to decide within two weeks.",
    "We're finishing first interviews this week; the shortlist meets the hiring manager next week, "
    "and we'll decide by the end of the month.",
)


@dataclass(frozen=True)
class Built:
    toml: str
    scenario: Scenario
    uncovered: list[str]  # posting lines the resume does not cover (shortened)
    judged_by: str  # "meaning" (sentence model) or "words" (overlap only)


def _content(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z][a-z0-9+#/-]*", text.lower()) if w not in STOPWORDS and len(w) > 2}


class Meaning:
    """Similarity of short texts: the sentence model, or content-word overlap without it."""

    def __init__(self, use_model: bool = True) -> None:
        self.embedder = embed.shared() if use_model else None

    @property
    def kind(self) -> str:
        return "meaning" if self.embedder is not None else "words"

    def matrix(self, a: Sequence[str], b: Sequence[str]) -> np.ndarray:
        if not a or not b:
            return np.zeros((len(a), len(b)))
        if self.embedder is not None:
            return self.embedder.encode(list(a)) @ self.embedder.encode(list(b)).T
        sa, sb = [_content(t) for t in a], [_content(t) for t in b]
        return np.array([[len(x & y) / (len(x | y) or 1) for y in sb] for x in sa])


def title_of(text: str) -> str:
    """The job title: a `Job Title:` field, else the first line, without company and location."""
    m = _TITLE_FIELD.search(plain_text(text))
    first = m.group(1) if m else next((ln for ln in plain_text(text).split("\n") if ln.strip()), "")
    first = first.strip().strip("#*= ")
    title = re.split(r"\s+(?:[-–—|·@]|at)\s+", first)[0].strip()
    if title.isupper():
        title = title.title()
    return title[:80] or "Job interview"


def role_of(title: str) -> str:
    return re.sub(r"\s*\([^)]*\)", "", title).strip() or title


def level_of(title: str) -> str:
    return "senior" if _SENIOR.search(title) else "junior" if _JUNIOR.search(title) else "mid"


def _pick(scores: np.ndarray, sims: np.ndarray, n: int, texts: list[str]) -> list[int]:
    """The best-scoring items, none saying what an earlier pick said."""
    chosen: list[int] = []
    for i in np.argsort(-scores, kind="stable"):
        if len(chosen) == n:
            break
        key = texts[i].lower()
        if not key or any(sims[i, j] >= DISTINCT or texts[j].lower() == key for j in chosen):
            continue
        chosen.append(int(i))
    return chosen


def duties(posting: str, title: str) -> list[Line]:
    """The posting's lines that are duties or requirements: no boilerplate, no title or fields."""
    out = []
    for ln in lines(posting):
        words = ln.text.split()
        if is_boilerplate(ln) or len(words) < 3 or ln.text.strip().startswith(title[:20]):
            continue
        if ln.section == "" and ln.number < 3 and len(words) < 8:  # the header block: company, place
            continue
        if ln.kind == "other" and re.match(r"^[\w /&-]{1,24}:\s", ln.text):  # "Start date: August", "District: ..."
            continue
        out.append(ln)
    return out


def rank_requirements(
    cands: list[Line], short: list[str], sims: np.ndarray, title: str, meaning: Meaning
) -> np.ndarray:
    """Centrality (closeness to the other lines, `sims`) and closeness to the title, duties first."""
    n = len(short)
    central = (sims.sum(axis=1) - np.diag(sims)) / max(1, n - 1)
    to_title = meaning.matrix(short, [title])[:, 0]
    bonus = np.array(
        [
            (0.06 if ln.kind == "duties" else 0.0)
            - (1.0 if CREDENTIAL.search(ln.text) else 0.0)  # degrees and years only when duties run out
            - (0.04 if ln.kind == "other" else 0.0)
            for ln in cands
        ]
    )
    score: np.ndarray = central + 0.5 * to_title + bonus
    return score


_NOT_SKILLS = re.compile(r"summary|profile|objective|about|education|contact|reference|interests", re.I)
_DATED = re.compile(r"\b(?:19|20)\d\d\b|\bpresent\b", re.I)


def resume_phrases(resume: list[Line]) -> list[tuple[str, bool]]:
    """(phrase, from a skills section) for every skill-like piece of a resume's lines."""
    out: list[tuple[str, bool]] = []
    for ln in resume:
        text = re.sub(r"\s*\([^)]*\)", "", ln.text)  # "SQL (PostgreSQL, Snowflake)": the skill is SQL
        if "@" in text or _NOT_SKILLS.search(ln.section) or (_DATED.search(text) and not ln.bullet):
            continue  # contact lines, the summary, schooling, job titles with their dates
        if re.search(r"\b(?:university|college|bachelor|master|gpa)\b", text, re.I):
            continue
        in_skills = bool(re.search(r"skill|competenc|tools|expertise|technolog|strengths", ln.section, re.I))
        label, colon, rest = text.partition(":")
        if colon and len(label.split()) <= 4:
            in_skills = in_skills or bool(re.search(r"skill|competenc|tools|expertise|technolog", label, re.I))
            text = rest
        if in_skills or (text.count(",") >= 3 and len(text.split()) / (text.count(",") + 1) <= 4):
            for piece in re.split(r"[,;|•·]", text):
                words = piece.strip(" .").split()
                if 1 <= len(words) <= 6:
                    out.append((" ".join(words), True))
        elif ln.bullet or len(text.split()) >= 4:
            for part in re.split(r";\s*", text):
                short = shorten(part, 7)
                if len(short.split()) >= 2:
                    out.append((short, False))
    seen: set[str] = set()
    return [(p, s) for p, s in out if not (p.lower() in seen or seen.add(p.lower()))]  # type: ignore[func-returns-value]


def _covered(req: str, resume_texts: list[str], sims: np.ndarray, meaning: Meaning) -> float:
    """How well the resume covers a requirement, 0 to 1: the closest resume line by meaning,
    or the share of the requirement's content words that the resume uses."""
    words = _content(req)
    resume_words = set().union(*(_content(t) for t in resume_texts)) if resume_texts else set()
    lexical = sum(any(similarity(w, r) >= 0.85 for r in resume_words) for w in words) / (len(words) or 1)
    semantic = float(sims.max()) if sims.size and meaning.embedder is not None else 0.0
    return max(lexical, semantic)


COVERED = 0.5  # measured on the test postings: covered duties score 0.55 and up, gaps below 0.5


def build(
    posting: str,
    resume: str | None,
    name: str,
    ask_skills: Callable[[], list[str]] | None = None,
    path: Path | None = None,
    meaning: Meaning | None = None,
) -> Built:
    meaning = meaning or Meaning()
    title = title_of(posting)
    role = role_of(title)
    cands = duties(posting, title)
    role_words = _content(role)
    short = [shorten(c.text, role_words=role_words) for c in cands]
    keep = [i for i, s in enumerate(short) if len(s.split()) >= 2]
    cands, short = [cands[i] for i in keep], [short[i] for i in keep]
    if len(cands) < 2:
        raise InputError(
            f"{path or 'the posting'}: found {len(cands)} duties or requirements in it; paste the whole posting "
            "(its responsibilities and qualifications), or start from `trainer scenarios new`"
        )
    sims = meaning.matrix(short, short)
    scores = rank_requirements(cands, short, sims, title, meaning)
    picks = _pick(scores, sims, REQUIREMENTS, short)
    requirements = [short[i] for i in picks]

    if resume is not None:
        resume_lines = lines(resume)
        phrases = resume_phrases(resume_lines)
        texts = [p for p, _ in phrases]
        if len(texts) < 3:
            raise InputError(
                f"{path or 'the resume'}: found {len(texts)} skills in the resume; expected at least 3 "
                "(a Skills line or bullet points of what you did)"
            )
        relevance = meaning.matrix(texts, short).max(axis=1) + np.array([0.08 if s else 0.0 for _, s in phrases])
        relevance -= np.array([0.01 * max(0, len(t.split()) - 4) for t in texts])  # short phrases are easier to say
        skills = [texts[i] for i in _pick(relevance, meaning.matrix(texts, texts), SKILLS, texts)]
        evidence = [t for t, _ in phrases] + [ln.text for ln in resume_lines]
    else:
        skills = ask_skills() if ask_skills else []
        evidence = list(skills)
    if len(skills) < 3:
        raise InputError(
            "candidate.skills: at least 3 skills are needed; give --resume RESUME.txt or type three or more"
        )

    # Gaps: the chosen requirements the resume covers least, then the posting's other duties.
    others = [int(i) for i in np.argsort(-scores, kind="stable") if int(i) not in picks]
    ranked = picks + others
    ev_sims = meaning.matrix([short[i] for i in ranked], evidence)
    cover = {i: _covered(short[i], evidence, ev_sims[k], meaning) for k, i in enumerate(ranked)}
    gaps = [i for i in ranked if cover[i] < COVERED and not CREDENTIAL.search(cands[i].text)]
    gaps.sort(key=lambda i: (i not in picks, cover[i]))
    uncovered = [short[i] for i in gaps]
    objections = [
        f'I don\'t see anything on your resume about "{u}". How would you handle that part of the job?'
        for u in uncovered[:2]
    ]
    objections.append(LEVEL_WORRIES[level_of(title)])

    seed = zlib.crc32(title.encode("utf-8"))
    doc = _toml(
        title=title,
        role=role,
        skills=skills,
        requirements=requirements,
        signal=SIGNALS[seed % len(SIGNALS)],
        objections=objections,
        next_step=NEXT_STEPS[seed % len(NEXT_STEPS)],
        source=path,
    )
    scenario = parse(Path(f"{name}.toml"), doc)
    return Built(doc, scenario, uncovered, meaning.kind)


def _q(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)  # a JSON string is a valid TOML basic string


def _list(items: list[str]) -> str:
    return "[\n" + "".join(f"  {_q(i)},\n" for i in items) + "]"


def _toml(
    *,
    title: str,
    role: str,
    skills: list[str],
    requirements: list[str],
    signal: str,
    objections: list[str],
    next_step: str,
    source: Path | None,
) -> str:
    origin = f" from {source.name}" if source else ""
    return (
        f"# Built by `trainer scenarios from-posting`{origin}. Edit freely; format: scenarios/README.md\n"
        f"title = {_q(title + ' interview')}\n"
        f"role = {_q(role)}\n\n"
        f"[candidate]\n# Your best skills, most relevant to this posting first.\nskills = {_list(skills)}\n\n"
        f"[job]\n# The posting's most central duties, in its own words.\nrequirements = {_list(requirements)}\n\n"
        f"[interviewer]\nsignal_to_end = {_q(signal)}\nobjections = {_list(objections)}\n"
        f"next_step = {_q(next_step)}\n\n"
        "[checklist]\nmin_skills = 3\nmin_requirements = 2\n"
    )
