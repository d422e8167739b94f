"""Coverage data files read without coverage.py: measured files, named plugins (pure)."""

from __future__ import annotations

import sqlite3

from noxkit._formats.coverage_data import measured_files, plugin_modules


def _data(path, files: list[str]):
    connection = sqlite3.connect(path)
    connection.execute("create table file (id integer primary key, path text)")
    connection.executemany("insert into file (path) values (?)", [(f,) for f in files])
    connection.commit()
    connection.close()
    return path


class TestMeasuredFiles:
    def test_distinct_files_across_parallel_data_files(self, tmp_path):
        """Two parallel data files measuring overlapping files count each file once."""
        a = _data(tmp_path / ".coverage.a", ["/p/a.py", "/p/b.py"])
        b = _data(tmp_path / ".coverage.b", ["/p/b.py"])
        assert measured_files([a, b]) == 2

    def test_empty_data_is_no_data(self, tmp_path):
        """The data pytest-cov leaves noxkit with (no file measured) counts as none."""
        assert measured_files([_data(tmp_path / ".coverage.x", [])]) == 0

    def test_unreadable_or_foreign_files_are_no_data(self, tmp_path):
        """A truncated or non-SQLite file cannot back a total; it is not created either."""
        junk = tmp_path / ".coverage.junk"
        junk.write_bytes(b"\xff not sqlite")
        assert measured_files([junk, tmp_path / ".coverage.gone"]) == 0
        assert not (tmp_path / ".coverage.gone").exists()


class TestPluginModules:
    def test_plugins_from_the_run_section(self):
        """Both INI list forms (newlines, commas) give module names."""
        assert plugin_modules({"run": {"plugins": "\nCython.Coverage\nother_plugin"}}) == [
            "Cython.Coverage",
            "other_plugin",
        ]
        assert plugin_modules({"run": {"plugins": "a, b"}}) == ["a", "b"]
        assert plugin_modules({}) == []
