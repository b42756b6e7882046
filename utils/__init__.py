"""Helpers that let the Docker course's notebooks drive a real Docker engine.

A notebook starts with ``start_chapter("01")`` and ends with
``finish_chapter()``. In between, the command helpers (``run``, ``exec_``,
``build``, ``logs``, ...) each print the equivalent ``docker`` command line
and its real output, and return a small result object.
"""

from .build import build, build_legacy, history, images, rmi, tag
from .cli import docker
from .containers import (
    create,
    diff,
    exec_,
    inspect,
    kill,
    logs,
    pause,
    port,
    restart,
    rm,
    run,
    start,
    state,
    stop,
    unpause,
)
from .display import show_command, show_image, show_table
from .engine import connect, raw_request
from .ensure import ensure as ensure_images
from .errors import CourseError
from .session import current, finish_chapter, start_chapter
from .waiting import wait_for_http, wait_for_log, wait_for_state

__all__ = [
    "CourseError",
    "build",
    "build_legacy",
    "connect",
    "docker",
    "raw_request",
    "create",
    "current",
    "diff",
    "ensure_images",
    "exec_",
    "finish_chapter",
    "history",
    "images",
    "inspect",
    "kill",
    "logs",
    "pause",
    "port",
    "restart",
    "rm",
    "rmi",
    "run",
    "show_command",
    "show_image",
    "show_table",
    "start",
    "start_chapter",
    "state",
    "stop",
    "tag",
    "unpause",
    "wait_for_http",
    "wait_for_log",
    "wait_for_state",
]
