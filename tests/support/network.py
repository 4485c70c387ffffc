"""Keep tests on the loopback interface.

:func:`loopback_only` makes any TCP connection to an address other than
127.0.0.1/::1 fail before a packet leaves, whatever the code under test
decides. :class:`FakeDNS` answers name lookups from a table (numeric
addresses and ``localhost`` as the system does; every other name does not
resolve), so no query leaves the machine either.
"""
from __future__ import annotations

import socket

_LOOPBACK = {"127.0.0.1", "::1", "::ffff:127.0.0.1"}
_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex
_real_getaddrinfo = socket.getaddrinfo


class OffLoopback(AssertionError):
    pass


def _check(address) -> None:
    if isinstance(address, tuple) and address[0] not in _LOOPBACK:
        raise OffLoopback(f"a test tried to connect to {address!r}")


def _connect(self, address):
    _check(address)
    return _real_connect(self, address)


def _connect_ex(self, address):
    _check(address)
    return _real_connect_ex(self, address)


def loopback_only(monkeypatch) -> None:
    monkeypatch.setattr(socket.socket, "connect", _connect)
    monkeypatch.setattr(socket.socket, "connect_ex", _connect_ex)


class FakeDNS:
    """``answers[name]`` is a list of address lists, one per lookup (the last
    repeats), so a test can make a name change its answer (DNS rebinding)."""

    def __init__(self, answers: dict[str, list[list[str]]]) -> None:
        self.answers = answers
        self.lookups: list[str] = []

    def __call__(self, host, port, family=0, type=0, proto=0, flags=0):
        name = host.decode() if isinstance(host, bytes) else str(host)
        if name in self.answers:
            self.lookups.append(name)
            rounds = self.answers[name]
            addresses = rounds[min(len([n for n in self.lookups if n == name]), len(rounds)) - 1]
            return [(socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM,
                     socket.IPPROTO_TCP, "", (a, port or 0)) for a in addresses]
        if name == "localhost":
            return _real_getaddrinfo(name, port, family, type, proto, flags)
        try:
            return _real_getaddrinfo(name, port, family, type, proto,
                                     flags | socket.AI_NUMERICHOST)
        except socket.gaierror:
            raise socket.gaierror(socket.EAI_NONAME, f"{name} does not resolve (test DNS)") \
                from None

    def install(self, monkeypatch) -> "FakeDNS":
        monkeypatch.setattr(socket, "getaddrinfo", self)
        return self
