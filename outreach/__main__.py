"""Command line: ``python -m outreach newsletter [--send]`` and ``python -m outreach social``.

Exit codes: 0 done; 1 done, but something needs attention (a refused recipient,
a post refused for export, the SMTP server went away: each is printed, and the
next run retries); 2 an input is unusable (settings, feeds, manifest, subscriber
CSV header, environment, a ledger line, an empty ledger file): nothing was sent or
scheduled.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import sys
from pathlib import Path

from .errors import InputError, OutreachError

ROOT = Path(__file__).resolve().parent.parent


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m outreach", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("-s", "--settings", default=str(ROOT / "pelicanconf.py"), help="settings file")
    common.add_argument("-o", "--output", help="the built site (default: OUTPUT_PATH of the settings)")
    common.add_argument("--reports", help="the build's reports folder (default: REPORTS_PATH, reports/)")
    common.add_argument("--manifest", help="the build's manifest (default: <reports>/manifest.json)")
    common.add_argument("--state", help="folder of the ledgers (default: state/)")
    common.add_argument("--now", help="run as if it were this ISO date/time (site timezone)")
    common.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")

    n = sub.add_parser("newsletter", parents=[common], help="preview (or --send) the newsletter and sequence emails")
    n.add_argument("--send", action="store_true", help="deliver over SMTP (MAINSTREET_SMTP_* environment variables)")
    n.add_argument(
        "--fresh-start", action="store_true",
        help="send although the ledger file exists but is empty (only if nothing was ever sent from it)",
    )
    n.add_argument("--subscribers", help="subscriber CSV (default: $MAINSTREET_SUBSCRIBERS or private/subscribers.csv)")

    s = sub.add_parser("social", parents=[common], help="schedule new posts and write the Buffer/Hootsuite/ICS exports")
    s.add_argument("--upcoming", action="store_true", help="export every upcoming post, not only the latest batch")
    return parser


def parse_now(value: str | None, tz) -> dt.datetime:
    if not value:
        return dt.datetime.now(tz).replace(microsecond=0)
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise InputError(f"--now {value!r} is not an ISO date or date-time; e.g. 2026-11-24T12:00") from None
    return moment.replace(tzinfo=tz) if moment.tzinfo is None else moment.astimezone(tz)


def _paths(args, site):
    reports = Path(args.reports) if args.reports else site.reports
    manifest = Path(args.manifest) if args.manifest else reports / "manifest.json"
    state = Path(args.state) if args.state else site.root / "state"
    output = Path(args.output) if args.output else site.output
    return reports, manifest, state, output


def newsletter(args) -> int:
    from .delivery import Mailer, SmtpConfig
    from .newsletter import Newsletter
    from .settings import load_site
    from .subscribers import subscribers_path

    site = load_site(args.settings)
    now = parse_now(args.now, site.timezone)
    reports, manifest, state, output = _paths(args, site)
    config = SmtpConfig.from_env() if args.send else None  # before anything is read: fail early
    letter = Newsletter(
        site, now=now, manifest=manifest, subscribers=subscribers_path(args.subscribers, site.root),
        state_dir=state, reports_dir=reports / "newsletter", output=output,
    )
    report = letter.run(send=args.send, mailer=Mailer(config) if config else None, fresh_start=args.fresh_start)
    out = sys.stdout
    if report.issue:
        print(f"Issue {report.issue}:", file=out)
        for edition, titles in report.editions.items():
            print(f"  {edition}: {len(titles)} post(s)" + (f": {'; '.join(titles)}" if titles else ""), file=out)
    for note in report.notes:
        print(note.capitalize(), file=out)
    if not args.send:
        print(f"Previews in {reports / 'newsletter'} ({len(report.previews)} messages); nothing was sent.", file=out)
        for issue, count in report.pending.items():
            print(f"  issue {issue}: {count} recipient(s) would get it with --send", file=out)
    else:
        total = sum(report.sent.values())
        print(f"Sent {total} message(s)" + "".join(f"\n  {c}: {n}" for c, n in sorted(report.sent.items())), file=out)
        for issue, count in report.pending.items():
            print(f"  issue {issue}: {count} recipient(s) still to send (next run)", file=out)
    for row in report.skipped_rows:
        print(f"skipped subscriber: {letter.subscribers_path.name} {row}", file=sys.stderr)
    for failure in report.failed:
        print(
            f"failed: {failure['campaign']} to {failure['email']} (line {failure['line']}): "
            f"{failure['code']} {failure['reason']}; retried on the next run",
            file=sys.stderr,
        )
    for failure in report.given_up:
        print(
            f"given up: {failure['campaign']} to {failure['email']} (line {failure['line']}) after "
            f"{failure['attempts']} refusals; fix or remove the address",
            file=sys.stderr,
        )
    return 1 if report.failed or report.given_up else 0


def social(args) -> int:
    from .settings import load_site
    from .social import Scheduler

    site = load_site(args.settings)
    now = parse_now(args.now, site.timezone)
    reports, manifest, state, output = _paths(args, site)
    scheduler = Scheduler(site, now=now, manifest=manifest, state_dir=state, reports_dir=reports / "social", output=output)
    result = scheduler.run(upcoming=args.upcoming)
    print(f"Scheduled {len(result.new)} new post(s) (batch {result.batch})." if result.new else "Nothing new to schedule.")
    for platform, rows in sorted(result.exported.items()):
        print(f"  {platform}: {len(rows)} post(s) exported")
    print(f"Exports in {reports / 'social'}")
    for refusal in result.refused:
        print(f"refused: {refusal}", file=sys.stderr)
    return 1 if result.refused else 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s", stream=sys.stderr)
    try:
        return newsletter(args) if args.command == "newsletter" else social(args)
    except OutreachError as exc:
        if args.debug:
            raise
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
