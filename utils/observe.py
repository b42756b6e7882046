"""Watching containers over time: the engine's events and health checks.

:func:`events` reads the events the engine recorded between two moments,
like ``docker events --since ... --until ...``, and :func:`plot_timeline`
draws them. :func:`wait_for_health` waits for a container's HEALTHCHECK to
report a given status.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timezone

import docker

from . import engine
from .display import show_command, show_output
from .errors import CourseError, WaitTimeout
from .log import engine_call
from .result import shown


@dataclass
class Event:
    """One event of the engine.

    Attributes:
        seconds: When it happened, in seconds since the epoch.
        type: The object type, such as ``container`` or ``network``.
        action: What happened, such as ``start``, ``die`` or ``kill``.
        name: The name of the container (or other object) it concerns.
        attributes: The event's other attributes (exit code, signal, ...).
    """

    seconds: float
    type: str
    action: str
    name: str
    attributes: dict

    def __str__(self) -> str:
        extra = ""
        for key in ("exitCode", "signal"):
            if key in self.attributes:
                extra += f" {key}={self.attributes[key]}"
        return f"{self.type} {self.action} {self.name}{extra}"


def now() -> float:
    """Return the current time in seconds, to pass to :func:`events` later."""
    return time.time()


def _iso(seconds: float) -> str:
    moment = datetime.fromtimestamp(seconds, tz=timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def events(
    since: float,
    until: float | None = None,
    *,
    container: str | None = None,
    type: str | None = "container",  # noqa: A002
    label: str | None = None,
    quiet: bool = False,
) -> list[Event]:
    """Show and return the events recorded between ``since`` and ``until``.

    ``docker events`` streams forever; with ``--until`` it stops, which is
    what a notebook needs. Exec events (``exec_create``, ...) are kept.

    Example:
        >>> t0 = now(); run("busybox:1.35", "true", name="x")   # doctest: +SKIP
        >>> events(t0, container="x")   # doctest: +SKIP
        $ docker events --since ... --until ... --filter container=x
        container create x
        container start x
        container die x exitCode=0
    """
    until = time.time() if until is None else until
    # The engine compares whole seconds, so the window is widened by one.
    argv = ["docker", "events", "--since", _iso(since), "--until", _iso(until + 1)]
    filters: dict[str, str] = {}
    if container:
        argv += ["--filter", f"container={container}"]
        filters["container"] = container
    if type:
        argv += ["--filter", f"type={type}"]
        filters["type"] = type
    if label:
        argv += ["--filter", f"label={label}"]
        filters["label"] = label
    if not quiet:
        show_command(argv)
    with engine_call("read events"):
        stream = engine.connect().events(
            since=int(since), until=int(until) + 1, filters=filters, decode=True
        )
        raw = list(stream)
    found = []
    for item in raw:
        seconds = item.get("timeNano", 0) / 1e9 or float(item.get("time", 0))
        if seconds < since - 0.001:
            continue
        attributes = dict((item.get("Actor") or {}).get("Attributes") or {})
        found.append(
            Event(
                seconds,
                item.get("Type", ""),
                item.get("Action", "").split(":")[0],
                attributes.pop("name", ""),
                attributes,
            )
        )
    if not quiet:
        show_output("\n".join(str(event) for event in found))
        return shown(found)
    return found


def plot_timeline(found: list[Event], title: str):
    """Draw events as a timeline: one row per action, time on the x axis.

    Each container gets its own colour. Returns the matplotlib figure.
    """
    from .plots import caption, figure

    if not found:
        raise CourseError(
            "There are no events to draw.",
            hint="check the since/until times and the container filter.",
        )
    start = found[0].seconds
    actions: list[str] = []
    for event in found:
        if event.action not in actions:
            actions.append(event.action)
    fig, ax = figure(title, "seconds since the first event", "")
    names = list(dict.fromkeys(event.name for event in found))
    # One colour and one connecting line per container, in the order of events.
    for name in names:
        own = [event for event in found if event.name == name]
        xs = [event.seconds - start for event in own]
        ys = [actions.index(event.action) for event in own]
        (line,) = ax.plot(xs, ys, linewidth=0.8, alpha=0.6, zorder=2)
        ax.scatter(xs, ys, s=60, zorder=3, color=line.get_color(), label=name)
    ax.set_yticks(range(len(actions)), actions)
    ax.invert_yaxis()
    if len(names) > 1:
        ax.legend(loc="lower right")
    caption(fig, f"{len(found)} events read back with docker events --since/--until.")
    return fig


def health(container: str) -> str | None:
    """Return a container's health status, or None when it has no HEALTHCHECK."""
    try:
        target = engine.connect().containers.get(container)
    except docker.errors.NotFound:
        raise CourseError(
            f"No container named {container!r} exists.",
            hint="list containers with `docker ps -a` and check the name.",
        ) from None
    state = target.attrs["State"]
    return (state.get("Health") or {}).get("Status")


def wait_for_health(container: str, expected: str, *, timeout: float = 60) -> float:
    """Wait until the container's health status is ``expected``; return seconds.

    The status is ``starting``, ``healthy`` or ``unhealthy``.

    Example:
        >>> wait_for_health("web", "healthy")   # doctest: +SKIP
        2.1
    """
    started = time.perf_counter()
    status = health(container)
    if status is None:
        raise CourseError(
            f"{container} has no health check, so it has no health status.",
            hint="add a HEALTHCHECK to the Dockerfile, or run with a health command.",
        )
    while time.perf_counter() - started < timeout:
        status = health(container)
        if status == expected:
            return round(time.perf_counter() - started, 2)
        time.sleep(0.2)
    target = engine.connect().containers.get(container)
    log = (target.attrs["State"].get("Health") or {}).get("Log") or []
    evidence = [f"health: {status}"] + [
        f"check exit {entry.get('ExitCode')}: {entry.get('Output', '').strip()[:100]}"
        for entry in log[-3:]
    ]
    raise WaitTimeout(
        f"{container} did not become {expected} within {timeout} s.",
        evidence=evidence,
        hint="read the health check's output above; test its command with exec_().",
    )
