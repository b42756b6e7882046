"""Tests of the chapter session: labels, leftovers, finish, and helpers without one."""

from __future__ import annotations

import subprocess
import sys

import docker
import pytest
from testsupport import BUSYBOX, REPO_ROOT, TEST_CHAPTER, labelled_resources

import utils
from utils import labels, session
from utils.errors import CourseError

NAME = f"dockercourse-{TEST_CHAPTER}-box"


def test_container_carries_chapter_labels(chapter, client):
    utils.run(BUSYBOX, "true", name=NAME, quiet=True)
    found = client.containers.get(NAME).labels
    assert found[labels.COURSE] == "true"
    assert found[labels.CHAPTER] == TEST_CHAPTER
    assert found[labels.RUN] == chapter.run_id


def test_extra_labels_keep_chapter_labels(chapter, client):
    utils.run(BUSYBOX, "true", name=NAME, labels={"purpose": "test"}, quiet=True)
    found = client.containers.get(NAME).labels
    assert found["purpose"] == "test"
    assert found[labels.CHAPTER] == TEST_CHAPTER


def test_run_ids_differ_between_runs(chapter):
    first = chapter.run_id
    session.finish_chapter()
    second = session.start_chapter(TEST_CHAPTER)
    try:
        assert second.run_id != first
    finally:
        session.finish_chapter()


def test_start_removes_interrupted_run(client, capsys):
    # What a kernel that died mid-chapter leaves: a labelled container of an
    # earlier run, still running, and a file in the chapter's scratch folder.
    leftover = client.containers.run(
        BUSYBOX,
        ["sleep", "300"],
        name=NAME,
        detach=True,
        labels=labels.for_chapter(TEST_CHAPTER, "interrupted"),
    )
    scratch = session.SCRATCH_ROOT / TEST_CHAPTER
    scratch.mkdir(parents=True, exist_ok=True)
    (scratch / "left.txt").write_text("left by the earlier run\n")
    try:
        capsys.readouterr()
        session.start_chapter(TEST_CHAPTER)
        printed = capsys.readouterr().out
        assert "removed what an earlier run left: 1 containers" in printed
        assert "1 scratch files" in printed
        with pytest.raises(docker.errors.NotFound):
            client.containers.get(leftover.id)
        assert list(scratch.iterdir()) == []
    finally:
        session.finish_chapter()
        try:
            leftover.remove(force=True)
        except docker.errors.NotFound:
            pass


def test_start_keeps_other_chapters(client):
    other = client.containers.create(
        BUSYBOX, ["true"], name=NAME, labels=labels.for_chapter("t2", "other")
    )
    try:
        session.start_chapter(TEST_CHAPTER)
        session.finish_chapter()
        assert client.containers.get(other.id).labels[labels.CHAPTER] == "t2"
    finally:
        other.remove(force=True)


def test_finish_reports_removed_counts(chapter, client, capsys):
    utils.run(BUSYBOX, "true", name=NAME, quiet=True)
    utils.run(BUSYBOX, "sleep 300", detach=True, quiet=True)
    (chapter.scratch / "notes.txt").write_text("scratch\n")
    capsys.readouterr()
    removed = session.finish_chapter()
    printed = capsys.readouterr().out
    assert len(removed.containers) == 2
    assert removed.files == 1
    assert f"chapter {TEST_CHAPTER} removed: 2 containers" in printed
    assert "1 scratch files" in printed
    assert labelled_resources(client, TEST_CHAPTER)["containers"] == []


def test_finish_empties_scratch_folder(chapter):
    (chapter.scratch / "sub").mkdir()
    (chapter.scratch / "sub" / "file.txt").write_text("x\n")
    session.finish_chapter()
    assert not chapter.scratch.exists() or list(chapter.scratch.iterdir()) == []


def test_finish_removes_named_volume(chapter, client):
    volume = f"dockercourse-{TEST_CHAPTER}-data"
    utils.run(
        BUSYBOX, "touch /data/file", rm=True, volumes=[f"{volume}:/data"], quiet=True
    )
    removed = session.finish_chapter()
    assert removed.volumes == [volume]
    with pytest.raises(docker.errors.NotFound):
        client.volumes.get(volume)


def test_helper_after_finish_is_course_error(chapter, client):
    session.finish_chapter()
    with pytest.raises(CourseError):
        utils.run(BUSYBOX, "true", name=NAME, quiet=True)
    assert labelled_resources(client, TEST_CHAPTER)["containers"] == []


def test_finish_twice_removes_nothing(chapter):
    session.finish_chapter()
    assert session.finish_chapter().total() == 0


# Helpers that create something need a chapter session for its labels.
NO_SESSION_CALLS = {
    "run": lambda: utils.run(BUSYBOX, "true", quiet=True),
    "create": lambda: utils.create(BUSYBOX, "true", quiet=True),
    "build": lambda: utils.build(REPO_ROOT, "dockercourse-t1-never:1", quiet=True),
    "tag": lambda: utils.tag(BUSYBOX, "dockercourse-t1-never:1", quiet=True),
    "current": session.current,
}


@pytest.mark.parametrize("call", NO_SESSION_CALLS.values(), ids=NO_SESSION_CALLS.keys())
def test_helper_without_session_is_course_error(no_chapter, client, call):
    with pytest.raises(CourseError) as caught:
        call()
    assert "No chapter session" in caught.value.what
    assert "start_chapter" in caught.value.hint
    with pytest.raises(docker.errors.ImageNotFound):
        client.images.get("dockercourse-t1-never:1")


def test_exit_removes_unfinished_chapter(client):
    # A kernel that exits without finish_chapter still cleans up (atexit).
    script = (
        "import utils\n"
        f"utils.start_chapter({TEST_CHAPTER!r})\n"
        f"utils.run({BUSYBOX!r}, 'sleep 300', name={NAME!r}, detach=True, quiet=True)\n"
        "print('started', utils.state(" + repr(NAME) + "))\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert "started running" in completed.stdout
    assert labelled_resources(client, TEST_CHAPTER)["containers"] == []


def test_finish_chapter_quiet_prints_nothing(capsys):
    session.start_chapter("t1q", quiet=True)
    session.finish_chapter(quiet=True)
    assert capsys.readouterr().out == ""
