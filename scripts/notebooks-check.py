"""Executes notebooks headless in their own kernels (tslab for ours) and fails on any cell error.

Usage: .venv/bin/python scripts/notebooks-check.py [NOTEBOOK_OR_DIR ...]   (default: notebooks/)
`npm run notebooks:check` runs it. Exit 0 when every notebook ran clean; exit 1 naming the first
failing notebook and cell (index, first source line, error) otherwise. Outputs are not written
back: committed notebooks stay without outputs.
"""

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

REPO = Path(__file__).resolve().parent.parent
CELL_TIMEOUT_S = 600


def notebooks(args):
    targets = [Path(a) for a in args] or [REPO / "notebooks"]
    found = []
    for t in targets:
        if t.is_dir():
            found.extend(sorted(p for p in t.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts))
        elif t.suffix == ".ipynb" and t.exists():
            found.append(t)
        else:
            sys.exit(f"notebooks:check: {t} is neither a notebook nor a directory")
    return found


def error_message(cell, err):
    """What went wrong in `cell`: its error output, else its stderr (tslab prints TypeScript
    compile errors there and replies with an error status), else the exception itself."""
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            return f"{out.get('ename', 'Error')}: {out.get('evalue', '')}"
    stderr = "".join(o.get("text", "") for o in cell.get("outputs", []) if o.get("name") == "stderr").strip()
    if stderr:
        return "\n    ".join(stderr.splitlines()[:12])
    lines = str(err).strip().splitlines()
    return lines[-1] if lines else type(err).__name__


def display_path(path):
    return path.relative_to(REPO) if path.is_relative_to(REPO) else path


def check(path):
    nb = nbformat.read(path, as_version=4)
    kernel = nb.metadata.get("kernelspec", {}).get("name", "tslab")
    client = NotebookClient(
        nb,
        kernel_name=kernel,
        timeout=CELL_TIMEOUT_S,
        resources={"metadata": {"path": str(path.parent)}},
    )
    started = time.time()
    # Cell by cell (rather than client.execute()) so a failure names its cell exactly.
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            try:
                client.execute_cell(cell, index)
            except (CellExecutionError, CellTimeoutError, DeadKernelError) as err:
                first_line = cell.source.strip().splitlines()[0] if cell.source.strip() else ""
                print(
                    f"notebooks:check: FAILED {display_path(path)} cell {index + 1} of {len(nb.cells)} "
                    f"({first_line!r}): {error_message(cell, err)}",
                    file=sys.stderr,
                )
                return False
    print(f"notebooks:check: ok {display_path(path)} ({len(nb.cells)} cells, kernel {kernel}, {time.time() - started:.1f} s)")
    return True


def main():
    found = notebooks(sys.argv[1:])
    if not found:
        sys.exit("notebooks:check: no notebooks found")
    ok = True
    for path in found:
        ok = check(path.resolve()) and ok
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
