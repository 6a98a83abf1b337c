"""Helpers for the outreach tests: a project in a temp folder, a manifest, SMTP servers on loopback."""

from __future__ import annotations

import datetime as dt
import email
import json
import os
import ssl
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from email import policy
from pathlib import Path
from urllib.parse import urlsplit

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from conftest import ROOT, run_build

from contract.manifest import Manifest, ManifestEntry, write_manifest

SUBSCRIBERS = Path(__file__).resolve().parent / "fixtures" / "outreach" / "subscribers.csv"
# Who in fixtures/outreach/subscribers.csv may get mail (consent, not unsubscribed, valid row).
CONSENTING = {
    "maria.lopez@example.com": ("families",),
    "dev.team@example.org": ("offices",),
    "sam.and.jo@example.net": ("families", "weddings"),
    "general.reader@example.com": (),
    "new.neighbour@example.com": ("families",),
}
NEVER = {"no.consent@example.com", "gone.away@example.com", "not-an-address", "unknown.segment@example.com",
         "missing.consent@example.com"}


@dataclass
class Project:
    """A copy of the demo's settings pointing into a temp folder (root = the settings file's folder)."""

    root: Path

    @property
    def settings(self) -> Path:
        return self.root / "siteconf.py"

    @property
    def output(self) -> Path:
        return self.root / "output"

    @property
    def reports(self) -> Path:
        return self.root / "reports"

    @property
    def state(self) -> Path:
        return self.root / "state"

    @property
    def feed(self) -> dict:
        return json.loads((self.output / "feeds" / "all.json").read_text(encoding="utf-8"))

    def write_feed(self, feed: dict) -> None:
        (self.output / "feeds" / "all.json").write_text(json.dumps(feed), encoding="utf-8")


def make_project(tmp: Path, extra_settings: str = "") -> Project:
    project = Project(tmp)
    tmp.mkdir(parents=True, exist_ok=True)
    project.settings.write_text(
        "import sys\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "from pelicanconf import *  # noqa\n"
        f"PATH = {str(ROOT / 'content')!r}\n"
        "OUTPUT_PATH = 'output'\n"
        "REPORTS_PATH = 'reports'\n"
        "NEWSLETTER = dict(NEWSLETTER, rate_per_minute=0)\n" + extra_settings,
        encoding="utf-8",
    )
    return project


def build_project(project: Project, now: str) -> None:
    result = run_build(project.settings, project.output, now=now)
    assert result.returncode == 0, result.stderr
    if not (project.reports / "manifest.json").is_file():
        write_test_manifest(project)


def _front_matter(path: Path) -> dict:
    head = path.read_text(encoding="utf-8").split("\n\n", 1)[0]
    meta = {}
    for line in head.splitlines():
        key, _, value = line.partition(":")
        meta[key.strip().lower()] = value.strip()
    return meta


def write_test_manifest(project: Project, overrides: dict | None = None) -> None:
    """A manifest for the feed's posts, from their Markdown metadata (what plugins/editorial records)."""
    overrides = overrides or {}
    sources = {}
    for path in (ROOT / "content" / "posts").glob("*.md"):
        meta = _front_matter(path)
        sources[meta.get("slug", path.stem)] = (path, meta)
    entries = []
    for item in project.feed["items"]:
        slug = item["_mainstreet"]["slug"]
        path, meta = sources.get(slug, (None, {}))
        data = {
            "url": urlsplit(item["url"]).path,
            "kind": "article",
            "source": f"content/posts/{path.name}" if path else None,
            "title": item["title"],
            "slug": slug,
            "segment": meta.get("segment") or None,
            "channels": [c.strip() for c in meta.get("channels", "").split(",") if c.strip()],
            "tags": item.get("tags", []),
            "date": item["date_published"],
            "image": item.get("image"),
            "evergreen": meta.get("evergreen", "").lower() in ("yes", "true", "1"),
        }
        data.update(overrides.get(slug, {}))
        entries.append(ManifestEntry(**data))
    for page in ("services", "about", "contact"):
        entries.append(ManifestEntry(url=f"/{page}/", kind="page", source=f"content/pages/{page}.md", slug=page))
    manifest = Manifest(
        generated_at=dt.datetime.now(dt.UTC).isoformat(),
        site={"name": "Hearth & Honey Bakery", "url": "https://www.hearthandhoney.example", "timezone": "America/New_York"},
        pages=entries,
    )
    write_manifest(manifest, project.reports / "manifest.json")


def run_outreach(project: Project, *args: str, env: dict | None = None, timeout: float = 120):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("MAINSTREET_")}
    environment.update(PYTHONPATH=str(ROOT), **(env or {}))
    command = [sys.executable, "-m", "outreach", *args, "-s", str(project.settings)]
    return subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=timeout)


def start_outreach(project: Project, *args: str, env: dict | None = None) -> subprocess.Popen:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("MAINSTREET_")}
    environment.update(PYTHONPATH=str(ROOT), **(env or {}))
    command = [sys.executable, "-m", "outreach", *args, "-s", str(project.settings)]
    return subprocess.Popen(command, cwd=ROOT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


# --- SMTP on loopback -------------------------------------------------------------------


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes
    tls: bool
    user: str | None

    @property
    def message(self):
        return email.message_from_bytes(self.data, policy=policy.default)


@dataclass
class Recorder:
    """An aiosmtpd handler that keeps every accepted message."""

    refuse: set[str] = field(default_factory=set)
    on_mail: object = None  # called with (messages accepted so far, the SMTP session's server) at MAIL FROM
    messages: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_MAIL(self, server, session, envelope, address, mail_options):  # noqa: N802 - aiosmtpd's API
        if self.on_mail is not None:
            self.on_mail(len(self.messages), server)
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        user = session.auth_data.login.decode() if isinstance(session.auth_data, LoginPassword) else None
        with self.lock:
            self.messages.append(
                Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content or envelope.content,
                         session.ssl is not None, user)
            )
        return "250 2.0.0 Message accepted"

    def by_recipient(self) -> dict[str, list[Received]]:
        result: dict[str, list[Received]] = {}
        for received in self.messages:
            for rcpt in received.rcpt_tos:
                result.setdefault(rcpt, []).append(received)
        return result


class LoopbackController(Controller):
    """aiosmtpd's Controller on a port the kernel picks (port 0)."""

    def _trigger_server(self):
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, made with the cryptography package."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


def start_smtp(recorder: Recorder, cert: tuple[Path, Path] | None = None, users: dict | None = None):
    """A running controller: plain, or STARTTLS required (with a certificate), optionally with AUTH."""
    kwargs = {}
    if cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(str(cert[0]), str(cert[1]))
        kwargs.update(tls_context=context, require_starttls=True)
    if users is not None:

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = isinstance(auth_data, LoginPassword) and users.get(auth_data.login.decode()) == auth_data.password.decode()
            return AuthResult(success=ok, auth_data=auth_data if ok else None)

        kwargs.update(authenticator=authenticator, auth_require_tls=True)
    controller = LoopbackController(recorder, hostname="127.0.0.1", port=0, **kwargs)
    controller.start()
    return controller


def smtp_env(controller, tls: str = "none", **extra) -> dict:
    return {"MAINSTREET_SMTP_HOST": "127.0.0.1", "MAINSTREET_SMTP_PORT": str(controller.port),
            "MAINSTREET_SMTP_TLS": tls, **extra}
