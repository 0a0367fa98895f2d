"""The semantic judge: the real sentence model, its pinned files, its fallback, and paraphrases.

The paraphrase cases are the kinds of misses the wording judge made (issue 9), in wordings that
are in neither the example sentences nor the labelled corpus.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_cli
from trainer.checklist import embed, semantic
from trainer.checklist.context import Context
from trainer.checklist.scorer import score, warm
from trainer.checklist.windows import long_windows, mid_windows, short_windows
from trainer.errors import ModelError
from trainer.scenarios.file import load, load_file
from trainer.speech.transcript import Transcript

EXAMPLE = ROOT / "scenarios" / "examples" / "ux-designer-close.txt"


@pytest.fixture(autouse=True)
def fresh_judge(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test loads the judge under its own environment."""
    monkeypatch.delenv("TRAINER_EMBED_MODEL", raising=False)
    monkeypatch.delenv("TRAINER_JUDGE", raising=False)
    semantic.reset()


def verdict(scenario: str, text: str, item: str) -> bool:
    result = score(load(scenario), Transcript(text))
    assert result.judge == "semantic"
    return result.item(item).passed


@pytest.mark.parametrize(
    ("item", "text", "expected"),
    [
        ("gaps_probed", "Before we wrap up, what would stop you from moving me forward?", True),
        ("gaps_probed", "so is there anything youre not sold on yet with me", True),
        ("gaps_probed", "Do you have any other questions for me?", False),
        ("interest_reaffirmed", "Honestly, I want this.", True),
        ("interest_reaffirmed", "I'm excited about the conference next week.", False),
        ("next_step_asked", "What's next for the new warehouse?", False),
        ("next_step_asked", "so after today what happens and when will you choose someone", True),
        ("thanks_given", "I appreciate the challenge of the night shift.", False),
        ("thanks_given", "Thanks to my crew, we had zero injuries.", False),
        ("follow_up_permission", "Would you mind if I checked in with you by phone next week?", True),
        ("follow_up_permission", "You can call my references anytime.", False),
    ],
)
def test_intent_paraphrases_and_near_misses(item: str, text: str, expected: bool) -> None:
    assert verdict("warehouse-supervisor", text, item) is expected


def test_evidence_quotes_the_words_and_says_what_they_matched() -> None:
    text = EXAMPLE.read_text()
    result = score(load("ux-designer"), Transcript(text))
    for item in result.items:
        if item.passed and item.id != "concise":
            assert item.evidence, item.id
            for ev in item.evidence:
                assert text[ev.start : ev.end] == ev.text
                assert ev.note, item.id
    skills = result.item("skills_restated")
    assert {e.note for e in skills.evidence} == set(skills.heard or [])
    assert set(skills.heard or []) <= set(load("ux-designer").skills)


def test_a_close_embedded_turn_by_turn_scores_the_same_and_leaves_only_the_last_words(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """What `practice` does: the close so far is embedded after each turn; the final scoring then
    embeds only the windows the last words made (and gives the same verdicts as a cold score)."""
    sc, text = load("ux-designer"), EXAMPLE.read_text()
    cold = score(sc, Transcript(text))
    judge = semantic.shared_judge()
    assert judge is not None
    judge.embedder.clear_cache()
    words = text.split()
    for end in range(40, len(words) - 10, 40):
        warm(sc, Transcript(" ".join(words[:end])))
    warm(sc, Transcript(" ".join(words[:-10])))
    embedded: list[str] = []
    real = judge.embedder._run
    monkeypatch.setattr(judge.embedder, "_run", lambda texts: embedded.extend(texts) or real(texts))
    warmed = score(sc, Transcript(text))
    assert [(i.id, i.passed, round(i.score, 6), i.heard) for i in warmed.items] == [
        (i.id, i.passed, round(i.score, 6), i.heard) for i in cold.items
    ]
    ctx = Context(Transcript(text))
    windows = {w.text for w in long_windows(ctx) + short_windows(ctx) + mid_windows(ctx)}
    assert embedded and set(embedded) <= windows
    assert len(embedded) <= 12, embedded  # the windows touching the last ten words, not the ~100 of the close


def test_lacked_skills_and_unclaimed_requirements_do_not_count() -> None:
    sc = load("warehouse-supervisor")
    listed = (
        "So the job is running the night shift of forty associates and keeping the injury rate down. "
        "That's a lot. Is there anything about my background that worries you?"
    )
    assert not score(sc, Transcript(listed)).item("requirements_matched").passed
    lacking = "I've never led forklift crews, I still need to learn WMS cycle counts, and I haven't done dock safety."
    assert not score(sc, Transcript(lacking)).item("skills_restated").passed


def test_a_requirement_is_also_compared_by_its_phrases_between_prepositions() -> None:
    """A task is often claimed by its head alone ("I prepared the audit schedules last year")."""
    forms = dict(semantic.phrase_texts(load("staff-accountant"), "requirements_matched"))
    assert forms["prepare schedules for the annual audit"] == [
        "prepare schedules for the annual audit",
        "prepare schedules",
        "the annual audit",
    ]
    assert "close the books" in forms["close the books within five business days"]
    # A skill is a name for what one can do, not a task: "interaction design in Figma" stays whole.
    skills = dict(semantic.phrase_texts(load("ux-designer"), "skills_restated"))
    assert skills["interaction design in Figma"] == ["interaction design in figma"]


def test_aliases_let_a_scenario_teach_the_judge_its_jargon(tmp_path: Path) -> None:
    src = (ROOT / "scenarios" / "construction-project-manager.toml").read_text()
    sc = load("construction-project-manager")
    text = "I've handled the subs on every job, and I live in Primavera."
    plain = score(sc, Transcript(text)).item("skills_restated")
    skill = next(s for s in sc.skills if "subcontract" in s.lower())
    path = tmp_path / "cpm.toml"
    old = 'aliases = { "scheduling with Primavera P6"'
    assert old in src
    path.write_text(
        src.replace(old, f'aliases = {{ "{skill}" = ["the subs", "subs"], "scheduling with Primavera P6"', 1)
    )
    aliased = score(load_file(path), Transcript(text)).item("skills_restated")
    assert skill not in (plain.heard or [])
    assert skill in (aliased.heard or [])


def test_scenarios_check_warns_when_two_skills_mean_the_same(tmp_path: Path) -> None:
    src = (ROOT / "scenarios" / "ux-designer.toml").read_text()
    first = load("ux-designer").skills[0]
    path = tmp_path / "dup.toml"
    path.write_text(src.replace(f'"{first}",', f'"{first}",\n  "Python programming",\n  "Python scripting",', 1))
    proc = run_cli("scenarios", "check", str(path))
    assert proc.returncode == 0, proc.stderr
    [warning] = [line for line in proc.stderr.splitlines() if line.startswith("warning:")]
    assert str(path) in warning and '"Python programming" and "Python scripting"' in warning
    clean = run_cli("scenarios", "check", str(ROOT / "scenarios" / "ux-designer.toml"))
    assert "warning" not in clean.stderr


def test_a_broken_model_is_reported_once_and_the_wording_judge_takes_over(tmp_path: Path) -> None:
    broken = tmp_path / "model.onnx"
    broken.write_bytes(b"not an onnx model" * 100)
    proc = run_cli("score", "-s", "ux-designer", "-t", str(EXAMPLE), "--json", env={"TRAINER_EMBED_MODEL": str(broken)})
    assert proc.returncode == 0, proc.stderr
    warnings = [line for line in proc.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and str(broken) in warnings[0] and "wording only" in warnings[0]
    assert "Traceback" not in proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["judge"] == "wording"
    good = json.loads(run_cli("score", "-s", "ux-designer", "-t", str(EXAMPLE), "--json").stdout)
    assert good["judge"] == "semantic"


def test_a_model_file_that_does_not_match_its_digest_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / "model.onnx"
    fake.write_bytes(b"\0" * 1024)
    with pytest.raises(ModelError, match="sha256"):
        embed._verified(fake, embed.MODEL_SHA256, "model")
    with pytest.raises(ModelError, match="missing"):
        embed._verified(tmp_path / "absent.onnx", embed.MODEL_SHA256, "model")
    # The shipped files are the pinned ones.
    assert embed._verified(embed._model_path(), embed.MODEL_SHA256, "model")
    assert embed._verified(embed.TOKENIZER_PATH, embed.TOKENIZER_SHA256, "tokenizer")


def test_wording_judge_on_request(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRAINER_JUDGE", "wording")
    assert score(load("ux-designer"), Transcript(EXAMPLE.read_text())).judge == "wording"


@pytest.mark.parametrize("args", [["--help"], ["scenarios", "list"], ["scenarios", "show", "ux-designer"]])
def test_help_and_scenario_commands_do_not_load_the_model(args: list[str]) -> None:
    code = (
        "import sys\n"
        "from trainer.cli import cli\n"
        f"try:\n    cli.main({args!r}, standalone_mode=False)\n"
        "except SystemExit:\n    pass\n"
        "print('onnxruntime' in sys.modules, 'tokenizers' in sys.modules)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "False False"


def test_model_file_lists_how_it_was_fitted() -> None:
    model = semantic.Ensemble.load()
    assert len(model.members) == len(model.meta["roles"]) >= 9  # type: ignore[arg-type]
    for member in model.members:
        assert set(member.window) == set(member.close) == set(semantic.INTENT_ITEMS)
        assert set(member.phrase) == set(member.pair) == set(semantic.LIST_ITEMS)
    assert int(model.meta["closes"]) >= 300  # type: ignore[call-overload]
