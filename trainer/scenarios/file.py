"""Scenario files: one TOML file per role, validated key by key.

Every mistake becomes a `ScenarioError` naming the file, the key and what was expected.
The format is documented in `scenarios/README.md`.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from trainer import paths
from trainer.errors import ScenarioError

ITEM_IDS = (
    "skills_restated",
    "requirements_matched",
    "gaps_probed",
    "interest_reaffirmed",
    "next_step_asked",
    "follow_up_permission",
    "thanks_given",
    "concise",
)


@dataclass(frozen=True)
class Key:
    """What one key must hold."""

    kind: type | tuple[type, ...]
    required: bool = True
    min_items: int = 0
    max_items: int = 1000
    minimum: float | None = None
    maximum: float | None = None


# Every key a scenario may have. A table key maps names to values of `Key.kind`.
SCHEMA: dict[str, Key] = {
    "title": Key(str),
    "role": Key(str),
    "candidate.skills": Key(list, min_items=3, max_items=10),
    "candidate.aliases": Key(dict, required=False),
    "job.requirements": Key(list, min_items=2, max_items=12),
    "job.aliases": Key(dict, required=False),
    "interviewer.signal_to_end": Key(str),
    "interviewer.objections": Key(list, min_items=1, max_items=10),
    "interviewer.next_step": Key(str),
    "interviewer.goodbye": Key(str, required=False),
    "interviewer.voice": Key(str, required=False),
    "interviewer.rate": Key(int, required=False, minimum=80, maximum=400),
    "interviewer.answers": Key(dict, required=False),
    "interviewer.lines": Key(dict, required=False),
    "checklist.min_skills": Key(int, required=False, minimum=1, maximum=10),
    "checklist.min_requirements": Key(int, required=False, minimum=1, maximum=12),
    "checklist.max_words": Key(int, required=False, minimum=20, maximum=2000),
    "checklist.max_seconds": Key(int, required=False, minimum=10, maximum=900),
    "checklist.weights": Key(dict, required=False),
}
TABLES = {"candidate", "job", "interviewer", "checklist"}

# The interviewer's reactions a scenario may word itself in [interviewer.lines] (the bundled
# phrasings are in trainer/session/reactions.toml).
LINE_KINDS = (
    "acknowledge",
    "push_back",
    "another_objection",
    "follow_up",
    "interest",
    "trial_close",
    "deflect",
    "cut_off",
    "keep_going",
    "prompt",
    "anything_else",
)
MAX_ANSWERS = 30

DEFAULT_GOODBYE = "Thank you for coming in. We'll be in touch. Goodbye."
# About two minutes at a conversational 150 words a minute: the advice is not to linger.
DEFAULT_MAX_WORDS = 300
DEFAULT_MAX_SECONDS = 120
DEFAULT_WEIGHTS: dict[str, float] = {
    "skills_restated": 15,
    "requirements_matched": 15,
    "gaps_probed": 15,
    "interest_reaffirmed": 10,
    "next_step_asked": 15,
    "follow_up_permission": 10,
    "thanks_given": 10,
    "concise": 10,
    "objection_handled": 10,  # practice sessions only: the answer to the interviewer's objection
}


@dataclass(frozen=True)
class Scenario:
    name: str
    path: Path
    title: str
    role: str
    skills: tuple[str, ...]
    requirements: tuple[str, ...]
    signal_to_end: str
    objections: tuple[str, ...]
    next_step: str
    goodbye: str = DEFAULT_GOODBYE
    skill_aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)
    requirement_aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)
    voice: str | None = None
    rate: int | None = None
    answers: dict[str, str] = field(default_factory=dict)  # the candidate's other questions, answered
    lines: dict[str, tuple[str, ...]] = field(default_factory=dict)  # own wording of reactions
    min_skills: int = 3
    min_requirements: int = 2
    max_words: int = DEFAULT_MAX_WORDS
    max_seconds: int = DEFAULT_MAX_SECONDS
    weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))


def _type_name(kind: type | tuple[type, ...]) -> str:
    names = {str: "a string", int: "a whole number", list: "a list of strings", dict: "a table"}
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(names.get(k, k.__name__) for k in kinds)


def _flatten(path: Path, data: dict[str, Any]) -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for top, value in data.items():
        if top in TABLES:
            if not isinstance(value, dict):
                raise ScenarioError(path, top, f"expected a table [{top}], got {type(value).__name__}")
            for sub, v in value.items():
                flat[f"{top}.{sub}"] = v
        else:
            flat[top] = value
    return flat


def _check_value(path: Path, key: str, spec: Key, value: Any) -> None:
    # bool is an int subclass in Python; a scenario saying `min_skills = true` is a mistake.
    if isinstance(value, bool) or not isinstance(value, spec.kind):
        raise ScenarioError(path, key, f"expected {_type_name(spec.kind)}, got {value!r}")
    if isinstance(value, str) and not value.strip():
        raise ScenarioError(path, key, "expected a non-empty string")
    if isinstance(value, list):
        if not value:
            raise ScenarioError(path, key, f"is empty; expected at least {max(spec.min_items, 1)} strings")
        for i, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                raise ScenarioError(path, f"{key}[{i}]", f"expected a non-empty string, got {item!r}")
        if not spec.min_items <= len(value) <= spec.max_items:
            raise ScenarioError(path, key, f"has {len(value)} entries; expected {spec.min_items} to {spec.max_items}")
    if isinstance(value, int) and not isinstance(value, bool):
        if spec.minimum is not None and value < spec.minimum:
            raise ScenarioError(path, key, f"is {value}; expected at least {spec.minimum:g}")
        if spec.maximum is not None and value > spec.maximum:
            raise ScenarioError(path, key, f"is {value}; expected at most {spec.maximum:g}")


def _aliases(path: Path, key: str, table: dict[str, Any], names: list[str]) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for name, words in table.items():
        if name not in names:
            raise ScenarioError(path, f"{key}.{name}", f"names no entry of the list; expected one of {names}")
        if isinstance(words, str):
            words = [words]
        if not isinstance(words, list) or not all(isinstance(w, str) and w.strip() for w in words):
            raise ScenarioError(path, f"{key}.{name}", "expected a list of strings")
        out[name] = tuple(words)
    return out


def _answers(path: Path, table: dict[str, Any]) -> dict[str, str]:
    if len(table) > MAX_ANSWERS:
        raise ScenarioError(path, "interviewer.answers", f"has {len(table)} entries; expected at most {MAX_ANSWERS}")
    for question, answer in table.items():
        if not question.strip() or not isinstance(answer, str) or not answer.strip():
            raise ScenarioError(
                path,
                f"interviewer.answers.{question}",
                'expected a non-empty answer string, like pay = "The range is ..."',
            )
    return {q.strip(): a.strip() for q, a in table.items()}


def _lines(path: Path, table: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for kind, value in table.items():
        key = f"interviewer.lines.{kind}"
        if kind not in LINE_KINDS:
            raise ScenarioError(path, key, f"unknown reaction; expected one of {', '.join(LINE_KINDS)}")
        options = [value] if isinstance(value, str) else value
        if not isinstance(options, list) or not options or not all(isinstance(o, str) and o.strip() for o in options):
            raise ScenarioError(path, key, "expected a string or a list of non-empty strings")
        for line in options:
            try:
                line.format(objection="")
            except (KeyError, IndexError, ValueError):
                raise ScenarioError(
                    path, key, f"{line!r} has braces other than {{objection}}; write a brace as {{{{ or }}}}"
                ) from None
        out[kind] = tuple(o.strip() for o in options)
    return out


def parse(path: Path, text: str) -> Scenario:
    """Validate scenario TOML text; `path` is used in messages and as the name."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # tomllib's message already ends with "(at line N, column M)".
        raise ScenarioError(path, None, f"not valid TOML: {exc}") from None
    flat = _flatten(path, data)
    for key in flat:
        if key not in SCHEMA:
            known = ", ".join(sorted(SCHEMA))
            raise ScenarioError(path, key, f"unknown key; expected one of: {known}")
    for key, spec in SCHEMA.items():
        if key not in flat:
            if spec.required:
                raise ScenarioError(path, key, f"missing; expected {_type_name(spec.kind)}")
            continue
        _check_value(path, key, spec, flat[key])
    skills: list[str] = flat["candidate.skills"]
    requirements: list[str] = flat["job.requirements"]
    min_skills = flat.get("checklist.min_skills", 3)
    if min_skills > len(skills):
        raise ScenarioError(path, "checklist.min_skills", f"is {min_skills}, but only {len(skills)} skills are listed")
    min_req = flat.get("checklist.min_requirements", 2)
    if min_req > len(requirements):
        raise ScenarioError(
            path, "checklist.min_requirements", f"is {min_req}, but only {len(requirements)} requirements are listed"
        )
    weights = dict(DEFAULT_WEIGHTS)
    for item, w in flat.get("checklist.weights", {}).items():
        if item not in DEFAULT_WEIGHTS:
            raise ScenarioError(path, f"checklist.weights.{item}", f"unknown item; expected one of {list(ITEM_IDS)}")
        if isinstance(w, bool) or not isinstance(w, (int, float)) or w < 0:
            raise ScenarioError(path, f"checklist.weights.{item}", f"expected a number >= 0, got {w!r}")
        weights[item] = float(w)
    if sum(weights.values()) <= 0:
        raise ScenarioError(path, "checklist.weights", "all weights are zero; expected at least one above 0")
    return Scenario(
        name=path.stem,
        path=path,
        title=flat["title"].strip(),
        role=flat["role"].strip(),
        skills=tuple(s.strip() for s in skills),
        requirements=tuple(r.strip() for r in requirements),
        signal_to_end=flat["interviewer.signal_to_end"].strip(),
        objections=tuple(o.strip() for o in flat["interviewer.objections"]),
        next_step=flat["interviewer.next_step"].strip(),
        goodbye=flat.get("interviewer.goodbye", DEFAULT_GOODBYE).strip(),
        skill_aliases=_aliases(path, "candidate.aliases", flat.get("candidate.aliases", {}), skills),
        requirement_aliases=_aliases(path, "job.aliases", flat.get("job.aliases", {}), requirements),
        voice=flat.get("interviewer.voice"),
        rate=flat.get("interviewer.rate"),
        answers=_answers(path, flat.get("interviewer.answers", {})),
        lines=_lines(path, flat.get("interviewer.lines", {})),
        min_skills=min_skills,
        min_requirements=min_req,
        max_words=flat.get("checklist.max_words", DEFAULT_MAX_WORDS),
        max_seconds=flat.get("checklist.max_seconds", DEFAULT_MAX_SECONDS),
        weights=weights,
    )


MAX_SCENARIO_BYTES = 256 * 1024  # the bundled ones are about 2 KB; a bigger file is refused unread


def load_file(path: Path) -> Scenario:
    try:
        size = path.stat().st_size
        if size > MAX_SCENARIO_BYTES:
            raise ScenarioError(
                path, None, f"is {size // 1024} KB; a scenario file is at most {MAX_SCENARIO_BYTES // 1024} KB of TOML"
            )
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ScenarioError(path, None, "no such file; check the path or run `trainer scenarios list`") from None
    except IsADirectoryError:
        raise ScenarioError(path, None, "is a folder; give a .toml scenario file") from None
    except OSError as exc:
        raise ScenarioError(path, None, f"cannot be read ({exc.strerror})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ScenarioError(path, None, "is not UTF-8 text; save it as UTF-8 TOML") from None
    return parse(path, text)


def search_dirs() -> list[tuple[str, Path]]:
    """Where scenarios are found by name: the user's folder first, then the bundled ones."""
    return [("user", paths.user_scenarios_dir()), ("bundled", paths.bundled_scenarios_dir())]


def available() -> list[tuple[str, Path]]:
    """(origin, path) of every scenario file found by name; a user file shadows a bundled one."""
    seen: dict[str, tuple[str, Path]] = {}
    for origin, folder in search_dirs():
        if folder.is_dir():
            for p in sorted(folder.glob("*.toml")):
                seen.setdefault(p.stem, (origin, p))
    return sorted(seen.values(), key=lambda item: item[1].stem)


def resolve(name_or_file: str) -> Path:
    """A scenario name (`web-developer`) or a path to a TOML file."""
    candidate = Path(name_or_file).expanduser()
    if candidate.suffix == ".toml" or candidate.is_file() or "/" in name_or_file:
        return candidate
    for _, path in available():
        if path.stem == name_or_file:
            return path
    names = ", ".join(p.stem for _, p in available()) or "none"
    raise ScenarioError(
        name_or_file, "scenario", f"no scenario by that name; expected one of: {names} (or a path to a .toml file)"
    )


def load(name_or_file: str) -> Scenario:
    return load_file(resolve(name_or_file))


TEMPLATE = """\
# A trainer scenario: one role, one interviewer. Format: scenarios/README.md
title = "{title}"
role = "{role}"

[candidate]
# Your five best skills, the ones you will restate in your close (3 to 10).
skills = [
  "first skill",
  "second skill",
  "third skill",
  "fourth skill",
  "fifth skill",
]
# Optional: other words you use for a skill (abbreviations, tool names).
# aliases = {{ "first skill" = ["abbreviation"] }}

[job]
# What the job needs, from the posting or the interview (at least 2).
requirements = [
  "first requirement",
  "second requirement",
]

[interviewer]
signal_to_end = "Well, we're just about out of time. Is there anything you'd like to add?"
objections = [
  "An objection a hiring manager in this field would raise.",
]
next_step = "What the interviewer says the next step is, and when they will decide."
# goodbye = "Thanks for coming in. We'll be in touch."
# voice = "en-us"
# rate = 170

# Optional: answers to questions the checklist does not cover, matched by meaning. A key naming a
# common topic (pay, team, start_date, remote, travel, interviewer, first_weeks, benefits) also
# matches its usual wordings; any other key is a question in your words. Unanswered questions
# get a polite deflection.
# [interviewer.answers]
# pay = "The range is ..., depending on experience."
# team = "You would join a team of ..."
# start_date = "We would like someone to start by ..."
# remote = "We are in the office ... days a week."

# Optional: the interviewer's own wording for a reaction (a string or a list; one is picked per
# session): acknowledge, push_back (may use {{objection}}), another_objection, follow_up,
# interest, trial_close, deflect, cut_off, keep_going, prompt, anything_else.
# [interviewer.lines]
# follow_up = "Of course. Email me; I answer within a day."

[checklist]
min_skills = 3
# min_requirements = 2
# max_words = 300
# max_seconds = 120
"""


def _toml_str(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)  # a JSON string is a valid TOML basic string


def _toml_list(items: tuple[str, ...] | list[str]) -> str:
    return "[\n" + "".join(f"  {_toml_str(i)},\n" for i in items) + "]"


def _toml_table(table: dict[str, tuple[str, ...]]) -> str:
    return "{ " + ", ".join(f"{_toml_str(k)} = [{', '.join(map(_toml_str, v))}]" for k, v in table.items()) + " }"


def dump(sc: Scenario) -> str:
    """The scenario as TOML that `parse` reads back to the same scenario (the page's form saves it)."""
    out = [f"title = {_toml_str(sc.title)}", f"role = {_toml_str(sc.role)}", "", "[candidate]"]
    out.append(f"skills = {_toml_list(sc.skills)}")
    if sc.skill_aliases:
        out.append(f"aliases = {_toml_table(sc.skill_aliases)}")
    out += ["", "[job]", f"requirements = {_toml_list(sc.requirements)}"]
    if sc.requirement_aliases:
        out.append(f"aliases = {_toml_table(sc.requirement_aliases)}")
    out += ["", "[interviewer]", f"signal_to_end = {_toml_str(sc.signal_to_end)}"]
    out += [f"objections = {_toml_list(sc.objections)}", f"next_step = {_toml_str(sc.next_step)}"]
    out.append(f"goodbye = {_toml_str(sc.goodbye)}")
    if sc.voice:
        out.append(f"voice = {_toml_str(sc.voice)}")
    if sc.rate:
        out.append(f"rate = {sc.rate}")
    out += ["", "[checklist]", f"min_skills = {sc.min_skills}", f"min_requirements = {sc.min_requirements}"]
    out += [f"max_words = {sc.max_words}", f"max_seconds = {sc.max_seconds}"]
    if sc.weights != DEFAULT_WEIGHTS:
        out.append("weights = { " + ", ".join(f"{k} = {v:g}" for k, v in sc.weights.items()) + " }")
    if sc.answers:
        out += ["", "[interviewer.answers]"] + [f"{_toml_str(k)} = {_toml_str(v)}" for k, v in sc.answers.items()]
    if sc.lines:
        out += ["", "[interviewer.lines]"] + [f"{k} = {_toml_list(v)}" for k, v in sc.lines.items()]
    return "\n".join(out) + "\n"
