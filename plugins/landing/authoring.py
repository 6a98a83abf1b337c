"""How a landing page is written: the header lines and the ``:::`` blocks of its body.

A landing page is one Markdown file. Its header says which variants and which
experiment it has::

    Segments: families, offices
    Experiment: holiday-headline
    Arms: A 50%, B 50%

and its body may hold blocks that change the page for one segment or one arm::

    ::: for offices
    Headline: Holiday cakes for the office party
    Cta text: Order for the team

    Text that only the offices variant shows.
    :::

A block starts with ``::: for <segment>`` or ``::: arm <name>`` and ends with a
line ``:::``. Its first lines, up to the first empty line, are fields
(``Field: value``); the rest is Markdown placed where the block stands.

This module only reads; plugins/landing decides what the page becomes. The same
``scan_blocks`` serves the Markdown preprocessor (which turns blocks into
markers in the rendered HTML) and the plugin (which reads the fields and reports
mistakes with the file's line numbers), so both see the same blocks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

# Fields a segment block may set, and the subset an arm may set (an arm changes
# what a visitor reads in the hero and the calls to action, not the page's URL,
# title or picture).
SEGMENT_FIELDS = (
    "title", "description", "headline", "intro", "image", "image_alt", "offer", "cta_text", "cta_url", "tone",
)
ARM_FIELDS = ("headline", "intro", "offer", "cta_text", "cta_url")
# Fields whose text may hold dynamic text ({keyword: default words}).
DYNAMIC_FIELDS = ("headline", "intro", "offer", "cta_text")
# The CSS of the theme hides arms by position; it has rules for this many.
MAX_ARMS = 6

NAME = r"[A-Za-z0-9][A-Za-z0-9_-]*"
_OPEN = re.compile(r"^:::\s*(?P<kind>\S+)?\s*(?P<rest>.*?)\s*$")
_CLOSE = re.compile(r"^:::\s*$")
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_FIELD = re.compile(r"^(?P<key>[A-Za-z][A-Za-z0-9 _-]*?)\s*:\s*(?P<value>.*?)\s*$")
_NAME = re.compile(rf"^{NAME}$")
_ARM = re.compile(rf"^(?P<name>{NAME})(?:\s+(?P<weight>\d+(?:\.\d+)?)\s*%?)?$")
DYNAMIC = re.compile(r"\{keyword:\s*(?P<default>[^{}]*?)\s*\}")

# What the preprocessor leaves in the HTML for the plugin to pick up.
MARKER_OPEN = "<!--landing:{kind}:{name}-->"
MARKER_CLOSE = "<!--/landing-->"
MARKERS = re.compile(r"<!--landing:(?P<kind>for|arm):(?P<name>[^>]*?)-->(?P<html>.*?)<!--/landing-->", re.S)


@dataclass
class Problem:
    line: int  # 1-based, in the lines scanned
    message: str


@dataclass
class Block:
    kind: str  # "for" or "arm"
    name: str
    line: int  # the ::: line
    fields: dict[str, tuple[str, int]] = field(default_factory=dict)  # field -> (value, line)
    body: list[str] = field(default_factory=list)  # the Markdown lines after the fields


@dataclass
class Scan:
    blocks: list[Block]
    problems: list[Problem]
    lines: list[str]  # the text with blocks replaced by markers (for Markdown)


def field_key(label: str) -> str:
    """'Cta text', 'CTA-Text' and 'cta_text' are one field: 'cta_text'."""
    return re.sub(r"[\s-]+", "_", label.strip()).lower()


def field_label(key: str) -> str:
    """'cta_text' -> 'Cta text', as a person writes it."""
    return key.replace("_", " ").capitalize()


def scan_blocks(lines: list[str], first_line: int = 1) -> Scan:
    """Find the ``:::`` blocks in body ``lines`` (numbered from ``first_line``).

    Returns the blocks, the problems (unclosed, nested, unknown kind, a field
    line that is not ``Field: value``) and the lines Markdown should render,
    where each block's Markdown sits between two HTML comment markers. Lines
    inside fenced code (``` or ~~~) are text, never block syntax.
    """
    blocks: list[Block] = []
    problems: list[Problem] = []
    out: list[str] = []
    current: Block | None = None
    reading_fields = False  # right after a ::: line, until the first empty line
    fence: str | None = None
    for offset, line in enumerate(lines):
        number = first_line + offset
        target = current.body if current is not None else out
        if fence is not None:
            target.append(line)
            found = _FENCE.match(line)
            if found and found.group(1) == fence:
                fence = None
            continue
        if reading_fields and current is not None:
            found = _FIELD.match(line)
            if found and not line.startswith(":::"):
                key = field_key(found["key"])
                if key in current.fields:
                    problems.append(Problem(number, f"{field_label(key)} is set twice in this block"))
                current.fields[key] = (found["value"], number)
                continue
            reading_fields = False
            if not line.strip():
                continue
            if current.fields and not _CLOSE.match(line):
                problems.append(Problem(
                    number,
                    f"{line.strip()!r} is not a 'Field: value' line; a block starts with its fields, "
                    "then an empty line, then its text",
                ))
                continue
        found = _FENCE.match(line)
        if found:
            fence = found.group(1)
            target.append(line)
            continue
        if _CLOSE.match(line):
            if current is None:
                problems.append(Problem(number, "':::' closes no block; a block starts with '::: for <segment>' "
                                                "or '::: arm <name>'"))
                continue
            out += ["", MARKER_OPEN.format(kind=current.kind, name=current.name), "", *current.body, "",
                    MARKER_CLOSE, ""]
            blocks.append(current)
            current = None
            continue
        opened = _OPEN.match(line)
        if opened:
            kind, name = opened["kind"] or "", opened["rest"]
            if current is not None:
                problems.append(Problem(number, f"a block starts inside the block opened on line {current.line}; "
                                                "close that one first with a line ':::'"))
                continue
            if kind not in ("for", "arm") or not is_name(name):
                problems.append(Problem(number, f"{line.strip()!r} is not a block; write '::: for <segment>' "
                                                "or '::: arm <name>', and ':::' to end it"))
                continue
            current = Block(kind, name, number)
            reading_fields = True
            continue
        target.append(line)
    if current is not None:
        problems.append(Problem(current.line, f"'::: {current.kind} {current.name}' is never closed; "
                                              "end it with a line ':::'"))
        out += current.body
    return Scan(blocks, problems, out)


def body_start(lines: list[str]) -> int:
    """Index of the first body line of a Markdown file (after Python-Markdown's metadata header)."""
    index = 0
    if lines and re.match(r"^-{3}(\s.*)?$", lines[0].rstrip("\n")):
        index = 1
    while index < len(lines):
        line = lines[index].rstrip("\n")
        index += 1
        if not line.strip() or re.match(r"^(-{3}|\.{3})(\s.*)?$", line):
            break
    return index


def read_source_blocks(source_path: str) -> Scan:
    """The blocks of a landing page's source file, numbered as in the file."""
    with open(source_path, encoding="utf-8-sig") as fh:
        lines = fh.read().splitlines()
    start = body_start(lines)
    return scan_blocks(lines[start:], first_line=start + 1)


def split_rendered(html: str) -> list[tuple[str | None, str | None, str]]:
    """Rendered HTML as pieces: (None, None, shared html) and (kind, name, block html)."""
    pieces: list[tuple[str | None, str | None, str]] = []
    position = 0
    for found in MARKERS.finditer(html):
        if found.start() > position:
            pieces.append((None, None, html[position : found.start()]))
        pieces.append((found["kind"], found["name"], found["html"]))
        position = found.end()
    if position < len(html):
        pieces.append((None, None, html[position:]))
    return pieces


@dataclass
class Arm:
    name: str
    weight: float  # percent
    index: int


def parse_arms(text: str) -> tuple[list[Arm], str | None]:
    """'A 70%, B 30%' or 'A, B' -> arms with weights adding up to 100; or a problem."""
    arms: list[Arm] = []
    given: dict[str, float | None] = {}
    for part in [p.strip() for p in str(text).split(",") if p.strip()]:
        found = _ARM.match(part)
        if not found:
            return [], (f"arm {part!r} is not 'name' or 'name 30%'; names use letters, digits, '-' and '_', "
                        "e.g. 'Arms: A 50%, B 50%'")
        name = found["name"]
        if name in given:
            return [], f"arm {name!r} is listed twice"
        given[name] = float(found["weight"]) if found["weight"] else None
    if len(given) < 2:
        return [], (f"an experiment needs at least two arms, found {len(given)}; "
                    "write e.g. 'Arms: A 50%, B 50%' (A is what visitors see without JavaScript)")
    if len(given) > MAX_ARMS:
        return [], f"an experiment can have at most {MAX_ARMS} arms, found {len(given)}"
    fixed = sum(w for w in given.values() if w is not None)
    open_arms = [name for name, w in given.items() if w is None]
    if any(w is not None and w <= 0 for w in given.values()):
        return [], "every arm needs a weight above 0%"
    if open_arms:
        rest = 100 - fixed
        if rest <= 0:
            return [], f"the weights given add up to {fixed:g}%, leaving nothing for {', '.join(open_arms)}"
        for name in open_arms:
            given[name] = rest / len(open_arms)
    elif abs(fixed - 100) > 0.001:
        return [], f"the weights add up to {fixed:g}%, not 100%"
    for index, (name, weight) in enumerate(given.items()):
        arms.append(Arm(name, float(weight), index))
    return arms, None


def parse_names(text: str) -> list[str]:
    """'families, offices' -> ['families', 'offices']."""
    return [part.strip() for part in str(text).split(",") if part.strip()]


def is_name(text: str) -> bool:
    return bool(_NAME.match(text))


class BlocksPreprocessor(Preprocessor):
    """Turns ``:::`` blocks into HTML comment markers around their Markdown."""

    def run(self, lines: list[str]) -> list[str]:
        if not any(line.startswith(":::") for line in lines):
            return lines
        return scan_blocks(lines).lines


class LandingBlocksExtension(Extension):
    """Registered by plugins/landing; runs after the metadata header is read, before raw HTML."""

    def extendMarkdown(self, md):  # noqa: N802 - Markdown's API name
        md.preprocessors.register(BlocksPreprocessor(md), "landing_blocks", 26)
