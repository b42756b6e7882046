"""Find what the course left on the engine: anything labelled, except stand-ins."""

from __future__ import annotations

from . import engine, labels


def find_leftovers() -> dict[str, list[str]]:
    """Return the names of labelled resources, grouped by kind.

    The keys are the kinds: "container", "network", "volume" and "image".
    """
    client = engine.connect()
    filters = labels.chapter_filter(None)
    return {
        "container": [
            c.name for c in client.containers.list(all=True, filters=filters)
        ],
        "network": [n.name for n in client.networks.list(filters=filters)],
        "volume": [v.name for v in client.volumes.list(filters=filters)],
        "image": [
            (i.tags or [i.short_id])[0]
            for i in client.images.list(all=True, filters=filters)
        ],
    }
