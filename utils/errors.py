"""The package's one exception tree.

Every error a learner can meet states what failed in one sentence, shows the
evidence (the command, the exit code, the last log lines), and ends with one
line that suggests what to try next. In a notebook, :func:`install_notebook_handler`
shows these errors as that short message instead of a traceback.
"""

from __future__ import annotations

from collections.abc import Sequence


class CourseError(Exception):
    """Base class of every error the helpers raise on purpose.

    Args:
        what: One sentence that states what failed.
        evidence: Lines that show why (command, exit code, log lines).
        hint: One line that suggests what to try next.
    """

    def __init__(self, what: str, *, evidence: Sequence[str] = (), hint: str = ""):
        self.what = what
        self.evidence = [line for line in evidence if line is not None]
        self.hint = hint
        super().__init__(self.message())

    def message(self) -> str:
        """Return the full text: what failed, the evidence, and the hint."""
        lines = [self.what]
        lines += [f"  | {line}" for line in self.evidence]
        if self.hint:
            lines.append(f"Hint: {self.hint}")
        return "\n".join(lines)


class EngineUnavailable(CourseError):
    """No Docker engine responded."""


class ImageUnavailable(CourseError):
    """An image could neither be found, pulled, nor built from its stand-in."""


class CommandFailed(CourseError):
    """A command exited with a non-zero code, inside a container or on the CLI."""

    def __init__(
        self,
        what: str,
        *,
        exit_code: int,
        output: str = "",
        command: str = "",
        hint: str = "",
    ):
        self.exit_code = exit_code
        self.output = output
        self.command = command
        evidence = []
        if command:
            evidence.append(f"command: {command}")
        evidence.append(f"exit code: {exit_code}")
        evidence += last_lines(output, 12)
        super().__init__(what, evidence=evidence, hint=hint)


class BuildFailed(CommandFailed):
    """An image build failed; the evidence names the failing step and its log."""


class PortInUse(CourseError):
    """A host port requested for publishing is already taken."""


class WaitTimeout(CourseError):
    """A wait timed out before its condition was met."""


def last_lines(text: str, count: int) -> list[str]:
    """Return the last ``count`` non-empty lines of ``text``."""
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) > count:
        return [f"... ({len(lines) - count} earlier lines)"] + lines[-count:]
    return lines


def install_notebook_handler() -> bool:
    """Show :class:`CourseError` in IPython as its short message, not a traceback.

    Returns True when an IPython shell was found and the handler installed.
    The error still counts as an error for the kernel, so nbval and papermill
    see it.
    """
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    if shell is None:
        return False

    def show_short(shell, etype, value, tb, tb_offset=None):
        # IPython discards what a custom handler returns, so the handler sends
        # the error itself. The kernel's error message keeps ename and evalue
        # for nbval and papermill, and its traceback is the short message.
        structured = [f"{etype.__name__}: {value.message()}"]
        shell._showtraceback(etype, value, structured)
        return structured

    shell.set_custom_exc((CourseError,), show_short)
    return True
