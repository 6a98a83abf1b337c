"""Rules: each group module looks at the page model and adds findings to a Context.

``run_rules`` runs every group in a fixed order, then applies the settings:
severity changes, rules turned off and ignore patterns (``SEO_AUDIT``).
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import json
from collections import Counter
from dataclasses import dataclass, field

from contract.manifest import Manifest, ManifestEntry

from ..language import Keyphrase, Words, language_of
from ..model import SEVERITY_RANK, Finding, Page, Site
from .catalog import RULES, Rule


@dataclass
class Context:
    site: Site
    settings: dict
    manifest: Manifest | None = None
    now: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    external: dict | None = None  # url -> external.LinkCheck, when --check-external ran
    findings: list[Finding] = field(default_factory=list)
    keyword_rows: list[dict] = field(default_factory=list)
    outlinks: dict[str, set[str]] = field(default_factory=dict)  # page path -> paths it links to (final)
    content_outlinks: dict[str, set[str]] = field(default_factory=dict)  # the same, from its own text only
    inlinks: dict[str, set[str]] = field(default_factory=dict)
    # internal link suggestions found while a page's words were at hand: page path -> [(path, keyphrase)]
    suggestions: dict[str, list] = field(default_factory=dict)
    suggestion_targets: tuple | None = None  # see rules.links._suggestion_targets

    def __post_init__(self):
        self.entries: dict[str, ManifestEntry] = self.manifest.by_url() if self.manifest else {}
        self._keyphrases: dict[str, Keyphrase | None] = {}
        # SEO_AUDIT['max_instances_per_rule']: findings of a rule past it are counted, not kept (0: no limit)
        self.cap = int(self.settings.get("max_instances_per_rule") or 0)
        self.kept: Counter = Counter()  # rule -> findings kept
        self.more: Counter = Counter()  # (rule, severity) -> findings past the cap
        self.more_by_url: dict[str, Counter] = {}  # a page's URL -> severity -> its findings past the cap
        self._overrides = self.settings.get("rules") or {}
        self._ignores = _ignore_entries(self.settings)

    @staticmethod
    def words(page: Page) -> Words:
        """The page text's words, analysed (not kept: every rule that needs them runs while they are at hand)."""
        return Words.of(page.text, language_of(page.lang))

    @staticmethod
    def jsonld(page: Page) -> list:
        """Each JSON-LD block of the page parsed: a value, or the ValueError it raised (not kept: large)."""
        parsed = []
        for raw in page.jsonld:
            try:
                parsed.append(json.loads(raw))
            except ValueError as exc:
                parsed.append(exc)
        return parsed

    def entry(self, page: Page) -> ManifestEntry | None:
        return self.entries.get(page.path)

    def keyphrase(self, page: Page) -> Keyphrase | None:
        """The page's focus keyphrase from the manifest, if it has one."""
        if page.path not in self._keyphrases:
            entry = self.entry(page)
            keyword = (entry.keyword or "").strip() if entry else ""
            self._keyphrases[page.path] = Keyphrase.parse(keyword, language_of(page.lang)) if keyword else None
        return self._keyphrases[page.path]

    def is_content_page(self, page: Page) -> bool:
        """A page someone wrote (post, page, landing page), as opposed to a generated list.

        With the manifest: the pages it lists. Without: posts (og:type article) and
        pages whose text was found by a content selector other than the generic
        ``main`` / ``body`` fallbacks.
        """
        if self.entries:
            return page.path in self.entries
        return page.is_article or page.content_selector not in (None, "main", "body")

    def add(self, rule_id: str, where: Page | str | None, message: str, *, severity: str | None = None,
            hint: str | None = None, **extra) -> Finding:
        """Record a finding on a page (or a path, or None for the whole site)."""
        rule: Rule = RULES.get(rule_id) or plan_rule(rule_id, severity or "notice", hint or "")
        page = where if isinstance(where, Page) else self.site.pages.get(where) if isinstance(where, str) else None
        path = page.path if page else where if isinstance(where, str) else "/"
        entry = self.entries.get(path)
        extra.setdefault("file", page.file if page else None)
        extra.setdefault("source", entry.source if entry else None)
        finding = Finding(rule_id, severity or rule.severity, self.site.url_for(path), message, hint or rule.hint, extra)
        if not _settle(finding, self._overrides, self._ignores, self.site):
            return finding  # turned off or ignored in SEO_AUDIT
        if self.cap and self.kept[rule_id] >= self.cap:
            self.more[rule_id, finding.severity] += 1
            if page is not None:
                self.more_by_url.setdefault(finding.url, Counter())[finding.severity] += 1
            return finding
        self.kept[rule_id] += 1
        self.findings.append(finding)
        return finding

    def more_findings(self) -> list[Finding]:
        """One finding per rule (and severity) that went past the cap, saying how many more there are."""
        made = []
        for (rule_id, severity), count in self.more.items():
            rule = rule_for(rule_id)
            made.append(Finding(
                rule_id, severity, self.site.url_for("/"),
                f"… and {count} more {rule_id} finding{'s' if count != 1 else ''} like the {self.cap} above, not listed "
                f"one by one (SEO_AUDIT['max_instances_per_rule'] = {self.cap}); they count in the totals and the "
                "score.", rule.hint, {"value": count, "limit": self.cap, "more": count}))
        return made


def plan_rule(rule_id: str, severity: str, hint: str) -> Rule:
    """A calendar.* rule the build reported through the manifest (its IDs are the editorial plugin's)."""
    if not rule_id.startswith("calendar."):
        raise KeyError(f"unknown rule {rule_id!r}")
    if rule_id not in PLAN_RULES:
        PLAN_RULES[rule_id] = Rule(rule_id, severity, "Editorial calendar: " + rule_id.split(".", 1)[1].replace("-", " "),
                                   hint or "Fix the calendar row in calendar/*.md.", needs="calendar")
    return PLAN_RULES[rule_id]


PLAN_RULES: dict[str, Rule] = {}


def rule_for(rule_id: str) -> Rule:
    return RULES.get(rule_id) or PLAN_RULES.get(rule_id) or plan_rule(rule_id, "notice", "")


def run_rules(ctx: Context) -> list[Finding]:
    from . import content, editorial, keywords, links, onpage, responses, schema, sitemap

    links.check(ctx)
    onpage.check(ctx)
    keywords.check(ctx)
    links.check_topics(ctx)
    schema.check(ctx)
    sitemap.check(ctx)
    content.check(ctx)
    editorial.check(ctx)
    if ctx.site.source == "online":
        responses.check(ctx)
    # SEO_AUDIT's severities, "off" and ignore patterns were applied as each finding came (Context.add).
    ctx.findings += ctx.more_findings()
    # the "… and N more" finding of a rule comes right after the ones it continues
    ctx.findings.sort(key=lambda f: (-SEVERITY_RANK[f.severity], f.rule, "more" in f.extra, f.url, f.message))
    return ctx.findings


def apply_settings(findings: list[Finding], settings: dict, site: Site) -> list[Finding]:
    overrides = settings.get("rules") or {}
    ignores = _ignore_entries(settings)
    return [finding for finding in findings if _settle(finding, overrides, ignores, site)]


def _ignore_entries(settings: dict) -> list[dict]:
    return [({"url": e} if isinstance(e, str) else e) for e in settings.get("ignore") or []]


def _settle(finding: Finding, overrides: dict, ignores: list[dict], site: Site) -> bool:
    """Apply SEO_AUDIT['rules'] to the finding; False if it is turned off or ignored."""
    level = overrides.get(finding.rule)
    if level == "off":
        return False
    if level:
        finding.severity = level
    return not any(_ignored(finding, entry, site) for entry in ignores)


def _ignored(finding: Finding, entry: dict, site: Site) -> bool:
    pattern = entry["url"]
    path = site.site_path(finding.url) or finding.url
    if not (fnmatch.fnmatchcase(path, pattern) or fnmatch.fnmatchcase(finding.url, pattern)):
        return False
    rules = entry.get("rules")
    if not rules:
        return True
    return any(finding.rule == r or (r.endswith(".*") and finding.rule.startswith(r[:-1])) for r in rules)


def summarize(findings: list[Finding]) -> dict[str, int]:
    counts: Counter = Counter()
    for finding in findings:  # a "… and N more" finding stands for N
        counts[finding.severity] += finding.extra.get("more", 1)
    return {"error": counts["error"], "warning": counts["warning"], "notice": counts["notice"]}


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else many or word + 's'}"


def quote(text: str, limit: int = 60) -> str:
    text = text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
    return f"“{text}”"
