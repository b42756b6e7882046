"""Volume commands and a container's mounts, each shown as its ``docker`` line.

``volume_create("notes")`` prints ``$ docker volume create ... notes`` and
creates a volume that carries the chapter's labels, so the chapter's cleanup
removes it. :func:`volume_prune` is always limited to the chapter's label:
the engine is shared, and a bare ``docker volume prune`` would also remove
other programs' volumes.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Sequence

import docker

from . import engine, labels, session
from .display import show_command, show_output
from .errors import CourseError
from .log import engine_call
from .result import Result, shown


class VolumeError(CourseError):
    """A volume command failed: the volume is missing or still in use."""


def _label_flags(chapter_labels: dict[str, str]) -> list[str]:
    flags = []
    for key, value in chapter_labels.items():
        if key != labels.RUN:
            flags += ["--label", f"{key}={value}"]
    return flags


def volume_create(name: str, *, quiet: bool = False) -> Result:
    """Create a named volume labelled for the chapter, like ``docker volume create``.

    Example:
        >>> volume_create("notes")   # doctest: +SKIP
        $ docker volume create --label dockercourse=true ... notes
        notes
    """
    chapter = session.current()
    argv = ["docker", "volume", "create", *_label_flags(chapter.labels), name]
    if not quiet:
        show_command(argv)
    with engine_call(f"create volume {name}"):
        volume = engine.connect().volumes.create(name, labels=chapter.labels)
    if not quiet:
        show_output(volume.name)
    return Result(shlex.join(argv), 0, volume.name, id=volume.name, name=volume.name)


def volume_exists(name: str) -> bool:
    """Return True when a volume called ``name`` exists on the engine."""
    try:
        with engine_call(f"inspect volume {name}"):
            engine.connect().volumes.get(name)
    except docker.errors.NotFound:
        return False
    return True


def volume_ls(names: Sequence[str] = (), *, quiet: bool = False) -> list[str]:
    """List volumes, like ``docker volume ls``, and return their names.

    With ``names``, list only those of them that exist (the printed line
    filters by name). Without, list the volumes that carry the chapter's label.

    Example:
        >>> volume_ls(["notes", "gone"])   # doctest: +SKIP
        $ docker volume ls --filter name=notes --filter name=gone
        DRIVER  VOLUME NAME
        local   notes
    """
    argv = ["docker", "volume", "ls"]
    client = engine.connect()
    if names:
        for name in names:
            argv += ["--filter", f"name={name}"]
        found = [name for name in names if volume_exists(name)]
    else:
        chapter_label = f"{labels.CHAPTER}={session.current().number}"
        argv += ["--filter", f"label={chapter_label}"]
        with engine_call("list the chapter's volumes"):
            volumes = client.volumes.list(filters={"label": [chapter_label]})
        found = sorted(volume.name for volume in volumes)
    if not quiet:
        show_command(argv)
        rows = [f"local   {name}" for name in found]
        show_output("\n".join(["DRIVER  VOLUME NAME", *rows]))
        return shown(found)
    return found


def volume_inspect(name: str, *, quiet: bool = False) -> dict:
    """Show and return ``docker volume inspect`` data of one volume.

    Raises:
        VolumeError: no volume has that name.
    """
    argv = ["docker", "volume", "inspect", name]
    if not quiet:
        show_command(argv)
    try:
        with engine_call(f"inspect volume {name}"):
            data = engine.connect().api.inspect_volume(name)
    except docker.errors.NotFound:
        raise VolumeError(
            f"No volume named {name!r} exists.",
            evidence=[f"command: {shlex.join(argv)}"],
            hint="list the volumes with volume_ls() and check the name.",
        ) from None
    if not quiet:
        show_output(json.dumps(data, indent=2, ensure_ascii=False))
        return shown(data)
    return data


def volume_rm(
    name: str, *, force: bool = False, check: bool = True, quiet: bool = False
) -> Result:
    """Remove a volume, like ``docker volume rm``.

    With ``check=False`` a failure is printed as the engine's message and
    returned with exit code 1, as the CLI does.

    Raises:
        VolumeError: with ``check=True``, the volume is missing or in use.

    Example:
        >>> volume_rm("notes")   # doctest: +SKIP
        $ docker volume rm notes
        notes
    """
    argv = ["docker", "volume", "rm", *(["-f"] if force else []), name]
    line = shlex.join(argv)
    if not quiet:
        show_command(argv)
    try:
        with engine_call(f"remove volume {name}"):
            engine.connect().api.remove_volume(name, force=force)
    except docker.errors.APIError as error:
        message = f"Error response from daemon: {error.explanation or error}"
        if check:
            in_use = "in use" in message
            raise VolumeError(
                f"The volume {name!r} could not be removed.",
                evidence=[f"command: {line}", message],
                hint="remove the containers that use it first."
                if in_use
                else "list the volumes with volume_ls() and check the name.",
            ) from None
        if not quiet:
            show_output(message)
            print("(exit code 1)")
        return Result(line, 1, message, name=name)
    if not quiet:
        show_output(name)
    return Result(line, 0, name, id=name, name=name)


def volume_prune(*, all: bool = False, quiet: bool = False) -> list[str]:  # noqa: A002
    """Remove the chapter's unused volumes, like ``docker volume prune``.

    The command is limited to volumes with the chapter's label. Since Engine 23
    (API 1.42) prune removes only anonymous volumes unless ``all=True``
    (``--all``), and never a volume that a container, even a stopped one, uses.

    Example:
        >>> volume_prune(all=True)   # doctest: +SKIP
        $ docker volume prune -f --all --filter label=dockercourse.chapter=03
        Deleted Volumes:
        notes
    """
    chapter_label = f"{labels.CHAPTER}={session.current().number}"
    argv = ["docker", "volume", "prune", "-f"]
    if all:
        argv.append("--all")
    argv += ["--filter", f"label={chapter_label}"]
    if not quiet:
        show_command(argv)
    filters: dict[str, object] = {"label": [chapter_label]}
    if all:
        filters["all"] = "true"
    with engine_call("prune the chapter's volumes"):
        answer = engine.connect().api.prune_volumes(filters=filters)
    removed = sorted(answer.get("VolumesDeleted") or [])
    if not quiet:
        lines = ["Deleted Volumes:", *removed] if removed else ["(none)"]
        show_output("\n".join(lines))
        return shown(removed)
    return removed


def mounts(container: str, *, quiet: bool = False) -> list[dict[str, object]]:
    """Show a container's mounts as ``docker inspect`` prints them, and return rows.

    The printed output is the ``Mounts`` JSON, then the ``HostConfig.Tmpfs``
    JSON when the container has tmpfs mounts, because ``Mounts`` leaves those
    out. Each returned row has the mount's type (volume, bind, tmpfs), the
    volume's name, where the data lives on the engine's host, where the
    container sees it, and whether it is writable. A tmpfs mount lives in
    memory, so its source is ``(memory)``.

    Example:
        >>> mounts("web")   # doctest: +SKIP
        $ docker inspect --format '{{json .Mounts}}' web
        [
          {
            "Type": "volume",
            "Name": "site",
            ...
    """
    argv = ["docker", "inspect", "--format", "{{json .Mounts}}", container]
    if not quiet:
        show_command(argv)
    try:
        with engine_call(f"inspect mounts of {container}"):
            data = engine.connect().api.inspect_container(container)
    except docker.errors.NotFound:
        raise CourseError(
            f"No container named {container!r} exists.",
            hint="list containers with `docker ps -a` and check the name.",
        ) from None
    engine_mounts = data.get("Mounts") or []
    tmpfs = data["HostConfig"].get("Tmpfs") or {}
    if not quiet:
        show_output(json.dumps(engine_mounts, indent=2))
        if tmpfs:
            tmpfs_argv = argv[:3] + ["{{json .HostConfig.Tmpfs}}", container]
            show_command(tmpfs_argv)
            show_output(json.dumps(tmpfs, indent=2, sort_keys=True))
    rows = [
        {
            "type": mount.get("Type", ""),
            "name": mount.get("Name", ""),
            "source": mount.get("Source", ""),
            "destination": mount.get("Destination", ""),
            "rw": mount.get("RW", True),
        }
        for mount in engine_mounts
    ]
    for path, options in sorted(tmpfs.items()):
        rows.append(
            {
                "type": "tmpfs",
                "name": "",
                "source": "(memory)",
                "destination": path,
                "rw": "ro" not in options.split(","),
            }
        )
    rows.sort(key=lambda row: str(row["destination"]))
    if quiet:
        return rows
    return shown(rows)
