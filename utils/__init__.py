"""Helpers that let the Docker course's notebooks drive a real Docker engine.

A notebook starts with ``start_chapter("01")`` and ends with
``finish_chapter()``. In between, the command helpers (``run``, ``exec_``,
``build``, ``logs``, ...) each print the equivalent ``docker`` command line
and its real output, and return a small result object.
"""

from .build import build, build_legacy, history, images, rmi, tag
from .cli import docker
from .compose import compose
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
from .interact import attach, run_interactive, top
from .networks import (
    network_connect,
    network_containers,
    network_create,
    network_rm,
)
from .observe import events, health, now, plot_timeline, wait_for_health
from .redisclient import redis_call
from .registry import login, logout, pull, push, registry_api, start_registry
from .session import current, finish_chapter, start_chapter
from .volumes import (
    mounts,
    volume_create,
    volume_exists,
    volume_inspect,
    volume_ls,
    volume_prune,
    volume_rm,
)
from .waiting import wait_for_http, wait_for_log, wait_for_state

__all__ = [
    "CourseError",
    "build",
    "build_legacy",
    "compose",
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
    "attach",
    "run_interactive",
    "top",
    "events",
    "health",
    "now",
    "plot_timeline",
    "wait_for_health",
    "registry_api",
    "login",
    "logout",
    "pull",
    "push",
    "start_registry",
    "mounts",
    "network_connect",
    "network_containers",
    "network_create",
    "network_rm",
    "redis_call",
    "volume_create",
    "volume_exists",
    "volume_inspect",
    "volume_ls",
    "volume_prune",
    "volume_rm",
]

# Show CourseError as its short message in IPython from the first import on,
# even before start_chapter runs.
from .errors import install_notebook_handler as _install_notebook_handler  # noqa: E402

_install_notebook_handler()
