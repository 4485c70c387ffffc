"""Webhook targets must be public: a recruiter admin must not make the
server post to its own loopback, the cloud metadata address or the private
network (server-side request forgery)."""
from __future__ import annotations

import ipaddress
import socket


def _non_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    return not ip.is_global or ip.is_multicast


def private_address(host: str | None) -> str | None:
    """The first non-public address ``host`` is or resolves to, else None.

    A name that does not resolve is let through: delivery fails and retries
    visibly, and resolution is checked again before every delivery.
    """
    if not host:
        return None
    try:
        return host if _non_public(host.strip("[]")) else None
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        return None
    for info in infos:
        if _non_public(info[4][0]):
            return info[4][0]
    return None
