"""Tests of removing host folders that containers wrote into."""

from __future__ import annotations

import os
import shutil
import site
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from testsupport import BUSYBOX, REPO_ROOT

from utils import hostfiles, session
from utils.containers import run


def test_remove_with_container_deletes_foreign_files(chapter):
    folder = chapter.scratch / "written-by-a-container"
    folder.mkdir()
    run(
        BUSYBOX,
        "sh -c 'mkdir -p /out/locked/deep && echo x > /out/locked/deep/f "
        "&& chown -R 4321:4321 /out/locked && chmod 500 /out/locked'",
        volumes=[f"{folder}:/out"],
        rm=True,
        quiet=True,
    )
    assert (folder / "locked").stat().st_uid == 4321
    assert hostfiles.remove_with_container(folder)
    assert not folder.exists()


def test_finish_chapter_removes_foreign_scratch_files(chapter):
    run(
        BUSYBOX,
        "sh -c 'mkdir /out/d && echo x > /out/d/f && chown -R 4321 /out/d'",
        volumes=[f"{chapter.scratch}:/out"],
        rm=True,
        quiet=True,
    )
    removed = session.finish_chapter()
    assert removed.files == 1
    assert not chapter.scratch.exists()


def test_remove_with_container_missing_folder(tmp_path):
    assert hostfiles.remove_with_container(tmp_path / "never-made")


NOBODY = 65534


def _non_root_python() -> list[str] | None:
    """Return a command that runs this venv's packages as user nobody, or None.

    The venv's interpreter can live under /root, which nobody cannot enter, so
    the system interpreter of the same version is used with the venv's
    site-packages on its path.
    """
    system_python = Path("/usr/bin/python3")
    engine_socket = Path("/var/run/docker.sock")
    if os.geteuid() != 0 or not shutil.which("setpriv"):
        return None
    if not system_python.exists() or not engine_socket.exists():
        return None
    version = subprocess.run(
        [system_python, "-c", "import sys; print(sys.version_info[:2])"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    if version != str(sys.version_info[:2]):
        return None
    socket_group = engine_socket.stat().st_gid
    return [
        "setpriv",
        f"--reuid={NOBODY}",
        f"--regid={NOBODY}",
        f"--groups={socket_group}",
        "env",
        "HOME=/tmp",
        f"PYTHONPATH={site.getsitepackages()[0]}:{REPO_ROOT}",
        str(system_python),
    ]


@pytest.fixture
def nobody_home():
    # pytest's tmp_path sits under a folder only root may enter.
    home = Path(tempfile.mkdtemp(prefix="dockercourse-nobody-"))
    os.chown(home, NOBODY, NOBODY)
    yield home
    shutil.rmtree(home, ignore_errors=True)


def test_cleanup_as_non_root_removes_foreign_files(chapter, nobody_home):
    command = _non_root_python()
    if command is None:
        pytest.skip("needs root, setpriv and a system Python of the same version")
    folder = nobody_home / "scratch"
    folder.mkdir()
    os.chown(folder, NOBODY, NOBODY)
    run(
        BUSYBOX,
        "sh -c 'mkdir -p /out/locked/deep && echo x > /out/locked/deep/f "
        "&& chown -R 4321:4321 /out/locked && chmod 500 /out/locked'",
        volumes=[f"{folder}:/out"],
        rm=True,
        quiet=True,
    )
    script = (
        "import pathlib, shutil, sys\n"
        "from utils.session import _remove_tree\n"
        "folder = pathlib.Path(sys.argv[1])\n"
        "shutil.rmtree(folder, ignore_errors=True)\n"
        "print('rmtree left it:', folder.exists())\n"
        "_remove_tree(folder)\n"
        "print('cleanup left it:', folder.exists())\n"
    )
    result = subprocess.run(
        [*command, "-c", script, str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "rmtree left it: True" in result.stdout
    assert "cleanup left it: False" in result.stdout
    assert not folder.exists()
