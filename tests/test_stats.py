"""cjtool.stats against scipy.stats, hand-worked examples and brute-force references.

One section per test type. Hand-worked numbers are derived in the comments beside them.
"""

from __future__ import annotations

import json
import math
import random
from fractions import Fraction

import numpy as np
import pytest
from scipy import stats as sps

from cjtool.stats import (
    Z95,
    SequentialTest,
    TwoSampleTest,
    adjust,
    benjamini_hochberg,
    conversion_probability,
    holm,
    nps_test,
    odds_ratio_test,
    proportion_test,
    removal_effects,
    sequential_means,
    sequential_proportions,
    srm_test,
    transition_counts,
    verdict,
    welch_test,
)
from cjtool.stats.sequential import rho_squared, sequential_interval

SPEC15_KEYS = [
    "a",
    "b",
    "n_a",
    "n_b",
    "diff",
    "lift",
    "ci95",
    "test",
    "p_value",
    "p_adjusted",
    "significant",
    "lift_ci95",
]


def approx(x: float, rel: float = 1e-12, abs_: float = 1e-15):
    return pytest.approx(x, rel=rel, abs=abs_)


# ---------------------------------------------------------------- proportions (SPEC 10)


def test_proportions_hand_worked_z():
    # 30/100 vs 45/100: pooled 0.375, se = sqrt(.375 * .625 * .02) = 0.0684653,
    # z = 0.15 / se = 2.19089, p = 0.028460; Wald half-width 1.96 * sqrt(.0021 + .002475)
    t = proportion_test(30, 100, 45, 100)
    assert t.test == "z"
    assert (t.a, t.b, t.diff) == (0.3, 0.45, approx(0.15))
    assert t.lift == approx(0.5)
    assert t.p_value == pytest.approx(0.028460, abs=1e-6)
    assert t.ci95 == (approx(0.15 - Z95 * math.sqrt(0.004575)), approx(0.15 + Z95 * math.sqrt(0.004575)))
    assert t.ci95[0] == pytest.approx(0.017430, abs=1e-6)


def test_proportions_lady_tasting_tea_uses_fisher():
    # Fisher's table [[3, 1], [1, 3]]: P = (1 + 16 + 16 + 1) / 70 = 0.4857
    t = proportion_test(3, 4, 1, 4)
    assert t.test == "fisher"
    assert t.p_value == approx(34 / 70)


def test_proportions_fisher_threshold_is_five_on_every_cell():
    assert proportion_test(5, 10, 5, 10).test == "z"
    assert proportion_test(4, 10, 5, 10).test == "fisher"  # x < 5
    assert proportion_test(5, 10, 6, 10).test == "fisher"  # n - x = 4 < 5 on B
    assert proportion_test(50, 100, 96, 100).test == "fisher"
    assert proportion_test(50, 100, 95, 100).test == "z"


def test_proportions_against_scipy_random():
    rng = random.Random(7)
    for _ in range(300):
        n_a, n_b = rng.randint(1, 400), rng.randint(1, 400)
        x_a, x_b = rng.randint(0, n_a), rng.randint(0, n_b)
        t = proportion_test(x_a, n_a, x_b, n_b)
        table = [[x_a, n_a - x_a], [x_b, n_b - x_b]]
        if t.test == "fisher":
            assert t.p_value == approx(sps.fisher_exact(table).pvalue)
        else:
            # the pooled z-test is the uncorrected chi-square test of the 2x2 table
            assert t.p_value == approx(sps.chi2_contingency(table, correction=False).pvalue, rel=1e-9)
            pooled = (x_a + x_b) / (n_a + n_b)
            z = t.diff / math.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
            assert t.p_value == approx(2 * sps.norm.sf(abs(z)), rel=1e-9)
        pa, pb = x_a / n_a, x_b / n_b
        half = sps.norm.ppf(0.975) * math.sqrt(pa * (1 - pa) / n_a + pb * (1 - pb) / n_b)
        assert t.ci95 == (approx(pb - pa - half, abs_=1e-12), approx(pb - pa + half, abs_=1e-12))


def test_proportions_n_zero_keeps_the_object_with_null_statistics():
    t = proportion_test(0, 0, 5, 10)
    d = t.to_dict()
    assert list(d) == SPEC15_KEYS
    assert d["a"] is None and d["b"] == 0.5 and d["n_a"] == 0 and d["n_b"] == 10
    assert all(d[k] is None for k in ("diff", "lift", "ci95", "test", "p_value", "p_adjusted", "lift_ci95"))
    assert d["significant"] is False
    assert proportion_test(3, 10, 0, 0).to_dict()["p_value"] is None


def test_proportions_pooled_rate_zero_or_one_goes_to_fisher_with_p_one():
    for t in (proportion_test(0, 50, 0, 80), proportion_test(50, 50, 80, 80)):
        assert t.test == "fisher" and t.p_value == 1.0 and t.diff == 0 and t.ci95 == (0.0, 0.0)


def test_proportions_lift_null_when_baseline_rate_is_zero():
    assert proportion_test(0, 20, 3, 20).lift is None


def test_proportions_reject_impossible_counts():
    with pytest.raises(ValueError):
        proportion_test(11, 10, 1, 10)
    with pytest.raises(ValueError):
        proportion_test(-1, 10, 1, 10)


def test_test_object_is_json_without_nan():
    for t in (proportion_test(30, 100, 45, 100), proportion_test(0, 0, 1, 1), welch_test((3, 6, 14), (3, 9, 29))):
        json.dumps(t.to_dict(), allow_nan=False)


# ---------------------------------------------------------------- Welch (SPEC 10)


def sums(values, scale=1_000_000):
    units = [round(v * scale) for v in values]
    return (len(units), sum(units), sum(u * u for u in units))


def test_welch_hand_worked():
    # A = 1..10: mean 5.5, var (385 - 302.5)/9 = 9.1667; B: n 12, sum 90, sumsq 800:
    # mean 7.5, var (800 - 675)/11 = 11.3636; se^2 = .91667 + .94697 = 1.86364,
    # df = 1.86364^2 / (.91667^2/9 + .94697^2/11) = 19.859, t = 2 / 1.36515 = 1.46504
    t = welch_test((10, 55, 385), (12, 90, 800))
    assert (t.a, t.b, t.diff, t.test) == (5.5, 7.5, 2.0, "welch")
    assert t.lift == approx(2 / 5.5)
    df = 1.863636363636**2 / (0.916666666667**2 / 9 + 0.946969696970**2 / 11)
    assert df == pytest.approx(19.859, abs=1e-3)
    assert t.p_value == approx(2 * sps.t.sf(2 / math.sqrt(1.8636363636363635), df), rel=1e-9)
    assert t.p_value == pytest.approx(0.1586, abs=1e-4)


def test_welch_against_scipy_random():
    rng = np.random.default_rng(11)
    for _ in range(100):
        a = np.round(rng.normal(3, rng.uniform(0.1, 2), rng.integers(2, 60)), 6)
        b = np.round(rng.normal(3.2, rng.uniform(0.1, 2), rng.integers(2, 60)), 6)
        t = welch_test(sums(a), sums(b), scale=1_000_000)
        ref = sps.ttest_ind(b, a, equal_var=False)
        assert t.p_value == approx(float(ref.pvalue), rel=1e-8)
        lo, hi = ref.confidence_interval(0.95)
        assert t.ci95 == (approx(float(lo), rel=1e-8, abs_=1e-12), approx(float(hi), rel=1e-8, abs_=1e-12))
        from_stats = sps.ttest_ind_from_stats(b.mean(), b.std(ddof=1), len(b), a.mean(), a.std(ddof=1), len(a), False)
        assert t.p_value == approx(float(from_stats.pvalue), rel=1e-8)


def test_welch_merged_partitions_equal_one_pass():
    rng = np.random.default_rng(3)
    a, b = np.round(rng.uniform(1, 5, 300), 2), np.round(rng.uniform(1, 5, 200), 2)
    whole = welch_test(sums(a), sums(b), scale=1_000_000)
    parts_a = [sums(a[:100]), sums(a[100:])]
    merged_a = tuple(sum(p[i] for p in parts_a) for i in range(3))
    assert welch_test(merged_a, sums(b), scale=1_000_000) == whole


def test_welch_variance_is_exact_where_float_sums_of_squares_cancel():
    # 1e6 + 1e-6 k: the naive float (sumsq - sum^2/n) loses every digit; the integer
    # millionths give variance exactly 1e-12 on A, 4e-12 on B
    a = [1_000_000 + k * 1e-6 for k in (1, 2, 3)]
    b = [1_000_000 + k * 1e-6 for k in (2, 4, 6)]
    t = welch_test(sums(a), sums(b), scale=1_000_000)
    assert t.diff == approx(2e-6, rel=1e-9)
    se = math.sqrt(1e-12 / 3 + 4e-12 / 3)
    assert t.p_value == approx(
        2 * sps.t.sf(2e-6 / se, (5e-12 / 3) ** 2 / ((1e-12 / 3) ** 2 / 2 + (4e-12 / 3) ** 2 / 2))
    )
    naive = sum(x * x for x in a) - sum(a) ** 2 / 3
    assert abs(naive / 2 - 1e-12) > 0.5e-12  # the float route really is wrong here (it gives 0)


def test_welch_null_rules():
    assert welch_test((1, 5, 25), (10, 55, 385)) is None  # fewer than 2 values on a side
    assert welch_test((3, 6, 12), (4, 8, 16)) is None  # zero variance on both
    one_constant = welch_test((3, 6, 12), (3, 9, 29))  # A constant 2, B has spread
    assert one_constant is not None and one_constant.p_value is not None
    assert welch_test((2, 0, 2), (3, 6, 14)).lift is None  # A = -1, 1: mean_a = 0


# ---------------------------------------------------------------- NPS (SPEC 10)


def nps_values(promoters, detractors, n):
    return [100] * promoters + [-100] * detractors + [0] * (n - promoters - detractors)


def test_nps_hand_worked():
    # A: P .4 D .2 -> NPS 20, Var 1e4 (.6 - .04) = 5600; B: P .5 D .15 -> 35, 5275;
    # se = sqrt(56 + 52.75) = 10.4283, z = 1.43839, p = 0.15032
    t = nps_test((40, 20, 100), (50, 15, 100))
    assert (t.a, t.b, t.diff, t.lift, t.test) == (20.0, 35.0, 15.0, None, "z")
    assert t.p_value == pytest.approx(0.15032, abs=1e-5)
    assert t.ci95 == (approx(15 - Z95 * math.sqrt(108.75)), approx(15 + Z95 * math.sqrt(108.75)))


def test_nps_variance_is_the_population_variance_of_the_scored_answers():
    rng = random.Random(5)
    for _ in range(50):
        sides = []
        for _side in range(2):
            n = rng.randint(1, 300)
            p = rng.randint(0, n)
            sides.append((p, rng.randint(0, n - p), n))
        t = nps_test(*sides)
        va, vb = (np.var(nps_values(*s)) for s in sides)
        if (va == 0 and vb == 0) or min(sides[0][2], sides[1][2]) < 2:
            assert t is None
            continue
        se = math.sqrt(va / sides[0][2] + vb / sides[1][2])
        assert t.a == approx(np.mean(nps_values(*sides[0])), abs_=1e-9)
        assert t.p_value == approx(2 * sps.norm.sf(abs(t.diff) / se), rel=1e-9, abs_=1e-300)


def test_nps_null_rules():
    assert nps_test((0, 0, 0), (5, 1, 10)) is None  # no answers on a side
    assert nps_test((10, 0, 10), (7, 0, 7)) is None  # zero variance on both
    assert nps_test((10, 0, 10), (5, 1, 10)) is not None


# ---------------------------------------------------------------- Holm and BH (SPEC 10, 13)


def holm_by_procedure(p):
    """Adjusted p = the smallest alpha at which Holm's step-down rejects the hypothesis."""
    idx = [i for i, v in enumerate(p) if v is not None]
    m = len(idx)
    order = sorted(idx, key=lambda i: p[i])
    candidates = sorted({min(1.0, (m - k) * p[i]) for k, i in enumerate(order)} | {1.0})

    def rejected(alpha):
        out = set()
        for k, i in enumerate(order):
            if min(1.0, p[i] * (m - k)) > alpha:
                break
            out.add(i)
        return out

    return [None if v is None else min(a for a in candidates if i in rejected(a)) for i, v in enumerate(p)]


def bh_by_procedure(p):
    """Adjusted p = the smallest q at which BH's step-up rejects the hypothesis."""
    idx = [i for i, v in enumerate(p) if v is not None]
    m = len(idx)
    ps = sorted(p[i] for i in idx)
    candidates = sorted({min(1.0, m * v / (k + 1)) for k, v in enumerate(ps)} | {1.0})

    def rejected(q):
        k_max = max((k + 1 for k, v in enumerate(ps) if v <= (k + 1) * q / m * (1 + 1e-12)), default=0)  # q was m v / k
        return {i for i in idx if k_max and p[i] <= ps[k_max - 1]}

    return [None if v is None else min(a for a in candidates if i in rejected(a)) for i, v in enumerate(p)]


def test_holm_and_bh_textbook_list():
    # sorted .005 .01 .03 .04; Holm x4 x3 x2 x1 = .02 .03 .06 .04 -> running max .02 .03 .06 .06
    # BH x4/1 x4/2 x4/3 x4/4 = .02 .02 .04 .04 -> running min from the top: same
    p = [0.01, 0.04, 0.03, 0.005]
    assert holm(p) == [approx(0.03), approx(0.06), approx(0.06), approx(0.02)]
    assert benjamini_hochberg(p) == [approx(0.02), approx(0.04), approx(0.04), approx(0.02)]


def test_bh_1995_example_rejects_four_holm_three():
    # Benjamini & Hochberg (1995), 15 p-values: BH at q = .05 rejects 4; Holm rejects 3
    # (.0095 * 12 = .114 > .05)
    p = [0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459]
    p += [0.3240, 0.4262, 0.5719, 0.6528, 0.7590, 1.000]
    assert sum(q < 0.05 for q in benjamini_hochberg(p)) == 4
    assert sum(q < 0.05 for q in holm(p)) == 3


def test_adjustments_match_brute_force_with_ties_and_nones():
    rng = random.Random(2)
    for _ in range(200):
        m = rng.randint(1, 12)
        p = [rng.choice([None, round(rng.random() ** 3, 2), rng.random() ** 4]) for _ in range(m)]
        assert holm(p) == [None if v is None else approx(v) for v in holm_by_procedure(p)]
        assert benjamini_hochberg(p) == [None if v is None else approx(v) for v in bh_by_procedure(p)]


def test_adjusted_values_are_monotone_and_capped():
    p = [0.9, 0.8, 0.5, 0.01, 0.7]
    for q in (holm(p), benjamini_hochberg(p)):
        assert max(q) <= 1.0
        ranked = sorted(zip(p, q, strict=True))
        assert all(a[1] <= b[1] for a, b in zip(ranked, ranked[1:], strict=False))


def test_adjust_fills_tests_and_passes_nulls_through():
    t = proportion_test(30, 100, 45, 100)  # p = .02846
    tests = [t, None, proportion_test(0, 0, 1, 2), t]
    out = adjust(tests, alpha=0.05)
    assert out[1] is None and out[2].p_adjusted is None and out[2].significant is False
    # a family of two equal p-values: Holm gives both 2p = .0569, not significant; BH keeps p
    assert out[0].p_adjusted == approx(2 * t.p_value) and out[0].significant is False
    assert [x.p_adjusted for x in adjust(tests, method="bh")[::3]] == [approx(t.p_value)] * 2
    strong = adjust([t, proportion_test(30, 100, 60, 100)])
    assert strong[0].p_adjusted == approx(t.p_value) and strong[0].significant and strong[1].significant


# ---------------------------------------------------------------- SRM (SPEC 10, 16)


def test_srm_hand_worked():
    # 5100 / 4900 against 5000 / 5000: chi2 = 2 * 100^2 / 5000 = 4, p = P(|Z| > 2) = .0455
    s = srm_test([5100, 4900])
    assert s.chi2 == 4.0 and s.p_value == approx(2 * sps.norm.sf(2), rel=1e-9) and s.flag is False
    assert srm_test([5300, 4700]).flag is True  # chi2 = 36
    assert srm_test([6000, 4000], [0.6, 0.4]).p_value == 1.0
    assert srm_test([0, 0]) is None
    assert srm_test([5100, 4900]).to_dict()["flag"] is False


def test_srm_against_scipy_chisquare():
    rng = random.Random(9)
    for _ in range(100):
        k = rng.randint(2, 4)
        counts = [rng.randint(0, 2000) for _ in range(k)]
        w = [rng.uniform(0.1, 1) for _ in range(k)]
        if sum(counts) == 0:
            continue
        expected = [sum(counts) * x / sum(w) for x in w]
        ref = sps.chisquare(counts, expected)
        got = srm_test(counts, w)
        assert got.chi2 == approx(float(ref.statistic), rel=1e-9)
        assert got.p_value == approx(float(ref.pvalue), rel=1e-9, abs_=1e-300)


def test_srm_rejects_bad_split():
    with pytest.raises(ValueError):
        srm_test([10, 10], [1, 0])
    with pytest.raises(ValueError):
        srm_test([10, 10, 10], [1, 1])


# ---------------------------------------------------------------- key moments (SPEC 13)


def test_odds_ratio_hand_worked():
    # [[3, 1], [1, 3]]: OR = 3.5 * 3.5 / (1.5 * 1.5) = 5.4444; se ln OR = sqrt(2/3.5 + 2/1.5)
    # = 1.380131; CI exp(1.694596 -+ 2.705022) = [0.36407, 81.4185]; Fisher p = 34/70
    m = odds_ratio_test(3, 1, 1, 3)
    assert m.odds_ratio == approx(49 / 9)
    assert m.ci95[0] == pytest.approx(0.36407, abs=1e-5) and m.ci95[1] == pytest.approx(81.4185, abs=1e-3)
    assert m.p_value == approx(34 / 70)
    assert (m.conversion_exposed, m.conversion_other, m.lift) == (0.75, 0.25, 0.5)


def test_odds_ratio_against_scipy_random_and_zero_cells():
    rng = random.Random(4)
    for _ in range(200):
        a, b, c, d = (rng.randint(0, 60) for _ in range(4))
        m = odds_ratio_test(a, b, c, d)
        assert m.p_value == approx(float(sps.fisher_exact([[a, b], [c, d]]).pvalue))
        se = math.sqrt(sum(1 / (v + 0.5) for v in (a, b, c, d)))
        log_or = math.log(a + 0.5) + math.log(d + 0.5) - math.log(b + 0.5) - math.log(c + 0.5)
        q = sps.norm.ppf(0.975)
        assert m.ci95 == (approx(math.exp(log_or - q * se), rel=1e-9), approx(math.exp(log_or + q * se), rel=1e-9))
        assert math.isfinite(m.odds_ratio)


def test_odds_ratio_empty_row_gives_null_rates():
    m = odds_ratio_test(0, 0, 4, 6)
    assert m.conversion_exposed is None and m.lift is None and m.conversion_other == 0.4
    json.dumps(m.to_dict(), allow_nan=False)


# ---------------------------------------------------------------- Markov removal effect (SPEC 12)

RECORDS = [(("A", "B"), True, 2), (("A", "C"), False, 2), (("B", "A", "C"), True, 1), (("C",), True, 1)]


def test_markov_hand_solved_three_channels():
    # counts: start -> A 4, B 1, C 1; A -> B 2, C 3; B -> conv 2, A 1; C -> null 2, conv 2.
    # x_C = 1/2; x_B = 2/3 + x_A/3; x_A = 2/5 x_B + 3/5 x_C -> x_A = 17/26, x_B = 23/26;
    # P = (4 * 17/26 + 23/26 + 13/26) / 6 = 2/3.
    # without A: P = (2/3 + 1/2) / 6 = 7/36 -> RE 17/24; without B: x_A = 3/10,
    # P = 17/60 -> RE 23/40; without C: x_A = 4/13, x_B = 10/13, P = 1/3 -> RE 1/2.
    counts = transition_counts(RECORDS)
    assert counts["(start)"] == {"A": 4, "B": 1, "C": 1}
    assert counts["C"] == {"(null)": 2, "(converted)": 2}
    assert conversion_probability(counts) == approx(2 / 3)
    assert conversion_probability(counts, removed="A") == approx(7 / 36)
    effects = removal_effects(counts)
    assert [e.channel for e in effects] == ["A", "B", "C"]
    total = Fraction(17, 24) + Fraction(23, 40) + Fraction(1, 2)
    for e, re in zip(effects, (Fraction(17, 24), Fraction(23, 40), Fraction(1, 2)), strict=True):
        assert e.effect == approx(float(re), rel=1e-12)
        assert e.share == approx(float(re / total), rel=1e-12)


def simulate(counts, removed=None, walks=100_000, seed=1):
    states = sorted(set(counts) | {t for row in counts.values() for t in row})
    index = {s: i for i, s in enumerate(states)}
    probs = np.zeros((len(states), len(states)))
    for s, row in counts.items():
        total = sum(row.values())
        for t, c in row.items():
            probs[index[s], index[t if t != removed else "(null)"]] += c / total
    for s in ("(converted)", "(null)"):
        probs[index[s], index[s]] = 1.0
    cum = probs.cumsum(axis=1)
    rng = np.random.default_rng(seed)
    pos = np.full(walks, index["(start)"])
    absorbing = [index["(converted)"], index["(null)"]]
    while not np.isin(pos, absorbing).all():
        pos = (cum[pos] < rng.random(walks)[:, None]).sum(axis=1)
    return float(np.mean(pos == index["(converted)"]))


def test_markov_monte_carlo_agrees():
    counts = transition_counts(RECORDS)
    for removed in (None, "A", "C"):
        assert simulate(counts, removed) == pytest.approx(conversion_probability(counts, removed), abs=0.005)


def test_markov_singular_loop_without_exit_does_not_crash():
    # A <-> B never leaves: I - Q is singular on {A, B}; they convert with probability 0
    counts = {"(start)": {"A": 1, "C": 1}, "A": {"B": 1}, "B": {"A": 1}, "C": {"(converted)": 1}}
    assert conversion_probability(counts) == 0.5
    by = {e.channel: e for e in removal_effects(counts)}
    assert by["A"].effect == 0 and by["B"].effect == 0 and by["C"].effect == 1 and by["C"].share == 1


def test_markov_dead_end_state_and_start_that_cannot_convert():
    assert conversion_probability({"(start)": {"A": 1, "B": 1}, "B": {"(converted)": 3}}) == 0.5  # A has no exits
    assert conversion_probability({"(start)": {"A": 1}, "A": {"A": 2}}) == 0.0


def test_markov_no_conversion_gives_null_effects():
    effects = removal_effects(transition_counts([(("A", "B"), False, 3), (("C",), False, 1)]))
    assert [(e.channel, e.effect, e.share) for e in effects] == [
        ("A", None, None),
        ("B", None, None),
        ("C", None, None),
    ]


def test_markov_paths_collapse_and_empty_paths_are_left_out():
    a = transition_counts([(("A", "A", "B"), True, 2), ((), True, 5)])
    assert a == transition_counts([(("A", "B"), True, 2)])


# ---------------------------------------------------------------- sequential (always valid)


def test_sequential_rho_and_halfwidth_hand_worked():
    # alpha .05: -2 ln .05 = 5.991465, ln(6.991465) = 1.944690 -> rho^2 = 7.936155 / 5000
    r2 = rho_squared(0.05, 5000)
    assert r2 == pytest.approx(7.936155 / 5000, rel=1e-6)
    # at n = 10000, se = 0.01: n r2 = 15.872309, half = se sqrt(2 (n r2 + 1) / (n r2)
    # ln(sqrt(n r2 + 1) / .05)) = 0.01 sqrt(2.126005 * ln(82.15184)) = 0.01 sqrt(9.372917)
    s = sequential_interval(0.0, 0.01, 10_000)
    assert s.ci[1] == pytest.approx(0.0306152, abs=1e-6)
    assert s.ci[1] > Z95 * 0.01  # wider than the fixed-horizon interval


def test_sequential_p_below_alpha_exactly_when_interval_excludes_zero():
    rng = random.Random(8)
    for _ in range(500):
        n_a, n_b = rng.randint(10, 20_000), rng.randint(10, 20_000)
        s = sequential_proportions(rng.randint(1, n_a - 1), n_a, rng.randint(1, n_b - 1), n_b)
        assert s.significant == (s.ci[0] > 0 or s.ci[1] < 0)
        assert 0 <= s.p_value <= 1


def test_sequential_means_match_proportions_on_zero_one_values():
    # 0/1 values: sample variance (n - 1) vs rate variance (n) differ only by n/(n-1)
    m = sequential_means((1000, 300, 300), (1000, 350, 350))
    p = sequential_proportions(300, 1000, 350, 1000)
    assert m.diff == approx(p.diff)
    assert (m.ci[1] - m.diff) / (p.ci[1] - p.diff) == approx(math.sqrt(1000 / 999), rel=1e-9)


def test_sequential_null_rules():
    assert sequential_proportions(0, 0, 3, 10) is None
    assert sequential_means((1, 3, 9), (5, 10, 30)) is None
    with pytest.raises(ValueError):
        rho_squared(0.05, 0)


def test_sequential_peeking_keeps_false_alarms_below_alpha():
    # 300 null experiments, a look after each of 20 batches of 250 per side: the fixed
    # test raises far more alarms than 5%; the confidence sequence stays under it
    rng = np.random.default_rng(20)
    xa = rng.binomial(250, 0.2, (300, 20)).cumsum(axis=1)
    xb = rng.binomial(250, 0.2, (300, 20)).cumsum(axis=1)
    seq = fixed = 0
    for i in range(300):
        looks = [(int(xa[i, k]), 250 * (k + 1), int(xb[i, k]), 250 * (k + 1)) for k in range(20)]
        seq += any(sequential_proportions(*look).significant for look in looks)
        fixed += any(proportion_test(*look).p_value < 0.05 for look in looks)
    assert seq / 300 <= 0.05 < fixed / 300


# ---------------------------------------------------------------- verdict


def test_verdict_directions_and_small_samples():
    up = proportion_test(300, 1000, 400, 1000)
    assert verdict(up) == "better"
    assert verdict(up, higher_is_better=False) == "worse"
    assert verdict(proportion_test(300, 1000, 310, 1000)) == "no detectable difference"
    assert verdict(proportion_test(3, 20, 15, 20)) == "too small to conclude"  # n < 30
    assert verdict(None) == "too small to conclude"
    assert verdict(proportion_test(0, 0, 3, 40)) == "too small to conclude"


def test_verdict_uses_the_adjusted_p_once_filled():
    t = proportion_test(30, 100, 45, 100)  # p .028
    assert verdict(t) == "better"
    assert verdict(t.with_adjusted(0.057, 0.05)) == "no detectable difference"


def test_verdict_of_sequential_test_needs_sizes_for_the_minimum():
    s = sequential_proportions(3000, 10_000, 3400, 10_000)
    assert isinstance(s, SequentialTest) and s.significant
    assert verdict(s, n=(10_000, 10_000)) == "better"
    assert verdict(s, n=(10, 10_000)) == "too small to conclude"
    assert isinstance(proportion_test(1, 2, 1, 2), TwoSampleTest)
