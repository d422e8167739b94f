"""Generate CI configuration that runs the same ``nox -s <session>`` commands as a laptop.

The configuration is derived from noxkit's plan, so it cannot drift from the sessions: one job
per default session and Python (and per shard), package downloads cached on the lock digest,
coverage data and JUnit uploaded, and a final ``coverage`` job that combines the data and is
the single check a branch protection rule needs. Pure: text in, text out; the output is
byte-for-byte stable so ``noxkit ci ... --check`` can compare it with the committed file.

What the pipeline runs is decided once, in :func:`ci_pipeline` (a :class:`CiPipeline` of
:class:`CiJob`); :func:`github_workflow` and :func:`gitlab_ci` only spell that model in their
provider's syntax, so the two providers cannot disagree on which jobs exist, what they run,
what they wait for or what they keep.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from packaging.requirements import InvalidRequirement, Requirement

from noxkit._config.toml import tomllib
from noxkit._errors import ConfigError
from noxkit._formats.shards import SHARD_ENV
from noxkit._version import __version__

ISOLATE_SETTING = "envs.isolate=true"
"""What the generated workflows put in ``NOXKIT_SET``: allow-list mode for every session."""

if TYPE_CHECKING:
    from noxkit._plan.plan import Plan

__all__ = [
    "ISOLATE_SETTING",
    "CiJob",
    "CiOptions",
    "CiPipeline",
    "ci_pipeline",
    "default_path",
    "github_workflow",
    "gitlab_ci",
    "lock_file",
    "noxfile_deps",
    "noxkit_install_spec",
    "render_github",
    "render_gitlab",
    "shards_of",
]

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
    return Path(path).as_posix() if plan.lockfile.is_file() else None


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


# The run history (durations, reproducibility) lives in the output folder; CI keeps it per branch
# and job between runs, and uploads it with the run report and the HTML page.
_TRACKED = ("run-report.json", "report.html", "history.jsonl")

Stage = Literal["check", "test", "report"]
"""When a job runs: checks first, then the test matrix, then the report that combines them."""


@dataclass(frozen=True)
class CiJob:
    """One CI job, in no provider's syntax: what it runs, on which Pythons, what it keeps.

    A job is either single (``pythons`` empty: one run on ``python``) or a matrix (one run per
    Python in ``pythons``, times ``shards`` when the tests are split). Paths are relative to the
    project and use the configured output folder.
    """

    name: str
    """The job's id; also the nox session it runs."""
    title: str
    """What the provider shows for the job, where it shows a name apart from the id."""
    stage: Stage
    nox_args: tuple[str, ...] = ()
    """What follows ``nox -s <session>``: the session's own options and posargs."""
    python: str | None = None
    """A single job's Python; None means the pipeline's default (:attr:`CiPipeline.python`)."""
    pythons: tuple[str, ...] = ()
    """A matrix job's Pythons, one run each; empty for a single job."""
    shards: int = 1
    """How many parts each matrix run's tests are split into; 1 means not split."""
    needs: tuple[str, ...] = ()
    """Jobs that must pass before this one starts."""
    keep: tuple[str, ...] = ()
    """Folders later jobs need (coverage data, JUnit): kept as the job's artifacts."""
    junit: str | None = None
    """JUnit XML files (a glob) the provider shows as test results."""
    codequality: str | None = None
    """The Code Quality report (findings as JSON) the provider shows on a merge request."""
    combines: bool = False
    """The final job: gathers every job's kept folders and is the one required check."""
    publish: tuple[str, ...] = ()
    """What a combining job leaves for people to read (the HTML coverage report)."""
    coverage_xml: str | None = None
    """The combined Cobertura XML report a combining job writes."""
    tracks: bool = False
    """Keeps noxkit's run history between runs (per branch and job) and uploads the run
    report, the HTML page and the history (see :attr:`CiPipeline.tracked`)."""

    @property
    def matrix(self) -> bool:
        """Whether the job runs once per Python (and shard) rather than once."""
        return bool(self.pythons)

    def command(self, python: str | None = None) -> str:
        """The shell command, for ``python`` (a matrix job's Python, in provider syntax)."""
        session = f"{self.name}-{python}" if python is not None else self.name
        return " ".join(["nox", "-s", session, *self.nox_args])

    def shard_value(self, shard: str) -> str:
        """``K/N`` for :data:`SHARD_ENV`, with ``shard`` (K) in provider syntax."""
        return f"{shard}/{self.shards}"


@dataclass(frozen=True)
class CiPipeline:
    """Every job of the pipeline, in order, and what all jobs share."""

    jobs: tuple[CiJob, ...]
    python: str
    """The default Python: the newest the project supports."""
    install: str
    """The shell command that installs what loads the noxfile (nox, uv, the noxfile's deps)."""
    cache_key_file: str
    """The file whose content keys the package-download cache: the lockfile, else pyproject."""
    output_dir: str
    """noxkit's output folder (relative, no trailing slash), where artifacts are collected."""
    shards: int = 1
    """The ``--shards`` the pipeline was generated with, for the regenerate command."""

    @property
    def history(self) -> str:
        """The run history file a tracking job keeps between runs."""
        return f"{self.output_dir}/history.jsonl"

    @property
    def tracked(self) -> tuple[str, ...]:
        """What a tracking job uploads: the run report, its HTML page and the history."""
        return tuple(f"{self.output_dir}/{name}" for name in _TRACKED)


def ci_pipeline(plan: Plan, options: CiOptions) -> CiPipeline:
    """The CI job list for ``plan``: computed once here, rendered by each provider.

    A lock check first (when there is a lockfile), then one job per default session (plus the
    configured extra sessions), and a final ``coverage`` job that needs all of them.
    """
    out_dir = plan.config.settings.output_dir.rstrip("/")
    first: tuple[str, ...] = ("lock",) if options.lock else ()
    jobs: list[CiJob] = []
    if options.lock:
        jobs.append(
            CiJob(name="lock", title="lock is fresh", stage="check", nox_args=("--", "--check"))
        )
    for name, matrix in _jobs(plan):
        if matrix is None:
            jobs.append(
                CiJob(
                    name=name,
                    title=name,
                    stage="check",
                    python=_host_python(plan, plan.sessions[name].python),
                    needs=first,
                    codequality=f"{out_dir}/codequality/{name}.json",
                    tracks=True,
                )
            )
            continue
        jobs.append(
            CiJob(
                name=name,
                title=name,
                stage="test",
                pythons=matrix,
                shards=options.shards if name == "tests" else 1,
                needs=first,
                keep=(f"{out_dir}/coverage/", f"{out_dir}/junit/"),
                junit=f"{out_dir}/junit/*.xml",
                tracks=True,
            )
        )
    jobs.append(
        CiJob(
            name="coverage",
            title="coverage",
            stage="report",
            # --no-dependencies: combine the gathered data, do not run the tests again.
            nox_args=("--no-dependencies",),
            needs=tuple(job.name for job in jobs),
            combines=True,
            # Every run's JUnit XML, gathered from the matrix, next to the HTML report.
            publish=(f"{out_dir}/htmlcov/", f"{out_dir}/junit/"),
            coverage_xml=f"{out_dir}/coverage.xml",
            tracks=True,
        )
    )
    return CiPipeline(
        jobs=tuple(jobs),
        python=plan.project.pythons[-1],
        install=_install_command(options),
        cache_key_file=options.lock or "pyproject.toml",
        output_dir=out_dir,
        shards=options.shards,
    )


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


def noxkit_install_spec(requirement: str, version: str = __version__) -> str:
    """The requirement CI installs for a noxfile dependency: noxkit pinned, others as written.

    CI must run the noxkit that generated its file, not whatever an index serves later:
    ``noxkit`` unpinned or with a range becomes ``noxkit==<this version>``. A source the
    noxfile names itself (``noxkit @ <url>``: a wheel, a git commit) or an exact ``==`` pin
    is the project's own choice and is kept, so one place (the noxfile's script block) points
    both ``uv run noxfile.py`` and CI at an unpublished noxkit.
    """
    try:
        req = Requirement(requirement)
    except InvalidRequirement:
        return requirement
    if req.name.lower() != "noxkit" or req.url:
        return requirement
    if any(spec.operator in {"==", "==="} for spec in req.specifier):
        return requirement
    marker = f"; {req.marker}" if req.marker else ""
    extras = f"[{','.join(sorted(req.extras))}]" if req.extras else ""
    return f"noxkit{extras}=={version}{marker}"


def _install_command(options: CiOptions) -> str:
    pinned = [noxkit_install_spec(d) for d in options.noxfile_deps]
    deps = [*pinned, *(["uv"] if "uv" not in options.noxfile_deps else [])]
    return "python -m pip install " + " ".join(_shell_word(d) for d in deps)


def _command_comment(provider: str, shards: int) -> str:
    flag = f" --shards {shards}" if shards > 1 else ""
    return (
        f"# Generated by `noxkit ci {provider}{flag}` from the project's noxkit plan.\n"
        f"# Do not edit: change [tool.noxkit] and regenerate; "
        f"`noxkit ci {provider}{flag} --check` fails when this file is stale.\n"
    )


_GENERATED_WITH = re.compile(r"^# Generated by `noxkit ci \w+(?: --shards (\d+))?`")


def shards_of(text: str) -> int | None:
    """The ``--shards`` a generated file was made with (from its first line); None if foreign.

    Regenerating or checking without ``--shards`` keeps the file's own, so the command
    noxkit suggests reproduces the file instead of dropping its sharding.
    """
    match = _GENERATED_WITH.match(text)
    if match is None:
        return None
    return int(match.group(1) or 1)


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON string syntax is valid YAML)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _document(head: list[str], jobs: list[list[str]]) -> str:
    """The whole file: the head, then each job's lines, one blank line between jobs."""
    lines = list(head)
    for job in jobs:
        lines += [*job, ""]
    return "\n".join(lines[:-1]) + "\n"


def github_workflow(plan: Plan, options: CiOptions) -> str:
    """The GitHub Actions workflow."""
    return render_github(ci_pipeline(plan, options))


def gitlab_ci(plan: Plan, options: CiOptions) -> str:
    """The GitLab CI/CD configuration (``.gitlab-ci.yml``)."""
    return render_gitlab(ci_pipeline(plan, options))


# GitHub Actions: no stages, so every job lists what it needs; a matrix job uploads what it
# keeps as one artifact per run, and the combining job downloads them all.

_GH_PYTHON = "${{ matrix.python }}"
_GH_SHARD = "${{ matrix.shard }}"
_ANY_JOB_NOT_PASSED = " || ".join(
    f"contains(needs.*.result, '{state}')" for state in ("failure", "cancelled", "skipped")
)


def render_github(pipeline: CiPipeline) -> str:
    """The model as a GitHub Actions workflow; translation only, no decision."""
    lines = [
        _command_comment("github", pipeline.shards),
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
        "  # Allow-list mode: the session tools see no secret of the runner's environment.",
        f'  NOXKIT_SET: "{ISOLATE_SETTING}"',
        "",
        "jobs:",
    ]
    return _document(lines, [_github_job(pipeline, job) for job in pipeline.jobs])


def _github_job(pipeline: CiPipeline, job: CiJob) -> list[str]:
    if job.combines:
        return _github_combining_job(pipeline, job)
    if job.matrix:
        return _github_matrix_job(pipeline, job)
    return _github_single_job(pipeline, job)


def _github_setup(pipeline: CiPipeline, python: str) -> list[str]:
    """Checkout, the Python (a quoted version or a matrix expression), the cache, nox."""
    key_hash = f"${{{{ hashFiles('{pipeline.cache_key_file}') }}}}"
    version = python.strip('"')
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
        f"          key: noxkit-${{{{ runner.os }}}}-py{version}-{key_hash}",
        "      - name: Install nox and uv",
        "        run: |",
        f"          {pipeline.install}",
    ]


_GH_BRANCH = "${{ github.head_ref || github.ref_name }}"


def _github_history(pipeline: CiPipeline, job: CiJob, key: str) -> list[str]:
    """Restore this branch's and job's history; save it again under a new key at the end."""
    if not job.tracks:
        return []
    prefix = f"noxkit-history-{_GH_BRANCH}-{key}-"
    return [
        f"      - uses: {_ACTIONS['cache']}",
        "        with:",
        f"          path: {pipeline.history}",
        f"          key: {prefix}${{{{ github.run_id }}}}-${{{{ github.run_attempt }}}}",
        f"          restore-keys: {prefix}",
    ]


def _github_report(pipeline: CiPipeline, job: CiJob, key: str) -> list[str]:
    """Upload the run report, its HTML page and the history, whatever the outcome."""
    if not job.tracks:
        return []
    return [
        f"      - uses: {_ACTIONS['upload']}",
        "        if: ${{ !cancelled() }}",
        "        with:",
        f"          name: run-report-{key}",
        "          path: |",
        *(f"            {path}" for path in pipeline.tracked),
        # The output folder is hidden (.nox/): upload-artifact leaves it out unless told.
        "          include-hidden-files: true",
        "          if-no-files-found: ignore",
        "          retention-days: 7",
    ]


def _github_needs(job: CiJob) -> list[str]:
    return [f"    needs: [{', '.join(job.needs)}]"] if job.needs else []


def _github_single_job(pipeline: CiPipeline, job: CiJob) -> list[str]:
    return [
        f"  {job.name}:",
        *_github_needs(job),
        f"    name: {job.title}",
        "    runs-on: ubuntu-latest",
        "    steps:",
        *_github_setup(pipeline, _q(job.python or pipeline.python)),
        *_github_history(pipeline, job, job.name),
        f"      - run: {job.command()}",
        *_github_report(pipeline, job, job.name),
    ]


def _github_matrix_job(pipeline: CiPipeline, job: CiJob) -> list[str]:
    sharded = job.shards > 1
    title = f"{job.title} {_GH_PYTHON}"
    if sharded:
        title += f" (shard {_GH_SHARD}/{job.shards})"
    lines = [
        f"  {job.name}:",
        *_github_needs(job),
        f"    name: {title}",
        "    runs-on: ubuntu-latest",
        "    strategy:",
        "      fail-fast: false",
        "      matrix:",
        f"        python: [{', '.join(_q(p) for p in job.pythons)}]",
    ]
    if sharded:
        lines += [f"        shard: [{', '.join(str(i) for i in range(1, job.shards + 1))}]"]
    key = f"{job.name}-{_GH_PYTHON}" + (f"-{_GH_SHARD}" if sharded else "")
    lines += [
        "    steps:",
        *_github_setup(pipeline, _GH_PYTHON),
        *_github_history(pipeline, job, key),
        f"      - run: {job.command(_GH_PYTHON)}",
    ]
    if sharded:
        lines += ["        env:", f"          {SHARD_ENV}: {job.shard_value(_GH_SHARD)}"]
    if job.keep:
        # One artifact per run, named so the combining job's ``noxkit-*`` pattern finds it.
        artifact = f"noxkit-{job.name}-{_GH_PYTHON}" + (f"-shard{_GH_SHARD}" if sharded else "")
        lines += [
            f"      - uses: {_ACTIONS['upload']}",
            "        if: ${{ !cancelled() }}",
            "        with:",
            f"          name: {artifact}",
            "          path: |",
            *(f"            {path}" for path in job.keep),
            "          include-hidden-files: true",
            "          if-no-files-found: warn",
            "          retention-days: 7",
        ]
    return [*lines, *_github_report(pipeline, job, key)]


def _github_combining_job(pipeline: CiPipeline, job: CiJob) -> list[str]:
    # It runs even when a needed job failed (``!cancelled()``), then fails itself, so a branch
    # protection rule can require this one job instead of every matrix entry.
    lines = [
        f"  {job.name}:",
        "    # The single required check: it fails when any job above failed or was cancelled.",
        f"    name: {job.title}",
        "    if: ${{ !cancelled() }}",
        *_github_needs(job),
        "    runs-on: ubuntu-latest",
        "    steps:",
        "      - name: Every job passed",
        f"        if: ${{{{ {_ANY_JOB_NOT_PASSED} }}}}",
        "        run: exit 1",
        *_github_setup(pipeline, _q(job.python or pipeline.python)),
        *_github_history(pipeline, job, job.name),
        f"      - uses: {_ACTIONS['download']}",
        "        with:",
        "          pattern: noxkit-*",
        f"          path: {pipeline.output_dir}",
        "          merge-multiple: true",
        "      # --no-dependencies: combine the downloaded data, do not run the tests again.",
        f"      - run: {job.command()}",
    ]
    reports = [*((job.coverage_xml,) if job.coverage_xml else ()), *job.publish]
    if reports:
        lines += [
            f"      - uses: {_ACTIONS['upload']}",
            "        if: ${{ !cancelled() }}",
            "        with:",
            f"          name: {job.name}-report",
            "          path: |",
            *(f"            {path}" for path in reports),
            "          include-hidden-files: true",
            "          if-no-files-found: ignore",
            "          retention-days: 7",
        ]
    return [*lines, *_github_report(pipeline, job, job.name)]


# GitLab CI: stages order the jobs, so only the combining job lists ``needs`` (which also
# names whose artifacts it downloads); a matrix job's artifacts are its kept folders.

_GL_PYTHON = "$PYTHON"
_GL_SHARD = "$SHARD"


def render_gitlab(pipeline: CiPipeline) -> str:
    """The model as a ``.gitlab-ci.yml``; translation only, no decision."""
    lines = [
        _command_comment("gitlab", pipeline.shards),
        "stages: [check, test, report]",
        "",
        "workflow:",
        "  # A newer pipeline on the same branch makes this one obsolete.",
        "  auto_cancel:",
        "    on_new_commit: interruptible",
        "",
        "default:",
        f"  image: python:{pipeline.python}",
        "  interruptible: true",
        "",
        "variables:",
        '  PIP_CACHE_DIR: "$CI_PROJECT_DIR/.cache/pip"',
        '  UV_CACHE_DIR: "$CI_PROJECT_DIR/.cache/uv"',
        '  PIP_DISABLE_PIP_VERSION_CHECK: "1"',
        f'  NOXKIT_SET: "{ISOLATE_SETTING}"',
        "",
        ".noxkit:",
        "  before_script:",
        "    - |",
        f"      {pipeline.install}",
        "  cache:",
        "    - key:",
        f"        files: [{pipeline.cache_key_file}]",
        "        prefix: $CI_JOB_IMAGE",
        "      paths: [.cache/pip, .cache/uv]",
        "    # The run history, per branch and job, kept between pipelines.",
        "    - key: noxkit-history-$CI_COMMIT_REF_SLUG-$CI_JOB_NAME_SLUG",
        f"      paths: [{pipeline.history}]",
        "      when: always",
        "",
    ]
    return _document(lines, [_gitlab_job(pipeline, job) for job in pipeline.jobs])


def _gitlab_job(pipeline: CiPipeline, job: CiJob) -> list[str]:
    tracked = pipeline.tracked if job.tracks else ()
    if job.combines:
        return _gitlab_combining_job(job, tracked)
    if job.matrix:
        return _gitlab_matrix_job(job, tracked)
    return _gitlab_single_job(job, tracked)


def _gitlab_single_job(job: CiJob, tracked: tuple[str, ...]) -> list[str]:
    lines = [f"{job.name}:", "  extends: .noxkit", f"  stage: {job.stage}"]
    if job.python is not None:
        lines += [f"  image: python:{job.python}"]
    lines += ["  script:", f"    - {job.command()}"]
    if job.codequality or tracked:
        lines += ["  artifacts:", "    when: always"]
        if tracked:
            lines += ["    expire_in: 1 week", "    paths:", *(f"      - {p}" for p in tracked)]
        if job.codequality:
            lines += ["    reports:", f"      codequality: {job.codequality}"]
    return lines


def _gitlab_matrix_job(job: CiJob, tracked: tuple[str, ...]) -> list[str]:
    sharded = job.shards > 1
    lines = [
        f"{job.name}:",
        "  extends: .noxkit",
        f"  stage: {job.stage}",
        f"  image: python:{_GL_PYTHON}",
        "  parallel:",
        "    matrix:",
        f"      - PYTHON: [{', '.join(_q(p) for p in job.pythons)}]",
    ]
    if sharded:
        shards = ", ".join(_q(str(i)) for i in range(1, job.shards + 1))
        lines += [f"        SHARD: [{shards}]"]
    lines += ["  script:"]
    if sharded:
        lines += [f'    - export {SHARD_ENV}="{job.shard_value(_GL_SHARD)}"']
    lines += [f"    - {job.command(_GL_PYTHON)}"]
    paths = (*job.keep, *tracked)
    if paths or job.junit:
        lines += ["  artifacts:", "    when: always", "    expire_in: 1 week"]
        if paths:
            lines += ["    paths:", *(f"      - {path}" for path in paths)]
        if job.junit:
            lines += ["    reports:", f"      junit: {job.junit}"]
    return lines


def _gitlab_combining_job(job: CiJob, tracked: tuple[str, ...]) -> list[str]:
    lines = [
        f"{job.name}:",
        "  # The single required check: it runs only when every job above passed.",
        "  extends: .noxkit",
        f"  stage: {job.stage}",
        f"  needs: [{', '.join(job.needs)}]",
        "  script:",
        "    # --no-dependencies: combine the artifacts' data instead of running the tests again.",
        f"    - {job.command()}",
        "  coverage: '/^TOTAL\\s.*\\s(\\d+(?:\\.\\d+)?)%$/'",
    ]
    paths = (*job.publish, *tracked)
    if paths or job.coverage_xml:
        lines += ["  artifacts:", "    when: always", "    expire_in: 1 week"]
        if paths:
            lines += ["    paths:", *(f"      - {path}" for path in paths)]
        if job.coverage_xml:
            lines += [
                "    reports:",
                "      coverage_report:",
                "        coverage_format: cobertura",
                f"        path: {job.coverage_xml}",
            ]
    return lines
