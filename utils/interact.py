"""Ways into a container that work without a terminal: attach and top.

A notebook has no terminal, so ``docker run -it`` cannot work in it. These
helpers give the same access: :func:`run_interactive` starts a container
with its standard input open (``-d -i``), :func:`attach` sends it lines and
reads what its main process prints, and :func:`top` lists its processes.
"""

from __future__ import annotations

import shlex
import struct
import time

import docker

from . import engine, session
from .containers import _split
from .display import show_command, show_output, show_table
from .errors import CourseError
from .log import engine_call
from .result import Result, shown


def run_interactive(image: str, command=None, *, name: str) -> Result:
    """Start a container with stdin kept open, like ``docker run -d -i``.

    Example:
        >>> run_interactive("busybox:1.35", "sh", name="shell")   # doctest: +SKIP
        $ docker run -d -i --name shell busybox:1.35 sh
        <container id>
    """
    chapter = session.current()
    argv = _split(command) or []
    line = shlex.join(["docker", "run", "-d", "-i", "--name", name, image, *argv])
    show_command(shlex.split(line))
    client = engine.connect()
    try:
        with engine_call(f"run {name} with stdin open"):
            container = client.containers.run(
                image,
                argv or None,
                name=name,
                detach=True,
                stdin_open=True,
                labels=chapter.labels,
            )
    except docker.errors.APIError as error:
        raise CourseError(
            f"The engine could not start {name!r}: {error.explanation or error}",
            evidence=[f"command: {line}"],
            hint="check the image name and the command.",
        ) from None
    show_output(container.id)
    return Result(line, 0, container.id, id=container.id, name=name)


def _frames(buffer: bytes) -> tuple[bytes, bytes]:
    """Split multiplexed attach output into payload and the unfinished rest."""
    payload = b""
    while len(buffer) >= 8:
        size = struct.unpack(">I", buffer[4:8])[0]
        if len(buffer) < 8 + size:
            break
        payload += buffer[8 : 8 + size]
        buffer = buffer[8 + size :]
    return payload, buffer


def attach(container: str, *, stdin: str | None = None, timeout: float = 15) -> Result:
    """Attach to a running container, like ``docker attach``, until it exits.

    Without ``input`` it shows what the main process prints. With ``stdin``
    the text is sent to the main process's stdin (the container needs
    ``-i``, see :func:`run_interactive`); end it with a command that makes
    the process exit, such as ``exit``. Reading stops when the container
    exits or after ``timeout`` seconds.

    Example:
        >>> attach("shell", stdin="echo hi\\nexit\\n")   # doctest: +SKIP
        $ docker attach shell
        hi
    """
    show_command(["docker", "attach", container])
    client = engine.connect()
    try:
        target = client.containers.get(container)
    except docker.errors.NotFound:
        raise CourseError(
            f"No container named {container!r} exists.",
            hint="list containers with `docker ps -a` and check the name.",
        ) from None
    if target.status != "running":
        raise CourseError(
            f"{container} is {target.status}, and only a running container "
            "can be attached.",
            hint="start it first with start(name).",
        )
    if stdin is not None and not target.attrs["Config"]["OpenStdin"]:
        raise CourseError(
            f"{container} was started without -i, so its stdin is closed.",
            hint="start it with run_interactive(), which adds -d -i.",
        )
    params = {"stdout": 1, "stderr": 1, "stream": 1, "stdin": int(stdin is not None)}
    started = time.perf_counter()
    with engine_call(f"attach {container}"):
        sock = client.api.attach_socket(target.id, params=params)
    raw = getattr(sock, "_sock", sock)
    raw.settimeout(0.5)
    if stdin is not None:
        raw.sendall(stdin.encode())
    buffer, output = b"", b""
    while time.perf_counter() - started < timeout:
        try:
            chunk = raw.recv(4096)
        except TimeoutError:
            continue
        if not chunk:
            break
        payload, buffer = _frames(buffer + chunk)
        output += payload
    sock.close()
    text = output.decode(errors="replace")
    show_output(text)
    return Result(
        f"docker attach {container}",
        0,
        text,
        id=target.id,
        name=container,
        seconds=time.perf_counter() - started,
    )


def top(container: str) -> list[dict[str, str]]:
    """Show a container's processes, like ``docker top``, without the PID columns.

    PIDs are the host's and change on every run, so the table keeps the
    user and the command line of each process.
    """
    show_command(["docker", "top", container])
    try:
        with engine_call(f"top {container}"):
            listing = engine.connect().api.top(container, ps_args="-o pid,user,args")
    except docker.errors.APIError as error:
        raise CourseError(
            f"docker top {container} failed: {error.explanation or error}",
            hint="only a running container has processes to list.",
        ) from None
    titles = listing["Titles"]
    rows = [
        {"USER": row[titles.index("USER")], "COMMAND": row[titles.index("COMMAND")]}
        for row in listing["Processes"]
    ]
    show_table(rows)
    return shown(rows)
