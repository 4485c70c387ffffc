"""The webhook target guard: one parser with the HTTP client, embedded IPv4
forms, one resolution pinned for the connection. Nothing here connects
anywhere: name lookups are answered by FakeDNS and sockets are loopback-only."""
from __future__ import annotations

import pytest

from assessor.services import netguard
from assessor.services.errors import UnsafeTarget
from tests.support.network import FakeDNS, loopback_only


@pytest.fixture(autouse=True)
def _offline(monkeypatch):
    loopback_only(monkeypatch)
    FakeDNS({"hooks.example.test": [["93.184.216.34"]],
             "inside.example.test": [["93.184.216.34", "10.0.0.7"]],
             "rebind.example.test": [["93.184.216.34"], ["127.0.0.1"]]}).install(monkeypatch)


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:5099\\@example.invalid/x",   # urllib3 connects to 127.0.0.1
    "http://example.invalid\\@127.0.0.1/x",
    "http://user:pw@hooks.example.test/x",
    "http://hooks.example.test@127.0.0.1/x",
    "http://hooks.example.test /x", "http://hooks.example.test/\r\nX: y",
    "ftp://hooks.example.test/x", "http:///x", "http://[fe80::1%25eth0]/x", "", None, 5,
])
def test_urls_parsers_could_disagree_on_are_refused(url):
    with pytest.raises(UnsafeTarget):
        netguard.parse_target(url)


def test_the_host_is_the_one_urllib3_connects_to():
    assert netguard.parse_target("https://Hooks.Example.Test/x?y=1") == \
        netguard.Target("https", "hooks.example.test", 443)
    assert netguard.parse_target("http://[2001:db8::1]:8080/") == \
        netguard.Target("http", "2001:db8::1", 8080)


@pytest.mark.parametrize("address", [
    "::ffff:127.0.0.1",            # IPv4-mapped
    "::127.0.0.1", "::a00:1",      # IPv4-compatible (deprecated, still routed by some stacks)
    "64:ff9b::7f00:1", "64:ff9b::a9fe:a9fe", "64:ff9b:1::a00:1",   # NAT64
    "2002:7f00:1::", "2002:c0a8:101::1",                           # 6to4
])
def test_ipv6_forms_of_private_ipv4_are_not_public(address):
    assert netguard.private_address(address) == address


@pytest.mark.parametrize("address", ["::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::1",
                                     "2606:4700:4700::1111", "8.8.8.8"])
def test_ipv6_forms_of_public_ipv4_stay_public(address):
    assert netguard.private_address(address) is None


def test_resolve_once_refuses_a_name_with_any_private_address():
    with pytest.raises(UnsafeTarget, match="10.0.0.7 is not public"):
        netguard.resolve_once(netguard.Target("http", "inside.example.test", 80))
    assert netguard.resolve_once(netguard.Target("http", "inside.example.test", 80),
                                 allow_private=True) == "93.184.216.34"


def test_an_unresolvable_name_is_an_unsafe_target_not_a_crash():
    with pytest.raises(UnsafeTarget, match="cannot resolve"):
        netguard.resolve_once(netguard.Target("http", "nowhere.example.test", 80))


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_pinned_connections_keep_the_name_for_host_sni_and_certificate(scheme):
    adapter = netguard.PinnedAdapter("93.184.216.34")
    pool = adapter.poolmanager.connection_from_host("hooks.example.test", 443, scheme=scheme)
    conn = pool._new_conn()
    assert isinstance(conn, netguard._Pinned)
    assert conn.pinned_ip == "93.184.216.34" and conn.host == "hooks.example.test"
