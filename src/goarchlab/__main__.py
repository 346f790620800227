"""``python -m goarchlab``."""

from goarchlab.cli import main

raise SystemExit(main())
