"""Tests of the local registry helpers: login, push, pull and the catalog API."""

from __future__ import annotations

import pytest
from testsupport import BUSYBOX, TEST_CHAPTER

from utils import registry, rmi, session, tag
from utils.errors import CommandFailed

NAME = f"dockercourse-{TEST_CHAPTER}-registry"


@pytest.fixture
def reg(chapter):
    return registry.start_registry(NAME)


def test_htpasswd_line_contains_bcrypt_hash(chapter, capsys):
    line = registry.htpasswd_line("student", "s3cret")
    user, hashed = line.split(":", 1)
    assert user == "student"
    assert hashed.startswith("$2")
    assert len(hashed) == 60
    assert "s3cret" not in capsys.readouterr().out


def test_catalog_without_credentials_returns_401(reg):
    assert registry.registry_api(reg, auth=False) == 401


def test_login_with_wrong_password_fails(reg):
    result = registry.login(reg, password="wrong", check=False)
    assert result.exit_code != 0
    assert "401" in result.output


def test_push_without_login_fails(reg):
    reference = tag(BUSYBOX, f"{reg.address}/course/box:1.0", quiet=True)
    with pytest.raises(CommandFailed, match="exited with code"):
        registry.push(reference)


def test_push_and_pull_by_digest(reg, capsys):
    registry.login(reg)
    assert "$DOCKER_CONFIG" in capsys.readouterr().out
    reference = tag(BUSYBOX, f"{reg.address}/course/box:1.0", quiet=True)
    pushed = registry.push(reference)
    assert pushed.data.startswith("sha256:")
    assert registry.registry_api(reg) == {"repositories": ["course/box"]}
    rmi(reference, quiet=True)
    pulled = registry.pull(f"{reg.address}/course/box@{pushed.data}")
    assert pushed.data in pulled.output
    assert "Removing login credentials" in registry.logout(reg).output


def test_cleanup_removes_digest_reference(reg, client):
    registry.login(reg)
    reference = tag(BUSYBOX, f"{reg.address}/course/box:1.0", quiet=True)
    digest = registry.push(reference).data
    rmi(reference, quiet=True)
    by_digest = f"{reg.address}/course/box@{digest}"
    registry.pull(by_digest)
    assert by_digest in client.images.get(BUSYBOX).attrs["RepoDigests"]
    session.finish_chapter()
    assert by_digest not in client.images.get(BUSYBOX).attrs["RepoDigests"]


def test_condense_progress_keeps_last_status():
    text = (
        "1.0: Pulling from course/box\n"
        "aaaaaaaaaaaa: Pulling fs layer\n"
        "bbbbbbbbbbbb: Pulling fs layer\n"
        "bbbbbbbbbbbb: Pull complete\n"
        "aaaaaaaaaaaa: Pull complete\n"
        "Digest: sha256:x\n"
    )
    assert registry.condense_progress(text) == [
        "1.0: Pulling from course/box",
        "aaaaaaaaaaaa: Pull complete",
        "bbbbbbbbbbbb: Pull complete",
        "Digest: sha256:x",
    ]
