"""Runs a mock close or a drill for a page, in a worker thread, through the session's own seams,
and saves it in the same history as `trainer practice` and `trainer drill`."""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

from trainer.checklist.result import LABELS
from trainer.errors import TrainerError
from trainer.history import runs as history
from trainer.scenarios import file as scenarios
from trainer.scenarios.file import Scenario
from trainer.session import summary as summaries
from trainer.session import tts
from trainer.session.close import Event, SessionOptions, SessionResult, TurnSource, run
from trainer.session.drill import DrillOptions, Rep, drill_lines, run_drill
from trainer.session.lines import Lines
from trainer.session.practice import MicTurns
from trainer.speech.listen import ListenOptions
from trainer.speech.recognize import EngineRequest, Recognizer, open_recognizer
from trainer.web.live import PageDisplay, PageInterviewer, PageLink, PageTurns, WebMic, rendered

log = logging.getLogger("trainer.web.runner")


class Models:
    """The recognizer and the judge's sentence model, loaded in the background at launch so the
    app answers at once; a session that needs them before they are ready waits for them."""

    def __init__(self, request: EngineRequest | None = None) -> None:
        self._request = request or EngineRequest()
        self.recognizer: Future[Recognizer] = Future()
        threading.Thread(target=self._load, name="web-models", daemon=True).start()

    def _load(self) -> None:
        from trainer.checklist.semantic import preload

        preload()
        try:
            self.recognizer.set_result(open_recognizer(self._request))
        except Exception as exc:  # a missing model: typed mode still works, the page says why
            self.recognizer.set_exception(exc)

    def status(self) -> dict[str, Any]:
        if not self.recognizer.done():
            return {"ready": False, "engine": None, "error": None}
        if self.recognizer.exception() is not None:
            return {"ready": False, "engine": None, "error": str(self.recognizer.exception())}
        rec = self.recognizer.result()
        return {"ready": True, "engine": rec.choice.name, "reason": rec.choice.reason, "error": None}


@dataclass(frozen=True)
class Request:
    """What the page asked for when it pressed start."""

    scenario: str
    typed: bool = False
    browser_voice: bool = False
    seed: int | None = None
    item: str | None = None  # a drill's item
    needed: int = 3
    voice_name: str | None = None  # one of `trainer voices`; None: the scenario's
    interviewer: str = "neutral"  # the temperament


def _settings(sc: Scenario, voice: str | None = None) -> tts.VoiceSettings:
    known = {name for name, _, _ in tts.voices()}  # the page may ask for a voice this machine lacks
    return tts.VoiceSettings.for_scenario(voice if voice in known else None, None, sc.voice, sc.rate)


def first_lines(sc: Scenario) -> list[str]:
    """The scenario's own lines, rendered when its page opens (the reactions' wording is picked
    when the session starts)."""
    return [sc.signal_to_end, *sc.objections, sc.next_step, sc.goodbye]


def warm_voice(name: str, voice: str | None = None) -> None:
    """Render a scenario's lines as soon as its page opens; returns once the first is ready, so
    that it starts as soon as the user presses Start."""
    sc = scenarios.load(name)
    settings = _settings(sc, voice)
    PageInterviewer(PageLink(lambda m: None), settings).prepare(first_lines(sc))
    with contextlib.suppress(Exception):  # a voice that fails is reported when the line is said
        rendered(sc.signal_to_end, settings).result()  # the first line is ready: Start can be pressed


def _source(link: PageLink, req: Request, models: Models, interviewer: PageInterviewer) -> TurnSource:
    if req.typed:
        return PageTurns(link)
    rec = models.recognizer.result()
    link.send({"type": "engine", "name": rec.choice.name})
    return MicTurns(
        WebMic(link),
        rec.engine,
        ListenOptions(adaptive=True),
        lambda title: PageDisplay(link, title),
        link.new_turn_stop,
        lambda: interviewer.last_line,
    )


def _event(link: PageLink) -> Any:
    def on_event(e: Event) -> None:
        if e.speaker == "candidate":
            link.send({"type": "heard", "kind": e.kind, "text": e.text, "at": round(e.at, 2)})

    return on_event


def _provisional(link: PageLink) -> Callable[[SessionResult], None]:
    """The report as it stands at the goodbye, shown at once; the saved one follows when the
    session has listened for words after the goodbye (only "didn't linger" can change)."""

    def on_goodbye(result: SessionResult) -> None:
        doc = history.from_session("practice", result).to_dict()
        link.send({"type": "provisional", "run": {**doc, "labels": LABELS, "provisional": True}})

    return on_goodbye


def practice(link: PageLink, req: Request, models: Models) -> None:
    """A whole mock close; the report (or the reason there is none) goes to the page."""
    try:
        sc = scenarios.load(req.scenario)
        interviewer = PageInterviewer(link, _settings(sc, req.voice_name), rendered_voice=not req.browser_voice)
        lines = Lines.choose(sc, req.seed, req.interviewer)
        interviewer.prepare(lines.all())
        source = _source(link, req, models, interviewer)
        options = SessionOptions(seed=req.seed, lines=lines)
        result = run(sc, source, interviewer, options, _event(link), _provisional(link))
        link.send({"type": "scoring"})
        saved = history.save(history.from_session("practice", result))
        link.send(
            {
                "type": "report",
                "run_id": saved.run_id,
                "ended_by": result.ended_by,
                "draft": summaries.draft(result),
                "error": None if saved.error is None else f"{saved.error}; kept in {saved.fallback}",
            }
        )
    except TrainerError as exc:
        link.send({"type": "error", "message": str(exc)})
    except Exception as exc:  # the page must hear of it; the log keeps the details
        log.exception("the session failed")
        link.send({"type": "error", "message": f"the session failed ({type(exc).__name__}: {exc})"})


def rep_message(r: Rep) -> dict[str, Any]:
    return {"type": "rep", **r.to_dict(), "streak": r.streak}


def drill(link: PageLink, req: Request, models: Models) -> None:
    try:
        sc = scenarios.load(req.scenario)
        interviewer = PageInterviewer(link, _settings(sc, req.voice_name), rendered_voice=not req.browser_voice)
        interviewer.prepare(drill_lines(sc, req.interviewer))
        source = _source(link, req, models, interviewer)
        options = DrillOptions(needed=req.needed, seed=req.seed, interviewer=req.interviewer)
        result = run_drill(sc, req.item or "", source, interviewer, options, lambda r: link.send(rep_message(r)))
        saved = history.save(history.from_drill(result)) if result.reps else None
        link.send(
            {
                "type": "drill-over",
                "run_id": saved.run_id if saved else None,
                "done": result.done,
                "ended_by": result.ended_by,
                "passes": result.passes,
                "counted": result.counted,
                "streak": result.streak,
            }
        )
    except (TrainerError, ValueError) as exc:
        link.send({"type": "error", "message": str(exc)})
    except Exception as exc:
        log.exception("the drill failed")
        link.send({"type": "error", "message": f"the drill failed ({type(exc).__name__}: {exc})"})
