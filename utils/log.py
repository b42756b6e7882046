"""The package's loggers and the one choke point that logs every engine call.

Set ``DOCKER_COURSE_LOG=DEBUG`` to log each call the helpers make. The
notebook's visible output goes through the display helpers instead.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

T = TypeVar("T")

_root = logging.getLogger("utils")
if not _root.handlers:
    _handler = logging.StreamHandler()
    _handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    _root.addHandler(_handler)
    _root.setLevel(os.environ.get("DOCKER_COURSE_LOG", "WARNING").upper())
    _root.propagate = False


def get_logger(name: str) -> logging.Logger:
    """Return the logger of one module of the package."""
    return logging.getLogger(name if name.startswith("utils") else f"utils.{name}")


_engine_log = get_logger("utils.engine_calls")


@contextmanager
def engine_call(description: str) -> Iterator[None]:
    """Log one engine call at debug level, with how long it took."""
    started = time.perf_counter()
    _engine_log.debug("start: %s", description)
    try:
        yield
    except Exception as error:
        _engine_log.debug(
            "failed after %.3f s: %s: %r",
            time.perf_counter() - started,
            description,
            error,
        )
        raise
    _engine_log.debug("done in %.3f s: %s", time.perf_counter() - started, description)


def logged(description: str, call: Callable[[], T]) -> T:
    """Run ``call`` inside :func:`engine_call` and return its result."""
    with engine_call(description):
        return call()
