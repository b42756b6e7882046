"""Tests of attach, run_interactive and top against the real engine."""

from __future__ import annotations

import pytest
from testsupport import BUSYBOX, TEST_CHAPTER

from utils import interact, run
from utils.errors import CourseError

NAME = f"dockercourse-{TEST_CHAPTER}-shell"


def test_attach_sends_stdin_to_an_interactive_shell(chapter):
    interact.run_interactive(BUSYBOX, "sh", name=NAME)
    result = interact.attach(NAME, stdin="echo hello\nexit\n", timeout=10)
    assert result.output.strip() == "hello"


def test_attach_shows_output_until_the_container_exits(chapter):
    run(BUSYBOX, "sh -c 'sleep 1; echo one; echo two'", name=NAME, detach=True)
    assert interact.attach(NAME, timeout=10).output.split() == ["one", "two"]


def test_attach_stdin_requires_open_stdin(chapter):
    run(BUSYBOX, "sleep 30", name=NAME, detach=True)
    with pytest.raises(CourseError, match="without -i"):
        interact.attach(NAME, stdin="exit\n")


def test_attach_missing_container_fails(chapter):
    with pytest.raises(CourseError, match="No container named"):
        interact.attach("no-such-container-here")


def test_top_lists_users_and_commands_without_pids(chapter):
    run(BUSYBOX, "sh -c 'sleep 30 & sleep 31'", name=NAME, detach=True)
    rows = interact.top(NAME)
    assert {row["COMMAND"] for row in rows} == {"sleep 30", "sleep 31"}
    assert all(set(row) == {"USER", "COMMAND"} for row in rows)
