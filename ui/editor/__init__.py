"""The trainers' scenario editor: `run_exercise.py edit [SCENARIO]`.

The model is plain Python with no pygame, tested on its own:
`document` (the scenario as round-trip YAML, edits, undo/redo, atomic save), `edits` (one
change to the document and its inverse), `journal` (unsaved work, appended as it is made),
`problems` (the live checks: the same loader and words as `validate`), `floor` (the ASCII
map as cells, and the drawing tools' changes to it), `forms` (fields generated from the
format's pydantic models), `plans` (doctrine and calibration plan files).

The window: `app` (the loop, layout and events), `mapview` (zoom, pan, drawing), `panels`
(properties, problems, sections, timeline, the help card), `planmode` (a plan drawn in the
trainee's planning screen), `trial` (run, calibrate, play, preview in the background),
`autoplay` (walks every panel and saves screenshots), `main` (opening a file or a new one).
"""
