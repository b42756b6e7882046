"""One look for every plot in the course.

Each plot states what was measured, in which unit, and on what engine. Use
:func:`figure` to start one and :func:`caption` for the measuring setup.
Text in plots is English because the default matplotlib fonts have no
Chinese glyphs, and a missing glyph prints a warning into the notebook.
"""

from __future__ import annotations

from contextlib import contextmanager

import matplotlib

COURSE_STYLE = {
    "figure.figsize": (7.0, 3.8),
    "figure.dpi": 100,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 12,
    "axes.titleweight": "bold",
    "axes.labelsize": 10,
    "legend.frameon": False,
    "axes.prop_cycle": matplotlib.cycler(
        color=["#1d63ed", "#e8590c", "#2b8a3e", "#862e9c", "#868e96"]
    ),
    "svg.hashsalt": "docker-course",
}


@contextmanager
def course_style():
    """Apply the course's plot style inside a ``with`` block."""
    import matplotlib.pyplot as plt

    with plt.rc_context(COURSE_STYLE):
        yield


def figure(title: str, xlabel: str, ylabel: str, *, ncols: int = 1):
    """Start a figure in the course's style and return ``(fig, ax)``.

    Example:
        >>> fig, ax = figure(
        ...     "Start-to-exit time", "seconds", "containers"
        ... )  # doctest: +SKIP
    """
    import matplotlib.pyplot as plt

    with plt.rc_context(COURSE_STYLE):
        fig, ax = plt.subplots(
            ncols=ncols, figsize=(7.0 * (1 if ncols == 1 else 0.75 * ncols), 3.8)
        )
    axes = ax if ncols > 1 else [ax]
    for subplot in axes:
        subplot.set_xlabel(xlabel)
        subplot.set_ylabel(ylabel)
        subplot.grid(True, alpha=0.3)
        subplot.spines["top"].set_visible(False)
        subplot.spines["right"].set_visible(False)
    fig.suptitle(title, fontweight="bold", fontsize=12)
    return fig, ax


def caption(fig, text: str) -> None:
    """Write a small note under a figure: what was measured, and on what."""
    fig.text(0.01, 0.005, text, fontsize=8, color="#555555", ha="left", va="bottom")
    fig.tight_layout(rect=(0, 0.05, 1, 1))
