"""Real SMTP servers for the email tests, on 127.0.0.1 only: an aiosmtpd
server that accepts (or refuses) messages, one that drops every connection,
and a port with nothing listening."""
from __future__ import annotations

import socket
import threading
from email import message_from_bytes
from email.policy import default


class Recorder:
    """aiosmtpd handler: keeps every message; refuses recipients in ``refuse``
    with a 550, or everything with ``fail_with`` (e.g. '451 try later')."""

    def __init__(self, refuse: tuple[str, ...] = (), fail_with: str | None = None) -> None:
        self.refuse, self.fail_with, self.messages = set(refuse), fail_with, []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.fail_with:
            return self.fail_with
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=default)))
        return "250 Message accepted"


class SMTPServer:
    def __init__(self, handler: Recorder) -> None:
        from aiosmtpd.controller import Controller

        self.handler = handler
        # The controller connects to its own port to check it is up, so
        # it needs a real port number, not 0.
        self.port = closed_port()
        self.controller = Controller(handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()


class Dropper:
    """Accepts a connection and closes it at once, before any greeting."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            conn.close()

    def stop(self) -> None:
        self.sock.close()


def closed_port() -> int:
    """A loopback port nobody listens on (bound, then released)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port
