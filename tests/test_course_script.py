"""course.py, the set-up and launch script, as a learner meets it (pip and JupyterLab faked).

* The first install says which step of how many it is on and lets pip show its downloads and
  progress bars (no ``--quiet``); building the course's metadata prints no deprecation wall.
* ``course.py lab`` opens ``my-notebooks/``, the learner's own git-ignored copy of the notebooks:
  copied once, never overwritten, so ``git pull`` never conflicts; ``course.py reset NAME`` puts
  one notebook back and keeps the learner's version beside it.
* The lab it starts opens clean: no news toast, no update check, no restored tabs (one kernel).
* One setting chooses the Chinese edition: ``course.py lab --lang zh`` (or ``COURSE_LANG=zh_CN``)
  copies notebooks/zh_CN into my-notebooks/zh_CN, opens its 00 and gives the kernels COURSE_LANG.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture()
def fake_pip(course, monkeypatch):
    """Every command course.py would run, recorded instead of run; ``venv`` commands create the venv."""
    calls: list[list[str]] = []

    def run(cmd, **kwargs):
        cmd = [str(c) for c in cmd]
        calls.append(cmd)
        if cmd[1:3] == ["-m", "venv"]:
            python = course.venv_python(Path(cmd[3]))
            python.parent.mkdir(parents=True)
            python.write_text("")
        return 0

    monkeypatch.setattr(course, "_run", run)
    return calls


def test_first_install_names_each_step_and_shows_pips_progress(course, fake_pip, tmp_path, capsys):
    course.setup(tmp_path / "venv")
    out = capsys.readouterr().out
    steps = re.findall(r"step (\d) of (\d): (.*)", out)
    assert [(int(i), int(n)) for i, n, _ in steps] == [(i, 5) for i in range(1, 6)], out
    verbs = [what.split()[0] for _, _, what in steps]
    assert verbs == ["creating", "upgrading", "installing", "installing", "installing"]
    assert "PyTorch" in steps[2][2] and re.search(r"installing \d{2,} packages from requirements.lock", steps[3][2])
    assert "progress bar" in out and "a few hundred MB" in out
    pips = [c for c in fake_pip if c[1:4] == ["-m", "pip", "install"]]
    assert len(pips) == 4
    assert not [c for c in pips if "--quiet" in c or "-q" in c], "pip --quiet hides the download progress bar"
    # The venv holds the lab's settings (no news toast) and server config afterwards.
    settings = json.loads((tmp_path / "venv/share/jupyter/lab/settings/overrides.json").read_text())
    assert settings["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"


def test_an_installed_venv_is_not_reinstalled_and_says_nothing(course, fake_pip, tmp_path, capsys):
    course.setup(tmp_path / "venv", torch=False)
    capsys.readouterr()
    fake_pip.clear()
    course.setup(tmp_path / "venv", torch=False)
    assert fake_pip == [] and capsys.readouterr().out == ""


def test_without_torch_there_are_four_steps(course, fake_pip, tmp_path, capsys):
    course.setup(tmp_path / "venv", torch=False)
    assert re.findall(r"step \d of (\d)", capsys.readouterr().out) == ["4"] * 4


def test_building_the_course_prints_no_license_deprecation(tmp_path):
    """setuptools warned twice per install ("project.license as a TOML table is deprecated"): PEP 639 form."""
    pytest.importorskip("setuptools")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, tmp_path / name)
    (tmp_path / "out").mkdir()
    done = subprocess.run(
        [sys.executable, "-c", "from setuptools import build_meta as b; b.prepare_metadata_for_build_editable('out')"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "deprecat" not in (done.stdout + done.stderr).lower(), done.stderr[-2000:]
    metadata = next((tmp_path / "out").glob("*.dist-info/METADATA")).read_text()
    assert "License-Expression: MIT" in metadata


def _notebooks(folder: Path, *names: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / name).write_text(json.dumps({"course": name}))
    return folder


def test_the_working_copy_is_made_once_and_never_overwritten(course, tmp_path):
    source = _notebooks(tmp_path / "notebooks", "00_a.ipynb", "01_b.ipynb")
    mine = tmp_path / "my-notebooks"
    assert course.working_copy(source, mine) == ["00_a.ipynb", "01_b.ipynb"]
    (mine / "01_b.ipynb").write_text("my work")
    _notebooks(source, "02_c.ipynb")  # the course gains a notebook (git pull)
    (source / "01_b.ipynb").write_text("the course's new version")
    assert course.working_copy(source, mine) == ["02_c.ipynb"]
    assert (mine / "01_b.ipynb").read_text() == "my work"


def test_reset_puts_the_course_version_back_and_keeps_the_learners(course, tmp_path):
    source = _notebooks(tmp_path / "notebooks", "05_warmup.ipynb")
    mine = tmp_path / "my-notebooks"
    course.working_copy(source, mine)
    (mine / "05_warmup.ipynb").write_text("my work")
    kept = course.reset("05_warmup", source, mine)
    assert (mine / "05_warmup.ipynb").read_text() == (source / "05_warmup.ipynb").read_text()
    assert kept is not None and kept.parent == mine and kept.read_text() == "my work"
    assert kept.name.startswith("05_warmup.mine-") and kept.suffix == ".ipynb"
    assert course.reset("my-notebooks/05_warmup.ipynb", source, mine) is not None  # a path works too
    (mine / "05_warmup.ipynb").unlink()
    assert course.reset("05_warmup.ipynb", source, mine) is None  # a deleted copy comes back
    with pytest.raises(FileNotFoundError, match="05_warmup"):
        course.reset("3_warmup", source, mine)


def test_reset_from_the_command_line(course, tmp_path, monkeypatch, capsys):
    source = _notebooks(tmp_path / "notebooks", "05_warmup.ipynb")
    monkeypatch.setattr(course, "ROOT", tmp_path)
    monkeypatch.setattr(course, "WORKING_COPY", tmp_path / "my-notebooks")
    monkeypatch.setattr(course.reset, "__defaults__", (source, tmp_path / "my-notebooks"))
    assert course.main(["reset", "05_warmup"]) == 0
    assert "my-notebooks/05_warmup.ipynb is the course's version again" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        course.main(["reset", "nope"])
    assert "has no notebook 'nope'" in capsys.readouterr().err


def test_the_working_copy_is_git_ignored_and_the_readme_explains_it(course):
    assert "my-notebooks/" in (ROOT / ".gitignore").read_text().splitlines()
    assert course.WORKING_COPY == ROOT / "my-notebooks"
    readme = (ROOT / "README.md").read_text()
    for needed in ("Ctrl+C", "python course.py reset", "my-notebooks/", "git pull"):
        assert needed in readme, needed


def test_the_lab_opens_the_working_copy_with_no_restored_tabs(course, tmp_path):
    (tmp_path / "share/jupyter/lab/course-workspaces").mkdir(parents=True)
    (tmp_path / "share/jupyter/lab/course-workspaces/default.jupyterlab-workspace").write_text("{}")
    workspaces = course.fresh_workspaces(tmp_path)
    assert list(workspaces.iterdir()) == []
    cmd = course.lab_command(Path("python"), 8888, tmp_path / "mine", workspaces)
    assert f"--ServerApp.root_dir={tmp_path / 'mine'}" in cmd
    assert "--LabApp.default_url=/lab/tree/00_start_here.ipynb" in cmd
    assert f"--LabApp.workspaces_dir={workspaces}" in cmd


def test_the_server_config_turns_off_news_and_update_checks(course, tmp_path):
    config = json.loads(course.write_server_config(tmp_path).read_text())
    assert config["LabApp"] == {"news_url": None, "check_for_updates_class": "jupyterlab.NeverCheckForUpdate"}
    (tmp_path / "overrides.json").write_text(json.dumps({"x:y": {"a": 1}}))
    settings = json.loads(course.write_lab_settings(tmp_path).read_text())
    assert settings["x:y"] == {"a": 1}  # a learner's own overrides stay
    assert settings["@jupyterlab/apputils-extension:notification"] == {"fetchNews": "false", "checkForUpdates": False}


def test_one_setting_chooses_the_chinese_edition(course, tmp_path, monkeypatch):
    assert [course.edition(x) for x in ("zh", "zh_CN", "ZH-cn", "en", None, "")] == ["zh_CN"] * 3 + ["en"] * 3
    with pytest.raises(ValueError, match="lang='fr'.*en or zh"):
        course.edition("fr")
    chosen = []
    monkeypatch.setattr(course, "lab", lambda port, torch, projector=False, lang="en": chosen.append(lang) or 0)
    monkeypatch.delenv("COURSE_LANG", raising=False)
    assert course.main(["lab", "--lang", "zh"]) == 0 and course.main(["lab"]) == 0
    monkeypatch.setenv("COURSE_LANG", "zh_CN")
    assert course.main(["lab"]) == 0 and course.main(["lab", "--lang", "en"]) == 0
    assert chosen == ["zh_CN", "en", "zh_CN", "en"]
    with pytest.raises(SystemExit):
        course.main(["lab", "--lang", "fr"])


def test_the_chinese_lab_opens_its_own_copy_with_course_lang_for_the_kernels(course, tmp_path):
    english = _notebooks(tmp_path / "notebooks", "00_start_here.ipynb", "01_b.ipynb")
    _notebooks(english / "zh_CN", "00_start_here.ipynb")
    mine = tmp_path / "my-notebooks"
    copied, first = course.edition_copies("zh_CN", tmp_path, mine)
    assert first == "zh_CN/00_start_here.ipynb" and (mine / first).is_file()
    assert copied == ["00_start_here.ipynb", "01_b.ipynb", "zh_CN/00_start_here.ipynb"]  # untranslated: English beside
    assert course.edition_copies("en", tmp_path, mine) == ([], "00_start_here.ipynb")
    assert course.lab_env("zh_CN", {"PATH": "x"}) == {"PATH": "x", "COURSE_LANG": "zh_CN"}
    assert course.lab_env("en", {"COURSE_LANG": "zh_CN"})["COURSE_LANG"] == "en"
    cmd = course.lab_command(Path("python"), 8888, mine, None, first)
    assert "--LabApp.default_url=/lab/tree/zh_CN/00_start_here.ipynb" in cmd
    # the real course: the Chinese notebook 00 exists, is what the lab opens, and selects Chinese for course_lib
    nb = json.loads((ROOT / "notebooks" / "zh_CN" / "00_start_here.ipynb").read_text(encoding="utf-8"))
    assert 'use_language("zh_CN")' in "".join(nb["cells"][0]["source"])


def test_the_readme_names_the_chinese_edition(course):
    english_part = (ROOT / "README.md").read_text().split("## For contributors")[0]
    assert "python course.py lab --lang zh" in english_part
