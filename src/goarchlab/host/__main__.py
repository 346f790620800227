"""``python -m goarchlab.host FILE``: record this machine's answers to detect() as JSON.

Lives here, not in host.probe: the probe is below host.facts (facts asks it), and
the recorder needs detect() from facts -- in probe it made a cycle."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from goarchlab.host.facts import detect
from goarchlab.host.probe import RecordingProbe


def main(argv: list[str] | None = None) -> None:
    """Write a JSON recording of this machine's answers to ``detect()`` to argv[0]
    (default ``host-recording.json``)."""
    out = Path((argv or sys.argv[1:] or ["host-recording.json"])[0])
    rec = RecordingProbe()
    detect(rec)
    rec.data["exists"] = sorted(set(rec.data["exists"]))
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(json.dumps(rec.data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    tmp.replace(out)


if __name__ == "__main__":
    main()
