"""Campaign landing pages: segment variants, A/B arms, dynamic text, lead forms.

One Markdown file in content/landing/ authors a landing page and all its
variants (the syntax is in authoring.py and README, "Landing pages"):

* The base page lives at ``/offers/<slug>/`` with the ``landing`` template.
  Each segment named in its ``Segments`` line gets a variant page below it
  (``/offers/<slug>/<segment>/``) with its own title, description, hero,
  offer, tone, calls to action and body sections. Variants name the base page
  as canonical, so the sitemap leaves them out (plugins/onpage decides that
  from the canonical), and no feed lists pages.
* Every call to action and every link that leaves the site carries UTM
  parameters: utm_campaign is the page's Campaign (else its slug), utm_content names the
  segment (``all`` on the base page) and the arm.
* ``Experiment`` and ``Arms`` pre-render every arm into each page; a tiny
  inline script (scripts.py) picks the visitor's arm before the first paint.
  Arm A is what visitors without JavaScript, or with Do Not Track, Global
  Privacy Control or no consent, see.
* ``{keyword: default words}`` in the headline, intro, offer or CTA text can
  be replaced by a URL parameter (``?kw=`` or ``utm_term``), as text only.
* ``Form`` adds a lead form posting to ``LANDING["form_action"]``.

Variants are ordinary Pelican pages added to the pages generator (after the
visibility plugin dropped unpublished pages, before onpage and local_seo read
them), so their metadata (``offer``, ``price`` ...) is plain metadata every
other plugin reads as it reads a page's. ``page.landing`` holds what the
template needs (``LandingView``).

Mistakes (an unknown segment or field, an experiment with fewer than two
arms ...) are logged as ``file:line: landing: ...`` errors, which fail the build.

Settings: ``LANDING`` (merged over ``DEFAULTS``) and ``SEGMENTS``.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import logging
import os
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from markupsafe import Markup, escape
from pelican import signals

from contract.sources import find_line, metadata_line, project_path

from . import authoring
from .authoring import ARM_FIELDS, DYNAMIC, DYNAMIC_FIELDS, SEGMENT_FIELDS, Arm, field_label
from .links import site_href, tag_outbound_links, with_utm
from .scripts import script_hashes, script_text

logger = logging.getLogger(__name__)

DEFAULTS = {
    "path": "landing",
    "url": "offers/{slug}/",
    "save_as": "offers/{slug}/index.html",
    "variant_url": "offers/{slug}/{segment}/",
    "variant_save_as": "offers/{slug}/{segment}/index.html",
    "template": "landing",
    # UTM parameters of calls to action and outbound links. utm_campaign is the
    # page's Campaign, else its slug; utm_content is "{segment}.{arm}" (just the segment
    # on pages without an experiment; "all" stands for the base page).
    "utm_source": "landing-page",
    "utm_medium": "website",
    "utm_content": "{segment}.{arm}",
    # Visual tones the theme styles (body class tone-<name>); SEGMENTS and pages pick one.
    "tone": "warm",
    "tones": ["warm", "crisp"],
    # A/B arms: where the visitor's random id is kept (localStorage), and when
    # nothing is assigned or stored. consent_key: "" needs no consent; otherwise
    # the localStorage item or cookie of that name must be "granted".
    "storage_key": "mainstreet-visitor",
    "respect_dnt": True,
    "respect_gpc": True,
    "consent_key": "",
    # Dynamic text: URL parameters read, first match wins; longest text allowed.
    "dtr_params": ["kw", "utm_term"],
    "dtr_max_length": 40,
    # Lead forms: where they post (Formspree, Basin, your own endpoint ...).
    "form_action": "",
    "form_netlify": False,
    "form_honeypot": "_gotcha",
    "form_title": "Ask us about this offer",
    "form_button": "Send my request",
    "form_fields": {
        "name": {"label": "Your name", "type": "text", "autocomplete": "name"},
        "email": {"label": "Email", "type": "email", "autocomplete": "email"},
        "phone": {"label": "Phone", "type": "tel", "autocomplete": "tel"},
        "company": {"label": "Company", "type": "text", "autocomplete": "organization"},
        "date": {"label": "Date needed", "type": "date"},
        "guests": {"label": "Number of people", "type": "number"},
        "message": {"label": "Message", "type": "textarea"},
    },
}
FIELD_TYPES = ("text", "email", "tel", "url", "date", "number", "textarea")
BASE_SEGMENT = "all"  # utm_content and data-segment of a base page
REPORT = "landing.json"
MARKER = "<!--landing:"
# Header fields a page may set (besides Pelican's and other plugins' own).
PAGE_FIELDS = ("headline", "intro", "offer", "cta_text", "cta_url", "tone")


class LandingSettingsError(ValueError):
    """LANDING or SEGMENTS is not usable."""


def landing_settings(settings) -> dict:
    """LANDING merged over DEFAULTS, without touching the user's dict."""
    merged = dict(DEFAULTS)
    merged.update(settings.get("LANDING") or {})
    return merged


def settings_problems(settings) -> list[str]:
    """What is wrong with LANDING and the landing side of SEGMENTS, one message each."""
    problems = []
    user = settings.get("LANDING") or {}
    if not isinstance(user, dict):
        return [f"LANDING = {user!r}; expected a dict like {{'form_action': 'https://...'}}"]
    for key in user:
        if key not in DEFAULTS:
            problems.append(f"LANDING[{key!r}]: unknown setting; use one of: {', '.join(DEFAULTS)}")
    conf = landing_settings(settings)
    for key in ("url", "save_as", "variant_url", "variant_save_as", "utm_source", "utm_medium", "utm_content",
                "storage_key", "consent_key", "form_action", "form_honeypot", "form_title", "form_button", "tone"):
        if not isinstance(conf[key], str):
            problems.append(f"LANDING[{key!r}] = {conf[key]!r}; expected text")
    for key in ("variant_url", "variant_save_as"):
        if isinstance(conf[key], str) and "{segment}" not in conf[key]:
            problems.append(f"LANDING[{key!r}] = {conf[key]!r}; it must contain {{segment}}, e.g. 'offers/{{slug}}/{{segment}}/'")
    for key in ("tones", "dtr_params"):
        if not (isinstance(conf[key], list | tuple) and all(isinstance(v, str) and authoring.is_name(v) for v in conf[key])):
            problems.append(f"LANDING[{key!r}] = {conf[key]!r}; expected a list of names like ['kw', 'utm_term']")
    if conf["tone"] not in (conf["tones"] or []):
        problems.append(f"LANDING['tone'] = {conf['tone']!r}; expected one of LANDING['tones']: {conf['tones']!r}")
    if not (isinstance(conf["dtr_max_length"], int) and 1 <= conf["dtr_max_length"] <= 200):
        problems.append(f"LANDING['dtr_max_length'] = {conf['dtr_max_length']!r}; expected a number from 1 to 200")
    for key in ("respect_dnt", "respect_gpc", "form_netlify"):
        if not isinstance(conf[key], bool):
            problems.append(f"LANDING[{key!r}] = {conf[key]!r}; expected True or False")
    if conf["form_action"] and urlsplit(conf["form_action"]).scheme not in ("https", "http") \
            and not conf["form_action"].startswith("/"):
        problems.append(f"LANDING['form_action'] = {conf['form_action']!r}; expected an https:// address or a site path")
    fields = conf["form_fields"]
    if not isinstance(fields, dict):
        problems.append(f"LANDING['form_fields'] = {fields!r}; expected a dict of name -> {{'label', 'type'}}")
    else:
        for name, spec in fields.items():
            if not authoring.is_name(str(name)) or not isinstance(spec, dict) or not isinstance(spec.get("label"), str) \
                    or spec.get("type", "text") not in FIELD_TYPES:
                problems.append(
                    f"LANDING['form_fields'][{name!r}] = {spec!r}; expected {{'label': 'Your name', 'type': one of "
                    f"{', '.join(FIELD_TYPES)}}}"
                )
    segments = settings.get("SEGMENTS") or {}
    if not isinstance(segments, dict):
        return [*problems, f"SEGMENTS = {segments!r}; expected a dict of key -> {{'label': ...}}"]
    for key, spec in segments.items():
        if not authoring.is_name(str(key)):
            problems.append(f"SEGMENTS key {key!r}: use letters, digits, '-' and '_' (it becomes a URL)")
        if not isinstance(spec, dict) or not isinstance(spec.get("label"), str):
            problems.append(f"SEGMENTS[{key!r}] = {spec!r}; expected a dict with a 'label'")
            continue
        tone = spec.get("tone")
        if tone is not None and tone not in (conf["tones"] or []):
            problems.append(f"SEGMENTS[{key!r}]['tone'] = {tone!r}; expected one of LANDING['tones']: {conf['tones']!r}")
        if spec.get("offer") is not None and not isinstance(spec["offer"], str):
            problems.append(f"SEGMENTS[{key!r}]['offer'] = {spec['offer']!r}; expected text")
    return problems


# --- start-up ---------------------------------------------------------------------


def check_settings(pelican) -> None:
    """Validate LANDING and SEGMENTS once; have Markdown understand ::: blocks."""
    settings = pelican.settings
    for problem in settings_problems(settings):
        logger.error("landing: %s", problem)
    markdown = dict(settings.get("MARKDOWN") or {})
    extensions = list(markdown.get("extensions", []))
    if not any(isinstance(e, authoring.LandingBlocksExtension) for e in extensions):
        extensions.append(authoring.LandingBlocksExtension())
    markdown["extensions"] = extensions
    settings["MARKDOWN"] = markdown


# --- reading one landing page -----------------------------------------------------


@dataclass
class Spec:
    """What a landing page's source says about its variants and experiment."""

    segments: list[str] = field(default_factory=list)
    experiment: str | None = None
    arms: list[Arm] = field(default_factory=list)
    for_blocks: dict[str, dict[str, str]] = field(default_factory=dict)  # segment -> field -> value
    arm_blocks: dict[str, dict[str, str]] = field(default_factory=dict)  # arm -> field -> value
    form: LeadForm | None = None  # hidden fields are filled in per page


class _Reporter:
    def __init__(self, page, settings):
        self.page = page
        self.where = project_path(page.source_path, settings)
        self.count = 0

    def at(self, line: int, message: str, *args) -> None:
        self.count += 1
        logger.error("%s:%d: landing: %s", self.where, line, message % args)

    def at_key(self, key: str, message: str, *args) -> None:
        self.at(metadata_line(self.page.source_path, key), message, *args)


def read_spec(page, settings) -> Spec:
    """Read and check the header lines and ::: blocks of one landing page (errors logged)."""
    conf = landing_settings(settings)
    known_segments = settings.get("SEGMENTS") or {}
    meta = page.metadata
    report = _Reporter(page, settings)
    spec = Spec()

    for key in ("title", "description", "image_alt", "cta_url"):
        if DYNAMIC.search(str(meta.get(key) or "")):
            report.at_key(key, "{keyword: ...} works in %s only, not in %s",
                          ", ".join(field_label(f) for f in DYNAMIC_FIELDS), field_label(key))
    tone = meta.get("tone")
    if tone and tone not in conf["tones"]:
        report.at_key("tone", "unknown tone %r; use one of: %s (LANDING['tones'])", tone, ", ".join(conf["tones"]))

    for name in authoring.parse_names(meta.get("segments") or ""):
        if name not in known_segments:
            report.at_key("segments", "unknown segment %r; use one of: %s (the keys of SEGMENTS in the settings)",
                          name, ", ".join(known_segments) or "(none defined)")
        elif name in spec.segments:
            report.at_key("segments", "segment %r is listed twice", name)
        else:
            spec.segments.append(name)

    experiment = str(meta.get("experiment") or "").strip()
    arms_text = meta.get("arms")
    if experiment:
        if not authoring.is_name(experiment):
            report.at_key("experiment", "experiment name %r: use letters, digits, '-' and '_', e.g. "
                                        "'Experiment: holiday-headline'", experiment)
        elif not arms_text:
            report.at_key("experiment", "experiment %r needs at least two arms; add a line like "
                                        "'Arms: A 50%%, B 50%%' (A is what visitors see without JavaScript)",
                          experiment)
        else:
            arms, problem = authoring.parse_arms(arms_text)
            if problem:
                report.at_key("arms", "%s", problem)
            else:
                spec.experiment, spec.arms = experiment, arms
    elif arms_text:
        report.at_key("arms", "Arms without an Experiment; name the experiment with a line like "
                              "'Experiment: holiday-headline'")

    scan = authoring.read_source_blocks(page.source_path)
    for problem in scan.problems:
        report.at(problem.line, "%s", problem.message)
    arm_names = [arm.name for arm in spec.arms]
    for block in scan.blocks:
        if block.kind == "for":
            if block.name not in known_segments:
                report.at(block.line, "unknown segment %r; use one of: %s (the keys of SEGMENTS in the settings)",
                          block.name, ", ".join(known_segments) or "(none defined)")
                continue
            if block.name not in spec.segments:
                report.at(block.line, "segment %r is not in this page's Segments line; add it there to build "
                                      "its variant", block.name)
                continue
            target, allowed = spec.for_blocks, SEGMENT_FIELDS
        else:
            if not experiment:
                report.at(block.line, "'::: arm %s' but the page has no experiment; add 'Experiment: <name>' and "
                                      "'Arms: A 50%%, B 50%%' to the header", block.name)
                continue
            if spec.arms and block.name not in arm_names:
                report.at(block.line, "arm %r is not in this page's Arms line (%s)", block.name, ", ".join(arm_names))
                continue
            target, allowed = spec.arm_blocks, ARM_FIELDS
        if block.name in target:
            report.at(block.line, "a second '::: %s %s' block; put everything for %s in one block",
                      block.kind, block.name, block.name)
            continue
        values = {}
        for key, (value, line) in block.fields.items():
            if key not in allowed:
                where = "a segment block" if block.kind == "for" else "an arm block"
                report.at(line, "unknown field %r in %s; use one of: %s (if this line is text, leave an empty "
                                "line after the ':::' line)", field_label(key), where,
                          ", ".join(field_label(f) for f in allowed))
                continue
            if DYNAMIC.search(value) and key not in DYNAMIC_FIELDS:
                report.at(line, "{keyword: ...} works in %s only, not in %s",
                          ", ".join(field_label(f) for f in DYNAMIC_FIELDS), field_label(key))
                continue
            if key == "tone" and value not in conf["tones"]:
                report.at(line, "unknown tone %r; use one of: %s (LANDING['tones'])", value, ", ".join(conf["tones"]))
                continue
            if key == "image":
                path = value.replace("{static}", "").lstrip("/")
                if not os.path.isfile(os.path.join(settings["PATH"], path)):
                    report.at(line, "image %r not found in content/; the path is relative to content/, e.g. "
                                    "images/landing-offices.jpg", path)
                    continue
                value = path
            values[key] = value
        if "image" in values and "image_alt" not in values:
            report.at(block.fields["image"][1], "this Image has no Image alt; add a line 'Image alt: ...' that "
                                                "describes the picture for people who cannot see it")
            values.pop("image")
        target[block.name] = values
    spec.form = read_form(page, spec, settings)
    return spec


# --- what the template shows ------------------------------------------------------


def dynamic_text(text: str) -> Markup:
    """Escaped text with each ``{keyword: default}`` as ``<span data-dtr>default</span>``."""
    parts, position = [], 0
    for found in DYNAMIC.finditer(text):
        parts.append(escape(text[position : found.start()]))
        parts.append(Markup("<span data-dtr>{}</span>").format(found["default"]))
        position = found.end()
    parts.append(escape(text[position:]))
    return Markup("").join(parts)


def plain_text(text: str) -> str:
    """The text with each ``{keyword: default}`` as its default words."""
    return DYNAMIC.sub(lambda found: found["default"], text)


@dataclass
class Version:
    """What visitors in one arm (or everyone, without an experiment) read in the hero and CTAs."""

    arm: Arm | None
    headline: Markup
    intro: Markup
    offer: Markup
    cta_text: Markup
    cta_href: str


@dataclass
class FormField:
    name: str
    label: str
    type: str
    required: bool
    autocomplete: str = ""


@dataclass
class LeadForm:
    action: str
    title: str
    button: str
    fields: list[FormField]
    hidden: dict[str, str]  # name -> value (the arm is filled in by the page script)
    honeypot: str
    netlify_name: str  # "" unless LANDING["form_netlify"]


@dataclass
class LandingView:
    """Everything landing.html needs about one landing page or variant."""

    slug: str
    segment: str | None  # None: the base page
    segment_label: str
    tone: str
    experiment: str | None
    arms: list[Arm]
    versions: list[Version]
    form: LeadForm | None
    ab_attributes: dict[str, str]
    page_attributes: dict[str, str]
    base_url: str  # site-relative URL of the base page
    script_hashes: dict[str, str] = field(default_factory=dict)  # script name -> CSP source

    def has(self, name: str) -> bool:
        """Whether any arm shows ``name`` (e.g. an intro only arm B has)."""
        return any(getattr(version, name) for version in self.versions)

    def by_arm(self, name: str) -> list[tuple[int | None, Markup]]:
        """[(None, value)] when every arm shows the same; else [(arm index, value), ...]."""
        values = [getattr(version, name) for version in self.versions]
        if len(set(values)) == 1:
            return [(None, values[0])]
        return [(version.arm.index, value) for version, value in zip(self.versions, values, strict=True)]

    @property
    def ctas(self) -> list[tuple[int | None, Version]]:
        if self.experiment is None:
            return [(None, self.versions[0])]
        return [(version.arm.index, version) for version in self.versions]

    @property
    def ab_script(self) -> Markup:
        return Markup(script_text("ab"))

    @property
    def page_script(self) -> Markup:
        return Markup(script_text("landing"))


def campaign_of(page) -> str:
    """The page's utm_campaign: its ``Campaign`` (own or from its calendar row), else its slug."""
    return str(page.metadata.get("campaign") or "").strip() or str(page.slug)


def _utm(conf, campaign: str, segment: str, arm: str | None) -> dict[str, str]:
    content = segment if arm is None else conf["utm_content"].format(segment=segment, arm=arm)
    return {"utm_source": conf["utm_source"], "utm_medium": conf["utm_medium"], "utm_campaign": campaign,
            "utm_content": content}


def resolve_fields(page, spec: Spec, segment: str | None, settings) -> dict[str, str]:
    """The page's fields for a segment (None: the base page): block, then SEGMENTS default, then page."""
    conf = landing_settings(settings)
    meta = page.metadata
    values = {
        "title": str(page.title),
        "description": str(meta.get("description") or ""),
        "headline": str(meta.get("headline") or page.title),
        "intro": str(meta.get("intro") or meta.get("description") or ""),
        "offer": str(meta.get("offer") or ""),
        "cta_text": str(meta.get("cta_text") or ""),
        "cta_url": str(meta.get("cta_url") or "/contact/"),
        "tone": str(meta.get("tone") or conf["tone"]),
        "image": str(meta.get("image") or ""),
        "image_alt": str(meta.get("image_alt") or ""),
    }
    if segment is None:
        return values
    defaults = (settings.get("SEGMENTS") or {}).get(segment) or {}
    label = defaults.get("label", segment)
    for key in ("offer", "tone"):
        if defaults.get(key):
            values[key] = defaults[key]
    block = spec.for_blocks.get(segment, {})
    values.update(block)
    if "title" not in block:
        values["title"] = plain_text(block["headline"]) if "headline" in block else f"{page.title} ({label})"
    if "description" not in block and "intro" in block:
        values["description"] = plain_text(block["intro"])
    if "image" in block and "image_alt" not in block:
        values["image_alt"] = ""
    return values


def build_view(slug: str, spec: Spec, segment: str | None, values: dict[str, str], settings,
               base_url: str, campaign: str | None = None) -> LandingView:
    """The template's view of the base page (``segment`` None) or of one variant."""
    conf = landing_settings(settings)
    campaign = campaign or slug
    siteurl = settings.get("SITEURL", "")
    utm_segment = segment or BASE_SEGMENT
    arms: list[Arm | None] = list(spec.arms) or [None]
    versions = []
    for arm in arms:
        current = dict(values)
        if arm is not None:
            current.update(spec.arm_blocks.get(arm.name, {}))
        href = with_utm(site_href(current["cta_url"], siteurl), _utm(conf, campaign, utm_segment, arm.name if arm else None))
        versions.append(Version(arm, dynamic_text(current["headline"]), dynamic_text(current["intro"]),
                                dynamic_text(current["offer"]), dynamic_text(current["cta_text"]), href))
    label = ((settings.get("SEGMENTS") or {}).get(segment) or {}).get("label", segment) if segment else ""
    ab = {}
    if spec.experiment:
        ab = {"data-experiment": spec.experiment,
              "data-arms": " ".join(f"{arm.name}:{arm.weight:g}" for arm in spec.arms),
              "data-segment": utm_segment, "data-key": conf["storage_key"]}
        if conf["respect_dnt"]:
            ab["data-dnt"] = "1"
        if conf["respect_gpc"]:
            ab["data-gpc"] = "1"
        if conf["consent_key"]:
            ab["data-consent"] = conf["consent_key"]
    attributes = {"data-landing": slug, "data-segment": utm_segment,
                  "data-params": " ".join(conf["dtr_params"]), "data-max": str(conf["dtr_max_length"])}
    form = None
    if spec.form is not None:
        hidden = {"landing": slug, "segment": utm_segment}
        if spec.experiment:
            hidden.update({"experiment": spec.experiment, "arm": ""})
        form = dataclasses.replace(spec.form, hidden=hidden)
    return LandingView(
        slug=slug, segment=segment, segment_label=label, tone=values["tone"], experiment=spec.experiment,
        arms=list(spec.arms), versions=versions, form=form, ab_attributes=ab, page_attributes=attributes,
        base_url=base_url, script_hashes=script_hashes(),
    )


def read_form(page, spec: Spec, settings) -> LeadForm | None:
    """The page's lead form from its ``Form`` line (None without one; problems logged)."""
    text = page.metadata.get("form")
    if not text:
        return None
    conf = landing_settings(settings)
    report = _Reporter(page, settings)
    if not conf["form_action"]:
        report.at_key("form", "a Form needs somewhere to send it: set LANDING['form_action'] in the settings "
                              "(e.g. your Formspree form's address)")
        return None
    fields = []
    for item in authoring.parse_names(text):
        name, _, note = item.partition("(")
        name = name.strip().lower()
        spec_field = conf["form_fields"].get(name)
        if spec_field is None:
            report.at_key("form", "unknown form field %r; use any of: %s (LANDING['form_fields']), e.g. "
                                  "'Form: name, email, phone (optional)'", name, ", ".join(conf["form_fields"]))
            continue
        optional = note.strip(" )").lower() == "optional"
        if note and not optional:
            report.at_key("form", "%r: write '(optional)' after a field that may stay empty", item)
        fields.append(FormField(name, spec_field["label"], spec_field.get("type", "text"), not optional,
                                spec_field.get("autocomplete", "")))
    return LeadForm(
        action=site_href(conf["form_action"], settings.get("SITEURL", "")),
        title=str(page.metadata.get("form_title") or conf["form_title"]),
        button=str(page.metadata.get("form_button") or conf["form_button"]),
        fields=fields, hidden={}, honeypot=conf["form_honeypot"],
        netlify_name=f"landing-{page.slug}" if conf["form_netlify"] else "",
    )


# --- the body of each page --------------------------------------------------------


def assemble_body(html: str, spec: Spec, segment: str | None, slug: str, settings,
                  campaign: str | None = None) -> str:
    """The rendered body for one page: shared parts, its segment's sections, every arm's sections.

    Arm sections sit in ``<div class="arm-block" data-arm="N">`` (the theme
    shows one arm at a time). Links that leave the site get UTM parameters;
    outside arm sections they name arm A and carry ``data-utm`` so the page
    script can put the visitor's arm in.
    """
    conf = landing_settings(settings)
    hosts = {urlsplit(url).hostname for url in (settings.get("PUBLIC_SITEURL"), settings.get("SITEURL")) if url}
    utm_segment = segment or BASE_SEGMENT
    first = spec.arms[0].name if spec.arms else None
    campaign = campaign or slug
    shared = _utm(conf, campaign, utm_segment, first)
    data_utm = conf["utm_content"].format(segment=utm_segment, arm="{arm}") if first else None
    index = {arm.name: arm.index for arm in spec.arms}
    parts = []
    for kind, name, fragment in authoring.split_rendered(html):
        if kind is None or (kind == "for" and name == segment):
            parts.append(tag_outbound_links(fragment, shared, hosts, data_utm))
        elif kind == "arm" and name in index and fragment.strip():
            tagged = tag_outbound_links(fragment, _utm(conf, campaign, utm_segment, name), hosts)
            parts.append(f'<div class="arm-block" data-arm="{index[name]}">{tagged}</div>')
    return "".join(parts)


# --- the pages generator ----------------------------------------------------------


def is_landing_page(page, settings) -> bool:
    folder = os.path.join(settings["PATH"], landing_settings(settings)["path"])
    return os.path.commonpath([os.path.abspath(page.source_path), os.path.abspath(folder)]) == os.path.abspath(folder)


def route(page, conf) -> None:
    page.is_landing = True
    if "url" not in page.metadata:
        page.override_url = conf["url"].format(slug=page.slug)
    if "save_as" not in page.metadata:
        page.override_save_as = conf["save_as"].format(slug=page.slug)
    if "template" not in page.metadata:
        page.template = conf["template"]


def make_variant(page, spec: Spec, segment: str, values: dict[str, str], settings):
    """A copy of the base page for one segment, at its own URL, canonical to the base page."""
    conf = landing_settings(settings)
    variant = copy.copy(page)
    variant.metadata = dict(page.metadata)
    variant.metadata.pop("segments", None)
    variant.__dict__.pop("segments", None)
    for key in ("title", "description", "offer", "image", "image_alt", "headline", "intro", "cta_text", "cta_url",
                "tone"):
        if values.get(key):
            variant.metadata[key] = values[key]
            setattr(variant, key, values[key])
        elif key in ("image_alt",):
            variant.metadata.pop(key, None)
    variant.title = values["title"]
    variant.segment = variant.metadata["segment"] = segment
    variant.slug = variant.metadata["slug"] = f"{page.slug}/{segment}"
    variant.metadata["canonical"] = page.metadata.get("canonical") or page.url
    variant.override_url = conf["variant_url"].format(slug=page.slug, segment=segment)
    variant.override_save_as = conf["variant_save_as"].format(slug=page.slug, segment=segment)
    variant.variant_of = page
    variant.translations = []
    return variant


def build_landing_pages(generator) -> None:
    """Route landing pages, check them, and add one page per segment variant."""
    settings = generator.settings
    conf = landing_settings(settings)
    variants = []
    for page in list(generator.pages) + list(generator.translations):
        if not is_landing_page(page, settings):
            if MARKER in (page._content or ""):
                _block_outside_landing(page, settings)
            continue
        route(page, conf)
        spec = read_spec(page, settings)
        html = page._content or ""
        base_values = resolve_fields(page, spec, None, settings)
        campaign = campaign_of(page)
        page.landing = build_view(page.slug, spec, None, base_values, settings, page.url, campaign)
        if page in generator.translations:
            page._content = assemble_body(html, spec, None, page.slug, settings, campaign)
            continue
        for segment in spec.segments:
            values = resolve_fields(page, spec, segment, settings)
            variant = make_variant(page, spec, segment, values, settings)
            variant._content = assemble_body(html, spec, segment, page.slug, settings, campaign)
            variant.landing = build_view(page.slug, spec, segment, values, settings, page.url, campaign)
            variants.append(variant)
        page._content = assemble_body(html, spec, None, page.slug, settings, campaign)
    generator.pages.extend(variants)  # in place: the template context holds the same list


def check_articles(generator) -> None:
    for article in list(generator.articles) + list(generator.translations):
        if MARKER in (article._content or ""):
            _block_outside_landing(article, generator.settings)


def _block_outside_landing(content, settings) -> None:
    logger.error(
        "%s:%d: landing: '::: for' and '::: arm' blocks only work in landing pages (content/%s/); "
        "move the page there or remove the block",
        project_path(content.source_path, settings),
        find_line(content.source_path, ":::") or 1,
        landing_settings(settings)["path"],
    )


# --- the report -------------------------------------------------------------------


def write_report(pelican) -> None:
    """reports/landing.json: the inline scripts' CSP hashes and every landing page and variant."""
    settings = pelican.settings
    folder = settings.get("REPORTS_PATH")
    if not folder:
        return
    pages = []
    for page in LANDING_PAGES.pages:
        view = page.landing
        pages.append({
            "url": "/" + page.url.lstrip("/"),
            "source": project_path(page.source_path, settings),
            "segment": view.segment,
            "canonical": "/" + view.base_url.lstrip("/"),
            "experiment": view.experiment,
            "arms": [{"name": arm.name, "weight": arm.weight} for arm in view.arms],
        })
    report = {
        "scripts": {name: {"csp": script_hashes()[name], "bytes": len(script_text(name).encode("utf-8"))}
                    for name in script_hashes()},
        "pages": sorted(pages, key=lambda p: p["url"]),
    }
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, REPORT), "w", encoding="utf-8") as fh:
        json.dump(report, fh, indent=2)
        fh.write("\n")


class _Written:
    """The landing pages and variants the pages generator finally holds (after expiry)."""

    def __init__(self):
        self.pages: list = []

    def collect(self, generators) -> None:
        self.pages = [
            page
            for generator in generators
            for page in getattr(generator, "pages", []) or []
            if getattr(page, "landing", None) is not None
        ]


LANDING_PAGES = _Written()


def collect_pages(generators) -> None:
    LANDING_PAGES.collect(generators)


def register() -> None:
    signals.initialized.connect(check_settings)
    signals.page_generator_finalized.connect(build_landing_pages)
    signals.article_generator_finalized.connect(check_articles)
    signals.all_generators_finalized.connect(collect_pages)
    signals.finalized.connect(write_report)
