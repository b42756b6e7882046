"""Tests of the Compose helpers, against the real engine and Compose v2."""

from __future__ import annotations

import os

import pytest
import requests
from testsupport import BUSYBOX, TEST_CHAPTER

from utils import compose, labels, wait_for_http
from utils.compose import ComposeFailed, condense_progress
from utils.errors import CourseError

WEB = f"""\
services:
  web:
    image: {BUSYBOX}
    command: ["sh", "-c", "echo ready && mkdir -p /www && echo hi > /www/index.html \
&& exec httpd -f -p 8080 -h /www"]
    ports:
      - "127.0.0.1::8080"
    volumes:
      - data:/data
volumes:
  data:
"""


def _project(chapter, name: str, text: str, file: str = "compose.yaml"):
    folder = chapter.scratch / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / file).write_text(text, encoding="utf-8")
    return compose(folder, file=file)


def test_condense_progress_sorts_last_statuses():
    lines = [
        " Container p-b-1  Creating",
        " Container p-a-1  Started",
        " Network p_default  Created",
        " Container p-b-1  Started",
        "some warning",
    ]
    assert condense_progress(lines) == [
        " Network p_default  Created",
        " Container p-a-1  Started",
        " Container p-b-1  Started",
        "some warning",
    ]


def test_project_name_is_unique_per_run(chapter):
    project = _project(chapter, "named", WEB)
    assert project.name == f"ch{TEST_CHAPTER}-{chapter.run_id}-named"


def test_up_labels_everything_it_creates(chapter, client, capsys):
    project = _project(chapter, "web", WEB)
    result = project.up(wait=True)
    printed = capsys.readouterr().out
    assert result.exit_code == 0
    assert printed.startswith(f"$ docker compose -f {project.file} -p {project.name}")
    assert f" Container {project.name}-web-1  " in printed
    filters = labels.chapter_filter(TEST_CHAPTER)
    assert [c.name for c in client.containers.list(filters=filters)] == [
        f"{project.name}-web-1"
    ]
    assert f"{project.name}_default" in [
        n.name for n in client.networks.list(filters=filters)
    ]
    assert f"{project.name}_data" in [
        v.name for v in client.volumes.list(filters=filters)
    ]


def test_ps_port_and_logs_read_project(chapter):
    project = _project(chapter, "web", WEB)
    project.up(wait=True, quiet=True)
    rows = project.ps(quiet=True)
    assert [(row["service"], row["state"]) for row in rows] == [("web", "running")]
    host_port = project.port("web", 8080, quiet=True)
    assert rows[0]["ports"] == f"127.0.0.1:{host_port}->8080/tcp"
    wait_for_http(f"http://127.0.0.1:{host_port}/index.html")
    assert requests.get(f"http://127.0.0.1:{host_port}/index.html").text == "hi\n"
    assert "web-1  | ready" in project.logs("web", quiet=True).output


def test_unpublished_port_raises(chapter):
    project = _project(chapter, "web", WEB)
    project.up(wait=True, quiet=True)
    with pytest.raises(CourseError, match="publishes no port 9999"):
        project.port("web", 9999, quiet=True)


def test_down_removes_containers_and_volumes(chapter, client):
    project = _project(chapter, "web", WEB)
    project.up(wait=True, quiet=True)
    result = project.down(quiet=True)
    assert result.exit_code == 0
    assert f" Volume {project.name}_data  Removed" in result.output
    filters = labels.chapter_filter(TEST_CHAPTER)
    assert client.containers.list(all=True, filters=filters) == []
    assert client.volumes.list(filters=filters) == []


def test_old_format_shows_compose_error(chapter):
    folder = _project(chapter, "old", f"web:\n  image: {BUSYBOX}\n").folder
    relative = os.path.relpath(folder)
    result = compose(relative).up(check=False, quiet=True)
    assert result.exit_code != 0
    assert result.output == (
        f"validating {relative}/compose.yaml: "
        "(root) Additional property web is not allowed"
    )


def test_failing_up_raises_compose_failed(chapter):
    project = _project(chapter, "old", f"web:\n  image: {BUSYBOX}\n")
    with pytest.raises(ComposeFailed) as caught:
        project.up(quiet=True)
    assert "Additional property web" in caught.value.message()
    assert caught.value.hint


def test_build_labels_image_and_orders_steps(chapter, client):
    project = _project(
        chapter, "built", "services:\n  box:\n    build: .\n    command: ['true']\n"
    )
    (project.folder / "Dockerfile").write_text(
        f"FROM {BUSYBOX}\nRUN echo one > /one\nRUN echo two > /two\n"
    )
    built = project.build(quiet=True)
    assert built.exit_code == 0
    assert [step.split("] ")[1] for step in built.steps] == [
        f"FROM docker.io/library/{BUSYBOX}",
        "RUN echo one > /one",
        "RUN echo two > /two",
    ]
    image = client.images.get(f"{project.name}-box")
    assert image.labels[labels.CHAPTER] == TEST_CHAPTER


def test_missing_compose_file_raises(chapter):
    with pytest.raises(CourseError, match="No compose file"):
        compose(chapter.scratch / "nowhere")
