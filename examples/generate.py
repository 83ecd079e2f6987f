#!/usr/bin/env python3
"""Write cjtool's example data sets (synthetic, seeded: every run writes the same bytes).

    python examples/generate.py

Writes, next to this file:

* ``aipl.yaml`` and ``aipl_events.csv``: an e-commerce AIPL journey, about 4,500
  customers over the first quarter of 2026, in English;
* ``zh/旅程模型.yaml`` and ``zh/旅程事件.csv``: a five-stage experience journey in
  Chinese (Chinese headers, touchpoints and channels), plus the same events as
  ``zh/旅程事件_gbk.csv`` (GBK, CRLF: what Excel on Chinese Windows saves) and
  ``zh/旅程事件_bom.csv`` (UTF-8 with a byte-order mark, CRLF: Excel's "CSV UTF-8").

The story in both: checkout (结算) is the worst pain point: its CSAT is poor and many
journeys end there. Store purchase (store pickup, 门店自提, in Chinese) is the wow
moment. Presale chat is disliked but rarely fatal; support tickets take a lot of effort.
The data also has what real exports have: customers who enter mid-journey, customers
who come back to earlier stages, events that no stage matches (login, app_open, ...),
some customers with nothing but such events, and timestamps in two time zones.

Standard library only; no randomness from anywhere but ``random.Random(SEED)``.
"""

from __future__ import annotations

import csv
import io
import math
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

K = TypeVar("K")

SEED = 20260304
HERE = Path(__file__).resolve().parent

START = datetime(2026, 1, 1, tzinfo=UTC)  # first journeys start on this day...
LAST_START_DAYS = 82  # ...up to this many days later
CUTOFF = datetime(2026, 3, 31, 23, 59, 59, tzinfo=UTC)  # the export date: later events are not in the file
CST = timedelta(hours=8)  # China Standard Time, UTC+08:00

HEADER_EN = ["customer_id", "timestamp", "touchpoint", "channel", "satisfaction", "nps", "effort", "variant"]
HEADER_ZH = ["客户ID", "时间", "接触点", "渠道", "满意度", "推荐意愿", "费力度"]


# --------------------------------------------------------------------------- randomness


def level_probs(lo: int, hi: int, mean: float) -> list[float]:
    """Probabilities of lo..hi, proportional to exp(b*k), with the given mean."""
    ks = range(lo, hi + 1)

    def probs(b: float) -> list[float]:
        w = [math.exp(b * (k - lo)) for k in ks]
        s = sum(w)
        return [x / s for x in w]

    a, z = -20.0, 20.0
    for _ in range(100):
        b = (a + z) / 2
        m = sum(k * p for k, p in zip(ks, probs(b), strict=True))
        a, z = (b, z) if m < mean else (a, b)
    return probs((a + z) / 2)


class Dice:
    """The few draws the generator needs, all from one seeded stdlib generator."""

    def __init__(self, seed: int) -> None:
        self.r = random.Random(seed)
        self._levels: dict[tuple[int, int, float], list[float]] = {}

    def chance(self, p: float) -> bool:
        return self.r.random() < p

    def between(self, lo: int, hi: int) -> int:
        """An integer in lo..hi, each equally likely."""
        return lo + min(int(self.r.random() * (hi - lo + 1)), hi - lo)

    def pick(self, weights: dict[K, float]) -> K:
        x = self.r.random() * sum(weights.values())
        for key, w in weights.items():
            x -= w
            if x < 0:
                return key
        return key

    def days(self, mean: float) -> float:
        """An exponential waiting time in days."""
        return -mean * math.log(1.0 - self.r.random())

    def level(self, lo: int, hi: int, mean: float) -> int:
        key = (lo, hi, mean)
        if key not in self._levels:
            self._levels[key] = level_probs(lo, hi, mean)
        x = self.r.random()
        for k, p in enumerate(self._levels[key]):
            x -= p
            if x < 0:
                return lo + k
        return hi


# Local (UTC+8) hour of day at which sessions start: mostly lunch time and evenings.
HOURS: dict[int, float] = dict(zip(range(8, 24), [2, 3, 4, 4, 6, 7, 5, 4, 4, 4, 5, 7, 9, 10, 8, 4], strict=True))


class Journey:
    """One customer's events: (utc time, touchpoint, channel, score profile)."""

    def __init__(self, dice: Dice, t0: datetime) -> None:
        self.d = dice
        self.t = t0
        self.events: list[tuple[datetime, str, str, str]] = []

    def add(
        self, touchpoint: str, channel: str, profile: str | None = None, *, gap_min: tuple[int, int] = (1, 12)
    ) -> None:
        self.t += timedelta(minutes=self.d.between(*gap_min))
        self.events.append((self.t, touchpoint, channel, profile or touchpoint))

    def later(self, mean_days: float, *, min_days: float = 0.0) -> None:
        """Move on to a new session some days later, at a plausible local hour."""
        target = self.t + timedelta(days=min_days + self.d.days(mean_days))
        local_day = (target + CST).date()
        hour = self.d.pick(HOURS)
        local = datetime(local_day.year, local_day.month, local_day.day, hour, self.d.between(0, 59), tzinfo=UTC)
        start = local - CST
        if start <= self.t + timedelta(minutes=30):
            start = self.t + timedelta(minutes=30 + self.d.between(0, 180))
        self.t = start

    def sprinkle(self, touchpoint: str, channel: str, n: int, *, after_days: float = 14.0) -> None:
        """n events at random times between the first event and some days after the last one;
        for background noise (app opens, logins) that comes and goes between journey steps."""
        if not self.events:
            return
        first = self.events[0][0]
        span = (self.t - first).total_seconds() + after_days * 86400
        for _ in range(n):
            t = first + timedelta(minutes=int(self.d.r.random() * span / 60))
            self.events.append((t, touchpoint, channel, touchpoint))


def score_cells(d: Dice, profile: tuple[float, ...] | None) -> list[str]:
    """CSAT, NPS and CES cells for one event: blank unless the event was surveyed."""
    if profile is None:
        return ["", "", ""]
    csat_share, csat_mean, nps_share, nps_mean, ces_share, ces_mean = profile
    return [
        str(d.level(1, 5, csat_mean)) if csat_share and d.chance(csat_share) else "",
        str(d.level(0, 10, nps_mean)) if nps_share and d.chance(nps_share) else "",
        str(d.level(1, 7, ces_mean)) if ces_share and d.chance(ces_share) else "",
    ]


def iso(t: datetime, local: bool) -> str:
    if local:
        return (t + CST).strftime("%Y-%m-%dT%H:%M:%S+08:00")
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def start_time(d: Dice) -> datetime:
    j = Journey(d, START + timedelta(minutes=int(d.r.random() * LAST_START_DAYS * 1440)))  # whole minutes
    j.later(0.0)
    return j.t


def to_rows(
    d: Dice,
    journeys: list[tuple[str, list[tuple[datetime, str, str, str]]]],
    scores: dict[str, tuple[float, ...]],
    local_channels: set[str],
    local_share_other: float,
    extra: list[list[str]] | None = None,
) -> list[list[str]]:
    """CSV rows, ordered by time as an analytics export would be; later than CUTOFF left out.

    Events on ``local_channels`` (systems that export local time) carry +08:00; others
    carry Z, except a share ``local_share_other`` that also carries +08:00. ``extra``:
    one more cell per event (per journey, per event), after the scores."""
    flat = []
    for n, (cid, events) in enumerate(journeys):
        for i, (t, tp, ch, prof) in enumerate(events):
            if t <= CUTOFF:
                flat.append((t, n, i, cid, tp, ch, prof, extra[n][i] if extra else None))
    flat.sort(key=lambda e: (e[0], e[1], e[2]))
    rows = []
    for t, _n, _i, cid, tp, ch, prof, cell in flat:
        local = ch in local_channels or d.chance(local_share_other)
        rows.append([cid, iso(t, local), tp, ch, *score_cells(d, scores.get(prof)), *([cell] if extra else [])])
    return rows


# --------------------------------------------------------------------------- the AIPL data (English)

# profile -> (CSAT share, CSAT mean 1-5, NPS share, NPS mean 0-10, CES share, CES mean 1-7)
AIPL_SCORES: dict[str, tuple[float, ...]] = {
    "product_page_view": (0.04, 3.9, 0, 0, 0, 0),
    "product_review_read": (0.04, 4.0, 0, 0, 0, 0),
    "add_to_wishlist": (0.06, 4.1, 0, 0, 0, 0),
    "coupon_claim": (0.15, 3.6, 0, 0, 0.1, 3.0),
    "presale_chat": (0.6, 2.5, 0, 0, 0.4, 3.9),
    "store_visit": (0.3, 4.3, 0, 0, 0, 0),
    "add_to_cart": (0.05, 3.9, 0, 0, 0, 0),
    "checkout": (0.45, 2.7, 0, 0, 0.35, 4.8),  # a checkout that was paid right after
    "checkout_failed": (0.5, 1.9, 0, 0, 0.45, 5.9),  # a checkout that was not
    "order_paid": (0.3, 4.1, 0.12, 8.0, 0.2, 2.4),
    "store_purchase": (0.5, 4.7, 0.15, 9.1, 0.2, 1.6),
    "repeat_purchase": (0.25, 4.3, 0.1, 8.6, 0, 0),
    "review_posted": (0.8, 4.0, 0.5, 7.8, 0, 0),
    "member_signup": (0.4, 4.5, 0, 0, 0.2, 2.0),
    "referral_share": (0.2, 4.5, 0.3, 9.2, 0, 0),
    "support_ticket": (0.7, 3.1, 0.25, 5.5, 0.65, 5.7),
    "password_reset": (0, 0, 0, 0, 0.4, 4.9),
}

AIPL_AWARE = {
    "ad_impression": 35,
    "search_result_view": 22,
    "social_post_view": 13,
    "livestream_view": 12,
    "kol_post_view": 10,
    "ad_click": 8,
}
AIPL_AWARE_CHANNEL = {
    "ad_impression": {"social": 5, "web": 3, "app": 2},
    "search_result_view": {"web": 6, "app": 2.5, "mini_program": 1.5},
    "social_post_view": {"social": 1},
    "livestream_view": {"social": 6, "app": 4},
    "kol_post_view": {"social": 1},
    "ad_click": {"social": 5, "web": 5},
}
DIGITAL = {"web": 4, "app": 4, "mini_program": 2}


def aipl_session_noise(j: Journey, ch: str) -> None:
    """What apps and sites log before a session that no journey stage cares about."""
    if ch == "app" and j.d.chance(0.75):
        j.add("app_open", ch, gap_min=(0, 2))
    if ch in DIGITAL and j.d.chance(0.3):
        j.add("login", ch, gap_min=(0, 2))


def aipl_online_purchase(j: Journey, ch: str, *, from_cart: bool = False) -> bool:
    """Cart, checkout, payment; True if the customer paid."""
    d = j.d
    if not from_cart:
        j.add("add_to_cart", ch)
    if not d.chance(0.82):  # left the cart
        return False
    if d.chance(0.25):
        j.later(0.6)
        aipl_session_noise(j, ch)
    if d.chance(0.05):
        j.add("password_reset", ch, gap_min=(1, 5))
    attempts = 2 if d.chance(0.38) else 1  # some come back and try again
    for attempt in range(attempts):
        if d.chance(0.4 if attempt == 0 else 0.55):
            j.add("checkout", ch)
            j.add("order_paid", ch, gap_min=(1, 4))
            return True
        j.add("checkout", ch, "checkout_failed")
        if ch in DIGITAL and d.chance(0.15):
            j.add("logout", ch, gap_min=(1, 5))
        if attempt + 1 < attempts:
            j.later(1.5)
            aipl_session_noise(j, ch)
    return False


def aipl_loyalty(j: Journey, ch: str, *, in_store: bool) -> None:
    d = j.d
    done = False
    for _ in range(3):
        j.later(4.0, min_days=1.0)
        if d.chance(0.35) or (in_store and d.chance(0.5)):
            j.add(
                "member_signup",
                "store" if in_store and d.chance(0.7) else d.pick({"app": 5, "mini_program": 4, "web": 1}),
            )
            done = True
        if d.chance(0.4):
            j.add("review_posted", ch if ch in DIGITAL else d.pick(DIGITAL))
            done = True
        if d.chance(0.22):
            j.add("support_ticket", d.pick({"call_center": 5, "web": 3, "app": 2}))
            done = True
        if d.chance(0.25):
            j.add("repeat_purchase", "store" if in_store else ch)
            done = True
        if d.chance(0.12):
            j.add("referral_share", "social")
            done = True
        if done and d.chance(0.55):
            break
    if not done:
        j.add("review_posted", ch if ch in DIGITAL else d.pick(DIGITAL))


def aipl_customer(d: Dice, t0: datetime) -> list[tuple[datetime, str, str, str]]:
    j = Journey(d, t0)
    ch = d.pick(DIGITAL)
    slow = 5.0 if d.chance(0.1) else 1.0  # slow deciders: some of them fall outside the window
    kind = d.pick({"normal": 88, "mid_cart": 5, "mid_store": 4, "noise_only": 3})

    if kind == "noise_only":  # known ids that never touched a mapped stage
        for _ in range(d.between(1, 3)):
            aipl_session_noise(j, "app" if d.chance(0.6) else ch)
            if d.chance(0.25):
                j.add("logout", ch)
            if d.chance(0.15):
                j.add("password_reset", ch, gap_min=(1, 5))
            j.later(7.0)
        if not j.events or d.chance(0.3):
            j.add("unsubscribe", "web")
        return j.events

    if kind == "mid_store":  # walked into a store and bought, no earlier trace
        j.add("store_purchase", "store")
        if d.chance(0.55):
            aipl_loyalty(j, ch, in_store=True)
        return j.events

    paid = in_store = False
    if kind == "mid_cart":  # came in from a shared cart link or a saved cart
        aipl_session_noise(j, ch)
        j.add("add_to_cart", ch)
        paid = aipl_online_purchase(j, ch, from_cart=True)
    else:
        for k in range(d.between(1, 4)):  # awareness: one to four exposures
            if k:
                j.later(1.5)
            tp = d.pick(AIPL_AWARE)
            j.add(tp, d.pick(AIPL_AWARE_CHANNEL[tp]))
        if not d.chance(0.62):
            if d.chance(0.15):  # still opens the app now and then
                j.later(5.0)
                aipl_session_noise(j, ch)
            if d.chance(0.03):
                j.add("unsubscribe", "web")
            return j.events
        j.later(1.5 * slow)
        if d.chance(0.12):  # a store shopper
            in_store = True
            j.add("store_visit", "store")
            paid = d.chance(0.55)
            if paid:
                j.add("store_purchase", "store", gap_min=(10, 40))
        else:
            for k in range(d.between(1, 3)):  # one to three browsing sessions
                if k:
                    j.later(1.0)
                aipl_session_noise(j, ch)
                for _ in range(d.between(1, 3)):
                    j.add("product_page_view", ch)
            if d.chance(0.35):
                j.add("product_review_read", ch)
            if d.chance(0.2):
                j.add("add_to_wishlist", ch)
            chat = d.chance(0.15)
            if chat:
                j.add("presale_chat", "call_center" if d.chance(0.2) else ch)
            coupon = d.chance(0.18)
            if coupon:
                j.add("coupon_claim", ch)
            if d.chance(0.3):
                j.add("product_page_view", ch)
            if d.chance(0.45 + (0.4 if chat else 0.0) + (0.2 if coupon else 0.0)):
                if d.chance(0.4):
                    j.later(1.0 * slow)
                    aipl_session_noise(j, ch)
                paid = aipl_online_purchase(j, ch)
            elif d.chance(0.3):  # a second look that leads nowhere
                j.later(3.0)
                aipl_session_noise(j, ch)
                j.add("product_page_view", ch)

    if paid:
        if d.chance(0.6):
            aipl_loyalty(j, ch, in_store=in_store)
        if d.chance(0.15):  # back to browsing after buying
            j.later(8.0)
            aipl_session_noise(j, ch)
            j.add("product_page_view", ch)
    elif kind == "mid_cart" and d.chance(0.2):
        j.later(4.0)
        j.add("product_page_view", ch)
    if ch in DIGITAL and d.chance(0.08):
        j.add("logout", ch)
    if ch == "app":
        j.sprinkle("app_open", ch, d.between(0, 4))
    elif d.chance(0.5):
        j.sprinkle("login", ch, d.between(1, 2))
    return j.events


# --------------------------------------------------------------------------- the A/B test (variant column)

VARIANT_SEED = SEED + 1  # its own dice: the journeys and every other column stay as they were
MIXED_SHARE = 0.01  # customers seen on a second device that was assigned the other variant
AIPL_INTEREST = {"product_page_view", "add_to_wishlist", "coupon_claim", "add_to_cart", "checkout", "presale_chat"}
AIPL_INTEREST |= {"store_visit", "product_review_read"}
AIPL_PAID = {"order_paid", "store_purchase"}
PAID_RATE = 0.26  # about how many interested customers pay
LIFT = 0.07  # treatment - control: interested customers who pay


def variant_cells(v: Dice, events: list[tuple[datetime, str, str, str]]) -> list[str]:
    """The `variant` column of one customer's events (control / treatment), for the
    README's A/B example. The arm is drawn after the journey, with odds that depend only
    on whether an interested customer paid: the arms then differ at purchase (about 7
    points of step conversion, as a better checkout would give) and nowhere else (half of
    the interested and of the others in each arm, and loyalty independent of the arm
    given purchase), while the journeys, the other columns and every other example output
    stay exactly as they were. A few customers are seen later on a device of the other
    arm (`mixed`: compare leaves them out)."""
    tps = {tp for _, tp, _, _ in events}
    if tps & AIPL_INTEREST:
        paid = bool(tps & AIPL_PAID)
        treated_if_paid = 0.5 * (PAID_RATE + LIFT / 2) / PAID_RATE
        p = treated_if_paid if paid else (0.5 - treated_if_paid * PAID_RATE) / (1 - PAID_RATE)
    else:
        p = 0.5
    arm, other = ("treatment", "control") if v.chance(p) else ("control", "treatment")
    if len(events) > 1 and v.chance(MIXED_SHARE):
        return [arm] + [other if v.chance(0.5) else arm for _ in events[1:]]
    return [arm] * len(events)


def aipl_rows(n_customers: int) -> list[list[str]]:
    d, v = Dice(SEED), Dice(VARIANT_SEED)
    journeys = []
    for i in range(n_customers):
        t0 = start_time(d)
        journeys.append((f"C{100001 + i}", aipl_customer(d, t0)))
    variants = [variant_cells(v, events) for _, events in journeys]
    return to_rows(d, journeys, AIPL_SCORES, {"store", "call_center"}, 0.05, extra=variants)


AIPL_YAML = """\
# cjtool example model: AIPL, as shipped (`cjtool init aipl`), for examples/aipl_events.csv.
# The data is made by examples/generate.py; this copy differs from the built-in model
# only in its title, a few comments and its gates, which are set so that `cjtool check`
# fails on checkout, the pain point this data set hides.
# Try:
#   cjtool validate --model examples/aipl.yaml examples/aipl_events.csv
#   cjtool map examples/aipl_events.csv --model examples/aipl.yaml
#   cjtool check examples/aipl_events.csv --model examples/aipl.yaml

# name: a short id, shown in outputs (JSON "model").
name: aipl
# segments: the persona column of the events and the CRM file's tier and region (--by tier).
segments:
  customers: customers.csv
  attributes:
    persona: {en: Persona, zh: 用户画像}
    tier: {en: Membership tier, zh: 会员等级}
    region: {en: Region, zh: 城市等级}
# churn_after: not seen for this long before the data ends: churned.
churn_after: 45d
# title: shown on the journey map; text, or one text per language (en, zh).
title: {en: "AIPL customer journey (example shop, Q1 2026)", zh: "AIPL 客户旅程（示例店铺，2026 年第一季度）"}
description: Awareness, Interest, Purchase, Loyalty; the consumer-asset model of Alibaba's Uni Marketing.

# mode: how far a customer got.
#   ordered  - stages must be reached in order in time (a funnel); the default.
#   furthest - the highest stage a customer ever touched (a population/lifecycle view).
mode: ordered
# window: in ordered mode, each step must happen within this time of the customer's
# first stage event: a number and a unit, s m h d w (30d, 12h, 90m). Leave out for none.
window: 30d
# timestamp_format: a strftime format (or a list of them) for timestamps cjtool does not read
# by itself, e.g. "%d/%m/%Y %H:%M". Leave out to read ISO 8601 (with or without offset), dates,
# 2026/3/4 9:05 as Excel shows it, compact 20260304101500 and epoch seconds or milliseconds.
# timestamp_format: "%d/%m/%Y %H:%M"

# columns: which CSV header holds each role; a role not listed uses its own name as header.
# Required: customer_id, timestamp, touchpoint. Optional: channel, satisfaction (CSAT),
# nps (0-10), effort (CES).
columns:
  customer_id: customer_id
  timestamp: timestamp
  touchpoint: touchpoint
  channel: channel
  satisfaction: satisfaction
  nps: nps
  effort: effort

# stages: in journey order. An event goes to the FIRST stage that matches it:
#   touchpoints: exact touchpoint names, and/or
#   match:       a regular expression searched anywhere in the touchpoint name
#                (here it also catches social_post_view and ad_click);
#   channels:    (optional) the event's channel must also be one of these.
#   label:       text, or {en: ..., zh: ...}; description: free text.
#   moment_of_truth: (optional) name the moment of truth this stage holds.
# Events no stage matches (login, logout, app_open, password_reset, unsubscribe in this
# data) are counted as unassigned and left out of the journey.
stages:
  - id: awareness
    label: {en: Awareness, zh: 认知}
    description: Exposed to the brand without engaging.
    moment_of_truth: first contact
    touchpoints: [ad_impression, search_result_view, livestream_view, kol_post_view]
    match: "^(ad_|social_)"
  - id: interest
    label: {en: Interest, zh: 兴趣}
    description: Engages with products, considers buying.
    touchpoints: [product_page_view, add_to_wishlist, coupon_claim, add_to_cart, checkout,
                  presale_chat, store_visit, product_review_read]
  - id: purchase
    label: {en: Purchase, zh: 购买}
    description: Pays for an order online or in store.
    moment_of_truth: purchase decision
    touchpoints: [order_paid, store_purchase]
  - id: loyalty
    label: {en: Loyalty, zh: 忠诚}
    description: Buys again, reviews, joins membership, recommends.
    moment_of_truth: after-sales and feedback
    touchpoints: [repeat_purchase, review_posted, member_signup, referral_share, support_ticket]

# scores: the scales of the score columns; values outside them count as missing.
# (NPS is always 0-10.)
scores:
  satisfaction: {min: 1, max: 5}
  effort: {min: 1, max: 7}

# ranking: how touchpoints are ranked as pain points.
#   priority = (w_drop_off * drop-off rate + w_dissatisfaction * dissatisfaction) / (sum of weights)
#   min_customers: touchpoints seen by fewer customers get no rank (too few to trust).
ranking:
  weights: {drop_off: 1, dissatisfaction: 1}
  min_customers: 30

# gates: thresholds for `cjtool check` (a CI step fails when one fails).
#   min_conversion:   stage id -> minimum conversion from the first stage
#   min_satisfaction: stage id or touchpoint -> minimum mean satisfaction
#   max_drop_off:     stage id (drop-off to the next stage, as a share) or touchpoint (drop-off rate)
#   min_nps:          stage id or touchpoint -> minimum NPS
# With this data, checkout fails both of its gates; the others pass.
gates:
  min_conversion: {purchase: 0.05}
  min_satisfaction: {checkout: 3.0, store_purchase: 4.0}
  max_drop_off: {checkout: 0.3}
"""


# --------------------------------------------------------------------------- the Chinese data

# 评分画像 -> (满意度占比, 满意度均值 1-5, 推荐意愿占比, 推荐意愿均值 0-10, 费力度占比, 费力度均值 1-7)
ZH_SCORES: dict[str, tuple[float, ...]] = {
    "浏览详情页": (0.04, 3.9, 0, 0, 0, 0),
    "查看评价": (0.04, 4.0, 0, 0, 0, 0),
    "收藏商品": (0.06, 4.1, 0, 0, 0, 0),
    "领取优惠券": (0.15, 3.5, 0, 0, 0.1, 3.2),
    "售前咨询": (0.6, 2.6, 0, 0, 0.4, 3.8),
    "到店体验": (0.3, 4.3, 0, 0, 0, 0),
    "加入购物车": (0.05, 3.9, 0, 0, 0, 0),
    "结算": (0.45, 2.7, 0, 0, 0.35, 4.8),
    "结算失败": (0.5, 1.9, 0, 0, 0.45, 5.9),
    "支付成功": (0.3, 4.1, 0.12, 8.0, 0.2, 2.4),
    "门店购买": (0.45, 4.4, 0.12, 8.6, 0.2, 1.8),
    "收到商品": (0.3, 4.0, 0, 0, 0, 0),
    "门店自提": (0.55, 4.65, 0.2, 9.2, 0.25, 1.5),
    "使用产品": (0.2, 4.2, 0, 0, 0, 0),
    "联系客服": (0.7, 3.1, 0.25, 5.5, 0.65, 5.7),
    "申请退货": (0.6, 2.9, 0, 0, 0.6, 5.2),
    "发表评价": (0.8, 4.0, 0.5, 7.8, 0, 0),
    "推荐好友": (0.2, 4.5, 0.3, 9.2, 0, 0),
    "再次购买": (0.25, 4.3, 0.1, 8.6, 0, 0),
    "填写问卷": (0.9, 3.9, 0.9, 7.4, 0.5, 3.0),
    "重置密码": (0, 0, 0, 0, 0.4, 4.9),
}

ZH_AWARE = {"看到广告": 35, "搜索商品": 25, "短视频种草": 18, "直播观看": 12, "朋友推荐": 10}
ZH_AWARE_CHANNEL = {
    "看到广告": {"APP": 4, "小程序": 3, "官网": 3},
    "搜索商品": {"官网": 5, "APP": 3, "小程序": 2},
    "短视频种草": {"APP": 6, "小程序": 4},
    "直播观看": {"APP": 6, "小程序": 4},
    "朋友推荐": {"小程序": 7, "门店": 3},
}
ZH_DIGITAL = {"官网": 3, "APP": 4, "小程序": 3}


def zh_session_noise(j: Journey, ch: str) -> None:
    if ch == "APP" and j.d.chance(0.75):
        j.add("打开APP", ch, gap_min=(0, 2))
    if ch in ZH_DIGITAL and j.d.chance(0.3):
        j.add("登录", ch, gap_min=(0, 2))


def zh_use_and_feedback(j: Journey, ch: str, *, pickup: bool, in_store: bool) -> None:
    d = j.d
    j.later(2.0, min_days=0.5)
    if in_store:
        pass  # took it home from the store
    elif pickup:
        j.add("门店自提", "门店")
    else:
        j.add("收到商品", ch)
    if d.chance(0.55):
        j.later(2.0)
        j.add("使用产品", "APP" if d.chance(0.5) else ch)
    if d.chance(0.2):
        j.later(3.0)
        j.add("联系客服", "客服热线" if d.chance(0.7) else ch)
        if d.chance(0.25):
            j.add("申请退货", ch)
    if d.chance(0.5 if pickup or in_store else 0.42):
        j.later(5.0)
        fb = d.pick({"发表评价": 45, "填写问卷": 20, "再次购买": 20, "推荐好友": 15})
        j.add(fb, "小程序" if fb == "推荐好友" else ("门店" if fb == "再次购买" and in_store else ch))
        if d.chance(0.3):
            j.later(7.0)
            j.add(d.pick({"再次购买": 6, "推荐好友": 4}), ch)


def zh_customer(d: Dice, t0: datetime) -> list[tuple[datetime, str, str, str]]:
    j = Journey(d, t0)
    ch = d.pick(ZH_DIGITAL)
    slow = 5.0 if d.chance(0.1) else 1.0
    kind = d.pick({"normal": 88, "mid_cart": 5, "mid_store": 4, "noise_only": 3})

    if kind == "noise_only":
        for _ in range(d.between(1, 3)):
            zh_session_noise(j, "APP" if d.chance(0.6) else ch)
            if d.chance(0.25):
                j.add("退出登录", ch)
            if d.chance(0.15):
                j.add("重置密码", ch, gap_min=(1, 5))
            j.later(7.0)
        if not j.events or d.chance(0.3):
            j.add("取消订阅", "官网")
        return j.events

    if kind == "mid_store":
        j.add("门店购买", "门店")
        zh_use_and_feedback(j, ch, pickup=False, in_store=True)
        return j.events

    in_store = False
    if kind == "mid_cart":
        zh_session_noise(j, ch)
        j.add("加入购物车", ch)
        go = True
    else:
        for k in range(d.between(1, 4)):
            if k:
                j.later(1.5)
            tp = d.pick(ZH_AWARE)
            j.add(tp, d.pick(ZH_AWARE_CHANNEL[tp]))
        if not d.chance(0.62):
            if d.chance(0.15):
                j.later(5.0)
                zh_session_noise(j, ch)
            if d.chance(0.03):
                j.add("取消订阅", "官网")
            return j.events
        j.later(1.5 * slow)
        go = False
        if d.chance(0.1):
            in_store = True
            j.add("到店体验", "门店")
            if d.chance(0.55):
                j.add("门店购买", "门店", gap_min=(10, 40))
                zh_use_and_feedback(j, ch, pickup=False, in_store=True)
            return j.events
        for k in range(d.between(1, 3)):
            if k:
                j.later(1.0)
            zh_session_noise(j, ch)
            for _ in range(d.between(1, 3)):
                j.add("浏览详情页", ch)
        if d.chance(0.35):
            j.add("查看评价", ch)
        if d.chance(0.2):
            j.add("收藏商品", ch)
        chat = d.chance(0.15)
        if chat:
            j.add("售前咨询", "客服热线" if d.chance(0.25) else ch)
        coupon = d.chance(0.2)
        if coupon:
            j.add("领取优惠券", ch)
        if d.chance(0.45 + (0.4 if chat else 0.0) + (0.2 if coupon else 0.0)):
            if d.chance(0.4):
                j.later(1.0 * slow)
                zh_session_noise(j, ch)
            j.add("加入购物车", ch)
            go = True
        elif d.chance(0.3):
            j.later(3.0)
            zh_session_noise(j, ch)
            j.add("浏览详情页", ch)

    if not go or not d.chance(0.82):
        return j.events
    if d.chance(0.25):
        j.later(0.6)
        zh_session_noise(j, ch)
    if d.chance(0.05):
        j.add("重置密码", ch, gap_min=(1, 5))
    paid = False
    attempts = 2 if d.chance(0.38) else 1
    for attempt in range(attempts):
        if d.chance(0.4 if attempt == 0 else 0.55):
            j.add("结算", ch)
            j.add("支付成功", ch, gap_min=(1, 4))
            paid = True
            break
        j.add("结算", ch, "结算失败")
        if ch in ZH_DIGITAL and d.chance(0.15):
            j.add("退出登录", ch, gap_min=(1, 5))
        if attempt + 1 < attempts:
            j.later(1.5)
            zh_session_noise(j, ch)
    if paid:
        zh_use_and_feedback(j, ch, pickup=d.chance(0.25), in_store=in_store)
        if d.chance(0.12):
            j.later(8.0)
            j.add("浏览详情页", ch)
    if ch == "APP":
        j.sprinkle("打开APP", ch, d.between(0, 4))
    elif d.chance(0.5):
        j.sprinkle("登录", ch, d.between(1, 2))
    return j.events


def zh_rows(n_customers: int) -> list[list[str]]:
    d = Dice(SEED + 1)
    journeys = []
    for i in range(n_customers):
        t0 = start_time(d)
        journeys.append((f"U{200001 + i}", zh_customer(d, t0)))
    # Most systems here export China time (+08:00); only the APP's analytics export UTC (Z).
    return to_rows(d, journeys, ZH_SCORES, {"官网", "小程序", "门店", "客服热线"}, 0.0)


ZH_YAML = """\
# cjtool 示例模型：五阶段客户体验旅程（中文接触点、中文渠道、中文列名）。
# 数据由 examples/generate.py 生成：examples/zh/旅程事件.csv（UTF-8），
# 以及同样内容的 旅程事件_gbk.csv（GBK 编码，Excel 中文版另存的格式）和 旅程事件_bom.csv（带 BOM 的 UTF-8）。
# 试一试：
#   cjtool validate --model examples/zh/旅程模型.yaml examples/zh/旅程事件.csv
#   cjtool map examples/zh/旅程事件.csv --model examples/zh/旅程模型.yaml
# 本文件须保存为 UTF-8。

# name：模型的简短标识，显示在输出中（JSON 的 "model"）。
name: experience_zh
# title：旅程图的标题；可以是一段文字，也可以按语言分别写（en、zh）。
title: {zh: "客户体验旅程（示例）", en: "Customer experience journey (example)"}
description: 意识、考虑、购买、使用、反馈五个阶段的客户体验旅程。

# mode：如何判断客户走到了哪一步。
#   ordered  - 各阶段必须按时间先后依次到达（漏斗）；默认值。
#   furthest - 客户接触过的最高阶段（人群/生命周期视角）。
mode: ordered
# window：在 ordered 模式下，每一步都必须发生在客户第一个阶段事件之后的这段时间内；
# 写成数字加单位：s 秒、m 分、h 时、d 天、w 周（如 30d、12h、90m）。不限时间就删掉这一行。
window: 60d
# timestamp_format：cjtool 自己读不出的时间写法，用 strftime 格式（可写多个）说明，例如 "%d/%m/%Y %H:%M"。
# 删掉则自动读取 ISO 8601（可带时区，如 +08:00）、日期、Excel 显示的 2026/3/4 9:05、
# 20260304101500 这样的紧凑写法，以及秒/毫秒时间戳。
# timestamp_format: "%d/%m/%Y %H:%M"

# columns：每个角色对应 CSV 的哪一列（列名）；没写的角色按角色名本身找列。
# 必填：customer_id（客户）、timestamp（时间）、touchpoint（接触点）。
# 选填：channel（渠道）、satisfaction（满意度 CSAT）、nps（推荐意愿 0-10）、effort（费力度 CES）。
columns:
  customer_id: 客户ID
  timestamp: 时间
  touchpoint: 接触点
  channel: 渠道
  satisfaction: 满意度
  nps: 推荐意愿
  effort: 费力度

# stages：按旅程顺序列出各阶段。每个事件归入第一个与之匹配的阶段：
#   id：阶段标识：任何语言的文字、数字、下划线、- 或 .，不含空格（如 认知、aware）；
#   touchpoints：接触点名称的完整列表，和/或
#   match：正则表达式，在接触点名称中任意位置查找（Rust/polars 语法：不支持前后断言和反向引用）；
#   channels：（可选）事件的渠道也必须是其中之一，例如 channels: [门店, 客服热线]；
#   label：阶段名称，文字或 {en: ..., zh: ...}；description：说明文字；
#   moment_of_truth：（可选）本阶段包含的关键时刻（真相时刻）。
# 没有任何阶段匹配的事件（本数据中的 登录、退出登录、打开APP、重置密码、取消订阅）
# 计为"未归类"，不计入旅程指标。
stages:
  - id: awareness
    label: {zh: 意识, en: Awareness}
    description: 第一次知道品牌或商品。
    moment_of_truth: 初次接触
    touchpoints: [看到广告, 搜索商品, 朋友推荐]
    match: "种草|直播"
  - id: consideration
    label: {zh: 考虑, en: Consideration}
    description: 了解商品、比较、咨询，加入购物车。
    touchpoints: [浏览详情页, 查看评价, 收藏商品, 领取优惠券, 售前咨询, 到店体验, 加入购物车]
  - id: purchase
    label: {zh: 购买, en: Purchase}
    description: 在线结算支付，或在门店购买。
    moment_of_truth: 购买决策
    touchpoints: [结算, 支付成功, 门店购买]
  - id: use
    label: {zh: 使用, en: Use}
    description: 收货或到店自提、使用产品，遇到问题联系客服。
    moment_of_truth: 售后服务
    touchpoints: [收到商品, 门店自提, 使用产品, 联系客服, 申请退货]
  - id: feedback
    label: {zh: 反馈, en: Feedback}
    description: 评价、填写问卷、推荐好友、再次购买。
    moment_of_truth: 评价与推荐
    touchpoints: [发表评价, 填写问卷, 推荐好友, 再次购买]

# scores：各评分列的量表；超出范围的值按缺失处理。（推荐意愿 NPS 固定为 0-10。）
scores:
  satisfaction: {min: 1, max: 5}
  effort: {min: 1, max: 7}

# ranking：痛点排序方法。
#   优先级 = (w_drop_off × 流失率 + w_dissatisfaction × 不满意度) / 权重之和
#   min_customers：接触客户数少于此值的接触点不参与排名（样本太少，不可信）。
ranking:
  weights: {drop_off: 1, dissatisfaction: 1}
  min_customers: 30

# gates：`cjtool check` 的阈值（任何一项不达标，CI 步骤即失败）。
#   min_conversion：阶段 id -> 相对第一阶段的最低转化率
#   min_satisfaction：阶段 id 或接触点 -> 最低平均满意度
#   max_drop_off：阶段 id（流失到下一阶段的比例）或接触点（流失率）-> 最高值
#   min_nps：阶段 id 或接触点 -> 最低 NPS
gates:
  min_conversion: {purchase: 0.05}
  min_satisfaction: {结算: 3.0, 门店自提: 4.0}
  max_drop_off: {结算: 0.3}
"""


# --------------------------------------------------------------------------- writing


def csv_text(header: list[str], rows: list[list[str]], newline: str) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator=newline)
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


# --------------------------------------------------------------------------- who: personas, revenue, customer file
# Added after the journeys are drawn, from dice of their own, so the events above are the
# same draws: a persona per customer (more likely the one that fits how far they got, so
# segments differ as real ones do), revenue on purchases (by persona), a CRM customer file.

PERSONA_BY_OUTCOME = {  # outcome -> persona weights
    "loyal": {"loyal_fan": 50, "deal_hunter": 22, "impulse_buyer": 18, "researcher": 10},
    "paid": {"deal_hunter": 36, "impulse_buyer": 30, "researcher": 20, "loyal_fan": 14},
    "interested": {"researcher": 44, "deal_hunter": 26, "impulse_buyer": 20, "loyal_fan": 10},
    "aware": {"impulse_buyer": 42, "researcher": 30, "deal_hunter": 20, "loyal_fan": 8},
}
BASKET = {"loyal_fan": 420.0, "impulse_buyer": 260.0, "researcher": 310.0, "deal_hunter": 140.0}  # mean order value
PURCHASES = {"order_paid", "store_purchase", "repeat_purchase"}
TIER_BY_PERSONA = {  # CRM membership tier
    "loyal_fan": {"gold": 45, "silver": 35, "bronze": 20},
    "deal_hunter": {"gold": 10, "silver": 35, "bronze": 55},
    "impulse_buyer": {"gold": 12, "silver": 30, "bronze": 58},
    "researcher": {"gold": 15, "silver": 40, "bronze": 45},
}
REGIONS = {"tier1_city": 40, "tier2_city": 35, "lower_tier": 25}


def aipl_outcome(touchpoints: set[str]) -> str:
    if touchpoints & {"repeat_purchase", "member_signup", "referral_share", "review_posted"}:
        return "loyal"
    if touchpoints & {"order_paid", "store_purchase"}:
        return "paid"
    if touchpoints & {"product_page_view", "add_to_cart", "store_visit", "presale_chat"}:
        return "interested"
    return "aware"


def aipl_who(rows: list[list[str]]) -> tuple[list[list[str]], list[list[str]]]:
    """Rows with `persona` and `revenue` columns, and the customer file's rows."""
    d = Dice(SEED + 11)
    seen: dict[str, set[str]] = {}
    for r in rows:
        seen.setdefault(r[0], set()).add(r[2])
    persona = {cid: d.pick(PERSONA_BY_OUTCOME[aipl_outcome(tps)]) for cid, tps in sorted(seen.items())}
    out = []
    for r in rows:
        p = persona[r[0]]
        revenue = ""
        if r[2] in PURCHASES:
            revenue = f"{BASKET[p] * (0.4 + 1.2 * d.r.random()):.2f}"
        out.append([*r, p, revenue])
    customers = [
        [cid, d.pick(TIER_BY_PERSONA[p]), d.pick(REGIONS)]
        for cid, p in persona.items()
        if d.chance(0.92)  # new customers are not in the CRM yet: (none)
    ]
    return out, customers


def write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    print(f"wrote {path.relative_to(HERE.parent)} ({len(data):,} bytes)")


def main() -> None:
    rows = aipl_rows(4500)
    write(HERE / "aipl.yaml", AIPL_YAML.encode("utf-8"))
    rows, crm = aipl_who(rows)
    write(HERE / "aipl_events.csv", csv_text([*HEADER_EN, "persona", "revenue"], rows, "\n").encode("utf-8"))
    write(HERE / "customers.csv", csv_text(["customer_id", "tier", "region"], crm, "\n").encode("utf-8"))

    zh = zh_rows(1500)
    zh_dir = HERE / "zh"
    write(zh_dir / "旅程模型.yaml", ZH_YAML.encode("utf-8"))
    write(zh_dir / "旅程事件.csv", csv_text(HEADER_ZH, zh, "\n").encode("utf-8"))
    # Excel (Chinese Windows) "CSV (逗号分隔)": GBK, CRLF. encode() fails loudly on a non-GBK name.
    write(zh_dir / "旅程事件_gbk.csv", csv_text(HEADER_ZH, zh, "\r\n").encode("gbk"))
    # Excel "CSV UTF-8 (逗号分隔)": UTF-8 with a byte-order mark, CRLF.
    write(zh_dir / "旅程事件_bom.csv", csv_text(HEADER_ZH, zh, "\r\n").encode("utf-8-sig"))


if __name__ == "__main__":
    main()
