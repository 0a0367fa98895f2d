"""`trainer scenarios from-posting`: realistic postings of different shapes and fields (written
for these tests, in tests/data) become scenarios the trainer accepts."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from conftest import ROOT, run_cli
from rapidfuzz import fuzz

from trainer.scenarios import file as scenarios
from trainer.scenarios.build import level_of, role_of, title_of
from trainer.scenarios.posting import Line, is_boilerplate, lines, plain_text, shorten

DATA = ROOT / "tests" / "data"
EXPECT = tomllib.loads((DATA / "postings" / "expect.toml").read_text(encoding="utf-8"))


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9+ ]+", " ", text.lower()).strip()


def _posting_lines(text: str) -> list[str]:
    return [_norm(ln.text) for ln in lines(text)]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("built")
    files = {}
    for name, expect in EXPECT.items():
        target = out / f"{name.replace('.', '-')}.toml"
        proc = run_cli(
            "scenarios",
            "from-posting",
            str(DATA / "postings" / f"{name}.txt"),
            "--resume",
            str(DATA / "resumes" / expect["resume"]),
            "-o",
            str(target),
        )
        assert proc.returncode == 0, (name, proc.stderr)
        assert "ranked by meaning" in proc.stderr
        files[name] = target
    return files


def test_at_least_six_postings_of_different_shapes() -> None:
    texts = {n: (DATA / "postings" / f"{n}.txt").read_text(encoding="utf-8") for n in EXPECT}
    assert len(texts) >= 6
    assert any("<li>" in t for t in texts.values())  # HTML pasted as text
    assert any(re.search(r"^\s*\d\. ", t, re.M) for t in texts.values())  # numbered lists
    assert any(re.search(r"^[-•] ", t, re.M) for t in texts.values())  # bullets
    assert any(not re.search(r"^\s*([-•*]|\d\.)\s", t, re.M) and "<" not in t for t in texts.values())  # prose


def test_every_built_scenario_passes_scenarios_check(built: dict[str, Path]) -> None:
    proc = run_cli("scenarios", "check", *map(str, built.values()))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count(": ok (") == len(built)
    assert "too close" not in proc.stderr  # no two skills or requirements the judge would confuse


@pytest.mark.parametrize("name", list(EXPECT))
def test_requirements_come_from_duties_never_boilerplate(built: dict[str, Path], name: str) -> None:
    sc = scenarios.load_file(built[name])
    posting = (DATA / "postings" / f"{name}.txt").read_text(encoding="utf-8")
    posting_lines = _posting_lines(posting)
    boiler = [ln for ln in posting_lines if any(_norm(f) in ln for f in EXPECT[name]["boilerplate"])]
    assert boiler, "the expectations name boilerplate that is in the posting"
    assert len(sc.requirements) == 4
    for req in sc.requirements:
        source = max(posting_lines, key=lambda ln: fuzz.partial_ratio(_norm(req), ln))
        assert fuzz.partial_ratio(_norm(req), source) >= 90, (req, source)  # a line of the posting, shortened
        assert all(fuzz.partial_ratio(_norm(req), b) < 80 for b in boiler), req
        assert len(req.split()) <= 10


@pytest.mark.parametrize("name", list(EXPECT))
def test_objections_name_a_requirement_the_resume_lacks(built: dict[str, Path], name: str) -> None:
    sc = scenarios.load_file(built[name])
    gaps = [_norm(u) for u in EXPECT[name]["uncovered"]]
    named = [o for o in sc.objections if "resume" in o and any(g in _norm(o) for g in gaps)]
    assert named, sc.objections
    resume = (DATA / "resumes" / EXPECT[name]["resume"]).read_text(encoding="utf-8")
    skill_words = " ".join(_norm(s) for s in sc.skills)
    assert all(any(w in _norm(resume) for w in _norm(s).split()) for s in sc.skills), skill_words
    assert 3 <= len(sc.skills) <= 5


def test_title_role_and_level() -> None:
    shift = (DATA / "postings" / "warehouse-shift-lead.txt").read_text(encoding="utf-8")
    assert title_of(shift) == "Warehouse Shift Lead" and level_of(title_of(shift)) == "senior"
    teacher = (DATA / "postings" / "middle-school-teacher.txt").read_text(encoding="utf-8")
    assert role_of(title_of(teacher)) == "Middle School Science Teacher"
    backend = (DATA / "postings" / "backend-engineer.txt").read_text(encoding="utf-8")
    assert title_of(backend) == "Backend Engineer (Python)" and level_of("Marketing Coordinator") == "junior"


def test_no_resume_asks_for_skills_and_writes_to_the_user_folder(trainer_home: Path) -> None:
    posting = DATA / "postings" / "registered-nurse.txt"
    proc = run_cli("scenarios", "from-posting", str(posting), stdin="patient assessment\nIV therapy\nEpic charting\n\n")
    assert proc.returncode == 0, proc.stderr
    target = trainer_home / "scenarios" / "registered-nurse.toml"
    sc = scenarios.load_file(target)
    assert sc.skills == ("patient assessment", "IV therapy", "Epic charting")
    assert "Registered Nurse interview" in proc.stdout  # the scenario is shown
    assert run_cli("scenarios", "show", "registered-nurse").returncode == 0  # and found by name
    again = run_cli("scenarios", "from-posting", str(posting), stdin="a\nb\nc\n\n")
    assert again.returncode == 2 and "already exists" in again.stderr  # nothing overwritten
    assert scenarios.load_file(target).skills == sc.skills
    too_few = run_cli("scenarios", "from-posting", str(posting), "--name", "rn2", stdin="one skill\n\n")
    assert too_few.returncode == 2 and "at least 3 skills" in too_few.stderr
    assert not (trainer_home / "scenarios" / "rn2.toml").exists()


def test_without_the_sentence_model_word_overlap_still_builds_a_valid_scenario(tmp_path: Path) -> None:
    broken = tmp_path / "model.onnx"
    broken.write_bytes(b"not a model")
    target = tmp_path / "out.toml"
    proc = run_cli(
        "scenarios",
        "from-posting",
        str(DATA / "postings" / "data-analyst.txt"),
        "--resume",
        str(DATA / "resumes" / "data-analyst.txt"),
        "-o",
        str(target),
        env={"TRAINER_EMBED_MODEL": str(broken)},
    )
    assert proc.returncode == 0, proc.stderr
    assert "by shared words" in proc.stderr
    assert len(scenarios.load_file(target).requirements) == 4


def test_bad_inputs_are_one_line_errors(tmp_path: Path) -> None:
    only_benefits = tmp_path / "perks.txt"
    only_benefits.write_text(
        "Benefits\n- Health, dental and vision insurance\n- 401(k) match\nWe are an equal opportunity employer.\n"
    )
    cases = [
        (tmp_path / "missing.txt", "no such file"),
        (only_benefits, "found 0 duties or requirements"),
    ]
    binary = tmp_path / "posting.pdf"
    binary.write_bytes(b"%PDF-1.4\n\xff\xfe\x00garbage")
    cases.append((binary, "not UTF-8 text"))
    for path, message in cases:
        proc = run_cli("scenarios", "from-posting", str(path), "--resume", str(DATA / "resumes" / "data-analyst.txt"))
        assert proc.returncode == 2 and message in proc.stderr, proc.stderr
        assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_html_bullets_and_paragraph_headings_are_read() -> None:
    text = "<h3>What you&#39;ll do</h3><ul><li>Run the weekly payroll</li><li>Apply statistical methods to sales data</li></ul><p>Why join us? Stable company; free snacks.</p>"
    assert "&#39;" not in plain_text(text)
    got = lines(text)
    assert [(ln.text, ln.bullet, ln.kind) for ln in got[:2]] == [
        ("Run the weekly payroll", True, "duties"),
        ("Apply statistical methods to sales data", True, "duties"),
    ]
    assert len(got) == 3 and is_boilerplate(got[2]) and got[2].section == "Why join us"


@pytest.mark.parametrize(
    "duty",
    [
        "Apply statistical methods to sales data",
        "Differentiate instruction for students with disabilities",
        "Pick 150 units per hour",
        "Own the product vision for onboarding",
        "Recruit and train seasonal staff",
        "Build web applications in React",
    ],
)
def test_duties_that_share_words_with_boilerplate_are_not_boilerplate(duty: str) -> None:
    assert not is_boilerplate(Line(duty, "", "duties", True, 0))


def test_shorten_keeps_a_stretch_of_the_line() -> None:
    assert shorten("You will design, build and maintain REST APIs for our shipment tracking platform") == (
        "design, build and maintain REST APIs for our shipment"
    )
    assert shorten("The nurse monitors patients for changes in condition.", role_words={"nurse"}) == (
        "monitor patients for changes in condition"
    )
    assert shorten("Experience running services on AWS (ECS, Lambda, RDS)") == "experience running services on AWS"
