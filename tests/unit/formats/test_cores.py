"""Which coverage.py core measures, and which Pythons measure: coverage.py's rules, pure."""

from __future__ import annotations

import pytest
from packaging.version import Version

from noxkit._errors import ConfigError
from noxkit._formats.cores import (
    Interpreter,
    RunSettings,
    measuring,
    parse_python,
    select_core,
)

PY311 = Interpreter("CPython", (3, 11, 7))
PY312 = Interpreter("CPython", (3, 12, 1))
PY313 = Interpreter("CPython", (3, 13, 0))
PY314 = Interpreter("CPython", (3, 14, 0))
COV = Version("7.17.5")
LINE = RunSettings()
BRANCH = RunSettings(branch=True)


def core(python=PY312, coverage=COV, settings=LINE, requested="auto", environ=None):
    return select_core(python, coverage, settings, requested, environ or {})


class TestParsePython:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("3.12", Interpreter("CPython", (3, 12))),
            ("3.13t", Interpreter("CPython", (3, 13))),
            ("pypy3.10", Interpreter("PyPy", (3, 10))),
            ("CPython 3.12.1", Interpreter("CPython", (3, 12, 1))),
            ("PyPy 3.10.14", Interpreter("PyPy", (3, 10, 14))),
            ("unknown", None),
            (None, None),
        ],
    )
    def test_forms(self, text, expected):
        """nox's matrix strings and the header's 'implementation version' both parse."""
        assert parse_python(text) == expected


class TestRunSettings:
    def test_reads_ini_strings(self):
        """branch, plugins, contexts, concurrency, timid and core come from the INI form."""
        settings = RunSettings.from_config(
            {
                "run": {
                    "branch": "True",
                    "plugins": "\nplug_a\nplug_b",
                    "dynamic_context": "test_function",
                    "concurrency": "thread, gevent",
                    "timid": "false",
                    "core": "ctrace",
                }
            }
        )
        assert settings == RunSettings(
            branch=True,
            plugins=("plug_a", "plug_b"),
            dynamic_context="test_function",
            concurrency=("thread", "gevent"),
            timid=False,
            core="ctrace",
        )

    def test_nothing_set(self):
        """No [run] section: line coverage, nothing that blocks sysmon."""
        assert RunSettings.from_config({}) == LINE


class TestSelectCore:
    @pytest.mark.parametrize("python", [PY312, PY313, PY314])
    def test_line_coverage_uses_sysmon_from_312(self, python):
        """Line coverage on CPython 3.12+ with a recent coverage.py: sysmon, via the env var."""
        choice = core(python=python)
        assert choice.core == "sysmon"
        assert choice.env == {"COVERAGE_CORE": "sysmon"}
        assert str(python) in choice.reason

    def test_311_keeps_the_c_tracer(self):
        """Python 3.11 has no sys.monitoring: the C tracer, nothing to set."""
        choice = core(python=PY311)
        assert choice.core == "ctrace"
        assert choice.env == {}
        assert "needs Python 3.12+" in choice.reason

    def test_pypy_has_no_sysmon(self):
        """sys.monitoring is CPython's."""
        assert core(python=Interpreter("PyPy", (3, 12))).core == "ctrace"

    @pytest.mark.parametrize("python", [PY312, PY313])
    def test_branch_before_314_keeps_the_c_tracer(self, python):
        """Branch coverage under sysmon needs 3.14's branch events: C tracer on 3.12/3.13."""
        choice = core(python=python, settings=BRANCH)
        assert choice.core == "ctrace"
        assert "branches only from Python 3.14" in choice.reason

    def test_branch_on_314_uses_sysmon(self):
        """From 3.14 (coverage.py 7.7+) sysmon measures branches too."""
        assert core(python=PY314, settings=BRANCH).core == "sysmon"
        assert core(python=PY314, coverage=Version("7.6.1"), settings=BRANCH).core == "ctrace"

    @pytest.mark.parametrize(
        ("version", "expected"),
        [("7.3.4", "ctrace"), ("7.4.0", "sysmon"), ("7.8.2", "sysmon"), ("7.10.7", "sysmon")],
    )
    def test_coverage_version_gate(self, version, expected):
        """coverage.py has a sysmon core from 7.4 (the env var; `[run] core` only from 7.9)."""
        choice = core(coverage=Version(version))
        assert choice.core == expected
        if expected == "sysmon":
            assert choice.env == {"COVERAGE_CORE": "sysmon"}

    def test_plugins_keep_the_c_tracer_under_auto(self):
        """A plugin may be a file tracer, which sysmon silently disables: auto keeps ctrace."""
        choice = core(settings=RunSettings(plugins=("django_coverage_plugin",)))
        assert choice.core == "ctrace"
        assert "django_coverage_plugin" in choice.reason
        assert 'core = "sysmon"' in choice.reason

    def test_sysmon_requested_overrides_the_plugin_caution(self):
        """core = "sysmon" says the plugins trace no files."""
        settings = RunSettings(plugins=("coverage_conditional_plugin",))
        assert core(settings=settings, requested="sysmon").core == "sysmon"

    def test_sysmon_requested_still_falls_back_like_coverage(self):
        """Asking for sysmon where coverage.py cannot use it gives coverage.py's fallback."""
        choice = core(python=PY311, requested="sysmon")
        assert choice.core == "ctrace"

    @pytest.mark.parametrize(
        ("settings", "words"),
        [
            (RunSettings(dynamic_context="test_function"), "dynamic contexts"),
            (RunSettings(concurrency=("gevent",)), "concurrency = gevent"),
            (RunSettings(concurrency=("eventlet",)), "concurrency = eventlet"),
            (RunSettings(concurrency=("greenlet",)), "concurrency = greenlet"),
        ],
    )
    def test_contexts_and_green_threads_keep_the_c_tracer(self, settings, words):
        """Dynamic contexts and greenlet/eventlet/gevent: coverage.py falls back, so does noxkit."""
        choice = core(settings=settings)
        assert choice.core == "ctrace"
        assert words in choice.reason

    def test_thread_and_multiprocessing_concurrency_are_fine(self):
        """Only the green-thread concurrency settings conflict with sysmon."""
        settings = RunSettings(concurrency=("thread", "multiprocessing"))
        assert core(settings=settings).core == "sysmon"

    def test_timid_means_the_python_tracer(self):
        """timid = true: coverage.py's Python tracer, whatever else is asked."""
        choice = core(settings=RunSettings(timid=True), requested="sysmon")
        assert choice.core == "pytrace"
        assert choice.env == {}

    def test_ctrace_requested(self):
        """core = "ctrace" keeps the C tracer; nothing to set before 3.14."""
        choice = core(requested="ctrace")
        assert (choice.core, choice.env) == ("ctrace", {})

    def test_ctrace_on_314_is_forced(self):
        """From 3.14 coverage.py picks sysmon by itself, so keeping ctrace takes the env var."""
        assert core(python=PY314, requested="ctrace").env == {"COVERAGE_CORE": "ctrace"}
        plugins = RunSettings(plugins=("p",))
        assert core(python=PY314, settings=plugins).env == {"COVERAGE_CORE": "ctrace"}

    def test_the_users_environment_wins(self):
        """COVERAGE_CORE in the shell is the user's choice: honoured, and not overwritten."""
        choice = core(environ={"COVERAGE_CORE": "ctrace"})
        assert choice.core == "ctrace"
        assert choice.env == {}
        assert "COVERAGE_CORE=ctrace in the environment" in choice.reason

    def test_the_projects_rc_core_is_honoured_from_79(self):
        """[run] core in the project's settings is coverage.py's to apply (7.9+)."""
        settings = RunSettings(core="ctrace")
        choice = core(settings=settings)
        assert (choice.core, choice.env) == ("ctrace", {})
        assert "[run] core = ctrace" in choice.reason
        assert core(settings=settings, coverage=Version("7.8.2")).core == "sysmon"

    def test_unknown_coverage_version_assumes_a_recent_one(self):
        """Before install the version is unknown: the default requirement is recent."""
        assert core(coverage=None).core == "sysmon"


class TestMeasuring:
    MATRIX = ("3.11", "3.12", "3.13")

    def decide(self, setting="auto", settings=LINE, requested="auto", environ=None, matrix=None):
        return measuring(
            matrix or self.MATRIX, setting, settings, requested, environ or {}, coverage=COV
        )

    def test_auto_locally_measures_where_sysmon_works(self):
        """Locally, auto measures on every Python where measuring is nearly free."""
        decided = self.decide()
        assert decided.pythons == ("3.12", "3.13")
        assert decided.skipped == ("3.11",)
        assert "CI measures all" in decided.reason

    def test_auto_locally_pays_for_the_c_tracer_once(self):
        """With branch coverage before 3.14 nothing is cheap: only the newest measures."""
        decided = self.decide(settings=BRANCH)
        assert decided.pythons == ("3.13",)
        assert decided.measures("3.13")
        assert not decided.measures("3.11")

    def test_auto_in_ci_measures_everything(self):
        """In CI every Python measures: the combined total is the one the floor guards."""
        assert self.decide(settings=BRANCH, environ={"CI": "true"}).pythons == self.MATRIX

    def test_single_python_always_measures(self):
        """A one-Python matrix measures on it, cheap or not."""
        assert self.decide(matrix=("3.11",)).pythons == ("3.11",)

    def test_all(self):
        """measure = "all": today's behaviour, everywhere."""
        assert self.decide("all").pythons == self.MATRIX

    def test_one_prefers_sysmon(self):
        """measure = "one": the newest Python where sysmon measures, else the newest."""
        assert self.decide("one", matrix=("3.12", "3.11")).pythons == ("3.12",)
        assert self.decide("one", settings=BRANCH, environ={"CI": "1"}).pythons == ("3.13",)

    def test_a_version(self):
        """measure = "3.12": exactly that Python."""
        assert self.decide("3.12").pythons == ("3.12",)

    def test_a_version_outside_the_matrix_is_a_config_error(self):
        """A version the matrix does not hold names the key and the matrix."""
        with pytest.raises(ConfigError, match=r"measure = '3\.10'.*3\.11, 3\.12, 3\.13"):
            self.decide("3.10")

    def test_a_run_outside_the_matrix_measures(self):
        """A session without a matrix Python (a composed one) measures."""
        assert self.decide(settings=BRANCH).measures(None)
