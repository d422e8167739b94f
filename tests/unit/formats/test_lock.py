"""The lock's pure logic: inputs, digest, change descriptions, format, validation, messages."""

from __future__ import annotations

import pytest

from noxkit._errors import ConfigError
from noxkit._formats import lock as _lock
from noxkit._plan.plan import load_plan

PYPROJECT = """\
[project]
name = "demo"
version = "1"
requires-python = ">=3.10"
dependencies = ["Requests>=2", "attrs"]

[project.optional-dependencies]
tests = ["hypothesis"]

[dependency-groups]
test = ["pytest", "demo[tests]"]
docs = ["sphinx"]

[tool.noxkit]
python = ["3.11", "3.12"]
"""

# The same project with its keys and list items in another order.
REORDERED = """\
[tool.noxkit]
python = ["3.11", "3.12"]

[dependency-groups]
docs = ["sphinx"]
test = ["demo[tests]", "pytest"]

[project]
dependencies = ["attrs", "requests >= 2"]
version = "1"
name = "demo"
requires-python = ">=3.10"

[project.optional-dependencies]
tests = ["hypothesis"]
"""

HASH_A = "sha256:" + "a" * 64
HASH_B = "sha256:" + "b" * 64


def _plan(tmp_path, text=PYPROJECT, name="p"):
    root = tmp_path / name
    root.mkdir()
    (root / "pyproject.toml").write_text(text, encoding="utf-8")
    return load_plan(root)


class TestInputs:
    def test_key_and_item_order_do_not_change_the_digest(self, tmp_path):
        """Reordering pyproject keys, list items and spelling of names keeps the digest."""
        first = _lock.lock_inputs(_plan(tmp_path))
        second = _lock.lock_inputs(_plan(tmp_path, REORDERED, "q"))
        assert first == second
        assert _lock.digest(first) == _lock.digest(second)

    def test_inputs_hold_every_source(self, tmp_path):
        """Project deps, groups, session tools and the Python floor are recorded, normalised."""
        inputs = _lock.lock_inputs(_plan(tmp_path))
        assert inputs["requires-python"] == ">=3.10"
        assert inputs["project"] == ["attrs", "requests>=2"]
        assert inputs["groups"]["docs"] == ["sphinx"]
        # The project itself is installed apart, never locked from the index.
        assert inputs["groups"]["test"] == ["pytest"]
        assert inputs["sessions"]["lint"] == ["ruff>=0.6"]
        assert "lock" not in inputs["sessions"]
        # smoke's set holds the project's dependencies too: the wheel goes in without them.
        assert inputs["install-project"] == ["smoke", "tests", "typecheck"]

    def test_smoke_installs_are_sets_of_the_lock(self, tmp_path):
        """smoke's runtime set has no tools; mypy and the test tools are stages of their own."""
        sets = _lock.lock_sets(_lock.lock_inputs(_plan(tmp_path)))
        assert sets["smoke"] == ["attrs", "requests>=2"]  # the wheel's runtime dependencies
        assert "smoke:tests" not in sets
        text = PYPROJECT + '\n[tool.noxkit.tests]\nextras = ["tests"]\n'
        text += "\n[tool.noxkit.smoke]\ntests = true\n"
        sets = _lock.lock_sets(_lock.lock_inputs(_plan(tmp_path, text, "q")))
        # With the test extra, since the tests run against the wheel installed with it.
        assert sets["smoke"] == ["attrs", "hypothesis", "requests>=2"]
        # mypy and the test tools come after the import check, each resolved as a set.
        assert sets["smoke:typecheck"] == ["mypy>=1.10"]
        assert sets["smoke:tests"] == ["pytest", "pytest>=8"]
        assert not any(r.startswith("coverage") for r in sets["smoke:tests"])

    def test_smoke_tools_are_inputs(self, tmp_path):
        """Another mypy for smoke makes the lock stale, naming smoke's stage."""
        old = _lock.lock_inputs(_plan(tmp_path))
        text = PYPROJECT + '\n[tool.noxkit.tools]\nmypy = ">=1.11"\n'
        new = _lock.lock_inputs(_plan(tmp_path, text, "q"))
        assert "session `smoke:typecheck` changed: -mypy>=1.10, +mypy>=1.11" in (
            _lock.describe_changes(old, new)
        )
        no_types = PYPROJECT + "\n[tool.noxkit.smoke]\ntypecheck = false\n"
        sessions = _lock.lock_inputs(_plan(tmp_path, no_types, "r"))["sessions"]
        assert "smoke:typecheck" not in sessions

    def test_sets_add_project_dependencies_to_project_sessions(self, tmp_path):
        """Sessions that install the project get its dependencies; groups get their own set."""
        sets = _lock.lock_sets(_lock.lock_inputs(_plan(tmp_path)))
        assert "requests>=2" in sets["tests"]
        assert "requests>=2" not in sets["lint"]
        assert sets["group:docs"] == ["sphinx"]

    def test_exclude_newer_is_an_input(self, tmp_path):
        """Setting a cut-off changes the digest."""
        plain = _lock.lock_inputs(_plan(tmp_path))
        text = PYPROJECT + '\n[tool.noxkit.lock]\nexclude-newer = "2025-01-01"\n'
        cut = _lock.lock_inputs(_plan(tmp_path, text, "q"))
        assert cut["exclude-newer"] == "2025-01-01"
        assert _lock.digest(plain) != _lock.digest(cut)

    def test_lower_python_from_requires_python(self, tmp_path):
        """The resolution floor is requires-python's lower bound."""
        text = PYPROJECT.replace(">=3.10", ">=3.9,<4")
        assert _lock.lower_python(_plan(tmp_path, text)) == "3.9"


class TestChanges:
    def test_group_addition_is_named(self, tmp_path):
        """A dependency added to a group reads `dependency group `test` changed: +freezegun`."""
        old = _lock.lock_inputs(_plan(tmp_path))
        new = _lock.lock_inputs(
            _plan(tmp_path, PYPROJECT.replace('"pytest",', '"pytest", "freezegun",'), "q")
        )
        assert _lock.describe_changes(old, new) == [
            "dependency group `test` changed: +freezegun",
            "session `tests` changed: +freezegun",
            "session `typecheck` changed: +freezegun",
        ]

    def test_every_kind_of_change_is_described(self):
        """Python floor, project deps, groups added/removed and sessions are all described."""
        old = {
            "requires-python": ">=3.10",
            "project": ["a"],
            "groups": {"x": ["b"]},
            "sessions": {"lint": ["ruff>=0.6"]},
        }
        new = {
            "requires-python": ">=3.11",
            "project": ["a", "c"],
            "groups": {"y": ["b"]},
            "sessions": {"lint": ["ruff==0.17.6"]},
            "exclude-newer": "7 days",
        }
        assert _lock.describe_changes(old, new) == [
            "requires-python changed: >=3.10 -> >=3.11",
            "exclude-newer changed: none -> 7 days",
            "project dependencies changed: +c",
            "dependency group `x` removed",
            "dependency group `y` added",
            "session `lint` changed: -ruff>=0.6, +ruff==0.17.6",
        ]

    def test_stale_message_names_the_refresh_command(self):
        """The stale message is one line with the path, the changes and `nox -s lock`."""
        message = _lock.stale_message("noxkit.lock", ["dependency group `test` changed: +x"])
        assert message == (
            "noxkit.lock is stale: dependency group `test` changed: +x. "
            "Refresh it with `nox -s lock` and commit it"
        )
        assert "\n" not in message


COMPILED = f"""\
colorama==0.4.6 ; sys_platform == 'win32' \\
    --hash={HASH_B} \\
    --hash={HASH_A}
    # via pytest
Pytest==9.2.0 \\
    --hash={HASH_A}
"""


class TestFormat:
    def test_parse_compiled_output(self):
        """uv's hashed output becomes normalised pins with sorted hashes."""
        parsed = _lock.parse_compiled(COMPILED)
        assert parsed == {
            'colorama==0.4.6 ; sys_platform == "win32"': (HASH_A, HASH_B),
            "pytest==9.2.0": (HASH_A,),
        }

    def test_parse_compiled_refuses_a_url(self):
        """A direct URL cannot be locked by hash and version: refused by name."""
        with pytest.raises(ConfigError, match="cannot lock 'demo @ file:///x'"):
            _lock.parse_compiled("demo @ file:///x\n")

    def test_render_is_stable_and_round_trips(self, tmp_path):
        """Rendering twice gives the same text, and the lock loads back with its sets."""
        inputs = {"requires-python": ">=3.10", "project": [], "sessions": {"lint": ["ruff"]}}
        sets = {"lint": _lock.parse_compiled(COMPILED)}
        text = _lock.render_lock(inputs, sets)
        assert text == _lock.render_lock(dict(reversed(inputs.items())), sets)
        path = tmp_path / "noxkit.lock"
        path.write_text(text, encoding="utf-8")
        lock = _lock.load_lock(path)
        assert lock.digest == _lock.digest(inputs)
        assert lock.inputs == inputs
        assert lock.hashes[("pytest", "9.2.0")] == (HASH_A,)
        requirements = _lock.requirements_text(lock, ["lint"])
        assert f"pytest==9.2.0 --hash={HASH_A}\n" in requirements


def _write_lock(tmp_path, sets_entry: str, hashes: str = f'["{HASH_A}"]') -> object:
    text = f"""\
version = 1
digest = "sha256:x"

[inputs]
project = []

[sets]
lint = [
    {sets_entry},
]

[[package]]
name = "ruff"
version = "0.17.6"
hashes = {hashes}
"""
    path = tmp_path / "noxkit.lock"
    path.write_text(text, encoding="utf-8")
    return path


class TestValidation:
    def test_valid_lock_loads(self, tmp_path):
        """A pinned, hashed entry is accepted."""
        lock = _lock.load_lock(_write_lock(tmp_path, '"ruff==0.17.6"'))
        assert lock.sets == {"lint": ("ruff==0.17.6",)}

    def test_unpinned_entry_is_refused_with_its_line(self, tmp_path):
        """An entry that is not name==version is refused, naming it and its line."""
        with pytest.raises(ConfigError) as info:
            _lock.load_lock(_write_lock(tmp_path, '"ruff>=0.17"'))
        assert "entry 'ruff>=0.17' of set 'lint' is not pinned" in str(info.value)
        assert info.value.line == 9

    def test_hashless_entry_is_refused(self, tmp_path):
        """A pin without a [[package]] hash entry is refused."""
        with pytest.raises(ConfigError, match=r"entry 'mypy==1\.0' of set 'lint' has no hashes"):
            _lock.load_lock(_write_lock(tmp_path, '"mypy==1.0"'))

    def test_empty_hash_list_is_refused(self, tmp_path):
        """A package with an empty hash list is refused."""
        with pytest.raises(ConfigError, match=r"package ruff==0.17.6 has no hashes"):
            _lock.load_lock(_write_lock(tmp_path, '"ruff==0.17.6"', "[]"))

    def test_malformed_hash_is_refused(self, tmp_path):
        """A hash that is not sha256:<64 hex> is refused."""
        with pytest.raises(ConfigError, match="malformed hash 'md5:abc'"):
            _lock.load_lock(_write_lock(tmp_path, '"ruff==0.17.6"', '["md5:abc"]'))

    def test_syntax_error_names_path_and_line(self, tmp_path):
        """Broken TOML gives path:line:column."""
        path = tmp_path / "noxkit.lock"
        path.write_text('version = 1\ndigest = "unterminated\n', encoding="utf-8")
        with pytest.raises(ConfigError) as info:
            _lock.load_lock(path)
        assert str(info.value).startswith(f"{path}:2:")


class TestEnvironment:
    def test_install_settings_are_ignored_unless_allowed(self):
        """Constraint and index settings are dropped unless allow-environment names them."""
        environ = {
            "PIP_CONSTRAINT": "/c.txt",
            "UV_INDEX_URL": "https://mirror",
            "PIP_CERT": "/ca.pem",
        }
        overrides, ignored, honoured = _lock.installer_environment(environ, ["UV_INDEX_URL"])
        assert ignored == ["PIP_CONSTRAINT"]
        assert honoured == ["UV_INDEX_URL"]
        assert overrides == {"PIP_CONSTRAINT": None, "UV_NO_CONFIG": "1"}


UV_OUTPUT = f"""\
error: Failed to download `iniconfig==2.3.1`
  cause: Hash mismatch for `iniconfig==2.3.1`

         Expected:
           {HASH_A}
           {HASH_B}

         Computed:
           sha256:{"c" * 64}
"""

PIP_OUTPUT = f"""\
ERROR: THESE PACKAGES DO NOT MATCH THE HASHES FROM THE REQUIREMENTS FILE.
    ruff==0.17.6 from https://files.pythonhosted.org/ruff.whl:
        Expected sha256 {"a" * 64}
             Expected     or {"b" * 64}
                  Got        {"c" * 64}
"""


class TestHashMismatch:
    def test_uv_report(self):
        """uv's report becomes package, downloaded hash and locked hashes."""
        assert _lock.find_hash_mismatch(UV_OUTPUT) == (
            f"iniconfig==2.3.1: the download has sha256:{'c' * 64}, the lock has {HASH_A}, {HASH_B}"
        )

    def test_pip_report(self):
        """pip's report becomes the same line."""
        assert _lock.find_hash_mismatch(PIP_OUTPUT) == (
            f"ruff==0.17.6: the download has sha256:{'c' * 64}, the lock has {HASH_A}, {HASH_B}"
        )

    def test_other_failures_are_not_mismatches(self):
        """An unrelated installer error is not reported as a hash mismatch."""
        assert _lock.find_hash_mismatch("error: no network") is None
