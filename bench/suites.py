"""The comparisons: build, rebuild after one edit, audit, newsletter.

Each suite returns a dict for results.json (``skipped`` with a reason when a
tool or a command it needs is missing) and never hides a failure: a command
that exits wrongly stops the bench with its output.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

from mainstreet.prerender import cache_folder

from .harness import ROOT, BenchError, Command, Measured, measure, python_env
from .make_corpus import NOW, Corpus
from .tools import find_hugo, find_linkchecker, has_module

PY = sys.executable


def _rm(*paths: Path):
    def prepare():
        for path in paths:
            shutil.rmtree(path, ignore_errors=True)

    return prepare


def mainstreet_build(corpus: Corpus, output: Path, reports: Path, prepare=None) -> Command:
    argv = [PY, "-m", "mainstreet", "build", "-s", str(corpus.mainstreet_settings), "-o", str(output),
            "--now", NOW, "--reports", str(reports)]
    return Command("Mainstreet (every plugin)", argv, env=python_env(), prepare=prepare)


def _runs(corpus: Corpus, name: str) -> Path:
    return corpus.folder / "runs" / name


def build_suite(corpus: Corpus, repeats: int, logs: Path, say=print) -> dict:
    """Cold full build: Mainstreet vs plain Pelican vs Hugo, output removed before each run."""
    ms_out, ms_reports = _runs(corpus, "mainstreet") / "output", _runs(corpus, "mainstreet") / "reports"
    cache = cache_folder(ms_out)  # a cold build: no Markdown cache either
    commands = [
        mainstreet_build(corpus, ms_out, ms_reports, prepare=_rm(ms_out, cache)),
        Command("Pelican 4.12 (no plugins)",
                [PY, "-m", "pelican", "-s", str(corpus.pelican_settings), "-o", str(_runs(corpus, "pelican")), "-q"],
                env=python_env(), prepare=_rm(_runs(corpus, "pelican"))),
    ]
    skipped = []
    hugo = find_hugo(say)
    if hugo:
        out = _runs(corpus, "hugo")
        commands.append(Command(f"Hugo {hugo.version}", [hugo.path, "--quiet", "-s", str(corpus.hugo_site), "-d", str(out)],
                                prepare=_rm(out)))
    else:
        skipped.append("Hugo: not installed and `apt-get install hugo` failed (see above)")
    results = measure(commands, repeats, logs / f"build-{len(corpus.posts)}", say=say)
    pages = {r.name: _count_html(p) for r, p in zip(results, [ms_out, _runs(corpus, "pelican"), _runs(corpus, "hugo")],
                                                       strict=False)}
    return _suite("build", corpus, results, skipped, pages=pages)


def rebuild_suite(corpus: Corpus, repeats: int, logs: Path, say=print) -> dict:
    """Rebuild after editing one post: Mainstreet vs plain Pelican with its content cache."""
    ms_out, ms_reports = _runs(corpus, "mainstreet-rebuild") / "output", _runs(corpus, "mainstreet-rebuild") / "reports"
    edit = _Editor(corpus.post_path(corpus.posts[len(corpus.posts) // 2]))
    commands = [
        mainstreet_build(corpus, ms_out, ms_reports, prepare=edit),
        Command("Pelican 4.12 (content cache)",
                [PY, "-m", "pelican", "-s", str(corpus.pelican_settings.with_name("cachedconf.py")),
                 "-o", str(_runs(corpus, "pelican-rebuild")), "-q"],
                cwd=corpus.pelican_settings.parent, env=python_env(), prepare=edit),
    ]
    try:
        results = measure(commands, repeats, logs / f"rebuild-{len(corpus.posts)}", say=say)
    finally:
        edit.restore()
    return _suite("rebuild", corpus, results, [])


class _Editor:
    """Each call changes one sentence of one post (a real edit: new text, new mtime)."""

    def __init__(self, path: Path):
        self.path = path
        self.original = path.read_text(encoding="utf-8")
        self.count = 0

    def __call__(self):
        self.count += 1
        self.path.write_text(self.original + f"\nEdited for the benchmark, revision {self.count}.\n", encoding="utf-8")

    def restore(self):
        self.path.write_text(self.original, encoding="utf-8")


def audit_suite(corpus: Corpus, repeats: int, logs: Path, say=print) -> dict:
    """The offline audit of the built site vs linkchecker, advertools' crawl and a parse floor."""
    site = _runs(corpus, "mainstreet")
    output, reports = site / "output", site / "reports"
    if not (output / "index.html").is_file():
        subprocess.run(mainstreet_build(corpus, output, reports).argv, env=python_env(), cwd=ROOT, check=True,
                       capture_output=True)
    floor = Command("parse floor (selectolax)", [PY, "-m", "bench.parse_floor", str(output)], env=python_env(),
                    units=_last_int)
    commands, skipped = [], []
    if has_module("seo"):
        audit_reports = site / "audit"
        commands.append(Command(
            "Mainstreet audit (python -m seo)",
            [PY, "-m", "seo", "audit", str(output), "--reports", str(audit_reports),
             "--manifest", str(reports / "manifest.json"), "--settings", str(corpus.mainstreet_settings),
             "--now", NOW, "-q"],
            env=python_env(), ok_codes=(0, 1), units=lambda log: _audited_pages(audit_reports / "audit.json")))
    else:
        skipped.append("Mainstreet audit: `python -m seo` does not exist yet")
    linkchecker = find_linkchecker()
    if linkchecker:
        commands.append(Command("linkchecker (file://)", [linkchecker, "--no-status", output.as_uri() + "/"],
                                cwd=corpus.folder, ok_codes=(0, 1), units=_linkchecker_urls))
    else:
        skipped.append("linkchecker: not installed (pip install -r bench/requirements.txt)")
    crawl_out = site / "crawl.jl"
    with _Server(output) as server:
        commands.append(Command("advertools crawl (loopback HTTP)",
                                [PY, "-m", "bench.crawl_peer", server.url, str(crawl_out)], env=python_env(),
                                prepare=_rm(crawl_out), units=_last_int))
        commands.append(floor)
        results = measure(commands, repeats, logs / f"audit-{len(corpus.posts)}", say=say)
    for result in list(results):
        if result.name.startswith("linkchecker") and (result.units or 0) <= 1:
            # It could not read the site (started as root it runs as 'nobody'): no comparison.
            results.remove(result)
            skipped.append("linkchecker checked no more than one URL: it could not read the built site "
                           f"(see {logs / f'audit-{len(corpus.posts)}'})")
    return _suite("audit", corpus, results, skipped)


def newsletter_suite(corpus: Corpus, repeats: int, logs: Path, subscribers: int, say=print) -> dict:
    """Send one issue to ``subscribers`` addresses over loopback SMTP, ledger on."""
    if not has_module("outreach"):
        return {"suite": "newsletter", "posts": len(corpus.posts), "skipped": ["`python -m outreach` does not exist yet"]}
    site = _runs(corpus, "mainstreet")
    output, reports = site / "output", site / "reports"
    if not (output / "index.html").is_file():
        subprocess.run(mainstreet_build(corpus, output, reports).argv, env=python_env(), cwd=ROOT, check=True,
                       capture_output=True)
    people = corpus.folder / "subscribers.csv"
    _write_subscribers(people, subscribers)
    state = site / "state"
    with _SmtpSink() as sink:
        env = python_env(MAINSTREET_SMTP_HOST="127.0.0.1", MAINSTREET_SMTP_PORT=str(sink.port),
                         MAINSTREET_SMTP_TLS="none", MAINSTREET_LEDGER_KEY="bench")
        command = Command(
            f"Mainstreet newsletter ({subscribers:,} subscribers)",
            [PY, "-m", "outreach", "newsletter", "--send", "-s", str(corpus.mainstreet_settings), "-o", str(output),
             "--reports", str(reports), "--state", str(state), "--subscribers", str(people), "--now", NOW],
            env=env, prepare=lambda: (shutil.rmtree(state, ignore_errors=True), sink.reset()),
            units=lambda log: sink.count)
        results = measure([command], repeats, logs / f"newsletter-{len(corpus.posts)}", say=say)
    return _suite("newsletter", corpus, results, [], subscribers=subscribers)


def _write_subscribers(path: Path, count: int) -> None:
    segments = ["families", "offices", "weddings", "families;offices", ""]
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["email", "name", "segments", "consent", "consent_date", "joined", "unsubscribed"])
        for i in range(count):
            writer.writerow([f"reader{i:05d}@example.com", f"Reader {i}", segments[i % len(segments)], "yes",
                             "2025-01-10", "2025-01-10", ""])


class _Server:
    """``python -m mainstreet serve`` on a free loopback port, in its own process."""

    def __init__(self, folder: Path):
        self.folder = folder

    def __enter__(self):
        self.proc = subprocess.Popen([PY, "-m", "mainstreet", "serve", str(self.folder), "-p", "0"], env=python_env(),
                                     cwd=ROOT, stderr=subprocess.PIPE, text=True)
        line = self.proc.stderr.readline()
        match = re.search(r"at (http://127\.0\.0\.1:\d+/)", line)
        if not match:
            self.proc.kill()
            self.proc.wait()
            raise BenchError(f"the loopback server did not start: {line!r}")
        self.url = match.group(1)
        threading.Thread(target=self.proc.stderr.read, daemon=True).start()  # drain the access log
        return self

    def __exit__(self, *exc):
        self.proc.terminate()
        self.proc.wait(timeout=10)


class _SmtpSink:
    """bench.smtp_sink in its own process: accepts and counts messages, discards them."""

    def __enter__(self):
        self.proc = subprocess.Popen([PY, "-m", "bench.smtp_sink"], env=python_env(), cwd=ROOT,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.port = int(self.proc.stdout.readline())
        return self

    def reset(self):
        self._ask("reset")

    @property
    def count(self) -> int:
        return int(self._ask("count"))

    def _ask(self, what: str) -> str:
        self.proc.stdin.write(what + "\n")
        self.proc.stdin.flush()
        return self.proc.stdout.readline().strip()

    def __exit__(self, *exc):
        self.proc.stdin.close()
        self.proc.wait(timeout=10)


def _audited_pages(report: Path) -> int:
    pages = json.loads(report.read_text(encoding="utf-8")).get("pages", [])
    return len(pages) if isinstance(pages, list) else int(pages)


def _last_int(log: Path) -> int:
    numbers = re.findall(r"\d+", log.read_text(encoding="utf-8", errors="replace"))
    return int(numbers[-1]) if numbers else 0


def _linkchecker_urls(log: Path) -> int:
    match = re.search(r"(\d+) links? in (\d+) URLs? checked", log.read_text(encoding="utf-8", errors="replace"))
    return int(match.group(2)) if match else 0


def _count_html(folder: Path) -> int:
    return sum(1 for _ in folder.rglob("*.html")) if folder.is_dir() else 0


def _suite(name: str, corpus: Corpus, results: list[Measured], skipped: list[str], **extra) -> dict:
    return {"suite": name, "posts": len(corpus.posts), "results": [r.as_dict() for r in results],
            "skipped": skipped, **extra}
