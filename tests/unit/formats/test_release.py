"""Conventional commits, version bumps, changelog sections and version files (pure logic)."""

from __future__ import annotations

import pytest

from noxkit._formats.release import (
    VersionSource,
    bump,
    find_version_source,
    insert_section,
    next_version,
    parse_commit,
    read_version,
    render_section,
    write_version,
)


class TestParseCommit:
    def test_type_scope_and_description(self):
        """`feat(cli): add x` is a feat in scope cli."""
        change = parse_commit("a" * 40, "feat(cli): add x\n\nbody")
        assert change is not None
        assert (change.type, change.scope, change.description) == ("feat", "cli", "add x")
        assert not change.breaking

    def test_bang_is_breaking(self):
        """A `!` before the colon marks a breaking change, with or without a scope."""
        for subject in ("feat!: drop x", "refactor(api)!: rename y"):
            change = parse_commit("a", subject)
            assert change is not None
            assert change.breaking

    def test_breaking_change_footer(self):
        """A `BREAKING CHANGE:` (or `BREAKING-CHANGE:`) footer is breaking, and gives the note."""
        for footer in ("BREAKING CHANGE", "BREAKING-CHANGE"):
            change = parse_commit("a", f"fix: x\n\nbody\n\n{footer}: config moved")
            assert change is not None
            assert change.breaking
            assert change.note == "config moved"

    def test_free_form_subjects_are_not_conventional(self):
        """Merge commits and plain sentences are ignored, not guessed at."""
        for message in ("Merge branch 'x'", "fix typo", "feat:missing space", "(x): y", ""):
            assert parse_commit("a", message) is None


class TestBump:
    @pytest.mark.parametrize(
        ("subjects", "expected"),
        [
            (["fix: a"], "patch"),
            (["perf: a"], "patch"),
            (["fix: a", "feat: b"], "minor"),
            (["feat: b", "fix: a"], "minor"),
            (["fix: a", "feat(x)!: b", "feat: c"], "major"),
            (["docs: a", "chore: b", "ci: c"], None),
            ([], None),
        ],
    )
    def test_highest_bump_wins(self, subjects, expected):
        """breaking > feat > fix/perf; docs, chore and ci alone release nothing."""
        changes = [c for s in subjects if (c := parse_commit("a", s)) is not None]
        assert bump(changes) == expected

    @pytest.mark.parametrize(
        ("current", "kind", "expected"),
        [
            ("1.2.3", "patch", "1.2.4"),
            ("1.2.3", "minor", "1.3.0"),
            ("1.2.3", "major", "2.0.0"),
            ("0.4", "minor", "0.5.0"),
            ("2.0.0rc1", "patch", "2.0.1"),
        ],
    )
    def test_next_version(self, current, kind, expected):
        """Semantic versioning; missing parts count as 0."""
        assert next_version(current, kind) == expected

    def test_invalid_current_version(self):
        """A version packaging cannot read is a clear error."""
        with pytest.raises(ValueError, match="'banana' is not a valid version"):
            next_version("banana", "patch")


class TestChangelog:
    def test_section_groups_by_type_and_leaves_out_chores(self):
        """Breaking changes first, then features, fixes; docs and chores are left out."""
        messages = [
            ("1111111aaa", "feat(cli): greet"),
            ("2222222bbb", "docs: words"),
            ("3333333ccc", "fix: empty names"),
            ("4444444ddd", "feat!: new config\n\nBREAKING CHANGE: [tool.x] renamed"),
        ]
        changes = [c for sha, m in messages if (c := parse_commit(sha, m)) is not None]
        assert render_section("2.0.0", "2026-01-01", changes) == (
            "## 2.0.0 (2026-01-01)\n\n"
            "### Breaking changes\n\n- [tool.x] renamed (4444444)\n\n"
            "### Features\n\n- **cli:** greet (1111111)\n- new config (4444444)\n\n"
            "### Fixes\n\n- empty names (3333333)\n"
        )

    def test_insert_above_the_newest_release(self):
        """The title and preamble stay on top; the new section goes before the last release."""
        old = "# Changelog\n\nNotes.\n\n## 1.0.0 (2025-01-01)\n\n- x\n"
        new = insert_section(old, "## 1.1.0 (2026-01-01)\n\n- y\n")
        assert new == (
            "# Changelog\n\nNotes.\n\n"
            "## 1.1.0 (2026-01-01)\n\n- y\n\n"
            "## 1.0.0 (2025-01-01)\n\n- x\n"
        )

    def test_missing_changelog_gets_a_title(self):
        """An empty or missing changelog starts with `# Changelog`."""
        assert insert_section("", "## 1.0.0 (d)\n") == "# Changelog\n\n## 1.0.0 (d)\n"


class TestVersionSource:
    def test_static_pyproject_version(self, tmp_path):
        """`[project] version` is rewritten in place; other `version` keys are untouched."""
        text = (
            '[tool.x]\nversion = "9"\n\n[project]\nname = "p"\nversion = "1.0.0"\n\n'
            '[tool.y]\nversion = "8"\n'
        )
        (tmp_path / "pyproject.toml").write_text(text)
        pyproject = {"project": {"name": "p", "version": "1.0.0"}}
        source = find_version_source(tmp_path, pyproject, ())
        assert source == VersionSource("pyproject", tmp_path / "pyproject.toml")
        assert read_version(source) == "1.0.0"
        assert write_version(source, "1.1.0") == text.replace('"1.0.0"', '"1.1.0"')

    def test_hatch_version_path(self, tmp_path):
        """Hatch's `[tool.hatch.version] path` names the `__version__` file."""
        path = tmp_path / "src/p/_version.py"
        path.parent.mkdir(parents=True)
        path.write_text('"""v."""\n\n__version__ = "0.3.0"\n')
        pyproject = {
            "project": {"name": "p", "dynamic": ["version"]},
            "tool": {"hatch": {"version": {"path": "src/p/_version.py"}}},
        }
        source = find_version_source(tmp_path, pyproject, ("src/p",))
        assert source == VersionSource("file", path)
        assert read_version(source) == "0.3.0"
        assert write_version(source, "0.4.0") == '"""v."""\n\n__version__ = "0.4.0"\n'

    def test_setuptools_attr_and_package_init(self, tmp_path):
        """setuptools `attr` points at a module; flit-style projects keep it in `__init__`."""
        init = tmp_path / "p/__init__.py"
        init.parent.mkdir()
        init.write_text("__version__: str = '2.0'\n")
        attr = {"tool": {"setuptools": {"dynamic": {"version": {"attr": "p.__version__"}}}}}
        assert find_version_source(tmp_path, {"project": {"dynamic": ["version"]}, **attr}, ())
        flit = {"project": {"dynamic": ["version"]}}
        source = find_version_source(tmp_path, flit, ("p",))
        assert source == VersionSource("file", init)
        assert write_version(source, "2.1.0") == "__version__: str = '2.1.0'\n"

    @pytest.mark.parametrize(
        "pyproject",
        [
            {"build-system": {"requires": ["hatchling", "hatch-vcs"]}},
            {"build-system": {"requires": ["setuptools>=64", "setuptools-scm>=8"]}},
            {"tool": {"hatch": {"version": {"source": "vcs"}}}},
            {"tool": {"pdm": {"version": {"source": "scm"}}}},
        ],
    )
    def test_vcs_versions_are_only_tagged(self, tmp_path, pyproject):
        """A version derived from git tags has no file to write."""
        pyproject = {"project": {"dynamic": ["version"]}, **pyproject}
        assert find_version_source(tmp_path, pyproject, ()) == VersionSource("vcs", None)

    def test_unknown_source_and_explicit_file(self, tmp_path):
        """Nothing found is None (the session asks for version-file); version-file wins."""
        assert find_version_source(tmp_path, {"project": {"dynamic": ["version"]}}, ()) is None
        source = find_version_source(tmp_path, {}, (), "VERSION.py")
        assert source == VersionSource("file", tmp_path / "VERSION.py")
