"""The ``archdsl`` command line.

Exit codes: 0 success, 1 checklist findings at or above ``--fail-on``, 2 bad
input or bad usage, 3 an internal error (a bug in archdsl). A Python
traceback is shown only with ``--debug``.
"""

from __future__ import annotations

import logging
import os
import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING

import click

from archdsl import __version__
from archdsl.errors import (
    ArchdslError,
    DesignError,
    UsageError,
    format_diagnostics,
)

if TYPE_CHECKING:
    from archdsl.source import SourceSet

logger = logging.getLogger("archdsl")

EXIT_INTERNAL = 3
#: The shell's code for a process stopped by SIGINT (128 + 2).
EXIT_INTERRUPTED = 130


class _Group(click.Group):
    """Turns archdsl errors into messages and exit codes."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except DesignError as error:
            click.echo(error.format(), err=True)
            ctx.exit(error.exit_code)
        except ArchdslError as error:
            click.echo(f"error: {error}", err=True)
            ctx.exit(error.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            ctx.exit(EXIT_INTERRUPTED)
        except Exception as error:  # a bug: report it briefly, not as a traceback
            if ctx.find_root().params.get("debug"):
                traceback.print_exc()
            else:
                click.echo(
                    f"internal error: {type(error).__name__}: {error}\n"
                    "  hint: rerun with --debug for the traceback and report it",
                    err=True,
                )
            ctx.exit(EXIT_INTERNAL)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="archdsl")
@click.option("-v", "--verbose", count=True, help="Log progress (-v) or details (-vv).")
@click.option(
    "--debug", is_flag=True, help="Show Python tracebacks of internal errors."
)
def cli(verbose: int, debug: bool) -> None:
    """Architecture as code for AWS: type a design, get the AWS components,
    a diagram, a checklist and a design document."""
    _configure_logging(verbose, debug)


def _configure_logging(verbose: int, debug: bool) -> None:
    if not verbose and not debug:
        return
    level = logging.DEBUG if verbose > 1 or debug else logging.INFO
    if not any(isinstance(h, logging.StreamHandler) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("archdsl: %(levelname)s: %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(level)


def _add_verbose(ctx: click.Context, param: click.Parameter, value: int) -> None:
    root = ctx.find_root()
    root.params["verbose"] = root.params.get("verbose", 0) + value
    _configure_logging(root.params["verbose"], root.params.get("debug", False))


def _add_debug(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    root = ctx.find_root()
    root.params["debug"] = root.params.get("debug", False) or value
    _configure_logging(root.params.get("verbose", 0), root.params["debug"])


def _log_options(command):
    """Add -v and --debug to a command, so that they work after its name too."""
    command = click.option(
        "--debug",
        is_flag=True,
        expose_value=False,
        callback=_add_debug,
        help="Show Python tracebacks of internal errors.",
    )(command)
    return click.option(
        "-v",
        "--verbose",
        count=True,
        expose_value=False,
        callback=_add_verbose,
        help="Log progress (-v) or details (-vv).",
    )(command)


def _compile(design: Path):
    from archdsl.compiler import compile_file

    compiled = compile_file(design)
    if compiled.model.warnings:
        click.echo(
            format_diagnostics(compiled.model.warnings, compiled.sources), err=True
        )
    return compiled


def _write(output: str, data: bytes, sources: SourceSet) -> None:
    """Write ``data`` to ``output``, or to stdout for '-'.

    ``sources`` are the files that the compile read. Writing over one of
    them would replace the design or an included file with the output.
    """
    from archdsl.output import write_atomic

    if output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    if output.endswith(("/", os.sep)):
        raise UsageError(f"the output {output} names a folder; name a file")
    target = Path(output).resolve()
    for source in sources:
        if source.path is not None and source.path.resolve() == target:
            raise UsageError(
                f"the output {output} is a design file that this run reads; "
                "name another output file"
            )
    write_atomic(output, data)


DESIGN = click.argument(
    "design", type=click.Path(path_type=Path, dir_okay=False, allow_dash=False)
)


@cli.command()
@_log_options
@DESIGN
@click.option(
    "-o",
    "--output",
    required=True,
    metavar="FILE",
    help="Output file; its extension picks the format. '-' writes to stdout.",
)
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["png", "svg", "pdf", "dot"]),
    help="Output format; required with '-o -'.",
)
def render(design: Path, output: str, fmt: str | None) -> None:
    """Draw DESIGN as a diagram (PNG, SVG, PDF or Graphviz DOT)."""
    from archdsl.errors import UsageError
    from archdsl.render import format_for
    from archdsl.render import render as render_model

    if output == "-" and fmt is None:
        raise UsageError("writing to stdout ('-o -') needs --format")
    chosen = format_for(output, fmt)
    compiled = _compile(design)
    data = render_model(compiled.model, chosen)
    _write(output, data, compiled.sources)
    logger.info("wrote %s (%d bytes)", output, len(data))


@cli.command()
@_log_options
@DESIGN
@click.option(
    "-o",
    "--output",
    default="-",
    metavar="FILE",
    show_default=True,
    help="Where to write the JSON.",
)
def expand(design: Path, output: str) -> None:
    """Print the expanded model of DESIGN as JSON: every AWS component, why it
    is there and where it came from."""
    compiled = _compile(design)
    _write(output, compiled.model.dumps().encode("utf-8"), compiled.sources)


SEVERITY_CHOICES = ("critical", "high", "medium", "low", "never")


@cli.command()
@_log_options
@DESIGN
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown", "json", "sarif", "junit"]),
    default="text",
    show_default=True,
    help="Report format.",
)
@click.option(
    "-o",
    "--output",
    default="-",
    metavar="FILE",
    show_default=True,
    help="Where to write the report; '-' is stdout.",
)
@click.option(
    "--fail-on",
    type=click.Choice(SEVERITY_CHOICES),
    default="high",
    show_default=True,
    help="Exit 1 when an unwaived finding has this severity or a higher one; "
    "'never' always exits 0.",
)
@click.option(
    "--simulate",
    "scenarios",
    multiple=True,
    metavar="SCENARIO",
    help="Remove one AZ or region and report what still works: "
    "az-loss=<az> or region-loss=<region>. Repeatable.",
)
def check(
    design: Path, fmt: str, output: str, fail_on: str, scenarios: tuple[str, ...]
) -> None:
    """Check DESIGN against the Well-Architected pillar checklist.

    Exit codes: 0 when no unwaived finding is at or above --fail-on, 1 when
    one is, 2 for an invalid design or invalid options.
    """
    from archdsl.check.engine import run_check
    from archdsl.check.report import write_report
    from archdsl.check.severity import Severity
    from archdsl.check.simulate import parse_scenario

    compiled = _compile(design)
    model = compiled.model
    parsed = tuple(parse_scenario(text, model) for text in scenarios)
    threshold = None if fail_on == "never" else Severity(fail_on)
    result = run_check(model, fail_on=threshold, scenarios=parsed)
    if result.unused_waivers:
        click.echo(format_diagnostics(result.warnings(), compiled.sources), err=True)
    _write(output, write_report(result, compiled.sources, fmt), compiled.sources)
    logger.info(
        "%d finding(s), %d failing", len(result.findings), len(result.failing())
    )
    if result.failed:
        click.get_current_context().exit(1)


@cli.command()
@_log_options
@click.argument(
    "designs",
    nargs=-1,
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
)
@click.option(
    "-o",
    "--output",
    required=True,
    metavar="FOLDER",
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder for the document; with several designs, one subfolder each.",
)
@click.option(
    "--check",
    "check_only",
    is_flag=True,
    help="Write nothing; exit 1 when a document on disk is stale.",
)
@click.option(
    "--template",
    "templates",
    metavar="FOLDER",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    help="Folder of templates that replace the shipped ones by file name.",
)
@click.option("--no-png", is_flag=True, help="Skip the PNG copy of the diagram.")
def docs(
    designs: tuple[Path, ...],
    output: Path,
    check_only: bool,
    templates: Path | None,
    no_png: bool,
) -> None:
    """Generate a markdown design document for each DESIGN: README.md with the
    components, flows, security, reliability, scaling, cost drivers, checklist
    and review questions, next to diagram.svg and diagram.png.

    Exit codes: 0 written (or current with --check), 1 stale with --check, 2 for
    an invalid design or options.
    """
    from archdsl.docs import (
        build_document,
        document_folder,
        stale_files,
        write_document,
    )

    stems = [design.stem for design in designs]
    clashes = sorted({str(d) for d in designs if stems.count(d.stem) > 1})
    if clashes:
        raise UsageError(
            "these designs share a file name, so their documents would share a "
            f"folder: {', '.join(clashes)}; document them separately"
        )
    # Every design is compiled and drawn before anything is written, so an
    # invalid design leaves all documents as they were.
    documents = [
        build_document(
            _compile(design),
            design,
            document_folder(output, design),
            templates=templates,
            png=not no_png,
        )
        for design in designs
    ]
    stale = []
    for document in documents:
        if check_only:
            stale.extend(stale_files(document))
        else:
            removed = write_document(document)
            click.echo(f"wrote {document.folder / 'README.md'}", err=True)
            for leftover in removed:
                click.echo(
                    f"removed {leftover}, which the document no longer has", err=True
                )
    if stale:
        path, explanation = stale[0]
        click.echo(f"stale: {path}\n{explanation}", err=True)
        for path, _ in stale[1:]:
            click.echo(f"stale: {path}", err=True)
        click.echo(
            f"{len(stale)} file(s) out of date; run archdsl docs without --check",
            err=True,
        )
        click.get_current_context().exit(1)


@cli.command()
@_log_options
@DESIGN
@click.option(
    "-o",
    "--output",
    "outputs",
    multiple=True,
    metavar="FILE",
    help="Rewrite FILE on each good save; its extension picks the format. "
    "Repeat for several files.",
)
@click.option("--serve", is_flag=True, help="Serve a live preview page over HTTP.")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address the preview server listens on.",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8400,
    show_default=True,
    help="TCP port of the preview server; 0 picks a free port.",
)
@click.option(
    "--open",
    "open_browser",
    is_flag=True,
    help="Open the preview in a web browser (implies --serve).",
)
@click.option(
    "--poll",
    is_flag=True,
    help="Poll for changes instead of using the system's file events.",
)
@click.option(
    "--docs",
    "docs_folder",
    metavar="FOLDER",
    type=click.Path(path_type=Path, file_okay=False),
    help="Also rewrite the design document in FOLDER, as 'archdsl docs -o FOLDER' does.",
)
@click.pass_context
def watch(
    ctx: click.Context,
    design: Path,
    outputs: tuple[str, ...],
    serve: bool,
    host: str,
    port: int,
    open_browser: bool,
    poll: bool,
    docs_folder: Path | None,
) -> None:
    """Render DESIGN again on each save of it or of a file it includes.

    A failed render keeps the previous outputs and prints the error. Stop
    with Ctrl-C.
    """
    from archdsl.errors import UsageError
    from archdsl.watch import WatchOptions, run_watch

    serve = serve or open_browser
    for name in ("host", "port"):
        source = ctx.get_parameter_source(name)
        if source is click.core.ParameterSource.COMMANDLINE and not serve:
            raise UsageError(f"--{name} applies to the preview; add --serve")
    _show_warnings()
    options = WatchOptions(
        design, outputs, serve, host, port, open_browser, poll, docs=docs_folder
    )
    run_watch(options, click.echo)


def _show_warnings() -> None:
    """Send warnings to stderr even without -v, since watch mode runs for long."""
    if not any(isinstance(h, logging.StreamHandler) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("archdsl: %(levelname)s: %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.WARNING)


@cli.command()
@_log_options
def icons() -> None:
    """Print the folder that DOT output's node images are relative to."""
    from archdsl.render.diagram import icons_root

    click.echo(str(icons_root()))


def main() -> None:
    cli(prog_name="archdsl")


if __name__ == "__main__":
    main()
