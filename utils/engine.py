"""Find and connect to a Docker engine, or explain why there is none.

The engine is looked up the way the docker CLI does it: ``DOCKER_HOST`` first,
then the current docker context (Docker Desktop and rootless Docker set one),
then the default socket. On a Debian or Ubuntu machine where the user is root,
:func:`provision` installs and starts an engine from the distribution's
packages.
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

import docker
import requests

from .errors import EngineUnavailable
from .log import engine_call, get_logger

log = get_logger(__name__)

PROVISION_SCRIPT = Path(__file__).with_name("provision_engine.sh")
DEFAULT_ENDPOINT = "unix:///var/run/docker.sock"


def on_binder() -> bool:
    """Return True inside a mybinder.org session, which never has an engine."""
    return "BINDER_SERVICE_HOST" in os.environ or "BINDER_REQUEST" in os.environ


def can_provision() -> bool:
    """Return True where :func:`provision` may install an engine.

    That requires Linux, root, and Debian or Ubuntu in ``/etc/os-release``.
    """
    if platform.system() != "Linux" or os.geteuid() != 0:
        return False
    try:
        release = Path("/etc/os-release").read_text(encoding="utf-8")
    except OSError:
        return False
    return any(f"ID={name}" in release.split() for name in ("debian", "ubuntu"))


def _where_hint() -> str:
    if os.environ.get("DOCKER_HOST"):
        # It overrides every other place, so installing an engine would not help.
        return (
            f"DOCKER_HOST is set to {os.environ['DOCKER_HOST']}: start the engine "
            "there, or unset DOCKER_HOST to use the default one."
        )
    if on_binder():
        return (
            "Binder gives no Docker engine: read the recorded outputs here, or "
            "open the course in Codespaces or on your own machine to run it."
        )
    if can_provision():
        return "run `make engine` to install and start one from Debian packages."
    if platform.system() in ("Darwin", "Windows"):
        return "start Docker Desktop, wait until it says it is running, then retry."
    return (
        "start your Docker engine (`sudo systemctl start docker`), or install "
        "Docker Engine: https://docs.docker.com/engine/install/"
    )


def endpoint() -> str:
    """Return where the engine is looked for, as the docker CLI would name it."""
    if os.environ.get("DOCKER_HOST"):
        return os.environ["DOCKER_HOST"]
    try:
        from docker.context import ContextAPI

        context = ContextAPI.get_current_context()
        if context is not None and context.Host:
            return context.Host
    except Exception as error:  # a broken context file must not hide the real error
        log.debug("could not read the current docker context: %r", error)
    return DEFAULT_ENDPOINT


@lru_cache(maxsize=1)
def connect() -> docker.DockerClient:
    """Return a client of the engine, checked with a ping.

    Raises:
        EngineUnavailable: no engine responded to a ping at :func:`endpoint`.

    Example:
        >>> connect().version()["Version"]   # doctest: +SKIP
        '26.1.5+dfsg1'
    """
    where = endpoint()
    try:
        with engine_call(f"connect to {where}"):
            client = docker.from_env(timeout=120)
            client.ping()
    except (
        docker.errors.DockerException,
        requests.exceptions.RequestException,
        OSError,
    ) as error:
        raise EngineUnavailable(
            f"No Docker engine responded at {where}.",
            evidence=[f"{type(error).__name__}: {str(error)[:300]}"],
            hint=_where_hint(),
        ) from None
    return client


def raw_request(path: str, *, method: str = "GET") -> tuple[str, dict[str, str], bytes]:
    """Send one plain HTTP request to the engine.

    Returns the status line, the headers and the body. This is all the docker
    CLI and the SDK do under the hood. Only ``unix://`` and plain ``tcp://``
    endpoints are supported, so the Windows named pipe and TLS-protected
    engines raise :class:`EngineUnavailable`.

    Example:
        >>> raw_request("/_ping")[2]   # doctest: +SKIP
        b'OK'
    """
    import http.client
    import socket
    from urllib.parse import urlparse

    where = endpoint()
    parsed = urlparse(where)
    if parsed.scheme == "unix":
        connection = http.client.HTTPConnection("docker", timeout=30)
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(30)
        connection.sock = sock
    elif parsed.scheme in ("tcp", "http") and not os.environ.get("DOCKER_TLS_VERIFY"):
        connection = http.client.HTTPConnection(
            parsed.hostname, parsed.port or 2375, timeout=30
        )
    else:
        raise EngineUnavailable(
            f"A raw HTTP request to {where} is not supported by this helper.",
            hint="use the SDK (connect().api) instead; it handles TLS and named pipes.",
        )
    try:
        with engine_call(f"raw {method} {path}"):
            if parsed.scheme == "unix":
                sock.connect(parsed.path)
            connection.request(method, path, headers={"Host": "docker"})
            response = connection.getresponse()
            body = response.read()
    except OSError as error:
        raise EngineUnavailable(
            f"No Docker engine responded at {where}.",
            evidence=[f"{type(error).__name__}: {error}"],
            hint=_where_hint(),
        ) from None
    finally:
        connection.close()
    status = f"HTTP/{response.version / 10:.1f} {response.status} {response.reason}"
    return status, dict(response.getheaders()), body


def reset() -> None:
    """Forget the cached client, so the next :func:`connect` looks again."""
    connect.cache_clear()


def require_cli() -> str:
    """Return the path of the docker CLI, needed for BuildKit builds and Compose."""
    path = shutil.which("docker")
    if path is None:
        raise EngineUnavailable(
            "The docker command line is not installed.",
            hint="install the docker CLI (Docker Desktop includes it), "
            "or run `make engine`.",
        )
    return path


def provision() -> None:
    """Install and start an engine from the distribution's packages.

    This works only as root on Debian or Ubuntu (see :func:`can_provision`).
    Does nothing when an engine already responds. The work is done by
    ``provision_engine.sh`` beside this module, which also restarts an engine
    that was killed uncleanly.
    """
    try:
        connect()
        return
    except EngineUnavailable:
        pass
    if endpoint() != DEFAULT_ENDPOINT:
        # The learner chose another engine (DOCKER_HOST or a context); a local
        # engine installed here would not be the one they asked for.
        raise EngineUnavailable(
            f"No Docker engine responded at {endpoint()}, which DOCKER_HOST or the "
            "current docker context names, so the course does not install one.",
            hint=_where_hint(),
        )
    if not can_provision():
        raise EngineUnavailable(
            f"No Docker engine responded at {endpoint()}, and this machine is not one "
            "where the course installs one (that needs root on Debian or Ubuntu).",
            hint=_where_hint(),
        )
    print(
        "No Docker engine responded; installing one from the distribution's packages."
    )
    result = subprocess.run(["bash", str(PROVISION_SCRIPT)], check=False)
    reset()
    if result.returncode != 0:
        raise EngineUnavailable(
            "Installing or starting the Docker engine failed.",
            evidence=[f"{PROVISION_SCRIPT.name} exited with code {result.returncode}"],
            hint="read the lines above and /var/log/dockerd.log, "
            "then run `make engine` again.",
        )
    connect()
