"""Tests of the tiny Redis client against a real Redis in a container."""

from __future__ import annotations

import socket

import pytest
from testsupport import TEST_CHAPTER

from utils import redisclient
from utils.containers import port, run
from utils.waiting import wait_for_log

REDIS = "redis:7.0"
NAME = f"dockercourse-{TEST_CHAPTER}-redis"


def test_encode_builds_resp_array():
    expected = b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\n7\r\n"
    assert redisclient.encode("SET", "k", 7) == expected


def test_redis_call_through_published_port(chapter, capsys):
    run(REDIS, name=NAME, publish={6379: None}, detach=True, quiet=True)
    wait_for_log(NAME, "Ready to accept connections")
    host_port = port(NAME, quiet=True)["6379/tcp"]
    assert redisclient.redis_call(host_port, "PING") == "PONG"
    assert redisclient.redis_call(host_port, "SET", "greeting", "hello") == "OK"
    assert redisclient.redis_call(host_port, "GET", "greeting") == "hello"
    assert redisclient.redis_call(host_port, "GET", "missing") is None
    assert redisclient.redis_call(host_port, "DBSIZE", quiet=True) == 1
    out = capsys.readouterr().out
    assert f"$ redis-cli -u redis://127.0.0.1:{host_port} GET greeting\nhello" in out
    with pytest.raises(redisclient.RedisError, match="returned an error reply"):
        redisclient.redis_call(host_port, "NOSUCHCOMMAND", quiet=True)


def test_redis_call_to_closed_port_fails():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free_port = probe.getsockname()[1]
    with pytest.raises(redisclient.RedisError, match="No Redis server responded"):
        redisclient.redis_call(free_port, "PING", quiet=True)
