"""The scenario format: what a trainer writes, and how it is read and checked.

Offers `scenario.load` (YAML file -> validated, immutable `Scenario`), `load_plan`, the
JSON Schema, and the vocabularies shared by every layer: orders (`orders`), triggers
(`triggers`), metrics and ratings (`catalogue`), the floor plan (`floorplan`), where
everyone starts (`placement`), and the errors with file:line:column (`problems`).

Modules: `yamlsource` (safe YAML with positions), `fields` (the field types), `spec` (the
format as pydantic models), `structure` (their errors in plain words), `checks`
(cross-references, map, reachability), `doctrine` (small answers about the doctrine plan).

May import: nothing else of the project (only `sim.__version__`).
"""
