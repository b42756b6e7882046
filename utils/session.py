"""The chapter session: what a notebook's first and last code cells call.

:func:`start_chapter` connects to the engine, removes what an interrupted
earlier run of the chapter left, makes sure the chapter's images exist and
prepares its scratch folder. Every helper that creates a container, image,
network or volume labels it with the session's labels. :func:`finish_chapter`
removes all of it and reports what it removed. The removal also runs when the
kernel exits, so a failed cell leaves nothing behind.
"""

from __future__ import annotations

import atexit
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import docker

from . import buildcache, catalog, engine, ensure, labels, replay
from .display import show_table
from .errors import CourseError, EngineUnavailable, install_notebook_handler
from .log import engine_call, get_logger

log = get_logger(__name__)

REPO_ROOT = Path(__file__).resolve().parent.parent
SCRATCH_ROOT = REPO_ROOT / "notebooks" / "scratch"
BUILD_CACHE_SNAPSHOTS = SCRATCH_ROOT / ".build-cache"


@dataclass
class Removed:
    """The resources a cleanup removed, by kind.

    ``build_cache`` counts the BuildKit records removed. It is left out of the
    printed report because removing one record can remove others with it,
    so the count varies from run to run.
    """

    containers: list[str] = field(default_factory=list)
    networks: list[str] = field(default_factory=list)
    volumes: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    build_cache: int = 0
    files: int = 0

    def rows(self) -> list[dict[str, object]]:
        return [
            {"kind": "containers", "count": len(self.containers)},
            {"kind": "networks", "count": len(self.networks)},
            {"kind": "volumes", "count": len(self.volumes)},
            {"kind": "images", "count": len(self.images)},
            {"kind": "scratch files", "count": self.files},
        ]

    def _ipython_display_(self) -> None:
        # finish_chapter printed the table already.
        return None

    def total(self) -> int:
        return sum(row["count"] for row in self.rows())


@dataclass
class Chapter:
    """One run of one chapter: its labels, scratch folder and created tags."""

    number: str
    run_id: str
    scratch: Path
    tags: set[str] = field(default_factory=set)
    finished: bool = False

    @property
    def labels(self) -> dict[str, str]:
        return labels.for_chapter(self.number, self.run_id)

    def remember_tag(self, reference: str) -> None:
        """Record an image reference that the chapter created without a label.

        Tags made by ``docker tag`` and the legacy builder's intermediate image
        ids carry no label, so the cleanup removes them by reference.
        """
        self.tags.add(reference)


_current: Chapter | None = None


def current() -> Chapter:
    """Return the running chapter session.

    Raises:
        CourseError: no chapter was started in this kernel, or it was finished.
    """
    # After finish_chapter(), nothing would remove what a helper creates, so
    # a finished chapter counts as none.
    if _current is None or _current.finished:
        raise CourseError(
            "No chapter session is running.",
            hint="run the notebook's first code cell (start_chapter) first.",
        )
    return _current


def start_chapter(
    number: str, *, extra_images: tuple[str, ...] = (), quiet: bool = False
) -> Chapter:
    """Start a chapter: connect, remove leftovers, ensure images, prepare scratch.

    Prints the engine's version, what was removed from an interrupted
    earlier run, and a table of the chapter's images.

    Raises:
        EngineUnavailable: no engine responded and replay mode did not start.
            The error's hint says what to do.

    Example:
        >>> chapter = start_chapter("01")   # doctest: +SKIP
        engine: Docker Engine 26.1.5+dfsg1 (API 1.45) at unix:///var/run/docker.sock
    """
    global _current
    install_notebook_handler()
    try:
        client = engine.connect()
    except EngineUnavailable:
        if replay.requested() and replay.enable():
            _current = Chapter(
                number=number,
                run_id="replay",
                scratch=SCRATCH_ROOT / number,
                finished=True,
            )
            return _current
        raise
    version = client.version()
    if not quiet:
        print(
            f"engine: Docker Engine {version['Version']} (API {version['ApiVersion']}) "
            f"at {engine.endpoint()}"
        )

    leftovers = remove_chapter_resources(number)
    snapshot = _snapshot_path(number)
    leftovers.build_cache = buildcache.remove_new_records(snapshot)
    scratch = SCRATCH_ROOT / number
    leftovers.files += _remove_tree(scratch)
    if leftovers.total() and not quiet:
        print(f"removed what an earlier run left: {_summary(leftovers)}")
    scratch.mkdir(parents=True, exist_ok=True)

    references = catalog.for_chapter(number) + list(extra_images)
    ensured = ensure.ensure(references) if references else []
    # The snapshot is taken after the images are ensured, so the chapter's
    # cleanup keeps the build cache records of stand-in builds.
    buildcache.save_snapshot(snapshot)
    if ensured and not quiet:
        show_table(
            [
                {
                    "image": row.reference,
                    "status": row.action,
                    "stand-in": "yes" if row.standin else "no",
                    "size (MB)": row.size_mb,
                }
                for row in ensured
            ],
        )
    _current = Chapter(number=number, run_id=uuid.uuid4().hex[:12], scratch=scratch)
    # NOTE: a kernel killed with SIGKILL skips this; the next start_chapter
    # of the same chapter removes what it left.
    atexit.register(_finish_at_exit, _current)
    return _current


def finish_chapter(*, quiet: bool = False) -> Removed:
    """Remove everything the chapter created and print what was removed.

    Calling it again, as when the last cell runs twice, removes nothing new.
    """
    chapter = _current if _current is not None and _current.finished else current()
    removed = _cleanup(chapter)
    if not quiet:
        print(f"chapter {chapter.number} removed: {_summary(removed)}")
        show_table(removed.rows())
    return removed


def _cleanup(chapter: Chapter) -> Removed:
    removed = remove_chapter_resources(chapter.number, extra_tags=chapter.tags)
    removed.build_cache = buildcache.remove_new_records(_snapshot_path(chapter.number))
    removed.files = _remove_tree(chapter.scratch)
    chapter.tags.clear()
    chapter.finished = True
    return removed


def _finish_at_exit(chapter: Chapter) -> None:
    if chapter.finished:
        return
    try:
        _cleanup(chapter)
    except Exception as error:  # the interpreter is exiting, so log and go on
        log.warning("cleanup of chapter %s at exit failed: %r", chapter.number, error)


def _snapshot_path(number: str) -> Path:
    return BUILD_CACHE_SNAPSHOTS / f"{number}.json"


def _summary(removed: Removed) -> str:
    return ", ".join(f"{row['count']} {row['kind']}" for row in removed.rows())


def _remove_tree(path: Path) -> int:
    if not path.exists():
        return 0
    count = sum(1 for item in path.rglob("*") if item.is_file() or item.is_symlink())
    shutil.rmtree(path, ignore_errors=True)
    if path.exists():
        # Files a container wrote through a bind mount can belong to another
        # user, who alone may delete them; a container can.
        from .hostfiles import remove_with_container

        remove_with_container(path)
    return count


def remove_chapter_resources(chapter: str | None, *, extra_tags=()) -> Removed:
    """Remove the containers, networks, volumes and images labelled for ``chapter``.

    With ``chapter=None`` it removes everything the course labelled, in any
    chapter. Stand-in base images carry other labels and are kept.
    """
    client = engine.connect()
    filters = labels.chapter_filter(chapter)
    removed = Removed()
    with engine_call(f"remove resources of chapter {chapter}"):
        for container in client.containers.list(all=True, filters=filters):
            _ignore_missing(lambda c=container: c.remove(force=True, v=True))
            removed.containers.append(container.name)
        for network in client.networks.list(filters=filters):
            _ignore_missing(network.remove)
            removed.networks.append(network.name)
        for volume in client.volumes.list(filters=filters):
            _ignore_missing(lambda v=volume: v.remove(force=True))
            removed.volumes.append(volume.name)
        # Newest first, so that images built on other labelled images go first.
        chapter_images = sorted(
            client.images.list(all=True, filters=filters),
            key=lambda image: image.attrs.get("Created", ""),
            reverse=True,
        )
        for image in chapter_images:
            if _remove_image(client, image.id, force=True):
                removed.images.append(image.tags[0] if image.tags else image.short_id)
        for reference in sorted(extra_tags):
            if _remove_image(client, reference, force=False, keep_tagged_ids=True):
                removed.images.append(reference)
    return removed


def _remove_image(
    client, reference: str, *, force: bool, keep_tagged_ids: bool = False
) -> bool:
    """Remove one image, or return False when it is gone already or still needed."""
    try:
        image = client.images.get(reference)
    except docker.errors.ImageNotFound:
        return False
    # An id recorded by the legacy builder can be a tagged base image (its
    # FROM step), so only untagged images and tags the chapter made are
    # removed. The images the chapter labelled are removed with all their tags.
    # A digest reference (name@sha256:...) recorded by a pull counts as a name.
    names = image.tags + (image.attrs.get("RepoDigests") or [])
    if keep_tagged_ids and reference not in names and image.tags:
        return False
    try:
        client.images.remove(reference, force=force)
    except docker.errors.ImageNotFound:
        return False
    except docker.errors.APIError as error:
        log.warning("could not remove image %s: %s", reference, error.explanation)
        return False
    return True


def _ignore_missing(action) -> None:
    try:
        action()
    except docker.errors.NotFound:
        pass
