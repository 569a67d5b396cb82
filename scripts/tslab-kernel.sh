#!/bin/sh
# The tslab kernel as Jupyter starts it. tslab compiles local .ts imports with rootDir = its
# working directory, and Jupyter starts a kernel in the notebook's folder (notebooks/), where
# src/ lies outside rootDir ("File '.../src/data/index.ts' is not under 'rootDir'"). So every
# notebook kernel runs at the repository root and imports `./src/<area>/index`. The preloaded
# tslab-preload.cjs makes tslab type-check strictly and resolve folder imports, as tsc and tsx do,
# and keeps the kernel alive when files are added under src/ while it runs.
cd "$(dirname "$0")/.." || exit 1
exec node --require ./scripts/tslab-preload.cjs ./node_modules/tslab/bin/tslab "$@"
