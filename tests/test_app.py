"""`trainer app` through a real browser: whole flows from the page, the security refusals, faults.

Each test starts the real app (a subprocess, its own user folder) and drives Debian's headless
Chromium. Waits are on the page's own signals (an element appearing, a control enabled).
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_cli
from tests.web import chromium, open_page, running_app, spoken_close

pytestmark = pytest.mark.skipif(not Path("/usr/lib/chromium/chromium").exists(), reason="needs Debian's chromium")

# The report is shown at the goodbye, then saved once the session has listened for words after it.
SAVED_REPORT = "[data-testid=report]:not([data-provisional])"
TURNS = [
    "What I bring is user research, prototyping in Figma and accessibility audits. "
    "Do you see any gaps between my qualifications and what you need?",
    "That's a fair concern. I haven't worked in banking, but at my last job every screen went through a "
    "legal review, and I built a checklist with the compliance team that cut the review rounds in half.",
    "What is the next step, and when do you expect to decide? May I follow up with you next week?",
    "This job and I sound like a terrific match. Thank you for your time today.",
]


def _type_turns(page, turns: list[str]) -> None:  # type: ignore[no-untyped-def]
    for text in turns:
        page.wait_for_selector("[data-testid=typed]:not([disabled])")
        page.fill("[data-testid=typed]", text)
        page.press("[data-testid=typed]", "Enter")


def _verdicts(page) -> dict[str, bool]:  # type: ignore[no-untyped-def]
    items = page.query_selector_all("[data-testid=report] [data-testid^=item-]")
    return {i.get_attribute("data-testid")[5:]: i.get_attribute("data-passed") == "true" for i in items}


def _http(url: str, method: str = "GET", headers: dict[str, str] | None = None) -> tuple[int, str]:
    req = urllib.request.Request(url, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=30) as res:
            return res.status, res.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def test_typed_close_from_the_page_is_scored_saved_and_in_the_cli_history() -> None:
    with running_app() as app, chromium() as browser:
        page = open_page(browser, app, "/practice/ux-designer")
        page.select_option("#mode", "typed")
        page.select_option("#interviewer", "warm")
        page.click("[data-testid=start]")
        _type_turns(page, TURNS)
        page.wait_for_selector(SAVED_REPORT)
        verdicts = _verdicts(page)
        assert "warm interviewer" in (page.text_content("main") or "")
        run_id = int(re.search(r"/report/(\d+)$", page.url).group(1))
        # The interviewer reacted to the probe with an objection, and answered the next-step question.
        conversation = page.text_content("[data-testid=report] .conversation") or ""
        page.fill("[data-testid=summary]", "They worry about banking; send the compliance checklist story.")
        page.click("[data-testid=save-summary]")
        page.wait_for_selector("text=Saved with this run.")
        assert page.errors == []
    assert set(verdicts) >= {"skills_restated", "gaps_probed", "next_step_asked", "thanks_given", "objection_handled"}
    assert verdicts["gaps_probed"] and verdicts["next_step_asked"] and verdicts["thanks_given"]
    assert "Banking is heavily regulated" in conversation or "only designer" in conversation  # an objection
    assert "portfolio presentation to the product team" in conversation  # the scenario's next step
    shown = run_cli("show", str(run_id))
    assert shown.returncode == 0, shown.stderr
    listed = run_cli("history")
    assert re.search(rf"^\W*{run_id}\W.*practice \(warm\).*ux-designer", listed.stdout, re.MULTILINE), listed.stdout
    exported = json.loads(run_cli("export", "--format", "json").stdout)
    assert exported[0]["notes"].startswith("They worry about banking")
    cli_verdicts = {i["id"]: i["passed"] for i in exported[0]["items"]}
    assert cli_verdicts == verdicts


def test_history_page_lists_exports_and_deletes_runs() -> None:
    for k in range(2):
        saved = run_cli("score", "-s", "ux-designer", "-t", "-", stdin=TURNS[k] + " " + TURNS[3])
        assert saved.returncode == 0, saved.stderr
    with running_app() as app, chromium() as browser:
        page = open_page(browser, app, "/history")
        page.wait_for_selector("[data-testid=runs]")
        assert page.locator("[data-testid=runs] tbody tr").count() == 2
        assert page.locator("svg.chart").count() == 2  # the totals and the hit rate per item
        csv_status, csv_text = 0, ""
        with page.expect_download() as download:
            page.click("text=CSV")
        csv_text = Path(download.value.path()).read_text()
        csv_status = 200
        page.on("dialog", lambda d: d.accept())
        page.click("[data-testid=delete-1]")
        page.wait_for_selector("[data-run='1']", state="detached")
        assert page.errors == []
    assert csv_status == 200 and csv_text.count("\n") == 3 and csv_text.startswith("run,created_at")
    assert "ux-designer" in run_cli("history").stdout
    assert run_cli("show", "1").returncode != 0  # gone for good
    assert run_cli("show", "2").returncode == 0


def test_drill_in_the_page_counts_reworded_passes_only() -> None:
    reps = [
        "May I follow up with you next week if I have more questions?",
        "May I follow up with you next week if I have more questions?",  # the same words: not counted
        "Would it be all right if I called you on Friday to see where things stand?",
        "Is it okay if I email you next week to check in?",
    ]
    with running_app() as app, chromium() as browser:
        page = open_page(browser, app, "/drill?item=follow_up_permission&scenario=ux-designer")
        page.select_option("#mode", "typed")
        page.click("[data-testid=start]")
        _type_turns(page, reps)
        page.wait_for_selector("[data-testid=drill-over]")
        done = page.inner_text("[data-testid=drill-over]")
        rows = page.query_selector_all("[data-testid=reps] li")
        marks = [(r.get_attribute("data-passed"), r.get_attribute("data-counted")) for r in rows]
        assert page.errors == []
    assert marks[0] == ("true", "true") and marks[1] == ("true", "false")
    assert done.startswith("Done"), done
    assert "drill" in run_cli("history").stdout


def test_scenario_from_a_pasted_ad_is_saved_and_practised(trainer_home: Path) -> None:
    posting = (ROOT / "tests/data/postings/data-analyst.txt").read_text()
    resume = (ROOT / "tests/data/resumes/data-analyst.txt").read_text()
    with running_app() as app, chromium() as browser:
        page = open_page(browser, app, "/scenarios")
        page.fill("[data-testid=posting]", posting)
        page.fill("[data-testid=resume]", resume)
        page.click("[data-testid=make-scenario]")
        page.wait_for_selector("#sc-title")
        page.fill("#sc-name", "analyst-from-ad")
        page.fill("#sc-role", "Data analyst (edited)")
        page.click("[data-testid=save-scenario]")
        page.click("[data-testid=practise-saved]")
        page.wait_for_selector("[data-testid=start]")
        title = page.inner_text("h1")
        assert page.errors == []
    checked = run_cli("scenarios", "check", str(trainer_home / "scenarios" / "analyst-from-ad.toml"))
    assert checked.returncode == 0, checked.stderr
    shown = run_cli("scenarios", "show", "analyst-from-ad")
    assert "Data analyst (edited)" in shown.stdout
    assert title.endswith("interview")


def test_an_oversize_paste_and_a_broken_scenario_get_a_message_and_the_app_runs_on(trainer_home: Path) -> None:
    folder = trainer_home / "scenarios"
    folder.mkdir(parents=True)
    (folder / "broken.toml").write_text('title = "Broken"\nrole = 3\n')
    with running_app() as app, chromium() as browser:
        page = open_page(browser, app, "/")
        page.wait_for_selector("text=Broken")
        assert "role" in page.inner_text(".cards")  # the broken file's problem is shown, not a crash
        page.goto(app.base + "/scenarios")
        page.fill("[data-testid=posting]", "x " * 400_000)
        page.click("[data-testid=make-scenario]")
        message = page.wait_for_selector("[role=alert]").inner_text()
        page.goto(app.base + "/practice/broken")
        broken = page.wait_for_selector("[role=alert]").inner_text()
        page.goto(app.base + "/practice/ux-designer")
        page.wait_for_selector("[data-testid=start]")
    assert "KB" in message
    assert "broken.toml" in broken and "role" in broken


def test_security_refuses_other_hosts_other_origins_and_no_secret() -> None:
    import websockets.sync.client as ws_client
    from websockets.exceptions import InvalidStatus

    with running_app() as app:
        base = app.base
        assert _http(base + "/api/runs")[0] == 403  # no secret
        assert _http(base + "/", headers={"Accept": "text/html"})[0] == 403
        # The secret in the address becomes a cookie and leaves the address.
        req = urllib.request.Request(app.address)
        opener = urllib.request.build_opener(_NoRedirect())
        try:
            opener.open(req, timeout=30)
            raise AssertionError("expected a redirect")
        except urllib.error.HTTPError as exc:
            assert exc.code == 303
            assert exc.headers["location"] == "/"
            cookie = exc.headers["set-cookie"].split(";")[0]
            assert "HttpOnly" in exc.headers["set-cookie"] and "SameSite=Strict" in exc.headers["set-cookie"]
        ok = {"Cookie": cookie}
        assert _http(base + "/api/runs", headers=ok)[0] == 200
        # DNS rebinding: the right secret, another name for the host.
        assert _http(base + "/api/runs", headers={**ok, "Host": "attacker.example:80"})[0] == 400
        # Cross-origin writes are refused even with the cookie.
        evil = {**ok, "Origin": "http://attacker.example"}
        assert _http(base + "/api/runs/1", "DELETE", evil)[0] == 403
        assert _http(base + "/api/runs/1", "DELETE", ok)[0] == 403  # no Origin at all: not a page of ours
        # WebSocket handshakes: cross-origin, and without the secret, are refused.
        url = base.replace("http://", "ws://") + "/ws/session"
        for headers in ({**ok, "Origin": "http://attacker.example"}, {"Origin": base}):
            with pytest.raises(InvalidStatus) as refused:
                ws_client.connect(url, additional_headers=headers, open_timeout=30)
            assert refused.value.response.status_code == 403
        with ws_client.connect(url, additional_headers={**ok, "Origin": base}, open_timeout=30) as ws:
            ws.send(json.dumps({"type": "start", "scenario": "no-such-role", "mode": "typed"}))
            reply = json.loads(ws.recv(timeout=60))
        assert reply["type"] == "error" and "no-such-role" in reply["message"]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


def test_microphone_refused_says_how_to_allow_it_and_offers_typing() -> None:
    with running_app() as app, chromium(allow_microphone=False) as browser:
        page = open_page(browser, app, "/practice/ux-designer")
        page.select_option("#mode", "voice")
        page.click("[data-testid=start]")
        message = page.wait_for_selector("[role=alert]").inner_text()
        page.click("text=Practise by typing instead")
        page.click("[data-testid=start]")
        page.wait_for_selector("[data-testid=typed]:not([disabled])")
    assert "Allow" in message and "typing" in message


def _one_typed_turn(browser, app):  # type: ignore[no-untyped-def]
    """A typed session in progress: the first turn said, the interviewer's objection answered it."""
    page = open_page(browser, app, "/practice/ux-designer")
    page.select_option("#mode", "typed")
    page.click("[data-testid=start]")
    _type_turns(page, TURNS[:1])
    page.wait_for_selector("[data-testid=typed]:not([disabled])")  # their turn again
    return page


def test_closing_the_tab_mid_session_scores_and_saves_what_was_said() -> None:
    with running_app() as app, chromium() as browser:
        _one_typed_turn(browser, app).close()
        code, err = app.stop()  # Ctrl-C waits for the session to be saved
    assert code == 0, err
    shown = run_cli("export", "--format", "json")
    runs = json.loads(shown.stdout)
    assert len(runs) == 1 and "user research" in runs[0]["transcript"]["text"].lower()


def test_ctrl_c_ends_a_session_in_progress_and_saves_it() -> None:
    with running_app() as app, chromium() as browser:
        _one_typed_turn(browser, app)
        code, err = app.stop()
    assert code == 0, err
    runs = json.loads(run_cli("export", "--format", "json").stdout)
    assert len(runs) == 1 and runs[0]["kind"] == "practice"


@pytest.mark.parametrize("width", [375, 1280])
def test_pages_fit_phone_and_laptop_and_every_control_is_labelled(width: int, tmp_path: Path) -> None:
    with running_app() as app, chromium() as browser:
        page = open_page(browser, app, "/", width=width, height=800)
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        for path in ("/", "/mic", "/practice/ux-designer", "/history", "/drill", "/scenarios"):
            page.goto(app.base + path)
            page.wait_for_selector("main h1")
            page.wait_for_load_state("networkidle")
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"{path} at {width}px overflows by {overflow}px"
            unlabelled = page.evaluate(
                """() => [...document.querySelectorAll('button, a, select, textarea, input, audio')]
                   .filter(el => !el.hidden && el.offsetParent !== null)
                   .filter(el => {
                     const name = (el.getAttribute('aria-label') || el.textContent || '').trim();
                     const byLabel = el.id && document.querySelector(`label[for="${el.id}"]`);
                     return !name && !byLabel;
                   }).map(el => el.outerHTML.slice(0, 80))"""
            )
            assert unlabelled == [], f"{path}: {unlabelled}"
            page.screenshot(path=str(tmp_path / f"{path.strip('/').replace('/', '-') or 'home'}-{width}.png"))
        assert page.errors == []
    assert requests and all(u.startswith(app.base) or u.startswith("data:") for u in requests), requests


@pytest.mark.slow
def test_spoken_close_from_the_fake_microphone_is_recognized_and_judged(tmp_path: Path) -> None:
    from tests.speech import natural
    from trainer.scenarios import file as scenarios
    from trainer.session.lines import Lines
    from trainer.session.tts import VoiceSettings

    sc = scenarios.load("ux-designer")
    said = [
        "What I bring is user research, prototyping in Figma and accessibility audits. "
        "Is there anything in my background that worries you?",
        "That's a fair concern. At my last job every screen went through a legal review, "
        "and I built a checklist with the compliance team that cut the review rounds in half.",
        "What is the next step, and when do you expect to make a decision?",
        "This job and I sound like a terrific match. Thank you for your time today.",
    ]
    # Whatever the interviewer says after a turn (the recognizer may mishear a probe), the next turn
    # comes after the longest line it could be: no turn is said over the interviewer.
    lines = Lines.every(sc, ("neutral",))  # the page's interviewer unless the user picks another
    after = [lines] * len(said)
    wav = tmp_path / "close.wav"
    spoken_close([natural(t) for t in said], after, sc.signal_to_end, VoiceSettings()).save(wav)
    with running_app() as app, chromium(microphone=wav) as browser:
        page = open_page(browser, app, "/practice/ux-designer?processing=off")
        page.select_option("#mode", "voice")
        page.select_option("#voice", "rendered")
        page.click("[data-testid=start]")
        page.wait_for_selector(SAVED_REPORT, timeout=240_000)
        verdicts = _verdicts(page)
        transcript = page.inner_text("#transcript").lower()
        conversation = page.text_content("[data-testid=report] .conversation") or ""
        players = page.locator("[data-testid=report] audio").count()
        marks = page.evaluate("window.trainerTimeline.map(e => e.type)")
        assert page.errors == []
    for words in ("figma", "compliance", "next step", "terrific match"):
        assert words in transcript, (words, conversation)
    assert verdicts["next_step_asked"] and verdicts["thanks_given"] and verdicts["skills_restated"], verdicts
    assert sc.next_step in conversation
    # The interviewer's reactions follow the report's verdicts.
    assert verdicts["gaps_probed"] == any(o in conversation for o in sc.objections), conversation
    assert players == 4, players  # each turn's recording, to listen back
    assert marks.count("line-playing") >= 4 and "report-shown" in marks
    runs = json.loads(run_cli("export", "--format", "json").stdout)
    assert runs[0]["engine"] and "whisper" in runs[0]["engine"]


def test_two_tabs_practising_at_once_both_save_whole_runs() -> None:
    with running_app() as app, chromium() as browser:
        tabs = [_one_typed_turn(browser, app) for _ in range(2)]
        for page in tabs:  # both sessions are open at once; each finishes its close
            _type_turns(page, TURNS[1:])
        for page in tabs:
            page.wait_for_selector(SAVED_REPORT)
        urls = sorted(page.url for page in tabs)
        assert all(page.errors == [] for page in tabs)
    runs = json.loads(run_cli("export", "--format", "json").stdout)
    assert len(runs) == 2 and len(set(urls)) == 2
    for run in runs:
        assert "terrific match" in run["transcript"]["text"].lower() and run["total"] > 0
