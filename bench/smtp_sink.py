"""A loopback SMTP server that accepts every message, counts it and drops it.

Run by the newsletter suite in its own process (so its CPU is not the
sender's): prints its port, then answers ``count`` and ``reset`` on stdin.
"""

from __future__ import annotations

import sys
import threading

from aiosmtpd.controller import Controller


class _Counter:
    def __init__(self):
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        with self.lock:
            self.count += 1
        return "250 OK"


class _Controller(Controller):
    """aiosmtpd's Controller on a port the kernel picks (port 0)."""

    def _trigger_server(self):
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


def main() -> int:
    handler = _Counter()
    controller = _Controller(handler, hostname="127.0.0.1", port=0)
    controller.start()
    try:
        print(controller.port, flush=True)
        for line in sys.stdin:
            if line.strip() == "reset":
                with handler.lock:
                    handler.count = 0
                print("ok", flush=True)
            elif line.strip() == "count":
                print(handler.count, flush=True)
    finally:
        controller.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
