"""Fuzz ``[tool.noxkit]`` and ``NOXKIT_SET``: any value validates and plans, or is one line.

The property (issue 13): whatever a project writes, noxkit either accepts it (the plan builds
and ``noxkit doctor`` can describe it) or refuses it with a :class:`ConfigError` whose message
is one line; never another exception, which nox would print as a traceback. The bulk runs
in-process (``load_config`` -> ``build_plan`` -> ``diagnose``) over many examples; a few
examples go through real ``nox -l`` and ``noxkit doctor`` subprocesses.
"""

from __future__ import annotations

import itertools
import json
import math
import shutil
import tempfile
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from noxkit import ConfigError, build_plan, load_config
from noxkit._cli import doctor
from noxkit._config.schema import iter_keys

FIXTURES = Path(__file__).parent.parent / "fixtures"

# Every real key (so most examples reach the checks behind the first one), plus noise.
_KEYS = [dotted for dotted, _ in iter_keys()]
_CHOICES = sorted({str(c) for _, f in iter_keys() for c in (f.metadata.get("choices") or ())})
_SESSIONS = ["lint", "fmt", "typecheck", "tests", "coverage", "build", "smoke", "lock", "docs"]
_AWKWARD = [
    "", " ", "/", ".", "..", "a/", "\x00", "==", ">=99", "3.11", "3.99", "uv|conda", "|",
    "{version}", "{", "}", "~", "-", "--", "a\nb", "\ufeff", "é", "$HOME", "*", "[", "x" * 300,
]  # fmt: skip

_text = st.one_of(
    st.sampled_from(_AWKWARD + _CHOICES + _SESSIONS),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=12),
)
_scalar = st.one_of(
    _text,
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
)
_value = st.recursive(
    _scalar,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_text, inner, max_size=2),
    max_leaves=6,
)
_key = st.one_of(
    st.sampled_from(_KEYS),
    st.sampled_from([k for k in _AWKWARD if k]),
    st.builds("{}.{}".format, st.sampled_from(_KEYS), st.sampled_from(_AWKWARD)),
    _text.filter(bool),
)


def _toml_value(value: Any) -> str:
    """A TOML literal for ``value`` (json's escapes are TOML's, for non-surrogate text)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, int | float | str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return "{" + ", ".join(f"{json.dumps(k)} = {_toml_value(v)}" for k, v in value.items()) + "}"


def _table(entries: list[tuple[str, Any]]) -> dict[str, Any]:
    """Dotted keys to nested tables; a later key wins over a clashing earlier one."""
    table: dict[str, Any] = {}
    for dotted, value in entries:
        *parents, leaf = dotted.split(".")
        target = table
        for name in parents:
            nxt = target.get(name)
            if not isinstance(nxt, dict):
                nxt = target[name] = {}
            target = nxt
        target[leaf] = value
    return table


def _pyproject(table: dict[str, Any]) -> str:
    body = "\n".join(f"{json.dumps(k)} = {_toml_value(v)}" for k, v in table.items())
    return (
        '[project]\nname = "fuzzpkg"\nversion = "1.0"\nrequires-python = ">=3.10"\n'
        f"[tool.noxkit]\n{body}\n"
    )


_tables = st.lists(st.tuples(_key, _value), max_size=4).map(_table)
_set_items = st.one_of(
    st.tuples(st.sampled_from(_KEYS), _value).map(lambda kv: f"{kv[0]}={_toml_value(kv[1])}"),
    st.tuples(_key, _text).map(lambda kv: f"{kv[0]}={kv[1]}"),
    _text,
)
_set_specs = st.lists(_set_items, max_size=3).map(";".join)
_EXAMPLES = itertools.count()


def _make_root(base: Path) -> Path:
    root = base / "project"
    (root / "src" / "fuzzpkg").mkdir(parents=True)
    (root / "src" / "fuzzpkg" / "__init__.py").write_text("", encoding="utf-8")
    return root


def _check_in_process(root: Path, text: str, spec: str) -> None:
    """Load, plan and diagnose: fine, or a one-line ConfigError."""
    (root / "pyproject.toml").write_text(text, encoding="utf-8")
    message = None
    try:
        with mock.patch.object(doctor, "_python_available", return_value=True):
            doctor.diagnose(build_plan(load_config(root, environ={"NOXKIT_SET": spec})))
    except ConfigError as exc:
        message = str(exc)
    if message is not None:
        assert "\n" not in message, message
        assert message.strip(), "an empty error message"


@pytest.fixture(scope="module")
def fuzz_root():
    base = Path(tempfile.mkdtemp(prefix="noxkit-fuzz-"))
    yield _make_root(base)
    shutil.rmtree(base, ignore_errors=True)


_FAST = settings(
    max_examples=400,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


class TestInProcess:
    @_FAST
    @given(table=_tables)
    def test_any_table_validates_or_is_one_line(self, fuzz_root, table):
        """Any [tool.noxkit] table: a plan doctor can describe, or one ConfigError line."""
        _check_in_process(fuzz_root, _pyproject(table), "")

    @_FAST
    @given(spec=_set_specs)
    def test_any_noxkit_set_validates_or_is_one_line(self, fuzz_root, spec):
        """Any NOXKIT_SET string: a plan doctor can describe, or one ConfigError line."""
        _check_in_process(fuzz_root, _pyproject({}), spec)


def _one_line_or_fine(run, ok: set[int]) -> None:
    assert "Traceback" not in run.output, run
    if run.returncode == 2:
        errors = [ln for ln in run.output.splitlines() if ln.startswith("noxkit: error:")]
        assert len(errors) == 1, run
    else:
        assert run.returncode in ok, run


@pytest.mark.integration
class TestRealNox:
    @settings(
        max_examples=6,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
        database=None,
    )
    @given(table=_tables, spec=_set_specs)
    def test_nox_list_and_doctor_never_print_a_traceback(self, make_project, table, spec):
        """`nox -l` exits 0 or 2 (one line); `noxkit doctor` 0, 1 or 2 (one line)."""
        # An environment variable cannot hold a NUL byte: that is the OS, not noxkit.
        assume("\x00" not in spec)
        # A fresh folder per example, also when hypothesis replays one.
        project = make_project("src-clean", dest=f"p{next(_EXAMPLES)}")
        project.append("pyproject.toml", "\n" + _pyproject(table).split("\n", 4)[-1])
        env = {"NOXKIT_SET": spec}
        _one_line_or_fine(project.nox("-l", env=env, timeout=120), {0})
        _one_line_or_fine(project.noxkit("doctor", env=env, timeout=120), {0, 1})
