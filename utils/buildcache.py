"""Track and remove the BuildKit cache records a chapter creates.

BuildKit keeps its cache between runs, and the build cache cannot carry
labels. Without this, a chapter's second run would find every step cached
and show other output than its first. So a chapter notes which records
exist when it starts and, when it finishes, removes only the records that
appeared since. Records a learner had before are kept. The snapshot is
stored on disk, so the next start also cleans up after an interrupted run.
"""

from __future__ import annotations

import json
from pathlib import Path

import docker

from . import engine
from .log import engine_call, get_logger

log = get_logger(__name__)

MAX_PASSES = 20


def record_ids() -> set[str]:
    """Return the ids of the engine's build cache records."""
    with engine_call("list build cache"):
        records = engine.connect().df().get("BuildCache") or []
    return {record["ID"] for record in records}


def save_snapshot(path: Path) -> None:
    """Store the current record ids in ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(sorted(record_ids())), encoding="utf-8")


# NOTE: records are distinguished by creation time only, so two chapters running at once
# on one engine remove each other's new records; only cache is lost.
def remove_new_records(path: Path) -> int:
    """Remove the build cache records created since the snapshot in ``path``.

    Returns how many records were removed. Does nothing and returns 0 when
    there is no snapshot. The snapshot is deleted afterwards.
    """
    if not path.exists():
        return 0
    before = set(json.loads(path.read_text(encoding="utf-8")))
    client = engine.connect()
    removed: set[str] = set()
    # The engine takes one id per prune request and keeps a record while
    # other records depend on it, so leaves go first. The passes repeat until
    # one removes nothing, or MAX_PASSES is reached.
    for _ in range(MAX_PASSES):
        remaining = sorted(record_ids() - before)
        if not remaining:
            break
        removed_in_pass = set()
        for record_id in remaining:
            try:
                with engine_call(f"prune build cache {record_id}"):
                    result = client.api.prune_builds(
                        filters={"id": [record_id]}, all=True
                    )
            except docker.errors.APIError as error:
                log.warning(
                    "could not remove build cache record %s: %s",
                    record_id,
                    error.explanation,
                )
                continue
            removed_in_pass.update(result.get("CachesDeleted") or [])
        if not removed_in_pass:
            log.warning("%d build cache records could not be removed", len(remaining))
            break
        removed |= removed_in_pass
    path.unlink()
    return len(removed)
