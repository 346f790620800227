"""Open a page in headless Chromium (Debian's ``chromium``) and report what happened.

The page is loaded from file://, its DOM is dumped after scripts ran, every
console message is collected from Chromium's log, and Chromium's net log is
read back for the requests the page itself made (initiated by the file://
document). All of Chromium's own traffic is sent to a dead proxy on
127.0.0.1 and no host name resolves, so nothing leaves this machine.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from goarchlab import proc

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run",
         "--disable-default-apps", "--disable-extensions",
         "--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
         "--host-resolver-rules=MAP * ~NOTFOUND", "--enable-logging=stderr", "--v=0",
         "--virtual-time-budget=5000")


@dataclass(frozen=True)
class Loaded:
    """``dom``: the serialised DOM after scripts ran; ``console``: console messages
    (any level, uncaught exceptions included); ``page_requests``: URLs the page asked
    for over the network."""

    dom: str
    console: tuple[str, ...]
    page_requests: tuple[str, ...]


def chromium() -> str:
    """The chromium binary (.ci/run installs Debian's package)."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    assert path, "chromium is not installed (apt-get install chromium; .ci/run does)"
    return path


def load(page: Path, work: Path, *, screenshot: Path | None = None,
         fragment: str = "") -> Loaded:
    """Load ``page`` (with ``#fragment`` when given) and return what it did."""
    work.mkdir(parents=True, exist_ok=True)
    netlog = work / "netlog.json"
    url = page.resolve().as_uri() + (f"#{fragment}" if fragment else "")
    argv = [chromium(), *FLAGS, f"--user-data-dir={work / 'profile'}",
            f"--log-net-log={netlog}", "--dump-dom", url]
    r = proc.run(argv, env={"PATH": "/usr/bin:/bin", "HOME": str(work)}, timeout=120)
    assert r.ok, r.stderr[-2000:]
    console = tuple(ln for ln in r.stderr.splitlines() if ":CONSOLE" in ln)
    if screenshot is not None:
        proc.run([chromium(), *FLAGS, f"--user-data-dir={work / 'profile2'}",
                  "--window-size=1280,3000", f"--screenshot={screenshot}", page.resolve().as_uri()],
                 env={"PATH": "/usr/bin:/bin", "HOME": str(work)}, timeout=120)
    return Loaded(r.stdout, console, page_requests(netlog))


def page_requests(netlog: Path) -> tuple[str, ...]:
    """URLs of network requests started on behalf of a file:// document."""
    d = json.loads(netlog.read_text())
    names = {v: k for k, v in d["constants"]["logEventTypes"].items()}
    out = []
    for e in d["events"]:
        p = e.get("params") or {}
        if names.get(e["type"]) == "URL_REQUEST_START_JOB" and "file://" in str(
                p.get("network_isolation_key", "")):
            out.append(p["url"])
    return tuple(out)
