"""Waiting helpers that return how long they waited.

Each helper takes a timeout. On timeout it reports what it waited for, the
container's state and its last logs.
"""

from __future__ import annotations

import re
import time

import docker
import requests

from . import engine
from .errors import CourseError, WaitTimeout, last_lines
from .log import get_logger

log = get_logger(__name__)


def _evidence(container: str) -> list[str]:
    try:
        target = engine.connect().containers.get(container)
    except Exception as error:  # the container may be gone, so report that
        return [f"container {container}: not found ({type(error).__name__})"]
    lines = [f"container {container}: {target.status}"]
    logs = target.logs(tail=8).decode(errors="replace")
    return lines + [f"log: {line}" for line in last_lines(logs, 8)]


def _get(container: str):
    try:
        return engine.connect().containers.get(container)
    except docker.errors.NotFound:
        raise CourseError(
            f"No container named {container!r} exists.",
            hint="list containers with `docker ps -a` and check the name.",
        ) from None


def wait_for_http(
    url: str,
    *,
    container: str | None = None,
    timeout: float = 30,
    status: int | None = 200,
) -> float:
    """Wait until ``url`` responds and return the seconds waited.

    With ``status``, the response must have that HTTP status code. With
    ``status=None``, any response counts.

    Example:
        >>> wait_for_http(
        ...     f"http://127.0.0.1:{port}/", container="web"
        ... )  # doctest: +SKIP
        0.21
    """
    started = time.perf_counter()
    last_error = "no answer yet"
    while time.perf_counter() - started < timeout:
        try:
            response = requests.get(url, timeout=2)
            if status is None or response.status_code == status:
                return round(time.perf_counter() - started, 2)
            last_error = f"HTTP {response.status_code}"
        except requests.RequestException as error:
            last_error = type(error).__name__
        time.sleep(0.1)
    raise WaitTimeout(
        f"{url} did not answer within {timeout} s.",
        evidence=[f"last attempt: {last_error}"]
        + (_evidence(container) if container else []),
        hint="read the container's logs: did the server start, and on which port?",
    )


def wait_for_log(container: str, pattern: str, *, timeout: float = 30) -> float:
    """Wait until the container's output matches ``pattern``.

    Returns the seconds waited. The regular expression is searched in the
    whole output, so it matches within a line unless it contains a newline.
    """
    try:
        regex = re.compile(pattern)
    except re.error as error:
        raise CourseError(
            f"The pattern {pattern!r} is not a valid regular expression: {error}.",
            hint="escape special characters such as ( [ . * with a backslash.",
        ) from None
    target = _get(container)
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if regex.search(target.logs().decode(errors="replace")):
            return round(time.perf_counter() - started, 2)
        time.sleep(0.1)
    raise WaitTimeout(
        f"No output line of {container} matched {pattern!r} within {timeout} s.",
        evidence=_evidence(container),
        hint="check the pattern against the log lines above.",
    )


def wait_for_state(container: str, expected: str, *, timeout: float = 30) -> float:
    """Wait until the container's state is ``expected``.

    Returns the seconds waited.
    """
    target = _get(container)
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        try:
            target.reload()
        except docker.errors.NotFound:
            raise CourseError(
                f"{container} was removed before it reached the state {expected!r}.",
                hint="a container started with rm=True is removed when it exits.",
            ) from None
        if target.status == expected:
            return round(time.perf_counter() - started, 2)
        time.sleep(0.05)
    raise WaitTimeout(
        f"{container} did not reach the state {expected!r} within {timeout} s.",
        evidence=_evidence(container),
        hint="check the restart policy and the command's exit code with inspect().",
    )
