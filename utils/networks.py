"""Network commands, each shown as its ``docker network`` line and output.

A user-defined network gives its containers a DNS server that resolves
container names, which the default bridge network (and the legacy
``--link``) does not. Every network created here carries the chapter's
labels, so the chapter's cleanup removes it.
"""

from __future__ import annotations

import shlex

import docker

from . import engine, session
from .display import show_command, show_output, show_table
from .errors import CourseError
from .log import engine_call
from .result import Result, shown
from .volumes import _label_flags


class NetworkError(CourseError):
    """A network command failed: the network is missing, in use or named twice."""


def _network(name: str):
    try:
        with engine_call(f"inspect network {name}"):
            return engine.connect().networks.get(name)
    except docker.errors.NotFound:
        raise NetworkError(
            f"No network named {name!r} exists.",
            hint="create it first with network_create(name).",
        ) from None


def network_create(name: str, *, driver: str = "bridge", quiet: bool = False) -> Result:
    """Create a user-defined network labelled for the chapter.

    Raises:
        NetworkError: a network with that name exists already.

    Example:
        >>> network_create("backend")   # doctest: +SKIP
        $ docker network create --label dockercourse=true ... backend
        <id>
    """
    chapter = session.current()
    argv = ["docker", "network", "create", *_label_flags(chapter.labels)]
    if driver != "bridge":
        argv += ["--driver", driver]
    argv.append(name)
    line = shlex.join(argv)
    if not quiet:
        show_command(argv)
    client = engine.connect()
    if client.networks.list(names=[name]):
        raise NetworkError(
            f"A network named {name!r} exists already.",
            evidence=[f"command: {line}"],
            hint="pick another name, or remove the old one with network_rm(name).",
        )
    try:
        with engine_call(f"create network {name}"):
            network = client.networks.create(name, driver=driver, labels=chapter.labels)
    except docker.errors.APIError as error:
        raise NetworkError(
            f"The engine could not create the network {name!r}.",
            evidence=[f"command: {line}", str(error.explanation or error)],
            hint="check the driver name; on one engine, use bridge.",
        ) from None
    if not quiet:
        show_output(network.id)
    return Result(line, 0, network.id, id=network.id, name=name)


def network_connect(
    network: str, container: str, *, alias: str | None = None, quiet: bool = False
) -> Result:
    """Attach a container to a network, like ``docker network connect``.

    Example:
        >>> network_connect("backend", "cache", alias="db")   # doctest: +SKIP
        $ docker network connect --alias db backend cache
    """
    argv = ["docker", "network", "connect"]
    if alias:
        argv += ["--alias", alias]
    argv += [network, container]
    line = shlex.join(argv)
    if not quiet:
        show_command(argv)
    target = _network(network)
    try:
        with engine_call(f"connect {container} to {network}"):
            target.connect(container, aliases=[alias] if alias else None)
    except docker.errors.APIError as error:
        raise NetworkError(
            f"{container!r} could not join the network {network!r}.",
            evidence=[f"command: {line}", str(error.explanation or error)],
            hint="check that the container exists and is not on it already.",
        ) from None
    return Result(line, 0, "", name=container)


def network_containers(network: str, *, quiet: bool = False) -> list[dict[str, str]]:
    """Show and return the containers attached to a network, with their IPs.

    The printed line is the ``docker network inspect`` template that lists them.
    """
    template = (
        "{{range .Containers}}{{.Name}} {{.IPv4Address}}{{println}}{{end}}"
    )
    argv = ["docker", "network", "inspect", "--format", template, network]
    if not quiet:
        show_command(argv)
    target = _network(network)
    with engine_call(f"inspect network {network}"):
        target.reload()
    rows = sorted(
        (
            {"container": entry["Name"], "ipv4": entry["IPv4Address"]}
            for entry in (target.attrs.get("Containers") or {}).values()
        ),
        key=lambda row: row["container"],
    )
    if not quiet:
        show_table(rows, columns=["container", "ipv4"])
        return shown(rows)
    return rows


def network_rm(name: str, *, quiet: bool = False) -> Result:
    """Remove a network, like ``docker network rm``.

    Raises:
        NetworkError: containers still use it.
    """
    argv = ["docker", "network", "rm", name]
    line = shlex.join(argv)
    if not quiet:
        show_command(argv)
    target = _network(name)
    try:
        with engine_call(f"remove network {name}"):
            target.remove()
    except docker.errors.APIError as error:
        raise NetworkError(
            f"The network {name!r} could not be removed.",
            evidence=[f"command: {line}", str(error.explanation or error)],
            hint="stop or disconnect the containers that use it first.",
        ) from None
    if not quiet:
        show_output(name)
    return Result(line, 0, name, name=name)
