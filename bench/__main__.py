"""``python -m bench``: measure Mainstreet against the tools a user would otherwise pick.

Full run (default): corpora of 500 and 2,000 posts; build and rebuild at both
sizes, audit and newsletter on the largest; results in bench/results.md and
bench/results.json. ``--quick``: 200 posts, 3 runs, 1,000 subscribers; like any
partial run it writes its results to reports/bench/ (private, not committed), so
bench/results.* always show the latest full run.

Exit codes: 0 measured, 1 a measured command failed, 2 wrong usage.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from .harness import BenchError
from .make_corpus import make_corpus
from .report import command_line, machine, now_iso, render_markdown, write_results
from .suites import audit_suite, build_suite, newsletter_suite, rebuild_suite

HERE = Path(__file__).resolve().parent
SUITES = ("build", "rebuild", "audit", "newsletter")
NOTES = [
    "Wall and CPU time and peak memory are the kernel's (os.wait4) for the whole process tree: CPU is summed "
    "over a command's worker processes, peak RSS is its largest single process.",
    "Cold builds start without an output folder and without caches; the rebuild edits one post between runs "
    "and keeps each tool's cache (Mainstreet's Markdown cache, Pelican's CACHE_CONTENT).",
    "Plain Pelican uses its default theme (Mainstreet's theme needs the plugins); Hugo uses minimal layouts "
    "(bench/make_corpus.py) with the same URLs, lists, taxonomies and RSS feeds.",
    "The advertools crawl fetches from `python -m mainstreet serve` on loopback; the server's own CPU is not counted.",
    "A Mainstreet rebuild replaces output/ with two renames and deletes the replaced folder in a detached process "
    "after it exits; that deletion (disk-bound here) is not in the rebuild's time and overlaps the next command.",
]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, action="append", help="corpus size (repeat for several; default 500 and 2000)")
    parser.add_argument("--quick", action="store_true", help="200 posts, 3 runs, 1,000 subscribers: a few minutes")
    parser.add_argument("--repeats", type=int, help="timed runs per command (default 5, --quick 3)")
    parser.add_argument("--subscribers", type=int, help="newsletter recipients (default 10,000, --quick 1,000)")
    parser.add_argument("--suites", default=",".join(SUITES), help=f"comma-separated subset of {', '.join(SUITES)}")
    parser.add_argument("--work", help="folder for corpora, outputs and logs (default: a temporary folder)")
    parser.add_argument("--results", help="folder for results.md/json (default: bench/ for a full run, else reports/bench/)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    suites = [s.strip() for s in args.suites.split(",") if s.strip()]
    unknown = sorted(set(suites) - set(SUITES))
    if unknown:
        print(f"error: unknown suite(s) {', '.join(unknown)}; expected some of {', '.join(SUITES)}", file=sys.stderr)
        return 2
    sizes = sorted(args.posts or ([200] if args.quick else [500, 2000]))
    repeats = args.repeats or (3 if args.quick else 5)
    subscribers = args.subscribers or (1000 if args.quick else 10000)
    full = not args.quick and not args.posts and not args.repeats and set(suites) == set(SUITES)
    if min(sizes) < 1 or repeats < 1:
        print("error: --posts and --repeats must be at least 1", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="mainstreet-bench-") as tmp:
        # linkchecker started as root drops to 'nobody', which must be able to read the built sites.
        os.chmod(tmp, 0o755)
        work = Path(args.work).resolve() if args.work else Path(tmp)
        results = Path(args.results).resolve() if args.results else (HERE if full else HERE.parent / "reports" / "bench")
        results.mkdir(parents=True, exist_ok=True)
        try:
            # Written after every suite too, so a long run that is stopped keeps what it measured.
            data = run(work, sizes, repeats, subscribers, suites, checkpoint=lambda d: write_results(results, d))
        except BenchError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        json_path, md_path = write_results(results, data)
        print()
        print(render_markdown(data))
        print(f"Wrote {md_path} and {json_path}")
    return 0


def run(work: Path, sizes: list[int], repeats: int, subscribers: int, suites: list[str], say=print,
        checkpoint=None) -> dict:
    data = {"generated_at": now_iso(), "repeats": repeats, "machine": machine(), "suites": [], "notes": NOTES[:],
            "command": command_line()}
    for size in sizes:
        say(f"Corpus of {size} posts")
        corpus = make_corpus(work / f"corpus-{size}", posts=size)
        data.setdefault("plugins", _plugins(corpus.mainstreet_settings))
        logs = work / "logs"
        if "build" in suites:
            say("  build (cold): Mainstreet vs plain Pelican vs Hugo")
            data["suites"].append(build_suite(corpus, repeats, logs, say=say))
            _checkpoint(checkpoint, data)
        if "rebuild" in suites:
            say("  rebuild after editing one post")
            data["suites"].append(rebuild_suite(corpus, repeats, logs, say=say))
            _checkpoint(checkpoint, data)
        if size == sizes[-1] and "audit" in suites:
            say("  audit of the built site")
            data["suites"].append(audit_suite(corpus, repeats, logs, say=say))
            _checkpoint(checkpoint, data)
        if size == sizes[-1] and "newsletter" in suites:
            say(f"  newsletter to {subscribers} subscribers")
            data["suites"].append(newsletter_suite(corpus, repeats, logs, subscribers, say=say))
    return data


def _checkpoint(checkpoint, data: dict) -> None:
    if checkpoint:
        checkpoint(data)


def _plugins(settings_file: Path) -> list[str]:
    from mainstreet.build import load_settings

    return [str(p) for p in load_settings(settings_file).get("PLUGINS", [])]


if __name__ == "__main__":
    sys.exit(main())
