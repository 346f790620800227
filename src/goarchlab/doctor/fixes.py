"""The safe automatic fixes of ``goarchlab doctor --fix``.

Only changes to the user's ``go env -w`` file are automatic, and they are made
by the go command itself (``go env -u VAR``, ``go env -w VAR=value``), which
validates them and rewrites its file atomically. Shell profiles, PATH and
installed files are never touched: those findings carry a text fix only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from goarchlab import proc
from goarchlab.doctor.context import Context
from goarchlab.doctor.model import Finding, Fix
from goarchlab.errors import GoarchlabError

#: Actions this module can apply, with the go command arguments they run.
ACTIONS = {"go-env-unset": ("env", "-u"), "go-env-write": ("env", "-w")}


@dataclass(frozen=True)
class AppliedFix:
    """A safe fix ``--fix`` applied: its ``action`` and ``args``, whether it worked
    (``ok``) and what happened (``message``: the command run, or its error).

    Here, not in goarchlab.doctor.report: only ``--fix`` makes one, and a frozen
    dataclass costs ~0.8 ms of CPU to create (Python 3.11), paid by every run."""

    action: str
    args: tuple[str, ...]
    ok: bool
    message: str


@dataclass(frozen=True)
class PlannedFix:
    """One automatic fix to apply: the ``fix`` and the finding ids it resolves."""

    fix: Fix
    findings: tuple[str, ...]

    def command(self, go: str = "go") -> tuple[str, ...]:
        """The argv that applies it (``go env -u GOARCH``)."""
        return (go, *ACTIONS[self.fix.action or ""], *self.fix.args)


def plan(findings: Sequence[Finding]) -> list[PlannedFix]:
    """The automatic fixes of ``findings``, merged: one ``go env -u`` for all the
    variables to unset, and one ``go env -w`` per variable (the last one wins)."""
    unset: dict[str, list[str]] = {}
    write: dict[str, tuple[str, list[str]]] = {}
    for f in findings:
        if f.fix is None or f.fix.action not in ACTIONS:
            continue
        if f.fix.action == "go-env-unset":
            for var in f.fix.args:
                unset.setdefault(var, []).append(f.id)
        else:
            for kv in f.fix.args:
                var = kv.split("=", 1)[0]
                write[var] = (kv, [*write.get(var, ("", []))[1], f.id])
    out: list[PlannedFix] = []
    # Writing a variable supersedes unsetting it.
    names = [v for v in unset if v not in write]
    if names:
        ids = tuple(dict.fromkeys(i for v in names for i in unset[v]))
        out.append(PlannedFix(Fix(f"go env -u {' '.join(names)}", "go-env-unset",
                                  tuple(names)), ids))
    for _var, (kv, ids) in write.items():
        out.append(PlannedFix(Fix(f"go env -w {kv}", "go-env-write", (kv,)),
                              tuple(dict.fromkeys(ids))))
    return out


def apply(ctx: Context, planned: Sequence[PlannedFix]) -> list[AppliedFix]:
    """Apply each fix with the winning go; never raises for a fix that fails
    (the AppliedFix says why), so one failure does not hide the others.

    The go command runs with GOTOOLCHAIN=local: a fix must work even when the
    go env file holds an invalid GOTOOLCHAIN, and must never download anything.
    """
    g = ctx.active_go()
    done: list[AppliedFix] = []
    env = ctx.go_command_env()
    for p in planned:
        if g is None:
            done.append(AppliedFix(p.fix.action or "", p.fix.args, False, "no go on PATH"))
            continue
        argv = p.command(str(g.path))
        shown = " ".join(p.command("go"))
        try:
            r = proc.run(list(argv), env=env, timeout=ctx.timeout)
        except GoarchlabError as e:
            done.append(AppliedFix(p.fix.action or "", p.fix.args, False, f"{shown}: {e}"))
            continue
        if r.ok:
            done.append(AppliedFix(p.fix.action or "", p.fix.args, True, shown))
        else:
            msg = (r.stderr or r.stdout).strip().splitlines()
            done.append(AppliedFix(p.fix.action or "", p.fix.args, False,
                                   f"{shown}: {msg[0] if msg else f'exit {r.returncode}'}"))
    return done
