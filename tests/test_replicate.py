"""scripts/replicate.py (make replicate): choosing claims, the projection, the table, the page and its build."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import replicate as script
from _toy_claims import ALWAYS_AHEAD, COIN_FAIR, COIN_MAJORITY, TOY_CLAIMS

from course_lib.studies import replication as rp

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def toy_table() -> dict:
    """A table of the three toy claims as scripts/replicate.py writes it (3 sets each)."""
    rows, seconds = script.run(list(TOY_CLAIMS.values()), 3, {}, out=io.StringIO())
    return {
        "date": "2026-12-07 04:00 UTC",
        "cpu": "Toy CPU | model 9",
        "cores": 2,
        "versions": {"python": "3.11", "numpy": "2", "scipy": "1", "torch": "2"},
        "seconds": seconds,
        "commit": "abc1234",
        "partial": False,
        "replicated": list(TOY_CLAIMS),
        "rows": script.merge(None, rows, TOY_CLAIMS, full=True),
    }


# ---- choosing and timing -------------------------------------------------------------------------


def test_select_takes_claims_or_topics_and_can_leave_torch_out():
    torch_claim = rp.Claim(
        "other.net",
        "00_start_here §2",
        "s",
        COIN_FAIR.experiment,
        COIN_FAIR.predicate,
        COIN_FAIR.effect,
        notebook_seeds=(0,),
        needs_torch=True,
        register=False,
    )
    claims = {**TOY_CLAIMS, "other.net": torch_claim}
    assert [c.name for c in script.select(claims)] == list(claims)
    assert [c.name for c in script.select(claims, ["toy"])] == list(TOY_CLAIMS)
    assert [c.name for c in script.select(claims, ["toy.coin_fair", "other"])] == ["toy.coin_fair", "other.net"]
    assert "other.net" not in [c.name for c in script.select(claims, numpy_only=True)]
    with pytest.raises(ValueError, match=r"\['toy.nope'\] name no registered claim or topic; allowed: topics"):
        script.select(claims, ["toy.nope"])


def test_claims_that_share_runs_are_one_task_and_the_others_are_not():
    """Issue 19: claims reading the same cached runs replicate in one worker (they train once); claims with
    nothing in common run side by side (the two placements of notebook 06 §1, the decay claims)."""
    claims = rp.all_claims()
    group = {name: script._run_group(c) for name, c in claims.items()}
    assert group["choosing.lm_cooldown_drop"] == group["choosing.lm_cosine_with_wsd"]
    assert group["adaptive.schedule_helps_adamw"] == group["adaptive.sgd_cosine_lowest_loss"]
    assert len({group[n] for n in claims if n.startswith("choosing.") and n.split(".")[1] in COMPARISON}) == 1
    assert group["transformer.post_ln_needs_warmup"] != group["transformer.pre_ln_same_without_warmup"]
    assert group["transformer.post_ln_needs_warmup"] == group["transformer.post_ln_collapses_without_warmup"]
    assert group["decay.below_constant_floor"] != group["decay.helps_more_as_peak_grows"]
    student = {group[n] for n in ("clipping.adam_spike_survives_clipping", "warmup.adam_spike_without_warmup")}
    assert len(student) == 1  # across topics: both read warmup.student_run on the same fresh seeds
    assert script._run_group(COIN_FAIR) == "toy"  # by default, a claim's topic


COMPARISON = ("peak_over_shape", "tuning_curves", "rate_costs", "one_seed_ranking_differs", "one_cycle_not_better")


def test_projected_total_uses_the_previous_times_and_else_the_mean_so_far():
    n_sets = {"toy.coin_fair": 20, "toy.coin_majority": 10, "toy.always_ahead": 4}
    total, unknown = script.projected_total(
        5.0, 2.0, [COIN_MAJORITY, ALWAYS_AHEAD], n_sets, {"toy.coin_majority": 0.5, "toy.coin_fair": 1.5}
    )
    assert unknown == 1 and total == pytest.approx(5.0 + 2.0 + 0.5 * 10 + 1.0 * 4)  # mean of 0.5 and 1.5
    assert script.projected_total(1.0, 0.0, [], n_sets, {}) == (1.0, 0)


def test_run_prints_a_line_per_claim_with_its_time_and_the_projection(capsys):
    rows, seconds = script.run([COIN_FAIR, ALWAYS_AHEAD], 4, {})
    out = capsys.readouterr().out
    assert out.startswith("replicate: 2 claims, 8 fresh seed sets")
    assert "[1/2] toy.coin_fair" in out and "[2/2] toy.always_ahead" in out and out.count("projected") >= 4
    assert [r["claim"] for r in rows] == ["toy.coin_fair", "toy.always_ahead"] and seconds > 0
    assert rows[0]["held_by_set"] == "1111" and rows[0]["date"].endswith("UTC")
    assert rows[0]["min_sets"] == 10 and rows[1]["min_sets"] == 20  # 20 seeds a set: 200 in 10 sets


def test_a_claim_run_on_fewer_sets_than_the_issue_asks_is_marked_cut(toy_table):
    page = script.render(toy_table)  # 3 sets each: every toy claim is cut
    assert "3 claims ran on fewer fresh sets than the minimum" in page
    assert page.count("*cut*: the minimum is") == 3 and "*cut*: the minimum is 20)" in page


@pytest.mark.integration  # starts worker processes (about 20 s on a busy 2-core machine)
def test_jobs_run_claims_in_worker_processes_with_the_same_results(capsys):
    alone, _ = script.run([COIN_FAIR, ALWAYS_AHEAD], 3, {})
    together, _ = script.run([COIN_FAIR, ALWAYS_AHEAD], 3, {}, jobs=2, source="_toy_claims:TOY_CLAIMS")
    assert "2 jobs" in capsys.readouterr().out
    key = lambda rows: sorted((r["claim"], r["held_by_set"], r["effect_value"]) for r in rows)  # noqa: E731
    assert key(alone) == key(together)


def test_a_line_says_when_the_projection_is_over_the_budget():
    row = {
        "claim": "toy.x",
        "held": 9,
        "sets": 10,
        "rate": 0.9,
        "rate_low": 0.6,
        "rate_high": 0.98,
        "statement": "s",
        "seconds": 12.0,
    }
    assert script._line(1, 2, row, 60.0, 100.0).endswith("projected 1:40")
    assert script._line(1, 2, row, 60.0, 31 * 60).endswith("projected 31:00 (over the 30-min budget)")


def test_merge_replaces_rows_of_the_claims_run_and_a_full_run_keeps_no_other():
    old = {
        "rows": [
            {"claim": "toy.coin_fair", "where": "00_start_here §2", "v": "old"},
            {"claim": "toy.always_ahead", "where": "00_start_here §3", "v": "old"},
            {"claim": "toy.gone", "where": "00_start_here §3", "v": "old"},
        ]
    }
    new = [{"claim": "toy.coin_fair", "where": "00_start_here §2", "v": "new"}]
    partial = script.merge(old, new, TOY_CLAIMS, full=False)
    assert [(r["claim"], r["v"]) for r in partial] == [("toy.coin_fair", "new"), ("toy.always_ahead", "old")]
    assert [r["claim"] for r in script.merge(old, new, TOY_CLAIMS, full=True)] == ["toy.coin_fair"]


def test_rows_are_in_course_order():
    rows = [
        {"claim": "b", "where": "07_restarts §10"},
        {"claim": "a", "where": "07_restarts §3"},
        {"claim": "c", "where": "02_stochastic_gradients §2"},
        {"claim": "d", "where": "07_restarts §3.1"},
    ]
    assert [r["claim"] for r in sorted(rows, key=script.row_order)] == ["c", "a", "d", "b"]


def test_verdict_stands_restated_or_overstated():
    row = {"rate": 0.95, "statement": "X beats Y"}
    assert script.verdict(row) == "stands"
    assert script.verdict({**row, "rate": 0.6}) == "overstated"
    assert script.verdict({"rate": 0.6, "statement": "X beats Y on 60 % of 3-seed sets"}) == "restated"


def test_the_machine_and_the_code_are_described():
    assert script.cpu_model().strip() and script.core_count() >= 1
    v = script.versions()
    assert {"python", "numpy", "scipy", "torch"} <= set(v) and v["numpy"][0].isdigit()
    assert script.git_commit() != ""


# ---- the page -----------------------------------------------------------------------------------


def test_an_empty_table_renders_the_explanation_and_says_no_run_yet():
    page = script.render({"rows": []})
    assert page.startswith("# How sure are we?\n") and "fresh seed set" in page and "90 %" in page
    assert "No replication has been run yet" in page


def test_the_page_has_a_row_and_a_section_per_claim_with_date_cpu_and_run_time(toy_table):
    page = script.render(toy_table)
    assert "2026-12-07 04:00 UTC" in page and "Toy CPU \\| model 9 (2 cores)" in page and "Run time:" in page
    for name in TOY_CLAIMS:
        label = "replication-" + name.replace(".", "-").replace("_", "-")
        assert f"{{ref}}`{script._breakable(name)} <{label}>`" in page and f"({label})=" in page
        assert f"### {script._escape(name)}\n" in page
    assert "| {doc}`00 §2 <notebooks/00_start_here>` |" in page  # the table: short
    assert "**Where:** {doc}`00_start_here §2 <notebooks/00_start_here>`" in page  # each claim: in full
    table = [line for line in page.splitlines() if line.startswith("| {ref}")]
    assert len(table) == 3 and all(line.count(" | ") == 5 for line in table)  # six cells, no stray pipe
    assert "3 claims:" in page and "overstated" in page


def test_text_from_a_statement_cannot_break_the_markdown():
    assert script._escape("a | b *c* <d> [e] #f `g` $x$") == r"a \| b \*c\* \<d\> \[e\] \#f \`g\` $x$"
    assert script._escape("costs $5") == r"costs \$5"
    assert script._escape("two\n  lines") == "two lines"


def test_a_partial_run_says_which_rows_it_kept(toy_table):
    table = {**toy_table, "partial": True, "replicated": ["toy.coin_fair"]}
    table["rows"] = [
        {**r, "date": "2026-12-01 10:00 UTC"} if r["claim"] != "toy.coin_fair" else r for r in table["rows"]
    ]
    page = script.render(table)
    assert "This run replicated 1 claim of the 3" in page and "2 rows were kept from earlier runs" in page
    assert page.count("(kept from an earlier run)") == 2


def test_from_json_renders_the_stored_table_or_an_empty_page(tmp_path, toy_table, capsys):
    stored, page = tmp_path / "results.json", tmp_path / "page.md"
    assert script.main(["--from-json", "--json", str(stored), "--page", str(page)]) == 0
    assert "No replication has been run yet" in page.read_text(encoding="utf-8")
    stored.write_text(json.dumps(toy_table), encoding="utf-8")
    assert script.main(["--from-json", "--json", str(stored), "--page", str(page)]) == 0
    assert page.read_text(encoding="utf-8") == script.render(toy_table)
    assert "(3 claims)" in capsys.readouterr().out


def test_a_run_writes_the_table_with_its_machine_and_the_page(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(rp, "all_claims", lambda: dict(TOY_CLAIMS))
    stored, page = tmp_path / "results.json", tmp_path / "page.md"
    assert script.main(["--jobs", "1", "--sets", "2", "--json", str(stored), "--page", str(page)]) == 0
    table = json.loads(stored.read_text(encoding="utf-8"))
    assert {"date", "cpu", "cores", "versions", "seconds", "commit"} <= set(table) and not table["partial"]
    assert [r["claim"] for r in table["rows"]] == ["toy.coin_fair", "toy.always_ahead", "toy.coin_majority"]
    assert page.read_text(encoding="utf-8") == script.render(table)
    assert (
        script.main(
            ["--jobs", "1", "--only", "toy.coin_fair", "--sets", "3", "--json", str(stored), "--page", str(page)]
        )
        == 0
    )
    table = json.loads(stored.read_text(encoding="utf-8"))
    assert table["partial"] and len(table["rows"]) == 3
    assert {r["claim"]: r["sets"] for r in table["rows"]} == {
        "toy.coin_fair": 3,
        "toy.always_ahead": 2,
        "toy.coin_majority": 2,
    }
    assert "stand as written" in capsys.readouterr().out


@pytest.mark.parametrize("flag", ["--sets", "--jobs"])
def test_bad_arguments_are_named(capsys, flag):
    with pytest.raises(SystemExit):
        script.main([flag, "0", "--json", "/nonexistent/x.json"])
    assert f"{flag}: must be a whole number >= 1, got 0" in capsys.readouterr().err


@pytest.mark.integration
def test_the_page_builds_without_a_sphinx_warning(tmp_path, toy_table):
    """The toy table's page in a Sphinx project with the site's configuration (myst-nb, -W)."""
    src = tmp_path / "src"
    shutil.copytree(ROOT / "site", src, ignore=shutil.ignore_patterns("__pycache__", "*.md"))
    (src / "notebooks").mkdir()
    (src / "notebooks" / "00_start_here.md").write_text("# 00 · Start here (a stand-in)\n", encoding="utf-8")
    (src / "index.md").write_text(
        "# Home\n\n```{toctree}\nreplication\nnotebooks/00_start_here\n```\n", encoding="utf-8"
    )
    (src / "replication.md").write_text(script.render(toy_table), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html", str(src), str(tmp_path / "html")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    html = (tmp_path / "html" / "replication.html").read_text(encoding="utf-8")
    assert "<table" in html and html.count('href="notebooks/00_start_here.html"') >= 6
    for name in TOY_CLAIMS:
        assert f'id="replication-{name.replace(".", "-").replace("_", "-")}"' in html
    assert "{ref}" not in html and "{doc}" not in html and "How sure are we?" in html
