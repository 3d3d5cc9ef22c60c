//! The benchmark model of `benches/model.toml`, written by hand in plain Rust
//! as a competent engineer would write a one-off simulation of it:
//!
//! - one random stream per run: xoshiro256++ seeded by SplitMix64
//!   (`Xoshiro256PlusPlus::seed_from_u64`) from the seed and the run index, so
//!   runs are independent of each other and of the thread that computes them;
//! - Beta by the gamma ratio X / (X + Y), the gammas by Marsaglia and Tsang's
//!   method (with the usual boost `gamma(a + 1) * U^(1/a)` for a shape below
//!   1); PERT as a scaled Beta; normals by `rand_distr`'s ziggurat
//!   (`StandardNormal`); the samplers' constants computed once;
//! - per-run invariants (products of parameters) hoisted out of the step loop;
//! - conditional draws only when their condition holds: the monthly roll of
//!   the talks, the progress noise and the defection event only while the
//!   talks are open, the once-only events only until they happen (and sanctions
//!   relief not after a breakdown, when its chance is 0);
//! - outcome statistics as running sums, plus every run's value so quantiles
//!   could be computed.
//!
//! Its random numbers are its own, so they are independent of polsim's and
//! the comparison of the two models' outcome means is a genuine statistical
//! check.
//!
//! Semantics follow the scenario file: each step computes the events and the
//! derived variables from the previous step's state (in dependency order: the
//! chance of a breakdown and the aid target read this step's `aid_cut`), then
//! every state advances at once and is clamped to its bounds, then the
//! outcome aggregates see the new state.

pub mod floor;

use rand::{RngExt, SeedableRng};
use rand_distr::{Distribution, StandardNormal};
use rand_xoshiro::Xoshiro256PlusPlus;

pub const STEPS: u32 = 24;

/// Outcome names, in the order of `[outcomes]` in the scenario file.
pub const OUTCOMES: [&str; 13] = [
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
];
const N_OUT: usize = OUTCOMES.len();

/// Mixes the run index into the seed (an odd constant: the golden ratio).
const RUN_MIX: u64 = 0x9E37_79B9_7F4A_7C15;

/// The random stream of run `run`: one per run, for every draw of the run.
#[inline]
pub fn stream(seed: u64, run: u64) -> Xoshiro256PlusPlus {
    Xoshiro256PlusPlus::seed_from_u64(seed ^ run.wrapping_mul(RUN_MIX))
}

/// Where the model's uniform and standard normal numbers come from: the
/// generator itself, or (to count the draws) a wrapper around it.
pub trait Source {
    /// Uniform on [0, 1), 53 bits.
    fn uniform(&mut self) -> f64;
    /// Standard normal (ziggurat).
    fn normal(&mut self) -> f64;
}

impl Source for Xoshiro256PlusPlus {
    #[inline(always)]
    fn uniform(&mut self) -> f64 {
        self.random::<f64>()
    }
    #[inline(always)]
    fn normal(&mut self) -> f64 {
        StandardNormal.sample(self)
    }
}

/// A [`Source`] that counts what it hands out.
pub struct Counting<S> {
    pub inner: S,
    pub uniforms: u64,
    pub normals: u64,
}

impl<S: Source> Source for Counting<S> {
    fn uniform(&mut self) -> f64 {
        self.uniforms += 1;
        self.inner.uniform()
    }
    fn normal(&mut self) -> f64 {
        self.normals += 1;
        self.inner.normal()
    }
}

/// Gamma(shape, 1) by Marsaglia and Tsang (2000), its constants computed once.
#[derive(Clone, Copy)]
pub struct Gamma {
    d: f64,
    c: f64,
    /// 1 / shape for a shape below 1 (the boost), else 0.
    inv_shape: f64,
}

impl Gamma {
    pub fn new(shape: f64) -> Gamma {
        assert!(shape > 0.0);
        let (a, inv_shape) = if shape < 1.0 {
            (shape + 1.0, 1.0 / shape)
        } else {
            (shape, 0.0)
        };
        let d = a - 1.0 / 3.0;
        Gamma {
            d,
            c: 1.0 / (9.0 * d).sqrt(),
            inv_shape,
        }
    }

    #[inline]
    pub fn sample<S: Source>(&self, rng: &mut S) -> f64 {
        let g = loop {
            let (x, v) = loop {
                let x = rng.normal();
                let v = 1.0 + self.c * x;
                if v > 0.0 {
                    break (x, v * v * v);
                }
            };
            let u = rng.uniform();
            let x2 = x * x;
            if u < 1.0 - 0.0331 * x2 * x2 || u.ln() < 0.5 * x2 + self.d * (1.0 - v + v.ln()) {
                break self.d * v;
            }
        };
        if self.inv_shape > 0.0 {
            g * rng.uniform().powf(self.inv_shape)
        } else {
            g
        }
    }
}

/// Beta(a, b) as X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b); scaled to
/// [lo, lo + width] (width 1 and lo 0 for a plain Beta, PERT otherwise).
#[derive(Clone, Copy)]
pub struct Beta {
    x: Gamma,
    y: Gamma,
    lo: f64,
    width: f64,
}

impl Beta {
    pub fn new(a: f64, b: f64) -> Beta {
        Beta {
            x: Gamma::new(a),
            y: Gamma::new(b),
            lo: 0.0,
            width: 1.0,
        }
    }

    /// PERT(min, mode, max): a Beta with lambda 4, scaled to [min, max].
    pub fn pert(min: f64, mode: f64, max: f64) -> Beta {
        let w = max - min;
        Beta {
            lo: min,
            width: w,
            ..Beta::new(1.0 + 4.0 * (mode - min) / w, 1.0 + 4.0 * (max - mode) / w)
        }
    }

    #[inline]
    pub fn sample<S: Source>(&self, rng: &mut S) -> f64 {
        let x = self.x.sample(rng);
        let y = self.y.sample(rng);
        self.lo + self.width * (x / (x + y))
    }
}

/// Triangular(min, mode, max) by inversion, from one uniform.
#[derive(Clone, Copy)]
pub struct Triangular {
    min: f64,
    max: f64,
    split: f64,
    left: f64,
    right: f64,
}

impl Triangular {
    pub fn new(min: f64, mode: f64, max: f64) -> Triangular {
        let w = max - min;
        Triangular {
            min,
            max,
            split: (mode - min) / w,
            left: w * (mode - min),
            right: w * (max - mode),
        }
    }

    #[inline]
    pub fn sample<S: Source>(&self, rng: &mut S) -> f64 {
        let u = rng.uniform();
        if u < self.split {
            self.min + (u * self.left).sqrt()
        } else {
            self.max - ((1.0 - u) * self.right).sqrt()
        }
    }
}

/// The parameter distributions, built once.
pub struct Samplers {
    pub mediator: Beta,
    pub hardliners: Beta,
    pub base_deal: Beta,
    pub base_breakdown: Beta,
    pub spoiler_rate: Beta,
    pub relief_effect: Beta,
    pub violence0: Triangular,
}

impl Samplers {
    pub fn new() -> Samplers {
        Samplers {
            mediator: Beta::new(5.0, 3.0),
            hardliners: Beta::new(2.0, 5.0),
            base_deal: Beta::pert(0.01, 0.03, 0.08),
            base_breakdown: Beta::pert(0.005, 0.02, 0.05),
            spoiler_rate: Beta::new(0.8, 6.0),
            relief_effect: Beta::pert(0.1, 0.3, 0.7),
            violence0: Triangular::new(0.1, 0.3, 0.6),
        }
    }
}

impl Default for Samplers {
    fn default() -> Self {
        Samplers::new()
    }
}

/// One run's parameters.
pub struct Params {
    mediator: f64,
    hardliners: f64,
    base_deal: f64,
    base_breakdown: f64,
    spoiler_rate: f64,
    relief_effect: f64,
    trust0: f64,
    growth: f64,
    aid0: f64,
    violence0: f64,
}

/// Draws the 10 parameters, in the order of the scenario file.
#[inline]
pub fn draw_params<S: Source>(s: &Samplers, rng: &mut S) -> Params {
    Params {
        mediator: s.mediator.sample(rng),
        hardliners: s.hardliners.sample(rng),
        base_deal: s.base_deal.sample(rng),
        base_breakdown: s.base_breakdown.sample(rng),
        spoiler_rate: s.spoiler_rate.sample(rng),
        relief_effect: s.relief_effect.sample(rng),
        trust0: 0.15 + 0.25 * rng.uniform(),
        growth: 0.002 + 0.004 * rng.normal(),
        aid0: (3.0 + 0.4 * rng.normal()).exp(),
        violence0: s.violence0.sample(rng),
    }
}

/// 1 for yes, 0 for no.
#[inline(always)]
fn flag(b: bool) -> f64 {
    f64::from(u8::from(b))
}

#[inline(always)]
fn logistic(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// The state of the talks (the state variable `talks`: 0, 1, 2).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Talks {
    Open,
    Deal,
    Breakdown,
}

/// The 24 steps of one run, from its parameters: its outcome values, in the
/// order of [`OUTCOMES`] (NaN = none).
#[inline]
pub fn steps<S: Source>(p: &Params, rng: &mut S) -> [f64; N_OUT] {
    // Per-run invariants.
    let k_progress = 0.04 * p.mediator;
    let k_fatigue = 0.03 * (1.0 - p.mediator);
    let k_relief_open = 0.02 * p.mediator;
    let k_relief_economy = 0.02 * p.relief_effect;
    let growth1 = 1.0 + p.growth;
    let spoiler_rate = p.spoiler_rate;
    let base_deal = p.base_deal;
    let base_breakdown = p.base_breakdown;

    // State.
    let mut talks = Talks::Open;
    let mut progress = 0.1;
    let mut trust = p.trust0;
    let mut violence = p.violence0;
    let mut hardliner_power = p.hardliners;
    let mut economy = 1.0;
    let mut public_support = 0.5;
    let mut aid = p.aid0;
    let mut displaced: f64 = 0.0;
    let mut casualties: f64 = 0.0;
    let mut relief_phase: f64 = 0.0;
    let mut fatigue: f64 = 0.0;
    // Once-only events.
    let mut relief = false;
    let mut aid_cut = false;
    // Aggregates.
    let mut deal_month = f64::NAN;
    let mut spoilers = 0.0;
    let mut clashes = 0.0;
    let mut defections = 0.0;
    let mut peak_violence = f64::NEG_INFINITY;
    let mut trust_sum = 0.0;

    for t in 1..=STEPS {
        let open = talks == Talks::Open;
        let deal = flag(talks == Talks::Deal);
        let broken = flag(talks == Talks::Breakdown);

        // Events, from the previous step's state.
        let p_spoiler =
            (spoiler_rate * (0.5 + hardliner_power) * (1.0 + if open { progress } else { 0.0 }))
                .clamp(0.0, 1.0);
        let spoiler = flag(rng.uniform() < p_spoiler);
        let p_clash = logistic(-3.0 + 4.0 * violence - 1.5 * deal);
        let clash = flag(rng.uniform() < p_clash);
        let defection = if open {
            flag(rng.uniform() < 0.02 + 0.08 * progress * (1.0 - hardliner_power))
        } else {
            0.0
        };
        if !relief && talks != Talks::Breakdown {
            let p_relief = if talks == Talks::Deal {
                0.3
            } else {
                k_relief_open * progress
            };
            relief = rng.uniform() < p_relief;
        }
        if !aid_cut {
            aid_cut = rng.uniform()
                < if talks == Talks::Breakdown {
                    0.15
                } else {
                    0.004
                };
        }
        let relief_v = flag(relief);
        let aid_cut_v = flag(aid_cut);

        // The talks: one roll decides a deal, a breakdown or neither.
        let new_talks = if open {
            let p_deal = (base_deal
                * (0.4 + 2.0 * progress)
                * (0.5 + p.mediator * (1.0 - fatigue))
                * (0.6 + 0.8 * public_support))
                .clamp(0.0, 0.5);
            let p_break = (base_breakdown
                * (1.0 + 2.0 * hardliner_power + 3.0 * violence + 0.5 * aid_cut_v))
                .clamp(0.0, 0.5);
            let roll = rng.uniform();
            if roll < p_deal {
                Talks::Deal
            } else if roll < p_deal + p_break {
                Talks::Breakdown
            } else {
                Talks::Open
            }
        } else {
            talks
        };
        let aid_target = p.aid0 * (1.0 + 0.5 * deal) * (1.0 - 0.6 * aid_cut_v);

        // Every state advances at once, from the previous values.
        let new_progress = if open {
            (progress + k_progress * (1.0 - fatigue) * (0.5 + trust)
                - 0.05 * spoiler
                - 0.03 * clash
                + 0.02 * defection
                + 0.02 * rng.normal())
            .clamp(0.0, 1.0)
        } else {
            progress
        };
        let new_fatigue = if open {
            (fatigue + k_fatigue + 0.02 * (1.0 - fatigue) * spoiler).clamp(0.0, 1.0)
        } else {
            fatigue
        };
        let new_trust =
            (trust + if open { 0.03 * progress } else { 0.0 } - 0.06 * spoiler - 0.04 * clash
                + 0.1 * deal * (1.0 - trust)
                - 0.1 * broken * trust)
                .clamp(0.0, 1.0);
        let new_violence = (0.85 * violence + 0.06 * clash + 0.1 * spoiler + 0.05 * broken
            - 0.03 * deal)
            .clamp(0.0, 1.0);
        let new_hardliner_power = (hardliner_power + 0.05 * (violence - 0.3) - 0.03 * defection
            + 0.02 * aid_cut_v
            - 0.02 * relief_phase)
            .clamp(0.0, 1.0);
        let new_economy = (economy
            * (growth1 + k_relief_economy * relief_phase - 0.015 * violence
                + 0.0002 * aid
                + 0.01 * rng.normal()))
        .clamp(0.3, 2.0);
        let new_public_support = (public_support
            + 0.1
                * (logistic(4.0 * (economy - 1.0) + 2.0 * progress - 3.0 * violence)
                    - public_support)
            + 0.03 * rng.normal())
        .clamp(0.0, 1.0);
        let new_aid = (aid + 0.2 * (aid_target - aid)).max(0.0);
        let new_displaced =
            (0.97 * displaced + 20.0 * violence + 15.0 * clash - 5.0 * deal).max(0.0);
        let new_casualties = (casualties + 3.0 * clash + 8.0 * spoiler * (1.0 + violence)).max(0.0);
        let new_relief_phase =
            (relief_phase + relief_v * (1.0 - relief_phase) * 0.2).clamp(0.0, 1.0);

        talks = new_talks;
        progress = new_progress;
        fatigue = new_fatigue;
        trust = new_trust;
        violence = new_violence;
        hardliner_power = new_hardliner_power;
        economy = new_economy;
        public_support = new_public_support;
        aid = new_aid;
        displaced = new_displaced;
        casualties = new_casualties;
        relief_phase = new_relief_phase;

        // Outcome aggregates, on the new state.
        if talks == Talks::Deal && deal_month.is_nan() {
            deal_month = f64::from(t);
        }
        spoilers += spoiler;
        clashes += clash;
        defections += defection;
        peak_violence = peak_violence.max(violence);
        trust_sum += trust;
    }

    [
        flag(talks == Talks::Deal),
        flag(talks == Talks::Breakdown),
        deal_month,
        spoilers,
        clashes,
        defections,
        peak_violence,
        trust_sum / f64::from(STEPS),
        economy,
        displaced,
        casualties,
        flag(relief),
        flag(aid_cut),
    ]
}

/// One run: its outcome values, in the order of [`OUTCOMES`] (NaN = none).
#[inline]
pub fn run(s: &Samplers, seed: u64, run: u64) -> [f64; N_OUT] {
    let mut rng = stream(seed, run);
    let p = draw_params(s, &mut rng);
    steps(&p, &mut rng)
}

/// How many uniforms and normals run `run` draws: (uniforms, normals) for
/// its parameters and for its steps.
pub fn count_draws(s: &Samplers, seed: u64, run: u64) -> ((u64, u64), (u64, u64)) {
    let mut rng = Counting {
        inner: stream(seed, run),
        uniforms: 0,
        normals: 0,
    };
    let p = draw_params(s, &mut rng);
    let params = (rng.uniforms, rng.normals);
    std::hint::black_box(steps(&p, &mut rng));
    (params, (rng.uniforms - params.0, rng.normals - params.1))
}

/// Outcome statistics over runs: running sums for the means and standard
/// errors, and every run's value so quantiles could be computed.
pub struct Outcomes {
    pub runs: u64,
    /// `values[o]`: outcome `o` of every run, in run order (NaN = none).
    pub values: Vec<Vec<f64>>,
    count: [u64; N_OUT],
    sum: [f64; N_OUT],
    sum_sq: [f64; N_OUT],
}

impl Outcomes {
    pub fn new(capacity: usize) -> Outcomes {
        Outcomes {
            runs: 0,
            values: (0..N_OUT).map(|_| Vec::with_capacity(capacity)).collect(),
            count: [0; N_OUT],
            sum: [0.0; N_OUT],
            sum_sq: [0.0; N_OUT],
        }
    }

    #[inline]
    pub fn add(&mut self, v: &[f64; N_OUT]) {
        self.runs += 1;
        for (o, &x) in v.iter().enumerate() {
            self.values[o].push(x);
            if !x.is_nan() {
                self.count[o] += 1;
                self.sum[o] += x;
                self.sum_sq[o] += x * x;
            }
        }
    }

    /// Append another range of runs (the next one in run order).
    pub fn append(&mut self, other: Outcomes) {
        self.runs += other.runs;
        for o in 0..N_OUT {
            self.values[o].extend_from_slice(&other.values[o]);
            self.count[o] += other.count[o];
            self.sum[o] += other.sum[o];
            self.sum_sq[o] += other.sum_sq[o];
        }
    }

    /// Mean of outcome `o` over the runs where it has a value.
    pub fn mean(&self, o: usize) -> f64 {
        self.sum[o] / self.count[o] as f64
    }

    /// Standard error of that mean.
    pub fn se(&self, o: usize) -> f64 {
        let n = self.count[o] as f64;
        let mean = self.mean(o);
        let var = (self.sum_sq[o] / n - mean * mean) * n / (n - 1.0);
        (var.max(0.0) / n).sqrt()
    }
}

/// Runs `first..first + runs`, one after another.
pub fn simulate_range(s: &Samplers, seed: u64, first: u64, runs: u64) -> Outcomes {
    let mut out = Outcomes::new(runs as usize);
    for r in first..first + runs {
        out.add(&run(s, seed, r));
    }
    out
}

/// `runs` runs on `threads` threads, each taking a contiguous range of runs.
pub fn simulate(seed: u64, runs: u64, threads: usize) -> Outcomes {
    let s = Samplers::new();
    let threads = threads.max(1) as u64;
    if threads == 1 {
        return simulate_range(&s, seed, 0, runs);
    }
    let per = runs.div_ceil(threads);
    let parts: Vec<Outcomes> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|i| {
                let first = (i * per).min(runs);
                let n = per.min(runs - first);
                let s = &s;
                scope.spawn(move || simulate_range(s, seed, first, n))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("worker thread"))
            .collect()
    });
    let mut total = Outcomes::new(runs as usize);
    for part in parts {
        total.append(part);
    }
    total
}
