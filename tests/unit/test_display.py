"""Tests of what the helpers print, of the result object and of the label filters."""

from __future__ import annotations

from utils import labels
from utils.display import show_command, show_output, show_table
from utils.result import Result


def test_show_command_quotes_arguments(capsys):
    line = show_command(
        ["docker", "run", "-e", "A=1 2", "busybox:1.35", "echo", "$HOME"]
    )
    assert line == "docker run -e 'A=1 2' busybox:1.35 echo '$HOME'"
    assert capsys.readouterr().out == f"$ {line}\n"


def test_show_output_drops_trailing_newlines(capsys):
    show_output("one\ntwo\n\n")
    assert capsys.readouterr().out == "one\ntwo\n"


def test_show_output_prints_nothing_for_empty(capsys):
    show_output("\n")
    assert capsys.readouterr().out == ""


def test_show_table_prints_text_outside_ipython(capsys):
    show_table([{"image": "busybox:1.35", "size (MB)": 2.0}])
    printed = capsys.readouterr().out.splitlines()
    assert len(printed) == 2
    assert printed[0].split() == ["image", "size", "(MB)"]
    assert printed[1].split() == ["busybox:1.35", "2.0"]


def test_result_ok_follows_exit_code():
    assert Result("docker run busybox:1.35 true").ok is True
    assert Result("docker run busybox:1.35 false", exit_code=1).ok is False


def test_result_to_dict_holds_fields():
    result = Result("docker ps", 0, "out\n", id="abc", name="box", seconds=0.5)
    assert result.to_dict() == {
        "command": "docker ps",
        "exit_code": 0,
        "output": "out\n",
        "id": "abc",
        "name": "box",
        "seconds": 0.5,
        "data": None,
    }


def test_chapter_labels_name_chapter_and_run():
    assert labels.for_chapter("t1", "run1") == {
        "dockercourse": "true",
        "dockercourse.chapter": "t1",
        "dockercourse.run": "run1",
    }


def test_chapter_filter_with_and_without_chapter():
    assert labels.chapter_filter("t1") == {"label": ["dockercourse.chapter=t1"]}
    assert labels.chapter_filter() == {"label": ["dockercourse.chapter"]}
