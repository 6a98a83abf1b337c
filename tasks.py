"""Every command a user runs: `invoke --list` shows them. No logic lives here."""

import shlex
import sys
from pathlib import Path

from invoke import Exit, task

ROOT = Path(__file__).resolve().parent
CONFIG = {
    "settings": str(ROOT / "pelicanconf.py"),
    "publish_settings": str(ROOT / "publishconf.py"),
    "output": str(ROOT / "output"),
    # Where publishconf.py builds (OUTPUT_PATH), so output/ keeps the local preview.
    "production_output": str(ROOT / "output-production"),
    # The build's Markdown cache, beside output/ (mainstreet/prerender.py).
    "cache": str(ROOT / ".output-cache"),
    "reports": str(ROOT / "reports"),
    "host": "127.0.0.1",
    "port": 8000,
    "watch": ["content", "calendar", "themes", "plugins", "pelicanconf.py"],
}
PY = shlex.quote(sys.executable)


@task(help={"settings": "settings file", "now": "build as if it were this ISO date/time"})
def build(c, settings=CONFIG["settings"], now=""):
    """Build the site into output/ (a failed build leaves output/ as it was)."""
    when = f" --now {shlex.quote(now)}" if now else ""
    c.run(f"{PY} -m mainstreet build -s {shlex.quote(settings)}{when}", pty=False)


@task
def clean(c):
    """Remove output/, output-production/, their build caches and what killed builds left (not a running build's)."""
    folders = " ".join(shlex.quote(CONFIG[key]) for key in ("output", "production_output"))
    c.run(f"{PY} -m mainstreet clean {folders} --reports {shlex.quote(CONFIG['reports'])}")


@task(pre=[clean, build])
def rebuild(c):
    """Remove output/, then build from scratch."""


@task(help={"port": "port on localhost (0 picks a free one)"})
def serve(c, port=CONFIG["port"]):
    """Serve output/ on http://localhost:8000/ (pretty URLs and the 404 page)."""
    c.run(f"{PY} -m mainstreet serve {shlex.quote(CONFIG['output'])} --host {CONFIG['host']} -p {port}")


@task(help={"port": "port on localhost"})
def livereload(c, port=CONFIG["port"]):
    """Build, serve on localhost and rebuild when content, theme or settings change."""
    c.run(f"{PY} -m mainstreet livereload --host {CONFIG['host']} -p {port}")


@task(help={"args": "extra pytest arguments, e.g. '-k sitemap -x'"})
def test(c, args=""):
    """Run ruff and the whole test suite."""
    c.run(f"{PY} -m ruff check .")
    c.run(f"{PY} -m pytest {args}")


@task(help={
    "new_stubs": "write a draft post for each planned row without one (never overwrites a file)",
    "import_": "write the rows of a spreadsheet (CSV, e.g. an edited reports/calendar.csv) into calendar/*.md",
    "prune": "with --import: remove the rows the CSV lacks from the calendar files it writes (each is listed)",
    "now": "as if it were this ISO date/time",
})
def calendar(c, new_stubs=False, import_="", prune=False, now=""):
    """Build, then print the plan report; the views are reports/calendar.{html,ics,csv}."""
    extra = " --new-stubs" if new_stubs else ""
    extra += f" --import {shlex.quote(import_)}" if import_ else ""
    extra += " --prune" if prune else ""
    extra += f" --now {shlex.quote(now)}" if now else ""
    c.run(f"{PY} -m mainstreet calendar -s {shlex.quote(CONFIG['settings'])}{extra}", pty=False)


@task(help={
    "online": "crawl this URL instead of reading output/, e.g. http://127.0.0.1:8000/",
    "check_external": "also check links to other sites (results cached for a day in reports/)",
    "fail_on": "exit 1 on findings of this severity or worse: error (default), warning, notice",
    "now": "audit as if it were this ISO date/time (stale-content checks)",
})
def audit(c, online="", check_external=False, fail_on="error", now=""):
    """SEO audit of output/ (or a live site): a summary, reports/audit.{html,json,csv,sarif}; exit 1 on errors."""
    source = f"crawl {shlex.quote(online)}" if online else f"audit {shlex.quote(CONFIG['output'])}"
    extra = " --check-external" if check_external else ""
    extra += f" --now {shlex.quote(now)}" if now else ""
    result = c.run(
        f"{PY} -m seo {source} --settings {shlex.quote(CONFIG['settings'])} --reports {shlex.quote(CONFIG['reports'])}"
        f" --fail-on {shlex.quote(fail_on)}{extra}",
        pty=sys.stdout.isatty(), warn=True,
    )
    if result.exited:
        raise Exit(code=result.exited)


@task(help={
    "send": "deliver over SMTP (MAINSTREET_SMTP_* environment variables); without it, previews only",
    "now": "run as if it were this ISO date/time",
    "subscribers": "subscriber CSV (default: $MAINSTREET_SUBSCRIBERS or private/subscribers.csv)",
    "fresh-start": "send although state/newsletter.jsonl exists but is empty (only if nothing was ever sent)",
})
def newsletter(c, send=False, now="", subscribers="", fresh_start=False):
    """Newsletter issue and sequence emails: previews in reports/newsletter/, --send delivers them."""
    extra = " --send" if send else ""
    extra += " --fresh-start" if fresh_start else ""
    extra += f" --now {shlex.quote(now)}" if now else ""
    extra += f" --subscribers {shlex.quote(subscribers)}" if subscribers else ""
    c.run(f"{PY} -m outreach newsletter -s {shlex.quote(CONFIG['settings'])}{extra}", pty=False)


@task(help={
    "now": "run as if it were this ISO date/time",
    "upcoming": "export every upcoming post, not only the latest batch",
})
def social(c, now="", upcoming=False):
    """Schedule new posts on social platforms: Buffer/Hootsuite CSV, ICS and a preview in reports/social/."""
    extra = f" --now {shlex.quote(now)}" if now else ""
    extra += " --upcoming" if upcoming else ""
    c.run(f"{PY} -m outreach social -s {shlex.quote(CONFIG['settings'])}{extra}", pty=False)


@task(help={
    "to": "gh-pages, rsync://host/path, user@host:/path or a local folder",
    "now": "build as if it were this ISO date/time",
    "remote": "with --to gh-pages: git remote name or URL (default: origin)",
    "dry_run": "build and audit, show what would change, deploy nothing",
})
def publish(c, to, now="", remote="", dry_run=False):
    """Production build, SEO audit gate, then deploy (nothing is deployed if either fails)."""
    extra = f" --now {shlex.quote(now)}" if now else ""
    extra += f" --remote {shlex.quote(remote)}" if remote else ""
    extra += " --dry-run" if dry_run else ""
    settings = shlex.quote(CONFIG["publish_settings"])
    c.run(f"{PY} -m mainstreet publish --to {shlex.quote(to)} -s {settings}{extra}", pty=False)


@task(help={
    "posts": "corpus size (default: 500 and 2000)",
    "quick": "200 posts, 3 runs, 1,000 subscribers: a few minutes, results not written to bench/",
    "suites": "comma-separated subset of build, rebuild, audit, newsletter",
})
def bench(c, posts=0, quick=False, suites=""):
    """Benchmark build, rebuild, audit and newsletter against Pelican, Hugo, linkchecker and advertools."""
    c.run(f"{PY} -m pip install --quiet --disable-pip-version-check -r {shlex.quote(str(ROOT / 'bench' / 'requirements.txt'))}")
    extra = f" --posts {int(posts)}" if posts else ""
    extra += " --quick" if quick else ""
    extra += f" --suites {shlex.quote(suites)}" if suites else ""
    c.run(f"{PY} -m bench{extra}", pty=False)
