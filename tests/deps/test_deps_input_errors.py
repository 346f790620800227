"""A policy file that is not UTF-8 and a pattern naming a directory that does not
exist: one clear line each, naming what is wrong, never a traceback."""

from __future__ import annotations

import pytest
from deps_support import write

from goarchlab.deps import policy
from goarchlab.errors import EXIT_USAGE, GoarchlabError


@pytest.fixture()
def env(proxy_env):
    return proxy_env("input-errors")


def _err(r) -> str:
    return " ".join(r.stderr.split())


def _mod(tmp_path):
    return write(tmp_path, {"go.mod": "module example.com/e\n\ngo 1.22\n",
                            "e.go": "package e\n"})


@pytest.mark.parametrize(("data", "words"), [
    ("version = 1\n".encode("utf-16"), "UTF-16"),  # with a BOM, as Windows editors save it
    ("version = 1\n".encode("utf-16-be"), "UTF-16"),  # no BOM: NUL bytes
    ("# caf\xe9\nversion = 1\n".encode("latin-1"), "line 1"),
])
def test_policy_that_is_not_utf8(tmp_path, data, words):
    f = tmp_path / "goarchlab.toml"
    f.write_bytes(data)
    with pytest.raises(GoarchlabError) as e:
        policy.load(f)
    assert e.value.code == EXIT_USAGE
    assert str(f) in e.value.message and words in e.value.message
    assert "UTF-8" in e.value.message and e.value.hint


def test_policy_with_a_utf8_bom_is_read(tmp_path):
    f = tmp_path / "goarchlab.toml"
    f.write_bytes(b"\xef\xbb\xbfversion = 1\n")
    assert policy.load(f) is not None


def test_cli_utf16_policy_one_line(goarchlab, env, tmp_path):
    d = _mod(tmp_path)
    (d / "goarchlab.toml").write_bytes("version = 1\n".encode("utf-16"))
    r = goarchlab(d, env, "deps")
    assert r.returncode == 2, r.stderr
    assert "Traceback" not in r.stderr
    assert _err(r).startswith(f"error: {d / 'goarchlab.toml'}: ") and "UTF-16" in _err(r)


@pytest.mark.parametrize("where", ["module", "outside"])
def test_missing_directory_pattern_names_the_argument(goarchlab, env, tmp_path, where):
    d = _mod(tmp_path / "m") if where == "module" else tmp_path
    missing = tmp_path / "nonexistent"
    for arg in (str(missing), str(missing) + "/..."):
        r = goarchlab(d, env, "deps", arg)
        assert r.returncode == 2, r.stderr
        assert "Traceback" not in r.stderr
        err = _err(r)
        assert err.startswith(f"error: {arg}: ") and "no such directory" in err
        assert str(d) + " " not in err  # the cwd is not what is wrong
