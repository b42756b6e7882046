"""Checkers for chapter 03 (容器数据共享)."""

from __future__ import annotations

import io
import tarfile

import docker

from .. import engine, labels, session
from . import report

NOTES_VOLUME = "ex03-notes"
NOTES_TEXT = "volumes outlive containers"
NETWORK = "ex03-net"
REDIS_NAME = "ex03-redis"
BACKUP_FILE = "ex3/notes.tar"
TMPFS_NAME = "ex03-tmpfs"


def _client():
    return engine.connect()


def _run_once(image: str, command: list[str], **options) -> tuple[int, str]:
    """Run a labelled container to its end, and return its exit code and output.

    The container is removed with its anonymous volumes (the redis image
    declares one), which the SDK's ``run(remove=True)`` would leave behind.
    """
    container = _client().containers.create(
        image, command, labels=session.current().labels, **options
    )
    try:
        container.start()
        exit_code = container.wait(timeout=60)["StatusCode"]
        output = container.logs().decode(errors="replace").strip()
    finally:
        container.remove(force=True, v=True)
    return exit_code, output


def _read_volume_file(volume: str, path: str) -> str | None:
    """Return a file's text from a volume, read by a short-lived container."""
    exit_code, output = _run_once(
        "busybox:1.35", ["cat", f"/volume/{path}"], volumes=[f"{volume}:/volume:ro"]
    )
    return output if exit_code == 0 else None


def _is_chapter_resource(attrs_labels: dict | None) -> bool:
    return (attrs_labels or {}).get(labels.CHAPTER) == "03"


def notes_volume() -> tuple[bool, str]:
    try:
        volume = _client().volumes.get(NOTES_VOLUME)
    except docker.errors.NotFound:
        return (
            False,
            f"没有找到名为 {NOTES_VOLUME} 的 volume。"
            f'提示：volume_create("{NOTES_VOLUME}")。',
        )
    if not _is_chapter_resource(volume.attrs.get("Labels")):
        return (
            False,
            "这个 volume 没有本章的标签，章末清理找不到它。"
            "提示：用 volume_rm() 删掉它，再用 volume_create() 创建。",
        )
    text = _read_volume_file(NOTES_VOLUME, "todo.txt")
    if text is None:
        return (
            False,
            "volume 的根目录里没有 todo.txt。"
            f'提示：run(..., volumes=["{NOTES_VOLUME}:/notes"]) 挂载后，'
            "写入 /notes/todo.txt。",
        )
    if text != NOTES_TEXT:
        return False, f"todo.txt 的内容是 {text!r}，不是 {NOTES_TEXT!r}。"
    return True, f"{NOTES_VOLUME} 里的 todo.txt 写着 {NOTES_TEXT!r}。"


def redis_on_network() -> tuple[bool, str]:
    client = _client()
    try:
        network = client.networks.get(NETWORK)
    except docker.errors.NotFound:
        return False, f'没有找到网络 {NETWORK}。提示：network_create("{NETWORK}")。'
    if not _is_chapter_resource(network.attrs.get("Labels")):
        return False, "这个网络不是用 network_create() 创建的，章末清理找不到它。"
    try:
        container = client.containers.get(REDIS_NAME)
    except docker.errors.NotFound:
        return False, f"没有找到名为 {REDIS_NAME} 的容器。"
    if container.status != "running":
        return False, f"{REDIS_NAME} 的状态是 {container.status}，不是 running。"
    attached = container.attrs["NetworkSettings"]["Networks"]
    if NETWORK not in attached:
        return (
            False,
            f"{REDIS_NAME} 不在 {NETWORK} 上（它在 {', '.join(sorted(attached))}）。"
            f'提示：run(..., network="{NETWORK}")。',
        )
    _, value = _run_once(
        "redis:7.0", ["redis-cli", "-h", REDIS_NAME, "GET", "course"], network=NETWORK
    )
    if value != "docker":
        return (
            False,
            f"在 {NETWORK} 上按名字 {REDIS_NAME} 读到 course = {value!r}，"
            "不是 'docker'。提示：在同一网络上的客户端里运行 "
            "redis-cli -h ex03-redis SET course docker。",
        )
    return (
        True,
        f"同一网络上的客户端按名字找到了 {REDIS_NAME}，读到 course = 'docker'。",
    )


def backup_tar() -> tuple[bool, str]:
    path = session.current().scratch / BACKUP_FILE
    if not path.is_file():
        return False, f"没有找到 scratch/03/{BACKUP_FILE}。提示：先完成练习 1，再备份。"
    try:
        with tarfile.open(path) as archive:
            members = {
                member.name.removeprefix("./"): member
                for member in archive.getmembers()
            }
            if "todo.txt" not in members:
                names = ", ".join(sorted(members)) or "（空）"
                return (
                    False,
                    f"归档里没有 todo.txt，只有：{names}。"
                    "提示：tar -C /notes -cf /backup/notes.tar .",
                )
            extracted = archive.extractfile(members["todo.txt"])
            text = io.TextIOWrapper(extracted, encoding="utf-8").read().strip()
    except tarfile.TarError as error:
        return False, f"这不是一个有效的 tar 归档：{error}。"
    if text != NOTES_TEXT:
        return False, f"归档里的 todo.txt 内容是 {text!r}，不是 {NOTES_TEXT!r}。"
    return True, f"scratch/03/{BACKUP_FILE} 里有 todo.txt，内容与 volume 一致。"


def tmpfs_cache() -> tuple[bool, str]:
    try:
        container = _client().containers.get(TMPFS_NAME)
    except docker.errors.NotFound:
        return False, f"没有找到名为 {TMPFS_NAME} 的容器。"
    if container.status != "running":
        return False, f"{TMPFS_NAME} 的状态是 {container.status}，不是 running。"
    tmpfs = container.attrs["HostConfig"].get("Tmpfs") or {}
    if "/cache" not in tmpfs:
        return (
            False,
            "容器的 /cache 不是 tmpfs 挂载。"
            '提示：run(..., tmpfs={"/cache": "size=8m"})。',
        )
    if "size=8m" not in tmpfs["/cache"].split(","):
        return (
            False,
            f"/cache 的选项是 {tmpfs['/cache']!r}，没有把大小限制为 8m。",
        )
    return True, f"{TMPFS_NAME} 的 /cache 是一个 8 MB 的 tmpfs，数据只在内存里。"


CHECKERS = {1: notes_volume, 2: redis_on_network, 3: backup_tar, 4: tmpfs_cache}


def check(number: int) -> bool:
    """Check exercise ``number`` of chapter 03 and print ✓ or a hint."""
    return report(number, CHECKERS[number])
