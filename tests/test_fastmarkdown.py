"""The fast inline processing converts Markdown to exactly the HTML Python-Markdown's own does."""

from __future__ import annotations

import markdown
import pytest
from conftest import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.make_corpus import make_corpus
from mainstreet.fastmarkdown import FastInlineExtension, FastInlineProcessor, with_fast_inline

# The demo's settings, as Pelican passes them to Markdown.
CONFIGS = {
    "markdown.extensions.extra": {},
    "markdown.extensions.toc": {"permalink": False},
    "markdown.extensions.sane_lists": {},
    "markdown.extensions.smarty": {},
}


def _converters(extra_configs: dict | None = None):
    configs = dict(CONFIGS, **(extra_configs or {}))
    plain = markdown.Markdown(extensions=list(configs), extension_configs=configs, output_format="html5")
    fast = markdown.Markdown(extensions=[FastInlineExtension(), *configs], extension_configs=configs,
                             output_format="html5")
    return plain, fast


def _convert(md: markdown.Markdown, text: str) -> str:
    md.reset()
    return md.convert(text)


def test_the_fast_class_is_in_use():
    _, fast = _converters()
    _convert(fast, "Some *text* -- with 'quotes'...")
    kinds = {type(p) for p in fast.treeprocessors if isinstance(p, markdown.treeprocessors.InlineProcessor)}
    assert kinds == {FastInlineProcessor}  # the core inline processor and smarty's


def test_every_demo_file_converts_to_the_same_html():
    plain, fast = _converters()
    files = sorted((ROOT / "content").rglob("*.md"))
    assert len(files) > 20
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert _convert(fast, text) == _convert(plain, text), path


def test_benchmark_posts_convert_to_the_same_html(tmp_path):
    corpus = make_corpus(tmp_path, posts=40, seed=3)
    plain, fast = _converters()
    for path in sorted(corpus.content.rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        assert _convert(fast, text) == _convert(plain, text), path


def test_angled_quotes_and_custom_substitutions_too():
    configs = {"markdown.extensions.smarty": {"smart_angled_quotes": True,
                                              "substitutions": {"left-single-quote": "&sbquo;"}}}
    plain, fast = _converters(configs)
    text = "<<Guillemets>> and 'single' and \"double\" -- and --- and... <b>html</b> &amp; `code 'q'`"
    assert _convert(fast, text) == _convert(plain, text)


# Markdown-ish text built from the pieces inline patterns react to.
_PIECES = st.sampled_from([
    "word", "it's", "'80s", "\"quoted\"", "'single'", "--", "---", "...", "*em*", "**strong**", "_u_",
    "`code 'x'`", "[link](https://example.com/a_b)", "![img](x.png)", "<span>html</span>", "&amp;", "&copy;",
    "\\*", "<https://example.com>", "a@b.co", "[^1]", "{: .cls}", " ", "\n", "\n\n", "- ", "1. ", "# ",
    "| a | b |\n|---|---|\n| 1 | 2 |\n", "ABBR", "*[ABBR]: Abbreviation", "[^1]: Note.", "'\"", "\"'",
])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_PIECES, max_size=40).map("".join))
def test_generated_text_converts_to_the_same_html(text):
    plain, fast = _converters()
    assert _convert(fast, text) == _convert(plain, text)


def test_with_fast_inline_adds_the_extension_once_and_keeps_the_rest():
    settings = with_fast_inline({"extensions": ["x"], "output_format": "html5"})
    again = with_fast_inline(settings)
    assert [type(e) for e in again["extensions"][1:]] == [FastInlineExtension]
    assert again["extensions"][0] == "x" and again["output_format"] == "html5"


@pytest.mark.parametrize("flag", [True, False])
def test_the_build_setting_switches_it(flag, project, tmp_path):
    from mainstreet.build import build

    settings = project / "siteconf.py"
    settings.write_text(settings.read_text(encoding="utf-8") + f"\nBUILD_FAST_MARKDOWN = {flag!r}\n", encoding="utf-8")
    seen = []
    original = FastInlineProcessor.run

    def spy(self, tree, ancestors=None):
        seen.append(True)
        return original(self, tree, ancestors)

    FastInlineProcessor.run = spy
    try:
        build(settings, tmp_path / "out", now="2026-11-24T12:00", overrides={"BUILD_WORKERS": 1, "BUILD_CACHE": False})
    finally:
        FastInlineProcessor.run = original
    assert bool(seen) is flag


def test_every_pattern_of_the_demo_settings_has_a_quick_check():
    from mainstreet.fastmarkdown import NEEDLES

    _, fast = _converters({"markdown.extensions.smarty": {"smart_angled_quotes": True}})
    _convert(fast, "x")
    sources = {p.pattern for proc in fast.treeprocessors if isinstance(proc, FastInlineProcessor)
               for p in proc._fast_patterns}
    # smarty's stricter HTML pattern (angled quotes on) is the one checked by its own expression.
    assert sources - set(NEEDLES) <= {markdown.inlinepatterns.HTML_RE + r"(?!\>)"}
