"""Executes notebooks headless in their own kernels (tslab for ours) and fails on any cell error.

Usage: .venv/bin/python scripts/notebooks-check.py [--jobs N] [NOTEBOOK_OR_DIR ...]   (default: notebooks/)
`npm run notebooks:check` runs it. Exit 0 when every notebook ran clean; exit 1 naming each
failing notebook and cell (index, first source line, error) otherwise. Outputs are not written
back: committed notebooks stay without outputs.

Notebooks run `--jobs` at a time (default 2, or WSP_NOTEBOOK_JOBS), each in its own process and
kernel: a notebook spends much of its time in tslab compiling src/ on one core, so two at a time
keep a 2-core CI machine busy. The last line gives the whole check's wall time.
"""

import fcntl
import os
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
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
    """Runs one notebook; returns (ok, message). Messages are printed by the caller, whole, so
    that notebooks run side by side do not interleave their lines."""
    nb = nbformat.read(path, as_version=4)
    kernel = nb.metadata.get("kernelspec", {}).get("name", "tslab")
    client = NotebookClient(
        nb,
        kernel_name=kernel,
        timeout=CELL_TIMEOUT_S,
        resources={"metadata": {"path": str(path.parent)}},
    )
    started = time.time()
    # One kernel starts at a time: jupyter_client picks free ports and the kernel binds them later,
    # so two kernels starting together can pick the same port ("Address already in use").
    lock = open(os.path.join(tempfile.gettempdir(), "wsp-notebooks-check-kernel-start.lock"), "w")
    fcntl.flock(lock, fcntl.LOCK_EX)
    # Cell by cell (rather than client.execute()) so a failure names its cell exactly.
    with client.setup_kernel():
        fcntl.flock(lock, fcntl.LOCK_UN)
        lock.close()
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            try:
                client.execute_cell(cell, index)
            except (CellExecutionError, CellTimeoutError, DeadKernelError) as err:
                first_line = cell.source.strip().splitlines()[0] if cell.source.strip() else ""
                return False, (
                    f"notebooks:check: FAILED {display_path(path)} cell {index + 1} of {len(nb.cells)} "
                    f"({first_line!r}): {error_message(cell, err)}"
                )
    return True, f"notebooks:check: ok {display_path(path)} ({len(nb.cells)} cells, kernel {kernel}, {time.time() - started:.1f} s)"


def parse_args(argv):
    jobs = os.environ.get("WSP_NOTEBOOK_JOBS", "2")
    rest = []
    i = 0
    while i < len(argv):
        if argv[i] == "--jobs" and i + 1 < len(argv):
            jobs = argv[i + 1]
            i += 2
        elif argv[i].startswith("--jobs="):
            jobs = argv[i].split("=", 1)[1]
            i += 1
        else:
            rest.append(argv[i])
            i += 1
    if not jobs.isdigit() or int(jobs) < 1:
        sys.exit(f"notebooks:check: --jobs (or WSP_NOTEBOOK_JOBS) must be a positive integer, got {jobs!r}")
    return int(jobs), rest


def report(ok, message):
    print(message, file=sys.stdout if ok else sys.stderr, flush=True)
    return ok


def main():
    jobs, args = parse_args(sys.argv[1:])
    found = [p.resolve() for p in notebooks(args)]
    if not found:
        sys.exit("notebooks:check: no notebooks found")
    started = time.time()
    if jobs == 1 or len(found) == 1:
        results = [report(*check(path)) for path in found]
    else:
        with ProcessPoolExecutor(max_workers=min(jobs, len(found))) as pool:
            # Printed in notebook order as each finishes in turn (a later one may wait for an earlier).
            results = [report(*future.result()) for future in [pool.submit(check, path) for path in found]]
    print(f"notebooks:check: {sum(results)} of {len(found)} ok in {time.time() - started:.1f} s ({jobs} at a time)")
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
