"""What is made of runs: metrics and ratings, run records, the results store, batches,
statistics, skill against luck, and the after-action report.

Modules: `metrics` (event log -> metrics -> capability ratings), `record` (run records,
re-simulation, verify), `shapes` (records and journals checked for shape, located
errors), `signing` (Ed25519 signatures of records), `journal` (a play session's journal and resume), `replay`
(replays, the doctrine run beside, what-if), `store` (SQLite), `batch` (replications on
a process pool or Dask), `stats`, `skill` (skill against luck, comparisons), `report`.

May import: `sim.format` and `sim.engine`. Never `ui` or pygame.
"""
