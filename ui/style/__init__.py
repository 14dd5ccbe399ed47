"""How the preview and the window draw things, in modules by job: `palette` (colours),
`fonts` (text), `shapes` (plates, dashed lines, arrows), `markers` (people and items),
`labels` (label plates and leader lines), `plan_symbols` (doors, windows, stairs, lifts,
exits), `scale_bar` and `key_symbols` (the samples in a map key).

All of it is plain drawing: it takes pixels, sizes and a few words (a role, a door kind,
a label) and knows nothing of the engine, so a preview, a briefing slide and a live
snapshot all show a victim, a locked gate or an escape window the same way. Nothing is
initialised at import time. Import the module you need; nothing is re-exported here.
"""
