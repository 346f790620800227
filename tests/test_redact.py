"""goarchlab.redact: every secret shape is masked, and ordinary output is left alone."""

from __future__ import annotations

import json

import pytest

from goarchlab import redact
from goarchlab.render import json_text

GHP = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"
PAT = "github_pat_" + "11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz"
AKIA = "AKIA" + "IOSFODNN7EXAMPLE"


@pytest.fixture(autouse=True)
def _forget(monkeypatch: pytest.MonkeyPatch):
    """Each test starts with no remembered secret."""
    monkeypatch.setattr(redact, "_remembered", set())


@pytest.mark.parametrize(("raw", "want"), [
    ("GOPROXY=https://alice:PW123@proxy.example.com,direct",
     "GOPROXY=https://alice:***@proxy.example.com,direct"),
    ("https://a:p1@x.example|https://b:p2@y.example,off",
     "https://a:***@x.example|https://b:***@y.example,off"),
    ("go: reading https://u:tok3n@proxy.corp/m/@v/list: 401",
     "go: reading https://u:***@proxy.corp/m/@v/list: 401"),
    ("GOPRIVATE=corp.example/*,bob:PrivPW77@git.corp.example",
     "GOPRIVATE=corp.example/*,bob:***@git.corp.example"),
    ("GOFLAGS=-mod=mod -ldflags=-X=main.apiToken=gfTok9",
     "GOFLAGS=-mod=mod -ldflags=-X=main.apiToken=***"),
    ("GITHUB_TOKEN=abcd1234 next", "GITHUB_TOKEN=*** next"),
    ("db_password='two words'", "db_password='***'"),
    ('BROKEN_SECRET="hunter2zzz', 'BROKEN_SECRET="***'),
    ("DB_PASSWORD: hunter2", "DB_PASSWORD: ***"),
    ("aws_secret_access_key=wJalrXUtnFEMI", "aws_secret_access_key=***"),
    ("NPM_AUTH=xyz12345", "NPM_AUTH=***"),
    ("--token=zzzz9999 rest", "--token=*** rest"),
    ("https://h.example/?access_token=abc123&page=2",
     "https://h.example/?access_token=***&page=2"),
    ("machine git.corp login bob password hunter22", "machine git.corp login bob password ***"),
    ("Authorization: Bearer eyJhbGciOi.x.y", "Authorization: Bearer ***"),
    (f"token {GHP} in the log", "token *** in the log"),
    (f"pat {PAT}", "pat ***"),
    (f"key {AKIA}.", "key ***."),
])
def test_shapes_are_masked(raw: str, want: str) -> None:
    assert redact.text(raw) == want


@pytest.mark.parametrize("plain", [
    "GOAUTH=netrc",  # the credential helper's name, not a credential
    "GOPROXY=https://proxy.golang.org,direct",
    "go: example.com/m@v1.2.3: reading https://proxy.golang.org/x: 404 Not Found",
    "ssh://git@github.com/org/repo.git",
    "error: cannot parse go.mod: line 3: unknown directive",
    "GODEBUG=http2client=0 GOAMD64=v3 PWD=/home/u/src AUTHOR=me",
    "/usr/local/go/bin/go version go1.27.3 linux/amd64",
    "basic checks passed; token bucket of 10",
])
def test_ordinary_text_is_unchanged(plain: str) -> None:
    assert redact.text(plain) == plain


def test_known_environment_values_are_masked_anywhere(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MY_API_KEY", "k3y-value-77")
    monkeypatch.setenv("HTTPS_PROXY", "http://u:Pr0xyPW@proxy.corp:3128")
    monkeypatch.setenv("GOFLAGS", "-ldflags=-X=main.Secret=Sekr1t99")
    monkeypatch.setenv("SHORT_TOKEN", "abc")  # too short to track alone
    out = redact.text("bare k3y-value-77, quoted 'Pr0xyPW', Sekr1t99; abc stays")
    assert out == "bare ***, quoted '***', ***; abc stays"
    monkeypatch.delenv("MY_API_KEY")
    assert redact.text("k3y-value-77") == "k3y-value-77"  # the environment is read anew


def test_dotenv_values_remembered() -> None:
    redact.remember_dotenv("DB_PASSWORD", "pw4x")
    redact.remember_dotenv("PORT", "8080")  # not secret, not a token: must stay readable
    redact.remember_dotenv("SESSION", "Zq81mxp0Lk")  # token-looking value of any key
    redact.remember_dotenv("DATABASE_URL", "postgres://app:DbPw991@db:5432/app")
    out = redact.text("pw4x on 8080 Zq81mxp0Lk DbPw991")
    assert out == "*** on 8080 *** ***"


def test_json_values_and_secret_keys_masked(monkeypatch: pytest.MonkeyPatch) -> None:
    secret = 'q"uo\\te-ü-77'  # JSON would escape it: redacted as data, before json.dumps
    monkeypatch.setenv("GITHUB_TOKEN", secret)

    class R:
        SCHEMA = "goarchlab.test/v1"

        def to_json(self) -> dict:
            return {"env": {"API_TOKEN": "whatever1", "HOME": "/h"},
                    "lines": [f"saw {secret}", "GOPROXY=https://a:b1c2@h,direct"], "n": 3}

    body = json.loads(json_text(R()))
    assert body["env"] == {"API_TOKEN": "***", "HOME": "/h"}
    assert body["lines"] == ["saw ***", "GOPROXY=https://a:***@h,direct"]
    assert body["n"] == 3


def test_stream_redacts_writes(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    monkeypatch.setenv("CI_JOB_TOKEN", "job-tok-123")
    buf = io.StringIO()
    s = redact.Stream(buf)
    assert s.write("x job-tok-123 y") == len("x job-tok-123 y")
    assert buf.getvalue() == "x *** y"
    assert s.getvalue() == "x *** y"  # everything else is the inner stream's
