"""``python -m goarchlab``."""

from goarchlab.cli import run

run()
