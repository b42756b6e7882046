"""Remove host folders that containers wrote into through bind mounts.

A container usually runs as root, or as a user of its image, so the files it
writes into a bind-mounted host folder belong to that user. The notebook's
own user may then be unable to delete them. :func:`remove_with_container`
deletes such a folder from inside a short-lived container, which runs as
root in the engine's user namespace.
"""

from __future__ import annotations

from pathlib import Path

import docker

from . import engine, labels
from .catalog import DEBIAN
from .errors import CourseError
from .log import engine_call, get_logger

log = get_logger(__name__)


def remove_with_container(path: str | Path, *, image: str = DEBIAN) -> bool:
    """Delete ``path`` and everything in it from inside a container.

    The parent folder is bind-mounted, so the folder itself is removed too.
    Returns True when the folder is gone afterwards.

    Raises:
        CourseError: the engine could not run the container.

    Example:
        >>> remove_with_container("notebooks/scratch/03")   # doctest: +SKIP
        True
    """
    folder = Path(path).resolve()
    if not folder.exists():
        return True
    if folder.parent == folder:
        raise CourseError(
            "The root folder cannot be removed this way.",
            evidence=[f"path: {folder}"],
            hint="pass the folder to remove, not /.",
        )
    course_labels = {labels.COURSE: "true", labels.CHAPTER: "cleanup"}
    try:
        with engine_call(f"remove {folder} from a container"):
            engine.connect().containers.run(
                image,
                ["rm", "-rf", f"/parent/{folder.name}"],
                volumes=[f"{folder.parent}:/parent"],
                entrypoint=[],
                user="0",
                remove=True,
                labels=course_labels,
            )
    except docker.errors.DockerException as error:
        raise CourseError(
            f"A container could not remove {folder}.",
            evidence=[str(error)[:300]],
            hint=f"remove it by hand: sudo rm -rf {folder}",
        ) from None
    removed = not folder.exists()
    if not removed:
        log.warning("%s is still there after removal from a container", folder)
    return removed
