"""The small plain object every command helper returns."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Result:
    """The outcome of one command: the CLI line shown, its exit code and output.

    The command helpers print the line and the output as they run, so a
    notebook cell that ends with a helper call does not print them twice.

    Attributes:
        command: The equivalent ``docker ...`` command line.
        exit_code: The command's exit code (0 for success).
        output: The command's output, stdout and stderr together.
        id: The id of the container or image the command created or used.
        name: The name of that container or the tag of that image.
        seconds: How long the command took, measured by the helper.
        data: Anything structured the command returned (a dict or list).
    """

    command: str
    exit_code: int = 0
    output: str = ""
    id: str | None = None
    name: str | None = None
    seconds: float = 0.0
    data: Any = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        return self.exit_code == 0

    def to_dict(self) -> dict[str, Any]:
        """Return the result as plain data, for recording a run."""
        return asdict(self)

    def __post_init__(self) -> None:
        self._shown_in_cell = _execution_count()

    def _ipython_display_(self) -> None:
        # The helper printed the command and its output while it ran. They are
        # shown again only when a later cell evaluates the result.
        if (
            self._shown_in_cell is not None
            and self._shown_in_cell == _execution_count()
        ):
            return
        print(f"$ {self.command}")
        if self.output:
            print(self.output.rstrip("\n"))
        print(f"(exit code {self.exit_code})")


class _ShownInCell:
    """Mixin for values a helper has already printed: no echo in the same cell."""

    def _ipython_display_(self) -> None:
        if (
            self._shown_in_cell is not None
            and self._shown_in_cell == _execution_count()
        ):
            return
        from IPython.display import display

        display(self._plain())


class ShownList(_ShownInCell, list):
    """A list a helper printed, shown again when a later cell evaluates it."""

    def __init__(self, items=()):
        super().__init__(items)
        self._shown_in_cell = _execution_count()

    def _plain(self):
        return list(self)


class ShownDict(_ShownInCell, dict):
    """A dict a helper printed, shown again when a later cell evaluates it."""

    def __init__(self, items=()):
        super().__init__(items)
        self._shown_in_cell = _execution_count()

    def _plain(self):
        return dict(self)


def shown(value):
    """Wrap a list or dict that a helper printed, and return other values unchanged."""
    if isinstance(value, dict):
        return ShownDict(value)
    if isinstance(value, list):
        return ShownList(value)
    return value


def _execution_count() -> int | None:
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    shell = get_ipython()
    return None if shell is None else shell.execution_count
