"""Container commands: each prints the equivalent ``docker`` line, then its output.

In a notebook, ``run("busybox:1.35", "echo hi", rm=True)`` prints
``$ docker run --rm busybox:1.35 echo hi`` followed by ``hi``. The call goes
through the Docker SDK, labels what it creates with the chapter's labels,
and returns a :class:`~utils.result.Result`.
"""

from __future__ import annotations

import json
import shlex
import threading
import time
from collections.abc import Mapping, Sequence

import docker
import requests

from . import engine, session
from .display import show_command, show_output
from .errors import CommandFailed, CourseError, ImageUnavailable, PortInUse
from .log import engine_call
from .result import Result, shown

Command = str | Sequence[str] | None
Ports = Mapping[str | int, int | None]

DIFF_KINDS = {0: "C", 1: "A", 2: "D"}


def _split(command: Command) -> list[str] | None:
    if command is None:
        return None
    if not isinstance(command, str):
        return list(command)
    try:
        return shlex.split(command)
    except ValueError as error:
        raise CourseError(
            f"The command {command!r} is not valid shell syntax: {error}.",
            hint="close the quote, or pass the command as a list of arguments.",
        ) from None


def _client():
    return engine.connect()


def _port_bindings(publish: Ports | None) -> dict[str, tuple[str, int | None]] | None:
    # Ports are published on 127.0.0.1 only. A host port of None lets the engine
    # pick one.
    if not publish:
        return None
    bindings = {}
    for container_port, host_port in publish.items():
        key = (
            str(container_port)
            if "/" in str(container_port)
            else f"{container_port}/tcp"
        )
        bindings[key] = ("127.0.0.1", host_port)
    return bindings


def _run_argv(image: str, command: list[str] | None, options: dict) -> list[str]:
    argv = ["docker", "run"]
    flag_order = [
        ("detach", "-d"),
        ("rm", "--rm"),
        ("init", "--init"),
        ("publish_all", "-P"),
    ]
    for key, flag in flag_order:
        if options.get(key):
            argv.append(flag)
    if options.get("name"):
        argv += ["--name", options["name"]]
    if options.get("hostname"):
        argv += ["-h", options["hostname"]]
    for key, value in (options.get("env") or {}).items():
        argv += ["-e", f"{key}={value}"]
    for container_port, host_port in (options.get("publish") or {}).items():
        host = "" if host_port is None else str(host_port)
        argv += ["-p", f"127.0.0.1:{host}:{container_port}"]
    for port in options.get("expose") or ():
        argv += ["--expose", str(port)]
    if options.get("restart"):
        argv += ["--restart", options["restart"]]
    if options.get("user"):
        argv += ["-u", str(options["user"])]
    for volume in options.get("volumes") or ():
        argv += ["-v", volume]
    for source in options.get("volumes_from") or ():
        argv += ["--volumes-from", source]
    for path, settings in (options.get("tmpfs") or {}).items():
        argv += ["--tmpfs", f"{path}:{settings}" if settings else path]
    if options.get("workdir"):
        argv += ["-w", options["workdir"]]
    if options.get("network"):
        argv += ["--network", options["network"]]
    for target, alias in (options.get("links") or {}).items():
        argv += ["--link", f"{target}:{alias}" if alias else target]
    for key, value in (options.get("labels") or {}).items():
        argv += ["--label", f"{key}={value}"]
    if options.get("entrypoint") is not None:
        entrypoint = _split(options["entrypoint"]) or [""]
        argv += ["--entrypoint", entrypoint[0]]
        command = entrypoint[1:] + (command or [])
    return argv + [image] + (command or [])


def _restart_policy(restart: str | None) -> dict | None:
    if not restart:
        return None
    name, _, count = restart.partition(":")
    policy = {"Name": name}
    if count:
        if not count.isdigit():
            raise CourseError(
                f"The restart policy {restart!r} has an invalid retry count {count!r}.",
                hint="write it as on-failure:N, where N is a whole number such as 3.",
            )
        policy["MaximumRetryCount"] = int(count)
    return policy


def run(
    image: str,
    command: Command = None,
    *,
    name: str | None = None,
    detach: bool = False,
    rm: bool = False,
    env: Mapping[str, str] | None = None,
    hostname: str | None = None,
    publish: Ports | None = None,
    publish_all: bool = False,
    expose: Sequence[int | str] = (),
    restart: str | None = None,
    user: str | int | None = None,
    volumes: Sequence[str] = (),
    volumes_from: Sequence[str] = (),
    tmpfs: Mapping[str, str] | None = None,
    workdir: str | None = None,
    entrypoint: Command = None,
    network: str | None = None,
    links: Mapping[str, str | None] | None = None,
    init: bool = False,
    labels: Mapping[str, str] | None = None,
    check: bool = True,
    timeout: float = 120,
    quiet: bool = False,
) -> Result:
    """Run a container, like ``docker run``, and show the command and its output.

    In the foreground (the default) it waits for the container to exit and
    shows its output. With ``detach=True`` it shows the container's id and
    returns at once. Published ports bind to 127.0.0.1, and ``None`` as the
    host port lets the engine pick one. ``links`` maps a container to an alias,
    like the legacy ``--link container:alias``.

    Raises:
        ImageUnavailable: the image is not on the engine.
        PortInUse: a requested host port is taken (nothing is left running).
        CommandFailed: with ``check=True``, the command exited non-zero.

    Example:
        >>> run("busybox:1.35", "echo hi", rm=True)   # doctest: +SKIP
        $ docker run --rm busybox:1.35 echo hi
        hi
    """
    chapter = session.current()
    argv_command = _split(command)
    options = dict(
        name=name,
        detach=detach,
        rm=rm,
        env=env,
        hostname=hostname,
        publish=publish,
        publish_all=publish_all,
        expose=expose,
        restart=restart,
        user=user,
        volumes=volumes,
        volumes_from=volumes_from,
        tmpfs=tmpfs,
        workdir=workdir,
        entrypoint=entrypoint,
        network=network,
        links=links,
        init=init,
        labels=labels,
    )
    line = shlex.join(_run_argv(image, argv_command, options))
    if not quiet:
        show_command(shlex.split(line))

    started = time.perf_counter()
    container = _create(
        image,
        argv_command,
        chapter,
        name=name,
        extra_labels=labels,
        line=line,
        **_create_options(image, options),
    )
    _start(container, line)
    if detach:
        if not quiet:
            show_output(container.id)
        return Result(
            line,
            0,
            container.id,
            id=container.id,
            name=container.name,
            seconds=time.perf_counter() - started,
        )

    try:
        with engine_call(f"wait for {container.name}"):
            exit_code = container.wait(timeout=timeout)["StatusCode"]
    except (requests.exceptions.ReadTimeout, requests.exceptions.ConnectionError):
        container.remove(force=True, v=True)
        raise CourseError(
            f"The container did not exit within {timeout} s, so it was removed.",
            evidence=[f"command: {line}"],
            hint="pass a larger timeout=, "
            "or run it with detach=True and read its logs.",
        ) from None
    except KeyboardInterrupt:
        # An interrupted cell must not leave its container running.
        container.remove(force=True, v=True)
        raise CourseError(
            "Interrupted: the container was stopped and removed.",
            evidence=[f"command: {line}"],
            hint="run it with detach=True to keep a long-running container.",
        ) from None
    seconds = time.perf_counter() - started
    output = container.logs(stdout=True, stderr=True).decode(errors="replace")
    if rm:
        # Like `docker run --rm`, which also removes the anonymous volumes.
        container.remove(force=True, v=True)
    if not quiet:
        show_output(output)
    result = Result(
        line, exit_code, output, id=container.id, name=container.name, seconds=seconds
    )
    if exit_code != 0 and check:
        raise CommandFailed(
            f"The command in the container exited with code {exit_code}.",
            exit_code=exit_code,
            command=line,
            output=output,
            hint="read the output above; pass check=False to go on after a failure.",
        )
    return result


_RUN_OPTIONS = frozenset(
    {
        "detach",
        "rm",
        "env",
        "hostname",
        "publish",
        "publish_all",
        "expose",
        "restart",
        "user",
        "volumes",
        "volumes_from",
        "tmpfs",
        "workdir",
        "entrypoint",
        "network",
        "links",
        "init",
        "labels",
    }
)


def _create_options(image: str, options: Mapping) -> dict:
    """Translate the CLI-named options of run() and create() into SDK arguments."""
    ports = _port_bindings(options.get("publish")) or {}
    # NOTE: without publish_all, expose= is only printed: the SDK's high-level
    # create() cannot declare a port without publishing it.
    if options.get("publish_all"):
        # The engine's own -P binds every interface, so each exposed port is
        # bound here on 127.0.0.1, like publish={PORT: None}.
        for key in _exposed_ports(image, options.get("expose") or ()):
            ports.setdefault(key, ("127.0.0.1", None))
    user = options.get("user")
    entrypoint = options.get("entrypoint")
    return dict(
        environment=dict(options.get("env") or {}),
        hostname=options.get("hostname"),
        ports=ports,
        restart_policy=_restart_policy(options.get("restart")),
        user=str(user) if user is not None else None,
        volumes=list(options.get("volumes") or ()),
        volumes_from=list(options.get("volumes_from") or ()),
        tmpfs=dict(options["tmpfs"]) if options.get("tmpfs") else None,
        working_dir=options.get("workdir"),
        entrypoint=_split(entrypoint) if entrypoint is not None else None,
        network=options.get("network"),
        # The legacy --link: {container: alias}; the SDK takes the same mapping.
        links=dict(options["links"]) if options.get("links") else None,
        init=options.get("init") or None,
        # A foreground run() removes its container itself, after reading the
        # output. A detached run() and create() leave it to the engine.
        auto_remove=bool(options.get("rm")) and options.get("detach", True),
    )


def _exposed_ports(image: str, expose: Sequence[int | str]) -> list[str]:
    try:
        config = _client().images.get(image).attrs.get("Config") or {}
    except docker.errors.ImageNotFound:
        config = {}  # _create() reports the missing image
    ports = list(config.get("ExposedPorts") or {})
    ports += [str(port) if "/" in str(port) else f"{port}/tcp" for port in expose]
    return ports


def _label_named_volumes(client, volumes: Sequence[str], chapter_labels: dict) -> None:
    # The engine creates a missing named volume without labels, and the
    # chapter's cleanup finds volumes by label, so it is created here first.
    for spec in volumes:
        source, separator, _ = spec.partition(":")
        if not separator or source.startswith("/"):
            continue
        try:
            client.volumes.get(source)
        except docker.errors.NotFound:
            client.volumes.create(source, labels=chapter_labels)


def _create(image, command, chapter, *, extra_labels, line, **kwargs):
    client = _client()
    all_labels = dict(chapter.labels)
    all_labels.update(extra_labels or {})
    kwargs = {
        key: value for key, value in kwargs.items() if value not in (None, [], {})
    }
    try:
        with engine_call(f"create container from {image}"):
            _label_named_volumes(client, kwargs.get("volumes", []), chapter.labels)
            return client.containers.create(image, command, labels=all_labels, **kwargs)
    except docker.errors.ImageNotFound:
        raise ImageUnavailable(
            f"The image {image!r} is not on this engine.",
            evidence=[f"command: {line}", *_similar_images(client, image)],
            hint="check the name and tag; build it first, or add it to the "
            "chapter's images in start_chapter.",
        ) from None
    except docker.errors.APIError as error:
        text = str(error.explanation or error)
        hint = "check the options against the CLI line above."
        if error.status_code == 409 and "already in use" in text:
            name = kwargs.get("name", "")
            hint = (
                f"a container named {name!r} exists already (perhaps from running "
                f'this cell before): remove it with rm("{name}", force=True), '
                "or rerun the chapter's first cell."
            )
        elif "invalid reference format" in text:
            hint = (
                "an image name is lowercase: letters, digits, '.', '_', '-' "
                "and '/', then ':' and a tag."
            )
        raise CourseError(
            f"The engine rejected the container: {text}",
            evidence=[f"command: {line}"],
            hint=hint,
        ) from None


def _similar_images(client, image: str) -> list[str]:
    """Return an evidence line naming local images with names close to ``image``."""
    import difflib

    tags = [tag for found in client.images.list() for tag in found.tags]
    close = difflib.get_close_matches(image, tags, n=3, cutoff=0.6)
    return [f"images with a similar name: {', '.join(close)}"] if close else []


def _start(container, line: str) -> None:
    try:
        with engine_call(f"start {container.name}"):
            container.start()
    except docker.errors.APIError as error:
        container.remove(force=True, v=True)
        text = str(error.explanation or error)
        if "port is already allocated" in text or "address already in use" in text:
            raise PortInUse(
                "The host port is already taken, so the container could not start "
                "(it was removed).",
                evidence=[f"command: {line}", text[:300]],
                hint="let the engine pick a free port: publish={PORT: None}.",
            ) from None
        if "executable file not found" in text or "no such file or directory" in text:
            hint = "check the command and entrypoint: is the program in the image?"
        elif "permission denied" in text:
            hint = "the program is not executable: chmod +x it, or COPY --chmod=755."
        else:
            hint = "check the options against the CLI line above."
        raise CourseError(
            "The container was created but could not start (it was removed).",
            evidence=[f"command: {line}", text[:300]],
            hint=hint,
        ) from None


def _container(name_or_id: str):
    try:
        with engine_call(f"inspect container {name_or_id}"):
            return _client().containers.get(name_or_id)
    except docker.errors.NotFound:
        raise CourseError(
            f"No container named {name_or_id!r} exists.",
            hint="list containers with `docker ps -a` and check the name.",
        ) from None


def exec_(
    container: str,
    command: Command,
    *,
    user: str | None = None,
    workdir: str | None = None,
    env: Mapping[str, str] | None = None,
    check: bool = True,
    quiet: bool = False,
) -> Result:
    """Run a command in a running container, like ``docker exec``.

    Named with a trailing underscore because ``exec`` is a Python built-in.

    Example:
        >>> exec_("web", "hostname")   # doctest: +SKIP
        $ docker exec web hostname
        web
    """
    argv = ["docker", "exec"]
    if user:
        argv += ["-u", user]
    if workdir:
        argv += ["-w", workdir]
    for key, value in (env or {}).items():
        argv += ["-e", f"{key}={value}"]
    split_command = _split(command) or []
    line = shlex.join(argv + [container] + split_command)
    if not quiet:
        show_command(shlex.split(line))
    target = _container(container)
    started = time.perf_counter()
    try:
        with engine_call(f"exec in {container}"):
            exit_code, output = target.exec_run(
                split_command, user=user or "", workdir=workdir, environment=env
            )
    except docker.errors.APIError as error:
        raise CourseError(
            f"The engine could not run the command in {container!r}: "
            f"{error.explanation or error}",
            evidence=[f"command: {line}"],
            hint="is the container running? Check it with state(name).",
        ) from None
    text = output.decode(errors="replace")
    if not quiet:
        show_output(text)
    result = Result(
        line,
        exit_code,
        text,
        id=target.id,
        name=target.name,
        seconds=time.perf_counter() - started,
    )
    if exit_code != 0 and check:
        raise CommandFailed(
            f"The command exited with code {exit_code}.",
            exit_code=exit_code,
            command=line,
            output=text,
            hint="read the output above; pass check=False to go on.",
        )
    return result


def _simple(
    verb: str,
    container: str,
    action,
    extra_args: Sequence[str] = (),
    quiet: bool = False,
) -> Result:
    line = shlex.join(["docker", verb, *extra_args, container])
    if not quiet:
        show_command(shlex.split(line))
    target = _container(container)
    started = time.perf_counter()
    try:
        with engine_call(f"{verb} {container}"):
            action(target)
    except docker.errors.APIError as error:
        raise CourseError(
            f"docker {verb} {container} failed: {error.explanation or error}",
            evidence=[f"command: {line}"],
            hint="check the container's state with inspect(name, 'State.Status').",
        ) from None
    if not quiet:
        show_output(container)
    return Result(
        line,
        0,
        container,
        id=target.id,
        name=target.name,
        seconds=time.perf_counter() - started,
    )


def create(
    image: str,
    command: Command = None,
    *,
    name: str | None = None,
    quiet: bool = False,
    **options,
) -> Result:
    """Create a container without starting it, like ``docker create``."""
    chapter = session.current()
    unknown = set(options) - (_RUN_OPTIONS - {"detach"})
    if unknown:
        names = ", ".join(sorted(unknown))
        raise TypeError(f"create() got unexpected keyword arguments: {names}")
    split_command = _split(command)
    argv = _run_argv(image, split_command, dict(name=name, **options))
    argv[1] = "create"
    line = shlex.join(argv)
    if not quiet:
        show_command(argv)
    container = _create(
        image,
        split_command,
        chapter,
        name=name,
        extra_labels=options.get("labels"),
        line=line,
        **_create_options(image, options),
    )
    if not quiet:
        show_output(container.id)
    return Result(line, 0, container.id, id=container.id, name=container.name)


def start(container: str, **kw) -> Result:
    """Start a created or stopped container, like ``docker start``."""
    return _simple("start", container, lambda c: c.start(), **kw)


def stop(container: str, *, time: int = 10, **kw) -> Result:
    """Stop a container: SIGTERM, then SIGKILL after ``time`` seconds."""
    extra = [] if time == 10 else ["-t", str(time)]
    return _simple("stop", container, lambda c: c.stop(timeout=time), extra, **kw)


def restart(container: str, *, time: int = 10, **kw) -> Result:
    """Restart a container, like ``docker restart``."""
    extra = [] if time == 10 else ["-t", str(time)]
    return _simple("restart", container, lambda c: c.restart(timeout=time), extra, **kw)


def kill(container: str, *, signal: str = "SIGKILL", **kw) -> Result:
    """Send a signal to a container's main process (SIGKILL by default)."""
    extra = [] if signal == "SIGKILL" else ["-s", signal]
    return _simple("kill", container, lambda c: c.kill(signal=signal), extra, **kw)


def pause(container: str, **kw) -> Result:
    """Freeze every process of a container, like ``docker pause``."""
    return _simple("pause", container, lambda c: c.pause(), **kw)


def unpause(container: str, **kw) -> Result:
    """Thaw a paused container, like ``docker unpause``."""
    return _simple("unpause", container, lambda c: c.unpause(), **kw)


def rm(container: str, *, force: bool = False, volumes: bool = False, **kw) -> Result:
    """Remove a container, like ``docker rm`` (``-f`` and ``-v`` as options)."""
    extra = []
    if force:
        extra.append("-f")
    if volumes:
        extra.append("-v")
    return _simple(
        "rm", container, lambda c: c.remove(force=force, v=volumes), extra, **kw
    )


def state(container: str) -> str:
    """Return a container's state, such as created, running, paused or exited.

    The state is the engine's ``State.Status`` field, which can also be
    restarting, removing or dead.
    """
    target = _container(container)
    return target.attrs["State"]["Status"]


def inspect(name: str, path: str | None = None, *, quiet: bool = False):
    """Show and return ``docker inspect`` data, or one field of it.

    ``path`` is a dotted path such as ``"State.Status"``. The printed command
    uses the equivalent ``--format`` template.

    Example:
        >>> inspect("web", "State.Status")   # doctest: +SKIP
        $ docker inspect --format '{{json .State.Status}}' web
        "running"
    """
    argv = ["docker", "inspect"]
    if path:
        argv += ["--format", "{{json ." + path + "}}"]
    argv.append(name)
    if not quiet:
        show_command(argv)
    client = _client()
    with engine_call(f"inspect {name}"):
        try:
            data = client.api.inspect_container(name)
        except docker.errors.NotFound:
            try:
                data = client.api.inspect_image(name)
            except docker.errors.NotFound:
                raise CourseError(
                    f"No container or image named {name!r} exists.",
                    hint="check the name with `docker ps -a` or images().",
                ) from None
    value = data
    for part in path.split(".") if path else []:
        if not isinstance(value, dict) or part not in value:
            if isinstance(value, dict):
                fields = ", ".join(value)
            else:
                fields = type(value).__name__
            raise CourseError(
                f"The inspect data of {name!r} has no field {path!r}.",
                evidence=[f"fields at this level: {fields}"],
                hint="check the spelling; field names are case-sensitive.",
            )
        value = value[part]
    if not quiet:
        show_output(json.dumps(value, indent=2, ensure_ascii=False))
        return shown(value)
    return value


def diff(container: str, *, quiet: bool = False) -> list[tuple[str, str]]:
    """Show and return the changes in a container's writable layer.

    Each row is a kind (A added, C changed, D deleted) and a path, as
    ``docker diff`` prints them.
    """
    if not quiet:
        show_command(["docker", "diff", container])
    with engine_call(f"diff {container}"):
        changes = _container(container).diff() or []
    # Sorted by path because the engine lists changes in directory-walk order,
    # which can vary.
    rows = sorted(
        ((DIFF_KINDS.get(change["Kind"], "?"), change["Path"]) for change in changes),
        key=lambda row: row[1],
    )
    if not quiet:
        show_output("\n".join(f"{kind} {path}" for kind, path in rows))
        return shown(rows)
    return rows


def logs(
    container: str,
    *,
    tail: int | None = None,
    follow_seconds: float | None = None,
    quiet: bool = False,
) -> Result:
    """Show a container's output, like ``docker logs``.

    With ``follow_seconds``, keep reading new output for that many seconds.
    ``docker logs -f`` never ends by itself, so following is bounded here.
    """
    argv = ["docker", "logs"]
    if follow_seconds:
        argv.append("-f")
    if tail is not None:
        argv += ["--tail", str(tail)]
    argv.append(container)
    if not quiet:
        show_command(argv)
    target = _container(container)
    tail_value = "all" if tail is None else tail
    if not follow_seconds:
        text = target.logs(stdout=True, stderr=True, tail=tail_value).decode(
            errors="replace"
        )
        if not quiet:
            show_output(text)
        return Result(shlex.join(argv), 0, text, id=target.id, name=target.name)
    chunks: list[bytes] = []
    stream = target.logs(
        stdout=True, stderr=True, tail=tail_value, stream=True, follow=True
    )

    def read() -> None:
        try:
            for chunk in stream:
                chunks.append(chunk)
                if not quiet:
                    print(chunk.decode(errors="replace"), end="", flush=True)
        except Exception:  # the stream is closed from the other thread when time is up
            pass

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(follow_seconds)
    stream.close()
    reader.join(2)
    text = b"".join(chunks).decode(errors="replace")
    return Result(
        shlex.join(argv),
        0,
        text,
        id=target.id,
        name=target.name,
        seconds=follow_seconds,
    )


def port(container: str, *, quiet: bool = False) -> dict[str, int]:
    """Show and return a container's published ports: ``{"80/tcp": host_port}``."""
    if not quiet:
        show_command(["docker", "port", container])
    target = _container(container)
    target.reload()
    mapping = {}
    lines = []
    for container_port, bindings in (
        target.attrs["NetworkSettings"]["Ports"] or {}
    ).items():
        for binding in bindings or []:
            mapping[container_port] = int(binding["HostPort"])
            lines.append(
                f"{container_port} -> {binding['HostIp']}:{binding['HostPort']}"
            )
    if not quiet:
        show_output("\n".join(lines))
        return shown(mapping)
    return mapping
