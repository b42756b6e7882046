"""Checkers for chapter 02 (基本操作)."""

from __future__ import annotations

import docker
import requests

from .. import engine
from . import report

WEB_NAME = "ex02-web"
RETRY_NAME = "ex02-retry"
HEALTH_TAG = "ex02-health:1.0"
HEALTH_NAME = "ex02-healthy"
REGISTRY_NAME = "ch02-registry"
REGISTRY_USER = ("student", "s3cret")
PUSHED_REPOSITORY = "ex02/echo"


def _container(name: str):
    try:
        return engine.connect().containers.get(name)
    except docker.errors.NotFound:
        return None


def _missing(name: str) -> tuple[bool, str]:
    hint = f'提示：用 run(..., name="{name}") 创建它。'
    return False, f"没有找到名为 {name} 的容器。{hint}"


def _not_ours(container) -> tuple[bool, str] | None:
    if container.labels.get("dockercourse.chapter") != "02":
        return (
            False,
            "这个容器不是用本章的辅助函数创建的，章末清理找不到它。"
            "提示：删掉它，用 run() 重新创建。",
        )
    return None


def web() -> tuple[bool, str]:
    container = _container(WEB_NAME)
    if container is None:
        return _missing(WEB_NAME)
    if (verdict := _not_ours(container)) is not None:
        return verdict
    if container.status != "running":
        return False, f"容器的状态是 {container.status}。提示：加上 detach=True。"
    config = container.attrs["Config"]
    if config.get("Hostname") != "ex02-host":
        return False, f"主机名是 {config.get('Hostname')!r}。提示：用 hostname= 设置。"
    if "GREETING=hello" not in (config.get("Env") or []):
        return False, "容器里没有环境变量 GREETING=hello。提示：用 env={...}。"
    bindings = (container.attrs["NetworkSettings"]["Ports"] or {}).get("80/tcp") or []
    if not bindings:
        return False, "端口 80 没有发布。提示：publish={80: None}。"
    if bindings[0]["HostIp"] != "127.0.0.1":
        return False, "端口发布在了所有网卡上。提示：发布到 127.0.0.1。"
    url = f"http://127.0.0.1:{bindings[0]['HostPort']}/"
    try:
        status = requests.get(url, timeout=5).status_code
    except requests.RequestException as error:
        return False, f"访问 {url} 失败：{type(error).__name__}。"
    if status != 200:
        return False, f"nginx 回答了 HTTP {status}。"
    return True, "nginx 在运行，主机名、环境变量正确，端口只发布在 127.0.0.1 上。"


def retry() -> tuple[bool, str]:
    container = _container(RETRY_NAME)
    if container is None:
        return _missing(RETRY_NAME)
    if (verdict := _not_ours(container)) is not None:
        return verdict
    policy = container.attrs["HostConfig"]["RestartPolicy"]
    if policy.get("Name") != "on-failure" or policy.get("MaximumRetryCount") != 2:
        return (
            False,
            f"重启策略是 {policy.get('Name')}:{policy.get('MaximumRetryCount')}。"
            '提示：restart="on-failure:2"。',
        )
    state = container.attrs["State"]
    if state["Status"] != "exited":
        return (
            False,
            f"容器的状态是 {state['Status']}。提示：等它用完重试次数再检查"
            '（wait_for_state(name, "exited")）。',
        )
    if state["ExitCode"] != 3:
        code = state["ExitCode"]
        return False, f"退出码是 {code}，不是 3。提示：命令 sh -c 'exit 3'。"
    count = container.attrs["RestartCount"]
    if count != 2:
        return False, f"engine 重启了 {count} 次，不是 2 次。"
    return True, "容器以退出码 3 结束，engine 按策略重启了 2 次后放弃。"


def healthy() -> tuple[bool, str]:
    client = engine.connect()
    try:
        image = client.images.get(HEALTH_TAG)
    except docker.errors.ImageNotFound:
        return False, f"没有找到镜像 {HEALTH_TAG}。提示：先用 build() 构建它。"
    if not (image.attrs["Config"].get("Healthcheck") or {}).get("Test"):
        return False, f"{HEALTH_TAG} 没有 HEALTHCHECK 指令。"
    container = _container(HEALTH_NAME)
    if container is None:
        return _missing(HEALTH_NAME)
    if container.image.id != image.id:
        return False, f"{HEALTH_NAME} 不是从 {HEALTH_TAG} 启动的。"
    status = (container.attrs["State"].get("Health") or {}).get("Status")
    if status != "healthy":
        return (
            False,
            f'健康状态是 {status}。提示：用 wait_for_health(name, "healthy") 等一等，'
            "或者用 exec_() 手动运行检查命令看看它为什么失败。",
        )
    return True, f"{HEALTH_NAME} 的健康检查通过了（healthy）。"


def pushed() -> tuple[bool, str]:
    registry = _container(REGISTRY_NAME)
    if registry is None or registry.status != "running":
        hint = "提示：重新运行第 7 节的单元。"
        return False, f"本章的镜像仓库 {REGISTRY_NAME} 没有在运行。{hint}"
    bindings = registry.attrs["NetworkSettings"]["Ports"]["5000/tcp"]
    base = f"http://127.0.0.1:{bindings[0]['HostPort']}/v2"
    answer = requests.get(f"{base}/_catalog", auth=REGISTRY_USER, timeout=5).json()
    if PUSHED_REPOSITORY not in answer.get("repositories", []):
        return (
            False,
            f"仓库里没有 {PUSHED_REPOSITORY}。提示：先 tag 成 "
            f"<仓库地址>/{PUSHED_REPOSITORY}:1.0，登录后再 push。",
        )
    tags = requests.get(
        f"{base}/{PUSHED_REPOSITORY}/tags/list", auth=REGISTRY_USER, timeout=5
    ).json()
    if "1.0" not in (tags.get("tags") or []):
        return False, f"{PUSHED_REPOSITORY} 里没有标签 1.0，只有 {tags.get('tags')}。"
    return True, f"镜像仓库里有 {PUSHED_REPOSITORY}:1.0。"


CHECKERS = {1: web, 2: retry, 3: healthy, 4: pushed}


def check(number: int):
    """Check exercise ``number`` of chapter 02 and print ✓ or a hint."""
    if number not in CHECKERS:
        numbers = ", ".join(map(str, CHECKERS))
        print(f"✗ 本章没有练习 {number!r}。练习的编号是 {numbers}。")
        return None
    return report(number, CHECKERS[number])
