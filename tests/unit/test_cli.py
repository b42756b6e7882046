"""Tests of the command line, ``python -m utils``, run as a learner would run it."""

from __future__ import annotations

import docker
import pytest
from testsupport import BUSYBOX, TEST_CHAPTER, labelled_resources, run_cli

from utils import catalog, labels
from utils.leftovers import find_leftovers

NAME = f"dockercourse-{TEST_CHAPTER}-box"


@pytest.fixture
def leftover(client):
    """Create a container labelled by an earlier run of the test chapter."""
    container = client.containers.create(
        BUSYBOX, ["true"], name=NAME, labels=labels.for_chapter(TEST_CHAPTER, "earlier")
    )
    yield container
    try:
        container.remove(force=True)
    except docker.errors.NotFound:
        pass


def test_images_unknown_chapter_exits_two():
    completed = run_cli("images", "--chapter", "99")
    assert completed.returncode == 2
    assert completed.stderr.startswith("error: No images are listed for chapter '99'.")
    assert "01" in completed.stderr
    assert "Traceback" not in completed.stderr


def test_images_of_chapter_are_ready():
    completed = run_cli("images", "--chapter", "02")
    header, *lines = completed.stdout.splitlines()
    assert completed.returncode == 0
    assert header.split()[:2] == ["image", "status"]
    assert [line.split()[0] for line in lines] == catalog.for_chapter("02")
    assert all(line.split()[1] == "ready" for line in lines)


def test_catalog_lists_every_image():
    completed = run_cli("catalog")
    lines = completed.stdout.splitlines()
    assert completed.returncode == 0
    assert [line.split()[0] for line in lines] == [e.reference for e in catalog.CATALOG]
    assert all(line.endswith("present") for line in lines)


def test_leftovers_lists_labelled_container(leftover):
    completed = run_cli("leftovers")
    assert completed.returncode == 1
    assert f"container: {NAME}" in completed.stdout.splitlines()


def test_leftovers_exits_zero_when_clean():
    found = find_leftovers()
    if any(found.values()):
        pytest.skip(f"another run left labelled resources on this engine: {found}")
    completed = run_cli("leftovers")
    assert completed.returncode == 0
    assert completed.stdout == "nothing left\n"


def test_clean_chapter_removes_leftover(client, leftover):
    completed = run_cli("clean", "--chapter", TEST_CHAPTER)
    assert completed.returncode == 0
    assert completed.stdout.startswith("removed 1 container, 0 networks, 0 volumes")
    assert labelled_resources(client, TEST_CHAPTER)["containers"] == []


def test_unknown_command_exits_two():
    completed = run_cli("no-such-command")
    assert completed.returncode == 2
    assert "invalid choice" in completed.stderr
