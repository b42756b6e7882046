"""The course's command line: ``python -m utils COMMAND``.

Commands:
    engine [--provision]   check the engine; with --provision, install and
                           start one where the course may (root on Debian/Ubuntu)
    images [--chapter N]   make sure the catalog's images exist (all, or one chapter's)
    catalog                list the catalog: references, versions, stand-in state
    clean [--chapter N]    remove everything the course labelled (all chapters, or one)
    leftovers              list what the course labelled and left; exit 1 if any
    nightly [--out DIR]    execute every notebook with papermill and write a report
    refresh NOTEBOOK...    execute notebooks in place (refresh their committed outputs)
    bench                  print the benchmark figures
"""

from __future__ import annotations

import argparse
import sys

from . import catalog, engine, ensure, session
from .errors import CourseError


def _engine(args) -> int:
    if args.provision:
        engine.provision()
    client = engine.connect()
    version = client.version()
    info = client.info()
    print(
        f"engine: Docker Engine {version['Version']} (API {version['ApiVersion']}) "
        f"at {engine.endpoint()}, storage driver {info.get('Driver')}"
    )
    return 0


def _images(args) -> int:
    references = (
        catalog.for_chapter(args.chapter)
        if args.chapter
        else [entry.reference for entry in catalog.CATALOG]
    )
    if not references:
        chapters = sorted(
            {number for entry in catalog.CATALOG for number in entry.chapters}
        )
        raise CourseError(
            f"No images are listed for chapter {args.chapter!r}.",
            hint=f"use one of the chapters {', '.join(chapters)}.",
        )
    rows = ensure.ensure(references, progress=sys.stdout.isatty() or args.progress)
    print(f"{'image':32} {'status':15} {'kind':9} {'size':>10} {'took':>8}")
    for row in rows:
        kind = "stand-in" if row.standin else "official"
        print(
            f"{row.reference:32} {row.action:15} {kind:9} {row.size_mb:7.1f} MB "
            f"{row.seconds:6.1f} s"
        )
    return 0


def _catalog(args) -> int:
    for entry in catalog.CATALOG:
        found = ensure.local_image(entry.reference)
        status = "missing" if found is None else "present"
        print(
            f"{entry.reference:32} version {entry.version:6} chapters "
            f"{','.join(entry.chapters):12} {status}"
        )
    return 0


def _clean(args) -> int:
    removed = session.remove_chapter_resources(args.chapter)
    counts = {
        "container": len(removed.containers),
        "network": len(removed.networks),
        "volume": len(removed.volumes),
        "image": len(removed.images),
    }
    parts = [
        f"{count} {kind}" + ("" if count == 1 else "s")
        for kind, count in counts.items()
    ]
    print("removed " + ", ".join(parts))
    return 0


def _leftovers(args) -> int:
    from .leftovers import find_leftovers

    found = find_leftovers()
    for kind, names in found.items():
        for name in names:
            print(f"{kind}: {name}")
    if any(found.values()):
        print(
            "The course left the resources above; `python -m utils clean` removes them."
        )
        return 1
    print("nothing left")
    return 0


def _nightly(args) -> int:
    from .nightly import run_nightly

    return run_nightly(args.out, timeout=args.cell_timeout)


def _refresh(args) -> int:
    from pathlib import Path

    from .nightly import refresh

    for name in args.notebooks:
        record = refresh(Path(name), timeout=args.cell_timeout)
        print(f"{name}: executed in {record['seconds']} s")
    return 0


def _bench(args) -> int:
    from .bench import main as bench_main

    return bench_main(repeat=args.repeat, notebooks=not args.skip_notebooks)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m utils", description=__doc__.split("\n")[0]
    )
    commands = parser.add_subparsers(dest="command", required=True)

    engine_parser = commands.add_parser(
        "engine", help="check (or provision) the engine"
    )
    engine_parser.add_argument(
        "--provision",
        action="store_true",
        help="install and start an engine where none responds",
    )
    engine_parser.set_defaults(handler=_engine)

    images_parser = commands.add_parser("images", help="make sure the images exist")
    images_parser.add_argument("--chapter", help="only this chapter's images, e.g. 01")
    images_parser.add_argument(
        "--progress",
        action="store_true",
        help="show progress bars even when not on a terminal",
    )
    images_parser.set_defaults(handler=_images)

    commands.add_parser("catalog", help="list the image catalog").set_defaults(
        handler=_catalog
    )

    clean_parser = commands.add_parser("clean", help="remove what the course labelled")
    clean_parser.add_argument(
        "--chapter", help="only this chapter's resources, e.g. 01"
    )
    clean_parser.set_defaults(handler=_clean)

    commands.add_parser(
        "leftovers", help="list what the course left on the engine"
    ).set_defaults(handler=_leftovers)

    nightly_parser = commands.add_parser(
        "nightly", help="execute every notebook, write a report"
    )
    nightly_parser.add_argument(
        "--out",
        default="reports/nightly",
        help="folder for executed notebooks and the report",
    )
    nightly_parser.add_argument(
        "--cell-timeout",
        type=int,
        default=600,
        help="seconds one cell may run before it fails",
    )
    nightly_parser.set_defaults(handler=_nightly)

    refresh_parser = commands.add_parser(
        "refresh",
        help="execute notebooks in place, so their outputs come from a real run",
    )
    refresh_parser.add_argument(
        "notebooks", nargs="+", help="notebook files to execute"
    )
    refresh_parser.add_argument(
        "--cell-timeout",
        type=int,
        default=600,
        help="seconds one cell may run before it fails",
    )
    refresh_parser.set_defaults(handler=_refresh)

    bench_parser = commands.add_parser("bench", help="print the benchmark figures")
    bench_parser.add_argument(
        "--repeat",
        type=int,
        default=20,
        help="how many containers each overhead figure runs",
    )
    bench_parser.add_argument(
        "--skip-notebooks", action="store_true", help="do not time the notebooks"
    )
    bench_parser.set_defaults(handler=_bench)

    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except CourseError as error:
        print(f"error: {error.message()}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
