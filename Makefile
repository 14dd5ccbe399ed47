# The two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: test demo play bench golden validate previews schema clean sensitivity

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the project's metadata changes.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

test: $(STAMP)
	SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy $(BIN)/python -m pytest

# Run the reference scenario headless with its doctrine plan, then re-simulate the record.
demo: $(STAMP)
	$(BIN)/python run_exercise.py run scenarios/kowloon_flat.yaml --seed 1 | tee results/demo.txt
	$(BIN)/python run_exercise.py verify "$$(tail -1 results/demo.txt | sed 's/^run record: //')"

play: $(STAMP)
	$(BIN)/python run_exercise.py play scenarios/kowloon_flat.yaml

# Speed figures, each a ratio or rate measured side by side in one run (see README).
bench: $(STAMP)
	$(BIN)/python bench/run.py

# Rewrite the golden event logs after a change in behaviour you meant (explain it in the commit).
golden: $(STAMP)
	$(BIN)/python tests/update_golden.py

validate: $(STAMP)
	$(BIN)/python run_exercise.py validate scenarios/*.yaml

previews: $(STAMP)
	mkdir -p results/previews
	for f in scenarios/*.yaml; do \
	  $(BIN)/python run_exercise.py preview $$f --out results/previews/$$(basename $$f .yaml).png || exit 1; \
	done

schema: $(STAMP)
	$(BIN)/python run_exercise.py schema > scenarios/schema.json

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .hypothesis

# The sensitivity tables of scenarios/README.md: each shipped scenario's doctrine plan changed
# one element at a time, 400 common seeds (about half an hour on two cores).
sensitivity: $(STAMP)
	for f in scenarios/*.yaml; do $(BIN)/python run_exercise.py calibrate $$f --sensitivity --runs 400 --markdown || exit 1; echo; done
