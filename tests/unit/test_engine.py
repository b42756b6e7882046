"""Tests of finding and connecting to the engine, with good and bad DOCKER_HOST."""

from __future__ import annotations

import pytest
from testsupport import run_cli

from utils import engine
from utils.errors import EngineUnavailable

# Nothing listens on either: the socket file does not exist, and port 1 on
# loopback refuses the connection at once.
BAD_HOSTS = ["unix:///nonexistent.sock", "tcp://127.0.0.1:1"]


@pytest.fixture
def bad_host(request, monkeypatch):
    """Point DOCKER_HOST at an address where no engine listens, for one test."""
    engine.reset()
    monkeypatch.setenv("DOCKER_HOST", request.param)
    yield request.param
    # The cached client would otherwise keep the bad address for later tests.
    engine.reset()


def test_connect_pings_engine():
    engine.reset()
    client = engine.connect()
    assert client.ping() is True


def test_connect_is_cached():
    assert engine.connect() is engine.connect()


def test_endpoint_follows_docker_host(monkeypatch):
    monkeypatch.setenv("DOCKER_HOST", "tcp://127.0.0.1:1")
    assert engine.endpoint() == "tcp://127.0.0.1:1"


@pytest.mark.parametrize("bad_host", BAD_HOSTS, indirect=True)
def test_bad_host_raises_engine_unavailable(bad_host):
    with pytest.raises(EngineUnavailable) as caught:
        engine.connect()
    error = caught.value
    assert "\n" not in error.what
    assert bad_host in error.what
    assert error.evidence
    assert error.hint


@pytest.mark.parametrize("bad_host", BAD_HOSTS, indirect=True)
def test_bad_host_hint_names_docker_host(bad_host):
    with pytest.raises(EngineUnavailable) as caught:
        engine.connect()
    # Installing an engine does not help while DOCKER_HOST points elsewhere.
    assert "DOCKER_HOST" in caught.value.hint


@pytest.mark.parametrize("bad_host", BAD_HOSTS, indirect=True)
def test_bad_host_cli_exits_two(bad_host):
    completed = run_cli("engine", env={"DOCKER_HOST": bad_host})
    assert completed.returncode == 2
    assert completed.stderr.startswith("error: No Docker engine responded")
    assert "Traceback" not in completed.stderr
    assert len(completed.stderr.splitlines()) <= 4
    assert completed.stdout == ""


def test_engine_cli_prints_version():
    completed = run_cli("engine")
    assert completed.returncode == 0
    assert completed.stdout.startswith("engine: Docker Engine ")


def test_require_cli_finds_docker():
    assert engine.require_cli().endswith("docker")
