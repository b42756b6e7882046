"""Runs last: the suite must leave nothing the course labelled on the engine."""

from utils import session
from utils.leftovers import find_leftovers


def test_no_labelled_containers_left():
    assert find_leftovers()["container"] == []


def test_no_labelled_networks_left():
    assert find_leftovers()["network"] == []


def test_no_labelled_volumes_left():
    assert find_leftovers()["volume"] == []


def test_no_labelled_images_left():
    assert find_leftovers()["image"] == []


def test_no_scratch_files_left():
    leftover = [
        path
        for path in session.SCRATCH_ROOT.rglob("*")
        if path.is_file() and session.BUILD_CACHE_SNAPSHOTS not in path.parents
    ]
    assert leftover == []


def test_no_build_cache_snapshots_left():
    snapshots = list(session.BUILD_CACHE_SNAPSHOTS.glob("*.json"))
    assert snapshots == []
