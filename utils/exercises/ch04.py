"""Checkers for chapter 04 (项目开发)."""

from __future__ import annotations

import docker

from .. import engine, labels
from . import report

NONROOT_TAG = "ex04-nonroot:1.0"
DEV_NAME = "ex04-dev"
CACHE_SERVICE = "cache"
CACHED_NAME = "ex04"


def _chapter_containers(service: str) -> list:
    """Return the chapter's running Compose containers of one service."""
    filters = labels.chapter_filter("04")
    filters["label"].append(f"com.docker.compose.service={service}")
    return engine.connect().containers.list(filters=filters)


def nonroot() -> tuple[bool, str]:
    client = engine.connect()
    try:
        image = client.images.get(NONROOT_TAG)
    except docker.errors.ImageNotFound:
        return (
            False,
            f"没有找到镜像 {NONROOT_TAG}。"
            f'提示：用 build(目录, "{NONROOT_TAG}") 构建它。',
        )
    user = image.attrs["Config"].get("User") or ""
    if user in ("", "0", "root"):
        return (
            False,
            "镜像没有设置非 root 的 USER。提示：useradd 新建用户后写 USER 用户名。",
        )
    uid = client.containers.run(
        NONROOT_TAG,
        ["id", "-u"],
        entrypoint=[],
        remove=True,
        labels=labels.for_chapter("04", "checker"),
    )
    if uid.decode().strip() == "0":
        return False, f"USER 是 {user!r}，但容器里的 id -u 仍是 0。"
    return True, f"{NONROOT_TAG} 以用户 {user} 运行，UID {uid.decode().strip()}。"


def dev_server() -> tuple[bool, str]:
    try:
        container = engine.connect().containers.get(DEV_NAME)
    except docker.errors.NotFound:
        return (
            False,
            f'没有找到名为 {DEV_NAME} 的容器。提示：run(..., name="{DEV_NAME}")。',
        )
    if container.image.tags and "hello-entry:1.0" not in container.image.tags:
        return False, f"{DEV_NAME} 不是用 hello-entry:1.0 启动的。"
    output = container.logs().decode(errors="replace")
    if "Running the development server" not in output:
        return (
            False,
            '入口脚本没有选择开发服务器。提示：用 env={"ENV": "DEV"} 设置环境变量。',
        )
    return True, f"{DEV_NAME} 里运行的是开发服务器。"


def compose_cache() -> tuple[bool, str]:
    found = [
        container
        for container in _chapter_containers(CACHE_SERVICE)
        if "redis:7.0" in (container.image.tags or [])
    ]
    if not found:
        return (
            False,
            "没有找到本章 Compose 项目里正在运行的 cache 服务（redis:7.0）。"
            "提示：写好 compose.yaml 后运行 compose(目录).up()。",
        )
    project = found[0].labels.get("com.docker.compose.project", "")
    return True, f"Compose 项目 {project.split('-')[-1]} 的 cache 服务正在运行。"


def cached() -> tuple[bool, str]:
    redis_containers = _chapter_containers("redis")
    if not redis_containers:
        return False, "没有找到 identidock 的 redis 容器。提示：先运行 4.5 节的 up()。"
    _, output = redis_containers[0].exec_run(["redis-cli", "exists", CACHED_NAME])
    if output.decode().strip() != "1":
        return (
            False,
            f"Redis 里还没有 {CACHED_NAME}。"
            f"提示：通过前端请求 /monster/{CACHED_NAME}。",
        )
    return True, f"{CACHED_NAME} 的头像已经在 Redis 缓存里。"


CHECKERS = {1: nonroot, 2: dev_server, 3: compose_cache, 4: cached}


def check(number: int) -> bool:
    """Check exercise ``number`` of chapter 04 and print ✓ or a hint."""
    return report(number, CHECKERS[number])
