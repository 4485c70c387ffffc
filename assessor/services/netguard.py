"""Webhook targets must be public: a recruiter admin must not make the
server post to its own loopback, the cloud metadata address or the private
network (server-side request forgery).

Three rules close the ways around a naive check:

* the URL is read with urllib3's ``parse_url``, the parser requests itself
  connects with, and refused when another parser would read a different host
  (``http://127.0.0.1:5099\\@example.invalid/`` is 127.0.0.1 to urllib3 but
  example.invalid to ``urlsplit``): no backslashes, no user-info;
* an IPv6 address that embeds an IPv4 one (IPv4-mapped, IPv4-compatible,
  NAT64, 6to4, Teredo) is judged by the IPv4 address too;
* a delivery resolves the name once, checks every address, and connects to
  the address it checked (:func:`pinned_session`), so a DNS answer that
  changes between the check and the connection (rebinding) cannot move it.
"""
from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3 import PoolManager
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.exceptions import ConnectTimeoutError, LocationParseError, NewConnectionError
from urllib3.util import connection as urllib3_connection
from urllib3.util import parse_url

from .errors import UnsafeTarget

_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str  # without IPv6 brackets
    port: int


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """IPv4 addresses an IPv6 address carries (and a router may reach)."""
    found = [ip.ipv4_mapped, ip.sixtofour]
    if ip.teredo:
        found.extend(ip.teredo)
    if ip in _IPV4_COMPATIBLE or any(ip in net for net in _NAT64):
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return [v4 for v4 in found if v4 is not None]


def _non_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if not ip.is_global or ip.is_multicast:
        return True
    if isinstance(ip, ipaddress.IPv6Address):
        return any(not v4.is_global or v4.is_multicast for v4 in _embedded_ipv4(ip))
    return False


def parse_target(url: object) -> Target:
    """The scheme, host and port requests will connect to, or :class:`UnsafeTarget`."""
    if not isinstance(url, str) or not url or len(url) > 2000:
        raise UnsafeTarget("url must be an absolute http(s) URL")
    if "\\" in url or any(ord(c) <= 32 or ord(c) == 127 for c in url):
        # Parsers disagree on where a backslash ends the host.
        raise UnsafeTarget("url must not contain backslashes, spaces or control characters")
    try:
        parsed = parse_url(url)
        other = urlsplit(url).hostname
    except (LocationParseError, ValueError) as exc:
        raise UnsafeTarget("url must be an absolute http(s) URL") from exc
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise UnsafeTarget("url must be an absolute http(s) URL")
    if parsed.auth is not None or "@" in (parsed.netloc or ""):
        raise UnsafeTarget("url must not carry a user name or password")
    host = parsed.host.strip("[]").lower()
    if "%" in host or (other or "").lower() != host:
        raise UnsafeTarget("url must be an absolute http(s) URL")
    return Target(parsed.scheme, host, parsed.port or (443 if parsed.scheme == "https" else 80))


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


def resolve_once(target: Target, allow_private: bool = False) -> str:
    """The one address a delivery will connect to: every address the name
    has must be public (unless ``allow_private``), and the first is used."""
    try:
        infos = socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise UnsafeTarget(f"cannot resolve {target.host}: {exc}") from exc
    addresses = [info[4][0] for info in infos]
    if not addresses:
        raise UnsafeTarget(f"cannot resolve {target.host}")
    if not allow_private:
        for address in addresses:
            if _non_public(address):
                raise UnsafeTarget(f"refused: {address} is not public")
    return addresses[0]


class _Pinned:
    """Connect to ``pinned_ip`` while ``host`` (Host header, TLS SNI and
    certificate check) stays the name from the URL."""

    def __init__(self, *args, pinned_ip: str, **kwargs) -> None:
        self.pinned_ip = pinned_ip
        super().__init__(*args, **kwargs)

    def _new_conn(self) -> socket.socket:
        try:
            return urllib3_connection.create_connection(
                (self.pinned_ip, self.port), self.timeout, source_address=self.source_address,
                socket_options=self.socket_options)
        except socket.timeout as exc:
            raise ConnectTimeoutError(self, f"connection to {self.host} timed out") from exc
        except OSError as exc:
            raise NewConnectionError(self, f"failed to connect: {exc}") from exc


class PinnedHTTPConnection(_Pinned, HTTPConnection):
    pass


class PinnedHTTPSConnection(_Pinned, HTTPSConnection):
    pass


class _PinnedPoolManager(PoolManager):
    def __init__(self, pinned_ip: str, **kwargs) -> None:
        self.pinned_ip = pinned_ip
        super().__init__(**kwargs)

    def _new_pool(self, scheme, host, port, request_context=None):
        pool = super()._new_pool(scheme, host, port, request_context)
        pool.ConnectionCls = PinnedHTTPSConnection if scheme == "https" else PinnedHTTPConnection
        pool.conn_kw["pinned_ip"] = self.pinned_ip
        return pool


class PinnedAdapter(HTTPAdapter):
    def __init__(self, pinned_ip: str) -> None:
        self.pinned_ip = pinned_ip  # read by init_poolmanager, which the base __init__ calls
        super().__init__(max_retries=0)

    def init_poolmanager(self, connections, maxsize, block=False, **pool_kwargs) -> None:
        self.poolmanager = _PinnedPoolManager(self.pinned_ip, num_pools=connections,
                                              maxsize=maxsize, block=block, **pool_kwargs)


def pinned_session(pinned_ip: str) -> requests.Session:
    """A session whose every connection goes to ``pinned_ip``; proxies and
    credentials from the environment are ignored (they would route around
    the check)."""
    session = requests.Session()
    session.trust_env = False
    adapter = PinnedAdapter(pinned_ip)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session
