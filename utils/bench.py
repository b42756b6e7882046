"""The benchmark: notebook times, stand-in sizes and the helpers' overhead.

It prints its figures and asserts nothing; ``make bench`` runs it. The
overhead figure runs ``busybox:1.35 true`` the same number of times three
ways (the docker CLI, the Docker SDK, the course's ``run`` helper) and
reports each median and its ratio to the raw ones.
"""

from __future__ import annotations

import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from . import catalog, engine, ensure, labels, session
from .containers import run
from .display import show_table

BENCH_IMAGE = "busybox:1.35"


def _median_seconds(action, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def overhead(repeat: int) -> list[dict[str, object]]:
    """Time ``run busybox true`` through the CLI, the SDK and the helper."""
    client = engine.connect()
    bench_labels = labels.for_chapter("bench", "bench")
    label_flags = [
        flag
        for key, value in bench_labels.items()
        for flag in ("--label", f"{key}={value}")
    ]

    def cli() -> None:
        subprocess.run(
            ["docker", "run", "--rm", *label_flags, BENCH_IMAGE, "true"],
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def sdk() -> None:
        client.containers.run(BENCH_IMAGE, "true", remove=True, labels=bench_labels)

    def helper() -> None:
        run(BENCH_IMAGE, "true", rm=True, quiet=True)

    session.start_chapter("bench", quiet=True)
    try:
        figures = {
            "docker CLI": _median_seconds(cli, repeat),
            "Docker SDK": _median_seconds(sdk, repeat),
            "course helper run()": _median_seconds(helper, repeat),
        }
    finally:
        session.finish_chapter(quiet=True)
    return [
        {
            "way": way,
            "median (s)": round(seconds, 3),
            "vs CLI": round(seconds / figures["docker CLI"], 2),
            "vs SDK": round(seconds / figures["Docker SDK"], 2),
        }
        for way, seconds in figures.items()
    ]


def standin_sizes() -> list[dict[str, object]]:
    """Return each catalog image's size and whether it is a stand-in."""
    rows = []
    for entry in catalog.CATALOG:
        image = ensure.local_image(entry.reference)
        if image is None:
            rows.append(
                {"image": entry.reference, "stand-in": "missing", "size (MB)": None}
            )
            continue
        is_standin = catalog.STANDIN_LABEL in (
            (image.attrs.get("Config") or {}).get("Labels") or {}
        )
        rows.append(
            {
                "image": entry.reference,
                "stand-in": "yes" if is_standin else "no",
                "size (MB)": round(image.attrs.get("Size", 0) / 1e6, 1),
            }
        )
    return rows


def notebook_times() -> list[dict[str, object]]:
    """Execute every notebook once and return its time."""
    from .nightly import execute, notebooks

    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for notebook in notebooks():
            record = execute(notebook, Path(folder) / notebook.name)
            rows.append(
                {
                    "notebook": notebook.name,
                    "passed": record["passed"],
                    "seconds": record["seconds"],
                }
            )
    return rows


def main(*, repeat: int = 20, notebooks: bool = True) -> int:
    version = engine.connect().version()
    print(
        f"engine: Docker Engine {version['Version']} "
        f"on {version['Os']}/{version['Arch']}"
    )
    print("\nstand-in and image sizes")
    show_table(standin_sizes())
    print(
        f"\nhelper overhead: {repeat} x `docker run --rm {BENCH_IMAGE} true` each way"
    )
    show_table(overhead(repeat))
    if notebooks:
        print("\nnotebook execution times (papermill, one kernel each)")
        show_table(notebook_times())
    return 0
