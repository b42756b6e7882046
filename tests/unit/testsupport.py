"""Constants and functions that the unit tests and their fixtures share.

Test modules import them from here, not from conftest, because the
repository root has a conftest.py too and ``import conftest`` could find
either one.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import docker

REPO_ROOT = Path(__file__).resolve().parents[2]
# `make` installs the package in editable mode; a virtual environment made
# without it still finds the package through this path.
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from utils import labels  # noqa: E402

TEST_CHAPTER = "t1"
BUSYBOX = "busybox:1.35"


def labelled_resources(
    client: docker.DockerClient, chapter: str
) -> dict[str, list[str]]:
    """Return the names of the resources labelled for ``chapter``, by kind."""
    filters = labels.chapter_filter(chapter)
    return {
        "containers": [
            c.name for c in client.containers.list(all=True, filters=filters)
        ],
        "networks": [n.name for n in client.networks.list(filters=filters)],
        "volumes": [v.name for v in client.volumes.list(filters=filters)],
        "images": [i.short_id for i in client.images.list(all=True, filters=filters)],
    }


def run_cli(
    *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """Run ``python -m utils ARGS`` from the repository root and capture its output."""
    return subprocess.run(
        [sys.executable, "-m", "utils", *args],
        cwd=REPO_ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
