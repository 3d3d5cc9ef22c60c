#!/usr/bin/env python3
"""The benchmark model of benches/model.toml in vectorised NumPy.

What a good Python analyst writes: arrays over runs, a loop over the 24
monthly steps, numpy.random.Generator(PCG64), betas by rng.beta (PERT as a
scaled beta), every draw of a step made for all runs at once and masked where
it does not apply (drawing for a subset of runs would cost an index per
draw). Prints runs per second and the outcome means, to compare with
`cargo bench --bench engine` (its check prints polsim's and the hand-written
model's means for the same outcomes).

    python3 benches/numpy_model.py --runs 1000000

NumPy is for this benchmark only; polsim's build and tests never need it.
"""

import argparse
import time

import numpy as np

STEPS = 24

OUTCOMES = [
    "deal_by_24",
    "breakdown_by_24",
    "deal_month",
    "spoiler_attacks",
    "clashes",
    "defections",
    "peak_violence",
    "mean_trust",
    "final_economy",
    "final_displaced",
    "casualties",
    "relief_by_24",
    "aid_cut_by_24",
]


def logistic(x):
    return 1.0 / (1.0 + np.exp(-x))


def pert(rng, lo, mode, hi, n):
    w = hi - lo
    return lo + w * rng.beta(1 + 4 * (mode - lo) / w, 1 + 4 * (hi - mode) / w, n)


def simulate(runs, seed):
    """Every run of the model at once; returns {outcome: array over runs}."""
    rng = np.random.Generator(np.random.PCG64(seed))
    n = runs

    # Parameters.
    mediator = rng.beta(5, 3, n)
    hardliners = rng.beta(2, 5, n)
    base_deal = pert(rng, 0.01, 0.03, 0.08, n)
    base_breakdown = pert(rng, 0.005, 0.02, 0.05, n)
    spoiler_rate = rng.beta(0.8, 6, n)
    relief_effect = pert(rng, 0.1, 0.3, 0.7, n)
    trust0 = rng.uniform(0.15, 0.4, n)
    growth = rng.normal(0.002, 0.004, n)
    aid0 = rng.lognormal(3, 0.4, n)
    violence0 = rng.triangular(0.1, 0.3, 0.6, n)

    # Per-run invariants.
    k_progress = 0.04 * mediator
    k_fatigue = 0.03 * (1 - mediator)
    k_relief_open = 0.02 * mediator
    k_relief_economy = 0.02 * relief_effect
    growth1 = 1 + growth

    # State. talks: 0 open, 1 deal, 2 breakdown.
    talks = np.zeros(n, dtype=np.int8)
    progress = np.full(n, 0.1)
    trust = trust0.copy()
    violence = violence0.copy()
    hardliner_power = hardliners.copy()
    economy = np.ones(n)
    public_support = np.full(n, 0.5)
    aid = aid0.copy()
    displaced = np.zeros(n)
    casualties = np.zeros(n)
    relief_phase = np.zeros(n)
    fatigue = np.zeros(n)
    relief = np.zeros(n, dtype=bool)
    aid_cut = np.zeros(n, dtype=bool)

    # Aggregates.
    deal_month = np.full(n, np.nan)
    spoilers = np.zeros(n)
    clashes = np.zeros(n)
    defections = np.zeros(n)
    peak_violence = np.full(n, -np.inf)
    trust_sum = np.zeros(n)

    for t in range(1, STEPS + 1):
        u = rng.random((6, n))
        z = rng.standard_normal((3, n))
        is_open = talks == 0
        deal = (talks == 1).astype(np.float64)
        broken = (talks == 2).astype(np.float64)
        open_f = is_open.astype(np.float64)

        # Events, from the previous step's state.
        p_spoiler = np.clip(
            spoiler_rate * (0.5 + hardliner_power) * (1 + open_f * progress), 0, 1
        )
        spoiler = (u[0] < p_spoiler).astype(np.float64)
        clash = (u[1] < logistic(-3 + 4 * violence - 1.5 * deal)).astype(np.float64)
        p_defection = np.where(
            is_open, 0.02 + 0.08 * progress * (1 - hardliner_power), 0.0
        )
        defection = (u[2] < p_defection).astype(np.float64)
        p_relief = np.where(
            talks == 1, 0.3, np.where(talks == 2, 0.0, k_relief_open * progress)
        )
        relief |= u[3] < p_relief
        aid_cut |= u[4] < np.where(talks == 2, 0.15, 0.004)
        relief_v = relief.astype(np.float64)
        aid_cut_v = aid_cut.astype(np.float64)

        # Derived: the chances of the talks and the aid target.
        p_deal = np.clip(
            base_deal
            * (0.4 + 2 * progress)
            * (0.5 + mediator * (1 - fatigue))
            * (0.6 + 0.8 * public_support),
            0,
            0.5,
        )
        p_break = np.clip(
            base_breakdown
            * (1 + 2 * hardliner_power + 3 * violence + 0.5 * aid_cut_v),
            0,
            0.5,
        )
        roll = u[5]
        new_talks = np.where(
            is_open,
            np.where(roll < p_deal, 1, np.where(roll < p_deal + p_break, 2, 0)),
            talks,
        ).astype(np.int8)
        aid_target = aid0 * (1 + 0.5 * deal) * (1 - 0.6 * aid_cut_v)

        # Every state advances at once, from the previous values.
        new_progress = np.where(
            is_open,
            np.clip(
                progress
                + k_progress * (1 - fatigue) * (0.5 + trust)
                - 0.05 * spoiler
                - 0.03 * clash
                + 0.02 * defection
                + 0.02 * z[0],
                0,
                1,
            ),
            progress,
        )
        new_fatigue = np.where(
            is_open,
            np.clip(fatigue + k_fatigue + 0.02 * (1 - fatigue) * spoiler, 0, 1),
            fatigue,
        )
        new_trust = np.clip(
            trust
            + 0.03 * progress * open_f
            - 0.06 * spoiler
            - 0.04 * clash
            + 0.1 * deal * (1 - trust)
            - 0.1 * broken * trust,
            0,
            1,
        )
        new_violence = np.clip(
            0.85 * violence + 0.06 * clash + 0.1 * spoiler + 0.05 * broken - 0.03 * deal,
            0,
            1,
        )
        new_hardliner_power = np.clip(
            hardliner_power
            + 0.05 * (violence - 0.3)
            - 0.03 * defection
            + 0.02 * aid_cut_v
            - 0.02 * relief_phase,
            0,
            1,
        )
        new_economy = np.clip(
            economy
            * (
                growth1
                + k_relief_economy * relief_phase
                - 0.015 * violence
                + 0.0002 * aid
                + 0.01 * z[1]
            ),
            0.3,
            2,
        )
        new_public_support = np.clip(
            public_support
            + 0.1
            * (
                logistic(4 * (economy - 1) + 2 * progress - 3 * violence)
                - public_support
            )
            + 0.03 * z[2],
            0,
            1,
        )
        new_aid = np.maximum(aid + 0.2 * (aid_target - aid), 0)
        new_displaced = np.maximum(
            0.97 * displaced + 20 * violence + 15 * clash - 5 * deal, 0
        )
        new_casualties = np.maximum(
            casualties + 3 * clash + 8 * spoiler * (1 + violence), 0
        )
        new_relief_phase = np.clip(
            relief_phase + relief_v * (1 - relief_phase) * 0.2, 0, 1
        )

        talks = new_talks
        progress = new_progress
        fatigue = new_fatigue
        trust = new_trust
        violence = new_violence
        hardliner_power = new_hardliner_power
        economy = new_economy
        public_support = new_public_support
        aid = new_aid
        displaced = new_displaced
        casualties = new_casualties
        relief_phase = new_relief_phase

        # Outcome aggregates, on the new state.
        deal_month[(talks == 1) & np.isnan(deal_month)] = t
        spoilers += spoiler
        clashes += clash
        defections += defection
        np.maximum(peak_violence, violence, out=peak_violence)
        trust_sum += trust

    return {
        "deal_by_24": (talks == 1).astype(np.float64),
        "breakdown_by_24": (talks == 2).astype(np.float64),
        "deal_month": deal_month,
        "spoiler_attacks": spoilers,
        "clashes": clashes,
        "defections": defections,
        "peak_violence": peak_violence,
        "mean_trust": trust_sum / STEPS,
        "final_economy": economy,
        "final_displaced": displaced,
        "casualties": casualties,
        "relief_by_24": relief.astype(np.float64),
        "aid_cut_by_24": aid_cut.astype(np.float64),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--repeats", type=int, default=1, help="time this many times; report the best")
    args = ap.parse_args()

    best = float("inf")
    out = None
    for _ in range(max(args.repeats, 1)):
        start = time.perf_counter()
        out = simulate(args.runs, args.seed)
        best = min(best, time.perf_counter() - start)

    print(f"numpy {np.__version__}, {args.runs} runs, seed {args.seed}")
    print(
        f"  {args.runs / best:,.0f} runs/s, {best * 1e6 / args.runs:.3f} us per run "
        f"(best of {max(args.repeats, 1)}; the simulation only, no import)"
    )
    print(f"  {'outcome':<16} {'mean':>12} {'se':>10}")
    for name in OUTCOMES:
        v = out[name]
        v = v[~np.isnan(v)]
        se = v.std(ddof=1) / np.sqrt(len(v)) if len(v) > 1 else float("nan")
        print(f"  {name:<16} {v.mean():>12.5f} {se:>10.5f}")


if __name__ == "__main__":
    main()
