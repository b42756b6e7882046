"""Fixtures of the unit tests, which drive the real Docker engine.

Every test that creates something runs inside a chapter session under the
test-only chapter number ``TEST_CHAPTER``. No image is listed for that
chapter, so starting it ensures nothing and is quick. After each such test,
the fixture finishes the chapter and checks that nothing labelled remains.
"""

from __future__ import annotations

import docker
import pytest
from testsupport import TEST_CHAPTER, labelled_resources

from utils import engine, session


@pytest.fixture(scope="session")
def client() -> docker.DockerClient:
    return engine.connect()


@pytest.fixture
def chapter(client):
    """Start the test chapter, then finish it and check that nothing remains."""
    started = session.start_chapter(TEST_CHAPTER)
    yield started
    if not started.finished:
        session.finish_chapter()
    assert labelled_resources(client, TEST_CHAPTER) == {
        "containers": [],
        "networks": [],
        "volumes": [],
        "images": [],
    }
    assert not started.scratch.exists()


@pytest.fixture
def no_chapter(monkeypatch):
    """Run the test as if no chapter had been started in this process."""
    monkeypatch.setattr(session, "_current", None)
