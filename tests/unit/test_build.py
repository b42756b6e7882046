"""Tests of the image helpers: BuildKit builds, history, tag, images and rmi."""

from __future__ import annotations

import docker
import pytest
from testsupport import BUSYBOX, TEST_CHAPTER

import utils
from utils import labels, session
from utils.build import condense
from utils.errors import BuildFailed, CourseError

IMAGE = f"dockercourse-{TEST_CHAPTER}-image:1"
GOOD_DOCKERFILE = "FROM busybox:1.35\nRUN echo built > /greeting\nCMD cat /greeting\n"
RUN_STEP = "[2/2] RUN echo built > /greeting"


def write_context(chapter, name: str, dockerfile: str):
    context = chapter.scratch / name
    context.mkdir()
    (context / "Dockerfile").write_text(dockerfile)
    return context


def image_exists(client, reference: str) -> bool:
    try:
        client.images.get(reference)
    except docker.errors.ImageNotFound:
        return False
    return True


@pytest.fixture
def good_context(chapter):
    return write_context(chapter, "good", GOOD_DOCKERFILE)


def test_build_good_dockerfile(chapter, good_context, capsys):
    capsys.readouterr()
    result = utils.build(good_context, IMAGE)
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == f"$ docker build -t {IMAGE} {good_context}"
    assert RUN_STEP in printed
    assert result.exit_code == 0
    assert result.steps == ["[1/2] FROM docker.io/library/busybox:1.35", RUN_STEP]
    assert result.image_id.startswith("sha256:")
    assert utils.run(IMAGE, rm=True, quiet=True).output == "built\n"


def test_rebuild_reports_run_cached(chapter, good_context):
    first = utils.build(good_context, IMAGE, quiet=True)
    second = utils.build(good_context, IMAGE, quiet=True)
    assert RUN_STEP in second.cached
    assert second.image_id == first.image_id


def test_no_cache_reruns_every_run_step(chapter, good_context):
    utils.build(good_context, IMAGE, quiet=True)
    result = utils.build(good_context, IMAGE, no_cache=True, quiet=True)
    # BuildKit logs the FROM of a local image as CACHED even with --no-cache,
    # and condense() does not count that as a cache hit.
    assert result.cached == []
    assert f"--no-cache {good_context}" in result.command


def test_build_args_shown_and_applied(chapter):
    context = write_context(
        chapter, "args", "FROM busybox:1.35\nARG WORD=unset\nRUN echo $WORD > /word\n"
    )
    result = utils.build(context, IMAGE, build_args={"WORD": "given"}, quiet=True)
    assert "--build-arg WORD=given" in result.command
    assert utils.run(IMAGE, "cat /word", rm=True, quiet=True).output == "given\n"


def test_broken_dockerfile_names_failing_step(chapter):
    context = write_context(
        chapter,
        "broken",
        (
            "FROM busybox:1.35\nRUN echo fine\n"
            "RUN echo about to fail && exit 7\nRUN echo never\n"
        ),
    )
    with pytest.raises(BuildFailed) as caught:
        utils.build(context, IMAGE, quiet=True)
    error = caught.value
    assert "[3/4] RUN echo about to fail && exit 7" in error.what
    assert "  | about to fail" in error.message()
    assert any("exit code: 7" in line for line in error.evidence)
    assert error.exit_code != 0


def test_parallel_stage_failure_names_its_step(chapter):
    # Stage b is still running when stage a fails, so the header of b's step
    # comes last in the log. The error must still name the step of stage a.
    context = write_context(
        chapter,
        "stages",
        (
            "FROM busybox:1.35 AS a\nRUN echo stage a fails && exit 5\n"
            "FROM busybox:1.35 AS b\nRUN sleep 2 && echo stage b\n"
            "FROM busybox:1.35\n"
            "COPY --from=a /etc/passwd /a\nCOPY --from=b /etc/passwd /b\n"
        ),
    )
    with pytest.raises(BuildFailed) as caught:
        utils.build(context, IMAGE, quiet=True)
    assert "[a 2/2] RUN echo stage a fails && exit 5" in caught.value.what
    assert "  | stage a fails" in caught.value.message()


def test_missing_context_fails_before_steps(chapter):
    with pytest.raises(BuildFailed) as caught:
        utils.build(chapter.scratch / "no-such-folder", IMAGE, quiet=True)
    assert "before any step" in caught.value.what
    assert any("not found" in line for line in caught.value.evidence)


def test_build_unchecked_returns_failure(chapter):
    context = write_context(chapter, "broken", "FROM busybox:1.35\nRUN exit 9\n")
    result = utils.build(context, IMAGE, check=False, quiet=True)
    assert result.exit_code != 0
    assert result.image_id is None


def test_built_image_carries_chapter_labels(chapter, good_context, client):
    utils.build(good_context, IMAGE, quiet=True)
    image_labels = client.images.get(IMAGE).labels
    assert image_labels[labels.CHAPTER] == TEST_CHAPTER
    assert image_labels[labels.RUN] == chapter.run_id


def test_finish_removes_built_image(chapter, good_context, client):
    utils.build(good_context, IMAGE, quiet=True)
    removed = session.finish_chapter()
    assert IMAGE in removed.images
    assert not image_exists(client, IMAGE)


def test_history_returns_rows(chapter, good_context):
    utils.build(good_context, IMAGE, quiet=True)
    rows = utils.history(IMAGE, quiet=True)
    assert len(rows) >= 3
    assert "cat /greeting" in rows[0]["created by"]
    assert any("echo built > /greeting" in row["created by"] for row in rows)


def test_history_with_base_folds_rows(chapter, good_context):
    utils.build(good_context, IMAGE, quiet=True)
    rows = utils.history(IMAGE, base=BUSYBOX, quiet=True)
    assert len(rows) == 3
    assert BUSYBOX in rows[-1]["created by"]


def test_history_missing_image_is_course_error(chapter):
    with pytest.raises(CourseError) as caught:
        utils.history("dockercourse-no-such-image:1", quiet=True)
    assert "dockercourse-no-such-image:1" in caught.value.what


def test_tag_valid_name_removed_at_finish(chapter, client, capsys):
    target = f"dockercourse-{TEST_CHAPTER}-tagged:2"
    capsys.readouterr()
    assert utils.tag(BUSYBOX, target) == target
    assert capsys.readouterr().out == f"$ docker tag {BUSYBOX} {target}\n"
    assert image_exists(client, target)
    session.finish_chapter()
    assert not image_exists(client, target)
    assert image_exists(client, BUSYBOX)


def test_tag_without_tag_means_latest(chapter, client):
    target = f"dockercourse-{TEST_CHAPTER}-tagged"
    assert utils.tag(BUSYBOX, target, quiet=True) == f"{target}:latest"
    assert image_exists(client, f"{target}:latest")


def test_tag_with_registry_port(chapter, client):
    target = f"127.0.0.1:5000/dockercourse-{TEST_CHAPTER}-tagged"
    assert utils.tag(BUSYBOX, target, quiet=True) == f"{target}:latest"


def test_tag_uppercase_repository_rejected(chapter, client):
    target = f"Dockercourse-{TEST_CHAPTER}-Upper:2"
    with pytest.raises(CourseError) as caught:
        utils.tag(BUSYBOX, target, quiet=True)
    assert "lowercase" in caught.value.what
    assert "lowercase" in caught.value.hint
    assert not image_exists(client, target.lower())


def test_tag_uppercase_tag_accepted(chapter, client):
    # Only the repository must be lowercase; the tag after ':' may hold capitals.
    target = f"dockercourse-{TEST_CHAPTER}-tagged:Upper"
    assert utils.tag(BUSYBOX, target, quiet=True) == target
    assert image_exists(client, target)


def test_tag_missing_source_is_course_error(chapter):
    with pytest.raises(CourseError) as caught:
        utils.tag(
            "dockercourse-no-such-image:1",
            f"dockercourse-{TEST_CHAPTER}-x:1",
            quiet=True,
        )
    assert "dockercourse-no-such-image:1" in caught.value.what


def test_images_lists_matching_reference(chapter, good_context):
    utils.build(good_context, IMAGE, quiet=True)
    rows = utils.images(IMAGE.split(":")[0], quiet=True)
    assert [(row["repository"], row["tag"]) for row in rows] == [
        (IMAGE.split(":")[0], "1")
    ]


def test_rmi_removes_image(chapter, good_context, client):
    utils.build(good_context, IMAGE, quiet=True)
    utils.rmi(IMAGE, quiet=True)
    assert not image_exists(client, IMAGE)


def test_rmi_missing_image_is_course_error(chapter):
    with pytest.raises(CourseError) as caught:
        utils.rmi("dockercourse-no-such-image:1", quiet=True)
    assert "dockercourse-no-such-image:1" in caught.value.what


def test_condense_keeps_steps_and_errors():
    log = [
        "#1 [internal] load build definition from Dockerfile",
        "#3 transferring context: 2B done",
        "#4 [1/3] FROM docker.io/library/busybox:1.35",
        "#4 CACHED",
        "#5 [2/3] RUN echo cached",
        "#5 CACHED",
        "#6 [3/3] RUN false",
        "#6 0.101 some output",
        "#6 ERROR: process did not complete successfully: exit code: 1",
        "ERROR: failed to solve",
    ]
    shown_lines, steps, cached, context_size = condense(log)
    assert steps == [
        "[1/3] FROM docker.io/library/busybox:1.35",
        "[2/3] RUN echo cached",
        "[3/3] RUN false",
    ]
    assert cached == ["[2/3] RUN echo cached"]
    assert context_size == "2B"
    assert "  some output" in shown_lines
    assert shown_lines[-1] == "ERROR: failed to solve"
