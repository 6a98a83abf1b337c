"""Sequence emails: Markdown files in content/emails/ sent by each subscriber's join date.

    Title: Welcome to Hearth & Honey
    Sequence: welcome
    Delay: 0                      # days after the subscriber joined
    Subject: Welcome! (optional; the Title otherwise)
    Status: published             # draft = written but not sent yet

Links may use Pelican's ``{filename}/posts/x.md`` (resolved through the
manifest to the published URL) and ``{static}/images/x.jpg``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import markdown

from .errors import InputError
from .settings import Site

_LINK = re.compile(r"\{(filename|static)\}/?([^)\s\"'>]+)")
STATUSES = ("published", "draft")


@dataclass
class Step:
    sequence: str
    slug: str  # the file's stem
    delay: int  # days after joining
    title: str
    subject: str
    body_html: str
    source: str  # display path
    status: str = "published"

    @property
    def id(self) -> str:
        return f"{self.sequence}/{self.slug}"

    @property
    def campaign(self) -> str:
        return f"sequence:{self.id}"


def _header(text: str) -> tuple[dict[str, tuple[str, int]], str]:
    meta: dict[str, tuple[str, int]] = {}
    lines = text.splitlines()
    index = 0
    for index, line in enumerate(lines):
        if not line.strip():
            break
        key, sep, value = line.partition(":")
        if not sep or not re.fullmatch(r"[A-Za-z_][\w-]*", key.strip()):
            break
        meta[key.strip().lower()] = (value.strip(), index + 1)
    else:
        index = len(lines)
    return meta, "\n".join(lines[index:])


def read_steps(site: Site, sources: dict[str, str]) -> list[Step]:
    """Every sequence email, by sequence then delay; InputError names file:line of a problem."""
    folder = site.content / site.newsletter["emails"]
    if not folder.is_dir():
        return []
    problems = []
    steps = []
    for path in sorted(folder.glob("*.md")):
        shown = _shown(path, site.root)
        text = path.read_text(encoding="utf-8")
        meta, body = _header(text)
        sequence = meta.get("sequence", ("", 1))[0].strip().lower()
        if not sequence:
            problems.append(f"{shown}:1: no Sequence metadata; add e.g. 'Sequence: welcome'")
            continue
        delay_text, delay_line = meta.get("delay", ("", 1))
        if not delay_text.isdigit():
            problems.append(f"{shown}:{delay_line}: Delay is {delay_text!r}; expected whole days after joining, e.g. 'Delay: 3'")
            continue
        status, status_line = meta.get("status", ("published", 1))
        status = status.lower()
        if status not in STATUSES:
            problems.append(f"{shown}:{status_line}: Status is {status!r}; expected published or draft")
            continue
        title = meta.get("title", ("", 1))[0]
        subject = meta.get("subject", (title, 1))[0] or title
        if not subject:
            problems.append(f"{shown}:1: no Subject or Title; add 'Subject: ...'")
            continue
        body_line = text.count("\n", 0, len(text) - len(body)) + 1

        def resolve(match, shown=shown, body_line=body_line, body=body):
            kind, target = match.group(1), match.group(2)
            if kind == "static":
                return f"{site.url}/{target.lstrip('/')}"
            url = sources.get(target.lstrip("/"))
            if url is None:
                line = body_line + body.count("\n", 0, match.start())
                problems.append(
                    f"{shown}:{line}: links to {{filename}}/{target}, which is not a published page; "
                    "fix the path or publish the page first"
                )
                return match.group(0)
            return f"{site.url}{url}"

        html = markdown.markdown(
            _LINK.sub(resolve, body),
            extensions=["markdown.extensions.extra", "markdown.extensions.sane_lists", "markdown.extensions.smarty"],
            output_format="html",
        )
        steps.append(Step(sequence, path.stem, int(delay_text), title, subject, html, shown, status))
    if problems:
        raise InputError("\n".join(problems))
    steps.sort(key=lambda s: (s.sequence, s.delay, s.slug))
    return steps


def content_relative_sources(site: Site, sources: dict[str, str]) -> dict[str, str]:
    """Manifest sources ('content/posts/x.md') keyed relative to content/ ('posts/x.md')."""
    result = {}
    prefix = site.content.name + "/"
    for source, url in sources.items():
        key = source.replace("\\", "/")
        if Path(key).is_absolute():
            try:
                key = Path(key).relative_to(site.content).as_posix()
            except ValueError:
                continue
        elif key.startswith(prefix):
            key = key[len(prefix):]
        result[key] = url
    return result


def _shown(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)
