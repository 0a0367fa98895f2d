"""Read a pasted job posting (or resume): bullets, paragraphs or HTML pasted as text, into lines
that know their section, with the boilerplate (benefits, equal-opportunity statements, the
company's story, how to apply) told apart from the duties and requirements.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser

_BLOCK_TAGS = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section", "article"}
_BULLET = re.compile(r"^\s*(?:[-*•·▪◦●‣–—+]|\d{1,2}[.)]|[a-z][.)]|\(\d{1,2}\))\s+")
_HTML = re.compile(r"<\s*/?\s*(?:p|li|ul|ol|div|br|h[1-6]|strong|b|em|span|section)\b[^>]*>", re.I)


class _TextOf(HTMLParser):
    """HTML as text: block elements end lines, list items become bullets."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag == "li":
            self.parts.append("\n- ")
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def plain_text(text: str) -> str:
    """The text a reader sees: HTML tags resolved into lines, entities decoded."""
    if _HTML.search(text):
        parser = _TextOf()
        parser.feed(text)
        parser.close()
        text = "".join(parser.parts)
    return html.unescape(text).replace("\u00a0", " ").replace("\r", "")


# A section's kind from its heading. Order matters: the first match wins.
SECTION_KINDS: list[tuple[str, re.Pattern[str]]] = [
    (
        "boilerplate",
        re.compile(
            r"benefit|perks|what we offer|we offer|why (?:join|work)|why you.ll love|about (?:us|the company|our)|who we are|"
            r"our (?:company|story|mission|culture|values)|equal|eeo|diversity|non-?discrimination|accommodation|"
            r"how to apply|to apply|application|salary|compensation|\bpay\b|location|work environment|physical|"
            r"schedule|hours|travel|legal|disclaimer|privacy|note to|recruit",
            re.I,
        ),
    ),
    (
        "duties",
        re.compile(
            r"responsib|dut(?:y|ies)|what you.ll do|what you will do|day[- ]to[- ]day|key (?:tasks|activities|areas)|"
            r"essential functions|in this role|the role|your role|you will|you.ll|the job|about the (?:job|role|position)|"
            r"job (?:summary|description|purpose)|overview|summary|position|mission of the role|accountabilit",
            re.I,
        ),
    ),
    (
        "requirements",
        re.compile(
            r"requirement|qualification|what you.ll bring|what you bring|looking for|skills|experience|who you are|"
            r"must have|you have|ideal candidate|education|nice to have|preferred|bonus|competenc|knowledge|abilities",
            re.I,
        ),
    ),
]

# A line that is boilerplate wherever it stands (paragraph postings have no headings). Each
# phrase is one that a duty would not use ("apply statistical methods", "students with
# disabilities", "150 picks per hour" and "product vision" are duties).
BOILERPLATE_LINE = re.compile(
    r"\b(?:equal (?:employment )?opportunit|eeo\b|affirmative action|without regard|protected (?:class|veteran|status)|"
    r"401 ?\(?k|dental|vision (?:insurance|coverage|care|plan)|health (?:insurance|coverage|benefits|plan)|"
    r"medical insurance|paid time off|pto\b|paid vacation|vacation days|holidays|parental leave|tuition|"
    r"stock options|equity (?:grant|package|stake)|salary|compensation (?:package|range|is)|competitive (?:pay|compensation)|"
    r"benefits (?:package|include)|full benefits|comprehensive benefits|perks|how to apply|to apply|apply (?:now|today|online|here|via|through|at|by)|"
    r"please (?:apply|send|submit)|applicants?\b|cover letter|click\b|founded|our mission|we are an?\b|we're an?\b|"
    r"headquartered|award[- ]winning|join (?:our|us)\b|background check|drug (?:test|screen)|e-?verify|employer\b|"
    r"commuter|gym\b|snacks|relocation|visa\b|sponsorship|full[- ]time position|part[- ]time position)"
    r"|\$\s?\d",
    re.I,
)
_PROTECTED = re.compile(
    r"\b(?:race|religion|colou?r|sex|gender|age|disability|veteran|national origin|sexual orientation|marital|genetic)\b",
    re.I,
)


@dataclass(frozen=True)
class Line:
    text: str
    section: str  # the heading it stands under ("" before any)
    kind: str  # "duties", "requirements", "boilerplate" or "other" (from the heading)
    bullet: bool
    number: int  # position in the posting, from 0


def _heading(line: str, next_line: str | None) -> str | None:
    """A heading's text, or None: short, no full stop, set apart by a colon, capitals or a list after it."""
    core = line.strip().rstrip(":").strip("#*= ").strip()
    words = core.split()
    if not words or len(words) > 7 or core.endswith((".", "!", "?", ",")) or _BULLET.match(line):
        return None
    if line.strip().endswith(":") or core.isupper() or line.lstrip().startswith("#"):
        return core
    titled = sum(w[0].isupper() for w in words if w[0].isalpha()) >= max(1, len(words) - 2)
    if titled and next_line is not None and (_BULLET.match(next_line) or len(next_line.split()) > len(words)):
        return core
    return None


def _kind_of(heading: str) -> str:
    for kind, pattern in SECTION_KINDS:
        if pattern.search(heading):
            return kind
    return "other"


def _sentences(text: str) -> list[str]:
    """A paragraph in sentences; a sentence holding a list (`: a; b; c`) in its items."""
    out: list[str] = []
    for sent in re.split(r"(?<=[.!?])\s+(?=[A-Z(\"“])", text):
        head, colon, rest = sent.partition(": ")
        if colon and ";" in rest and len(head.split()) <= 10:
            out.extend(p.strip(" .;") for p in rest.split(";") if p.strip(" .;"))
        elif ";" in sent and len(sent.split()) > 16:
            out.extend(p.strip(" .;") for p in sent.split(";") if p.strip(" .;"))
        else:
            out.append(sent.strip())
    return [s for s in out if s]


def lines(text: str) -> list[Line]:
    """The posting's lines, each with its section; paragraphs split into sentences."""
    raw = [ln.rstrip() for ln in plain_text(text).split("\n")]
    raw = [ln for ln in raw if ln.strip()]
    out: list[Line] = []
    section, kind = "", "other"
    for k, ln in enumerate(raw):
        nxt = raw[k + 1] if k + 1 < len(raw) else None
        heading = _heading(ln, nxt)
        if heading is not None:
            section, kind = heading, _kind_of(heading)
            continue
        label, colon, rest = ln.partition(":")
        if colon and rest.strip() and len(label.split()) <= 4 and not _BULLET.match(ln):
            # "Location: Remote", "Responsibilities: plan lessons; grade work": a heading and its text.
            inline_kind = _kind_of(label)
            if inline_kind != "other":
                for s in _sentences(rest.strip()):
                    out.append(Line(s, label.strip(), inline_kind, False, len(out)))
                continue
        bullet = bool(_BULLET.match(ln))
        body = _BULLET.sub("", ln).strip()
        if bullet:
            out.append(Line(body, section, kind, True, len(out)))
            continue
        local_section, local_kind = section, kind
        for part in _sentences(body):
            if len(part.split()) <= 5 and part.endswith(("?", ":")) and _kind_of(part) != "other":
                local_section, local_kind = part.rstrip("?:"), _kind_of(part)  # "Why join us? ..." within a paragraph
                continue
            out.append(Line(part, local_section, local_kind, False, len(out)))
    return out


# "Acme is a 75-year-old manufacturer", "our finance team of 18": the company describing itself.
COMPANY_STORY = re.compile(
    r"\b(?:is|are) an? (?:[\w'&/-]+ ){0,5}(?:company|manufacturer|retailer|hospital|district|organi[sz]ation|firm|"
    r"agency|start-?up|business|provider|leader|nonprofit|brand|school|university|clinic|bank|group|employer|chain)\b"
    r"|\bteam of \d+|\bserving (?:the )?\w+",
    re.I,
)


def is_boilerplate(line: Line) -> bool:
    """Benefits, equal-opportunity statements, the company's story, how to apply."""
    if line.kind == "boilerplate" or BOILERPLATE_LINE.search(line.text) or COMPANY_STORY.search(line.text):
        return True
    return len(set(m.lower() for m in _PROTECTED.findall(line.text))) >= 3  # a non-discrimination list


_LEAD_INS = re.compile(
    r"^(?:(?:you will|you'll|you’ll|you would|you'd|will|to|and|also|must be able to|must|be able to|able to|"
    r"ability to|responsible for|responsibilities include|duties include|the ideal candidate (?:will|has|is)|"
    r"we need someone (?:to|who can)|help(?: us)? to|helping|in this role,?|candidates? (?:must|should|will)|"
    r"(?:the )?successful candidate will|as an? [\w -]{1,30}?, you will)\s+)+",
    re.I,
)
MAX_WORDS = 9
_ENDS_BADLY = {
    "a",
    "an",
    "the",
    "and",
    "or",
    "of",
    "to",
    "for",
    "with",
    "in",
    "on",
    "at",
    "by",
    "from",
    "our",
    "your",
    "their",
    "as",
    "into",
    "across",
    "including",
    "such",
    "that",
    "who",
    "which",
    "while",
    "both",
    "its",
}


def _base_form(verb: str) -> str:
    """provides -> provide, teaches -> teach, carries -> carry."""
    if verb.endswith("ies") and len(verb) > 4:
        return verb[:-3] + "y"
    if verb.endswith(("ches", "shes", "sses", "xes", "zes")):
        return verb[:-2]
    return verb[:-1] if verb.endswith("s") and not verb.endswith("ss") else verb


def _drop_subject(text: str, role_words: set[str]) -> str:
    """'The Shift Lead directs a team' -> 'direct a team': a sentence about the role, as a duty."""
    words = text.split()
    if not words or words[0].lower() not in ("the", "our", "this", "a", "an", "each", "every", "night", "day"):
        return text
    for j, w in enumerate(words[:8]):
        stem = re.sub(r"[^a-z]", "", w.lower())
        if stem and any(stem.startswith(r) or r.startswith(stem) for r in role_words if len(r) > 3):
            rest = words[j + 1 :]
            rest = [r for r in rest if r.lower() not in ("also", "will", "must", "should")] if rest else rest
            if stem.endswith("s"):  # a plural subject: the verb is the next word
                return " ".join(rest)
            for k, v in enumerate(rest[:6]):
                if v[:1].islower() and v.endswith("s") and not v.endswith("ss"):
                    tail = rest[k + 1 :]
                    if len(tail) > 1 and tail[0] == "and" and tail[1].endswith("s"):  # "plans and delivers"
                        tail = ["and", _base_form(tail[1]), *tail[2:]]
                    return " ".join([_base_form(v), *tail])
            return text
    return text


def shorten(text: str, max_words: int = MAX_WORDS, role_words: set[str] | None = None) -> str:
    """A line cut to its first clause: a contiguous stretch of the original words (a sentence
    about the role loses its subject: 'The nurse monitors patients' -> 'monitor patients')."""
    t = text.strip().strip("\"“”'")
    t = _LEAD_INS.sub("", t)
    t = _drop_subject(t, role_words or set())
    t = re.split(
        r"\s+[—–-]\s+|[;:(]|\.\s|\.$|,\s(?:including|such as|e\.g\.|i\.e\.|which|while|so that|to ensure)\b", t
    )[0]
    words = t.split()
    if len(words) > max_words:
        # Cut at the last comma or "and" within reach, else at the limit.
        cut = max_words
        for i in range(max_words, 2, -1):
            if words[i - 1].endswith(",") or (i < len(words) and words[i].lower() in ("and", "or", "to", "with")):
                cut = i
                break
        words = words[:cut]
    while words and words[-1].lower().strip(",.") in _ENDS_BADLY:
        words.pop()
    out = " ".join(words).strip(" ,.;")
    if out[:1].isupper() and not out[:2].isupper() and not (len(words) and words[0][1:2].isupper()):
        out = out[0].lower() + out[1:]
    return out
