"""`cjtool value` (issue 22): BG/NBD and Gamma-Gamma against lifetimes on the CDNOW sample
(lifetimes is a test dependency; its copy of the data is read, not shipped), hand-worked
frequency / recency / T / monetary value, numerical stability against a slow Decimal
reference, discounting against a plain sum, outputs, pictures and errors."""

from __future__ import annotations

import importlib.util
import json
import math
import warnings
from datetime import date
from decimal import Decimal, getcontext
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from cjtool import api
from cjtool.analyses.value import CUSTOMER_COLUMNS, compute_value
from cjtool.errors import DataError, UsageError
from cjtool.model import load_model
from cjtool.stats import clv

# --------------------------------------------------------------------------- CDNOW via lifetimes


def _lifetimes():
    """lifetimes' module, imported with its pandas / pkg_resources warnings silenced (the
    suite turns warnings into errors; these are the reference's, not cjtool's)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", FutureWarning)
        warnings.simplefilter("ignore", UserWarning)
        import lifetimes
        import lifetimes.utils

    return lifetimes


def _lifetimes_data(name: str) -> Path:
    spec = importlib.util.find_spec("lifetimes")
    assert spec is not None and spec.submodule_search_locations, "lifetimes is a test dependency (pip install .[test])"
    return Path(next(iter(spec.submodule_search_locations))) / "datasets" / name


CDNOW_MODEL = """\
name: cdnow
stages:
  - id: purchase
    label: Purchase
    touchpoints: [purchase]
columns:
  customer_id: customer_id
  timestamp: timestamp
  touchpoint: touchpoint
  revenue: revenue
"""

# lifetimes' estimates on its CDNOW summary (NOTES.md; the paper: 0.243, 4.414, 0.793, 2.426)
LIFETIMES_BGNBD = {"r": 0.2426, "alpha": 4.4135, "a": 0.7929, "b": 2.4258}
LIFETIMES_GG = {"p": 6.2488, "q": 3.7446, "gamma": 15.4477}


@pytest.fixture(scope="module")
def cdnow(tmp_path_factory) -> tuple[Path, Path]:
    """(model, events CSV) of lifetimes' CDNOW_sample.txt: customer, date, spend."""
    folder = tmp_path_factory.mktemp("cdnow")
    rows = ["customer_id,timestamp,touchpoint,revenue"]
    for line in _lifetimes_data("CDNOW_sample.txt").read_text().splitlines():
        _, cust, day, _, spend = line.split()
        rows.append(f"{cust},{day[:4]}-{day[4:6]}-{day[6:]}T12:00:00,purchase,{spend}")
    events = folder / "cdnow.csv"
    events.write_text("\n".join(rows) + "\n", encoding="utf-8")
    model = folder / "cdnow.yaml"
    model.write_text(CDNOW_MODEL, encoding="utf-8")
    return model, events


@pytest.fixture(scope="module")
def cdnow_result(cdnow):
    model, events = cdnow
    return api.value([str(events)], load_model(str(model)), until="1997-09-30")


def _transactions_frame(events: Path):
    import pandas as pd

    df = pd.read_csv(events, dtype={"customer_id": str})
    df["date"] = pd.to_datetime(df["timestamp"]).dt.normalize()
    return df


def test_cdnow_summary_equals_lifetimes(cdnow, cdnow_result):
    """frequency / recency / T / monetary value as lifetimes' summary of the same
    transactions (days, /7), and its shipped summary (rounded to 2 decimals)."""
    lt = _lifetimes()
    _, events = cdnow
    df = _transactions_frame(events)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        summary = lt.utils.summary_data_from_transaction_data(
            df, "customer_id", "date", monetary_value_col="revenue", observation_period_end="1997-09-30"
        )
    ours = cdnow_result.customers
    assert ours.height == 2357 == len(summary)
    ref = summary.loc[ours["customer_id"].to_list()]
    np.testing.assert_array_equal(ours["frequency"].to_numpy(), ref["frequency"].to_numpy())
    np.testing.assert_allclose(ours["recency"].to_numpy(), ref["recency"].to_numpy() / 7, rtol=0, atol=1e-12)
    np.testing.assert_allclose(ours["T"].to_numpy(), ref["T"].to_numpy() / 7, rtol=0, atol=1e-12)
    np.testing.assert_allclose(ours["monetary_value"].to_numpy(), ref["monetary_value"].to_numpy(), rtol=1e-12)
    shipped = np.loadtxt(_lifetimes_data("cdnow_customers_summary_with_transactions.csv"), delimiter=",", skiprows=1)
    np.testing.assert_array_equal(ours["frequency"].to_numpy(), shipped[:, 1])
    for col, i in (("recency", 2), ("T", 3), ("monetary_value", 4)):
        np.testing.assert_allclose(ours[col].to_numpy(), shipped[:, i], rtol=0, atol=0.005 + 1e-9)


def test_cdnow_parameters_within_0_2_percent_of_lifetimes(cdnow_result):
    lt = _lifetimes()
    r, alpha, a, b = cdnow_result.bgnbd.params
    for name, ours in zip(("r", "alpha", "a", "b"), (r, alpha, a, b), strict=True):
        assert ours == pytest.approx(LIFETIMES_BGNBD[name], rel=0.002), name
    p, q, v = cdnow_result.gamma_gamma.params
    for name, ours in zip(("p", "q", "gamma"), (p, q, v), strict=True):
        assert ours == pytest.approx(LIFETIMES_GG[name], rel=0.002), name
    assert cdnow_result.bgnbd.converged and cdnow_result.gamma_gamma.converged
    assert cdnow_result.bgnbd.log_likelihood == pytest.approx(-9582.4, abs=0.1)  # the paper's
    # and lifetimes fitting the same customers now, within 0.2% too
    c = cdnow_result.customers
    x, t_x, T, m = (c[k].to_numpy() for k in ("frequency", "recency", "T", "monetary_value"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        bg = lt.BetaGeoFitter().fit(x, t_x, T)
        gg = lt.GammaGammaFitter().fit(x[x > 0], m[x > 0])
    np.testing.assert_allclose([r, alpha, a, b], bg.params_[["r", "alpha", "a", "b"]].to_numpy(), rtol=0.002)
    np.testing.assert_allclose([p, q, v], gg.params_[["p", "q", "v"]].to_numpy(), rtol=0.002)


def test_cdnow_per_customer_equals_lifetimes_formulas(cdnow_result):
    """p_alive, expected purchases over 39 weeks and expected spend: lifetimes' own
    formulas at cjtool's parameters, every customer, to 1e-6."""
    import pandas as pd

    lt = _lifetimes()
    c = cdnow_result.customers
    x, t_x, T, m = (c[k].to_numpy() for k in ("frequency", "recency", "T", "monetary_value"))
    bg = lt.BetaGeoFitter()
    bg.params_ = pd.Series(cdnow_result.bgnbd.params, index=["r", "alpha", "a", "b"])
    gg = lt.GammaGammaFitter()
    gg.params_ = pd.Series(cdnow_result.gamma_gamma.params, index=["p", "q", "v"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        alive = bg.conditional_probability_alive(x, t_x, T)
        purchases = bg.conditional_expected_number_of_purchases_up_to_time(39, x, t_x, T)
        spend = gg.conditional_expected_average_profit(pd.Series(x), pd.Series(m)).to_numpy()
    np.testing.assert_allclose(c["p_alive"].to_numpy(), alive, rtol=1e-6, atol=1e-12)
    np.testing.assert_allclose(c["expected_purchases"].to_numpy(), purchases, rtol=1e-6, atol=1e-12)
    np.testing.assert_allclose(c["expected_spend"].to_numpy(), spend, rtol=1e-6, atol=1e-12)
    np.testing.assert_allclose(c["clv"].to_numpy(), purchases * spend, rtol=1e-6, atol=1e-12)


def test_cdnow_holdout_equals_lifetimes(cdnow, cdnow_result):
    """Holdout: transactions 1997-10-01 .. 1998-06-30 against the prediction for 39 weeks
    (lifetimes' calibration_and_holdout_data and conditional expectation)."""
    import pandas as pd

    lt = _lifetimes()
    _, events = cdnow
    df = _transactions_frame(events)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cal = lt.utils.calibration_and_holdout_data(
            df, "customer_id", "date", calibration_period_end="1997-09-30", observation_period_end="1998-06-30"
        )
        bg = lt.BetaGeoFitter()
        bg.params_ = pd.Series(cdnow_result.bgnbd.params, index=["r", "alpha", "a", "b"])
        predicted = bg.conditional_expected_number_of_purchases_up_to_time(
            cal["duration_holdout"] / 7, cal["frequency_cal"], cal["recency_cal"] / 7, cal["T_cal"] / 7
        )
    h = cdnow_result.holdout
    assert h.length == 39.0 == cal["duration_holdout"].iloc[0] / 7
    assert h.total_actual == int(cal["frequency_holdout"].sum()) == 1882
    assert h.total_predicted == pytest.approx(float(predicted.sum()), rel=1e-9)
    assert sum(h.customers) == 2357
    by = cal.assign(f=np.minimum(cal["frequency_cal"], 6)).groupby("f")
    np.testing.assert_allclose(h.actual, by["frequency_holdout"].mean().to_numpy(), rtol=1e-12)
    assert h.frequency == [0, 1, 2, 3, 4, 5, 6]


# --------------------------------------------------------------------------- hand-worked cases

SMALL_MODEL = """\
name: shop
timezone: Asia/Shanghai
stages:
  - id: visit
    label: Visit
    touchpoints: [visit]
  - id: buy
    label: Buy
    touchpoints: [order]
"""


def _shop(tmp_path: Path, rows: list[str], *, revenue: bool = True, model: str = SMALL_MODEL) -> tuple[Path, Path]:
    m = tmp_path / "shop.yaml"
    m.write_text(model, encoding="utf-8")
    e = tmp_path / "events.csv"
    header = "customer_id,timestamp,touchpoint" + (",revenue" if revenue else "")
    e.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return m, e


def _filler(n: int, revenue: bool = True) -> list[str]:
    """``n`` customers F000.. buying from 2025-07-01 to 2026-02-18 (Shanghai), at rates
    and with dropouts of their own (a fixed seed), so that the models are identified."""
    rng = np.random.default_rng(11)
    rows = []
    for i in range(n):
        rate, dropout, day = rng.gamma(0.8, 1 / 10), rng.beta(1, 4), int(rng.integers(0, 60))
        while day <= 232:
            money = f",{rng.gamma(5, 4):.2f}" if revenue else ""
            when = date(2025, 7, 1).toordinal() + day
            rows.append(f"F{i:03d},{date.fromordinal(when).isoformat()}T02:00:00Z,order{money}")
            if rng.random() < dropout:
                break
            day += 1 + int(rng.exponential(1 / rate))
    return rows


def test_hand_worked_frequency_recency_T_monetary(tmp_path):
    """Customer A buys 2026-01-01 at 09:00 and 23:00 Shanghai time (UTC 01:00 and 15:00:
    one calendar day there, one transaction of 10 + 5), again 2026-01-08 (20) and
    2026-01-22 (30), and after --until 2026-01-29 on 2026-02-05 (holdout). The UTC
    2026-01-14T17:00Z purchase of B is 2026-01-15 in Shanghai."""
    rows = [
        "A,2026-01-01T01:00:00Z,order,10",
        "A,2026-01-01T15:00:00Z,order,5",
        "A,2026-01-01T16:30:00Z,visit,",  # not a purchase: no revenue value
        "A,2026-01-08T03:00:00Z,order,20",
        "A,2026-01-22T03:00:00Z,order,30",
        "A,2026-02-05T03:00:00Z,order,99",
        "B,2026-01-01T03:00:00Z,order,7",
        "B,2026-01-14T17:00:00Z,order,3",
        "C,2026-01-29T15:59:00Z,order,4",  # 23:59 on the 29th in Shanghai: calibration
        "D,2026-01-29T16:00:00Z,order,4",  # 00:00 on the 30th: after --until
        *_filler(200),
    ]
    m, e = _shop(tmp_path, rows)
    result = api.value([str(e)], load_model(str(m)), until="2026-01-29")
    c = {row["customer_id"]: row for row in result.customers.to_dicts()}
    a, b, cc = c["A"], c["B"], c["C"]
    assert (a["frequency"], a["recency"], a["T"]) == (2, 3.0, 4.0)
    assert a["monetary_value"] == 25.0  # (20 + 30) / 2: the first transaction (15) is not a repeat
    assert (b["frequency"], b["recency"], b["T"], b["monetary_value"]) == (1, 2.0, 4.0, 3.0)
    assert (cc["frequency"], cc["recency"], cc["T"], cc["monetary_value"]) == (0, 0.0, 0.0, 0.0)
    assert "D" not in c and result.later_customers == 1
    assert a["holdout"] == 1 and result.holdout is not None
    day = api.value([str(e)], load_model(str(m)), until="2026-01-29", unit="day", horizon="14d")
    a = next(r for r in day.customers.to_dicts() if r["customer_id"] == "A")
    assert (a["frequency"], a["recency"], a["T"]) == (2, 21.0, 28.0)
    assert day.horizon == 14.0
    # the same purchases with a UTC model: A's two first purchases are still one day (UTC
    # 01:00 and 15:00), B's second is on the 14th
    utc = api.value([str(e)], load_model(str(m)).with_overrides(timezone="UTC"), until="2026-01-29", unit="day")
    b = next(r for r in utc.customers.to_dicts() if r["customer_id"] == "B")
    assert b["recency"] == 13.0


def test_until_defaults_to_the_last_day_and_no_holdout(tmp_path):
    rows = _filler(200)
    m, e = _shop(tmp_path, rows)
    result = api.value([str(e)], load_model(str(m)))
    assert result.until == max(date.fromisoformat(r.split(",")[1][:10]) for r in rows)  # 10:00 in Shanghai
    assert result.holdout is None


def test_no_revenue_leaves_gamma_gamma_null(tmp_path):
    """Without a revenue column: the last stage's touchpoints are the purchases; no
    Gamma-Gamma, and monetary value, expected spend and CLV are null."""
    rows = [*_filler(200, revenue=False), "V,2026-01-02T02:00:00Z,visit", "V,2026-01-09T02:00:00Z,visit"]
    m, e = _shop(tmp_path, rows, revenue=False)
    result = api.value([str(e)], load_model(str(m)))
    d = result.to_dict()
    assert d["gamma_gamma"] is None
    assert all(row["clv"] is None and row["expected_spend"] is None for row in d["customers"])
    assert all(row["monetary_value"] is None for row in d["customers"])
    assert "V" not in {row["customer_id"] for row in d["customers"]}  # visits are not purchases
    assert all(row["p_alive"] is not None for row in d["customers"])


def test_purchase_touchpoints_option(tmp_path):
    """--purchase picks the events; a day with several is one transaction of their sum."""
    rows = [*_filler(200), "V,2026-01-02T02:00:00Z,visit,", "V,2026-01-09T02:00:00Z,visit,"]
    m, e = _shop(tmp_path, rows)
    result = api.value([str(e)], load_model(str(m)), purchase=["visit", "order"])
    ids = set(result.customers["customer_id"].to_list())
    assert "V" in ids
    v = next(r for r in result.customers.to_dicts() if r["customer_id"] == "V")
    assert (v["frequency"], v["monetary_value"]) == (1, 0.0)  # a visit has no revenue: 0
    with pytest.raises(DataError, match="no event has this touchpoint"):
        api.value([str(e)], load_model(str(m)), purchase=["nope"])


# --------------------------------------------------------------------------- numerical stability

getcontext().prec = 80


def _reference_expected(r, alpha, a, b, t, x, t_x, T) -> float:
    """Fader, Hardie & Lee (2005) eq. 10 as printed, in 80-digit Decimal arithmetic: the
    hypergeometric series summed term by term, no transformation."""
    D = Decimal
    A, B, C = D(r) + x, D(b) + x, D(a) + D(b) + x - 1
    z = D(t) / (D(alpha) + D(T) + D(t))
    total, term, n = D(0), D(1), 0
    while n < 10 or abs(term) > total * D("1e-60"):
        total += term
        term *= (A + n) * (B + n) / ((C + n) * (n + 1)) * z
        n += 1
    second = 1 - total * ((D(alpha) + D(T)) / (D(alpha) + D(T) + D(t))) ** A
    first = C / (D(a) - 1)
    denominator = 1 + (x > 0) * (D(a) / (D(b) + x - 1)) * ((D(alpha) + D(T)) / (D(alpha) + D(t_x))) ** A
    return float(first * second / denominator)


@pytest.mark.parametrize(
    ("x", "t_x", "T", "t"),
    [
        (500, 520.0, 521.4, 39.0),  # 500 purchases, ten years in weeks
        (500, 400.0, 521.4, 52.0),
        (300, 3600.0, 3650.0, 365.0),  # ten years in days
        (2, 30.0, 3650.0, 365.0),
        (0, 0.0, 521.4, 39.0),
        (150, 150.0, 160.0, 520.0),  # a horizon far beyond the customer's age
    ],
)
def test_expected_purchases_stable_for_heavy_and_old_customers(x, t_x, T, t):
    params = (0.2426, 4.4135, 0.7929, 2.4258)
    ours = float(clv.expected_purchases(*params, t, x, t_x, T))
    assert math.isfinite(ours)
    assert ours == pytest.approx(_reference_expected(*params, t, x, t_x, T), rel=1e-9, abs=1e-300)
    alive = float(clv.p_alive(*params, x, t_x, T))
    assert 0.0 <= alive <= 1.0
    ll = clv.bgnbd_log_likelihood(*params, np.array([x]), np.array([t_x]), np.array([T]))
    assert np.all(np.isfinite(ll))


def test_fit_with_heavy_customers_and_ten_years(tmp_path):
    """Synthetic BG/NBD customers over ten years (weeks), some with hundreds of
    transactions: the fit converges and finds the parameters the data were drawn from."""
    rng = np.random.default_rng(7)
    n, T = 20000, 521.0
    true = (0.8, 6.0, 0.5, 8.0)
    x, t_x = _simulate(rng, n, T, *true)
    x[:5], t_x[:5] = 500, 520.0  # a few very heavy buyers
    fit = clv.fit_bgnbd(x, t_x, np.full(n, T))
    assert fit.converged and fit.identified
    assert fit.params == pytest.approx(true, rel=0.15)
    p = clv.p_alive(*fit.params, x, t_x, np.full(n, T))
    e = clv.expected_purchases(*fit.params, 52.0, x, t_x, np.full(n, T))
    assert np.all(np.isfinite(p)) and np.all(np.isfinite(e)) and np.all(e >= 0)


def _simulate(rng, n: int, T: float, r: float, alpha: float, a: float, b: float):
    """BG/NBD's story: purchase rate ~ Gamma(r, alpha), dropout chance ~ Beta(a, b) after
    each purchase; frequency and recency over [0, T] from a first purchase at 0."""
    lam = rng.gamma(r, 1 / alpha, n)
    p = rng.beta(a, b, n)
    x, t_x = np.zeros(n), np.zeros(n)
    for i in range(n):
        t, k = 0.0, 0
        while True:
            t += rng.exponential(1 / lam[i])
            if t > T:
                break
            k, last = k + 1, t
            t_x[i] = last
            if rng.random() < p[i]:
                break
        x[i] = k
    return x, t_x


def test_gamma_gamma_recovers_parameters():
    rng = np.random.default_rng(3)
    p, q, v = 6.0, 4.0, 15.0
    n = 20000
    x = rng.integers(1, 30, n).astype(float)
    nu = rng.gamma(q, 1 / v, n)
    m = rng.gamma(p * x, 1 / (nu * x))  # the mean of x Gamma(p, nu) values
    fit = clv.fit_gamma_gamma(x, m)
    assert fit.converged
    assert fit.params == pytest.approx((p, q, v), rel=0.1)


def test_discounted_clv_equals_a_plain_sum(cdnow_result):
    """--discount 0.1 a year, weeks: each week's expected purchases discounted at its end."""
    c = cdnow_result.customers.head(50)
    x, t_x, T = (c[k].to_numpy() for k in ("frequency", "recency", "T"))
    params = cdnow_result.bgnbd.params
    weekly = 1.1 ** (7 / 365) - 1
    ours = clv.discounted_purchases(*params, 10.5, weekly, x, t_x, T)
    for i in range(len(x)):
        total, before = 0.0, 0.0
        for step in [*range(1, 11), 10.5]:
            now = float(clv.expected_purchases(*params, step, x[i], t_x[i], T[i]))
            total += (now - before) / (1 + weekly) ** step
            before = now
        assert ours[i] == pytest.approx(total, rel=1e-12)
    assert np.all(ours < clv.expected_purchases(*params, 10.5, x, t_x, T) + 1e-15)


# --------------------------------------------------------------------------- identification


def test_too_few_customers_is_an_error(tmp_path, cli):
    m, e = _shop(tmp_path, _filler(5))
    r = cli("value", e, "-m", m)
    assert r.exit_code == 4
    assert r.stderr.startswith("cjtool: error: BG/NBD cannot be identified from 5 customers")
    assert "Traceback" not in r.stderr


def test_no_repeats_is_an_error(tmp_path, cli):
    rows = [f"N{i:02d},2026-01-0{1 + i % 5}T02:00:00Z,order,5" for i in range(20)]
    m, e = _shop(tmp_path, rows)
    r = cli("value", e, "-m", m)
    assert r.exit_code == 4
    assert "none of the 20 customers made a repeat transaction" in r.stderr
    with pytest.raises(DataError):
        api.value([str(e)], load_model(str(m)))


def test_short_calibration_window_warns(cdnow, cli):
    model, events = cdnow
    r = cli("value", events, "-m", model, "--until", "1997-03-15", "-f", "json")
    assert r.exit_code == 0
    assert "cjtool: warning: the calibration period is 74 days (under 91)" in r.stderr
    zh = cli("value", events, "-m", model, "--until", "1997-03-15", "-f", "json", "--lang", "zh")
    assert "校准期仅 74 天" in zh.stderr
    full = cli("value", events, "-m", model, "--until", "1997-09-30", "-f", "json")
    assert full.stderr == ""


def test_degenerate_data_warns_and_stays_finite(tmp_path, cli):
    """Every customer buys at the same pace and nobody drops out: the maximum lies at the
    model's edge (parameters towards 0 or infinity). A warning names them; every number
    of the output is finite (the quadrature takes over where 2F1 fails)."""
    rows = []
    for i in range(40):
        rows += [f"H{i:02d},2026-01-{d:02d}T02:00:00Z,order,5" for d in (1 + i % 3, 8 + i % 3, 15 + i % 3)]
    m, e = _shop(tmp_path, rows)
    r = cli("value", e, "-m", m, "-f", "json")
    assert r.exit_code == 0, r.stderr
    assert "BG/NBD: the fit goes to the model's edge (" in r.stderr
    d = json.loads(r.stdout)  # strict JSON: a NaN would not parse
    for row in d["customers"]:
        assert all(math.isfinite(row[k]) for k in CUSTOMER_COLUMNS[1:])
        assert row["p_alive"] == pytest.approx(1.0, abs=1e-6)


# --------------------------------------------------------------------------- CLI and outputs


def test_json_keys_exactly_and_deterministic(cdnow, cli, cdnow_result):
    model, events = cdnow
    r = cli("value", events, "-m", model, "--until", "1997-09-30", "-f", "json")
    assert r.exit_code == 0, r.stderr
    d = json.loads(r.stdout)
    assert list(d) == ["schema", "unit", "until", "horizon", "bgnbd", "gamma_gamma", "customers"]
    assert d["schema"] == "cjtool.value/1" and d["unit"] == "week" and d["until"] == "1997-09-30"
    assert d["horizon"] == 39.0
    assert list(d["bgnbd"]) == ["r", "alpha", "a", "b", "log_likelihood"]
    assert list(d["gamma_gamma"]) == ["p", "q", "gamma"]
    assert list(d["customers"][0]) == CUSTOMER_COLUMNS
    assert d == json.loads(json.dumps(cdnow_result.to_dict()))
    again = cli("value", events, "-m", model, "--until", "1997-09-30", "-f", "json")
    assert again.stdout == r.stdout


def test_csv_and_parquet_per_customer(cdnow, cli, tmp_path, cdnow_result):
    model, events = cdnow
    out = tmp_path / "v.csv"
    r = cli("value", events, "-m", model, "--until", "1997-09-30", "-o", out)
    assert r.exit_code == 0, r.stderr
    table = pl.read_csv(out, schema_overrides={"customer_id": pl.String})
    assert table.columns == CUSTOMER_COLUMNS and table.height == 2357
    np.testing.assert_allclose(table["clv"].to_numpy(), cdnow_result.customers["clv"].to_numpy(), rtol=1e-15)
    pq = tmp_path / "v.parquet"
    assert cli("value", events, "-m", model, "--until", "1997-09-30", "-o", pq).exit_code == 0
    back = pl.read_parquet(pq)
    assert back.columns == CUSTOMER_COLUMNS
    assert back.equals(cdnow_result.customers.select(CUSTOMER_COLUMNS))


def test_terminal_summary_english_and_chinese(cdnow, cli):
    model, events = cdnow
    r = cli("value", events, "-m", model, "--until", "1997-09-30", "--top", "3", env={"COLUMNS": "140"})
    assert r.exit_code == 0, r.stderr
    out = r.stdout
    for text in ("Customer lifetime value", "2,357 customers", "BG/NBD", "r 0.2426", "Gamma-Gamma", "converged in"):
        assert text in out
    assert "Holdout (39 weeks after 1997-09-30): 1,882 repeat purchases" in out
    assert "Top customers by CLV" in out and "0509" in out  # CDNOW's most valuable customer
    assert "At risk" in out and "1901" in out  # 21 repeats, p_alive ~0
    zh = cli(
        "value", events, "-m", model, "--until", "1997-09-30", "--top", "3", "--lang", "zh", env={"COLUMNS": "140"}
    )
    assert zh.exit_code == 0
    allowed = {"BG", "NBD", "Gamma", "alpha", "gamma", "CLV", "p", "alive", "T", "r", "a", "b", "q"}  # p_alive
    words = {w for w in __import__("re").findall(r"[A-Za-z]+", zh.stdout)}
    assert words <= allowed, words - allowed
    assert "客户生命周期价值" in zh.stdout and "流失风险" in zh.stdout


def test_pictures_in_a_new_folder(cdnow, cli, tmp_path):
    from cjtool.render import value_png

    model, events = cdnow
    folder = tmp_path / "deep" / "pics"
    r = cli("value", events, "-m", model, "--until", "1997-09-30", "--png-dir", folder, "-f", "json")
    assert r.exit_code == 0, r.stderr
    assert sorted(p.name for p in folder.iterdir()) == [value_png.HOLDOUT_FILE, value_png.MATRIX_FILE]
    assert (folder / value_png.MATRIX_FILE).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    result = api.value([str(events)], load_model(str(model)), until="1997-09-30")
    fig = value_png.holdout_figure(result, "zh")
    ax = fig.axes[0]
    actual, predicted = (line.get_ydata() for line in ax.get_lines()[:2])
    assert list(actual) == result.holdout.actual and list(predicted) == result.holdout.predicted
    assert ax.get_xlabel() == "校准期内的复购次数"
    assert [t.get_text() for t in ax.get_xticklabels()][-1] == "6+"
    fig = value_png.matrix_figure(result, "en")
    image = fig.axes[0].get_images()[0].get_array()
    assert image.shape == (30, 39)  # frequency 0..29, recency 0..38 weeks
    assert image[0, 5] == 1.0 and image[29, 0] < 1e-6


def test_until_after_the_data_warns(cdnow, cli):
    model, events = cdnow
    r = cli("value", events, "-m", model, "--until", "1998-12-31", "-f", "json")
    assert r.exit_code == 0
    assert "--until 1998-12-31 is after the data's last day (1998-06-30)" in r.stderr
    assert json.loads(r.stdout)["customers"][0]["T"] == pytest.approx((date(1998, 12, 31) - date(1997, 1, 1)).days / 7)


def test_no_holdout_picture_without_later_transactions(cdnow, cli, tmp_path):
    model, events = cdnow
    folder = tmp_path / "pics"
    r = cli("value", events, "-m", model, "--png-dir", folder, "-f", "csv", "-o", tmp_path / "v.csv")
    assert r.exit_code == 0
    assert [p.name for p in folder.iterdir()] == ["p_alive_matrix.png"]
    assert "no transactions after --until 1998-06-30" in r.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--horizon", "soon"], "--horizon 'soon': expected a positive duration such as 39w or 90d"),
        (["--horizon", "-3w"], "--horizon '-3w'"),
        (["--until", "30/09/1997"], "--until '30/09/1997': expected a date (1997-09-30)"),
        (["--until", "1990-01-01"], "--until 1990-01-01: before the first transaction (1997-01-01)"),
        (["--discount", "-0.1"], "--discount -0.1: expected a rate of 0 or more a year"),
        (["-f", "xml"], "--format 'xml': not a format"),
        (["-o", "v.png"], "-o v.png: -o writes table, json, csv, parquet, not pictures"),
        (["--unit", "month"], "--unit"),
    ],
)
def test_usage_errors(cdnow, cli, args, message):
    model, events = cdnow
    r = cli("value", events, "-m", model, *args)
    assert r.exit_code == 2, r.stderr
    assert message in r.stderr
    assert r.stderr.count("\n") == 1 and "Traceback" not in r.stderr


def test_unknown_purchase_touchpoint_exit_4(cdnow, cli):
    model, events = cdnow
    r = cli("value", events, "-m", model, "--purchase", "refund")
    assert r.exit_code == 4
    assert r.stderr == (
        "cjtool: error: --purchase refund: no event has this touchpoint; "
        "give a touchpoint of the events (cjtool map lists them)\n"
    )


def test_png_dir_that_is_a_file(cdnow, cli, tmp_path):
    model, events = cdnow
    f = tmp_path / "file"
    f.write_text("x")
    r = cli("value", events, "-m", model, "--png-dir", f)
    assert r.exit_code == 2 and "a file of that name is in the way" in r.stderr


def test_png_dir_that_cannot_be_made(cdnow, cli, tmp_path):
    model, events = cdnow
    blocker = tmp_path / "file"
    blocker.write_text("x")
    r = cli("value", events, "-m", model, "--png-dir", blocker / "pics", "-f", "json")
    assert r.exit_code == 5
    assert r.stderr.startswith(f"cjtool: error: --png-dir {blocker / 'pics'}: cannot make the folder")
    assert r.stdout == ""


def test_compute_value_rejects_a_bad_unit(cdnow):
    model, events = cdnow
    j = api.journeys([str(events)], load_model(str(model)))
    with pytest.raises(UsageError):
        compute_value(j, unit="month")


# --------------------------------------------------------------------------- on the journey


def test_quadrature_fallback_equals_the_series(monkeypatch):
    """a and b in the thousands (dropout nearly the same for all): scipy's 2F1 fails and
    the quadrature over the Beta takes over, equal to the Decimal series to 1e-7."""
    params = (0.11, 0.6, 8000.0, 2000.0)
    x, t_x, T = np.array([0.0, 3.0, 20.0]), np.array([0.0, 4.0, 10.0]), np.array([5.0, 6.0, 12.0])
    ours = clv.expected_purchases(*params, 39.0, x, t_x, T)
    for i in range(3):
        ref = _reference_expected(*params, 39.0, int(x[i]), t_x[i], T[i])
        assert ours[i] == pytest.approx(ref, rel=1e-7)
    # and where 2F1 works, the quadrature agrees with it
    cdnow = (0.2426, 4.4135, 0.7929, 2.4258)
    direct = clv.expected_purchases(*cdnow, 39.0, x, t_x, T) / clv.p_alive(*cdnow, x, t_x, T)
    by_quadrature = clv._expected_by_quadrature(*cdnow, np.full(3, 39.0), x, T)
    np.testing.assert_allclose(by_quadrature, direct, rtol=1e-6)


def test_by_segment_mean_clv_and_welch(cdnow, tmp_path, cli):
    """--by a customer-file column: mean p_alive / expected purchases / CLV per segment
    from the per-customer values, and Welch's t-test against the baseline (scipy)."""
    from scipy import stats as sps

    model, events = cdnow
    result = api.value([str(events)], load_model(str(model)), until="1997-09-30")
    ids = result.customers["customer_id"].to_list()
    arms = ["A" if int(i) % 3 else "B" for i in ids]
    file = tmp_path / "arms.csv"
    file.write_text("customer_id,arm\n" + "\n".join(f"{i},{a}" for i, a in zip(ids, arms, strict=True)) + "\n")
    by = api.value(
        [str(events)], load_model(str(model)), until="1997-09-30", by="arm", baseline="A", customer_file=str(file)
    )
    seg = {s.name: s for s in by.segments.segments}
    assert set(seg) == {"A", "B"}
    values = result.customers.with_columns(pl.Series("arm", arms))
    for name, s in seg.items():
        part = values.filter(pl.col("arm") == name)
        assert s.customers == part.height
        assert s.clv == pytest.approx(part["clv"].mean(), rel=1e-12)
        assert s.total_clv == pytest.approx(part["clv"].sum(), rel=1e-12)
        assert s.p_alive == pytest.approx(part["p_alive"].mean(), rel=1e-12)
    assert seg["A"].test is None
    a = values.filter(pl.col("arm") == "A")["clv"].to_numpy()
    b = values.filter(pl.col("arm") == "B")["clv"].to_numpy()
    ref = sps.ttest_ind(b, a, equal_var=False)
    assert seg["B"].test.p_value == pytest.approx(ref.pvalue, rel=1e-9)
    assert seg["B"].test.diff == pytest.approx(b.mean() - a.mean(), rel=1e-12)
    assert seg["B"].test.p_adjusted == seg["B"].test.p_value  # one comparison: Holm changes nothing
    r = cli(
        "value",
        events,
        "-m",
        model,
        "--until",
        "1997-09-30",
        "--by",
        "arm",
        "--customers",
        file,
        "--baseline",
        "A",
        "-f",
        "json",
    )
    assert r.exit_code == 0, r.stderr
    d = json.loads(r.stdout)
    assert list(d)[-3:] == ["by", "baseline", "segments"]
    assert [s["segment"] for s in d["segments"]] == ["A", "B"]
    assert d["segments"][1]["test"]["p_value"] == pytest.approx(ref.pvalue, rel=1e-9)
    table = cli(
        "value",
        events,
        "-m",
        model,
        "--until",
        "1997-09-30",
        "--by",
        "arm",
        "--customers",
        file,
        "--baseline",
        "A",
        env={"COLUMNS": "160"},
    )
    assert "Value by arm, against A" in table.stdout
    bad = cli("value", events, "-m", model, "--by", "arm", "--customers", file, "--baseline", "C")
    assert bad.exit_code == 2 and "--baseline C: not a value of arm; values: A, B" in bad.stderr
    alone = cli("value", events, "-m", model, "--baseline", "A")
    assert alone.exit_code == 2 and "--baseline is for --by" in alone.stderr


def test_customers_value_columns(cdnow, cli, tmp_path):
    """`cjtool customers --value`: p_alive and clv as `cjtool value` (its defaults) gives
    them, by customer; null for a customer without a purchase."""
    model, events = cdnow
    extra = tmp_path / "visitor.csv"
    extra.write_text("customer_id,timestamp,touchpoint,revenue\nZZZZ,1998-01-01T12:00:00,purchase,\n")
    out = tmp_path / "c.csv"
    r = cli("customers", events, extra, "-m", model, "--value", "-o", out, "-q")
    assert r.exit_code == 0, r.stderr
    table = pl.read_csv(out, schema_overrides={"customer_id": pl.String})
    assert table.columns[-2:] == ["p_alive", "clv"]
    result = api.value([str(events), str(extra)], load_model(str(model)))
    joined = table.join(result.customers, on="customer_id", how="inner", suffix="_v")
    assert joined.height == result.customers.height == 2357
    np.testing.assert_allclose(joined["p_alive"].to_numpy(), joined["p_alive_v"].to_numpy(), rtol=1e-15)
    np.testing.assert_allclose(joined["clv"].to_numpy(), joined["clv_v"].to_numpy(), rtol=1e-15)
    z = table.filter(pl.col("customer_id") == "ZZZZ")
    assert z["p_alive"][0] is None and z["clv"][0] is None
    spark = cli("customers", events, "-m", model, "--value", "--engine", "spark", "-o", tmp_path / "parts")
    assert spark.exit_code == 2 and "--value needs the whole run" in spark.stderr


def test_benchmark_simulation_is_recovered():
    """The benchmark's simulated customers (20k here): the fit finds the true parameters."""
    import runpy

    bench = runpy.run_path(str(Path(__file__).resolve().parent.parent / "benchmarks" / "value_fit.py"))
    x, t_x, T, m = bench["simulate"](20000)
    fit = clv.fit_bgnbd(x, t_x, T)
    assert fit.converged and fit.params == pytest.approx(bench["TRUE_BGNBD"], rel=0.15)
    gg = clv.fit_gamma_gamma(x[(x > 0) & (m > 0)], m[(x > 0) & (m > 0)])
    assert gg.converged and gg.params == pytest.approx(bench["TRUE_GG"], rel=0.2)


def test_hostile_customer_ids(tmp_path, cli):
    """An id with an escape sequence, a newline and a formula: one clean line in the
    terminal, a neutralised cell in CSV, the exact id in JSON."""
    hostile = '"=HYPERLINK(""x"")\x1b[31m\nred"'
    days = ("2025-07-02", "2025-07-03", "2025-07-05", "2025-07-06")  # then silent: valuable, at risk
    rows = [*_filler(200), *(f"{hostile},{d}T02:00:00Z,order,900" for d in days)]
    m, e = _shop(tmp_path, rows)
    r = cli("value", e, "-m", m, "-q", env={"COLUMNS": "200"})
    assert r.exit_code == 0, r.stderr
    assert "\x1b" not in r.stdout and '=HYPERLINK("x")' in r.stdout
    assert not any(line.startswith("red") for line in r.stdout.splitlines())
    out = tmp_path / "v.csv"
    assert cli("value", e, "-m", m, "-q", "-o", out).exit_code == 0
    table = pl.read_csv(out, schema_overrides={"customer_id": pl.String})
    # the CSV shows the id's control characters as escapes (cjtool.safe_text), formula-guarded
    assert '\'=HYPERLINK("x")\\u001b[31m\\nred' in table["customer_id"].to_list()
    d = json.loads(cli("value", e, "-m", m, "-q", "-f", "json").stdout)
    assert '=HYPERLINK("x")\x1b[31m\nred' in {c["customer_id"] for c in d["customers"]}


def test_terminal_without_revenue(tmp_path, cli):
    """No revenue: customers ranked by expected purchases, at risk by frequency, no spend."""
    m, e = _shop(tmp_path, _filler(200, revenue=False), revenue=False)
    r = cli("value", e, "-m", m, "-q", "--top", "3", env={"COLUMNS": "160"})
    assert r.exit_code == 0, r.stderr
    assert "Top customers by expected purchases" in r.stdout
    assert "Gamma-Gamma: not fitted (no revenue values)" in r.stdout
    assert "transactions: events of the last stage" in r.stdout
    result = api.value([str(e)], load_model(str(m)))
    from cjtool.analyses.value import at_risk

    risky = at_risk(result, 3)
    repeat = result.customers.filter(pl.col("frequency") > 0)
    assert risky.height > 0
    assert (risky["p_alive"] < 0.5).all()
    assert (risky["frequency"] >= repeat["frequency"].quantile(0.75, "lower")).all()
    assert risky["customer_id"][0] in r.stdout
