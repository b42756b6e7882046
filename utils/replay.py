"""Replay mode: show a notebook's recorded outputs where no engine exists.

Binder gives no Docker engine. There, ``start_chapter`` turns replay mode
on instead of failing: every later cell is not executed but shows the
outputs that the committed notebook recorded from a real run. Set
``DOCKER_COURSE_REPLAY=1`` to use the same mode elsewhere.

The notebook's path comes from ``JPY_SESSION_NAME``, which Jupyter Server 2
sets for each kernel, or from ``DOCKER_COURSE_NOTEBOOK``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from .log import get_logger

log = get_logger(__name__)

NOTICE = (
    "回放模式：这里没有 Docker engine（例如在 Binder 上），所以后面的单元不会真正执行，"
    "而是显示本笔记本在一次真实运行中记录下来的输出。"
    "要亲手运行，请在本机或 Codespaces 中打开课程。"
)
EDITED = "（回放模式：这个单元与记录时不同，没有可显示的输出。）"


def requested() -> bool:
    """Return True where replay mode should replace a missing engine."""
    from .engine import on_binder

    return on_binder() or os.environ.get("DOCKER_COURSE_REPLAY") == "1"


def notebook_path() -> Path | None:
    """Return the path of the notebook this kernel runs, or None when unknown."""
    for variable in ("DOCKER_COURSE_NOTEBOOK", "JPY_SESSION_NAME"):
        value = os.environ.get(variable)
        if value and value.endswith(".ipynb") and Path(value).is_file():
            return Path(value)
    return None


def enable() -> bool:
    """Replace the execution of every later cell with its recorded outputs.

    Returns False outside IPython or when the notebook file is unknown.
    """
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    path = notebook_path()
    if shell is None or path is None:
        return False

    def replace_with_replay(lines: list[str]) -> list[str]:
        source = "".join(lines)
        return [
            "__import__('utils.replay').replay.show_recorded("
            f"{source!r}, {str(path)!r})\n"
        ]

    shell.input_transformers_cleanup.insert(0, replace_with_replay)
    print(NOTICE)
    return True


def show_recorded(source: str, path: str) -> None:
    """Show the recorded outputs of the code cell whose source is ``source``."""
    import nbformat
    from IPython.display import publish_display_data

    document = nbformat.read(path, as_version=4)
    expected = source.strip()
    for cell in document.cells:
        if cell.cell_type == "code" and cell.source.strip() == expected:
            break
    else:
        print(EDITED)
        return
    for output in cell.get("outputs", []):
        kind = output.get("output_type")
        if kind == "stream":
            stream = sys.stderr if output.get("name") == "stderr" else sys.stdout
            stream.write(output.get("text", ""))
        elif kind in ("display_data", "execute_result"):
            publish_display_data(
                dict(output.get("data", {})), dict(output.get("metadata", {}))
            )
        elif kind == "error":
            print("\n".join(output.get("traceback", [])), file=sys.stderr)
