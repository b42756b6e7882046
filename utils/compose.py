"""Docker Compose v2 through python-on-whales: ``up``, ``ps``, ``logs``, ``down``.

``compose("scratch/04/hello")`` returns a :class:`Project` whose methods
print the ``docker compose ...`` line a learner would type, then a readable
form of the real output. Each chapter run gets its own project name, so two
runs never share containers.

Compose has no command-line option that labels what it creates. So the
helper writes a second compose file into the chapter's scratch folder, which
adds the chapter's labels to every service, built image, network and named
volume, and passes it after the learner's file. The printed line leaves it
out, as ``run`` leaves out the chapter's labels.

Compose prints the progress of parallel steps in the order they finish, so
the helper shows each resource once with its final status, in a fixed order.
"""

from __future__ import annotations

import json
import re
import shlex
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

from . import engine, session
from .build import BuildResult, condense
from .display import show_command, show_output, show_table
from .errors import CommandFailed, CourseError
from .log import engine_call
from .result import Result, shown

_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_PROGRESS = re.compile(r"^\s*(Network|Volume|Container|Image)\s+(\S+)\s+(\S.*?)\s*$")
# Compose prefixes BuildKit's steps with the service: "[web 2/4] RUN ...",
# and also its own bookkeeping ("[web internal] load ...", "[web] exporting").
_SERVICE_STEP = re.compile(r"^#\d+ \[\S+ \d+/\d+\] ")
_SERVICE_HEADER = re.compile(r"^#\d+ \[")
_KIND_ORDER = {"Image": 0, "Network": 1, "Volume": 2, "Container": 3}


class ComposeFailed(CommandFailed):
    """A ``docker compose`` command exited with a non-zero code."""


@dataclass
class ComposeBuildResult(BuildResult):
    """A :class:`~utils.build.BuildResult` of every service, with the lines shown.

    ``tag`` is the project name. Each service's image is named
    ``<project>-<service>``.
    """

    condensed_log: str = ""


def condense_progress(lines: list[str]) -> list[str]:
    """Keep each resource's last status, sorted by kind and name.

    Other lines (warnings, errors) follow in the order Compose printed them.

    Example:
        >>> condense_progress([" Container b  Started", " Network n  Created",
        ...                    " Container a  Started"])
        [' Network n  Created', ' Container a  Started', ' Container b  Started']
    """
    last: dict[tuple[str, str], str] = {}
    other: list[str] = []
    for raw in lines:
        line = _ANSI.sub("", raw).rstrip()
        if not line.strip():
            continue
        if match := _PROGRESS.match(line):
            kind, name, status = match.groups()
            last[(kind, name)] = status
        elif line not in other:
            other.append(line)
    ordered = sorted(last, key=lambda key: (_KIND_ORDER[key[0]], key[1]))
    return [f" {kind} {name}  {last[(kind, name)]}" for kind, name in ordered] + other


def _service_steps(log: str) -> list[str]:
    """Drop Compose's bookkeeping steps from a plain build log, keep the rest."""
    return [
        line
        for line in log.splitlines()
        if not _SERVICE_HEADER.match(line) or _SERVICE_STEP.match(line)
    ]


@dataclass
class Project:
    """One Compose project of a chapter run: a folder, a file and a name.

    Attributes:
        folder: The folder that contains the compose file (the project directory).
        file: The compose file, as given (shown in the printed lines).
        name: The project name, unique to the chapter run.
    """

    folder: Path
    file: Path
    name: str

    # -- plumbing ---------------------------------------------------------

    def _argv(self, *args: str) -> list[str]:
        return ["docker", "compose", "-f", str(self.file), "-p", self.name, *args]

    def _labels_file(self) -> Path:
        return session.current().scratch / ".compose" / f"{self.name}.labels.yaml"

    def _client(self, *, with_labels: bool):
        from python_on_whales import DockerClient

        files = [self.file] + ([self._labels_file()] if with_labels else [])
        return DockerClient(
            compose_files=files,
            compose_project_name=self.name,
            compose_project_directory=self.folder,
        )

    def _write_labels(self, config: dict) -> None:
        """Write the compose file that adds the chapter's labels to everything."""
        labels = session.current().labels
        services = {}
        for service, spec in (config.get("services") or {}).items():
            services[service] = {"labels": dict(labels)}
            if "build" in spec:
                services[service]["build"] = {"labels": dict(labels)}
        extra: dict = {"services": services}
        networks = {
            key: {"labels": dict(labels)}
            for key, spec in (config.get("networks") or {}).items()
            if not (spec or {}).get("external")
        }
        volumes = {
            key: {"labels": dict(labels)}
            for key, spec in (config.get("volumes") or {}).items()
            if not (spec or {}).get("external")
        }
        if networks:
            extra["networks"] = networks
        if volumes:
            extra["volumes"] = volumes
        path = self._labels_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(extra, sort_keys=True), encoding="utf-8")

    def _stream(self, argv_tail: list[str], *, with_labels: bool) -> tuple[int, str]:
        """Run ``docker compose ARGS`` and return its exit code and output."""
        from python_on_whales import DockerException
        from python_on_whales.utils import stream_stdout_and_stderr

        client = self._client(with_labels=with_labels)
        command = client.client_config.docker_compose_cmd + argv_tail
        lines: list[str] = []
        exit_code = 0
        try:
            with engine_call(shlex.join(self._argv(*argv_tail))):
                for _, chunk in stream_stdout_and_stderr(command):
                    text = _ANSI.sub("", chunk.decode(errors="replace"))
                    # Compose names files by absolute path; the learner wrote
                    # a relative one, which also reads the same on any machine.
                    text = text.replace(f"{self.folder.resolve()}/", f"{self.folder}/")
                    lines.append(text.rstrip("\n"))
        except DockerException as error:
            exit_code = error.return_code or 1
        return exit_code, "\n".join(lines)

    def _prepare(self) -> tuple[bool, str]:
        """Validate the file and write the labels file.

        Returns whether the file is valid and, when it is not, Compose's error.
        """
        from python_on_whales import DockerException

        try:
            with engine_call(f"compose config {self.file}"):
                config = self._client(with_labels=False).compose.config(
                    return_json=True
                )
        except DockerException as error:
            return False, _ANSI.sub("", error.stderr or "").strip()
        self._write_labels(config)
        return True, ""

    def _finish(
        self,
        line: str,
        exit_code: int,
        output: str,
        started: float,
        *,
        check: bool,
        quiet: bool,
        subcommand: str,
    ) -> Result:
        if not quiet:
            show_output(output)
            if exit_code != 0:
                print(f"(exit code {exit_code})")
        result = Result(
            line,
            exit_code,
            output,
            name=self.name,
            seconds=time.perf_counter() - started,
        )
        if exit_code != 0 and check:
            raise ComposeFailed(
                f"`docker compose {subcommand}` of {self.folder} failed.",
                exit_code=exit_code,
                command=line,
                output=output,
                hint="read the message above: Compose names the file, the key or "
                "the service it rejects; pass check=False to go on.",
            )
        return result

    def _service_order(self, services: list[str] | None, valid: bool) -> list[str]:
        """Return the services to build, in name order, those with a build only."""
        if not valid:
            return list(services or [])
        config = self._client(with_labels=False).compose.config(return_json=True)
        with_build = sorted(
            name
            for name, spec in (config.get("services") or {}).items()
            if "build" in spec
        )
        return [name for name in with_build if not services or name in services]

    # -- commands ---------------------------------------------------------

    def config(self, *, quiet: bool = False) -> dict:
        """Validate the file and return the project as Compose reads it.

        Example:
            >>> project.config()["services"]["web"]["ports"]   # doctest: +SKIP
            $ docker compose -f scratch/04/hello/compose.yaml -p ch04-... config
        """
        from python_on_whales import DockerException

        argv = self._argv("config")
        if not quiet:
            show_command(argv)
        try:
            with engine_call(shlex.join(argv)):
                return self._client(with_labels=False).compose.config(return_json=True)
        except DockerException as error:
            message = _ANSI.sub("", error.stderr or "").strip()
            if not quiet:
                show_output(message)
            raise ComposeFailed(
                f"Compose rejected {self.file}.",
                exit_code=error.return_code or 1,
                command=shlex.join(argv),
                output=message,
                hint="fix the key Compose names; a current file starts with services:.",
            ) from None

    def build(
        self,
        services: list[str] | None = None,
        *,
        no_cache: bool = False,
        check: bool = True,
        quiet: bool = False,
        show_log: bool = True,
    ) -> ComposeBuildResult:
        """Build the services' images with BuildKit, like ``docker compose build``.

        The log is condensed as :func:`utils.build` condenses it, the steps
        of each service grouped together.

        Example:
            >>> project.build()   # doctest: +SKIP
            $ docker compose -f scratch/04/hello/compose.yaml -p ch04-... build
            [web 1/3] FROM docker.io/library/python:3.11-slim-bookworm
        """
        tail = ["build"] + (["--no-cache"] if no_cache else []) + list(services or [])
        line = shlex.join(self._argv(*tail))
        if not quiet:
            print(f"$ {line}")
        started = time.perf_counter()
        valid, errors = self._prepare()
        order = self._service_order(services, valid)
        exit_code, outputs = (1, [errors]) if not valid else (0, [])
        # One service at a time: services that share a base image share its
        # step, and in a parallel build the log names whichever came first.
        for service in order:
            flags = ["--no-cache"] if no_cache else []
            exit_code, output = self._stream(
                ["build", "--progress", "plain", *flags, service], with_labels=True
            )
            outputs.append(output)
            if exit_code != 0:
                break
        output = "\n".join(outputs)
        # Each run numbers its steps from #1, so each log is condensed alone.
        shown_lines, steps, cached = [], [], []
        context_size = None
        for text in outputs if valid else []:
            lines, more_steps, more_cached, context_size = condense(
                _service_steps(text), order
            )
            shown_lines += lines
            steps += more_steps
            cached += more_cached
        if not quiet and show_log:
            show_output("\n".join(shown_lines))
        result = ComposeBuildResult(
            line,
            self.name,
            exit_code,
            steps,
            cached,
            context_size,
            time.perf_counter() - started,
            output,
            condensed_log="\n".join(shown_lines),
        )
        if exit_code != 0 and check:
            raise ComposeFailed(
                f"`docker compose build` of {self.folder} failed.",
                exit_code=exit_code,
                command=line,
                output="\n".join(shown_lines) if valid else errors,
                hint="read the failing step's output above; fix it and build again.",
            )
        return result

    def up(
        self,
        services: list[str] | None = None,
        *,
        build: bool = False,
        wait: bool = False,
        check: bool = True,
        quiet: bool = False,
    ) -> Result:
        """Create and start the project in the background, like ``up -d``.

        With ``build=True`` the images are built first (the build log is
        shown). With ``wait=True`` Compose waits until every container runs
        (or is healthy, where the service has a health check).

        Example:
            >>> project.up()   # doctest: +SKIP
            $ docker compose -f scratch/04/hello/compose.yaml -p ch04-... up -d
             Network ch04-...-hello_default  Created
             Container ch04-...-hello-web-1  Started
        """
        tail = ["up", "-d"] + (["--build"] if build else [])
        tail += (["--wait"] if wait else []) + list(services or [])
        line = shlex.join(self._argv(*tail))
        if not quiet:
            print(f"$ {line}")
        started = time.perf_counter()
        valid, errors = self._prepare()
        if not valid:
            # Compose rejects the file before it creates anything, so the real
            # command runs without the labels file and shows its own error.
            exit_code, output = self._stream(tail, with_labels=False)
            return self._finish(
                line,
                exit_code,
                "\n".join(condense_progress(output.splitlines())),
                started,
                check=check,
                quiet=quiet,
                subcommand="up",
            )
        if build:
            built = self.build(services, check=False, quiet=True)
            if not quiet:
                show_output(built.condensed_log)
            if built.exit_code != 0:
                return self._finish(
                    line,
                    built.exit_code,
                    "",
                    started,
                    check=check,
                    quiet=True,
                    subcommand="up --build",
                )
        run_tail = [part for part in tail if part != "--build"] + ["--no-build"]
        exit_code, output = self._stream(run_tail, with_labels=True)
        return self._finish(
            line,
            exit_code,
            "\n".join(condense_progress(output.splitlines())),
            started,
            check=check,
            quiet=quiet,
            subcommand="up",
        )

    def ps(self, *, quiet: bool = False) -> list[dict[str, object]]:
        """Show and return the project's containers, like ``docker compose ps -a``.

        The table keeps the columns that do not change from run to run:
        name, service, image, state and published ports.
        """
        argv = self._argv("ps", "-a")
        if not quiet:
            show_command(argv)
        exit_code, output = self._stream(
            ["ps", "-a", "--format", "json"], with_labels=False
        )
        if exit_code != 0:
            raise ComposeFailed(
                f"`docker compose ps` of {self.folder} failed.",
                exit_code=exit_code,
                command=shlex.join(argv),
                output=output,
                hint="check that the compose file is valid with config().",
            )
        rows = []
        for text in output.splitlines():
            text = text.strip()
            if not text.startswith("{"):
                continue
            item = json.loads(text)
            ports = sorted(
                f"{p['URL']}:{p['PublishedPort']}->{p['TargetPort']}/{p['Protocol']}"
                for p in item.get("Publishers") or []
                if p.get("PublishedPort")
            )
            rows.append(
                {
                    "name": item["Name"],
                    "service": item["Service"],
                    "image": item["Image"],
                    "state": item["State"],
                    "ports": ", ".join(ports),
                }
            )
        rows.sort(key=lambda row: row["name"])
        if not quiet:
            show_table(rows, columns=["name", "service", "image", "state", "ports"])
            return shown(rows)
        return rows

    def logs(
        self,
        service: str | None = None,
        *,
        tail: int | None = None,
        quiet: bool = False,
    ) -> Result:
        """Show the output of the project's containers, like ``docker compose logs``.

        Compose interleaves the services in the order lines arrive; here the
        lines of each service stay together, services in name order.
        """
        argv = self._argv("logs", "--no-color")
        if tail is not None:
            argv += ["--tail", str(tail)]
        if service:
            argv.append(service)
        if not quiet:
            show_command(argv)
        started = time.perf_counter()
        exit_code, output = self._stream(argv[6:], with_labels=False)
        groups: dict[str, list[str]] = {}
        for text in output.splitlines():
            prefix = text.split("|", 1)[0].strip() if "|" in text else ""
            groups.setdefault(prefix, []).append(text)
        ordered = "\n".join(line for key in sorted(groups) for line in groups[key])
        return self._finish(
            shlex.join(argv),
            exit_code,
            ordered,
            started,
            check=True,
            quiet=quiet,
            subcommand="logs",
        )

    def port(self, service: str, private_port: int, *, quiet: bool = False) -> int:
        """Show and return the host port published for a service's port.

        Example:
            >>> project.port("web", 5000)   # doctest: +SKIP
            $ docker compose -f scratch/04/hello/compose.yaml -p ch04-... port web 5000
            127.0.0.1:32768
        """
        argv = self._argv("port", service, str(private_port))
        if not quiet:
            show_command(argv)
        from python_on_whales import DockerException

        try:
            with engine_call(shlex.join(argv)):
                host, number = self._client(with_labels=False).compose.port(
                    service, private_port
                )
        except DockerException:
            host, number = None, None
        if number is None:
            raise CourseError(
                f"The service {service!r} publishes no port {private_port}.",
                hint="add it under ports: in the compose file, such as "
                f'"127.0.0.1::{private_port}", and check that the service runs.',
            )
        if not quiet:
            show_output(f"{host}:{number}")
        return number

    def down(self, *, quiet: bool = False) -> Result:
        """Stop and remove the project's containers, networks and volumes.

        Runs ``docker compose down --volumes --remove-orphans``. The images
        stay; the chapter removes them at its end.
        """
        tail = ["down", "--volumes", "--remove-orphans"]
        line = shlex.join(self._argv(*tail))
        if not quiet:
            print(f"$ {line}")
        started = time.perf_counter()
        exit_code, output = self._stream(tail, with_labels=False)
        return self._finish(
            line,
            exit_code,
            "\n".join(condense_progress(output.splitlines())),
            started,
            check=True,
            quiet=quiet,
            subcommand="down",
        )


def compose(
    folder: str | Path, *, file: str = "compose.yaml", name: str | None = None
) -> Project:
    """Return the Compose project in ``folder``, named for this chapter run.

    The default name is ``ch<chapter>-<run>-<folder>``: unique to the run,
    so a second run never meets the first one's containers. Nothing runs
    until a method is called.

    Example:
        >>> hello = compose("scratch/04/hello")   # doctest: +SKIP
        >>> hello.up()                            # doctest: +SKIP
    """
    chapter = session.current()
    engine.require_cli()
    folder = Path(folder)
    path = folder / file
    if not path.exists():
        raise CourseError(
            f"No compose file {path} exists.",
            hint="write it first, for example with %%writefile.",
        )
    slug = re.sub(r"[^a-z0-9-]+", "-", folder.resolve().name.lower()).strip("-")
    return Project(
        folder=folder,
        file=path,
        name=name or f"ch{chapter.number}-{chapter.run_id}-{slug or 'project'}",
    )
