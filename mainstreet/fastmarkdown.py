"""Python-Markdown's inline processing, without trying patterns that cannot match.

Python-Markdown applies every inline pattern to every piece of text: emphasis,
links, code, entities, and with ``smarty`` eighteen more for dashes, ellipses and
quotes, each try going through a few layers of Python before the pattern's
regular expression even runs. On a typical 1,000-word post that is thousands of
tries, most of which find nothing, and it was about half of the time spent
converting Markdown.

``FastInlineExtension`` changes one thing: before handing a piece of text to a
pattern, it checks whether the pattern can match from the current position,
and moves on to the next pattern when it cannot. For Python-Markdown's own
patterns (core, footnotes, smarty) whose expressions are known, the check is
a search for the text any match must contain (``[`` for a link, ``'`` for a
single quote, ``--`` for a dash); for any other pattern it is the pattern's own
compiled expression. Either way it only skips what Python-Markdown would try
and find nothing, so the HTML is byte for byte the same (tests/test_fastmarkdown.py
compares both on the demo, the benchmark corpus and generated text). Patterns of
the old ``Pattern`` kind, and inline processors of any other class, run unchanged.

The build adds the extension (``BUILD_FAST_MARKDOWN``, on by default).
"""

from __future__ import annotations

from markdown import inlinepatterns, util
from markdown.extensions import Extension, smarty
from markdown.inlinepatterns import InlineProcessor as InlinePattern
from markdown.treeprocessors import InlineProcessor, Treeprocessor

from . import compat

# The private method this relies on (compat.py); without it (another Markdown version) nothing changes.
_APPLY = compat.inline_apply_pattern()


def _needles() -> dict[str, tuple[str, ...]]:
    """Expression source -> texts of which every match contains at least one.

    Only exact sources of this Markdown version's patterns are listed; a pattern
    whose source differs (another version, another extension) is checked with
    its own expression instead.
    """
    try:
        return _known()
    except AttributeError:  # a Markdown version without these names: every pattern uses its expression
        return {}


def _known() -> dict[str, tuple[str, ...]]:
    return {
        inlinepatterns.BACKTICK_RE: ("`",),
        inlinepatterns.ESCAPE_RE: ("\\",),
        inlinepatterns.REFERENCE_RE: ("[",),
        inlinepatterns.LINK_RE: ("[",),
        inlinepatterns.IMAGE_LINK_RE: ("![",),
        inlinepatterns.IMAGE_REFERENCE_RE: ("![",),
        inlinepatterns.AUTOLINK_RE: ("<",),
        inlinepatterns.AUTOMAIL_RE: ("<",),
        inlinepatterns.LINE_BREAK_RE: ("  \n",),
        inlinepatterns.ENTITY_RE: ("&",),
        inlinepatterns.HTML_RE: ("<",),
        r"\*|_": ("*", "_"),  # em_strong
        r"\[\^([^\]]*)\]": ("[^",),  # footnotes
        r"(?<!\.)\.{3}(?!\.)": ("...",),  # smarty: ellipses
        r"(?<!-)---(?!-)": ("---",),
        r"(?<!-)--(?!-)": ("--",),
        r"\<\<": ("<<",),
        r"\>\>": (">>",),
        smarty.singleQuoteStartRe: ("'",),
        smarty.doubleQuoteStartRe: ('"',),
        smarty.doubleQuoteSetsRe: ("\"'",),
        smarty.singleQuoteSetsRe: ("'\"",),
        smarty.doubleQuoteSetsRe2: ("'\"",),
        smarty.singleQuoteSetsRe2: ("\"'",),
        smarty.decadeAbbrRe: ("'",),
        smarty.openingSingleQuotesRegex: ("'",),
        smarty.closingSingleQuotesRegex: ("'",),
        smarty.closingSingleQuotesRegex2: ("'",),
        smarty.remainingSingleQuotesRegex: ("'",),
        smarty.openingDoubleQuotesRegex: ('"',),
        smarty.closingDoubleQuotesRegex: ('"',),
        smarty.closingDoubleQuotesRegex2: ('"',),
        smarty.remainingDoubleQuotesRegex: ('"',),
    }


NEEDLES = _needles()


def _checker(pattern):
    """How to tell quickly that ``pattern`` finds nothing in data[start:]: needles, a regex, or None."""
    if not isinstance(pattern, InlinePattern):
        return None  # an old-style Pattern: always tried
    needles = NEEDLES.get(getattr(pattern, "pattern", None))
    if needles is None or len(needles) > 2:
        return pattern.getCompiledRegExp()
    return needles[0] if len(needles) == 1 else needles  # one text, or a pair (em_strong: * or _)


class FastInlineProcessor(InlineProcessor):
    """InlineProcessor that skips a pattern at once when its expression finds nothing."""

    def run(self, tree, ancestors=None):
        registry = self.inlinePatterns
        self._fast_patterns = [registry[i] for i in range(len(registry))]  # priority order
        self._fast_checks = [_checker(p) for p in self._fast_patterns]
        return super().run(tree, ancestors)

    def handle_inline(self, data: str, pattern_index: int = 0) -> str:
        """The loop of InlineProcessor.__handleInline, plus the early skip (installed below)."""
        if not isinstance(data, util.AtomicString):
            patterns, checks = self._fast_patterns, self._fast_checks
            start = 0
            count = len(patterns)
            while pattern_index < count:
                check = checks[pattern_index]
                kind = type(check)
                if (check is not None) and (
                    data.find(check, start) < 0 if kind is str
                    else check.search(data, start) is None if kind is not tuple
                    else data.find(check[0], start) < 0 and data.find(check[1], start) < 0
                ):
                    pattern_index += 1  # what __applyPattern returns for no match: (data, False, 0)
                    start = 0
                    continue
                data, matched, start = _APPLY(self, patterns[pattern_index], data, pattern_index, start)
                if not matched:
                    pattern_index += 1
        return data


# Markdown calls the loop by its private name (compat.py); without it the extension changes nothing.
_LOOP = compat.install_inline_loop(FastInlineProcessor, FastInlineProcessor.handle_inline)


class _UseFastInline(Treeprocessor):
    """Runs first: switches the plain inline processors (core, smarty) to the fast class.

    Done at conversion time, when every extension has registered its processors,
    whatever the order of the extension list.
    """

    def run(self, root):
        for processor in self.md.treeprocessors:
            if type(processor) is InlineProcessor:
                processor.__class__ = FastInlineProcessor


class FastInlineExtension(Extension):
    def extendMarkdown(self, md):  # noqa: N802 - Python-Markdown's name
        if _LOOP:
            md.treeprocessors.register(_UseFastInline(md), "mainstreet-fast-inline", 1000)


def with_fast_inline(markdown_settings: dict | None) -> dict:
    """A copy of Pelican's MARKDOWN setting with the extension added (once)."""
    settings = dict(markdown_settings or {})
    extensions = list(settings.get("extensions", []))
    if not any(isinstance(e, FastInlineExtension) for e in extensions):
        extensions.append(FastInlineExtension())
    settings["extensions"] = extensions
    return settings
