"""The pprof decoder against go tool pprof's own reading of the same files, and
the flame-graph trees built from it."""

from __future__ import annotations

import gzip
import re
from collections import Counter

import pytest

from goarchlab import proc
from goarchlab.bench import flame, pprof
from goarchlab.bench.http import server
from goarchlab.errors import GoarchlabError


@pytest.fixture(scope="module")
def profiles(built, native_plan, http_sctx, tmp_path_factory):
    """A CPU and a heap profile written by the real net/http server under load."""
    from goarchlab.bench.http import drivers

    d = tmp_path_factory.mktemp("profiles")
    argv = [str(built["native"]), "-addr", "127.0.0.1:0", "-cpuprofile", str(d / "cpu.pb.gz"),
            "-memprofile", str(d / "heap.pb.gz")]
    with server.running(argv, http_sctx.env, d) as srv:
        drivers.run("builtin", drivers.Load(f"http://{srv.addr}/api/heavy", 8, 1.5, 0, "POST",
                                            1024), loadgen=built["loadgen"], env=http_sctx.env)
        assert srv.stop() == 0
    return d / "cpu.pb.gz", d / "heap.pb.gz"


_VALUE = re.compile(r"^\s*(\S+)\s{2,}(\S.*)$")


def _traces(go_tool, env, path, sample_index: str, unit: str = "") -> Counter:
    """Stacks (leaf first) -> summed values, as ``go tool pprof -traces`` prints them
    (raw units: -unit=ns / -unit=B); ``sample_index`` "": pprof's default."""
    unit = unit or {"cpu": "ns", "alloc_space": "B"}.get(sample_index, "")
    r = proc.run([go_tool, "tool", "pprof", "-traces",
                  *([f"-sample_index={sample_index}"] if sample_index else []),
                  *([f"-unit={unit}"] if unit else []), str(path)], env=env, timeout=120)
    assert r.ok, r.stderr
    out: Counter = Counter()
    blocks = r.stdout.split("-----------+-------------------------------------------------------")
    for block in blocks[1:]:
        lines = [ln for ln in block.splitlines() if ln.strip()]
        # a block may start with label lines ("bytes:  240B") before the value line
        while lines and not re.match(r"^\s*-?\d", lines[0]):
            lines.pop(0)
        if not lines:
            continue
        m = _VALUE.match(lines[0])
        assert m, lines[0]
        value = int(float(re.sub(r"[a-zA-Z]+$", "", m[1])))
        stack = [m[2]] + [ln.strip() for ln in lines[1:]]
        stack = tuple(re.sub(r" \(inline\)$", "", f) for f in stack)
        out[stack] += value
    return out


@pytest.mark.parametrize("kind,index", [("cpu", "cpu"), ("heap", "alloc_space"),
                                        ("heap", "alloc_objects")])
def test_decoder_matches_go_tool_pprof_traces(profiles, go_tool, session_go_env, kind, index):
    path = profiles[0] if kind == "cpu" else profiles[1]
    prof = pprof.load(path)
    i = prof.index_of(index)
    assert prof.sample_types[i][0] == index
    mine: Counter = Counter()
    for s in prof.samples:
        # -traces skips a sample without a stack (google/pprof report.printTraces); a
        # CPU profile now and then has one (10 ms that pprof -top counts in the total)
        if s.values[i] and s.stack:
            mine[s.stack] += s.values[i]
    theirs = _traces(go_tool, session_go_env, path, index)
    assert mine and sum(mine.values()) > 0
    assert mine == theirs


def test_decoder_reads_header_fields(profiles):
    cpu = pprof.load(profiles[0])
    assert cpu.sample_types == (("samples", "count"), ("cpu", "nanoseconds"))
    assert cpu.period_type == ("cpu", "nanoseconds") and cpu.period == 10_000_000
    assert cpu.duration_ns > 1e9 and cpu.time_ns > 1.7e18
    heap = pprof.load(profiles[1])
    assert [t for t, _ in heap.sample_types] == ["alloc_objects", "alloc_space",
                                                 "inuse_objects", "inuse_space"]
    # the same bytes, gunzipped, decode the same
    assert pprof.decode(gzip.decompress(profiles[1].read_bytes())) == heap


def test_default_sample_type_is_the_one_go_tool_pprof_shows(profiles, go_tool,
                                                             session_go_env):
    """Without a sample type, folded() sums what go tool pprof shows by default: the
    server's heap file is Go's allocs profile, which names alloc_space as its default
    (runtime/pprof writeAlloc), not the last type inuse_space; a CPU profile names none."""
    cpu, heap = pprof.load(profiles[0]), pprof.load(profiles[1])
    assert heap.default_sample_type == "alloc_space" and cpu.default_sample_type == ""
    assert cpu.default_index() == cpu.index_of("cpu") == len(cpu.sample_types) - 1
    assert flame.folded(heap) == flame.folded(heap, "alloc_space")
    # leaf first, without stackless samples, as -traces prints them
    mine = Counter({tuple(reversed(k)): v for k, v in flame.folded(heap).items() if k})
    assert mine == _traces(go_tool, session_go_env, profiles[1], "", unit="B")


def test_decoder_rejects_garbage(tmp_path):
    bad = tmp_path / "x.pb.gz"
    bad.write_bytes(gzip.compress(b"\x0a\xff\xff\xff\xff\x0f"))  # a field longer than the data
    with pytest.raises(GoarchlabError, match="not a readable pprof profile"):
        pprof.load(bad)
    # a 64-bit field cut short, and a damaged deflate stream (zlib.error, not an OSError)
    bad.write_bytes(b"\x49\x01\x02")
    with pytest.raises(GoarchlabError, match="not a readable pprof profile"):
        pprof.load(bad)
    z = bytearray(gzip.compress(bytes(range(256)) * 40, mtime=0))
    z[10] ^= 0xFF  # the first byte of the deflate stream (after the 10-byte header)
    bad.write_bytes(bytes(z))
    with pytest.raises(GoarchlabError, match="not a readable pprof profile"):
        pprof.load(bad)


def test_damaged_profiles_are_value_errors(profiles):
    """Random bytes and real profiles with bytes changed decode or raise ValueError
    (which load() turns into "not a readable pprof profile"), never another error."""
    import random

    rng = random.Random(20261127)
    real = [gzip.decompress(p.read_bytes()) for p in profiles]
    inputs = [bytes(rng.randrange(256) for _ in range(rng.randrange(1, 60)))
              for _ in range(2000)]
    for _ in range(150):
        for b in real:
            d = bytearray(b)
            for _ in range(3):
                d[rng.randrange(len(d))] = rng.randrange(256)
            inputs.append(bytes(d))
    seen: Counter = Counter()
    for d in inputs:
        try:
            pprof.decode(d)
            seen["decoded"] += 1
        except ValueError:
            seen["refused"] += 1
    assert seen["decoded"] and seen["refused"]


def test_flame_trees_from_a_real_profile(profiles):
    prof = pprof.load(profiles[0])
    stacks = flame.folded(prof, "cpu")
    total = sum(s.values[1] for s in prof.samples)
    t = flame.tree(stacks)
    assert t["value"] == total
    # each node's value is the sum of its children's plus its own samples
    def check(n):
        assert sum(c["value"] for c in n["children"]) <= n["value"]
        for c in n["children"]:
            check(c)
    check(t)


def test_differential_tree():
    base = {("main", "a"): 100, ("main", "b"): 100}
    new = {("main", "a"): 100, ("main", "b"): 300, ("main", "c"): 100}
    d = flame.diff_tree(base, new)
    kids = {c["name"]: c for c in d["children"][0]["children"]}
    # base scaled to new's total (500/200 = 2.5): a 250 -> 100, b 250 -> 300, c 0 -> 100
    assert kids["a"]["delta"] == pytest.approx(-150)
    assert kids["b"]["delta"] == pytest.approx(50)
    assert kids["c"]["delta"] == pytest.approx(100)
    same = flame.diff_tree(new, new)
    def deltas(n):
        yield n.get("delta", 0)
        for c in n["children"]:
            yield from deltas(c)
    assert all(abs(x) < 1e-9 for x in deltas(same))


def test_pruning_keeps_values_and_deltas(profiles):
    """The report drops tiny frames; what they weighed stays in their parents."""
    from goarchlab.render import bench_html as html

    stacks = flame.folded(pprof.load(profiles[0]), "cpu")
    half = {k: v * (2 if "net/http" in ";".join(k) else 1) for k, v in stacks.items()}
    t = flame.diff_tree(stacks, half)
    p = html._prune(t, t["value"] * 0.02)
    count = lambda n: 1 + sum(count(c) for c in n["children"])  # noqa: E731
    assert count(p) < count(t)
    assert p["value"] == t["value"]
    assert html._incl_delta(p) == pytest.approx(html._incl_delta(t), abs=1e-6 * t["value"])
    assert html._incl_delta(t) == pytest.approx(0, abs=1e-6 * t["value"])
