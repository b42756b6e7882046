"""Tests of the error classes and of the notebook's short error display."""

from __future__ import annotations

import subprocess
import sys

from testsupport import REPO_ROOT

from utils.errors import (
    CommandFailed,
    CourseError,
    install_notebook_handler,
    last_lines,
)


def test_message_joins_what_evidence_hint():
    error = CourseError(
        "The thing failed.", evidence=["first", "second"], hint="do this"
    )
    assert error.message() == "The thing failed.\n  | first\n  | second\nHint: do this"


def test_message_is_str_of_error():
    error = CourseError("The thing failed.", evidence=["first"], hint="do this")
    assert str(error) == error.message()


def test_message_without_evidence_or_hint():
    assert CourseError("Only this.").message() == "Only this."


def test_evidence_drops_none_lines():
    error = CourseError("Failed.", evidence=["kept", None, "also kept"])
    assert error.evidence == ["kept", "also kept"]


def test_command_failed_evidence_order():
    error = CommandFailed(
        "It failed.",
        exit_code=3,
        output="one\ntwo\n",
        command="docker run busybox:1.35 false",
    )
    assert error.evidence == [
        "command: docker run busybox:1.35 false",
        "exit code: 3",
        "one",
        "two",
    ]


def test_command_failed_keeps_last_lines():
    output = "\n".join(f"line {number}" for number in range(20))
    error = CommandFailed("It failed.", exit_code=1, output=output)
    assert error.evidence[1] == "... (8 earlier lines)"
    assert error.evidence[-1] == "line 19"
    assert len(error.evidence) == 14


def test_last_lines_skips_blank_lines():
    assert last_lines("a\n\n  \nb\n", 5) == ["a", "b"]


def test_handler_absent_outside_ipython():
    assert install_notebook_handler() is False


def test_handler_shows_short_message_in_ipython():
    # A fresh interpreter, so that the IPython shell made here does not change
    # how the other tests display tables and results.
    script = (
        "from IPython.core.interactiveshell import InteractiveShell\n"
        "shell = InteractiveShell.instance()\n"
        "from utils.errors import CourseError, install_notebook_handler\n"
        "print('installed', install_notebook_handler())\n"
        "shell.run_cell('from utils.errors import CourseError\\n'\n"
        '               \'raise CourseError("It broke.", hint="try again")\')\n'
    )
    completed = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    output = completed.stdout + completed.stderr
    assert "installed True" in output
    assert "CourseError: It broke.\nHint: try again" in output
    assert "Traceback" not in output
