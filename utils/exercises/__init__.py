"""Exercise checkers, one module per chapter.

Each checker inspects the real engine, prints ✓ with what it verified or ✗
with a hint, and returns True or False.
"""

from __future__ import annotations

import os
from collections.abc import Callable

Checker = Callable[[], tuple[bool, str]]


def run_solutions() -> bool:
    """Return True when the hidden solution cells should run.

    The test suite and the nightly run set ``DOCKER_COURSE_RUN_SOLUTIONS=1``
    to prove every checker. A learner's own run leaves the exercises to them.
    """
    return os.environ.get("DOCKER_COURSE_RUN_SOLUTIONS") == "1"


class Verdict:
    """A checker's result: true when the exercise passed.

    The checker printed its verdict already, so a notebook cell that ends
    with ``check(n)`` shows nothing more.
    """

    def __init__(self, passed: bool):
        self.passed = passed

    def __bool__(self) -> bool:
        return self.passed

    def __eq__(self, other: object) -> bool:
        return self.passed == bool(other)

    def __hash__(self) -> int:
        return hash(self.passed)

    def __repr__(self) -> str:
        return repr(self.passed)

    def _ipython_display_(self) -> None:
        return None


def report(number: int, checker: Checker) -> Verdict:
    """Run one checker and print its verdict in the notebook's language."""
    try:
        passed, message = checker()
    except Exception as error:  # a checker returns a verdict even on a broken engine
        passed, message = False, f"检查时出错：{type(error).__name__}: {error}"
    mark = "✓" if passed else "✗"
    print(f"{mark} 练习 {number}：{message}")
    return Verdict(passed)
