"""Tests of the image catalog, of ensure() and of the stand-in images on the engine.

The stand-ins are not rebuilt here (that takes minutes); the tests check the
ones on the engine.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys

import pytest
from testsupport import REPO_ROOT

import utils
from utils import catalog, ensure
from utils.errors import CourseError, ImageUnavailable

REFERENCES = [entry.reference for entry in catalog.CATALOG]


def load_pip_requirements():
    path = REPO_ROOT / "scripts" / "pip_requirements.py"
    spec = importlib.util.spec_from_file_location("pip_requirements", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_unknown_image_names_catalog():
    with pytest.raises(ImageUnavailable) as caught:
        ensure.ensure(["dockercourse-no-such-image:1"], progress=False)
    error = caught.value
    assert "'dockercourse-no-such-image:1'" in error.what
    assert "catalog" in error.what
    assert error.evidence == [f"catalog: {', '.join(REFERENCES)}"]
    assert "utils/catalog.py" in error.hint


def test_unknown_image_checked_before_any_work():
    # A typo in the last reference must fail before the first is looked at.
    with pytest.raises(ImageUnavailable):
        ensure.ensure(["busybox:1.35", "busybox:1.53"], progress=False)


def test_second_ensure_reports_ready(client):
    ids_before = {
        reference: client.images.get(reference).id for reference in REFERENCES
    }
    rows = ensure.ensure(REFERENCES, progress=False)
    assert [row.action for row in rows] == ["ready"] * len(REFERENCES)
    assert [row.reference for row in rows] == REFERENCES
    assert {ref: client.images.get(ref).id for ref in REFERENCES} == ids_before


def test_ensure_reports_standins():
    rows = ensure.ensure(REFERENCES, progress=False)
    assert all(row.standin for row in rows)
    assert all(row.size_mb > 0 for row in rows)


def test_official_name_finds_entry():
    assert catalog.find("docker.io/library/redis:7.0").reference == "redis:7.0"


def test_catalog_chapters_list_images():
    assert "busybox:1.35" in catalog.for_chapter("01")
    assert catalog.for_chapter("99") == []


def test_catalog_bases_are_in_catalog():
    bases = {entry.base for entry in catalog.CATALOG if entry.base}
    assert bases <= set(REFERENCES)


@pytest.mark.parametrize("entry", catalog.CATALOG, ids=REFERENCES)
def test_standin_recipe_exists(entry):
    assert entry.recipe_dir.is_dir()


@pytest.mark.parametrize("entry", catalog.CATALOG, ids=REFERENCES)
def test_standin_carries_labels(client, entry):
    image_labels = client.images.get(entry.reference).labels
    assert image_labels.get(catalog.STANDIN_LABEL) == "true"
    assert image_labels.get(catalog.STANDIN_FOR_LABEL) == entry.official
    assert image_labels.get("org.opencontainers.image.version") == entry.version


@pytest.mark.parametrize("entry", catalog.CATALOG, ids=REFERENCES)
def test_standin_version_matches_tag(entry):
    output = ensure.verify_standin(entry.reference)
    # The version must appear as a whole number group: 1.35 but not 11.35.
    assert re.search(rf"(?<![\d.]){re.escape(entry.version)}(?!\d)", output), output


def test_verify_standin_leaves_no_volume(client):
    # The redis stand-in declares VOLUME /data, so each container gets one.
    # Only volumes that no container uses are compared, so that the volumes
    # of other runs on this engine do not count.
    before = {v.name for v in client.volumes.list(filters={"dangling": True})}
    ensure.verify_standin("redis:7.0")
    after = {v.name for v in client.volumes.list(filters={"dangling": True})}
    assert after - before == set()


def test_bogus_mode_is_clear_error(monkeypatch):
    monkeypatch.setenv("DOCKER_COURSE_IMAGES", "bogus")
    with pytest.raises(CourseError) as caught:
        ensure.mode()
    assert "'bogus'" in caught.value.what
    assert "auto, pull, standin" in caught.value.hint


@pytest.mark.parametrize(
    "value, expected",
    [
        ("", "auto"),
        ("  Standin ", "standin"),
        ("PULL", "pull"),
    ],
)
def test_mode_normalizes_value(monkeypatch, value, expected):
    monkeypatch.setenv("DOCKER_COURSE_IMAGES", value)
    assert ensure.mode() == expected


def test_python_standin_runs_pip(chapter):
    result = utils.run(
        "python:3.11-slim-bookworm", "pip --version", rm=True, quiet=True
    )
    assert result.output.startswith("pip ")
    assert "python 3.11" in result.output


def test_python_standin_imports_ssl(chapter):
    result = utils.run(
        "python:3.11-slim-bookworm",
        ["python", "-c", "import ssl; print(ssl.OPENSSL_VERSION)"],
        rm=True,
        quiet=True,
    )
    assert result.output.startswith("OpenSSL ")


def test_debian_standin_holds_host_ca_bundle(chapter):
    host_bundle = ensure.host_ca_bundle().read_text()
    result = utils.run(
        "debian:bookworm-slim",
        "cat /usr/local/share/ca-certificates/host-ca-bundle.crt",
        rm=True,
        quiet=True,
    )
    assert "BEGIN CERTIFICATE" in host_bundle
    assert result.output == host_bundle


def test_pip_requirements_reads_environment_yml():
    module = load_pip_requirements()
    text = (REPO_ROOT / "environment.yml").read_text()
    requirements = module.pip_requirements(text)
    names = {re.split(r"[=<>!~ ]", requirement)[0] for requirement in requirements}
    assert {"docker", "python-on-whales", "pytest", "nbval"} <= names
    assert all("#" not in requirement for requirement in requirements)
    assert "pip" not in names


def test_pip_requirements_stops_at_dedent():
    module = load_pip_requirements()
    text = (
        "dependencies:\n"
        "  - python=3.11\n"
        "  - pip:\n"
        "      # a comment line\n"
        "      - docker==7.2.0  # pinned for the SDK\n"
        "\n"
        "      - tqdm\n"
        "  - nodejs\n"
        "other:\n"
        "  - not-a-requirement\n"
    )
    assert module.pip_requirements(text) == ["docker==7.2.0", "tqdm"]


def test_pip_requirements_without_pip_list(tmp_path):
    environment = tmp_path / "environment.yml"
    environment.write_text("dependencies:\n  - python=3.11\n")
    completed = subprocess.run(
        [
            sys.executable,
            str(REPO_ROOT / "scripts" / "pip_requirements.py"),
            str(environment),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 1
    assert "no '- pip:' list" in completed.stderr
