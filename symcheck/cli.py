"""The `symcheck` command line.

Exit codes: 0 as expected, 1 not as expected, 2 bad input or usage (with file, line and
caret when a file is at fault), 3 a bug in symcheck, 130 interrupted. A run that finds
nothing to check is bad input.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import os
import sys
from pathlib import Path
from typing import Callable, Optional

import click


EXIT_OK, EXIT_UNEXPECTED, EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
MAX_OPTION_SIZE = 64
MAX_TIMEOUT = 86_400.0
MAX_SEED = 2**32 - 1


def _sizes(ctx: click.Context, param: click.Parameter, text: str) -> tuple[int, ...]:
    """"1-8" or "1,2,5" -> sizes, each from 1 to MAX_OPTION_SIZE (a range is never expanded
    before it is known to be small)."""
    try:
        if "-" in text:
            low, high = (int(part) for part in text.split("-", 1))
            bounds = (low, high)
        else:
            bounds = tuple(int(part) for part in text.split(","))
    except ValueError:
        raise click.BadParameter(f"{text[:40]!r} is not a size list such as 1-8 or 2,3,4") from None
    if not bounds or min(bounds) < 1 or max(bounds) > MAX_OPTION_SIZE:
        raise click.BadParameter(f"sizes must be from 1 to {MAX_OPTION_SIZE}")
    sizes = tuple(range(bounds[0], bounds[1] + 1)) if "-" in text else bounds
    if not sizes:
        raise click.BadParameter(f"{text!r} is an empty range")
    return sizes


def _timeout(ctx: click.Context, param: click.Parameter, value: float) -> float:
    if not (math.isfinite(value) and 0.1 <= value <= MAX_TIMEOUT):
        raise click.BadParameter(f"must be a number of seconds from 0.1 to {MAX_TIMEOUT:g}")
    return value


def _shard(ctx: click.Context, param: click.Parameter, text: Optional[str]) -> Optional[tuple[int, int]]:
    """"2/4" -> (2, 4): the second of four stable parts of the files."""
    if text is None:
        return None
    try:
        index, count = (int(part) for part in text.split("/", 1))
    except ValueError:
        raise click.BadParameter(f"{text!r} is not a shard such as 1/4") from None
    if not 1 <= index <= count:
        raise click.BadParameter("a shard K/N needs 1 <= K <= N")
    return index, count


shard_option = click.option("--shard", callback=_shard, metavar="K/N",
                            help="Check only part K of N (a stable split by path, for a CI matrix).")


cache_dir_option = click.option(
    "--cache-dir", type=click.Path(file_okay=False, path_type=Path), default=Path(".symcheck_cache"),
    envvar="SYMCHECK_CACHE_DIR", show_default=True, help="Directory of the cache of decisions.")


def cache_options(command: Callable) -> Callable:
    """--cache-dir and --no-cache: the decision cache the command uses (see symcheck.verify.cache)."""

    @functools.wraps(command)
    def wrapper(*args, cache_dir: Path, no_cache: bool, **kwargs):
        from symcheck.verify.cache import DecisionCache, activate

        activate(DecisionCache(None if no_cache else cache_dir))
        return command(*args, **kwargs)

    wrapper = click.option("--no-cache", is_flag=True, envvar="SYMCHECK_NO_CACHE",
                           help="Neither read nor write the cache.")(wrapper)
    return cache_dir_option(wrapper)


def engine_options(command: Callable) -> Callable:
    """--timeout, --sizes, --seed, --jobs and the cache options, shared by every command that runs the engine."""
    command = cache_options(command)
    command = click.option("-j", "--jobs", default=0, show_default="from the free cores",
                           type=click.IntRange(min=0), help="Processes to use (0: as many as cores are free).")(command)
    command = click.option("--seed", default=0, show_default=True, type=click.IntRange(0, MAX_SEED),
                           help="Seed for sampled points.")(command)
    command = click.option("--sizes", default="1-8", show_default=True, callback=_sizes,
                           help="Index sizes for proved-for-sizes, e.g. 1-8 or 2,3,4.")(command)
    command = click.option("--no-repair", "repair_budget", flag_value=0.0, type=float,
                           help="Do not search repairs of refuted steps.")(command)
    command = click.option("--repair-budget", "repair_budget", default=5.0, show_default=True,
                           type=click.FloatRange(min=0.0), metavar="SECONDS",
                           help="Seconds per refuted step to search the smallest edit that is proved.")(command)
    command = click.option("--timeout", default=10.0, show_default=True, type=float, callback=_timeout,
                           help="Seconds allowed per step (and to read one formula).")(command)
    return command


def settings_from(timeout: float, sizes: tuple[int, ...], seed: int, repair_budget: float = 0.0):
    from symcheck.engine.settings import Settings
    from symcheck.runtime.limits import set_parse_seconds

    set_parse_seconds(timeout)
    return Settings(step_timeout=timeout, sizes=sizes, seed=seed, repair_budget=repair_budget)


timings_option = click.option("--timings", is_flag=True,
                              help="Report step times (without it, output is byte-identical across runs and -j).")


def without_timings(value):
    """`value` (results, nested dataclasses and tuples) with every `seconds` field None."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: without_timings(getattr(value, f.name)) for f in dataclasses.fields(value)}
        if "seconds" in changes:
            changes["seconds"] = None
        return dataclasses.replace(value, **changes) if any(
            changes[name] is not getattr(value, name) for name in changes) else value
    if isinstance(value, tuple):
        items = tuple(without_timings(item) for item in value)
        return items if any(a is not b for a, b in zip(items, value)) else value
    return value


def found(files: list[Path], paths: tuple[Path, ...], what: str) -> list[Path]:
    """`files`, or bad input when there are none: a run that checks nothing must not pass."""
    if not files:
        from symcheck.load.derivation import InputError

        raise InputError(", ".join(str(path) for path in paths), None, f"no {what} under {paths[0]}")
    return files


def writable_directory(out_dir: Path) -> None:
    """Bad input, before any work is done, when reports cannot be written into `out_dir`."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        probe = out_dir / f".symcheck-write-test-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as error:
        from symcheck.load.derivation import InputError

        raise InputError(str(out_dir), None, f"cannot write reports here: {error.strerror or error}") from None


def _input_error() -> tuple[type, ...]:
    """The loader's InputError once the loader is loaded (before that nothing raised one);
    importing the loader up front would load SymPy for runs the cache answers."""
    loader = sys.modules.get("symcheck.load.derivation")
    return (loader.InputError,) if loader is not None else ()


def reports_errors(command: Callable) -> Callable:
    """Turn bad input into a file:line message and exit 2; never a traceback."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except _input_error() as error:
            click.echo(error.render(), err=True)
            sys.exit(EXIT_BAD_INPUT)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(EXIT_INTERRUPTED)
        except Exception as error:  # noqa: BLE001 - last line of defence against tracebacks
            if os.environ.get("SYMCHECK_DEBUG"):
                raise
            click.echo(f"symcheck: internal error: {type(error).__name__}: {error} "
                       "(set SYMCHECK_DEBUG=1 for a traceback)", err=True)
            sys.exit(EXIT_INTERNAL)

    return wrapper


@click.group()
@click.version_option(package_name="symcheck")
def cli() -> None:
    """Check mathematical derivations step by step."""


paths_argument = click.argument(
    "paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path)
)


@cli.command()
@paths_argument
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@timings_option
@shard_option
@engine_options
@reports_errors
def verify(paths: tuple[Path, ...], output_format: str, timings: bool, shard: Optional[tuple[int, int]],
           timeout: float, sizes: tuple[int, ...], seed: int, jobs: int, repair_budget: float) -> None:
    """Check derivation files (a directory means every .toml file under it)."""
    from symcheck.printers.results import JsonPrinter, TerminalPrinter
    from symcheck.load.files import named_files
    from symcheck.verify.incremental import verify_files

    files = found(named_files(list(paths)), paths, "derivation files")
    results = verify_files(files, settings_from(timeout, sizes, seed, repair_budget), jobs, shard)
    if output_format == "json":
        click.echo(JsonPrinter().document(results if timings else [without_timings(r) for r in results]))
    else:
        TerminalPrinter().documents(results)
    sys.exit(EXIT_OK if all(result.all_expected for result in results) else EXIT_UNEXPECTED)


@cli.command()
@paths_argument
@click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("reports"), show_default=True, help="Directory for .tex, PDF, CSV and JSON files.")
@click.option("--require-pdf", is_flag=True, help="Fail (exit 2) when no PDF can be built.")
@timings_option
@engine_options
@reports_errors
def report(paths: tuple[Path, ...], out_dir: Path, require_pdf: bool, timings: bool, timeout: float,
           sizes: tuple[int, ...], seed: int, jobs: int, repair_budget: float) -> None:
    """Typeset LaTeX/PDF reports with verdicts, counterexamples and numeric tables."""
    from symcheck.runtime.startup import engine_import

    with engine_import():
        from symcheck.load.derivation import derivation_files
        from symcheck.report.write import write_reports
        from symcheck.verify.runs import verify_paths

    files = found(derivation_files(list(paths)), paths, "derivation files")
    writable_directory(out_dir)
    verified = verify_paths(files, settings_from(timeout, sizes, seed, repair_budget), jobs)
    if not timings:
        verified = [(without_timings(result), compiled) for result, compiled in verified]
    outcome = write_reports(verified, out_dir, require_pdf=require_pdf, seed=seed)
    for written in outcome.written:
        click.echo(f"wrote {written}")
    for error in outcome.errors:
        click.echo(error, err=True)
    for overfull in outcome.overfull:
        click.echo(f"warning: a line is wider than the text in {overfull}", err=True)
    if outcome.verbatim:
        click.echo(f"{outcome.verbatim} formula(s) shown verbatim (not typeset as math)", err=True)
    if outcome.message:
        click.echo(outcome.message, err=True)
    if not outcome.ok:
        sys.exit(EXIT_BAD_INPUT)
    sys.exit(EXIT_OK if all(result.all_expected for result, _ in verified) else EXIT_UNEXPECTED)


@cli.command()
@paths_argument
@click.option("--sources", "sources", multiple=True, type=click.Path(file_okay=False, path_type=Path),
              help="Directory holding the source documents (default: $SYMCHECK_SOURCES, ../shared/seeds).")
@reports_errors
def coverage(paths: tuple[Path, ...], sources: tuple[Path, ...]) -> None:
    """List, per document, the source lines that hold math and how each is accounted for."""
    from symcheck.load.coverage import coverage_of, find_source
    from symcheck.load.derivation import derivation_files, read_derivation
    from symcheck.printers.results import print_coverage

    reports = []
    for path in found(derivation_files(list(paths)), paths, "derivation files"):
        derivation = read_derivation(path)
        reports.append(coverage_of(derivation, find_source(derivation, sources).read_text(encoding="utf-8")))
    print_coverage(reports)
    sys.exit(EXIT_OK if all(report.complete for report in reports) else EXIT_UNEXPECTED)


@cli.command()
@click.argument("notes", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--notation", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Notation file (TOML declarations); default: NOTE.toml beside each note.")
@click.option("--format", "output_format", type=click.Choice(["text", "github", "junit", "json"]),
              default="text", show_default=True)
@click.option("--strict", is_flag=True,
              help="Conditional and undecided steps, unreadable math and relations not checked fail too.")
@click.option("-v", "--verbose", is_flag=True, help="Also list the definitions adopted from the notes (text format).")
@timings_option
@shard_option
@engine_options
@reports_errors
def check(notes: tuple[Path, ...], notation: Path, output_format: str, strict: bool, verbose: bool, timings: bool,
          shard: Optional[tuple[int, int]], timeout: float, sizes: tuple[int, ...], seed: int, jobs: int,
          repair_budget: float) -> None:
    """Check the math of LaTeX and Markdown notes, with file:line:col diagnostics."""
    from symcheck.notes.extract import note_files
    from symcheck.verify import incremental
    from symcheck.printers.results import JsonPrinter
    from symcheck.printers.diagnostics import diagnostics_from, exit_code, fragment_locator, render

    files = incremental.shard(found(note_files(list(notes)), notes, "notes"), shard)
    checked = incremental.check_notes(files, notation, settings_from(timeout, sizes, seed, repair_budget), jobs)
    diagnostics = [
        diagnostic
        for note in checked
        for diagnostic in diagnostics_from(note.result, strict=strict, numeric_notes=True,
                                           locate=fragment_locator(note.chains), path=str(note.path))
    ]
    results = [note.result for note in checked]
    if output_format == "json":
        click.echo(JsonPrinter().document(results if timings else [without_timings(r) for r in results]))
    else:
        options = {"verbose": verbose} if output_format == "text" else {}
        text = render(output_format, diagnostics, results, strict=strict, **options)
        click.echo(text, nl=not text.endswith("\n"))
    sys.exit(exit_code(diagnostics, strict))


@cli.command()
@click.argument("notes", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a notation file that already exists.")
@reports_errors
def init(notes: tuple[Path, ...], force: bool) -> None:
    """Draft NOTE.toml beside each note: the notation `check` then reads (review the guesses)."""
    from symcheck.notes.draft import write_draft

    refused = [note for note in notes if not write_draft(note, force)]
    for note in notes:
        if note not in refused:
            click.echo(f"wrote {note.with_suffix('.toml')}")
    for note in refused:
        click.echo(f"{note.with_suffix('.toml')}: exists; not replaced (use --force)", err=True)
    sys.exit(EXIT_BAD_INPUT if refused else EXIT_OK)


@cli.group()
def cache() -> None:
    """The cache of decisions (.symcheck_cache/ by default)."""


@cache.command("clear")
@cache_dir_option
@reports_errors
def cache_clear(cache_dir: Path) -> None:
    """Remove every stored decision."""
    from symcheck.verify.cache import CacheError, DecisionCache

    try:
        removed = DecisionCache(cache_dir).clear()
    except CacheError as error:
        click.echo(f"symcheck: {error}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    click.echo(f"removed {cache_dir}" if removed else f"no cache at {cache_dir}")


def main() -> None:
    """The `symcheck` executable: the whole run (workers and TeX included) under the memory ceiling."""
    from symcheck.runtime.limits import default_memory_bytes, limit_memory

    limit_memory(default_memory_bytes())
    try:
        cli(prog_name="symcheck")
    except SystemExit as done:
        if done.code is None or isinstance(done.code, int):
            _leave_now(done.code or EXIT_OK)
        raise


def _leave_now(code: int) -> None:
    """End the process without the interpreter's teardown, which frees SymPy's caches and
    every expression one by one (~0.15 s after a cold verify, more after an interrupt):
    nothing is left to do but flush what was printed. A reader gone from the pipe
    (`symcheck check | head`) loses nothing it asked for."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)


if __name__ == "__main__":
    main()
