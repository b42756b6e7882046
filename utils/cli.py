"""The docker command line itself, for what the SDK cannot show.

Used for the CLI's own behaviour (``docker version``, ``docker help``, a
mistyped command line) and for the troubleshooting labs. It goes through
python-on-whales, which runs the same ``docker`` binary a learner types.
"""

from __future__ import annotations

import shlex
import time

from . import engine
from .display import show_command, show_output
from .errors import CommandFailed, CourseError
from .log import engine_call
from .result import Result


def docker(
    args: str | list[str],
    *,
    check: bool = True,
    quiet: bool = False,
    env: dict[str, str] | None = None,
) -> Result:
    """Run ``docker ARGS`` with the real CLI and show its output and exit code.

    Example:
        >>> docker("version --format '{{.Server.APIVersion}}'")   # doctest: +SKIP
        $ docker version --format '{{.Server.APIVersion}}'
        1.45
    """
    from python_on_whales import DockerException
    from python_on_whales import docker as whales
    from python_on_whales.utils import run as run_cli

    engine.require_cli()
    try:
        argv = shlex.split(args) if isinstance(args, str) else list(args)
    except ValueError as error:
        raise CourseError(
            f"The command line {args!r} could not be split into words: {error}.",
            hint="close every quote you open, or pass the arguments as a list.",
        ) from None
    line = shlex.join(["docker", *argv])
    if not quiet:
        show_command(["docker", *argv])
    started = time.perf_counter()
    try:
        with engine_call(line):
            stdout, stderr = run_cli(
                whales.client_config.docker_cmd + argv,
                return_stderr=True,
                env=env or {},
            )
        exit_code = 0
    except DockerException as error:
        stdout, stderr = error.stdout or "", error.stderr or ""
        exit_code = error.return_code
    output = "\n".join(part.rstrip("\n") for part in (stdout, stderr) if part)
    if not quiet:
        show_output(output)
        if exit_code != 0:
            print(f"(exit code {exit_code})")
    result = Result(line, exit_code, output, seconds=time.perf_counter() - started)
    if exit_code != 0 and check:
        raise CommandFailed(
            f"`{line}` exited with code {exit_code}.",
            exit_code=exit_code,
            command=line,
            hint="read the message above; pass check=False to go on.",
        )
    return result
