"""SMTP delivery, configured only by environment variables (never by files in the repo).

    MAINSTREET_SMTP_HOST      required for --send
    MAINSTREET_SMTP_PORT      default 25 (none), 587 (starttls), 465 (tls)
    MAINSTREET_SMTP_TLS       none | starttls | tls   (default starttls)
    MAINSTREET_SMTP_USER      with MAINSTREET_SMTP_PASSWORD, log in after TLS
    MAINSTREET_SMTP_PASSWORD
    MAINSTREET_SMTP_CAFILE    extra CA certificates (PEM) to trust, e.g. a test server's
"""

from __future__ import annotations

import os
import re
import smtplib
import socket
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass

from .errors import InputError, OutreachError

DEFAULT_PORTS = {"none": 25, "starttls": 587, "tls": 465}


class RecipientRefusedError(Exception):
    """The server refused this one message or recipient (the run goes on)."""

    def __init__(self, code: int | None, reason: str):
        self.code = code
        self.reason = reason
        super().__init__(f"{code} {reason}" if code else reason)


class DeliveryStoppedError(OutreachError):
    """The server is unreachable or stopped answering; the run stops, progress is kept."""


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    tls: str
    user: str | None = None
    password: str | None = None
    cafile: str | None = None
    timeout: float = 30.0

    @classmethod
    def from_env(cls, environ=None) -> SmtpConfig:
        env = os.environ if environ is None else environ
        host = env.get("MAINSTREET_SMTP_HOST", "").strip()
        if not host:
            raise InputError("MAINSTREET_SMTP_HOST is not set; --send needs the SMTP server in the environment")
        tls = env.get("MAINSTREET_SMTP_TLS", "starttls").strip().lower() or "starttls"
        if tls not in DEFAULT_PORTS:
            raise InputError(f"MAINSTREET_SMTP_TLS is {tls!r}; expected none, starttls or tls")
        port_text = env.get("MAINSTREET_SMTP_PORT", "").strip()
        try:
            port = int(port_text) if port_text else DEFAULT_PORTS[tls]
            if not 0 < port < 65536:
                raise ValueError
        except ValueError:
            raise InputError(f"MAINSTREET_SMTP_PORT is {port_text!r}; expected a port number such as 587") from None
        user = env.get("MAINSTREET_SMTP_USER") or None
        password = env.get("MAINSTREET_SMTP_PASSWORD") or None
        if bool(user) != bool(password):
            raise InputError("set both MAINSTREET_SMTP_USER and MAINSTREET_SMTP_PASSWORD, or neither")
        if user and tls == "none" and host not in ("127.0.0.1", "localhost", "::1"):
            raise InputError("MAINSTREET_SMTP_TLS is none: refusing to send the password unencrypted; use starttls or tls")
        cafile = env.get("MAINSTREET_SMTP_CAFILE") or None
        if cafile and not os.path.isfile(cafile):
            raise InputError(f"MAINSTREET_SMTP_CAFILE is {cafile!r}: no such file")
        return cls(host, port, tls, user, password, cafile)

    def describe(self) -> str:
        return f"{self.host}:{self.port} ({self.tls}{', login ' + self.user if self.user else ''})"


class Mailer:
    """One SMTP connection, reopened when the server drops it."""

    def __init__(self, config: SmtpConfig):
        self.config = config
        self.smtp: smtplib.SMTP | None = None

    def _context(self) -> ssl.SSLContext:
        context = ssl.create_default_context()
        if self.config.cafile:
            context.load_verify_locations(cafile=self.config.cafile)
        return context

    def connect(self) -> None:
        c = self.config
        try:
            if c.tls == "tls":
                smtp = smtplib.SMTP_SSL(c.host, c.port, timeout=c.timeout, context=self._context())
            else:
                smtp = smtplib.SMTP(c.host, c.port, timeout=c.timeout)
            smtp.ehlo()
            if c.tls == "starttls":
                smtp.starttls(context=self._context())
                smtp.ehlo()
            if c.user:
                smtp.login(c.user, c.password)
        except smtplib.SMTPAuthenticationError as exc:
            raise InputError(
                f"the SMTP server {c.describe()} refused the login ({exc.smtp_code}); "
                "check MAINSTREET_SMTP_USER and MAINSTREET_SMTP_PASSWORD"
            ) from None
        except smtplib.SMTPNotSupportedError as exc:
            raise InputError(f"the SMTP server {c.describe()} does not support this: {exc}; check MAINSTREET_SMTP_TLS") from None
        except (OSError, smtplib.SMTPException) as exc:
            raise DeliveryStoppedError(f"cannot reach the SMTP server {c.describe()}: {exc}") from None
        try:
            # The end of DATA is a small write right after the message: without this, Nagle's
            # algorithm holds it until the server acknowledges the message (40 ms on Linux).
            smtp.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except (OSError, AttributeError):
            pass
        self.smtp = smtp

    def send(self, message: bytes, from_addr: str, to_addr: str, before_commit: Callable[[], None] | None = None) -> None:
        """Deliver one message (bytes with CRLF line ends); returns once the server accepted it.

        ``before_commit`` is called when the server holds the whole message and waits for the
        final "." of DATA, the moment it takes responsibility for it: the newsletter waits there
        for the previous send to be on disk, so no two accepted messages are ever unrecorded.

        Raises RecipientRefusedError when the server refuses this message, and
        DeliveryStoppedError when the connection cannot be (re)established.
        """
        for attempt in (1, 2):
            if self.smtp is None:
                self.connect()
            try:
                self._transaction(message, from_addr, to_addr, before_commit)
            except _NotCommittedError as exc:
                # before_commit failed (e.g. the ledger cannot be written): drop the connection
                # without the final ".", so the server discards the message.
                self.close(quit=False)
                raise exc.__cause__ from None
            except smtplib.SMTPRecipientsRefused as exc:
                code, reason = next(iter(exc.recipients.values()))
                self._reset()
                raise RecipientRefusedError(code, _text(reason)) from None
            except (smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as exc:
                self._reset()
                raise RecipientRefusedError(exc.smtp_code, _text(exc.smtp_error)) from None
            except (smtplib.SMTPServerDisconnected, smtplib.SMTPResponseException, OSError) as exc:
                self.close(quit=False)
                if attempt == 2:
                    raise DeliveryStoppedError(f"the SMTP server {self.config.describe()} stopped answering: {exc}") from None
                continue
            return

    def _transaction(self, message: bytes, from_addr: str, to_addr: str, before_commit) -> None:
        """smtplib's sendmail for one recipient, with a pause before the end of DATA."""
        smtp = self.smtp
        smtp.putcmd("mail", f"FROM:{_quoted(from_addr)}")
        code, reply = smtp.getreply()
        if code != 250:
            if code == 421:
                smtp.close()
            raise smtplib.SMTPSenderRefused(code, reply, from_addr)
        smtp.putcmd("rcpt", f"TO:{_quoted(to_addr)}")
        code, reply = smtp.getreply()
        if code not in (250, 251):
            if code == 421:
                smtp.close()
            raise smtplib.SMTPRecipientsRefused({to_addr: (code, reply)})
        smtp.putcmd("data")
        code, reply = smtp.getreply()
        if code != 354:
            raise smtplib.SMTPDataError(code, reply)
        # A line starting with "." gets another one (RFC 5321 transparency), as smtplib does.
        data = (b"." if message[:1] == b"." else b"") + message.replace(b"\n.", b"\n..")
        if not data.endswith(b"\r\n"):
            data += b"\r\n"
        smtp.send(data)
        if before_commit is not None:
            try:
                before_commit()
            except BaseException as exc:
                raise _NotCommittedError from exc
        smtp.send(b".\r\n")
        code, reply = smtp.getreply()
        if code != 250:
            if code == 421:
                smtp.close()
            raise smtplib.SMTPDataError(code, reply)

    def _reset(self) -> None:
        try:
            self.smtp.rset()
        except (smtplib.SMTPException, OSError):
            self.close(quit=False)

    def close(self, quit: bool = True) -> None:  # noqa: A002 - mirrors smtplib's QUIT
        if self.smtp is None:
            return
        try:
            if quit:
                self.smtp.quit()
            else:
                self.smtp.close()
        except (smtplib.SMTPException, OSError):
            self.smtp.close()
        self.smtp = None


class _NotCommittedError(Exception):
    """before_commit raised (its exception is the cause): the message must not be committed."""


# A plain address (what subscribers.py accepts): <address> is what smtplib's quoteaddr makes of it.
_PLAIN_ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9.-]+")


def _quoted(address: str) -> str:
    return f"<{address}>" if _PLAIN_ADDRESS.fullmatch(address) else smtplib.quoteaddr(address)


def _text(value) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


class RateLimiter:
    """At most ``per_minute`` calls a minute, evenly spaced; 0 = no limit.

    The clock and the sleep are injectable, so tests never really wait.
    """

    def __init__(self, per_minute: float, clock: Callable[[], float] = time.monotonic, sleep=time.sleep):
        self.interval = 60.0 / per_minute if per_minute else 0.0
        self.clock = clock
        self.sleep = sleep
        self.next_at: float | None = None

    def wait(self) -> None:
        if not self.interval:
            return
        now = self.clock()
        if self.next_at is not None and now < self.next_at:
            self.sleep(self.next_at - now)
            now = self.next_at
        self.next_at = now + self.interval
