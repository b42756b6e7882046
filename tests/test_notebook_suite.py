"""The test runner and the notebooks cannot drift apart.

Every chapter notebook must be collected by the suite's nbval run, have no
cell skipped, and be committed with the outputs of a real run.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _source(cell: dict) -> str:
    source = cell["source"]
    return source if isinstance(source, str) else "".join(source)


def test_notebooks_exist():
    assert NOTEBOOKS, "no notebooks found in notebooks/"


def test_every_notebook_is_collected():
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "notebooks"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    collected = {
        line.split("::")[0] for line in result.stdout.splitlines() if "::" in line
    }
    missing = [p.name for p in NOTEBOOKS if f"notebooks/{p.name}" not in collected]
    assert missing == [], result.stdout[-2000:] + result.stderr[-2000:]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_has_no_skipped_cells(path):
    skipped = [
        index
        for index, cell in enumerate(_cells(path))
        if cell["cell_type"] == "code" and "NBVAL_SKIP" in _source(cell)
    ]
    assert skipped == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_executed(path):
    unexecuted = [
        index
        for index, cell in enumerate(_cells(path))
        if cell["cell_type"] == "code"
        and _source(cell).strip()
        and not _source(cell).strip().startswith("# 在这里写你的答案")
        and cell.get("execution_count") is None
    ]
    assert unexecuted == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_ignored_outputs_say_why(path):
    unexplained = []
    for index, cell in enumerate(_cells(path)):
        lines = _source(cell).splitlines()
        for number, line in enumerate(lines):
            if line.strip() == "# NBVAL_IGNORE_OUTPUT":
                reason = lines[number + 1] if number + 1 < len(lines) else ""
                if not reason.startswith("# ") or len(reason) < 10:
                    unexplained.append(index)
    assert unexplained == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_starts_and_finishes_chapter(path):
    code = [_source(cell) for cell in _cells(path) if cell["cell_type"] == "code"]
    assert "start_chapter(" in code[0]
    assert code[-1].strip() == "finish_chapter()"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_solution_cells_are_hidden(path):
    solutions = [
        cell
        for cell in _cells(path)
        if "solution" in cell.get("metadata", {}).get("tags", [])
    ]
    assert solutions, "every chapter ends with exercises that have solution cells"
    for cell in solutions:
        assert cell["metadata"].get("jupyter", {}).get("source_hidden") is True
        assert cell["outputs"] == []
        assert "nbval-ignore-output" in cell["metadata"]["tags"]
