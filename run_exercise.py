"""Command line of the rescue-exercise simulator; the commands live in the `cli` package.

    python run_exercise.py validate scenarios/*.yaml
    python run_exercise.py run scenarios/kowloon_flat.yaml --seed 1
    python run_exercise.py play
"""
from __future__ import annotations

import sys

from cli import main

if __name__ == "__main__":
    sys.exit(main())
