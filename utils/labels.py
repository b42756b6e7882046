"""The labels that mark everything the course creates, set in one place.

Cleanup finds resources by these labels, never by name.
"""

from __future__ import annotations

COURSE = "dockercourse"
CHAPTER = "dockercourse.chapter"
RUN = "dockercourse.run"


def for_chapter(chapter: str, run: str) -> dict[str, str]:
    """Return the labels of a resource created by ``chapter`` during ``run``."""
    return {COURSE: "true", CHAPTER: chapter, RUN: run}


def chapter_filter(chapter: str | None = None) -> dict[str, list[str]]:
    """Return an engine filter for one chapter's resources.

    With ``chapter=None`` the filter matches the resources of every chapter.
    """
    if chapter is None:
        # The key alone matches every value, so a resource labelled with a
        # chapter but not the course label is found too.
        return {"label": [CHAPTER]}
    return {"label": [f"{CHAPTER}={chapter}"]}
