"""A real SMTP server for tests (aiosmtpd on 127.0.0.1), collecting what it receives.

The server runs in a thread of the test process, so it shares the GIL with the
sender: it keeps each message's bytes and parses them only when a test reads
``messages``, or the server's parsing would be measured as the sender's time.
"""

from __future__ import annotations

import email
import email.policy
import logging
import socket
import threading
from contextlib import contextmanager

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP


class Collector:
    def __init__(self):
        self.received: list[bytes] = []
        # Addresses the server answers "451 try again later", as a busy server would.
        self.refuse: set[str] = set()
        self._parsed: list[email.message.Message] = []
        # TCP connections the server accepted (the controller's own start-up probe not counted).
        self.connections = 0
        self.lock = threading.Lock()

    @property
    def messages(self) -> list[email.message.Message]:
        with self.lock:
            for raw in self.received[len(self._parsed) :]:
                self._parsed.append(email.message_from_bytes(raw, policy=email.policy.default))
            return list(self._parsed)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.refuse:
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        with self.lock:
            self.received.append(envelope.content)
        return "250 OK"

    def connected(self) -> None:
        with self.lock:
            self.connections += 1


class _CountingController(Controller):
    def factory(self):
        collector = self.handler

        class CountingSMTP(SMTP):
            def connection_made(self, transport):
                collector.connected()
                super().connection_made(transport)

        return CountingSMTP(self.handler, **self.SMTP_kwargs)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


logging.getLogger("mail.log").setLevel(logging.WARNING)


@contextmanager
def smtp_server():
    """Yields (collector, port); Django's settings are the caller's to point at it."""
    collector = Collector()
    port = free_port()
    # A fixed name: otherwise each connection looks up this machine's FQDN (~100 ms here).
    controller = _CountingController(
        collector, hostname="127.0.0.1", port=port, server_hostname="smtp.test"
    )
    controller.start()
    collector.connections = 0  # start() made one connection to see the server is up
    try:
        yield collector, port
    finally:
        controller.stop()
