"""Where a measured run goes when the results store cannot take it: a JSON file in the
export format (``goarchlab.bench.run/v1``, what ``bench merge`` reads and stores) beside
the database, else in the temp directory. A long measurement is never thrown away
because of a full disk, a read-only home or a corrupt database.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

from goarchlab.atomicfile import write_text
from goarchlab.bench import store
from goarchlab.bench.model import RunRecord
from goarchlab.bench.runjson import run_to_json
from goarchlab.errors import GoarchlabError


@dataclass(frozen=True)
class Saved:
    """Where :func:`save_or_keep` put a run: ``stored`` in the database, else
    ``problem`` says why not and ``file`` is the JSON copy (None when even that
    could not be written)."""

    stored: bool
    file: Path | None = None
    problem: GoarchlabError | None = None


def save_or_keep(run: RunRecord, path: Path | None = None,
                 problem: GoarchlabError | None = None) -> Saved:
    """Store ``run``; when the store fails (or ``problem``, from
    :func:`goarchlab.bench.store.check`, already said it would), write it as an export
    document (``goarchlab.bench.run/v1``, what ``bench merge`` reads) to
    ``goarchlab-run-<id>.json`` beside the database, else in the temp directory."""
    path = path or store.db_path()
    if problem is None:
        try:
            store.save_run(run, path)
            return Saved(True)
        except GoarchlabError as e:
            problem = e
    text = json.dumps(run_to_json(run), sort_keys=True, indent=2) + "\n"
    for d in (path.parent, Path(tempfile.gettempdir())):
        try:
            return Saved(False, write_text(d / f"goarchlab-run-{run.run_id}.json", text),
                         problem)
        except OSError:
            continue
    return Saved(False, None, problem)


