"""Helpers for the binary tests: the real ``go version -m`` as the truth, and a
universal Mach-O assembled the way lipo lays one out."""

from __future__ import annotations

import json
import struct
from pathlib import Path

from goarchlab import proc
from goarchlab.binary.buildinfo import go_string
from goarchlab.binary.model import GoBuildInfo, GoModule
from goarchlab.toolchains.model import Toolchain

FAT_MAGIC = 0xCAFEBABE


def version_m_text(tc: Toolchain, env: dict[str, str], path: Path) -> str:
    """stdout of ``go version -m PATH`` run by the real toolchain ``tc``."""
    r = proc.run([tc.go, "version", "-m", str(path)], env=env, timeout=60)
    assert r.ok, r.stderr
    return r.stdout


def version_m_json(tc: Toolchain, env: dict[str, str], path: Path) -> dict:
    """``go version -m -json PATH`` (Go 1.24+) parsed."""
    r = proc.run([tc.go, "version", "-m", "-json", str(path)], env=env, timeout=60)
    assert r.ok, r.stderr
    return json.loads(r.stdout)


def as_version_m(path: Path, bi: GoBuildInfo) -> str:
    """What ``go version -m`` prints for ``bi`` (cmd/go/internal/version.scanFile)."""
    out = f"{path}: {bi.go_version}\n"
    mod = go_string(GoBuildInfo(**{**bi.__dict__, "go_version": ""}))
    if mod:
        out += "\t" + mod[:-1].replace("\n", "\n\t") + "\n"
    return out


def _omitempty(d: dict) -> dict:
    return {k: v for k, v in d.items() if v not in ("", None, [])}


def _module_json(m: GoModule) -> dict:
    return _omitempty(
        {
            "Path": m.path,
            "Version": m.version,
            "Sum": m.sum,
            "Replace": _module_json(m.replace) if m.replace else None,
        }
    )


def as_go_json(bi: GoBuildInfo) -> dict:
    """``bi`` in the shape of Go's json.Marshal(debug.BuildInfo) (omitempty as Go has it)."""
    d = _omitempty(
        {
            "GoVersion": bi.go_version,
            "Path": bi.path,
            "Deps": [_module_json(m) for m in bi.modules],
            "Settings": [_omitempty({"Key": k, "Value": v}) for k, v in bi.settings.items()],
        }
    )
    d["Main"] = _module_json(bi.main) if bi.main else {}
    return d


def macho_cpu(path: Path) -> tuple[int, int]:
    """(cputype, cpusubtype) of a thin little-endian Mach-O."""
    head = path.read_bytes()[:12]
    assert struct.unpack("<I", head[:4])[0] in (0xFEEDFACF, 0xFEEDFACE)
    return struct.unpack("<ii", head[4:12])


def make_universal(slices: list[Path], dest: Path) -> list[int]:
    """Write a universal Mach-O of thin ``slices`` to ``dest`` like lipo: a big-endian
    fat header, then each slice at an offset aligned to 2^14 for arm64 and 2^12
    otherwise. Returns the slice offsets."""
    datas = [p.read_bytes() for p in slices]
    archs = []
    off = 4096
    for p, data in zip(slices, datas, strict=True):
        cpu, sub = macho_cpu(p)
        align = 14 if cpu == 0x0100000C else 12
        off = (off + (1 << align) - 1) & ~((1 << align) - 1)
        archs.append((cpu, sub, off, len(data), align))
        off += len(data)
    with open(dest, "wb") as f:
        f.write(struct.pack(">II", FAT_MAGIC, len(archs)))
        for a in archs:
            f.write(struct.pack(">iiIII", *a))
        for a, data in zip(archs, datas, strict=True):
            f.seek(a[2])
            f.write(data)
    return [a[2] for a in archs]
