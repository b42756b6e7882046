"""Display helpers for command lines, outputs, tables and images.

All output meant for the learner goes through these functions, so that a
notebook run headlessly shows the same text as one run in JupyterLab.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable, Mapping, Sequence


def show_command(argv: Sequence[str]) -> str:
    """Print a command line as a learner would type it, and return it.

    Example:
        >>> show_command(["docker", "run", "--rm", "busybox:1.35", "echo", "hi"])
        $ docker run --rm busybox:1.35 echo hi
        'docker run --rm busybox:1.35 echo hi'
    """
    line = shlex.join(argv)
    print(f"$ {line}")
    return line


def show_output(text: str) -> None:
    """Print a command's output, without a trailing blank line."""
    text = text.rstrip("\n")
    if text:
        print(text)


class Table:
    """A table that renders as HTML in JupyterLab and as aligned text elsewhere."""

    def __init__(self, frame):
        self.frame = frame

    def _repr_html_(self) -> str:
        return self.frame.to_html(index=False, border=0)

    def __repr__(self) -> str:
        return self.frame.to_string(index=False)


def show_table(
    rows: Iterable[Mapping[str, object]], columns: Sequence[str] | None = None
) -> None:
    """Display rows as a table: HTML in JupyterLab, aligned text elsewhere.

    Example:
        >>> show_table([{"image": "busybox:1.35", "size (MB)": 2.1}])
               image  size (MB)
        busybox:1.35        2.1
    """
    import pandas as pd

    frame = pd.DataFrame(list(rows), columns=list(columns) if columns else None)
    table = Table(frame)
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:
        get_ipython = None
    if get_ipython is not None and get_ipython() is not None:
        display(table)
    else:
        print(repr(table))


def show_image(data: bytes, *, width: int | None = None) -> None:
    """Display an image (PNG, JPEG or GIF bytes) inline."""
    from IPython.display import Image, display

    display(Image(data=data, width=width))


def show_mermaid(source: str) -> None:
    """Display a mermaid diagram, which JupyterLab 4.1 and later render."""
    from IPython.display import Markdown, display

    display(Markdown(f"```mermaid\n{source.strip()}\n```"))
