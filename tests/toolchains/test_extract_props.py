"""Properties of extraction over generated hostile archives (tar.gz, zip, wheel).

Whatever the member names and link targets:
(a) nothing is created, changed or removed outside the staging directory (a
    sibling ``outside`` directory, which absolute names point at, stays empty);
(b) when extraction succeeds, every symbolic link in the tree resolves inside it;
(c) a refusal is a one-line GoarchlabError, and a refusal by the planner leaves
    the staging directory empty (nothing is written before the plan is whole);
    any other exception fails the test.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from archive_helpers import archive_bytes, archive_name
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from goarchlab.archive import extract
from goarchlab.errors import GoarchlabError

OUT = "@OUT@"  # replaced by the absolute path of the example's ``outside`` directory
BENIGN = st.sampled_from(["a", "A", "b", "L", "bin", "x", "go"])
HOSTILE = st.sampled_from([
    "go", "a", "A", "L", ".", "..", "", "/", "\\", "C:", "c:x", "\x00",
    "caf\u00e9", "cafe\u0301", "n" * 256, "/".join(["d" * 200] * 21), OUT,
])
HEADS = st.sampled_from(["go/", "go/", "", "./go/", "go//", f"go/{OUT}/", f"{OUT}/", "/"])
TARGETS = st.lists(st.sampled_from(["..", "..", ".", "a", "A", "L", "b", "go", "bin", "x",
                                    "", OUT, "\\", "C:"]), min_size=1, max_size=6)


@st.composite
def _member(draw, kinds: list[str], names: list[str], hostile: bool):
    if hostile:
        name = draw(HEADS) + "/".join(draw(st.lists(HOSTILE, min_size=1, max_size=4)))
    else:
        name = "go/" + "/".join(draw(st.lists(BENIGN, min_size=1, max_size=4)))
    if draw(st.booleans()) and draw(st.booleans()):
        name += "/"
    if not name.split("\x00")[0]:
        name = "./" + name  # zipfile cuts a name at NUL, and cannot write an empty one
    kind = draw(st.sampled_from(kinds))
    if kind == "sym":
        absolute = draw(st.booleans()) and draw(st.booleans())
        return (name, "sym", ("/" if absolute else "") + "/".join(draw(TARGETS)), 0o777)
    if kind == "hard":
        return (name, "hard", draw(st.sampled_from(names)), 0o644)
    return (name, kind, b"data" if kind == "file" else None, 0o644)


@st.composite
def members(draw, fmt: str):
    """A list of archive_helpers members: mostly benign names (so that one hostile
    member is often the only thing wrong), up to two hostile ones, in any order.
    ``go/bin/go`` is there so that an archive the planner accepts also passes
    extract()'s final check."""
    kinds = ["file", "file", "dir", "sym", "sym"] + (["hard"] if fmt == "tar" else [])
    out = [("go/bin/go", "file", b"#!/bin/sh\n", 0o755)]
    for hostile in [False] * draw(st.integers(0, 5)) + [True] * draw(st.integers(0, 2)):
        out.append(draw(_member(kinds, [m[0] for m in out], hostile)))
    return draw(st.permutations(out))


def _snapshot(top: Path, skip: Path) -> dict[str, tuple]:
    """Every path under ``top`` except ``skip``'s subtree: (type, size, mtime_ns)."""
    out = {}
    for d, dirs, files in os.walk(top):
        if Path(d) == skip:
            dirs[:] = []
            continue
        for n in (*dirs, *files):
            p = os.path.join(d, n)
            if Path(p) == skip:
                continue
            st_ = os.lstat(p)
            out[p] = (st_.st_mode, st_.st_size, st_.st_mtime_ns)
    return out


def _check(tmp_path: Path, fmt: str, ms) -> None:
    box = Path(tempfile.mkdtemp(dir=tmp_path))
    try:
        outside = box / "outside"
        outside.mkdir()
        staging = box / "staging"
        staging.mkdir()

        def sub(s):
            return s.replace(OUT, str(outside)) if isinstance(s, str) else s

        ms = [(sub(n), k, sub(p), m) for n, k, p, m in ms]
        archive = box / archive_name(fmt)
        archive.write_bytes(archive_bytes(fmt, ms))
        before = _snapshot(tmp_path, staging)
        try:
            extract.extract(archive, staging)
            ok = True
        except GoarchlabError as e:
            ok = False
            assert "\n" not in e.message
            if "refused member" in e.message:
                assert list(staging.iterdir()) == [], e.message
        assert _snapshot(tmp_path, staging) == before
        assert list(outside.iterdir()) == []
        if ok:
            root = os.path.realpath(staging)
            for d, dirs, files in os.walk(staging):
                for n in (*dirs, *files):
                    p = os.path.join(d, n)
                    if os.path.islink(p):
                        real = os.path.realpath(p)
                        assert real == root or real.startswith(root + os.sep), (p, real)
    finally:
        shutil.rmtree(box)


_SETTINGS = settings(max_examples=150, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture,
                                            HealthCheck.too_slow])


@pytest.mark.parametrize("fmt", ["tar", "zip", "whl"])
def test_generated_archives_never_write_outside_staging(tmp_path, fmt):
    @_SETTINGS
    @given(members(fmt))
    def prop(ms):
        _check(tmp_path, fmt, ms)

    prop()
