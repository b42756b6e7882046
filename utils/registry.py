"""A local registry with a password, and the CLI commands that talk to it.

:func:`start_registry` runs the catalog's ``registry:2.8`` on a port of
127.0.0.1 that the engine picks, protected by an htpasswd file.
:func:`login`, :func:`logout`, :func:`push` and :func:`pull` run the real
docker CLI against it, with a client configuration folder of the chapter's
own (``DOCKER_CONFIG``), so the learner's ``~/.docker/config.json`` is never
touched. :func:`catalog` queries the registry's HTTP API for what it stores.
"""

from __future__ import annotations

import io
import json
import re
import shlex
import tarfile
from dataclasses import dataclass

import requests

from . import engine, session
from .containers import create, port, start
from .display import show_command, show_output
from .errors import CommandFailed, CourseError
from .log import engine_call
from .result import Result, shown
from .waiting import wait_for_http

REGISTRY_IMAGE = "registry:2.8"
HASHER_IMAGE = "python:3.11-slim-bookworm"
_LAYER_LINE = re.compile(r"^([0-9a-f]{12}): (.+)$")


@dataclass
class Registry:
    """A running local registry.

    Attributes:
        name: The registry container's name.
        address: ``127.0.0.1:PORT``, the first part of the image names it stores.
        user: The user name the registry accepts.
        password: That user's password.
    """

    name: str
    address: str
    user: str
    password: str

    @property
    def url(self) -> str:
        return f"http://{self.address}"


def config_dir():
    """Return the chapter's docker client configuration folder (DOCKER_CONFIG)."""
    folder = session.current().scratch / "docker-config"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def htpasswd_line(user: str, password: str) -> str:
    """Return an htpasswd line with a bcrypt hash, made in a Python container.

    The registry accepts only bcrypt hashes. The hash is made by the C
    library of ``python:3.11-slim-bookworm``, so no tool is needed on the host.
    The printed output hides the hash, which changes on every call (its salt
    is random).

    Example:
        >>> htpasswd_line("student", "s3cret")   # doctest: +SKIP
        $ docker run --rm python:3.11-slim-bookworm python -c '...'
        student:$2b$12$... (60 characters)
    """
    chapter = session.current()
    script = (
        "import crypt, sys; "
        "print(crypt.crypt(sys.argv[1], crypt.mksalt(crypt.METHOD_BLOWFISH)))"
    )
    argv = ["python", "-W", "ignore", "-c", script, password]
    show_command(["docker", "run", "--rm", HASHER_IMAGE, *argv[:-1], "***"])
    with engine_call("hash a password"):
        output = engine.connect().containers.run(
            HASHER_IMAGE, argv, remove=True, labels=chapter.labels
        )
    hashed = output.decode().strip()
    if not hashed.startswith("$2"):
        raise CourseError(
            "The container did not return a bcrypt hash.",
            evidence=[f"output: {hashed[:80]}"],
            hint=f"check that {HASHER_IMAGE} is the catalog's image.",
        )
    show_output(f"{user}:{hashed[:7]}... ({len(hashed)} characters)")
    return f"{user}:{hashed}"


def start_registry(
    name: str, *, user: str = "student", password: str = "s3cret", timeout: float = 30
) -> Registry:
    """Run a registry that requires ``user`` and ``password``, and wait for it.

    The htpasswd file is copied into the created container before it starts
    (``docker cp``), so no host path appears in the command lines.

    Example:
        >>> reg = start_registry("registry")   # doctest: +SKIP
        >>> reg.address   # doctest: +SKIP
        '127.0.0.1:32768'
    """
    line = htpasswd_line(user, password)
    env = {
        "REGISTRY_AUTH": "htpasswd",
        "REGISTRY_AUTH_HTPASSWD_REALM": "course-registry",
        "REGISTRY_AUTH_HTPASSWD_PATH": "/auth/htpasswd",
    }
    create(REGISTRY_IMAGE, name=name, env=env, publish={5000: None})
    show_command(["docker", "cp", "htpasswd", f"{name}:/auth/htpasswd"])
    archive = io.BytesIO()
    with tarfile.open(fileobj=archive, mode="w") as tar:
        data = (line + "\n").encode()
        info = tarfile.TarInfo("auth/htpasswd")
        info.size = len(data)
        info.mode = 0o644
        tar.addfile(info, io.BytesIO(data))
    with engine_call(f"copy htpasswd into {name}"):
        engine.connect().containers.get(name).put_archive("/", archive.getvalue())
    start(name)
    host_port = port(name, quiet=True)["5000/tcp"]
    registry = Registry(name, f"127.0.0.1:{host_port}", user, password)
    # /v2/ returns 401 to a client without credentials, which proves the server is up.
    wait_for_http(f"{registry.url}/v2/", container=name, timeout=timeout, status=401)
    return registry


def _cli(argv: list[str], *, stdin: str | None = None) -> tuple[int, str]:
    from python_on_whales import DockerException
    from python_on_whales import docker as whales
    from python_on_whales.utils import run as run_cli

    engine.require_cli()
    try:
        with engine_call(shlex.join(["docker", *argv])):
            stdout, stderr = run_cli(
                whales.client_config.docker_cmd + argv,
                return_stderr=True,
                input=stdin.encode() if stdin is not None else None,
                env={"DOCKER_CONFIG": str(config_dir())},
            )
        code = 0
    except DockerException as error:
        stdout, stderr, code = error.stdout or "", error.stderr or "", error.return_code
    text = "\n".join(part.rstrip("\n") for part in (stdout, stderr) if part)
    return code, text


def _finish(argv: list[str], code: int, text: str, check: bool) -> Result:
    line = shlex.join(["docker", *argv])
    show_output(text)
    if code != 0:
        print(f"(exit code {code})")
        if check:
            raise CommandFailed(
                f"`{line}` exited with code {code}.",
                exit_code=code,
                command=line,
                output=text,
                hint="read the message above; pass check=False to go on.",
            )
    return Result(line, code, text)


def login(registry: Registry, *, password: str | None = None, check=True) -> Result:
    """Log in to the registry with ``docker login --password-stdin``.

    ``password`` defaults to the registry's own; pass another to see a refusal.

    Example:
        >>> login(reg)   # doctest: +SKIP
        $ docker login -u student --password-stdin 127.0.0.1:32768
        Login Succeeded
    """
    argv = ["login", "-u", registry.user, "--password-stdin", registry.address]
    show_command(["docker", *argv])
    secret = registry.password if password is None else password
    code, text = _cli(argv, stdin=secret + "\n")
    # The CLI names the absolute path of its config file, which differs by machine.
    text = text.replace(str(config_dir()), "$DOCKER_CONFIG")
    return _finish(argv, code, text, check)


def logout(registry: Registry, *, check: bool = True) -> Result:
    """Forget the registry's credentials, like ``docker logout ADDRESS``."""
    argv = ["logout", registry.address]
    show_command(["docker", *argv])
    code, text = _cli(argv)
    return _finish(argv, code, text, check)


def condense_progress(text: str) -> list[str]:
    """Keep each layer's last status, in first-seen order, and the other lines.

    Without a terminal the CLI prints every step of every layer, in an order
    that changes from run to run. The last status of each layer stays the same.
    """
    layers: dict[str, str] = {}
    lines: list[str] = []
    for raw in text.splitlines():
        match = _LAYER_LINE.match(raw.strip())
        if match:
            if match.group(1) not in layers:
                lines.append(f"\0{match.group(1)}")
            layers[match.group(1)] = match.group(2)
        elif raw.strip():
            lines.append(raw.rstrip())
    return [
        f"{line[1:]}: {layers[line[1:]]}" if line.startswith("\0") else line
        for line in lines
    ]


def push(reference: str, *, check: bool = True) -> Result:
    """Push an image, like ``docker push``, and show a condensed progress.

    The result's ``data`` contains the digest the registry gave the manifest.

    Example:
        >>> push(f"{reg.address}/course/hello:1.0")   # doctest: +SKIP
        $ docker push 127.0.0.1:32768/course/hello:1.0
        The push refers to repository [127.0.0.1:32768/course/hello]
        5f70bf18a086: Pushed
        1.0: digest: sha256:... size: 527
    """
    argv = ["push", reference]
    show_command(["docker", *argv])
    code, text = _cli(argv)
    result = _finish(argv, code, "\n".join(condense_progress(text)), check)
    found = re.search(r"digest: (sha256:[0-9a-f]{64})", text)
    result.data = found.group(1) if found else None
    return result


def pull(reference: str, *, check: bool = True) -> Result:
    """Pull an image, like ``docker pull``, and show a condensed progress.

    A pulled image keeps the labels it was built with, so the chapter's
    cleanup finds an image that the chapter built and pushed. The name pulled
    (a tag, or a ``name@sha256:...`` digest reference) is also recorded, so
    the cleanup removes it even from an image the chapter did not label.
    """
    chapter = session.current()
    argv = ["pull", reference]
    show_command(["docker", *argv])
    code, text = _cli(argv)
    if code == 0:
        chapter.remember_tag(reference)
    return _finish(argv, code, "\n".join(condense_progress(text)), check)


def registry_api(registry: Registry, path: str = "/v2/_catalog", *, auth: bool = True):
    """Ask the registry's HTTP API, like ``curl -u USER:*** URL``, and show the JSON.

    Returns the decoded JSON, or the HTTP status code when the answer is
    not a success.

    Example:
        >>> registry_api(reg)   # doctest: +SKIP
        $ curl -u student:*** http://127.0.0.1:32768/v2/_catalog
        {"repositories": ["course/hello"]}
    """
    url = registry.url + path
    argv = ["curl"] + (["-u", f"{registry.user}:***"] if auth else []) + [url]
    show_command(argv)
    credentials = (registry.user, registry.password) if auth else None
    try:
        response = requests.get(url, auth=credentials, timeout=10)
    except requests.RequestException as error:
        raise CourseError(
            f"The registry at {registry.address} did not respond.",
            evidence=[f"{type(error).__name__}: {error}"],
            hint=f"is the container {registry.name} running? Check state(name).",
        ) from None
    if response.status_code != 200:
        show_output(f"HTTP {response.status_code}: {response.text.strip()}")
        return response.status_code
    data = response.json()
    show_output(json.dumps(data, ensure_ascii=False))
    return shown(data)


__all__ = [
    "Registry",
    "registry_api",
    "condense_progress",
    "htpasswd_line",
    "login",
    "logout",
    "pull",
    "push",
    "start_registry",
]
