"""The catalog: every image the course uses, listed once.

Each entry names the official reference that a notebook uses and a stand-in
recipe that builds an equivalent from Debian packages, for machines that
reach no registry. A stand-in is tagged with the official reference, keeps
the version its tag claims, and carries the labels in :data:`STANDIN_LABEL`
and :data:`STANDIN_FOR_LABEL`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

STANDIN_DIR = Path(__file__).with_name("standins")
STANDIN_LABEL = "dockercourse.standin"
STANDIN_FOR_LABEL = "dockercourse.standin.for"


@dataclass(frozen=True)
class CatalogImage:
    """One image of the course.

    Attributes:
        reference: The official reference the notebooks use, such as ``redis:7.0``.
        version: The upstream version the stand-in provides (checked by tests).
        recipe: A folder under ``standins/``. ``debian`` contains the files
            that mmdebstrap puts into the Debian base. Every other folder
            contains a Dockerfile.
        base: The catalog reference the recipe builds on, built first if missing.
        version_command: A command whose output contains ``version``.
        chapters: The chapters that use the image.
    """

    reference: str
    version: str
    recipe: str
    version_command: tuple[str, ...]
    base: str | None = None
    chapters: tuple[str, ...] = field(default_factory=tuple)

    @property
    def recipe_dir(self) -> Path:
        return STANDIN_DIR / self.recipe

    @property
    def official(self) -> str:
        """Return the fully qualified reference on Docker Hub."""
        name = self.reference
        return name if "/" in name else f"docker.io/library/{name}"


DEBIAN = "debian:bookworm-slim"

CATALOG: tuple[CatalogImage, ...] = (
    CatalogImage(
        DEBIAN,
        "12",
        "debian",
        ("cat", "/etc/debian_version"),
        chapters=("01", "02", "03", "04"),
    ),
    CatalogImage(
        "busybox:1.35",
        "1.35",
        "busybox",
        ("busybox",),
        base=DEBIAN,
        chapters=("01", "02", "03"),
    ),
    CatalogImage(
        "python:3.11-slim-bookworm",
        "3.11",
        "python",
        ("python", "--version"),
        base=DEBIAN,
        chapters=("01", "02", "04"),
    ),
    CatalogImage(
        "redis:7.0",
        "7.0",
        "redis",
        ("redis-server", "--version"),
        base=DEBIAN,
        chapters=("03", "04"),
    ),
    CatalogImage(
        "nginx:1.22", "1.22", "nginx", ("nginx", "-v"), base=DEBIAN, chapters=("02",)
    ),
    CatalogImage(
        "registry:2.8",
        "2.8",
        "registry",
        ("registry", "--version"),
        base=DEBIAN,
        chapters=("02",),
    ),
)


def find(reference: str) -> CatalogImage | None:
    """Return the catalog entry for ``reference``, or None if it is not listed."""
    for image in CATALOG:
        if reference in (image.reference, image.official):
            return image
    return None


def for_chapter(chapter: str) -> list[str]:
    """Return the references a chapter uses, in catalog order."""
    return [image.reference for image in CATALOG if chapter in image.chapters]
