"""Command line: ``python -m mainstreet build|calendar|serve|livereload|publish|clean``.

Exit codes: 0 success, 1 the build found problems (each printed as
``file:line: message``), 2 the command was used wrongly.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from contract.manifest import describe_next_change

from .build import ROOT, build
from .compat import DUPLICATE_SLUG
from .errors import FATAL_WARNINGS, BuildError, MainstreetError
from .publish import add_arguments as add_publish_arguments


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m mainstreet", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    b = sub.add_parser("build", help="build the site into output/ (atomically)")
    b.add_argument("-s", "--settings", default=str(ROOT / "pelicanconf.py"), help="settings file")
    b.add_argument("-o", "--output", help="output folder (default: OUTPUT_PATH of the settings)")
    b.add_argument("--now", help="build as if it were this ISO date/time (previews scheduled posts)")
    b.add_argument("--reports", help="reports folder (default: REPORTS_PATH of the settings, 'reports')")
    b.add_argument("-v", "--verbose", action="store_true", help="show every file written")
    b.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")

    c = sub.add_parser("calendar", help="build, then print the plan report (views in reports/)")
    c.add_argument("-s", "--settings", default=str(ROOT / "pelicanconf.py"), help="settings file")
    c.add_argument("-o", "--output", help="output folder (default: OUTPUT_PATH of the settings)")
    c.add_argument("--now", help="as if it were this ISO date/time")
    c.add_argument("--reports", help="reports folder (default: REPORTS_PATH of the settings, 'reports')")
    c.add_argument("--new-stubs", action="store_true", help="write a draft post for each planned row without one")
    c.add_argument("--import", dest="import_csv", metavar="FILE.csv", help="write a spreadsheet's rows into calendar/")
    c.add_argument("--to", metavar="calendar/NAME.md", help="with --import: put every row into this file")
    c.add_argument("--prune", action="store_true", help="with --import: remove rows the CSV lacks from the files it writes")
    c.add_argument("-v", "--verbose", action="store_true", help="show every file written")
    c.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")

    s = sub.add_parser("serve", help="serve output/ on localhost")
    s.add_argument("directory", nargs="?", default=str(ROOT / "output"))
    s.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    s.add_argument("-p", "--port", type=int, default=8000, help="port (0 picks a free one)")
    cl = sub.add_parser("clean", help="remove output folders, their caches and what killed builds left")
    cl.add_argument("outputs", nargs="*", default=[str(ROOT / "output"), str(ROOT / "output-production")],
                    help="output folders (default: output and output-production)")
    cl.add_argument("--reports", default=str(ROOT / "reports"),
                    help="reports folder whose stale staging folders go too (default: reports)")
    p = sub.add_parser("publish", help="production build, audit gate, then deploy (nothing on failure)")
    add_publish_arguments(p)
    lr = sub.add_parser("livereload", help="build, serve and rebuild on change")
    lr.add_argument("-s", "--settings", default=str(ROOT / "pelicanconf.py"), help="settings file")
    lr.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    lr.add_argument("-p", "--port", type=int, default=8000, help="port")
    return parser


class _ConsoleFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        text = record.getMessage()
        if record.levelno >= logging.WARNING:
            return f"{record.levelname.lower()}: {text}"
        return text


# Warnings that the collected errors already explain better.
# (Pelican's duplicate-slug warnings: the collision check reports those as errors.)
_REDUNDANT = FATAL_WARNINGS + DUPLICATE_SLUG


def _shown_on_console(record: logging.LogRecord) -> bool:
    """Errors print once, at the end, located; their Pelican echoes not at all."""
    return record.levelno < logging.ERROR and not str(record.msg).startswith(_REDUNDANT)


def _configure_logging(verbose: bool, debug: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_ConsoleFormatter())
    handler.addFilter(_shown_on_console)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if debug else logging.INFO if verbose else logging.WARNING)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    _configure_logging(getattr(args, "verbose", False), getattr(args, "debug", False))
    try:
        if args.command == "build":
            result = build(args.settings, output=args.output, now=args.now, reports=args.reports)
            _print_built(result)
            return 0
        if args.command == "calendar":
            from .calendar_command import run_calendar

            return run_calendar(args, _print_built)
        if args.command == "publish":
            from .publish import run as run_publish

            return run_publish(args)
        if args.command == "clean":
            from .build import clean

            removed = clean([Path(name) for name in args.outputs], Path(args.reports))
            print(f"Removed {', '.join(removed) if removed else 'nothing'}", file=sys.stderr)
            return 0
        if args.command == "serve":
            return _serve(Path(args.directory), args.host, args.port)
        if args.command == "livereload":
            return _livereload(args.settings, args.host, args.port)
    except BuildError as exc:
        note = getattr(exc, "output_note", None) or "output/ was left as it was"
        print(f"Build failed: {len(exc.problems)} problem(s); {note}.", file=sys.stderr)
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        return exc.exit_code
    except MainstreetError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    return 2


def _print_built(result) -> None:
    print(f"Built {result.output} in {result.seconds:.1f} s", file=sys.stderr)
    tz = result.upcoming[0]["at"].tzinfo if result.upcoming else None
    print(f"Next scheduled change: {describe_next_change(result.upcoming, tz)}", file=sys.stderr)


def _serve(directory: Path, host: str, port: int) -> int:
    from .serve import make_server

    if not (directory / "index.html").is_file():
        print(f"error: {directory} has no index.html; run 'invoke build' first", file=sys.stderr)
        return 2
    server = make_server(directory, host, port)
    print(f"Serving {directory} at http://{host}:{server.server_address[1]}/ (Ctrl-C stops)", file=sys.stderr)
    try:
        server.serve_forever()
    finally:
        server.server_close()
    return 0


WATCHED = ("content", "calendar", "themes", "plugins", "pelicanconf.py")


def _livereload(settings: str, host: str, port: int) -> int:
    """Rebuild in a fresh process on every change (settings and plugins reload too)."""
    import shlex

    from livereload import Server, shell

    root = Path(settings).resolve().parent
    command = f"{shlex.quote(sys.executable)} -m mainstreet build -s {shlex.quote(settings)}"
    build(settings)
    server = Server()
    for name in WATCHED:
        if (root / name).exists():
            server.watch(str(root / name), shell(command, cwd=str(root)))
    server.serve(root=str(root / "output"), host=host, port=port, open_url_delay=None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
