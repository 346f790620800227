"""detect() on this real machine (Debian x86-64 with qemu-user and a qemu-aarch64
binfmt_misc handler, as .ci/run sets it up), and under real qemu-user emulation."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from goarchlab import proc
from goarchlab.host import RealProbe, RecordedProbe, RecordingProbe, detect, native_platform
from goarchlab.host.archmap import goarch_of_machine
from goarchlab.targets import Runner, Target, runner_for

BINFMT = Path("/proc/sys/fs/binfmt_misc/qemu-aarch64")


def test_native_and_process_arch_from_the_kernel():
    h = detect()
    kernel_arch = Path("/proc/sys/kernel/arch").read_text().strip()
    assert h.os == "linux"
    assert h.native_arch == goarch_of_machine(kernel_arch) == "amd64"
    assert h.native_source == "/proc/sys/kernel/arch"
    assert h.process_arch == "amd64" and h.translated is False
    assert h.kernel == os.uname().release
    assert h.cpu_count == os.cpu_count() and h.cpu_count >= 1
    assert h.os_version.startswith("Debian GNU/Linux")


def test_binfmt_handler_and_qemu_on_path_are_found():
    h = detect()
    text = BINFMT.read_text()
    interp = next(ln.split(" ", 1)[1] for ln in text.splitlines() if ln.startswith("interpreter"))
    binfmt = [t for t in h.translators if t.kind == "binfmt"]
    assert [(t.arch, t.interpreter, t.source, t.command) for t in binfmt] == [
        ("arm64", interp, str(BINFMT), ())]
    assert [e.name for e in h.binfmt if e.usable] == ["qemu-aarch64"]
    qemu = {t.arch: t for t in h.translators if t.kind == "qemu"}
    assert qemu["arm64"].command == (shutil.which("qemu-aarch64"),)
    # Never a translator for what the hardware runs itself.
    assert not {"amd64", "386"} & {t.arch for t in h.translators}
    assert h.translator_for("arm64").kind == "binfmt"
    assert (h.can_run("linux", "arm64"), h.can_run("linux", "386"),
            h.can_run("darwin", "arm64")) == ("translated", "native", "no")


def test_c_compiler_triples_match_the_compilers():
    h = detect()
    gcc = next(c for c in h.c_compilers if c.name == "gcc")
    real = proc.run([shutil.which("gcc"), "-dumpmachine"], env=dict(os.environ), timeout=10)
    assert gcc.triple == real.stdout.strip() == "x86_64-linux-gnu"
    assert (gcc.goos, gcc.goarch) == ("linux", "amd64")
    assert [c.name for c in h.c_compilers][:2] == ["cc", "gcc"]


def test_recording_of_this_machine_replays_to_the_same_host(tmp_path):
    rec = RecordingProbe(RealProbe())
    live = detect(rec)
    f = tmp_path / "rec.json"
    f.write_text(json.dumps(rec.data))
    assert detect(RecordedProbe.from_file(f)) == live


def test_committed_linux_recording(recording):
    h = detect(RecordedProbe.from_dict(recording("linux-amd64-debian12")))
    assert (h.os, h.native_arch, h.process_arch, h.translated) == ("linux", "amd64", "amd64", False)
    assert h.cpu_model == "Intel(R) Xeon(R) Processor @ 2.50GHz" and h.cpu_count == 2
    assert [(t.kind, t.arch) for t in h.translators][:2] == [("binfmt", "arm64"), ("qemu", "arm64")]
    assert h.c_compilers[0].triple == "x86_64-linux-gnu"


PROBE_GO = r'''package main

import (
	"encoding/hex"
	"encoding/json"
	"os"
	"syscall"
)

func main() {
	var u syscall.Utsname
	syscall.Uname(&u)
	m := []byte{}
	for _, c := range u.Machine {
		if c == 0 {
			break
		}
		m = append(m, byte(c))
	}
	arch, _ := os.ReadFile("/proc/sys/kernel/arch")
	f, _ := os.Open("/proc/self/exe")
	head := make([]byte, 20)
	f.Read(head)
	json.NewEncoder(os.Stdout).Encode(map[string]string{
		"machine": string(m), "kernel_arch": string(arch), "self_exe": hex.EncodeToString(head)})
}
'''


@pytest.fixture(scope="module")
def arm64_probe_binary(tmp_path_factory, go_new, make_go_env) -> Path:
    """A linux/arm64 Go program that reports what a process sees of the machine."""
    d = tmp_path_factory.mktemp("archview")
    (d / "go.mod").write_text("module archview\ngo 1.22\n")
    (d / "main.go").write_text(PROBE_GO)
    env = {**make_go_env(go_new, d / "home"), "GOOS": "linux", "GOARCH": "arm64",
           "CGO_ENABLED": "0"}
    r = proc.run([str(go_new.go), "build", "-o", "archview", "."], env=env, cwd=d, timeout=300)
    assert r.ok, r.stderr
    return d / "archview"


@pytest.mark.parametrize("kind", ["binfmt", "qemu"])
def test_translated_process_is_seen_through_faked_uname(kind, arm64_probe_binary, recording):
    """Under qemu-user, uname says aarch64 but /proc/sys/kernel/arch still says
    x86_64: detect() fed what a real emulated process sees finds it translated."""
    host = detect()
    target = Target("linux", "arm64")
    runner = runner_for(target, host)
    if kind == "qemu":
        qemu = next(t for t in host.translators if t.kind == "qemu" and t.arch == "arm64")
        runner = Runner("qemu", qemu.command, target)
    assert runner.kind == kind
    r = proc.run(runner.argv(arm64_probe_binary), env={"PATH": os.environ["PATH"]}, timeout=60)
    seen = json.loads(r.stdout)
    assert seen["machine"] == "aarch64"          # uname is the guest's
    assert seen["kernel_arch"].strip() == "x86_64"  # the kernel's arch is not faked
    data = recording("linux-amd64-debian12")
    data["uname"]["machine"] = seen["machine"]
    data["files"]["/proc/sys/kernel/arch"] = seen["kernel_arch"]
    data["heads"]["/proc/self/exe"] = seen["self_exe"]
    h = detect(RecordedProbe.from_dict(data))
    assert (h.native_arch, h.process_arch, h.translated) == ("amd64", "arm64", True)
    assert native_platform(RecordedProbe.from_dict(data)) == ("linux", "amd64",
                                                              "/proc/sys/kernel/arch")
