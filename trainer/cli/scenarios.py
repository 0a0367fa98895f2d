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
    sc = scenarios.load(name)
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
            click.echo(f"{f}: ok ({sc.role}, {len(sc.skills)} skills, {len(sc.requirements)} requirements)")
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
