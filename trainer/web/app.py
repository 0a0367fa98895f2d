"""The local web app: pages, the JSON API, and a WebSocket per mock close or drill.

The page is one hand-written HTML file with its script and styles (`static/`); it routes by the
address (`/practice/<scenario>`, `/report/<run>`, ...), so every page can be bookmarked. A session
runs in a worker thread (`runner.py`); its WebSocket carries the microphone's PCM in and the
interviewer's lines, partial transcripts and the verdicts out.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
import secrets
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from importlib import resources
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request as HttpRequest
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.websockets import WebSocket, WebSocketDisconnect

from trainer.errors import TrainerError
from trainer.session.drill import DRILLABLE
from trainer.session.lines import TEMPERAMENTS
from trainer.web import api, runner
from trainer.web.live import PageLink
from trainer.web.security import Guard

log = logging.getLogger("trainer.web.app")
STATIC = resources.files("trainer.web") / "static"
PAGES = ("/", "/mic", "/practice/{name}", "/report/{run_id}", "/history", "/drill", "/scenarios", "/scenarios/{name}")
MAX_SESSIONS = 4  # tabs practising at once; more would starve the recognizer on two cores


class Sessions:
    """The sessions in progress: each one's link to its page and the future of its worker."""

    def __init__(self) -> None:
        self.pool = ThreadPoolExecutor(max_workers=MAX_SESSIONS, thread_name_prefix="web-session")
        self.live: dict[int, tuple[PageLink, asyncio.Future[None]]] = {}

    async def stop_all(self) -> None:
        """Ctrl-C: every session ends like its last turn, and is scored and saved before we exit."""
        for link, _ in list(self.live.values()):
            link.close()
        for _, done in list(self.live.values()):
            with contextlib.suppress(Exception):
                await done
        self.pool.shutdown(wait=True)


def _request(message: dict[str, Any]) -> runner.Request:
    item = message.get("item")
    if item is not None and item not in DRILLABLE:
        raise TrainerError(f"item {item}: cannot be drilled; expected one of {', '.join(DRILLABLE)}")
    seed = message.get("seed")
    temperament = str(message.get("interviewer") or "neutral")
    if temperament not in TEMPERAMENTS:
        raise TrainerError(f"interviewer {temperament}: unknown; expected one of {', '.join(TEMPERAMENTS)}")
    return runner.Request(
        interviewer=temperament,
        scenario=str(message.get("scenario", "")),
        typed=message.get("mode") == "typed",
        browser_voice=message.get("voice") == "browser",
        seed=int(seed) if isinstance(seed, int) else None,
        voice_name=str(message.get("voice_name") or "") or None,
        item=item,
        needed=min(10, max(1, int(message.get("needed", 3)))),
    )


async def _pump(websocket: WebSocket, out: asyncio.Queue[dict[str, Any] | None]) -> None:
    while (message := await out.get()) is not None:
        with contextlib.suppress(Exception):  # a page gone mid-send: the session still saves
            await websocket.send_text(json.dumps(message))


async def _listen(websocket: WebSocket, link: PageLink) -> None:
    try:
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                return
            if message.get("bytes") is not None:
                link.receive_pcm(message["bytes"])
            elif message.get("text"):
                with contextlib.suppress(ValueError, TypeError):
                    link.receive(json.loads(message["text"]))
    except (WebSocketDisconnect, RuntimeError):
        return
    finally:
        link.close()  # the tab closed or the connection dropped: the session ends and is saved


async def session_socket(websocket: WebSocket) -> None:
    """One mock close (or drill) per connection: the first message says which."""
    sessions: Sessions = websocket.app.state.sessions
    await websocket.accept()
    try:
        req = _request(json.loads(await websocket.receive_text()))
    except (TrainerError, ValueError, TypeError, WebSocketDisconnect) as exc:
        with contextlib.suppress(Exception):
            await websocket.send_text(json.dumps({"type": "error", "message": f"cannot start: {exc}"}))
            await websocket.close()
        return
    if len(sessions.live) >= MAX_SESSIONS:
        await websocket.send_text(json.dumps({"type": "error", "message": "too many sessions open; close a tab"}))
        await websocket.close()
        return
    loop = asyncio.get_running_loop()
    out: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue()

    def send(message: dict[str, Any]) -> None:  # from the session's thread
        loop.call_soon_threadsafe(out.put_nowait, message)

    link = PageLink(send)
    work = runner.drill if req.item else runner.practice
    done = loop.run_in_executor(sessions.pool, work, link, req, websocket.app.state.models)
    sessions.live[id(link)] = (link, done)
    pump = asyncio.create_task(_pump(websocket, out))
    listener = asyncio.create_task(_listen(websocket, link))
    try:
        await done
    finally:
        sessions.live.pop(id(link), None)
        out.put_nowait(None)
        await pump
        listener.cancel()
        with contextlib.suppress(Exception):
            await websocket.close()


@functools.cache
def _index() -> str:
    return (STATIC / "index.html").read_text(encoding="utf-8")


async def page(request: HttpRequest) -> Response:
    return HTMLResponse(_index(), headers={"cache-control": "no-store"})


async def status(request: HttpRequest) -> Response:
    return JSONResponse({"models": request.app.state.models.status(), "sessions": len(request.app.state.sessions.live)})


async def voices(request: HttpRequest) -> Response:
    from trainer.session import tts

    listed = [{"name": n, "description": d, "usable": u} for n, d, u in tts.voices()]
    return JSONResponse({"voices": listed, "default": tts.VoiceSettings().voice})


async def warm(request: HttpRequest) -> Response:
    """The practice page opened: render its interviewer's lines now, so the first one starts at once."""
    name = request.path_params["name"]
    with contextlib.suppress(TrainerError):
        voice = request.query_params.get("voice") or None
        await asyncio.get_running_loop().run_in_executor(None, runner.warm_voice, api.scenario_name(name), voice)
    return JSONResponse({"warm": name})


def create_app(secret: str | None = None, models: runner.Models | None = None) -> Starlette:
    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        app.state.models = models or runner.Models()
        app.state.sessions = Sessions()
        yield
        await app.state.sessions.stop_all()

    routes: list[BaseRoute] = [Route(p, page) for p in PAGES]
    routes += [
        Route("/api/status", status),
        Route("/api/voices", voices),
        Route("/api/scenarios", api.list_scenarios),
        Route("/api/scenarios/draft", api.draft_scenario, methods=["POST"]),
        Route("/api/scenarios/{name}", api.get_scenario),
        Route("/api/scenarios/{name}", api.save_scenario, methods=["PUT"]),
        Route("/api/scenarios/{name}/check", api.check_scenario, methods=["POST"]),
        Route("/api/scenarios/{name}/warm", warm, methods=["POST"]),
        Route("/api/runs", api.list_runs),
        Route("/api/runs/{run_id}", api.get_run),
        Route("/api/runs/{run_id}", api.delete_run, methods=["DELETE"]),
        Route("/api/runs/{run_id}/notes", api.set_notes, methods=["PUT"]),
        Route("/api/runs/{run_id}/recordings/{turn:int}.wav", api.recording),
        Route("/api/export", api.export_runs),
        Route("/api/progress", api.progress),
        WebSocketRoute("/ws/session", session_socket),
        Mount("/static", StaticFiles(directory=str(STATIC)), name="static"),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.add_route("/api/transcribe", _transcribe, methods=["POST"])
    app.state.secret = secret or secrets.token_urlsafe(24)
    return app


async def _transcribe(request: HttpRequest) -> Response:
    return await api.transcriber(request.app.state.models)(request)


def guarded_app(secret: str, models: runner.Models | None = None) -> Guard:
    return Guard(create_app(secret, models), secret)
