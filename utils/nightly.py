"""Execute notebooks with papermill: the nightly run and refreshing committed outputs.

The nightly run executes every notebook in its own kernel, stores the
executed copies, and writes a report (pass or fail, time per notebook and
per cell, and what the course left on the engine).
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from .errors import CourseError
from .log import get_logger

log = get_logger(__name__)

NOTEBOOK_DIR = Path(__file__).resolve().parent.parent / "notebooks"


def notebooks() -> list[Path]:
    """Return the course's notebooks in chapter order."""
    return sorted(NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb"))


def execute(notebook: Path, output: Path, *, timeout: int = 600) -> dict[str, object]:
    """Execute one notebook into ``output`` and return its timing record.

    Solution cells run (``DOCKER_COURSE_RUN_SOLUTIONS=1``) so that every
    exercise checker is exercised. The kernel's working folder is the
    notebooks folder, as in JupyterLab.
    """
    import papermill
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    os.environ["DOCKER_COURSE_RUN_SOLUTIONS"] = "1"
    started = time.perf_counter()
    error = None
    try:
        papermill.execute_notebook(
            str(notebook),
            str(output),
            cwd=str(notebook.parent),
            kernel_name="python3",
            execution_timeout=timeout,
            progress_bar=False,
        )
    except papermill.PapermillExecutionError as failure:
        error = f"cell {failure.cell_index}: {failure.ename}: {failure.evalue}"
    except (CellTimeoutError, DeadKernelError) as failure:
        error = f"{type(failure).__name__}: {str(failure)[:300]}"
    seconds = time.perf_counter() - started
    cells = []
    if output.exists():
        executed = json.loads(output.read_text(encoding="utf-8"))
        for index, cell in enumerate(executed["cells"]):
            timing = cell.get("metadata", {}).get("papermill", {})
            if cell["cell_type"] == "code" and timing.get("duration") is not None:
                cells.append({"cell": index, "seconds": round(timing["duration"], 2)})
    return {
        "notebook": notebook.name,
        "passed": error is None,
        "error": error,
        "seconds": round(seconds, 1),
        "cells": cells,
    }


def hide_solution_outputs(document) -> int:
    """Clear the outputs of solution cells and mark them for nbval to skip.

    Solution cells run in every executed copy, so that the checkers are
    proven, but their printed commands would give the answers away in the
    committed notebook. Returns how many cells were changed.
    """
    changed = 0
    for cell in document.cells:
        tags = cell.metadata.get("tags", [])
        if "solution" not in tags:
            continue
        cell.outputs = []
        if "nbval-ignore-output" not in tags:
            cell.metadata["tags"] = [*tags, "nbval-ignore-output"]
        changed += 1
    return changed


def refresh(notebook: Path, *, timeout: int = 600) -> dict[str, object]:
    """Execute a notebook in place, so its committed outputs come from a real run."""
    import nbformat

    record = execute(notebook, notebook, timeout=timeout)
    # papermill adds its own metadata, which is stripped so that a re-run
    # changes only outputs.
    document = nbformat.read(notebook, as_version=4)
    document.metadata.pop("papermill", None)
    for cell in document.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
    hide_solution_outputs(document)
    nbformat.write(document, notebook)
    if not record["passed"]:
        raise CourseError(
            f"{notebook.name} failed while refreshing its outputs.",
            evidence=[str(record["error"])],
            hint="open the notebook, fix the failing cell, and refresh again.",
        )
    return record


def run_nightly(out: str, *, timeout: int = 600) -> int:
    """Execute every notebook and write ``report.json`` and ``report.md`` into ``out``.

    Returns 1 when a notebook failed or left resources on the engine, else 0.
    """
    from .leftovers import find_leftovers

    out_dir = Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    records = []
    for notebook in notebooks():
        print(f"executing {notebook.name} ...", flush=True)
        record = execute(notebook, out_dir / notebook.name, timeout=timeout)
        record["left_behind"] = {
            kind: names for kind, names in find_leftovers().items() if names
        }
        records.append(record)
        verdict = "passed" if record["passed"] else f"FAILED ({record['error']})"
        print(f"  {verdict} in {record['seconds']} s", flush=True)
    (out_dir / "report.json").write_text(
        json.dumps(records, indent=2, ensure_ascii=False), encoding="utf-8"
    )
    lines = [
        "# Nightly run",
        "",
        "| notebook | result | seconds | slowest cell | left behind |",
        "|---|---|---|---|---|",
    ]
    for record in records:
        slowest = max(record["cells"], key=lambda cell: cell["seconds"], default=None)
        slowest_text = (
            f"#{slowest['cell']} ({slowest['seconds']} s)" if slowest else "-"
        )
        left = (
            ", ".join(f"{len(v)} {k}" for k, v in record["left_behind"].items())
            or "nothing"
        )
        lines.append(
            f"| {record['notebook']} | {'pass' if record['passed'] else 'FAIL'} | "
            f"{record['seconds']} | {slowest_text} | {left} |"
        )
    (out_dir / "report.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"report: {out_dir / 'report.md'}")
    failed = [r for r in records if not r["passed"] or r["left_behind"]]
    return 1 if failed else 0
