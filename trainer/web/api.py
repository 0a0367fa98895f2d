"""The page's JSON and file endpoints: scenarios, runs, progress, export, a check of the microphone.
Each one is a few lines over the core; the core's errors become `{"error": ...}` with status 400."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from trainer import paths
from trainer.checklist.result import LABELS
from trainer.errors import InputError, ScenarioError, TrainerError
from trainer.history import export as exporting
from trainer.history.progress import GENERIC_LINES, compute, drill_trends
from trainer.history.store import Store
from trainer.scenarios import file as scenarios
from trainer.session.drill import DRILLABLE
from trainer.speech.audio import RATE, WIDTH, Audio
from trainer.web import charts

MAX_JSON_BYTES = 512 * 1024  # a long posting and a resume are 20 KB together
MAX_CHECK_SECONDS = 30
NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,59}")
Handler = Callable[[Request], Awaitable[Response]]


class TooLarge(InputError):
    pass


def guarded(handler: Handler) -> Handler:
    """The core's errors as one-line messages the page shows; the app keeps running."""

    async def wrapped(request: Request) -> Response:
        try:
            return await handler(request)
        except TooLarge as exc:
            return JSONResponse({"error": str(exc)}, status_code=413)
        except TrainerError as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)

    return wrapped


async def read_body(request: Request, limit: int) -> bytes:
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise TooLarge(
                f"the request is over {limit // 1024} KB; paste less text (just the posting and your resume)"
            )
        chunks.append(chunk)
    return b"".join(chunks)


async def read_json(request: Request) -> dict[str, Any]:
    raw = await read_body(request, MAX_JSON_BYTES)
    try:
        data = json.loads(raw.decode("utf-8") or "{}")
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise InputError("the request is not JSON text") from None
    if not isinstance(data, dict):
        raise InputError("the request is not a JSON object")
    return data


def in_thread(fn: Callable[..., Any], *args: Any) -> Awaitable[Any]:
    return asyncio.get_running_loop().run_in_executor(None, fn, *args)


# -- scenarios --------------------------------------------------------------------------------


def scenario_fields(sc: scenarios.Scenario) -> dict[str, Any]:
    return {
        "name": sc.name,
        "title": sc.title,
        "role": sc.role,
        "skills": list(sc.skills),
        "requirements": list(sc.requirements),
        "signal_to_end": sc.signal_to_end,
        "objections": list(sc.objections),
        "next_step": sc.next_step,
        "goodbye": sc.goodbye,
        "min_skills": sc.min_skills,
        "min_requirements": sc.min_requirements,
    }


def _listing() -> list[dict[str, Any]]:
    out = []
    for origin, path in scenarios.available():
        try:
            sc = scenarios.load_file(path)
            out.append({"name": path.stem, "origin": origin, "title": sc.title, "role": sc.role, "problem": None})
        except ScenarioError as exc:
            out.append({"name": path.stem, "origin": origin, "title": path.stem, "role": "", "problem": str(exc)})
    return out


@guarded
async def list_scenarios(request: Request) -> Response:
    return JSONResponse({"scenarios": _listing(), "folder": str(paths.user_scenarios_dir())})


@guarded
async def get_scenario(request: Request) -> Response:
    sc = scenarios.load(scenario_name(request.path_params["name"]))
    origin = "user" if sc.path.parent == paths.user_scenarios_dir() else "bundled"
    return JSONResponse({"scenario": scenario_fields(sc), "origin": origin, "toml": scenarios.dump(sc)})


def scenario_name(name: str) -> str:
    if not NAME.fullmatch(name):
        raise InputError(f"{name}: scenario names are lower case letters, digits and dashes, e.g. 'data-analyst'")
    return name


def _lines(value: Any, field: str) -> tuple[str, ...]:
    items = value.splitlines() if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        raise InputError(f"{field}: expected one entry a line")
    return tuple(i.strip() for i in items if i.strip())


def from_fields(name: str, fields: dict[str, Any], base: scenarios.Scenario | None) -> scenarios.Scenario:
    """The form's fields over `base` (aliases, weights and voice kept), validated as a file would be."""
    start = base or scenarios.parse(Path(f"{name}.toml"), scenarios.TEMPLATE.format(title="x", role="x"))

    def text(key: str) -> str:
        return str(fields.get(key, getattr(start, key))).strip()

    skills = _lines(fields.get("skills", list(start.skills)), "skills")
    requirements = _lines(fields.get("requirements", list(start.requirements)), "requirements")
    merged = replace(
        start,
        title=text("title"),
        role=text("role"),
        signal_to_end=text("signal_to_end"),
        next_step=text("next_step"),
        goodbye=text("goodbye"),
        skills=skills,
        requirements=requirements,
        objections=_lines(fields.get("objections", list(start.objections)), "objections"),
        skill_aliases={k: v for k, v in start.skill_aliases.items() if k in skills},
        requirement_aliases={k: v for k, v in start.requirement_aliases.items() if k in requirements},
    )
    return scenarios.parse(Path(f"{name}.toml"), scenarios.dump(merged))


@guarded
async def draft_scenario(request: Request) -> Response:
    """A scenario from a pasted job ad and resume, not saved yet: the page shows it in a form."""
    from trainer.scenarios.build import build, role_of, title_of

    data = await read_json(request)
    posting, resume = str(data.get("posting", "")), str(data.get("resume", "") or "")
    if not posting.strip():
        raise InputError("posting: paste the job ad's text first")
    name = str(data.get("name") or "") or re.sub(r"[^a-z0-9]+", "-", role_of(title_of(posting)).lower()).strip("-")[:40]
    built = await in_thread(build, posting, resume or None, scenario_name(name or "from-posting"), lambda: [], None)
    return JSONResponse(
        {
            "scenario": scenario_fields(built.scenario),
            "uncovered": built.uncovered,
            "judged_by": built.judged_by,
            "exists": (paths.user_scenarios_dir() / f"{built.scenario.name}.toml").exists(),
        }
    )


@guarded
async def save_scenario(request: Request) -> Response:
    name = scenario_name(request.path_params["name"])
    data = await read_json(request)
    target = paths.user_scenarios_dir() / f"{name}.toml"
    base = scenarios.load_file(target) if target.exists() else None
    if base is not None and not data.get("overwrite"):
        raise InputError(f"{target}: already exists; tick 'replace it' or pick another name")
    sc = from_fields(name, data.get("scenario") or {}, base)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".toml.tmp")
    tmp.write_text(scenarios.dump(sc), encoding="utf-8")
    tmp.replace(target)  # a crash mid-write never leaves half a scenario
    return JSONResponse({"saved": str(target), "scenario": scenario_fields(scenarios.load_file(target))})


@guarded
async def check_scenario(request: Request) -> Response:
    name = scenario_name(request.path_params["name"])
    data = await read_json(request)
    try:
        sc = from_fields(name, data.get("scenario") or {}, None)
    except ScenarioError as exc:
        return JSONResponse({"ok": False, "problem": exc.problem, "key": exc.key})
    return JSONResponse({"ok": True, "skills": len(sc.skills), "requirements": len(sc.requirements)})


# -- runs, progress, export ---------------------------------------------------------------------


def _store() -> Store:
    return Store()


def run_summary(r: Any) -> dict[str, Any]:
    passed = sum(bool(i["passed"]) for i in r.items)
    return {
        "id": r.id,
        "created_at": r.created_at,
        "kind": r.kind,
        "scenario": r.scenario,
        "scenario_title": r.scenario_title,
        "engine": r.engine,
        "interviewer": r.interviewer,
        "total": r.total,
        "passed": passed,
        "items": len(r.items),
        "drilled": r.items[0]["id"] if r.kind == "drill" and r.items else None,
    }


@guarded
async def list_runs(request: Request) -> Response:
    runs = _store().runs(request.query_params.get("scenario") or None)
    return JSONResponse({"runs": [run_summary(r) for r in reversed(runs)], "labels": LABELS})


def _run_id(request: Request) -> int:
    try:
        return int(request.path_params["run_id"])
    except ValueError:
        raise InputError(f"run {request.path_params['run_id']}: not a run number") from None


@guarded
async def get_run(request: Request) -> Response:
    run = _store().get(_run_id(request), with_recordings=True)
    doc = run.to_dict(with_recordings=True)
    doc["labels"] = LABELS
    return JSONResponse(doc)


@guarded
async def delete_run(request: Request) -> Response:
    store = _store()
    run_id = _run_id(request)
    store.get(run_id)  # a missing run is an error, not a silent success
    store.delete(run_id)
    return JSONResponse({"deleted": run_id})


@guarded
async def set_notes(request: Request) -> Response:
    data = await read_json(request)
    notes = str(data.get("notes", ""))[:20000]
    store = _store()
    run_id = _run_id(request)
    store.get(run_id)
    store.set_notes(run_id, notes)
    return JSONResponse({"saved": run_id})


@guarded
async def recording(request: Request) -> Response:
    run = _store().get(_run_id(request), with_recordings=True)
    turn = int(request.path_params["turn"])
    for rec in run.recordings:
        if rec.turn == turn:
            return Response(rec.wav, media_type="audio/wav", headers={"cache-control": "no-store"})
    raise InputError(f"run {run.id} has no recording {turn}")


@guarded
async def export_runs(request: Request) -> Response:
    fmt = request.query_params.get("format", "json")
    if fmt not in exporting.FORMATS:
        raise InputError(f"format={fmt}: expected one of {', '.join(exporting.FORMATS)}")
    data = exporting.export(_store().runs(), fmt)
    kind = "text/csv" if fmt == "csv" else "application/json"
    return Response(
        data, media_type=kind, headers={"content-disposition": f'attachment; filename="trainer-runs.{fmt}"'}
    )


@guarded
async def progress(request: Request) -> Response:
    scenario = request.query_params.get("scenario") or None
    runs = _store().runs(scenario)
    closes = [r for r in runs if r.kind != "drill"]
    p = compute(closes[-10:])
    focus = None
    if p.focus is not None:
        focus = {"id": p.focus.id, "label": p.focus.label, "hits": p.focus.hits, "runs": p.focus.runs}
        focus["line"] = p.focus_line
        focus["drillable"] = p.focus.id in DRILLABLE
    return JSONResponse(
        {
            "closes": p.runs,
            "latest": closes[-1].scenario if closes else None,
            "items": [{"id": t.id, "label": t.label, "hits": t.hits, "runs": t.runs} for t in p.items],
            "totals": [{"run": pt.run_id, "total": pt.total, "when": pt.when} for pt in p.points],
            "change": p.change,
            "focus": focus,
            "drills": [d.__dict__ for d in drill_trends(runs)],
            "totals_svg": charts.totals_svg(p),
            "items_svg": charts.items_svg(p),
            "generic": GENERIC_LINES,
            "drillable": list(DRILLABLE),
            "labels": LABELS,
        }
    )


# -- the microphone check ----------------------------------------------------------------------


def transcriber(models: Any) -> Handler:
    @guarded
    async def transcribe(request: Request) -> Response:
        """A few seconds of the page's microphone (16 kHz 16-bit mono PCM), recognized back."""
        pcm = await read_body(request, MAX_CHECK_SECONDS * RATE * WIDTH)
        if len(pcm) % 2:
            raise InputError("the recording is not 16-bit PCM")
        rec = await in_thread(models.recognizer.result)
        transcript = await in_thread(rec.engine.transcribe, Audio(pcm))
        return JSONResponse({"text": transcript.text, "engine": rec.choice.name, "seconds": len(pcm) / (RATE * WIDTH)})

    return transcribe
