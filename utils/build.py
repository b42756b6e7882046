"""Image commands: ``build`` (with BuildKit), ``history``, ``images``, ``tag``, ``rmi``.

Builds go through the docker CLI (``docker buildx build``) because the
Docker SDK drives only the legacy builder. The notebook shows a condensed
BuildKit log: each step, whether it came from the cache, and what its
commands printed.
"""

from __future__ import annotations

import re
import shlex
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import docker

from . import catalog, engine, session
from .display import show_command, show_output, show_table
from .errors import BuildFailed, CourseError
from .log import engine_call
from .result import shown

_STEP_HEADER = re.compile(r"^#(\d+) (\[.*)$")
_STEP_OUTPUT = re.compile(r"^#(\d+) \d+\.\d+ (.*)$")
_STEP_CACHED = re.compile(r"^#(\d+) CACHED$")
_STEP_ERROR = re.compile(r"^#(\d+) ERROR: (.*)$")
_CONTEXT = re.compile(r"^#\d+ transferring context: (\S+)")


@dataclass
class BuildResult:
    """The outcome of one build.

    Attributes:
        command: The equivalent ``docker build`` line.
        tag: The tag given to the image.
        exit_code: 0 when the build succeeded.
        steps: The build's steps, such as ``[2/3] RUN apt-get update``.
        cached: The steps that came from the build cache.
        context_size: The size of the build context BuildKit transferred (text).
        seconds: How long the build took, measured around the CLI call.
        log: The full plain BuildKit log.
        image_id: The id of the image built, when the build succeeded.
    """

    command: str
    tag: str
    exit_code: int
    steps: list[str]
    cached: list[str]
    context_size: str | None
    seconds: float
    log: str
    image_id: str | None = None

    def _ipython_display_(self) -> None:
        # build() printed the condensed log already; a cell ending with a
        # build shows a one-line summary instead of the whole record.
        print(
            f"{self.tag}: exit code {self.exit_code}, {len(self.steps)} steps, "
            f"{len(self.cached)} cached"
        )


_STEP_POSITION = re.compile(r"^\[(?:(\S+) )?(\d+)/\d+\]")
_FROM = re.compile(r"^\s*FROM\s+(?:--\S+\s+)*\S+(?:\s+AS\s+(\S+))?", re.IGNORECASE)


def stage_names(dockerfile: Path) -> list[str]:
    """Return the stage names BuildKit gives a Dockerfile's stages, in file order.

    A stage named with ``AS`` keeps its name; the others are ``stage-N``.
    """
    try:
        text = dockerfile.read_text(encoding="utf-8")
    except OSError:
        return []
    names = []
    for line in text.splitlines():
        if match := _FROM.match(line):
            names.append(match.group(1) or f"stage-{len(names)}")
    return names


def condense(
    log_lines: list[str],
    stages: list[str] | None = None,
) -> tuple[list[str], list[str], list[str], str | None]:
    """Condense a plain BuildKit log into readable lines, in Dockerfile order.

    BuildKit prints steps as they start, and cached steps all at once, so the
    order of its log varies between runs. Each step's lines are grouped and
    the groups sorted by stage (``stages``, in file order) and step number.

    Returns the lines to show, the step headers, the cached step headers and
    the transferred context size.
    """
    stages = stages or []
    blocks: dict[str, list[str]] = {}
    headers: dict[str, str] = {}
    cached: list[str] = []
    trailer: list[str] = []
    context_size = None
    for line in log_lines:
        if match := _CONTEXT.match(line):
            if line.rstrip().endswith("done"):
                context_size = match.group(1)
            continue
        if match := _STEP_HEADER.match(line):
            number, header = match.groups()
            if header.startswith("[internal]") or header.startswith("[auth]"):
                continue
            if number not in headers:
                headers[number] = header
                blocks[number] = [header]
            continue
        if match := _STEP_CACHED.match(line):
            number = match.group(1)
            if number in headers:
                # A FROM step is marked CACHED when the base image is already
                # resolved, so only steps that build a layer count as cache hits.
                if not headers[number].split("] ", 1)[-1].startswith("FROM "):
                    cached.append(headers[number])
                blocks[number].append("  CACHED")
            continue
        if match := _STEP_OUTPUT.match(line):
            if match.group(1) in headers:
                blocks[match.group(1)].append(f"  {match.group(2)}")
            continue
        if match := _STEP_ERROR.match(line):
            if match.group(1) in headers:
                blocks[match.group(1)].append(f"  ERROR: {match.group(2)}")
            continue
        if line.startswith("ERROR:") or line.startswith("Dockerfile:"):
            trailer.append(line)

    def position(number: str) -> tuple[int, int, str]:
        match = _STEP_POSITION.match(headers[number])
        if not match:
            return (len(stages) + 1, 0, headers[number])
        stage = match.group(1)
        stage_index = (
            stages.index(stage)
            if stage in stages
            else (0 if stage is None else len(stages))
        )
        return (stage_index, int(match.group(2)), headers[number])

    order = sorted(headers, key=position)
    shown_lines = [line for number in order for line in blocks[number]] + trailer
    cached.sort(
        key=lambda header: position(next(n for n, h in headers.items() if h == header))
    )
    return shown_lines, [headers[number] for number in order], cached, context_size


def build(
    context: str | Path,
    tag: str,
    *,
    file: str | Path | None = None,
    no_cache: bool = False,
    build_args: Mapping[str, str] | None = None,
    target: str | None = None,
    check: bool = True,
    quiet: bool = False,
    show_log: bool = True,
) -> BuildResult:
    """Build an image with BuildKit, like ``docker build -t TAG CONTEXT``.

    Raises:
        BuildFailed: with ``check=True``, when a step fails. The message names
            the failing step and shows its last log lines.

    Example:
        >>> build("scratch/01/hello", "hello:1.0")   # doctest: +SKIP
        $ docker build -t hello:1.0 scratch/01/hello
        [1/2] FROM docker.io/library/busybox:1.35
        [2/2] RUN echo hello > /greeting
    """
    from python_on_whales import DockerException
    from python_on_whales import docker as cli

    chapter = session.current()
    engine.require_cli()
    if catalog.find(tag) is not None:
        # finish_chapter removes what the chapter built, which would delete a
        # catalog image for every chapter on this engine.
        raise CourseError(
            f"The name {tag!r} belongs to an image of the course's catalog.",
            hint=f"choose another name, such as my-{tag.split('/')[-1]}.",
        )
    argv = ["docker", "build", "-t", tag]
    if file:
        argv += ["-f", str(file)]
    if no_cache:
        argv.append("--no-cache")
    for key, value in (build_args or {}).items():
        argv += ["--build-arg", f"{key}={value}"]
    if target:
        argv += ["--target", target]
    argv.append(str(context))
    line = shlex.join(argv)
    if not quiet:
        show_command(argv)

    log_lines: list[str] = []
    exit_code = 0
    started = time.perf_counter()
    try:
        with engine_call(f"build {tag}"):
            for text in cli.buildx.build(
                str(context),
                tags=[tag],
                file=file,
                cache=not no_cache,
                build_args=dict(build_args or {}),
                target=target,
                labels=chapter.labels,
                progress="plain",
                stream_logs=True,
            ):
                log_lines.extend(text.rstrip("\n").splitlines())
    except DockerException as error:
        exit_code = error.return_code or 1
        # The CLI's stderr repeats the streamed log, so keep only new lines.
        seen = set(log_lines)
        log_lines.extend(
            text for text in (error.stderr or "").splitlines() if text not in seen
        )
    seconds = time.perf_counter() - started
    dockerfile = Path(file) if file else Path(context) / "Dockerfile"
    shown_lines, steps, cached, context_size = condense(
        log_lines, stage_names(dockerfile)
    )
    if not quiet and show_log:
        show_output("\n".join(shown_lines))
    image_id = None
    if exit_code == 0:
        image_id = engine.connect().images.get(tag).id
    result = BuildResult(
        line,
        tag,
        exit_code,
        steps,
        cached,
        context_size,
        seconds,
        "\n".join(log_lines),
        image_id,
    )
    if exit_code != 0 and check:
        failing, step_lines = _failing_step(log_lines)
        errors = [text for text in shown_lines if text.startswith("ERROR:")]
        if failing:
            summary = f"The build of {tag} failed at step {failing}."
        else:
            summary = f"The build of {tag} failed before any step ran."
        raise BuildFailed(
            summary,
            exit_code=exit_code,
            command=line,
            output="\n".join(step_lines + errors),
            hint="read the failing step's output above; "
            "fix that instruction and build again.",
        )
    return result


def _failing_step(log_lines: list[str]) -> tuple[str | None, list[str]]:
    """Return the header and output lines of the step that logged an error.

    Steps of different stages run in parallel and their lines interleave, so
    the failing step is the one with an ``#N ERROR:`` line, not the last one.
    """
    headers: dict[str, str] = {}
    outputs: dict[str, list[str]] = {}
    for text in log_lines:
        if match := _STEP_HEADER.match(text):
            headers.setdefault(match.group(1), match.group(2))
        elif match := _STEP_OUTPUT.match(text):
            outputs.setdefault(match.group(1), []).append(match.group(2))
        elif (match := _STEP_ERROR.match(text)) and match.group(1) in headers:
            number = match.group(1)
            return headers[number], outputs.get(number, [])
    return None, []


def history(
    image: str, *, base: str | None = None, quiet: bool = False
) -> list[dict[str, object]]:
    """Show and return an image's layers, newest first, like ``docker history``.

    With ``base``, the rows that come from that base image are folded into
    one row, so the table shows what this image added.
    """
    if not quiet:
        show_command(["docker", "history", image])
    client = engine.connect()
    layers: list[dict] = []
    try:
        with engine_call(f"history {image}"):
            layers = client.api.history(image)
            base_layers = client.api.history(base) if base else []
    except docker.errors.NotFound:
        missing = image if not layers else base
        raise CourseError(
            f"No image named {missing!r} exists.",
            hint="list images with images() and check the tag.",
        ) from None
    own = layers[: len(layers) - len(base_layers)] if base else layers
    rows = [
        {
            "created by": _short_created_by(layer.get("CreatedBy", "")),
            "size (kB)": round(layer.get("Size", 0) / 1000, 1),
            "comment": layer.get("Comment", ""),
        }
        for layer in own
    ]
    if base:
        rows.append(
            {
                "created by": f"({len(base_layers)} history entries of {base})",
                "size (kB)": "",
                "comment": "",
            }
        )
    if not quiet:
        show_table(rows)
        return shown(rows)
    return rows


def _short_created_by(text: str, width: int = 70) -> str:
    # Drop the shell wrapper and the builder's marker, which every row repeats.
    text = text.replace("/bin/sh -c #(nop) ", "").replace("/bin/sh -c ", "")
    text = text.removesuffix(" # buildkit").strip()
    return text if len(text) <= width else text[: width - 1] + "…"


def images(
    reference: str | None = None,
    *,
    all: bool = False,  # noqa: A002
    quiet: bool = False,
) -> list[dict[str, object]]:
    """Show and return the engine's images, like ``docker images``."""
    argv = (
        ["docker", "images"]
        + (["-a"] if all else [])
        + ([reference] if reference else [])
    )
    if not quiet:
        show_command(argv)
    with engine_call("list images"):
        found = engine.connect().images.list(name=reference, all=all)
    rows = []
    for image in found:
        for tag in image.tags or ["<none>:<none>"]:
            repository, _, tag_name = tag.rpartition(":")
            rows.append(
                {
                    "repository": repository,
                    "tag": tag_name,
                    "size (MB)": round(image.attrs.get("Size", 0) / 1e6, 1),
                }
            )
    rows.sort(key=lambda row: (row["repository"], row["tag"]))
    if not quiet:
        show_table(rows)
        return shown(rows)
    return rows


def tag(source: str, target: str, *, quiet: bool = False) -> str:
    """Give an image another name, like ``docker tag``, and return that name.

    The chapter removes the new name at its end.
    """
    chapter = session.current()
    if not quiet:
        show_command(["docker", "tag", source, target])
    repository, _, tag_name = (
        target.rpartition(":")
        if ":" in target.split("/")[-1]
        else (target, "", "latest")
    )
    if catalog.find(f"{repository}:{tag_name}") is not None:
        # The chapter removes its tags at the end, which would delete a catalog image.
        raise CourseError(
            f"The name {target!r} belongs to an image of the course's catalog.",
            hint="choose another name, such as my-"
            + repository.split("/")[-1]
            + ":"
            + tag_name
            + ".",
        )
    try:
        with engine_call(f"tag {source} {target}"):
            engine.connect().images.get(source).tag(repository, tag_name)
    except docker.errors.ImageNotFound:
        raise CourseError(
            f"No image named {source!r} exists.", hint="build or pull it first."
        ) from None
    except docker.errors.APIError as error:
        raise CourseError(
            f"The tag {target!r} was rejected: {error.explanation}",
            hint="a repository name is lowercase letters, digits, '.', '_', "
            "'-' and '/'; the tag after ':' may also hold uppercase.",
        ) from None
    chapter.remember_tag(f"{repository}:{tag_name}")
    return f"{repository}:{tag_name}"


def rmi(reference: str, *, force: bool = False, quiet: bool = False) -> None:
    """Remove an image, like ``docker rmi``."""
    if not quiet:
        show_command(["docker", "rmi"] + (["-f"] if force else []) + [reference])
    try:
        with engine_call(f"rmi {reference}"):
            removed = engine.connect().api.remove_image(reference, force=force)
    except docker.errors.ImageNotFound:
        raise CourseError(
            f"No image named {reference!r} exists.", hint="list images with images()."
        ) from None
    except docker.errors.APIError as error:
        raise CourseError(
            f"Removing {reference!r} failed: {error.explanation}",
            hint="remove the containers that use it first, or pass force=True.",
        ) from None
    if not quiet:
        show_output(
            "\n".join(
                f"{key}: {value}" for item in removed for key, value in item.items()
            )
        )


_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_LEGACY_STEP = re.compile(r"^ ---> ([0-9a-f]{12})$")


def build_legacy(context: str | Path, tag: str, *, quiet: bool = False) -> BuildResult:
    """Build with the legacy builder (``DOCKER_BUILDKIT=0``), as older notes show.

    The legacy builder commits an image after every step, and a failed build
    leaves the last good one behind to debug. Those intermediate images carry
    no labels, so the chapter records them for removal at its end.
    """
    chapter = session.current()
    argv = ["docker", "build", "-t", tag, str(context)]
    line = "DOCKER_BUILDKIT=0 " + shlex.join(argv)
    if not quiet:
        print(f"$ {line}")
    client = engine.connect()
    lines: list[str] = []
    exit_code = 0
    started = time.perf_counter()
    pending = ""
    with engine_call(f"legacy build {tag}"):
        for event in client.api.build(
            path=str(context),
            tag=tag,
            rm=True,
            forcerm=True,
            decode=True,
            labels=chapter.labels,
        ):
            text = event.get("stream") or ""
            if "error" in event:
                text = f"\nERROR: {event['error']}\n"
                exit_code = (event.get("errorDetail") or {}).get("code") or 1
            # A line can arrive split over two events (stdout and stderr of a
            # step), so only complete lines are shown.
            pending += _ANSI.sub("", text)
            *complete, pending = pending.split("\n")
            for part in complete:
                if not part.strip():
                    continue
                lines.append(part)
                if match := _LEGACY_STEP.match(part):
                    chapter.remember_tag(match.group(1))
                if not quiet:
                    print(part)
    if pending.strip():
        lines.append(pending)
        if not quiet:
            print(pending)
    image_id = None
    if exit_code == 0:
        image_id = client.images.get(tag).id
    steps = [text for text in lines if text.startswith("Step ")]
    return BuildResult(
        line,
        tag,
        exit_code,
        steps,
        [text for text in lines if "Using cache" in text],
        None,
        time.perf_counter() - started,
        "\n".join(lines),
        image_id,
    )
