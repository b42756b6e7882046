"""Tests of events, the timeline plot and the health-check wait."""

from __future__ import annotations

import pytest
from testsupport import BUSYBOX, TEST_CHAPTER

from utils import kill, observe, run
from utils.errors import CourseError, WaitTimeout

NAME = f"dockercourse-{TEST_CHAPTER}-watched"


def test_events_returns_a_container_lifecycle_in_order(chapter):
    since = observe.now()
    run(BUSYBOX, "sleep 30", name=NAME, detach=True)
    kill(NAME)
    found = observe.events(since, container=NAME)
    actions = [event.action for event in found]
    assert actions[:2] == ["create", "start"]
    assert actions[-2:] == ["kill", "die"]
    assert found[-1].attributes["exitCode"] == "137"


def test_plot_timeline_draws_one_row_per_action(chapter):
    since = observe.now()
    run(BUSYBOX, "true", name=NAME)
    fig = observe.plot_timeline(observe.events(since, container=NAME), "t")
    labels = [tick.get_text() for tick in fig.axes[0].get_yticklabels()]
    assert labels == ["create", "start", "die"]


def test_plot_timeline_without_events_fails():
    with pytest.raises(CourseError, match="no events"):
        observe.plot_timeline([], "empty")


def test_wait_for_health_needs_a_health_check(chapter):
    run(BUSYBOX, "sleep 30", name=NAME, detach=True, quiet=True)
    with pytest.raises(CourseError, match="no health check"):
        observe.wait_for_health(NAME, "healthy")


def test_wait_for_health_timeout_shows_checks(chapter, client):
    client.containers.run(
        BUSYBOX,
        "sleep 30",
        name=NAME,
        detach=True,
        labels=chapter.labels,
        healthcheck={"test": ["CMD", "false"], "interval": 200_000_000, "retries": 1},
    )
    assert observe.wait_for_health(NAME, "unhealthy", timeout=20) >= 0
    with pytest.raises(WaitTimeout, match="did not become healthy"):
        observe.wait_for_health(NAME, "healthy", timeout=1)
