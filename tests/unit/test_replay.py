"""Replay mode: with no engine, a notebook shows its recorded outputs."""

import os
from pathlib import Path

import nbclient
import nbformat
import pytest

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "01_basics.ipynb"


def _text(cell) -> str:
    parts = []
    for output in cell.outputs:
        if output.output_type == "stream":
            parts.append(output.text)
        elif "data" in output:
            parts.append(output.data.get("text/plain", ""))
    return "".join(parts)


@pytest.fixture
def replayed(monkeypatch):
    monkeypatch.setenv("DOCKER_HOST", "unix:///nonexistent/docker.sock")
    monkeypatch.setenv("DOCKER_COURSE_REPLAY", "1")
    monkeypatch.setenv("DOCKER_COURSE_NOTEBOOK", str(NOTEBOOK))
    document = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(
        document,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    )
    client.execute(env=dict(os.environ))
    return document


def test_replay_runs_without_errors(replayed):
    errors = [
        index
        for index, cell in enumerate(replayed.cells)
        if cell.cell_type == "code"
        and any(output.output_type == "error" for output in cell.outputs)
    ]
    assert errors == []


def test_replay_first_cell_says_so(replayed):
    first_code = next(cell for cell in replayed.cells if cell.cell_type == "code")
    assert "回放模式" in _text(first_code)


def test_replay_shows_recorded_outputs(replayed):
    recorded = nbformat.read(NOTEBOOK, as_version=4)
    pairs = [
        (new, old)
        for new, old in zip(replayed.cells, recorded.cells, strict=False)
        if new.cell_type == "code"
    ][1:]
    different = [old.source[:60] for new, old in pairs if _text(new) != _text(old)]
    assert different == []


def test_replay_touches_no_engine_resources(replayed):
    assert not (NOTEBOOK.parent / "scratch" / "01").exists()
