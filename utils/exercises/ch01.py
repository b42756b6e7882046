"""Checkers for chapter 01 (基础知识)."""

from __future__ import annotations

from pathlib import PurePosixPath

import docker

from .. import engine, session
from . import report

PAUSED_NAME = "ex01-paused"
LAYERS_TAG = "ex01-layers:1.0"
IGNORE_TAG = "ex01-ignore:1.0"
KERNEL_NAME = "ex01-kernel"


def _container(name: str):
    try:
        return engine.connect().containers.get(name)
    except docker.errors.NotFound:
        return None


def _image(tag: str):
    try:
        return engine.connect().images.get(tag)
    except docker.errors.ImageNotFound:
        return None


def _not_from_chapter(image) -> bool:
    labels = (image.attrs.get("Config") or {}).get("Labels") or {}
    return labels.get("dockercourse.chapter") != "01"


NOT_FROM_CHAPTER = (
    "这个镜像不是用本章的 build() 构建的，章末清理找不到它。提示：用 build() 重新构建。"
)


def _list_files(tag: str, path: str) -> list[str]:
    output = engine.connect().containers.run(
        tag, ["find", path], remove=True, entrypoint=[], labels=session.current().labels
    )
    return output.decode().split()


def paused() -> tuple[bool, str]:
    container = _container(PAUSED_NAME)
    if container is None:
        return (
            False,
            f"没有找到名为 {PAUSED_NAME} 的容器。"
            "提示：先用 run(..., detach=True, name=...) 启动它。",
        )
    labels = container.labels
    if labels.get("dockercourse.chapter") != "01":
        return (
            False,
            "这个容器不是用本章的 run() 创建的，章末清理找不到它。"
            "提示：删掉它，用 run() 重新创建。",
        )
    if container.status == "running":
        return False, f'容器在运行，但还没有暂停。提示：pause("{PAUSED_NAME}")。'
    if container.status != "paused":
        return (
            False,
            f"容器的状态是 {container.status}，不是 paused。"
            "提示：pause() 只能暂停运行中的容器，先用 start() 启动它。",
        )
    return True, f"{PAUSED_NAME} 处于 paused 状态。"


def layers() -> tuple[bool, str]:
    image = _image(LAYERS_TAG)
    if image is None:
        return (
            False,
            f'没有找到镜像 {LAYERS_TAG}。提示：用 build(目录, "{LAYERS_TAG}") 构建它。',
        )
    if _not_from_chapter(image):
        return False, NOT_FROM_CHAPTER
    base = _image("busybox:1.35")
    if base is None:
        return False, "engine 上没有 busybox:1.35。提示：重新运行本章的第一个代码单元。"
    added = len(image.attrs["RootFS"]["Layers"]) - len(base.attrs["RootFS"]["Layers"])
    if added != 1:
        return (
            False,
            f"它比 busybox:1.35 多了 {added} 个层，不是 1 个。"
            "提示：把两个文件放进同一条 RUN 指令。",
        )
    files = _list_files(LAYERS_TAG, "/data")
    missing = [name for name in ("/data/a.txt", "/data/b.txt") if name not in files]
    if missing:
        return False, f"镜像里缺少 {', '.join(missing)}。"
    return (
        True,
        f"{LAYERS_TAG} 只比 busybox:1.35 多一个层，里面有 /data/a.txt 和 /data/b.txt。",
    )


def ignore() -> tuple[bool, str]:
    image = _image(IGNORE_TAG)
    if image is None:
        return False, f"没有找到镜像 {IGNORE_TAG}。提示：写好 .dockerignore 后构建它。"
    if _not_from_chapter(image):
        return False, NOT_FROM_CHAPTER
    files = [PurePosixPath(name) for name in _list_files(IGNORE_TAG, "/app")]
    names = {str(path) for path in files}
    hints = {
        "log": "模式 *.log 只匹配上下文根目录里的文件，任意目录下的要写 **/*.log。",
        "tmp": "写一行 tmp，整个 tmp 目录就不会进入上下文。",
        ".git": "写一行 .git，整个 .git 目录就不会进入上下文。",
    }
    kinds = {
        "log": [str(p) for p in files if p.suffix == ".log"],
        "tmp": [str(p) for p in files if "tmp" in p.parts],
        ".git": [str(p) for p in files if ".git" in p.parts],
    }
    for kind, found in kinds.items():
        if found:
            return (
                False,
                f"镜像里还有不该进入上下文的文件：{', '.join(sorted(found))}。"
                f"提示：{hints[kind]}",
            )
    if "/app/app.py" not in names:
        return False, "镜像里没有 /app/app.py：.dockerignore 排除得太多了。"
    return True, "上下文里没有 .log、tmp/ 和 .git，app.py 还在。"


def kernel() -> tuple[bool, str]:
    container = _container(KERNEL_NAME)
    if container is None:
        return False, f"没有找到名为 {KERNEL_NAME} 的容器。"
    printed = container.logs().decode().strip()
    expected = engine.connect().info()["KernelVersion"]
    if printed != expected:
        return (
            False,
            f"容器输出的是 {printed!r}，而 engine 的内核版本是 {expected!r}。"
            "提示：让容器运行 uname -r。",
        )
    return True, "容器打印的内核版本与 engine 所在主机的内核一致。"


CHECKERS = {1: paused, 2: layers, 3: ignore, 4: kernel}


def check(number: int):
    """Check exercise ``number`` of chapter 01 and print ✓ or a hint."""
    if number not in CHECKERS:
        print(
            f"✗ 本章没有练习 {number!r}。练习的编号是 {', '.join(map(str, CHECKERS))}。"
        )
        return None
    return report(number, CHECKERS[number])
