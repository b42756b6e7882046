"""Refreshing a notebook hides what its solution cells print."""

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

from utils.nightly import hide_solution_outputs, notebooks


def test_hide_solution_outputs_clears_and_tags():
    solution = new_code_cell("print('answer')")
    solution.metadata["tags"] = ["solution"]
    solution.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="answer\n")
    ]
    other = new_code_cell("print('shown')")
    other.outputs = [nbformat.v4.new_output("stream", name="stdout", text="shown\n")]
    document = new_notebook(cells=[solution, other])
    assert hide_solution_outputs(document) == 1
    assert solution.outputs == []
    assert "nbval-ignore-output" in solution.metadata["tags"]
    assert other.outputs != []


def test_notebooks_are_in_chapter_order():
    names = [path.name for path in notebooks()]
    assert names == sorted(names)
    assert names[0].startswith("01_")
