"""A real SMTP server for tests (aiosmtpd on 127.0.0.1), collecting what it receives."""

from __future__ import annotations

import email
import email.policy
import logging
import socket
import threading
from contextlib import contextmanager

from aiosmtpd.controller import Controller


class Collector:
    def __init__(self):
        self.messages: list[email.message.Message] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(message)
        return "250 OK"


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
    controller = Controller(collector, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield collector, port
    finally:
        controller.stop()
