"""Make sure the course's images exist: pull them, or build their stand-ins.

Where a registry is reachable, :func:`ensure` pulls the official image. Where
none is, it builds the stand-in recipe of the catalog from Debian packages. A
progress bar shows either. Set ``DOCKER_COURSE_IMAGES`` to ``pull`` or
``standin`` to force one way (the default, ``auto``, tries a pull first).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import docker
import requests
from tqdm import tqdm

from . import catalog, engine
from .errors import CommandFailed, CourseError, ImageUnavailable, last_lines
from .log import engine_call, get_logger

log = get_logger(__name__)

MODES = ("auto", "pull", "standin")
DEFAULT_MIRROR = "http://deb.debian.org/debian"
DEFAULT_SECURITY_MIRROR = "http://deb.debian.org/debian-security"
HOST_CA_BUNDLES = (
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/pki/tls/certs/ca-bundle.crt",
)
MERGED_USR_HOOK = Path("/usr/share/mmdebstrap/hooks/merged-usr")

# Set after the first pull that fails for want of a registry, so that later
# images go straight to their stand-ins.
_registry_unreachable = False


@dataclass
class EnsuredImage:
    """The outcome of :func:`ensure` for one image."""

    reference: str
    action: str  # "ready", "pulled" or "built stand-in"
    seconds: float
    size_mb: float
    standin: bool


def mode() -> str:
    """Return the image mode set by ``DOCKER_COURSE_IMAGES`` (default ``auto``).

    Raises CourseError when the value is not one of :data:`MODES`.
    """
    value = os.environ.get("DOCKER_COURSE_IMAGES", "auto").strip().lower() or "auto"
    if value not in MODES:
        raise CourseError(
            f"DOCKER_COURSE_IMAGES has the invalid value {value!r}.",
            hint=f"set it to one of {', '.join(MODES)}, or unset it.",
        )
    return value


def _lookup(reference: str) -> catalog.CatalogImage:
    image = catalog.find(reference)
    if image is None:
        known = ", ".join(entry.reference for entry in catalog.CATALOG)
        raise ImageUnavailable(
            f"The image {reference!r} is not in the course's catalog.",
            evidence=[f"catalog: {known}"],
            hint="check the spelling and the tag, "
            "or add the image to utils/catalog.py.",
        )
    return image


def local_image(reference: str):
    """Return the engine's image for ``reference``, or None when it has none."""
    client = engine.connect()
    try:
        with engine_call(f"inspect image {reference}"):
            return client.images.get(reference)
    except docker.errors.ImageNotFound:
        return None


def ensure(
    references: list[str] | tuple[str, ...], *, progress: bool = True
) -> list[EnsuredImage]:
    """Make sure every image in ``references`` exists on the engine.

    Images already present are left alone, so a second call returns at once.

    Raises:
        ImageUnavailable: an image is not in the catalog, or could be neither
            pulled nor built.

    Example:
        >>> [row.action for row in ensure(["busybox:1.35"])]   # doctest: +SKIP
        ['ready']
    """
    entries = [_lookup(reference) for reference in references]
    return [_ensure_one(entry, progress=progress) for entry in entries]


def _ensure_one(image: catalog.CatalogImage, *, progress: bool) -> EnsuredImage:
    global _registry_unreachable
    started = time.perf_counter()
    found = local_image(image.reference)
    action = "ready"
    if found is None:
        current_mode = mode()
        pulled = False
        if current_mode == "pull" or (
            current_mode == "auto" and not _registry_unreachable
        ):
            try:
                _pull(image.reference, progress=progress)
                pulled = True
                action = "pulled"
            except ImageUnavailable as error:
                if current_mode == "pull":
                    raise
                if _no_registry(error):
                    _registry_unreachable = True
                log.info(
                    "pull of %s failed, building its stand-in: %s",
                    image.reference,
                    error.what,
                )
        if not pulled:
            build_standin(image, progress=progress)
            action = "built stand-in"
        found = local_image(image.reference)
    labels = (found.attrs.get("Config") or {}).get("Labels") or {}
    return EnsuredImage(
        reference=image.reference,
        action=action,
        seconds=round(time.perf_counter() - started, 1),
        size_mb=round(found.attrs.get("Size", 0) / 1e6, 1),
        standin=catalog.STANDIN_LABEL in labels,
    )


# Engine messages that mean no registry could be reached at all, as opposed
# to a registry that responded but lacks the tag.
_NETWORK_FAILURES = ("dial tcp", "no such host", "connection refused", "i/o timeout",
                     "network is unreachable", "TLS handshake timeout",
                     "Client.Timeout exceeded")


def _no_registry(error: ImageUnavailable) -> bool:
    text = " ".join(error.evidence)
    return any(marker in text for marker in _NETWORK_FAILURES)


def _byte_bar(total: int, description: str, progress: bool) -> tqdm:
    """Return a progress bar counting bytes, hidden when ``progress`` is False."""
    return tqdm(
        total=total,
        unit="B",
        unit_scale=True,
        desc=description,
        file=sys.stdout,
        disable=not progress,
        leave=False,
    )


def _pull(reference: str, *, progress: bool) -> None:
    repository, _, tag = reference.rpartition(":")
    client = engine.connect()
    layers: dict[str, tuple[int, int]] = {}
    bar = _byte_bar(0, f"pull {reference}", progress)
    try:
        with engine_call(f"pull {reference}"):
            for event in client.api.pull(repository, tag, stream=True, decode=True):
                if "error" in event:
                    raise ImageUnavailable(
                        f"Pulling {reference} failed.", evidence=[event["error"]]
                    )
                detail = event.get("progressDetail") or {}
                if event.get("id") and detail.get("total"):
                    layers[event["id"]] = (detail.get("current", 0), detail["total"])
                    bar.total = sum(total for _, total in layers.values())
                    bar.n = sum(current for current, _ in layers.values())
                    bar.refresh()
    except (docker.errors.APIError, requests.exceptions.RequestException) as error:
        raise ImageUnavailable(
            f"Pulling {reference} failed.", evidence=[str(error)[:300]]
        ) from None
    finally:
        bar.close()


def build_standin(image: catalog.CatalogImage, *, progress: bool = True) -> None:
    """Build the stand-in of a catalog image from Debian packages."""
    if image.base and local_image(image.base) is None:
        build_standin(_lookup(image.base), progress=progress)
    labels = {
        catalog.STANDIN_LABEL: "true",
        catalog.STANDIN_FOR_LABEL: image.official,
        "org.opencontainers.image.version": image.version,
        "org.opencontainers.image.description": (
            f"Course stand-in for {image.official}, built from Debian packages"
        ),
    }
    if image.recipe == "debian":
        _build_debian_base(image, labels, progress=progress)
    else:
        _build_from_dockerfile(image, labels, progress=progress)


def host_ca_bundle() -> Path:
    """Return the host's bundle of trusted certificate authorities."""
    for candidate in HOST_CA_BUNDLES:
        if Path(candidate).is_file():
            return Path(candidate)
    import certifi

    return Path(certifi.where())


def _require_mmdebstrap() -> str:
    path = shutil.which("mmdebstrap")
    if path:
        return path
    if engine.can_provision():
        print("Installing mmdebstrap, which builds the Debian stand-in.")
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "mmdebstrap"],
            check=False,
            stdout=subprocess.DEVNULL,
        )
        path = shutil.which("mmdebstrap")
        if path:
            return path
    raise ImageUnavailable(
        "No registry responded, and mmdebstrap, which builds the offline Debian "
        "stand-in, is not installed.",
        hint="connect to a registry (Docker Hub), "
        "or install mmdebstrap (`apt-get install mmdebstrap`).",
    )


def _build_debian_base(
    image: catalog.CatalogImage, labels: dict[str, str], *, progress: bool
) -> None:
    mmdebstrap = _require_mmdebstrap()
    mirror = os.environ.get("DOCKER_COURSE_DEBIAN_MIRROR", DEFAULT_MIRROR)
    security = os.environ.get(
        "DOCKER_COURSE_DEBIAN_SECURITY_MIRROR", DEFAULT_SECURITY_MIRROR
    )
    bundle = host_ca_bundle()
    command = [
        mmdebstrap,
        "--quiet",
        "--variant=minbase",
        '--aptopt=APT::Install-Recommends "false"',
        # The official slim image stays small by leaving out documentation,
        # manual pages and translations, so this one does too. The copyright
        # files stay.
        "--dpkgopt=path-exclude=/usr/share/man/*",
        "--dpkgopt=path-exclude=/usr/share/doc/*",
        "--dpkgopt=path-include=/usr/share/doc/*/copyright",
        "--dpkgopt=path-exclude=/usr/share/locale/*",
        "--dpkgopt=path-exclude=/usr/share/info/*",
        # Without the merged-usr hook, apt installs the usrmerge package, which
        # brings all of Perl.
        *([f"--hook-dir={MERGED_USR_HOOK}"] if MERGED_USR_HOOK.is_dir() else []),
        "--customize-hook=mkdir -p "
        '"$1/etc/ssl/certs" "$1/usr/local/share/ca-certificates"',
        f'--customize-hook=cp {bundle} "$1/etc/ssl/certs/ca-certificates.crt"',
        # ca-certificates, when an image installs it, adds this file back
        # into the bundle it regenerates.
        f"--customize-hook=cp {bundle} "
        '"$1/usr/local/share/ca-certificates/host-ca-bundle.crt"',
        "--customize-hook=upload "
        f"{catalog.STANDIN_DIR / 'debian' / 'docker-clean.conf'} "
        "/etc/apt/apt.conf.d/docker-clean",
        '--customize-hook=rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*.bin '
        '"$1"/var/log/*.log "$1"/var/cache/ldconfig/aux-cache',
        "bookworm",
        "-",
        f"deb {mirror} bookworm main",
        f"deb {mirror} bookworm-updates main",
        f"deb {security} bookworm-security main",
    ]
    changes = ['CMD ["bash"]'] + [
        f'LABEL "{key}"="{value}"' for key, value in labels.items()
    ]
    import_command = ["docker", "import"]
    for change in changes:
        import_command += ["--change", change]
    import_command += ["-", image.reference]
    log.info(
        "building %s: %s | %s",
        image.reference,
        " ".join(command),
        " ".join(import_command),
    )

    # The total is an estimate of the Debian base's size, for a readable bar.
    bar = _byte_bar(80_000_000, f"stand-in {image.reference} (mmdebstrap)", progress)
    with (
        engine_call(f"mmdebstrap | docker import {image.reference}"),
        tempfile.TemporaryFile() as bootstrap_log,
        tempfile.TemporaryFile() as import_log,
    ):
        bootstrap = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=bootstrap_log
        )
        importer = subprocess.Popen(
            import_command,
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=import_log,
        )
        try:
            while chunk := bootstrap.stdout.read(1 << 20):
                importer.stdin.write(chunk)
                bar.update(len(chunk))
        except BrokenPipeError:
            bootstrap.kill()
        finally:
            try:
                importer.stdin.close()
            except BrokenPipeError:
                pass  # docker import exited early; its exit code reports why
            bar.close()
        bootstrap_code = bootstrap.wait()
        import_code = importer.wait()
        bootstrap_log.seek(0)
        import_log.seek(0)
        bootstrap_error = bootstrap_log.read().decode(errors="replace")
        import_error = import_log.read().decode(errors="replace")
    if bootstrap_code != 0 or import_code != 0:
        raise ImageUnavailable(
            f"Building the stand-in {image.reference} failed.",
            evidence=[
                f"mmdebstrap exit code {bootstrap_code}",
                *last_lines(bootstrap_error, 8),
                f"docker import exit code {import_code}",
                *last_lines(import_error, 4),
            ],
            hint="check that this machine reaches the Debian mirror "
            f"({mirror}); set DOCKER_COURSE_DEBIAN_MIRROR to use another.",
        )


_STEP = re.compile(r"^#\d+ \[(?:[\w.-]+ )?(\d+)/(\d+)\]")


def _build_from_dockerfile(
    image: catalog.CatalogImage, labels: dict[str, str], *, progress: bool
) -> None:
    from python_on_whales import DockerException
    from python_on_whales import docker as cli

    engine.require_cli()
    bar = tqdm(
        total=1,
        desc=f"stand-in {image.reference}",
        unit="step",
        file=sys.stdout,
        disable=not progress,
        leave=False,
    )
    log_lines: list[str] = []
    try:
        with engine_call(f"buildx build stand-in {image.reference}"):
            for line in cli.buildx.build(
                image.recipe_dir,
                tags=[image.reference],
                labels=labels,
                progress="plain",
                stream_logs=True,
            ):
                line = line.rstrip("\n")
                log_lines.append(line)
                match = _STEP.match(line)
                if match:
                    bar.total = max(bar.total, int(match.group(2)))
                    bar.n = max(bar.n, int(match.group(1)) - 1)
                    bar.refresh()
    except DockerException as error:
        raise ImageUnavailable(
            f"Building the stand-in {image.reference} failed.",
            evidence=[
                f"exit code {error.return_code}",
                *last_lines("\n".join(log_lines), 12),
            ],
            hint="check that containers reach the Debian mirror, then run "
            "`python -m utils images` again.",
        ) from None
    finally:
        bar.close()


def verify_standin(reference: str) -> str:
    """Run the image's version command and return its output.

    The unit tests use it to check a stand-in.
    """
    image = _lookup(reference)
    client = engine.connect()
    # containers.run(remove=True) is not used because it keeps the anonymous
    # volumes of images with a VOLUME (redis, registry), and nothing would
    # remove them.
    with engine_call(f"version of {reference}"):
        container = client.containers.create(
            reference, list(image.version_command), entrypoint=[]
        )
        try:
            container.start()
            exit_code = container.wait()["StatusCode"]
            output = container.logs(stdout=True, stderr=True).decode(errors="replace")
        finally:
            container.remove(force=True, v=True)
    if exit_code != 0:
        raise CommandFailed(
            f"The version command of {reference} exited with code {exit_code}.",
            exit_code=exit_code,
            output=output,
            command=shlex.join(image.version_command),
            hint="remove the image, then run `python -m utils images` to rebuild it.",
        )
    return output
