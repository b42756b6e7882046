"""Print the pip requirements listed in environment.yml, one a line.

The set-up runs this with the system Python before any package is
installed, so it reads the small YAML subset that environment.yml uses
instead of importing a YAML library.
"""

import sys
from pathlib import Path


def pip_requirements(text: str) -> list[str]:
    """Return the entries of the ``- pip:`` list in an environment.yml text."""
    requirements = []
    pip_indent = None
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(line) - len(line.lstrip())
        if stripped == "- pip:":
            pip_indent = indent
            continue
        if pip_indent is None:
            continue
        if indent <= pip_indent or not stripped.startswith("- "):
            break
        requirements.append(stripped[2:].split(" #")[0].strip())
    return requirements


def main() -> int:
    path = Path(sys.argv[1] if len(sys.argv) > 1 else "environment.yml")
    requirements = pip_requirements(path.read_text(encoding="utf-8"))
    if not requirements:
        print(f"error: no '- pip:' list found in {path}", file=sys.stderr)
        return 1
    print("\n".join(requirements))
    return 0


if __name__ == "__main__":
    sys.exit(main())
