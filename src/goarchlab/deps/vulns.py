"""Known vulnerabilities through govulncheck (golang.org/x/vuln/cmd/govulncheck).

``govulncheck -format json`` prints a stream of concatenated JSON messages
(``config``, ``progress``, ``SBOM``, ``osv``, ``finding``) and exits 0 even when
it finds vulnerabilities (only its text mode exits 3), so the exit code says
nothing: the findings are parsed. A finding whose first trace frame names a
function is one the code calls (govulncheck's default "symbol" level, the ones
its text mode reports as affecting you); package- and module-level findings are
not violations. It is asked about the same packages as ``go list -deps``.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path

from goarchlab import proc
from goarchlab.deps.model import PolicyCheck, RunState, Violation
from goarchlab.errors import GoarchlabError
from goarchlab.gocmd.failure import summary
from goarchlab.gocmd.jsonstream import iter_objects

#: Seconds allowed for one govulncheck run (it type-checks the whole program).
TIMEOUT = 900.0


def find_govulncheck(configured: str, env: Mapping[str, str]) -> str | None:
    """The govulncheck to run: the policy's ``govulncheck`` path, else PATH, else
    GOBIN/GOPATH's bin (where ``go install`` puts it)."""
    if configured:
        return configured if Path(configured).is_file() else None
    found = shutil.which("govulncheck", path=env.get("PATH", ""))
    if found:
        return found
    for d in (env.get("GOBIN", ""), *(Path(p) / "bin" for p in
                                      env.get("GOPATH", "").split(os.pathsep) if p),
              Path(env.get("HOME", "/nonexistent")) / "go/bin"):
        if d and (Path(d) / "govulncheck").is_file():
            return str(Path(d) / "govulncheck")
    return None


def parse(text: str, module_dirs: Mapping[str, str]) -> list[dict]:
    """The called findings of govulncheck's JSON stream, one dict per (osv, call site):
    ``osv``, ``summary``, ``aliases``, ``fixed``, ``module``, ``version``,
    ``symbol``, ``file`` (absolute, "" when unknown), ``line``, ``column``.
    ``module_dirs`` maps the main modules' paths to their directories."""
    summaries: dict[str, tuple[str, tuple[str, ...]]] = {}
    out, seen = [], set()
    for msg in iter_objects(text, what="govulncheck -format json output"):
        if not isinstance(msg, dict):
            continue
        if "osv" in msg and isinstance(msg["osv"], dict):
            o = msg["osv"]
            summaries[o.get("id", "")] = (o.get("summary") or o.get("details", "")[:120],
                                          tuple(o.get("aliases") or ()))
        f = msg.get("finding")
        if not isinstance(f, dict) or not f.get("trace"):
            continue
        top = f["trace"][0]
        if not top.get("function"):
            continue  # imported or required only: not reached
        site = _exit_point(f["trace"], module_dirs)
        file, line, col = "", 1, 1
        if site:
            pos = site["position"]
            file = str(Path(module_dirs[site["module"]]) / pos.get("filename", ""))
            line, col = max(1, pos.get("line", 1)), max(1, pos.get("column", 1))
        sym = ".".join(filter(None, (top.get("package"), top.get("receiver"),
                                     top.get("function"))))
        key = (f.get("osv"), file, line)
        if key in seen:
            continue
        seen.add(key)
        out.append({"osv": f.get("osv", ""), "fixed": f.get("fixed_version", ""),
                    "module": top.get("module", ""), "version": top.get("version", ""),
                    "symbol": sym, "file": file, "line": line, "column": col})
    for d in out:
        d["summary"], d["aliases"] = summaries.get(d["osv"], ("", ()))
    return out


def _exit_point(trace: list[dict], module_dirs: Mapping[str, str]) -> dict | None:
    """The frame that places a finding: where the code leaves the entry point's
    module for other code, as govulncheck's text mode shows it (x/vuln
    internal/traces.Compact; the entry point itself when the vulnerable symbol is
    in that module). Frames run from the vulnerable symbol to the entry point, and
    each one's position is its call to the frame before it. Falls back to the
    first frame of a main module with a position; None when there is none.
    """
    top = trace[-1].get("module")
    i = next((i for i, fr in enumerate(trace) if fr.get("module") == top), 0)
    fr = trace[i or -1]
    if fr.get("position") and fr.get("module") in module_dirs:
        return fr
    return next((fr for fr in trace if fr.get("position") and fr.get("module") in module_dirs),
                None)


def _where_to_run(cwd: Path, patterns: Sequence[str], g) -> tuple[Path, tuple[str, ...]]:
    """The directory and patterns for govulncheck. It refuses a directory outside
    every module ("no go.mod file": it asks ``go env GOMOD``), such as a go.work
    root, so there it runs in a workspace module, relative patterns made absolute
    (the go command reads an absolute directory pattern as it reads ``./``)."""
    if any((d / "go.mod").is_file() for d in (cwd, *cwd.parents)):
        return cwd, tuple(patterns)
    mod_dir = next((m.dir for m in g.mods if m.main and m.dir), None)
    if mod_dir is None:
        return cwd, tuple(patterns)
    return Path(mod_dir), tuple(os.path.normpath(cwd / p) if p.startswith(".") else p
                                for p in patterns)


def run(pol, go, env: Mapping[str, str], cwd: Path, g,
        patterns: Sequence[str] = ("./...",)) -> tuple[list[Violation], PolicyCheck, float]:
    """Run govulncheck on ``patterns`` if installed; (violations, the check's
    status, seconds spent).

    Raises GoarchlabError when govulncheck is installed but fails (a gate must
    not pass because its scanner broke).
    """
    exe = find_govulncheck(pol.govulncheck, env)
    if exe is None:
        return [], PolicyCheck("vuln", RunState.SKIPPED, "govulncheck is not installed (go install "
                         "golang.org/x/vuln/cmd/govulncheck@latest)"), 0.0
    if env.get("GOPROXY") == "off" and not pol.vuln_db.startswith("file:"):
        return [], PolicyCheck("vuln", RunState.SKIPPED, "--offline and no file:// [vulns] db"), 0.0
    where, patterns = _where_to_run(cwd, patterns, g)
    argv = [exe, "-format", "json", *(["-db", pol.vuln_db] if pol.vuln_db else []), *patterns]
    r = proc.run(argv, env=env, timeout=TIMEOUT, cwd=where)
    if not r.ok:
        raise GoarchlabError(f"govulncheck failed (exit {r.returncode}): "
                             f"{summary(r.stderr or r.stdout, empty='no output')}",
                             f"run 'govulncheck {' '.join(patterns)}' to see the whole message")
    dirs = {m.path: m.dir for m in g.mods if m.main and m.dir}
    out = []
    for f in parse(r.stdout, dirs):
        fix = f"fixed in {f['module']}@{f['fixed']}" if f["fixed"] else "no fixed version yet"
        also = f" ({', '.join(f['aliases'])})" if f["aliases"] else ""
        out.append(Violation(
            "vuln", f["osv"], f"{f['osv']}{also}: {f['summary']}".rstrip(": "),
            f"the code calls {f['symbol']} of {f['module']}@{f['version']}; {fix}",
            g.rel(f["file"]) if f["file"] else g.rel(g.root / "go.mod"),
            f["line"], f["column"], module=f"{f['module']}@{f['version']}"))
    return out, PolicyCheck("vuln", RunState.RAN), r.wall_s
