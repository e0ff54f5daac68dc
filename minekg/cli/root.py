"""The `minekg` command: the root group and the one line per command group that registers it."""

from __future__ import annotations

import click

from minekg import __version__
from minekg.cli import build, check, curation, export, intake, meetings, push, query, register, serve, viz
from minekg.cli import map as map_cli
from minekg.cli.base import MinekgGroup, use_project
from minekg.project import ROOT_VARIABLE


@click.group(cls=MinekgGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="minekg")
@click.option("--project", metavar="DIR", envvar=ROOT_VARIABLE, callback=use_project, expose_value=False,
              is_eager=True, help=f"the project folder (ontology/, graph_data/, queries/...); "
              f"default ${ROOT_VARIABLE}, else the current directory")
def main() -> None:
    """minekg: a knowledge graph of the global ban on antipersonnel landmines."""


for command in (
    build.build, build.validate, build.coverage_cmd,
    curation.draft_cmd, curation.carry_cmd, curation.diff_cmd,
    query.query, query.list_queries,
    export.export_command, push.push_command,
    register.import_register_command, register.import_treaty_status_command, meetings.import_meetings_command,
    serve.serve, viz.viz, map_cli.map_command, intake.add_source_command, check.check_command,
):
    main.add_command(command)


if __name__ == "__main__":  # pragma: no cover
    main()
