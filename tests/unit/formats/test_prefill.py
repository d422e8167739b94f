"""Which queued sessions' environments a run fills ahead, and the mark of this run's fill."""

from __future__ import annotations

from noxkit._formats.prefill import (
    MARKER_NAME,
    Queued,
    envs_to_fill,
    made_this_run,
    run_token,
    write_marker,
)


def q(name: str, location: str | None = None, backend: str = "uv") -> Queued:
    return Queued(name, name.split("-", maxsplit=1)[0], location or f"/p/.nox/{name}", backend)


def installs_all_but_release(base: str) -> bool:
    return base != "release"


class TestEnvsToFill:
    def test_every_queued_installing_session_in_run_order(self):
        """The later sessions' folders are filled in the order nox will run them."""
        queued = [q("typecheck"), q("tests-3.12"), q("coverage")]
        out = envs_to_fill(queued, current="/p/.nox/lint", installs=installs_all_but_release)
        assert [i.name for i in out] == ["typecheck", "tests-3.12", "coverage"]

    def test_never_the_running_sessions_own_folder(self):
        """A queued session sharing the running session's folder is left to it."""
        queued = [q("lint-again", "/p/.nox/lint"), q("tests")]
        out = envs_to_fill(queued, current="/p/.nox/lint", installs=installs_all_but_release)
        assert [i.name for i in out] == ["tests"]

    def test_one_fill_per_folder(self):
        """Two queued sessions with one folder (``--force-python``) fill it once."""
        queued = [q("tests-a", "/p/.nox/tests"), q("tests-b", "/p/.nox/tests")]
        out = envs_to_fill(queued, current=None, installs=installs_all_but_release)
        assert [i.name for i in out] == ["tests-a"]

    def test_sessions_that_install_nothing_through_noxkit_are_left_out(self):
        """A session that installs nothing through noxkit has no stamp to fill towards."""
        out = envs_to_fill(
            [q("release"), q("docs")], current=None, installs=installs_all_but_release
        )
        assert [i.name for i in out] == ["docs"]

    def test_only_backends_noxkit_can_fill(self):
        """virtualenv and conda folders are filled by their session, as nox does it."""
        queued = [q("tests", backend="virtualenv"), q("docs", backend="conda"), q("lint")]
        out = envs_to_fill(queued, current=None, installs=installs_all_but_release)
        assert [i.name for i in out] == ["lint"]


class TestMarker:
    def test_token_from_the_run_variable(self):
        """The run token is the part after the owner's PID."""
        assert run_token({"NOXKIT_RUN": "123:abc"}) == "abc"
        assert run_token({}) is None

    def test_made_this_run_only_for_the_same_run(self, tmp_path):
        """A marker counts only for the run that wrote it; none or another run's: no."""
        assert not made_this_run(tmp_path, {"NOXKIT_RUN": "1:abc"})
        write_marker(tmp_path, "abc")
        assert (tmp_path / MARKER_NAME).is_file()
        assert made_this_run(tmp_path, {"NOXKIT_RUN": "1:abc"})
        assert not made_this_run(tmp_path, {"NOXKIT_RUN": "1:other"})
        assert not made_this_run(tmp_path, {})
