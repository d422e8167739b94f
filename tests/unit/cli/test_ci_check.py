"""`noxkit ci --check` in-process: missing, fresh and stale files (fast twin of the CI tests)."""

from __future__ import annotations

from noxkit._cli.main import main


def _project(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "app"\nrequires-python = ">=3.11"\n', encoding="utf-8"
    )
    (tmp_path / "src" / "app").mkdir(parents=True)
    (tmp_path / "src" / "app" / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / "noxfile.py").write_text("import noxkit\nnoxkit.register()\n", encoding="utf-8")
    return tmp_path


class TestCiCheck:
    def test_missing_then_fresh_then_stale(self, tmp_path, capsys):
        """--check: 1 when missing, 0 once written, 1 again when the file was edited."""
        root = _project(tmp_path)
        args = ["ci", "github", "-C", str(root)]
        assert main([*args, "--check"]) == 1
        assert "is missing; run `noxkit ci github`" in capsys.readouterr().err
        assert main(args) == 0
        assert main([*args, "--check"]) == 0
        workflow = root / ".github" / "workflows" / "ci.yml"
        workflow.write_text(workflow.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
        assert main([*args, "--check"]) == 1
        assert "differs from what noxkit generates" in capsys.readouterr().err

    def test_the_workflow_turns_on_allow_list_mode(self, tmp_path):
        """Generated workflows withhold the runner's secrets from the session tools."""
        root = _project(tmp_path)
        assert main(["ci", "github", "-C", str(root)]) == 0
        assert main(["ci", "gitlab", "-C", str(root)]) == 0
        for path in (".github/workflows/ci.yml", ".gitlab-ci.yml"):
            assert 'NOXKIT_SET: "envs.isolate=true"' in (root / path).read_text(encoding="utf-8")
