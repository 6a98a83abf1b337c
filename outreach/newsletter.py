"""The newsletter: issues of what is new since the last one, and sequence emails.

An *issue* collects the posts that no earlier issue has seen (the ledger keeps
the ids of every post in the feed when an issue was made, so an edit, a new
feed order or a rebuild never makes an old post new again). Each subscriber
reads one *edition*: the posts of their segments plus the general ones. The very
first issue takes the latest ``max_items`` posts of each edition.

Without ``--send`` nothing is sent and the ledger is untouched: previews are
written to reports/newsletter/<issue>/ (the bytes a reader of each edition gets).
With ``--send`` the issue is recorded in the ledger (on disk before the first
message), then each message is delivered over one SMTP connection and its send
recorded; a crash or a re-run resumes with whoever is left. Sequence emails go
out by join date with the same ledger.

What the ledger guarantees. An SMTP server takes a message at the final "." of
its DATA. The send of a message is written to the ledger the moment the server
accepts it (a killed process keeps a written record; the operating system holds
it), and fsync'ed in a background thread while the next message is made and
transmitted; the next message's final "." waits until that fsync has finished.
So at any moment at most one accepted message lacks a record on disk, the same
as fsync'ing each record before starting the next message, at a fraction of the
wall-clock time. That one message goes out a second time only if the machine
stops (or the connection drops before the server's reply) between its "." and
the end of the fsync: the next run cannot know it was accepted and sends it
again, with the same Message-ID, so receiving systems can drop the copy. No
other message is ever sent twice: recorded sends are never repeated.

Speed: each edition (the posts of one set of segments) is rendered, CSS-inlined
and UTM-tagged once per issue, with placeholders for the reader's greeting and
unsubscribe URL; each reader's copy fills them in, escaped, and is assembled as
bytes (see ``mail.Edition``). An edition whose template does not pass those
values through unchanged (checked against a per-reader rendering) is rendered
for each reader instead.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import html
import json
import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from email.policy import SMTP
from email.utils import parseaddr
from pathlib import Path

from contract.files import atomic_write

from .delivery import Mailer, RateLimiter, RecipientRefusedError
from .errors import InputError
from .ledger import Ledger, invalid_record, parse_records
from .mail import Edition, Placeholders, Renderer, build_message, sender
from .posts import Post, manifest_sources, read_posts
from .sequences import Step, content_relative_sources, read_steps
from .settings import Site
from .subscribers import Subscriber, SubscriberList, key_check, read_subscribers

logger = logging.getLogger(__name__)

LEDGER_NAME = "newsletter.jsonl"
LEDGER_VERSION = 1
# An interrupted issue is resumed (and refused recipients retried) for this many days.
RESUME_DAYS = 7
PREVIEW = Subscriber(0, "subscriber@example.com", "Alex", (), True, None, dt.date.min, None, key="preview")


@dataclass
class Issue:
    id: str
    at: str
    posts: list[str]
    seen: list[str]
    first: bool = False

    @property
    def campaign(self) -> str:
        return f"issue:{self.id}"

    @property
    def date(self) -> dt.date:
        return dt.datetime.fromisoformat(self.at).date()

    def record(self) -> dict:
        return {"type": "issue", "issue": self.id, "at": self.at, "posts": self.posts, "seen": self.seen, "first": self.first}


@dataclass
class LedgerState:
    issues: list[Issue] = field(default_factory=list)
    sent: set[tuple[str, str]] = field(default_factory=set)  # (campaign, subscriber key)
    failures: Counter = field(default_factory=Counter)  # (campaign, subscriber key) -> count
    sequence_days: set[tuple[str, str]] = field(default_factory=set)  # (subscriber key, run date)
    key_check: str | None = None

    @classmethod
    def from_records(cls, records: list[dict], path: Path | None = None, lines: list[int] | None = None) -> LedgerState:
        """The state the ledger's records describe; InputError names a record of the wrong shape."""
        state = cls()
        for index, record in enumerate(records):
            problem = record_problem(record)
            if problem:
                line = lines[index] if lines else index + 1
                raise invalid_record(path or Path(LEDGER_NAME), line, problem)
            kind = record["type"]
            if kind == "ledger":
                state.key_check = record.get("key_check")
            elif kind == "issue":
                state.issues.append(
                    Issue(record["issue"], record["at"], record["posts"], record["seen"], record.get("first", False))
                )
            elif kind == "sent":
                state.sent.add((record["campaign"], record["subscriber"]))
                if record.get("day"):
                    state.sequence_days.add((record["subscriber"], record["day"]))
            elif kind == "failed":
                state.failures[(record["campaign"], record["subscriber"])] += 1
        return state

    @property
    def seen(self) -> set[str]:
        return {post for issue in self.issues for post in issue.seen}


@dataclass
class Report:
    """What a run did, for the terminal and reports/newsletter/report.json."""

    issue: str | None = None
    editions: dict[str, list[str]] = field(default_factory=dict)  # edition -> post titles
    previews: list[str] = field(default_factory=list)
    sent: Counter = field(default_factory=Counter)  # campaign -> messages sent this run
    failed: list[dict] = field(default_factory=list)
    given_up: list[dict] = field(default_factory=list)
    skipped_rows: list[str] = field(default_factory=list)
    not_mailed: Counter = field(default_factory=Counter)
    pending: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "issue": self.issue,
            "editions": self.editions,
            "previews": self.previews,
            "sent": dict(self.sent),
            "failed": self.failed,
            "given_up": self.given_up,
            "skipped_rows": self.skipped_rows,
            "not_mailed": dict(self.not_mailed),
            "pending": self.pending,
            "notes": self.notes,
        }


def newsletter_eligible(post: Post) -> bool:
    """Posts whose plan names channels go out only when 'newsletter' is one of them."""
    return not post.channels or "newsletter" in post.channels


def edition_posts(posts: list[Post], segments: tuple[str, ...], limit: int) -> list[Post]:
    return [p for p in posts if newsletter_eligible(p) and (p.general or p.segment in segments)][:limit]


# What each kind of record must hold: key -> (type, required).
_SHAPES = {
    "ledger": {"version": (int, False), "key_check": (str, False)},
    "issue": {"issue": (str, True), "at": (str, True), "posts": (list, True), "seen": (list, True), "first": (bool, False)},
    "sent": {"campaign": (str, True), "subscriber": (str, True), "day": (str, False)},
    "failed": {"campaign": (str, True), "subscriber": (str, True)},
}
_TYPE_NAMES = {int: "a number", str: "a string", list: "a list", bool: "true or false"}


def record_problem(record: dict) -> str | None:
    """Why ``record`` is not a newsletter ledger record this module writes, or None."""
    kind = record.get("type")
    if kind not in _SHAPES:
        return f"type {kind!r}; expected one of {', '.join(_SHAPES)}"
    for key, (expected, required) in _SHAPES[kind].items():
        if key not in record or record[key] is None:
            if required:
                return f"a {kind} record without {key!r}"
            continue
        value = record[key]
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            return f"{key!r} of a {kind} record is {json.dumps(value)[:40]}, not {_TYPE_NAMES[expected]}"
    if kind == "issue":
        if not all(isinstance(post, str) for post in (*record["posts"], *record["seen"])):
            return "an issue record whose posts or seen are not all strings"
        try:
            dt.datetime.fromisoformat(record["at"])
        except ValueError:
            return f"'at' of an issue record is {record['at'][:40]!r}, not an ISO date-time"
    return None


def ledger_is_empty(path: Path) -> bool:
    """True when the ledger file exists but holds no record (0 bytes, blank lines, a torn line only)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return False
    return not data[: data.rfind(b"\n") + 1].strip()


def empty_ledger_error(path: Path) -> InputError:
    return InputError(
        f"{path}:1: the ledger is empty, but the file exists (a truncated file or a bad merge?), and with "
        "no history every subscriber would get every issue again; restore it from git "
        f"(git log -p -- {path.name} shows its history), or, if nothing was ever sent from it, "
        "run again with --fresh-start (invoke newsletter --send --fresh-start)"
    )


def read_state(path: Path) -> LedgerState:
    """The ledger's state without locking or creating it (for previews)."""
    if not path.is_file():
        return LedgerState()
    lines, records = parse_records(path.read_bytes(), path)
    return LedgerState.from_records(records, path, lines)


def plan_issue(posts: list[Post], state: LedgerState, now: dt.datetime) -> Issue | None:
    """The next issue: posts no issue has seen yet (None when there are none)."""
    seen = state.seen
    new = [p.id for p in posts if p.id not in seen and newsletter_eligible(p)]
    if not new:
        return None
    taken = {issue.id for issue in state.issues}
    issue_id = now.date().isoformat()
    number = 2
    while issue_id in taken:
        issue_id = f"{now.date().isoformat()}-{number}"
        number += 1
    return Issue(issue_id, now.isoformat(timespec="seconds"), new, sorted(p.id for p in posts), first=not state.issues)


class Newsletter:
    def __init__(
        self,
        site: Site,
        *,
        now: dt.datetime,
        manifest: Path,
        subscribers: Path,
        state_dir: Path,
        reports_dir: Path,
        output: Path | None = None,
    ):
        self.site = site
        self.now = now
        self.manifest = manifest
        self.subscribers_path = subscribers
        self.ledger_path = state_dir / LEDGER_NAME
        self.reports = reports_dir
        self.posts = read_posts(site, manifest, output)
        self.by_id = {p.id: p for p in self.posts}
        self.renderer = Renderer(site)
        self.limit = site.newsletter["max_items"]
        self.report = Report()
        self._steps: list[Step] | None = None
        self._edition_posts: dict[tuple, list[Post]] = {}
        self._editions: dict[tuple, Edition | None] = {}
        self._placeholders = Placeholders()

    # --- content ---------------------------------------------------------------

    @property
    def steps(self) -> list[Step]:
        if self._steps is None:
            sources = content_relative_sources(self.site, manifest_sources(self.manifest))
            self._steps = read_steps(self.site, sources)
        return self._steps

    def issue_posts(self, issue: Issue, segments: tuple[str, ...]) -> list[Post]:
        key = (issue.id, segments)
        if key not in self._edition_posts:
            posts = [self.by_id[i] for i in issue.posts if i in self.by_id]
            posts.sort(key=lambda p: (p.published, p.id), reverse=True)
            self._edition_posts[key] = edition_posts(posts, segments, self.limit)
        return self._edition_posts[key]

    def _utm(self, campaign: str, subscriber: Subscriber) -> dict:
        return {
            "utm_source": "newsletter",
            "utm_medium": "email",
            "utm_campaign": campaign,
            "utm_content": subscriber.edition,
        }

    def _greeting(self, subscriber: Subscriber) -> str:
        """ "Hi John," from the subscriber's first name, or the fallback greeting when there is none."""
        first = subscriber.greeting_name
        conf = self.site.newsletter
        return conf["greeting"].format(name=first) if first else conf["greeting_fallback"]

    def _render_issue(self, issue: Issue, subscriber: Subscriber, posts: list[Post], greeting: str, unsubscribe: str):
        subject = self.site.newsletter["subject"].format(site=self.site.name, title=posts[0].title, count=len(posts))
        context = {
            "subject": subject,
            "preheader": _shorten(posts[0].summary, 140),
            "greeting": greeting,
            "issue": issue.id,
            "edition": subscriber.edition,
            "posts": [
                {"title": p.title, "url": p.url, "summary": p.summary, "image": p.image, "image_alt": p.title}
                for p in posts
            ],
        }
        return self.renderer.render("issue", context, self._utm(issue.id, subscriber), unsubscribe)

    def issue_message(self, issue: Issue, subscriber: Subscriber, posts: list[Post]):
        """``subscriber``'s copy of the issue, rendered on its own (the reference for ``issue_bytes``)."""
        from .mail import unsubscribe_links

        unsubscribe, _ = unsubscribe_links(self.site, subscriber)
        rendered = self._render_issue(issue, subscriber, posts, self._greeting(subscriber), unsubscribe)
        return build_message(self.site, rendered, subscriber, self._message_id(issue.campaign, subscriber), self.now)

    def issue_bytes(self, issue: Issue, subscriber: Subscriber, posts: list[Post]) -> tuple[bytes, str]:
        """(message, Message-ID) of ``subscriber``'s copy, from the edition rendered once for all its readers."""
        message_id = self._message_id(issue.campaign, subscriber)
        edition = self._edition(issue, subscriber, posts)
        if edition is None:
            message = self.issue_message(issue, subscriber, posts)
            return message.as_bytes(policy=SMTP), message_id
        return edition.message(self._greeting(subscriber), subscriber, message_id), message_id

    def _edition(self, issue: Issue, subscriber: Subscriber, posts: list[Post]) -> Edition | None:
        """The edition ``subscriber`` reads, rendered once with placeholders; None when the
        template does not treat the greeting and unsubscribe URL as plain values (checked on a probe)."""
        key = (issue.id, subscriber.segments)
        if key not in self._editions:
            from .mail import unsubscribe_links

            marks = self._placeholders
            unsubscribe_links(self.site, subscriber)  # a missing unsubscribe_url is a clear error first
            rendered = self._render_issue(issue, subscriber, posts, marks.greeting, marks.unsubscribe_url(self.site))
            edition = Edition(self.site, rendered, marks, self.now)
            probe = _probe_subscriber(subscriber.segments)
            reference = self.issue_message(issue, probe, posts)
            message_id = self._message_id(issue.campaign, probe)
            if not edition.matches(reference, self._greeting(probe), probe, message_id):
                logger.info("%s: the %s edition is rendered for each reader (its template changes the greeting "
                            "or unsubscribe URL)", issue.campaign, subscriber.edition)
                edition = None
            self._editions[key] = edition
        return self._editions[key]

    def step_message(self, step: Step, subscriber: Subscriber):
        from .mail import unsubscribe_links

        unsubscribe, _ = unsubscribe_links(self.site, subscriber)
        body = personalise(step.body_html, self._greeting(subscriber) if subscriber.greeting_name else None)
        context = {
            "subject": step.subject,
            "preheader": _shorten(_plain(_GREETING.sub("", body, count=1)), 140),
            "greeting": self._greeting(subscriber),
            "title": step.title,
            "body_html": body,
            "body_text": _plain_with_links(body),
        }
        campaign = f"{step.sequence}-{step.slug}"
        rendered = self.renderer.render("sequence", context, self._utm(campaign, subscriber), unsubscribe)
        return build_message(self.site, rendered, subscriber, self._message_id(step.campaign, subscriber), self.now)

    def _step_bytes(self, step: Step, subscriber: Subscriber) -> tuple[bytes, str]:
        message = self.step_message(step, subscriber)
        return message.as_bytes(policy=SMTP), message["Message-ID"]

    def _message_id(self, campaign: str, subscriber: Subscriber) -> str:
        # The same message to the same person always has the same Message-ID, so a
        # receiving system can drop a copy sent again after a crash.
        left = campaign.replace(":", ".").replace("/", ".")
        return f"<{left}.{subscriber.key[:16]}@{self.site.domain}>"

    # --- previews ---------------------------------------------------------------

    def write_previews(self, issue: Issue | None) -> None:
        if issue is not None:
            folder = self.reports / issue.id
            editions = [("general", ())] + [(key, (key,)) for key in self.site.segments]
            for name, segments in editions:
                posts = self.issue_posts(issue, segments)
                self.report.editions[name] = [p.title for p in posts]
                if not posts:
                    continue
                message, _ = self.issue_bytes(issue, _preview_subscriber(segments), posts)  # as sent
                self._write_preview(folder / name, message)
        for step in self.steps:
            message = self.step_message(step, _preview_subscriber(()))
            self._write_preview(self.reports / "sequences" / f"{step.sequence}-{step.slug}", message)

    def _write_preview(self, stem: Path, message) -> None:
        stem.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(message, bytes):  # the bytes that are sent
            _atomic_write(stem.with_suffix(".eml"), message)
            message = email.message_from_bytes(message, policy=email.policy.default)
        else:
            _atomic_write(stem.with_suffix(".eml"), bytes(message))
        html = message.get_body(("html",)).get_content()
        _atomic_write(stem.with_suffix(".html"), html.encode("utf-8"))
        self.report.previews.append(str(stem.with_suffix(".eml")))

    # --- the run ---------------------------------------------------------------

    def run(
        self, send: bool, mailer: Mailer | None = None, limiter: RateLimiter | None = None, fresh_start: bool = False
    ) -> Report:
        """Preview, or (``send``) deliver; ``fresh_start`` lets an existing but empty ledger start over."""
        people = read_subscribers(self.subscribers_path, self.site.segments)
        self.report.skipped_rows = [str(row) for row in people.skipped]
        empty = ledger_is_empty(self.ledger_path) and not fresh_start
        if not send:
            state = read_state(self.ledger_path)
            self._check_key(state)
            if empty:
                logger.warning("%s", empty_ledger_error(self.ledger_path))
                self.report.notes.append("the ledger file is empty: --send refuses until it is restored or run with --fresh-start")
            issue = plan_issue(self.posts, state, self.now)
            self.report.issue = issue.id if issue else None
            if issue is None:
                last = state.issues[-1].id if state.issues else None
                self.report.notes.append(f"nothing new since issue {last}: no issue" if last else "no posts: no issue")
            self.write_previews(issue)
            self._count_pending(state, people, issue)
            self._write_report()
            return self.report

        if mailer is None:
            raise InputError("--send needs an SMTP server")
        if empty:  # checked before the ledger is opened: nothing is written to it
            raise empty_ledger_error(self.ledger_path)
        limiter = limiter or RateLimiter(self.site.newsletter["rate_per_minute"])
        from_addr = parseaddr(sender(self.site))[1]
        with Ledger(self.ledger_path) as ledger:
            state = LedgerState.from_records(ledger.records, self.ledger_path, ledger.lines)
            self._check_key(state)
            if state.key_check is None:
                ledger.append({"type": "ledger", "version": LEDGER_VERSION, "key_check": key_check()})
            issue = plan_issue(self.posts, state, self.now)
            self.report.issue = issue.id if issue else None
            self.write_previews(issue)
            if issue is not None:
                ledger.append(issue.record())  # the issue is made: a crash from here on resumes it
                state.issues.append(issue)
            elif state.issues:
                self.report.notes.append(f"nothing new since issue {state.issues[-1].id}: no new issue")
            try:
                for each in self._open_issues(state):
                    self._send_issue(each, people, state, ledger, mailer, limiter, from_addr)
                self._send_sequences(people, state, ledger, mailer, limiter, from_addr)
            finally:
                try:
                    ledger.wait_durable()  # every send this run recorded is on disk before it is reported
                finally:
                    mailer.close()
                    self._count_pending(state, people, None)
                    self._write_report()
        return self.report

    def _open_issues(self, state: LedgerState) -> list[Issue]:
        oldest = self.now.date() - dt.timedelta(days=RESUME_DAYS)
        return [issue for issue in state.issues if issue.date >= oldest]

    def _check_key(self, state: LedgerState) -> None:
        if state.key_check is not None and state.key_check != key_check():
            raise InputError(
                f"{self.ledger_path} was written with another MAINSTREET_LEDGER_KEY; set the same key "
                "(a different key would make everyone look new and send the same issue twice)"
            )

    def _recipients(self, issue: Issue, people: SubscriberList, state: LedgerState):
        """(subscriber, posts) still to send ``issue`` to."""
        for subscriber in people.subscribers:
            if not subscriber.may_receive(issue.date):
                continue
            if (issue.campaign, subscriber.key) in state.sent:
                continue
            posts = self.issue_posts(issue, subscriber.segments)
            if not posts:
                continue
            yield subscriber, posts

    def _send_issue(self, issue, people, state, ledger, mailer, limiter, from_addr) -> None:
        for subscriber, posts in self._recipients(issue, people, state):
            self._deliver(
                issue.campaign, subscriber, lambda s=subscriber, p=posts: self.issue_bytes(issue, s, p),
                state, ledger, mailer, limiter, from_addr,
            )

    def due_step(self, subscriber: Subscriber, state: LedgerState, today: dt.date) -> Step | None:
        """The earliest sequence email due to ``subscriber`` today and not sent yet."""
        grace = dt.timedelta(days=self.site.newsletter["sequence_grace_days"])
        for step in self.steps:
            if step.status != "published" or (step.campaign, subscriber.key) in state.sent:
                continue
            due = subscriber.joined + dt.timedelta(days=step.delay)
            if due <= today <= due + grace:
                return step
        return None

    def _send_sequences(self, people, state, ledger, mailer, limiter, from_addr) -> None:
        today = self.now.date()
        for subscriber in people.subscribers:
            if not subscriber.may_receive(today) or (subscriber.key, today.isoformat()) in state.sequence_days:
                continue  # at most one sequence email a day, however often the job runs
            step = self.due_step(subscriber, state, today)
            if step is None:
                continue
            self._deliver(
                step.campaign, subscriber, lambda s=subscriber, st=step: self._step_bytes(st, s),
                state, ledger, mailer, limiter, from_addr,
            )

    def _deliver(self, campaign, subscriber, make_message, state, ledger, mailer, limiter, from_addr) -> None:
        attempts = state.failures[(campaign, subscriber.key)]
        if attempts >= self.site.newsletter["max_attempts"]:
            self.report.given_up.append(
                {"campaign": campaign, "line": subscriber.line, "email": subscriber.email, "attempts": attempts}
            )
            return
        message, message_id = make_message()
        limiter.wait()
        try:
            # The server takes the message at the final "." of DATA; before that, the previous
            # send's record must be on disk (its fsync ran while this message was made and sent).
            mailer.send(message, from_addr, subscriber.email, before_commit=ledger.wait_durable)
        except RecipientRefusedError as exc:
            ledger.append_soon(
                {"type": "failed", "campaign": campaign, "subscriber": subscriber.key, "code": exc.code,
                 "reason": exc.reason[:200], "at": _stamp()}
            )
            state.failures[(campaign, subscriber.key)] += 1
            self.report.failed.append(
                {"campaign": campaign, "line": subscriber.line, "email": subscriber.email, "code": exc.code, "reason": exc.reason}
            )
            logger.warning("%s: %s refused (%s); it will be retried on the next run", campaign, subscriber.email, exc)
            return
        # Accepted by the server: record it before doing anything else.
        record = {"type": "sent", "campaign": campaign, "subscriber": subscriber.key, "edition": subscriber.edition,
                  "message_id": message_id, "at": _stamp()}
        if campaign.startswith("sequence:"):
            record["day"] = self.now.date().isoformat()
            state.sequence_days.add((subscriber.key, record["day"]))
        ledger.append_soon(record)  # written at once; on disk before the next message is committed
        state.sent.add((campaign, subscriber.key))
        self.report.sent[campaign] += 1

    def _count_pending(self, state: LedgerState, people: SubscriberList, planned: Issue | None) -> None:
        for subscriber in people.subscribers:
            if not subscriber.consent:
                self.report.not_mailed["no consent"] += 1
            elif subscriber.unsubscribed is not None:
                self.report.not_mailed["unsubscribed"] += 1
        for issue in [*self._open_issues(state), *([planned] if planned else [])]:
            count = sum(
                1 for s, _ in self._recipients(issue, people, state)
                if state.failures[(issue.campaign, s.key)] < self.site.newsletter["max_attempts"]
            )
            if count:
                self.report.pending[issue.id] = count

    def _write_report(self) -> None:
        self.reports.mkdir(parents=True, exist_ok=True)
        data = json.dumps(self.report.to_dict(), indent=2, ensure_ascii=False) + "\n"
        _atomic_write(self.reports / "report.json", data.encode("utf-8"))


# A first paragraph that is only a salutation: "Hi there,", "Hello again,", "Dear friends,".
_GREETING = re.compile(r"^\s*<p>\s*(?:Hi|Hello|Hey|Dear)\b[^<.!?]{0,30},\s*</p>", re.I)


def personalise(body_html: str, greeting: str | None) -> str:
    """Replace a sequence email's opening salutation with the subscriber's own greeting."""
    if greeting is None:
        return body_html
    return _GREETING.sub(lambda m: f"<p>{html.escape(greeting)}</p>", body_html, count=1)


def _preview_subscriber(segments: tuple[str, ...]) -> Subscriber:
    return Subscriber(0, PREVIEW.email, PREVIEW.name, segments, True, None, dt.date.min, None, key="preview")


def _probe_subscriber(segments: tuple[str, ...]) -> Subscriber:
    """A reader to check an edition's placeholders against: a name, a key and an address that need quoting."""
    return Subscriber(0, "probe+check@example.com", "Alex Probe", segments, True, None, dt.date.min, None,
                      key="0123456789abcdef0123456789abcdef")


def _stamp() -> str:
    """Wall-clock time of a send (the run's --now decides what is due, not when it happened)."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(",.;:") + "…"


def _plain(html: str) -> str:
    from lxml import html as lxml_html

    return " ".join(lxml_html.fromstring(f"<div>{html}</div>").text_content().split())


def _plain_with_links(html: str) -> str:
    """Markdown-rendered HTML as plain text, each link's URL after its text, paragraphs kept."""
    from lxml import html as lxml_html

    root = lxml_html.fromstring(f"<div>{html}</div>")
    for link in root.iter("a"):
        href = link.get("href")
        if href:
            link.tail = f" ({href})" + (link.tail or "")
    for item in root.iter("li"):
        item.text = "- " + (item.text or "")
    blocks = []
    for block in root:
        text = " ".join(block.text_content().split()) if block.tag not in ("ul", "ol") else "\n".join(
            " ".join(li.text_content().split()) for li in block.iter("li")
        )
        if text:
            blocks.append(text)
    return "\n\n".join(blocks)


def _atomic_write(path: Path, data: bytes) -> None:
    atomic_write(path, data, mode=None)  # previews name subscribers: they stay 0600
