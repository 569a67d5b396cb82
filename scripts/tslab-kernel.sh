#!/bin/sh
# The tslab kernel as Jupyter starts it. tslab compiles local .ts imports with rootDir = its
# working directory, and Jupyter starts a kernel in the notebook's folder (notebooks/), where
# src/ lies outside rootDir ("File '.../src/data/index.ts' is not under 'rootDir'"). So every
# notebook kernel runs at the repository root and imports `./src/<area>/index`; the preloaded
# tslab-resolve-index.cjs lets src/ modules keep their folder imports (`from "../data"`).
cd "$(dirname "$0")/.." || exit 1
exec node --require ./scripts/tslab-resolve-index.cjs ./node_modules/tslab/bin/tslab "$@"
