"""The minekg command line: thin over the library. Errors are one line and an exit status."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps

import click

from . import __version__
from .errors import MinekgError
from .project import Project


def _fail(message: str, code: int) -> None:
    click.echo(f"minekg: error: {message}", err=True)
    sys.exit(code)


def handled(fn: Callable) -> Callable:
    """Turn library errors into one line on stderr and their exit status, never a traceback."""

    @wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except MinekgError as e:
            _fail(str(e), e.code)
        except KeyboardInterrupt:
            _fail("interrupted", 130)
        except BrokenPipeError:
            sys.exit(0)

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="minekg")
def main() -> None:
    """minekg: a knowledge graph of the global ban on antipersonnel landmines."""


@main.command()
@handled
def build() -> None:
    """Build the graph from ontology/ and graph_data/ into build/ (atomically)."""
    from .build import build as run_build

    project = Project.default()
    summary = run_build(project)
    click.echo(f"built {project.rel(project.build / 'minekg.nq')}: {summary['triples']} triples, "
               f"{summary['statements']} statements, {summary['evidence']} evidence")
    click.echo("statements by kind:")
    for kind, n in summary["statements_by_kind"].items():
        click.echo(f"  {kind:<24} {n:>5}")
    click.echo("statements by document:")
    for doc, n in summary["statements_by_document"].items():
        click.echo(f"  {doc:<40} {n:>5}")


@main.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@handled
def validate(fmt: str) -> None:
    """Validate: SHACL shapes plus the evidence check. Exit 0 conforms, 1 violations, 2 unusable input."""
    from .validation import validate as run_validate

    report = run_validate(Project.default())
    if fmt == "json":
        click.echo(json.dumps(report.to_json(), indent=2, ensure_ascii=False))
    else:
        click.echo(report.to_text())
    sys.exit(1 if report.violations else 0)


if __name__ == "__main__":  # pragma: no cover
    main()
