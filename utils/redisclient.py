"""A tiny Redis client, so the notebook can talk to Redis through a published port.

Redis speaks RESP, a text protocol: a command is an array of strings, and
each reply starts with one character that gives its type (``+`` status,
``-`` error, ``:`` integer, ``$`` string, ``*`` array). This module sends one
command over TCP and decodes the reply, with no package to install.
"""

from __future__ import annotations

import shlex
import socket

from .display import show_command, show_output
from .errors import CourseError


class RedisError(CourseError):
    """Redis could not be reached, or it returned an error reply."""


def encode(*args: str | bytes | int) -> bytes:
    """Encode one command as a RESP array of bulk strings.

    Example:
        >>> encode("PING")
        b'*1\\r\\n$4\\r\\nPING\\r\\n'
    """
    parts = [f"*{len(args)}\r\n".encode()]
    for arg in args:
        data = arg if isinstance(arg, bytes) else str(arg).encode()
        parts.append(b"$%d\r\n%s\r\n" % (len(data), data))
    return b"".join(parts)


def _read_reply(stream):
    line = stream.readline()
    if not line.endswith(b"\r\n"):
        raise RedisError(
            "Redis closed the connection before it sent a reply.",
            hint="is the server up? Wait for 'Ready to accept connections'.",
        )
    kind, body = line[:1], line[1:-2]
    if kind == b"+":
        return body.decode()
    if kind == b"-":
        raise RedisError(
            "Redis returned an error reply.",
            evidence=[body.decode(errors="replace")],
            hint="check the command's name and arguments.",
        )
    if kind == b":":
        return int(body)
    if kind == b"$":
        size = int(body)
        if size < 0:
            return None
        data = stream.read(size + 2)[:-2]
        return data.decode(errors="replace")
    if kind == b"*":
        count = int(body)
        return None if count < 0 else [_read_reply(stream) for _ in range(count)]
    raise RedisError(
        "Redis sent a reply this client does not understand.",
        evidence=[repr(line[:80])],
        hint="is the port really a Redis server?",
    )


def _format(reply) -> str:
    if reply is None:
        return "(nil)"
    if isinstance(reply, int):
        return f"(integer) {reply}"
    if isinstance(reply, list):
        return "\n".join(f"{n}) {_format(item)}" for n, item in enumerate(reply, 1))
    return reply


def redis_call(
    port: int,
    *args: str | int,
    host: str = "127.0.0.1",
    timeout: float = 5,
    quiet: bool = False,
):
    """Send one command to Redis at ``host:port`` and return the decoded reply.

    Prints the equivalent ``redis-cli`` line, then the reply as redis-cli
    shows it. Status replies come back as str, integers as int, missing
    keys as None.

    Raises:
        RedisError: no server responded at the address, or Redis returned an error.

    Example:
        >>> redis_call(49153, "GET", "greeting")   # doctest: +SKIP
        $ redis-cli -u redis://127.0.0.1:49153 GET greeting
        hello
        'hello'
    """
    # The -u form keeps host and port together, as one address.
    argv = ["redis-cli", "-u", f"redis://{host}:{port}", *map(str, args)]
    if not quiet:
        show_command(argv)
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            sock.sendall(encode(*args))
            with sock.makefile("rb") as stream:
                reply = _read_reply(stream)
    except OSError as error:
        raise RedisError(
            f"No Redis server responded at {host}:{port}.",
            evidence=[f"command: {shlex.join(argv)}", str(error)],
            hint="check the published port with port(name), and that the "
            "server logged 'Ready to accept connections'.",
        ) from None
    if not quiet:
        show_output(_format(reply))
    return reply
