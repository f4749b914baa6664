"""The committed replication table (replication/results.json, site/replication.md) covers every claim.

``make replicate`` writes the table; this test holds it to the registry: every registered claim has a
row with its current place and statement, and a claim that holds on fewer than 90 % of fresh sets is
worded with its measured rate (:func:`course_lib.studies.replication.worded_with_rate`). After adding or
changing a claim, run ``scripts/replicate.py --only <name>`` (or ``make replicate``) and commit both files.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import replicate as script

from course_lib.studies.replication import STANDS_AT, all_claims, worded_with_rate

ROOT = Path(__file__).resolve().parent.parent
TABLE = json.loads((ROOT / "replication" / "results.json").read_text(encoding="utf-8"))
ROWS = {r["claim"]: r for r in TABLE.get("rows", [])}
CLAIMS = all_claims()
RERUN = (
    "run `python scripts/replicate.py --only {}` (or make replicate) and commit replication/ and site/replication.md"
)


def test_every_registered_claim_has_a_row():
    missing = sorted(set(CLAIMS) - set(ROWS))
    assert not missing, f"claims without a row in the replication table: {missing}; " + RERUN.format(" ".join(missing))


def test_every_row_is_a_registered_claim_as_it_is_stated_now():
    gone = sorted(set(ROWS) - set(CLAIMS))
    assert not gone, f"rows of claims no longer registered: {gone}; run make replicate (a full run drops them)"
    stale = [
        n
        for n in sorted(set(ROWS) & set(CLAIMS))
        if (ROWS[n]["where"], ROWS[n]["statement"]) != (CLAIMS[n].where, CLAIMS[n].statement)
    ]
    assert not stale, f"rows whose claim has moved or been reworded since it was replicated: {stale}; " + RERUN.format(
        " ".join(stale)
    )


@pytest.mark.parametrize("name", sorted(n for n, r in ROWS.items() if r["rate"] < STANDS_AT))
def test_a_claim_under_90_percent_is_worded_with_its_rate(name):
    row = ROWS[name]
    statement = CLAIMS[name].statement if name in CLAIMS else row["statement"]
    assert worded_with_rate(statement), (
        f"{name} held on {row['held']} of {row['sets']} fresh sets ({100 * row['rate']:.0f} %, 95 % interval "
        f"{100 * row['rate_low']:.0f}–{100 * row['rate_high']:.0f} %), under {100 * STANDS_AT:.0f} %, but its "
        f"statement does not say how often it holds: {statement!r}. Restate it with the measured rate "
        "(a percentage) or as an average ('on average over 200 seeds, ...'), and assert only what is true"
    )


def test_the_table_says_when_where_and_how_long():
    if not ROWS:
        pytest.skip("no replication run yet")
    for key in ("date", "cpu", "cores", "seconds", "commit"):
        assert TABLE.get(key) not in (None, ""), f"replication/results.json has no {key!r}"
    assert {"numpy", "scipy", "torch"} <= set(TABLE["versions"])


def test_the_page_is_the_table_rendered():
    page = (ROOT / "site" / "replication.md").read_text(encoding="utf-8")
    assert page == script.render(TABLE), (
        "site/replication.md differs from replication/results.json: run python scripts/replicate.py --from-json"
    )
