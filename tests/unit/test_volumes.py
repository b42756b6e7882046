"""Tests of the volume helpers and mounts() against the real engine."""

from __future__ import annotations

import pytest
from testsupport import BUSYBOX, TEST_CHAPTER

from utils import labels, volumes
from utils.containers import rm, run
from utils.errors import CourseError

VOLUME = f"dockercourse-{TEST_CHAPTER}-notes"
BOX = f"dockercourse-{TEST_CHAPTER}-volbox"


def test_volume_create_labels_volume(
    chapter, client, capsys
):
    volumes.volume_create(VOLUME)
    printed = capsys.readouterr().out.splitlines()
    assert printed[0].startswith("$ docker volume create --label dockercourse=true")
    assert printed[-1] == VOLUME
    assert client.volumes.get(VOLUME).attrs["Labels"][labels.CHAPTER] == TEST_CHAPTER


def test_volume_ls_filters_by_label_and_name(chapter, capsys):
    volumes.volume_create(VOLUME, quiet=True)
    assert volumes.volume_ls(quiet=True) == [VOLUME]
    assert volumes.volume_ls([VOLUME, "no-such-volume-here"], quiet=True) == [VOLUME]
    volumes.volume_ls([VOLUME])
    out = capsys.readouterr().out
    assert f"--filter name={VOLUME}" in out
    assert f"local   {VOLUME}" in out


def test_volume_inspect_missing_volume_fails(chapter):
    with pytest.raises(volumes.VolumeError, match="No volume named"):
        volumes.volume_inspect("no-such-volume-here", quiet=True)


def test_volume_rm_in_use_fails_with_hint(chapter):
    run(BUSYBOX, "true", name=BOX, volumes=[f"{VOLUME}:/notes"], quiet=True)
    with pytest.raises(volumes.VolumeError) as caught:
        volumes.volume_rm(VOLUME, quiet=True)
    assert "in use" in caught.value.message()
    assert "remove the containers" in caught.value.hint
    failed = volumes.volume_rm(VOLUME, check=False, quiet=True)
    assert failed.exit_code == 1
    rm(BOX, quiet=True)
    assert volumes.volume_rm(VOLUME, quiet=True).ok
    assert not volumes.volume_exists(VOLUME)


def test_volume_prune_keeps_named_unless_all(chapter):
    volumes.volume_create(VOLUME, quiet=True)
    assert volumes.volume_prune(quiet=True) == []
    assert volumes.volume_exists(VOLUME)
    assert volumes.volume_prune(all=True, quiet=True) == [VOLUME]
    assert not volumes.volume_exists(VOLUME)


def test_mounts_lists_every_mount_type(chapter, tmp_path):
    run(
        BUSYBOX,
        "true",
        name=BOX,
        volumes=[f"{VOLUME}:/notes", "/anon", f"{tmp_path}:/host:ro"],
        tmpfs={"/cache": "size=1m"},
        quiet=True,
    )
    rows = {row["destination"]: row for row in volumes.mounts(BOX, quiet=True)}
    assert rows["/notes"]["type"] == "volume"
    assert rows["/notes"]["name"] == VOLUME
    assert rows["/anon"]["type"] == "volume"
    assert len(rows["/anon"]["name"]) == 64
    assert rows["/host"]["type"] == "bind"
    assert rows["/host"]["rw"] is False
    assert rows["/host"]["source"] == str(tmp_path)
    assert rows["/cache"]["type"] == "tmpfs"


def test_mounts_missing_container_fails(chapter):
    with pytest.raises(CourseError, match="No container named"):
        volumes.mounts("no-such-container-here", quiet=True)


def test_mounts_prints_inspect_json(chapter, capsys):
    run(BUSYBOX, "true", name=BOX, volumes=["/anon"], tmpfs={"/cache": ""}, quiet=True)
    volumes.mounts(BOX)
    out = capsys.readouterr().out
    assert f"$ docker inspect --format '{{{{json .Mounts}}}}' {BOX}" in out
    assert '"Destination": "/anon"' in out
    assert f"$ docker inspect --format '{{{{json .HostConfig.Tmpfs}}}}' {BOX}" in out
