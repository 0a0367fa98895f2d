"""`trainer scenarios`: list, show, check and create scenario files."""

from __future__ import annotations

import re
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from trainer import paths
from trainer.errors import InputError, ScenarioError, TrainerError
from trainer.scenarios import file as scenarios


@click.group("scenarios")
def scenarios_group() -> None:
    """Scenario files: one per role."""


@scenarios_group.command("list")
def list_command() -> None:
    """The bundled scenarios and yours."""
    table = Table()
    table.add_column("name", no_wrap=True)
    for column in ("role", "from", "title"):
        table.add_column(column)
    for origin, path in scenarios.available():
        try:
            sc = scenarios.load_file(path)
            table.add_row(path.stem, sc.role, origin, sc.title)
        except ScenarioError as exc:
            table.add_row(path.stem, "[red]invalid[/]", origin, exc.problem)
    console = Console()
    console.print(table)
    console.print(f"Your scenarios: {paths.user_scenarios_dir()}", style="dim")


@scenarios_group.command("show")
@click.argument("name")
def show_command(name: str) -> None:
    """Print one scenario."""
    print_scenario(scenarios.load(name))


def print_scenario(sc: scenarios.Scenario) -> None:
    console = Console()
    console.print(f"[bold]{sc.title}[/]  ({sc.name}, {sc.path})")
    console.print(f"Role: {sc.role}")
    console.print("Your best skills:", style="bold")
    for s in sc.skills:
        console.print(f"  • {s}")
    console.print("What the job needs:", style="bold")
    for r in sc.requirements:
        console.print(f"  • {r}")
    console.print("Interviewer", style="bold")
    console.print(f"  signals the end: {sc.signal_to_end}")
    for o in sc.objections:
        console.print(f"  objection: {o}")
    for question, answer in sc.answers.items():
        console.print(f"  asked about {question}: {answer}")
    console.print(f"  next step: {sc.next_step}")
    console.print(
        f"Checklist: restate {sc.min_skills} skills, tie {sc.min_requirements} requirements, "
        f"at most {sc.max_seconds} s / {sc.max_words} words",
        style="dim",
    )


@scenarios_group.command("check")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
def check_command(files: tuple[Path, ...]) -> None:
    """Validate scenario files; exit code 2 if any is invalid."""
    bad: list[TrainerError] = []
    for f in files:
        try:
            sc = scenarios.load_file(f)
            answers = f", {len(sc.answers)} answers" if sc.answers else ""
            click.echo(f"{f}: ok ({sc.role}, {len(sc.skills)} skills, {len(sc.requirements)} requirements{answers})")
            _warn_too_close(f, sc)
        except ScenarioError as exc:
            click.echo(f"error: {exc}", err=True)
            bad.append(exc)
    if bad:
        raise click.exceptions.Exit(2)


def _warn_too_close(path: Path, sc: scenarios.Scenario) -> None:
    """Two skills (or requirements) that mean the same to the judge would be counted as one."""
    from trainer.checklist.semantic import too_close  # loads the sentence model: check only

    for key, phrases in (("candidate.skills", sc.skills), ("job.requirements", sc.requirements)):
        for a, b, sim in too_close(list(phrases)):
            click.echo(
                f'warning: {path}: {key}: "{a}" and "{b}" are too close for the judge to tell apart '
                f"(similarity {sim:.2f}); merge them or make each one distinct",
                err=True,
            )


@scenarios_group.command("new")
@click.argument("name")
@click.option("--role", default=None, help="The job title (default: from NAME).")
@click.option("--output", "-o", type=click.Path(path_type=Path), help="Write here instead of your scenario folder.")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def new_command(name: str, role: str | None, output: Path | None, force: bool) -> None:
    """Start a new scenario from a commented template."""
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", name):
        raise InputError(f"{name}: scenario names are lower case letters, digits and dashes, e.g. 'data-engineer'")
    role = role or name.replace("-", " ").capitalize()
    target = output or paths.user_scenarios_dir() / f"{name}.toml"
    if target.exists() and not force:
        raise InputError(f"{target}: already exists; pick another name or add --force")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(scenarios.TEMPLATE.format(title=f"{role} interview", role=role), encoding="utf-8")
    click.echo(f"Wrote {target}. Edit it, then run: trainer scenarios check {target}")


MAX_TEXT_BYTES = 1024 * 1024  # a long posting is 10 KB


def _read_text(path: Path, what: str) -> str:
    try:
        if path.stat().st_size > MAX_TEXT_BYTES:
            raise InputError(f"{path}: is over {MAX_TEXT_BYTES // 1024} KB; paste just the {what} into a text file")
        return path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file; check the path") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder; give the {what} as a text file") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: is not UTF-8 text; paste the {what} into a plain text file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror})") from None


def _ask_skills() -> list[str]:
    click.echo(
        "No resume given: type your best skills for this job, one a line (3 to 5); an empty line ends.", err=True
    )
    skills: list[str] = []
    while len(skills) < 5:
        try:
            line = click.prompt(f"Skill {len(skills) + 1}", default="", show_default=False, err=True)
        except click.exceptions.Abort:  # end of input
            break
        if not line.strip():
            break
        skills.append(line.strip())
    return skills


@scenarios_group.command("from-posting")
@click.argument("posting", type=click.Path(path_type=Path))
@click.option("--resume", type=click.Path(path_type=Path), help="Your resume as text: your skills come from it.")
@click.option("--name", help="Scenario name (default: from the job title), e.g. 'data-analyst-northwind'.")
@click.option("--output", "-o", type=click.Path(path_type=Path), help="Write here instead of your scenario folder.")
@click.option("--force", is_flag=True, help="Overwrite an existing scenario of that name.")
def from_posting_command(
    posting: Path, resume: Path | None, name: str | None, output: Path | None, force: bool
) -> None:
    """Build a scenario from a job posting (pasted as text) and your resume, offline."""
    from trainer.scenarios.build import build, role_of, title_of

    text = _read_text(posting, "posting")
    resume_text = _read_text(resume, "resume") if resume is not None else None
    name = name or re.sub(r"[^a-z0-9]+", "-", role_of(title_of(text)).lower()).strip("-")[:40] or "from-posting"
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", name):
        raise InputError(f"{name}: scenario names are lower case letters, digits and dashes, e.g. 'data-analyst'")
    target = output or paths.user_scenarios_dir() / f"{name}.toml"
    if target.exists() and not force:
        raise InputError(f"{target}: already exists; pick another --name or add --force")
    built = build(text, resume_text, name, _ask_skills, posting)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(built.toml, encoding="utf-8")
    sc = scenarios.load_file(target)  # what was written is what the trainer will read
    print_scenario(sc)
    _warn_too_close(target, sc)
    how = "by meaning" if built.judged_by == "meaning" else "by shared words (the sentence model is unavailable)"
    click.echo(f"Wrote {target} (requirements ranked {how}). Rehearse: trainer practice {sc.name}", err=True)
