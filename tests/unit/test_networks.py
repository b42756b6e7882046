"""Tests of the network helpers and of run(links=...) against the real engine."""

from __future__ import annotations

import pytest
from testsupport import BUSYBOX, TEST_CHAPTER

from utils import labels, networks
from utils.containers import exec_, run

NETWORK = f"dockercourse-{TEST_CHAPTER}-net"
SERVER = f"dockercourse-{TEST_CHAPTER}-server"


def test_network_create_labels_network(chapter, client, capsys):
    networks.network_create(NETWORK)
    assert capsys.readouterr().out.startswith("$ docker network create --label")
    created = client.networks.get(NETWORK)
    assert created.attrs["Labels"][labels.CHAPTER] == TEST_CHAPTER


def test_network_create_twice_fails(chapter):
    networks.network_create(NETWORK, quiet=True)
    with pytest.raises(networks.NetworkError, match="exists already"):
        networks.network_create(NETWORK, quiet=True)


def test_user_network_resolves_container_names(chapter):
    networks.network_create(NETWORK, quiet=True)
    run(BUSYBOX, "sleep 60", name=SERVER, network=NETWORK, detach=True, quiet=True)
    answer = run(BUSYBOX, f"ping -c 1 {SERVER}", network=NETWORK, rm=True, quiet=True)
    assert answer.ok
    rows = networks.network_containers(NETWORK, quiet=True)
    assert [row["container"] for row in rows] == [SERVER]


def test_network_connect_adds_alias(chapter):
    networks.network_create(NETWORK, quiet=True)
    run(BUSYBOX, "sleep 60", name=SERVER, detach=True, quiet=True)
    networks.network_connect(NETWORK, SERVER, alias="db", quiet=True)
    assert run(BUSYBOX, "ping -c 1 db", network=NETWORK, rm=True, quiet=True).ok


def test_network_rm_in_use_fails(chapter):
    networks.network_create(NETWORK, quiet=True)
    run(BUSYBOX, "sleep 60", name=SERVER, network=NETWORK, detach=True, quiet=True)
    with pytest.raises(networks.NetworkError, match="could not be removed"):
        networks.network_rm(NETWORK, quiet=True)


def test_network_rm_missing_network_fails(chapter):
    with pytest.raises(networks.NetworkError, match="No network named"):
        networks.network_rm("no-such-network-here", quiet=True)


def test_run_links_writes_alias_to_hosts(chapter, capsys):
    run(BUSYBOX, "sleep 60", name=SERVER, detach=True, quiet=True)
    client = run(
        BUSYBOX, "sleep 60", name="linked-client", links={SERVER: "db"}, detach=True
    )
    assert f"--link {SERVER}:db" in capsys.readouterr().out
    hosts = exec_(client.name, "cat /etc/hosts", quiet=True).output
    assert any(line.split()[1:2] == ["db"] for line in hosts.splitlines() if line)
