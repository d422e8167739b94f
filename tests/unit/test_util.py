"""The base helpers every layer shares: atomic writes, digests, installed versions."""

from __future__ import annotations

import ast
import hashlib
import json
import os
from pathlib import Path

import pytest

from noxkit import _util
from noxkit._util import (
    SHA256_PREFIX,
    atomic_write_text,
    digest,
    digest_file,
    digest_json,
    dist_version,
    sha256_file,
    sha256_hex,
)


class TestAtomicWrite:
    def test_writes_and_replaces(self, tmp_path):
        """The target ends with the new text, and no temporary file is left beside it."""
        path = tmp_path / "out.txt"
        atomic_write_text(path, "one\n")
        atomic_write_text(path, "two\n")
        assert path.read_text(encoding="utf-8") == "two\n"
        assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]

    def test_text_is_utf8(self, tmp_path):
        """Non-ASCII text is written as UTF-8 whatever the locale."""
        path = tmp_path / "out.txt"
        atomic_write_text(path, "caf\u00e9\n")
        assert path.read_bytes() == "caf\u00e9\n".encode()

    def test_failed_write_keeps_the_old_file_and_leaves_no_temporary(self, tmp_path, monkeypatch):
        """A write that fails half way changes nothing a reader can see."""
        path = tmp_path / "out.txt"
        path.write_text("old\n", encoding="utf-8")

        def boom(self, target):
            raise OSError("disk full")

        monkeypatch.setattr(type(path), "replace", boom)
        with pytest.raises(OSError, match="disk full"):
            atomic_write_text(path, "new\n")
        assert path.read_text(encoding="utf-8") == "old\n"
        assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]

    def test_temporary_file_is_hidden_and_per_process(self, tmp_path, monkeypatch):
        """The temporary name holds the pid, so parallel writers never share one."""
        seen = []
        real_replace = type(tmp_path).replace

        def spy(self, target):
            seen.append(self.name)
            return real_replace(self, target)

        monkeypatch.setattr(type(tmp_path), "replace", spy)
        atomic_write_text(tmp_path / "f.json", "{}")
        assert seen == [f".f.json.{os.getpid()}.tmp"]


class TestDigests:
    def test_hex_and_prefixed_forms_agree_with_hashlib(self, tmp_path):
        """Text is hashed as UTF-8; the prefixed form is ``sha256:`` and the same hex."""
        expected = hashlib.sha256(b"abc").hexdigest()
        assert sha256_hex("abc") == sha256_hex(b"abc") == expected
        assert digest("abc") == SHA256_PREFIX + expected == f"sha256:{expected}"
        path = tmp_path / "f"
        path.write_bytes(b"abc" * (1 << 19))  # more than one read block
        whole = hashlib.sha256(b"abc" * (1 << 19)).hexdigest()
        assert sha256_file(path) == whole
        assert digest_file(path) == "sha256:" + whole

    def test_json_digest_is_canonical(self):
        """Key order and spacing do not change the digest; the form is fixed (locks record it)."""
        a = digest_json({"b": [1, 2], "a": "\u00e9"})
        b = digest_json(json.loads('{ "a" : "\u00e9", "b" : [1,2] }'))
        assert a == b
        canonical = '{"a":"\\u00e9","b":[1,2]}'
        assert a == "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()

    def test_missing_file_raises(self, tmp_path):
        """An unreadable file is the caller's decision (``OSError``), never a made-up digest."""
        with pytest.raises(OSError):
            digest_file(tmp_path / "absent")


class TestDistVersion:
    def test_installed_and_missing(self):
        """The installed version, else the caller's word for missing."""
        assert dist_version("pytest", "none") == pytest.__version__
        assert dist_version("no-such-dist-noxkit", "not installed") == "not installed"


def test_util_imports_nothing_from_noxkit():
    """A base module: every layer may use it, so it must not import any of them."""
    tree = ast.parse(Path(_util.__file__).read_text(encoding="utf-8"))
    modules = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    modules += [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    assert modules
    assert not [m for m in modules if m.split(".")[0] == "noxkit"]


def test_atomic_write_escapes_what_utf8_cannot_hold(tmp_path):
    """A lone surrogate (a non-UTF-8 argument) is written escaped, never a UnicodeEncodeError."""
    from noxkit._util import atomic_write_text  # noqa: PLC0415

    target = tmp_path / "page.html"
    atomic_write_text(target, "argv: \udcff")
    assert target.read_text(encoding="utf-8") == "argv: \\udcff"


class TestIgnoreFolder:
    def test_output_folder_is_ignored_by_git(self, tmp_path):
        """A noxkit output folder gets a `.gitignore` of `*`; an existing one is kept."""
        ignore_folder = _util.ignore_folder
        ignore_folder(tmp_path)
        assert (tmp_path / ".gitignore").read_text().splitlines()[-1] == "*"
        (tmp_path / ".gitignore").write_text("mine\n")
        ignore_folder(tmp_path)
        assert (tmp_path / ".gitignore").read_text() == "mine\n"
        ignore_folder(tmp_path / "absent")
        assert not (tmp_path / "absent").exists()
