"""Generate CI configuration that runs the same ``nox -s <session>`` commands as a laptop.

The configuration is derived from noxkit's plan, so it cannot drift from the sessions: one job
per default session and Python (and per shard), package downloads cached on the lock digest,
coverage data and JUnit uploaded, and a final ``coverage`` job that combines the data and is
the single check a branch protection rule needs. Pure: text in, text out; the output is
byte-for-byte stable so ``noxkit ci ... --check`` can compare it with the committed file.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from noxkit._config.toml import tomllib
from noxkit._errors import ConfigError

if TYPE_CHECKING:
    from noxkit._plan.plan import Plan

__all__ = ["CiOptions", "default_path", "github_workflow", "gitlab_ci", "lock_file", "noxfile_deps"]

# Actions pinned by full commit SHA (a tag can be moved; a commit cannot), with the release in
# a comment so a reader and Dependabot know what it is.
_ACTIONS = {
    "checkout": "actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683  # v4.2.2",
    "setup-python": "actions/setup-python@a26af69be951a213d495a4c3e4e4022e16d87065  # v5.6.0",
    "cache": "actions/cache@5a3ec84eff668545956fd18022155c47e93e2684  # v4.2.3",
    "upload": "actions/upload-artifact@ea165f8d65b6e75b540449e92b4886f43607fa02  # v4.6.2",
    "download": "actions/download-artifact@d3f86a106a0bac45b974a628896c90dbdf5c8093  # v4.3.0",
}
_PEP723 = re.compile(r"(?m)^# /// (?P<type>[a-zA-Z0-9-]+)$\s(?P<content>(^#(| .*)$\s)+)^# ///$")
_DEFAULT_DEPS = ("nox>=2026.8", "noxkit")
_DEPS_LINE = re.compile(r"^dependencies\s*=\s*(\[.*\])\s*$", re.DOTALL | re.MULTILINE)


@dataclass(frozen=True)
class CiOptions:
    """What the generated configuration depends on besides the plan."""

    shards: int = 1
    noxfile_deps: tuple[str, ...] = _DEFAULT_DEPS
    lock: str | None = None
    """The lockfile's path relative to the project, when there is one (see :func:`lock_file`)."""


def default_path(provider: str) -> str:
    """Where each provider reads its configuration from, relative to the project."""
    return ".github/workflows/ci.yml" if provider == "github" else ".gitlab-ci.yml"


def lock_file(plan: Plan) -> str | None:
    """The lockfile (``[tool.noxkit.lock] path``) when it exists and `lock` is registered.

    Without the file there is nothing to check, and the cache is keyed on pyproject.toml.
    """
    if "lock" not in plan.sessions or "lock" in plan.config.settings.skip:
        return None
    path = plan.config.settings.lock.path
    return Path(path).as_posix() if (plan.config.root / path).is_file() else None


def noxfile_deps(noxfile: Path) -> tuple[str, ...]:
    """What nox needs to load the noxfile: its PEP 723 ``dependencies``, else nox and noxkit."""
    try:
        text = noxfile.read_text(encoding="utf-8")
    except OSError:
        return _DEFAULT_DEPS
    for match in _PEP723.finditer(text):
        if match.group("type") != "script":
            continue
        body = "".join(
            line[2:] if line.startswith("# ") else line[1:]
            for line in match.group("content").splitlines(keepends=True)
        )
        try:
            deps = tomllib.loads(body).get("dependencies", [])
        except tomllib.TOMLDecodeError:
            return _DEFAULT_DEPS
        if isinstance(deps, list) and all(isinstance(d, str) for d in deps) and deps:
            return tuple(deps)
    return _DEFAULT_DEPS


def _jobs(plan: Plan) -> list[tuple[str, tuple[str, ...] | None]]:
    """(session, matrix Pythons or None) for every default session except the final coverage."""
    skipped = set(plan.config.settings.skip)
    extra = plan.config.settings.ci.extra_sessions
    for name in extra:
        if name not in plan.sessions:
            known = ", ".join(plan.sessions)
            msg = f"[tool.noxkit.ci] extra-sessions names no session {name!r} (known: {known})"
            raise ConfigError(msg, path=str(plan.config.root / "pyproject.toml"))
    out: list[tuple[str, tuple[str, ...] | None]] = []
    for name, session in plan.sessions.items():
        wanted = session.default or name in extra
        if not wanted or name in skipped or name == "coverage":
            continue
        matrix = session.python if isinstance(session.python, tuple) else None
        out.append((name, matrix))
    return out


def _host_python(plan: Plan, session_python: tuple[str, ...] | str | None) -> str:
    """The Python a job sets up: the session's own, else the newest the project supports."""
    if isinstance(session_python, str):
        return session_python
    return plan.project.pythons[-1]


def _shell_word(text: str) -> str:
    """Quote for a POSIX shell, preferring double quotes (markers hold single quotes)."""
    if re.fullmatch(r"[\w.=<>,@/+-]+", text) and not re.search(r"[<>]", text):
        return text
    if not re.search(r'["$`\\!]', text):
        return f'"{text}"'
    return shlex.quote(text)


def _install_command(options: CiOptions) -> str:
    deps = [*options.noxfile_deps, *(["uv"] if "uv" not in options.noxfile_deps else [])]
    return "python -m pip install " + " ".join(_shell_word(d) for d in deps)


def _command_comment(provider: str, options: CiOptions) -> str:
    shards = f" --shards {options.shards}" if options.shards > 1 else ""
    return (
        f"# Generated by `noxkit ci {provider}{shards}` from the project's noxkit plan.\n"
        f"# Do not edit: change [tool.noxkit] and regenerate; "
        f"`noxkit ci {provider}{shards} --check` fails when this file is stale.\n"
    )


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON string syntax is valid YAML)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


# The run history (durations, reproducibility) lives in the output folder; CI keeps it per branch
# and job between runs, and uploads it with the run report and the HTML page.
_BRANCH = "${{ github.head_ref || github.ref_name }}"
_TRACKED = ("run-report.json", "report.html", "history.jsonl")


def _github_history(out_dir: str, job: str) -> list[str]:
    """Restore this branch's and job's history; save it again under a new key at the end."""
    prefix = f"noxkit-history-{_BRANCH}-{job}-"
    return [
        f"      - uses: {_ACTIONS['cache']}",
        "        with:",
        f"          path: {out_dir}/history.jsonl",
        f"          key: {prefix}${{{{ github.run_id }}}}-${{{{ github.run_attempt }}}}",
        f"          restore-keys: {prefix}",
    ]


def _github_report(out_dir: str, job: str) -> list[str]:
    return [
        f"      - uses: {_ACTIONS['upload']}",
        "        if: ${{ !cancelled() }}",
        "        with:",
        f"          name: run-report-{job}",
        "          path: |",
        *(f"            {out_dir}/{name}" for name in _TRACKED),
        "          if-no-files-found: ignore",
        "          retention-days: 7",
    ]


def github_workflow(plan: Plan, options: CiOptions) -> str:
    """The GitHub Actions workflow."""
    out_dir = plan.config.settings.output_dir.rstrip("/")
    cache_key_file = options.lock or "pyproject.toml"
    install = _install_command(options)
    lines = [
        _command_comment("github", options),
        "name: ci",
        "",
        "on:",
        "  push:",
        "    branches: [main]",
        "  pull_request:",
        "  workflow_dispatch:",
        "",
        "# Read-only by default; no job needs to write to the repository.",
        "permissions:",
        "  contents: read",
        "",
        "# A newer push to the same branch or pull request makes the running pipeline obsolete.",
        "concurrency:",
        "  group: ${{ github.workflow }}-${{ github.ref }}",
        "  cancel-in-progress: true",
        "",
        "env:",
        '  PIP_DISABLE_PIP_VERSION_CHECK: "1"',
        "",
        "jobs:",
    ]

    key_hash = f"${{{{ hashFiles('{cache_key_file}') }}}}"

    def setup(python: str) -> list[str]:
        return [
            f"      - uses: {_ACTIONS['checkout']}",
            "        with:",
            "          persist-credentials: false",
            f"      - uses: {_ACTIONS['setup-python']}",
            "        with:",
            f"          python-version: {python}",
            f"      - uses: {_ACTIONS['cache']}",
            "        with:",
            "          path: |",
            "            ~/.cache/pip",
            "            ~/.cache/uv",
            f"          key: noxkit-${{{{ runner.os }}}}-py{python.strip(_QUOTES)}-{key_hash}",
            "      - name: Install nox and uv",
            "        run: |",
            f"          {install}",
        ]

    needs: list[str] = []
    if options.lock:
        needs.append("lock")
        lines += [
            "  lock:",
            "    name: lock is fresh",
            "    runs-on: ubuntu-latest",
            "    steps:",
            *setup(_q(plan.project.pythons[-1])),
            "      - run: nox -s lock -- --check",
            "",
        ]
    for name, matrix in _jobs(plan):
        needs.append(name)
        lines += [f"  {name}:"]
        if options.lock:
            lines += ["    needs: [lock]"]
        if matrix is None:
            python = _q(_host_python(plan, plan.sessions[name].python))
            lines += [
                f"    name: {name}",
                "    runs-on: ubuntu-latest",
                "    steps:",
                *setup(python),
                *_github_history(out_dir, name),
                f"      - run: nox -s {name}",
                *_github_report(out_dir, name),
                "",
            ]
            continue
        shard_axis = options.shards > 1 and name == "tests"
        pythons = ", ".join(_q(p) for p in matrix)
        lines += [
            f"    name: {name} ${{{{ matrix.python }}}}"
            + (f" (shard ${{{{ matrix.shard }}}}/{options.shards})" if shard_axis else ""),
            "    runs-on: ubuntu-latest",
            "    strategy:",
            "      fail-fast: false",
            "      matrix:",
            f"        python: [{pythons}]",
        ]
        if shard_axis:
            shards = ", ".join(str(i) for i in range(1, options.shards + 1))
            lines += [f"        shard: [{shards}]"]
        artifact = f"noxkit-{name}-${{{{ matrix.python }}}}" + (
            "-shard${{ matrix.shard }}" if shard_axis else ""
        )
        job = f"{name}-${{{{ matrix.python }}}}" + ("-${{ matrix.shard }}" if shard_axis else "")
        lines += ["    steps:", *setup("${{ matrix.python }}"), *_github_history(out_dir, job)]
        lines += [f"      - run: nox -s {name}-${{{{ matrix.python }}}}"]
        if shard_axis:
            lines += [
                "        env:",
                f"          NOXKIT_SHARD: ${{{{ matrix.shard }}}}/{options.shards}",
            ]
        lines += [
            f"      - uses: {_ACTIONS['upload']}",
            "        if: ${{ !cancelled() }}",
            "        with:",
            f"          name: {artifact}",
            "          path: |",
            f"            {out_dir}/coverage/",
            f"            {out_dir}/junit/",
            "          include-hidden-files: true",
            "          if-no-files-found: warn",
            "          retention-days: 7",
            *_github_report(out_dir, job),
            "",
        ]
    needs_list = ", ".join(needs)
    lines += [
        "  coverage:",
        "    # The single required check: it fails when any job above failed or was cancelled.",
        "    name: coverage",
        "    if: ${{ !cancelled() }}",
        f"    needs: [{needs_list}]",
        "    runs-on: ubuntu-latest",
        "    steps:",
        "      - name: Every job passed",
        f"        if: ${{{{ {_ANY_JOB_NOT_PASSED} }}}}",
        "        run: exit 1",
        *setup(_q(_host_python(plan, None))),
        *_github_history(out_dir, "coverage"),
        f"      - uses: {_ACTIONS['download']}",
        "        with:",
        "          pattern: noxkit-*",
        f"          path: {out_dir}",
        "          merge-multiple: true",
        "      # --no-dependencies: combine the downloaded data, do not run the tests again.",
        "      - run: nox -s coverage --no-dependencies",
        f"      - uses: {_ACTIONS['upload']}",
        "        if: ${{ !cancelled() }}",
        "        with:",
        "          name: coverage-report",
        "          path: |",
        f"            {out_dir}/coverage.xml",
        f"            {out_dir}/htmlcov/",
        "          if-no-files-found: ignore",
        "          retention-days: 7",
        *_github_report(out_dir, "coverage"),
    ]
    return "\n".join(lines) + "\n"


_QUOTES = '"'
_ANY_JOB_NOT_PASSED = " || ".join(
    f"contains(needs.*.result, '{state}')" for state in ("failure", "cancelled", "skipped")
)


def gitlab_ci(plan: Plan, options: CiOptions) -> str:
    """The GitLab CI/CD configuration (``.gitlab-ci.yml``)."""
    out_dir = plan.config.settings.output_dir.rstrip("/")
    cache_key_file = options.lock or "pyproject.toml"
    newest = plan.project.pythons[-1]
    lines = [
        _command_comment("gitlab", options),
        "stages: [check, test, report]",
        "",
        "workflow:",
        "  # A newer pipeline on the same branch makes this one obsolete.",
        "  auto_cancel:",
        "    on_new_commit: interruptible",
        "",
        "default:",
        f"  image: python:{newest}",
        "  interruptible: true",
        "",
        "variables:",
        '  PIP_CACHE_DIR: "$CI_PROJECT_DIR/.cache/pip"',
        '  UV_CACHE_DIR: "$CI_PROJECT_DIR/.cache/uv"',
        '  PIP_DISABLE_PIP_VERSION_CHECK: "1"',
        "",
        ".noxkit:",
        "  before_script:",
        "    - |",
        f"      {_install_command(options)}",
        "  cache:",
        "    - key:",
        f"        files: [{cache_key_file}]",
        "        prefix: $CI_JOB_IMAGE",
        "      paths: [.cache/pip, .cache/uv]",
        "    # The run history, per branch and job, kept between pipelines.",
        "    - key: noxkit-history-$CI_COMMIT_REF_SLUG-$CI_JOB_NAME_SLUG",
        f"      paths: [{out_dir}/history.jsonl]",
        "      when: always",
        "",
    ]
    tracked = [f"      - {out_dir}/{name}" for name in _TRACKED]
    needs: list[str] = []
    if options.lock:
        needs.append("lock")
        lines += [
            "lock:",
            "  extends: .noxkit",
            "  stage: check",
            "  script:",
            "    - nox -s lock -- --check",
            "",
        ]
    for name, matrix in _jobs(plan):
        needs.append(name)
        lines += [f"{name}:", "  extends: .noxkit"]
        if matrix is None:
            python = _host_python(plan, plan.sessions[name].python)
            lines += [
                "  stage: check",
                f"  image: python:{python}",
                "  script:",
                f"    - nox -s {name}",
                "  artifacts:",
                "    when: always",
                "    expire_in: 1 week",
                "    paths:",
                *tracked,
                "    reports:",
                f"      codequality: {out_dir}/codequality/{name}.json",
                "",
            ]
            continue
        shard_axis = options.shards > 1 and name == "tests"
        pythons = ", ".join(_q(p) for p in matrix)
        lines += [
            "  stage: test",
            "  image: python:$PYTHON",
            "  parallel:",
            "    matrix:",
            f"      - PYTHON: [{pythons}]",
        ]
        if shard_axis:
            shards = ", ".join(_q(str(i)) for i in range(1, options.shards + 1))
            lines += [f"        SHARD: [{shards}]"]
        lines += ["  script:"]
        if shard_axis:
            lines += [f'    - export NOXKIT_SHARD="$SHARD/{options.shards}"']
        lines += [
            f"    - nox -s {name}-$PYTHON",
            "  artifacts:",
            "    when: always",
            "    expire_in: 1 week",
            "    paths:",
            f"      - {out_dir}/coverage/",
            f"      - {out_dir}/junit/",
            *tracked,
            "    reports:",
            f"      junit: {out_dir}/junit/*.xml",
            "",
        ]
    needs_list = ", ".join(needs)
    lines += [
        "coverage:",
        "  # The single required check: it runs only when every job above passed.",
        "  extends: .noxkit",
        "  stage: report",
        f"  needs: [{needs_list}]",
        "  script:",
        "    # --no-dependencies: combine the artifacts' data instead of running the tests again.",
        "    - nox -s coverage --no-dependencies",
        "  coverage: '/^TOTAL\\s.*\\s(\\d+(?:\\.\\d+)?)%$/'",
        "  artifacts:",
        "    when: always",
        "    expire_in: 1 week",
        "    paths:",
        f"      - {out_dir}/htmlcov/",
        *tracked,
        "    reports:",
        "      coverage_report:",
        "        coverage_format: cobertura",
        f"        path: {out_dir}/coverage.xml",
    ]
    return "\n".join(lines) + "\n"
