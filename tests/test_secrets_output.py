"""No planted secret leaves goarchlab: every command, every output form, error paths too.

Each command runs as a real process (``python -m goarchlab``) with secrets planted
where people have them: a GOPROXY with a password in its URL, GOFLAGS carrying a
token, GOPRIVATE/GONOSUMDB/GOINSECURE entries with credentials, GITHUB_TOKEN, a
project .env with DB_PASSWORD and a malformed line holding a secret. stdout,
stderr and every file a command writes are searched for each planted value.

The GOPROXY host is 127.0.0.1 port 1 (nothing listens): no traffic leaves loopback.
The commands that need Go use the session's real go1.27.3; they are few, and
``matrix`` runs once, its other forms come from ``--merge`` of its JSON.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass

import pytest

PROXY_PW = "Pr0xyPassw0rd"
FLAGS_TOKEN = "flagTok9Secret"
PRIVATE_PW = "Priv8Pw77x"
NOSUM_PW = "NoSum55Pwx"
INSECURE_PW = "Insec66Pwx"
GITHUB_TOKEN = "ghp_" + "Z9y8X7w6V5u4T3s2R1q0P9o8N7m6L5k4J3i2"
DB_PASSWORD = "dbPw-4417-secret"
BROKEN_VALUE = "hunter2zzzq"
LDFLAGS_TOKEN = "ldTok3nValue"
PLANTED = (PROXY_PW, FLAGS_TOKEN, PRIVATE_PW, NOSUM_PW, INSECURE_PW, GITHUB_TOKEN, DB_PASSWORD,
           BROKEN_VALUE, LDFLAGS_TOKEN)

MAIN_GO = 'package main\n\nvar apiToken string\n\nfunc main() { println("hi", len(apiToken)) }\n'
BENCH_GO = ('package main\n\nimport "testing"\n\n'
            "func BenchmarkTiny(b *testing.B) {\n\tfor i := 0; i < b.N; i++ {\n\t\t_ = i * 2\n"
            "\t}\n}\n")


@dataclass
class Case:
    """One command line: where it runs, the exit codes that mean it really ran, and
    the files it writes (relative to its directory)."""

    argv: tuple[str, ...]
    where: str = "good"
    codes: tuple[int, ...] = (0,)
    files: tuple[str, ...] = ()


#: In order: later cases read what earlier ones wrote (dist/, matrix.json, a bench run).
CASES: dict[str, Case] = {
    "doctor-human": Case(("doctor",), "bad", (0, 1)),
    "doctor-json": Case(("doctor", "--json"), "bad", (0, 1)),
    "doctor-list-checks": Case(("doctor", "--list-checks", "--json"), "bad"),
    "doctor-only-project-verbose": Case(("-v", "doctor", "--only", "project"), "bad", (0, 1)),
    "doctor-bad-option": Case(("doctor", f"--token={GITHUB_TOKEN}"), "bad", (2,)),
    "toolchain-list": Case(("toolchain", "list")),
    "toolchain-list-json": Case(("toolchain", "list", "--json")),
    "toolchain-which": Case(("toolchain", "which")),
    "toolchain-which-json": Case(("toolchain", "which", "--json")),
    "toolchain-exec": Case(("toolchain", "exec", "--", "go", "version")),
    "toolchain-exec-bad-dotenv": Case(("toolchain", "exec", "--", "go", "version"), "bad", (3,)),
    "toolchain-uninstall-missing": Case(("toolchain", "uninstall", "1.9.1"), codes=(2, 3)),
    "shell-init": Case(("shell-init", "bash")),
    "xbuild-verbose": Case(("-v", "xbuild", "--targets", "linux/amd64", "-o", "dist",
                            "--ldflags", f"-X main.apiToken={LDFLAGS_TOKEN}"),
                           files=("dist/manifest.json", "dist/SHA256SUMS")),
    "xbuild-json": Case(("xbuild", "--targets", "linux/amd64", "-o", "dist", "--json",
                         "--ldflags", f"-X main.apiToken={LDFLAGS_TOKEN}"),
                        files=("dist/manifest.json",)),
    "inspect": Case(("inspect", "dist/good_linux_amd64")),
    "inspect-json": Case(("inspect", "--json", "dist/good_linux_amd64")),
    "inspect-error": Case(("inspect", ".env"), codes=(3,)),
    "matrix-json": Case(("matrix", "--json"), files=()),
    "matrix-merge-human": Case(("matrix", "--merge", "matrix.json")),
    "matrix-merge-csv": Case(("matrix", "--merge", "matrix.json", "--csv")),
    "matrix-merge-markdown": Case(("matrix", "--merge", "matrix.json", "--markdown")),
    "matrix-emit": Case(("matrix", "--emit", "github-actions", "--go", "1.27",
                         "--targets", "linux/amd64")),
    "matrix-bad-jobs": Case(("matrix", "--jobs", "0"), codes=(2,)),
    "deps-human": Case(("deps", "--offline")),
    "deps-json": Case(("deps", "--offline", "--json")),
    "deps-sarif": Case(("deps", "--offline", "--format", "sarif")),
    "deps-github": Case(("deps", "--offline", "--format", "github")),
    "deps-mermaid": Case(("deps", "--offline", "--graph", "mermaid")),
    "deps-dot": Case(("deps", "--offline", "--graph", "dot")),
    "bench-run": Case(("bench", "./", "-n", "1", "--warmup", "0", "--benchtime", "1x",
                       "--vs", f"GOGC=50+GITHUB_TOKEN={GITHUB_TOKEN}", "--json",
                       "--report", "report.html"), files=("report.html",)),
    "bench-history": Case(("bench", "history")),
    "bench-history-json": Case(("bench", "history", "--json")),
    "bench-export": Case(("bench", "export", "RUN", "-o", "export.json"),
                         files=("export.json",)),
    "bench-export-benchfmt": Case(("bench", "export", "RUN", "--benchfmt")),
    "bench-export-missing": Case(("bench", "export", "no-such-run"), codes=(2, 3)),
    "bench-list": Case(("bench", "--list", "--json")),
    "api-human": Case(("api", "v1.0.0", "v1.1.0"), "repo", (0, 1)),
    "api-json": Case(("api", "--json", "v1.0.0", "v1.1.0"), "repo", (0, 1)),
    "api-bad-ref": Case(("api", "no-such-ref", "v1.1.0"), "repo", (2, 3)),
}


@pytest.fixture(scope="module")
def world(go_new, go_caches, session_home, tmp_path_factory) -> dict:
    """Directories (bad: malformed .env; good: a valid one; repo: a tagged git module)
    and the environment with every secret planted."""
    root = tmp_path_factory.mktemp("secrets")
    home = root / "glhome"
    (home / "toolchains").mkdir(parents=True)
    (home / "toolchains" / go_new.goroot.name).symlink_to(go_new.goroot)
    clean = {"PATH": os.pathsep.join([str(go_new.goroot / "bin"), os.environ["PATH"]]),
             "HOME": str(root / "user"), "GOTOOLCHAIN": "local", **go_caches}
    # apidiff is built with a clean environment (the planted GOPROXY leads nowhere).
    from goarchlab.api import tool

    tool.ensure_apidiff(go_new.go, go_new.version, clean, session_home, lambda m: None)
    (home / "tools").symlink_to(session_home / "tools")
    gomod = "module example.com/good\n\ngo 1.27\n"
    for name, dotenv in (("good", f"DB_PASSWORD={DB_PASSWORD}\nPORT=8080\n"),
                         ("bad", f'DB_PASSWORD={DB_PASSWORD}\nA=1\n'
                                 f'BROKEN_SECRET="{BROKEN_VALUE}\nC=3\n')):
        d = root / name
        d.mkdir()
        (d / "go.mod").write_text(gomod)
        (d / "main.go").write_text(MAIN_GO)
        (d / "main_test.go").write_text(BENCH_GO)
        (d / ".env").write_text(dotenv)
    repo = root / "repo"
    (repo / "shapes").mkdir(parents=True)
    (repo / "go.mod").write_text("module example.com/shapes\n\ngo 1.27\n")
    (repo / ".env").write_text(f"DB_PASSWORD={DB_PASSWORD}\n")
    git_env = {"PATH": os.environ["PATH"], "HOME": str(repo), "GIT_AUTHOR_NAME": "t",
               "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
               "GIT_COMMITTER_EMAIL": "t@example.com", "GIT_CONFIG_NOSYSTEM": "1"}
    for step in (lambda: (repo / "shapes/s.go").write_text("package shapes\n\nfunc A() {}\n"),
                 ("init", "-q", "-b", "main"), ("add", "."), ("commit", "-q", "-m", "v1"),
                 ("tag", "v1.0.0"),
                 lambda: (repo / "shapes/s.go").write_text("package shapes\n"),
                 ("commit", "-q", "-am", "v1.1"), ("tag", "v1.1.0")):
        if callable(step):
            step()
        else:
            subprocess.run(["git", *step], cwd=repo, env=git_env, check=True, timeout=60)
    env = {
        **clean,
        "GOARCHLAB_HOME": str(home),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GOPROXY": f"http://alice:{PROXY_PW}@127.0.0.1:1/mod,direct",
        "GOFLAGS": f"-modcacherw -ldflags=-X=main.apiToken={FLAGS_TOKEN}",
        "GOPRIVATE": f"corp.example/*,bob:{PRIVATE_PW}@git.corp.example",
        "GONOSUMDB": f"corp.example/*,carol:{NOSUM_PW}@git.corp.example",
        "GOINSECURE": f"dave:{INSECURE_PW}@git.corp.example",
        "GITHUB_TOKEN": GITHUB_TOKEN,
        "COLUMNS": "100",
        # kept so the file can be run against another checkout of the code
        **{k: os.environ[k] for k in ("PYTHONPATH",) if k in os.environ},
    }
    return {"root": root, "env": env}


@pytest.fixture(scope="module")
def runs(world) -> dict[str, tuple[subprocess.CompletedProcess, dict[str, str]]]:
    """Every case's process and the text of the files it wrote, run once in order."""
    out = {}
    run_id = ""
    for name, case in CASES.items():
        cwd = world["root"] / case.where
        argv = [a.replace("RUN", run_id) for a in case.argv]
        p = subprocess.run([sys.executable, "-m", "goarchlab", *argv], cwd=cwd,
                           env=world["env"], capture_output=True, text=True, timeout=600,
                           stdin=subprocess.DEVNULL)
        if name == "matrix-json" and p.stdout.strip():
            (cwd / "matrix.json").write_text(p.stdout)
        if name == "bench-run" and p.stdout.strip():
            run_id = re.search(r'"run_id": "([^"]+)"', p.stdout).group(1)
        files = {f: (cwd / f).read_text(errors="replace") for f in case.files
                 if (cwd / f).is_file()}
        out[name] = (p, files)
    return out


@pytest.mark.parametrize("name", list(CASES))
def test_no_planted_secret_in_any_output(name, runs):
    p, files = runs[name]
    case = CASES[name]
    assert "Traceback" not in p.stderr, p.stderr
    assert p.returncode in case.codes, (p.returncode, p.stdout[-2000:], p.stderr[-2000:])
    assert set(files) == set(case.files), f"{name} did not write {case.files}"
    texts = {"stdout": p.stdout, "stderr": p.stderr, **files}
    leaks = [(where, s) for where, t in texts.items() for s in PLANTED if s in t]
    assert not leaks, leaks


def test_doctor_masks_rather_than_drops(runs):
    """The planted settings are still reported, with the secret part masked."""
    report = json.loads(runs["doctor-json"][0].stdout)
    text = json.dumps(report)
    assert "alice:***@127.0.0.1:1" in text, [(f["id"], f["title"]) for f in report["findings"]
                                             if f["id"].startswith("goenv")]
    (f,) = [f for f in report["findings"] if f["id"] == "project.dotenv.syntax"]
    assert f["title"].endswith(".env:3: not a KEY=value line")
    assert "BROKEN_SECRET" in f["detail"]


def test_malformed_dotenv_error_names_file_line_and_key(runs, world):
    err = " ".join(runs["toolchain-exec-bad-dotenv"][0].stderr.split())
    assert f"{world['root'] / 'bad' / '.env'}:3: cannot parse the line of BROKEN_SECRET" in err
