//! The benchmark model of `benches/model.toml`, written by hand in plain Rust:
//! a struct of state, a loop over runs and steps, `rand_distr` samplers built
//! once, and one random stream per (seed, run, variable) seeded exactly as
//! polsim seeds its streams (`polsim::engine::rng::stream`), so both do the
//! same seeding work. The stream keys are this file's own small integers, so
//! its draws are independent of polsim's and the comparison of the two is a
//! genuine statistical check.
//!
//! Semantics follow the scenario file: each step computes the derived
//! variables and the events from the previous step's state, then every state
//! advances at once and is clamped to its bounds, then the outcome aggregates
//! see the new state.

use polsim::engine::rng::{Stream, stream};
use rand::RngExt;
use rand::distr::Uniform;
use rand_distr::{Beta, Distribution, LogNormal, Normal, Pert, Poisson, Triangular};

pub const STEPS: u32 = 24;

/// Outcome names, in the order of `[outcomes]` in the scenario file.
pub const OUTCOMES: [&str; 11] = [
    "reform_by_24",
    "reform_month",
    "scandals",
    "shocks",
    "peak_backlog",
    "mean_trust",
    "final_uptake",
    "final_harm",
    "final_reserve",
    "crisis_ever",
    "peak_complaints",
];

// Stream keys: one per random variable.
const K_GROWTH: u64 = 1;
const K_CHURN: u64 = 2;
const K_TRUST0: u64 = 3;
const K_BASE_BUDGET: u64 = 4;
const K_COST_DRIFT: u64 = 5;
const K_ENFORCEMENT: u64 = 6;
const K_SHOCK_SIZE: u64 = 7;
const K_MEDIA_SENSITIVITY: u64 = 8;
const K_REFORM_BASE: u64 = 9;
const K_SHOCK_RATE: u64 = 10;
const K_CAPACITY0: u64 = 11;
const K_CRISIS_LEVEL: u64 = 12;
const K_REFORM: u64 = 13;
const K_SCANDAL: u64 = 14;
const K_SHOCKS: u64 = 15;
const K_CRISIS: u64 = 16;
const K_COMPLIANCE_NOISE: u64 = 17;

/// The parameter distributions, built once.
pub struct Samplers {
    growth: Pert<f64>,
    churn: Beta<f64>,
    trust0: Beta<f64>,
    base_budget: Normal<f64>,
    cost_drift: Uniform<f64>,
    enforcement: Triangular<f64>,
    shock_size: LogNormal<f64>,
    media_sensitivity: Pert<f64>,
    reform_base: Uniform<f64>,
    shock_rate: LogNormal<f64>,
    capacity0: Normal<f64>,
    crisis_level: Triangular<f64>,
    compliance_noise: Normal<f64>,
}

impl Samplers {
    pub fn new() -> Samplers {
        Samplers {
            growth: Pert::new(0.04, 0.25).with_mode(0.10).unwrap(),
            churn: Beta::new(2.0, 40.0).unwrap(),
            trust0: Beta::new(6.0, 4.0).unwrap(),
            base_budget: Normal::new(120.0, 15.0).unwrap(),
            cost_drift: Uniform::new(0.002, 0.012).unwrap(),
            enforcement: Triangular::new(0.2, 0.9, 0.5).unwrap(),
            shock_size: LogNormal::new(0.0, 0.5).unwrap(),
            media_sensitivity: Pert::new(0.3, 2.0).with_mode(0.8).unwrap(),
            reform_base: Uniform::new(0.005, 0.03).unwrap(),
            shock_rate: LogNormal::new(-2.3, 0.4).unwrap(),
            capacity0: Normal::new(60.0, 8.0).unwrap(),
            crisis_level: Triangular::new(50.0, 300.0, 150.0).unwrap(),
            compliance_noise: Normal::new(0.0, 0.02).unwrap(),
        }
    }
}

impl Default for Samplers {
    fn default() -> Self {
        Samplers::new()
    }
}

struct Params {
    growth: f64,
    churn: f64,
    trust0: f64,
    base_budget: f64,
    cost_drift: f64,
    enforcement: f64,
    shock_size: f64,
    media_sensitivity: f64,
    reform_base: f64,
    shock_rate: f64,
    capacity0: f64,
    crisis_level: f64,
}

#[derive(Clone, Copy)]
struct State {
    uptake: f64,
    trust: f64,
    media: f64,
    capacity: f64,
    backlog: f64,
    reserve: f64,
    unit_cost: f64,
    compliance: f64,
    harm: f64,
    shocks_total: f64,
    reformed: f64,
    complaints: f64,
}

/// 1 for yes, 0 for no.
fn flag(b: bool) -> f64 {
    f64::from(u8::from(b))
}

fn logistic(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

fn draw<D: Distribution<f64>>(d: &D, seed: u64, run: u64, key: u64) -> f64 {
    d.sample(&mut stream(seed, run, key))
}

/// One run: its outcome values, in the order of [`OUTCOMES`] (NaN = none).
pub fn run(s: &Samplers, seed: u64, run: u64) -> [f64; 11] {
    let p = Params {
        growth: draw(&s.growth, seed, run, K_GROWTH),
        churn: draw(&s.churn, seed, run, K_CHURN),
        trust0: draw(&s.trust0, seed, run, K_TRUST0),
        base_budget: draw(&s.base_budget, seed, run, K_BASE_BUDGET),
        cost_drift: draw(&s.cost_drift, seed, run, K_COST_DRIFT),
        enforcement: draw(&s.enforcement, seed, run, K_ENFORCEMENT),
        shock_size: draw(&s.shock_size, seed, run, K_SHOCK_SIZE),
        media_sensitivity: draw(&s.media_sensitivity, seed, run, K_MEDIA_SENSITIVITY),
        reform_base: draw(&s.reform_base, seed, run, K_REFORM_BASE),
        shock_rate: draw(&s.shock_rate, seed, run, K_SHOCK_RATE),
        capacity0: draw(&s.capacity0, seed, run, K_CAPACITY0),
        crisis_level: draw(&s.crisis_level, seed, run, K_CRISIS_LEVEL),
    };
    let mut rng_reform: Stream = stream(seed, run, K_REFORM);
    let mut rng_scandal = stream(seed, run, K_SCANDAL);
    let mut rng_shocks = stream(seed, run, K_SHOCKS);
    let mut rng_crisis = stream(seed, run, K_CRISIS);
    let mut rng_noise = stream(seed, run, K_COMPLIANCE_NOISE);

    let mut x = State {
        uptake: 0.05,
        trust: p.trust0,
        media: 0.0,
        capacity: p.capacity0,
        backlog: 0.0,
        reserve: p.base_budget * 3.0,
        unit_cost: 1.0,
        compliance: 0.5,
        harm: 0.0,
        shocks_total: 0.0,
        reformed: 0.0,
        complaints: 0.0,
    };
    let mut reform = false;
    let mut reform_month = f64::NAN;
    let mut scandals = 0.0;
    let mut shocks_count = 0.0;
    let mut peak_backlog = f64::NEG_INFINITY;
    let mut trust_sum = 0.0;
    let mut crisis_ever = false;
    let mut peak_complaints = f64::NEG_INFINITY;

    for t in 1..=STEPS {
        // Derived variables, from the previous step's state.
        let demand = 180.0 * x.uptake * (1.0 + 0.1 * x.media);
        let overload = (x.backlog / (x.capacity * 4.0)).clamp(0.0, 1.0);
        let spending =
            x.unit_cost * (x.capacity * 1.4 + 20.0 * p.enforcement) * (1.0 + 0.5 * x.compliance);
        let scandal_p = logistic(-4.0 + 3.0 * overload + 0.3 * x.media - 2.0 * p.enforcement);

        // Events.
        let p_reform = (p.reform_base * (1.0 + x.media)).clamp(0.0, 1.0);
        reform = reform || rng_reform.random::<f64>() < p_reform;
        let scandal = flag(rng_scandal.random::<f64>() < scandal_p);
        let shocks = Poisson::new(p.shock_rate * (1.0 + 2.0 * overload))
            .map_or(0.0, |d| d.sample(&mut rng_shocks));
        let p_crisis = if x.reserve < p.crisis_level {
            0.2
        } else {
            0.005
        };
        let crisis = rng_crisis.random::<f64>() < p_crisis;
        let reform_v = flag(reform);
        let crisis_v = flag(crisis);

        // Every state advances at once, from the previous values.
        let noise = s.compliance_noise.sample(&mut rng_noise);
        x = State {
            uptake: (x.uptake + p.growth * x.uptake * (1.0 - x.uptake) * (0.5 + x.trust)
                - p.churn * x.uptake * (1.0 - x.trust))
                .clamp(0.0, 1.0),
            trust: (x.trust + 0.05 * (0.6 - x.trust)
                - 0.12 * scandal
                - 0.02 * shocks
                - 0.002 * x.shocks_total
                + 0.04 * x.reformed
                - 0.01 * x.media)
                .clamp(0.0, 1.0),
            media: (0.7 * x.media + p.media_sensitivity * (scandal + 0.5 * shocks))
                .clamp(0.0, 10.0),
            capacity: (x.capacity + 0.02 * (x.reserve - 300.0) / x.unit_cost
                - 0.03 * x.capacity * overload
                + 2.0 * reform_v)
                .clamp(10.0, 200.0),
            backlog: (x.backlog + demand - x.capacity).clamp(0.0, 5000.0),
            reserve: (x.reserve + p.base_budget - spending - 40.0 * crisis_v).max(0.0),
            unit_cost: (x.unit_cost * (1.0 + p.cost_drift)).min(10.0),
            compliance: (x.compliance
                + 0.1 * (p.enforcement * (0.5 + x.trust) - x.compliance)
                + noise)
                .clamp(0.0, 1.0),
            harm: (x.harm + shocks * p.shock_size * (1.2 - x.compliance) + 0.002 * x.backlog)
                .max(0.0),
            shocks_total: (x.shocks_total + shocks).max(0.0),
            reformed: (x.reformed + reform_v * (1.0 - x.reformed) * 0.25).clamp(0.0, 1.0),
            complaints: (0.8 * x.complaints + 5.0 * overload * x.uptake + 3.0 * scandal)
                .clamp(0.0, 100.0),
        };

        // Outcome aggregates, on the new state.
        if reform && reform_month.is_nan() {
            reform_month = f64::from(t);
        }
        scandals += scandal;
        shocks_count += shocks;
        peak_backlog = peak_backlog.max(x.backlog);
        trust_sum += x.trust;
        crisis_ever |= crisis;
        peak_complaints = peak_complaints.max(x.complaints);
    }

    [
        flag(reform),
        reform_month,
        scandals,
        shocks_count,
        peak_backlog,
        trust_sum / f64::from(STEPS),
        x.uptake,
        x.harm,
        x.reserve,
        flag(crisis_ever),
        peak_complaints,
    ]
}

/// Outcome statistics over runs: running sums for the means and standard
/// errors, and every run's value so quantiles could be computed.
pub struct Outcomes {
    pub runs: u64,
    /// `values[o]`: outcome `o` of every run, in run order (NaN = none).
    pub values: Vec<Vec<f64>>,
    count: [u64; 11],
    sum: [f64; 11],
    sum_sq: [f64; 11],
}

impl Outcomes {
    pub fn new(capacity: usize) -> Outcomes {
        Outcomes {
            runs: 0,
            values: (0..OUTCOMES.len())
                .map(|_| Vec::with_capacity(capacity))
                .collect(),
            count: [0; 11],
            sum: [0.0; 11],
            sum_sq: [0.0; 11],
        }
    }

    pub fn add(&mut self, v: &[f64; 11]) {
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
        for o in 0..OUTCOMES.len() {
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
