"""``python -m goarchlab.host FILE``: record this machine's answers to detect() as JSON."""

from goarchlab.host.probe import main

main()
