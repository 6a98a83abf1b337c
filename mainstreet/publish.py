"""Publish: the production build, the audit gate, then one deploy.

``python -m mainstreet publish --to TARGET`` (``invoke publish``):

1. builds the site with publishconf.py into its own folder, output-production/
   (its OUTPUT_PATH; output/ keeps the local build ``serve`` shows), atomically:
   a failed build leaves that folder as it was;
2. runs the SEO audit on the result (``python -m seo audit``) and stops when it
   finds anything at or above ``PUBLISH["fail_on"]`` (default: error), or
   when the audit cannot run at all;
3. only then deploys that build (called output/ below) to TARGET:

   ``gh-pages``             commit output/ (plus .nojekyll, and CNAME for a
                            custom domain) to the gh-pages branch of a remote
                            with ghp-import, and push it;
   ``rsync://host/path``,   mirror output/ with rsync (``--delete``), after a
   ``user@host:/path``      dry run that shows what will change;
   a folder                 mirror output/ into a local folder (a mounted
                            bucket, a web server's root), pages last.

A failed build, a failed audit or an audit that is missing deploys nothing and
leaves the target exactly as it was. Exit codes: 0 deployed, 1 build, audit or
deploy failed, 2 wrong usage.
"""

from __future__ import annotations

import filecmp
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from contract.site import public_site_url

from .build import ROOT, build, load_settings
from .errors import BuildError, MainstreetError, UsageError

logger = logging.getLogger(__name__)

DEFAULTS = {
    # The branch `--to gh-pages` writes, and the git remote it pushes to (a
    # remote of this repository, a URL or a path).
    "branch": "gh-pages",
    "remote": "origin",
    # The custom domain written to CNAME on gh-pages. None: the host of
    # PUBLIC_SITEURL unless that is a github.io address; "": no CNAME.
    "cname": None,
    # The audit gate fails at this severity or above: error, warning or notice.
    "fail_on": "error",
}
SEVERITIES = ("error", "warning", "notice")
# The audit the gate runs (``python -m seo audit``): seo/ in the project.
AUDIT_MODULE = "seo"


class PublishError(MainstreetError):
    """Nothing was deployed: the reason is the message."""


class AuditFailedError(PublishError):
    """The audit found problems at or above the gate's severity."""


@dataclass(frozen=True)
class Target:
    kind: str  # "gh-pages", "rsync" or "folder"
    location: str  # remote, rsync destination or folder path

    def __str__(self) -> str:
        return "gh-pages" if self.kind == "gh-pages" else self.location


# user@host:path or host:path (rsync over ssh); not C:\ and not ./a:b
_REMOTE_SHELL = re.compile(r"^(?:[\w.+-]+@)?[\w.-]+:(?!//)")


def parse_target(text: str) -> Target:
    """``gh-pages``, an rsync destination or a local folder."""
    text = (text or "").strip()
    if not text:
        raise UsageError("--to is required: gh-pages, rsync://host/path, user@host:/path or a folder")
    if text == "gh-pages":
        return Target("gh-pages", "")
    if text.startswith("rsync://") or (_REMOTE_SHELL.match(text) and not re.match(r"^[A-Za-z]:[\\/]", text)):
        return Target("rsync", text)
    if "://" in text:
        raise UsageError(f"--to {text!r}: unknown kind of target; use gh-pages, rsync://host/path, "
                         "user@host:/path or a folder")
    return Target("folder", str(Path(text).expanduser().resolve()))


def publish_settings(settings: dict) -> dict:
    """PUBLISH merged over DEFAULTS, validated."""
    user = settings.get("PUBLISH") or {}
    if not isinstance(user, dict):
        raise UsageError(f"PUBLISH = {user!r}; expected a dict like {{'branch': 'gh-pages'}}")
    unknown = set(user) - set(DEFAULTS)
    if unknown:
        raise UsageError(f"PUBLISH[{sorted(unknown)[0]!r}]: unknown key; expected one of: {', '.join(DEFAULTS)}")
    merged = {**DEFAULTS, **user}
    if merged["fail_on"] not in SEVERITIES:
        raise UsageError(f"PUBLISH['fail_on'] = {merged['fail_on']!r}; expected one of: {', '.join(SEVERITIES)}")
    for key in ("branch", "remote"):
        if not isinstance(merged[key], str) or not merged[key]:
            raise UsageError(f"PUBLISH[{key!r}] = {merged[key]!r}; expected a non-empty string")
    if merged["cname"] is not None and not isinstance(merged["cname"], str):
        raise UsageError(f"PUBLISH['cname'] = {merged['cname']!r}; expected a domain like 'www.example.com', or ''")
    return merged


def cname_for(settings: dict, conf: dict) -> str:
    """The custom domain for CNAME, or "" (github.io addresses and sub-paths need none)."""
    if conf["cname"] is not None:
        return conf["cname"].strip()
    parts = urlsplit(public_site_url(settings))
    host = parts.hostname or ""
    if not host or host.endswith(".github.io") or host in ("localhost", "127.0.0.1") or parts.path.strip("/"):
        return ""
    return host


@dataclass
class PublishResult:
    target: Target
    output: Path
    reports: Path
    changes: int  # files written or removed (rsync: itemized lines)


def publish(
    to: str,
    settings_file: str | os.PathLike = ROOT / "publishconf.py",
    output: str | os.PathLike | None = None,
    reports: str | os.PathLike | None = None,
    now: str | None = None,
    remote: str | None = None,
    dry_run: bool = False,
    audit_module: str = AUDIT_MODULE,
    echo=print,
) -> PublishResult:
    """Build, audit, deploy. Raises BuildError/PublishError before touching the target."""
    target = parse_target(to)
    settings = load_settings(settings_file, {"BUILD_NOW": now} if now else None)
    conf = publish_settings(settings)
    _check_tools(target, audit_module, settings_file)
    if target.kind == "folder":
        check_folder_target(Path(output or settings["OUTPUT_PATH"]), Path(target.location))

    result = build(settings_file, output=output, now=now, reports=reports)
    built = result.output
    reports_dir = Path(getattr(result, "reports", None) or reports or Path(settings_file).resolve().parent / "reports")
    echo(f"Built {built} in {result.seconds:.1f} s")
    run_audit(built, reports_dir, settings_file, conf["fail_on"], now, audit_module)
    echo(f"Audit passed (nothing at or above {conf['fail_on']}); deploying to {target}")

    if target.kind == "gh-pages":
        cname = cname_for(settings, conf)
        changes = deploy_to_gh_pages(built, resolve_remote(remote or conf["remote"]), conf["branch"], cname,
                                     dry_run=dry_run, echo=echo)
    elif target.kind == "rsync":
        changes = deploy_with_rsync(built, target.location, dry_run=dry_run, echo=echo)
    else:
        changes = deploy_to_folder(built, Path(target.location), dry_run=dry_run)
    verb = "Would change" if dry_run else "Published:"
    echo(f"{verb} {changes} file(s) at {target}")
    return PublishResult(target, built, reports_dir, changes)


def _check_tools(target: Target, audit_module: str, settings_file) -> None:
    """Fail before building when a tool the publish needs is missing."""
    if not _audit_available(audit_module, settings_file):
        raise PublishError(
            f"the SEO audit is not available (no Python package {audit_module!r} with a __main__.py "
            f"next to {Path(settings_file).name} or in {ROOT}); publishing needs the audit gate, "
            "so nothing was built or deployed"
        )
    if target.kind == "gh-pages" and not shutil.which("git"):
        raise PublishError("--to gh-pages needs git (apt-get install git); nothing was deployed")
    if target.kind == "rsync" and not shutil.which("rsync"):
        raise PublishError(f"--to {target} needs rsync (apt-get install rsync); nothing was deployed")


def _audit_paths(settings_file) -> list[str]:
    paths = [str(Path(settings_file).resolve().parent), str(ROOT)]
    return list(dict.fromkeys(paths))


def _audit_available(module: str, settings_file) -> bool:
    return any((Path(folder) / module / "__main__.py").is_file() for folder in _audit_paths(settings_file))


def run_audit(output: Path, reports: Path, settings_file, fail_on: str, now: str | None,
              module: str = AUDIT_MODULE) -> None:
    """The gate: ``python -m seo audit OUTPUT --fail-on LEVEL``; raises unless it passed."""
    command = [sys.executable, "-m", module, "audit", str(output), "--reports", str(reports),
               "--fail-on", fail_on, "--settings", str(Path(settings_file).resolve())]
    if now:
        command += ["--now", str(now)]
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([*_audit_paths(settings_file), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    sys.stdout.flush()
    completed = subprocess.run(command, cwd=Path(settings_file).resolve().parent, env=env, check=False)
    if completed.returncode == 1:
        raise AuditFailedError(
            f"the SEO audit found problems at or above {fail_on!r} (see above and {reports}/audit.html); "
            "nothing was deployed"
        )
    if completed.returncode != 0:
        raise PublishError(f"the SEO audit could not run (exit code {completed.returncode}); nothing was deployed")


# --- Deploy: a local folder ------------------------------------------------------


def _files(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() or p.is_symlink()}


# A folder holding one of these is a site: publishing may replace its files.
SITE_MARKERS = ("index.html", "404.html", "sitemap.xml", "_headers")


def check_folder_target(output: Path, target: Path) -> None:
    """Refuse a target that is not a site folder, so a mistyped path never loses its files."""
    output, target = Path(output).resolve(), Path(target).resolve()
    if target == output or target.is_relative_to(output) or output.is_relative_to(target):
        raise UsageError(f"--to {target}: the target must be outside the built site {output} and not contain it")
    if target.exists() and not target.is_dir():
        raise UsageError(f"--to {target}: not a folder")
    if (target / ".git").exists() or target == Path.home():
        raise UsageError(f"--to {target}: a repository or home folder, not a site folder")
    if target.is_dir() and any(target.iterdir()) and not any((target / m).is_file() for m in SITE_MARKERS):
        raise UsageError(
            f"--to {target}: the folder is not empty and holds no site (none of {', '.join(SITE_MARKERS)}); "
            "publishing would delete its files. Use an empty folder or a previous deploy."
        )


def deploy_to_folder(output: Path, target: Path, dry_run: bool = False) -> int:
    """Mirror ``output`` into ``target``: new and changed files (pages last), then removals.

    Refuses a non-empty folder that does not look like a site (check_folder_target).
    """
    output, target = Path(output).resolve(), Path(target).resolve()
    check_folder_target(output, target)
    wanted = _files(output)
    existing = _files(target) if target.is_dir() else set()
    changed = sorted(rel for rel in wanted if rel not in existing
                     or not filecmp.cmp(output / rel, target / rel, shallow=False))
    stale = sorted(existing - wanted)
    if dry_run:
        return len(changed) + len(stale)
    # Assets first, pages last: a page never points at a file not there yet.
    for rel in sorted(changed, key=lambda r: (r.endswith(".html"), r)):
        _copy_atomically(output / rel, target / rel)
    for rel in stale:
        (target / rel).unlink()
    for folder in sorted((p for p in target.rglob("*") if p.is_dir()), key=lambda p: len(p.parts), reverse=True):
        if not any(folder.iterdir()):
            folder.rmdir()
    return len(changed) + len(stale)


def _copy_atomically(source: Path, destination: Path) -> None:
    destination.parent.mkdir(parents=True, exist_ok=True)
    if destination.is_dir() and not destination.is_symlink():
        shutil.rmtree(destination)
    fd, temporary = tempfile.mkstemp(prefix=".publishing-", dir=destination.parent)
    os.close(fd)
    try:
        shutil.copyfile(source, temporary)
        os.chmod(temporary, 0o644)
        os.replace(temporary, destination)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


# --- Deploy: rsync ---------------------------------------------------------------


def rsync_command(output: Path, destination: str, dry_run: bool = False) -> list[str]:
    """The rsync command line: mirror with --delete, new files put in place together at the end."""
    rsync = shutil.which("rsync") or "rsync"
    command = [rsync, "--recursive", "--links", "--times", "--compress", "--delete", "--delay-updates",
               "--chmod=D755,F644", "--itemize-changes", "--human-readable"]
    if dry_run:
        command.append("--dry-run")
    return [*command, f"{Path(output).resolve()}/", destination.rstrip("/") + "/"]


def deploy_with_rsync(output: Path, destination: str, dry_run: bool = False, echo=print) -> int:
    """A dry run first (it shows the changes and proves the destination is reachable), then the copy."""
    preview = _run_rsync(rsync_command(output, destination, dry_run=True))
    changes = [line for line in preview.splitlines() if line.strip()]
    for line in changes[:20]:
        echo(f"  {line}")
    if len(changes) > 20:
        echo(f"  ... and {len(changes) - 20} more")
    if not dry_run:
        _run_rsync(rsync_command(output, destination))
    return len(changes)


def _run_rsync(command: list[str]) -> str:
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise PublishError(f"rsync failed (exit code {completed.returncode}): {completed.stderr.strip()}")
    return completed.stdout


# --- Deploy: gh-pages ------------------------------------------------------------


def resolve_remote(remote: str) -> str:
    """A remote of this repository by name -> its URL; a URL or path as given."""
    if shutil.which("git") and re.fullmatch(r"[\w.-]+", remote) and not Path(remote).exists():
        found = subprocess.run(["git", "-C", str(ROOT), "remote", "get-url", remote],
                               capture_output=True, text=True, check=False)
        if found.returncode == 0:
            return found.stdout.strip()
        raise PublishError(f"git remote {remote!r} is not set up in {ROOT}; pass --remote URL "
                           "or set PUBLISH['remote']; nothing was deployed")
    return str(Path(remote).resolve()) if Path(remote).exists() else remote


def _git(*args: str, cwd: Path, env=None, check: bool = True) -> subprocess.CompletedProcess:
    completed = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=False)
    if check and completed.returncode != 0:
        raise PublishError(f"git {' '.join(args)} failed: {completed.stderr.strip()}")
    return completed


def _identity() -> dict[str, str]:
    """Commit as the repository's user when git knows one (CI: the workflow sets it)."""
    env = dict(os.environ)
    for key, var in (("user.name", "GIT_COMMITTER_NAME"), ("user.email", "GIT_COMMITTER_EMAIL")):
        if not env.get(var):
            found = _git("config", key, cwd=ROOT, check=False).stdout.strip()
            env[var] = found or ("Mainstreet publish" if key == "user.name" else "mainstreet@localhost")
    return env


def deploy_to_gh_pages(output: Path, remote: str, branch: str = "gh-pages", cname: str = "",
                       dry_run: bool = False, echo=print) -> int:
    """Commit exactly ``output`` (plus .nojekyll and CNAME) on ``branch`` of ``remote`` and push.

    Works in a scratch repository, so the project's own branches and working
    tree are never touched; the new commit follows the branch's history.
    """
    files = len(_files(output)) + 1 + bool(cname)
    if dry_run:
        return files
    message = f"Publish {Path(output).name} with mainstreet"
    with tempfile.TemporaryDirectory(prefix="mainstreet-gh-pages-") as scratch:
        work = Path(scratch)
        _git("init", "-q", cwd=work)
        _git("remote", "add", "target", remote, cwd=work)
        heads = _git("ls-remote", "--heads", "target", branch, cwd=work).stdout
        if heads.strip():
            _git("fetch", "-q", "target", f"refs/heads/{branch}:refs/remotes/target/{branch}", cwd=work)
        command = [sys.executable, "-m", "ghp_import", "--no-jekyll", "--push", "--remote", "target",
                   "--branch", branch, "--message", message]
        if cname:
            command += ["--cname", cname]
        completed = subprocess.run([*command, str(Path(output).resolve())], cwd=work, env=_identity(),
                                   capture_output=True, text=True, check=False)
        if completed.returncode != 0:
            raise PublishError(f"ghp-import failed: {(completed.stderr or completed.stdout).strip()}")
    echo(f"Pushed {files} file(s) to {branch} on {remote}")
    return files


# --- Command line ----------------------------------------------------------------


def add_arguments(parser) -> None:
    parser.add_argument("--to", required=True, metavar="TARGET",
                        help="gh-pages, rsync://host/path, user@host:/path or a local folder")
    parser.add_argument("-s", "--settings", default=str(ROOT / "publishconf.py"),
                        help="settings file (default: publishconf.py)")
    parser.add_argument("-o", "--output", help="output folder (default: OUTPUT_PATH of the settings)")
    parser.add_argument("--reports", help="reports folder (default: REPORTS_PATH of the settings, 'reports')")
    parser.add_argument("--now", help="build as if it were this ISO date/time")
    parser.add_argument("--remote", help="with --to gh-pages: git remote name or URL (default: PUBLISH['remote'])")
    parser.add_argument("--dry-run", action="store_true", help="build and audit, show what would change, deploy nothing")
    parser.add_argument("-v", "--verbose", action="store_true", help="show every file written")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")


def run(args) -> int:
    def echo(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    try:
        publish(args.to, args.settings, output=args.output, reports=args.reports, now=args.now,
                remote=args.remote, dry_run=args.dry_run, echo=echo)
    except BuildError as exc:
        note = getattr(exc, "output_note", None)
        echo(f"Build failed: {len(exc.problems)} problem(s); nothing was deployed"
             + (f" ({note})." if note else "."))
        for problem in exc.problems:
            echo(f"error: {problem}")
        return exc.exit_code
    return 0
