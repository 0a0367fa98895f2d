from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import CORPUS, ROOT, run_cli
from trainer.errors import ScenarioError
from trainer.scenarios.file import TEMPLATE, available, load, load_file, parse

GOOD = (ROOT / "scenarios" / "staff-accountant.toml").read_text()


def error_for(text: str) -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        parse(Path("bad.toml"), text)
    return info.value


def test_every_bundled_scenario_is_valid_and_distinct() -> None:
    bundled = [p for origin, p in available() if origin == "bundled"]
    assert len(bundled) >= 6
    roles = {load_file(p).role for p in bundled}
    assert len(roles) == len(bundled)


@pytest.mark.skipif(not CORPUS.exists(), reason="the shared corpus is not beside this checkout")
def test_corpus_scenarios_are_valid() -> None:
    for p in (CORPUS / "scenarios").glob("*.toml"):
        load_file(p)


@pytest.mark.parametrize(
    ("edit", "key", "words"),
    [
        (
            lambda t: t.replace('role = "Staff accountant"', 'role = "Staff accountant"\ncolour = "blue"'),
            "colour",
            "unknown key",
        ),
        (lambda t: t.replace("min_skills = 3", 'min_skills = "three"'), "checklist.min_skills", "whole number"),
        (lambda t: t.replace("min_skills = 3", "min_skills = true"), "checklist.min_skills", "whole number"),
        (
            lambda t: re.sub(r"objections = \[.*?\]", "objections = []", t, flags=re.S),
            "interviewer.objections",
            "empty",
        ),
        (lambda t: t.replace('title = "Staff accountant, mid-sized manufacturing company"\n', ""), "title", "missing"),
        (lambda t: t.replace("min_skills = 3", "min_skills = 9"), "checklist.min_skills", "only 5 skills"),
        (
            lambda t: t.replace('"audit preparation",', '"audit preparation", 42,'),
            "candidate.skills[5]",
            "non-empty string",
        ),
        (
            lambda t: t.replace('pay = "The range', 'pay = 70000\nx = "The range'),
            "interviewer.answers.pay",
            "answer string",
        ),
        (lambda t: t + '\n[interviewer.lines]\nnod = "Mm."\n', "interviewer.lines.nod", "unknown reaction"),
        (
            lambda t: t + '\n[interviewer.lines]\npush_back = "Hm. {objetion}"\n',
            "interviewer.lines.push_back",
            "braces other than {objection}",
        ),
    ],
)
def test_each_mistake_names_the_key_and_what_was_expected(edit, key: str, words: str) -> None:  # type: ignore[no-untyped-def]
    err = error_for(edit(GOOD))
    assert err.key == key
    assert words in err.problem
    assert str(err).startswith("bad.toml: ")
    assert "\n" not in str(err)


def test_answers_and_lines_load_and_survive_a_save() -> None:
    from trainer.scenarios.file import dump

    text = GOOD + '\n[interviewer.lines]\nfollow_up = "Email me."\npush_back = ["No. {objection}", "Still no."]\n'
    sc = parse(Path("staff-accountant.toml"), text)
    assert sc.answers["pay"].startswith("The range is") and len(sc.answers) == 7
    assert sc.lines == {"follow_up": ("Email me.",), "push_back": ("No. {objection}", "Still no.")}
    again = parse(Path("staff-accountant.toml"), dump(sc))
    assert (again.answers, again.lines) == (sc.answers, sc.lines)


def test_the_reactions_a_scenario_may_word_are_the_sessions_own() -> None:
    from trainer.scenarios.file import LINE_KINDS
    from trainer.session.lines import phrasings

    assert set(phrasings()) == set(LINE_KINDS)
    assert all("neutral" in table for table in phrasings().values())


def test_bad_toml_reports_the_line() -> None:
    err = error_for(GOOD.replace('role = "Staff accountant"', 'role = "Staff accountant'))
    assert "not valid TOML" in str(err) and "line 2" in str(err)


def test_template_is_a_valid_scenario() -> None:
    sc = parse(Path("new.toml"), TEMPLATE.format(title="Chef interview", role="Chef"))
    assert sc.role == "Chef" and len(sc.skills) == 5


def test_user_scenarios_shadow_bundled_ones_and_load_by_name(trainer_home: Path) -> None:
    folder = trainer_home / "scenarios"
    folder.mkdir(parents=True)
    (folder / "staff-accountant.toml").write_text(GOOD.replace("Staff accountant,", "My own accountant,"))
    assert load("staff-accountant").title.startswith("My own accountant")


def test_cli_check_gives_one_line_and_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(GOOD.replace("min_skills = 3", "min_skills = 0"))
    good = ROOT / "scenarios" / "ux-designer.toml"
    proc = run_cli("scenarios", "check", str(good), str(bad))
    assert proc.returncode == 2
    assert "ux-designer.toml: ok" in proc.stdout
    assert proc.stderr.strip().count("\n") == 0
    assert "checklist.min_skills" in proc.stderr and "at least 1" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_cli_new_show_and_list(trainer_home: Path) -> None:
    proc = run_cli("scenarios", "new", "pastry-chef", "--role", "Pastry chef")
    assert proc.returncode == 0, proc.stderr
    path = trainer_home / "scenarios" / "pastry-chef.toml"
    assert path.exists()
    again = run_cli("scenarios", "new", "pastry-chef")
    assert again.returncode == 2 and "already exists" in again.stderr
    listing = run_cli("scenarios", "list")
    assert "pastry-chef" in listing.stdout and "warehouse-supervisor" in listing.stdout
    shown = run_cli("scenarios", "show", "warehouse-supervisor")
    assert "run the night shift of forty associates" in shown.stdout


def test_cli_unknown_scenario_name() -> None:
    proc = run_cli("scenarios", "show", "astronaut")
    assert proc.returncode == 2
    assert "no scenario by that name" in proc.stderr and "warehouse-supervisor" in proc.stderr
