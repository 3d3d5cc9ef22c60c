//! The sampler floor: what the random numbers alone cost.
//!
//! - [`per_draw`]: nanoseconds per draw of each sampler the hand-written model
//!   uses (and a few for comparison), each in a tight loop of its own;
//! - [`model_draws`]: the least time per run that the model's draws need:
//!   for every run, seed its stream, draw its 10 parameters with the model's
//!   samplers, then exactly as many uniforms and normals as the hand-written
//!   model's steps drew in that run (counted beforehand by [`counts`]), with
//!   no model arithmetic.
//!
//! Every loop folds its values into an integer with `xor` (one cycle) rather
//! than summing them (a floating-point add chain would be as slow as a draw).

use std::hint::black_box;
use std::time::Instant;

use rand::Rng;
use rand_distr::{Distribution, StandardNormal};
use rand_xoshiro::Xoshiro256PlusPlus;

use super::{Beta, Samplers, Source, count_draws, draw_params, stream};

/// Uniforms and normals the steps of each run drew, in run order.
pub struct Counts {
    pub steps: Vec<(u16, u16)>,
    /// Totals over the runs: (uniforms, normals) for the parameters, then
    /// for the steps.
    pub params_total: (u64, u64),
    pub steps_total: (u64, u64),
}

impl Counts {
    pub fn runs(&self) -> u64 {
        self.steps.len() as u64
    }
}

/// Counts the draws of runs `0..runs` of the hand-written model.
pub fn counts(seed: u64, runs: u64) -> Counts {
    let s = Samplers::new();
    let mut c = Counts {
        steps: Vec::with_capacity(runs as usize),
        params_total: (0, 0),
        steps_total: (0, 0),
    };
    for r in 0..runs {
        let (p, st) = count_draws(&s, seed, r);
        c.params_total.0 += p.0;
        c.params_total.1 += p.1;
        c.steps_total.0 += st.0;
        c.steps_total.1 += st.1;
        c.steps.push((
            u16::try_from(st.0).expect("fewer than 65536 uniforms a run"),
            u16::try_from(st.1).expect("fewer than 65536 normals a run"),
        ));
    }
    c
}

/// The model's draws alone, run by run, on one thread; returns a value that
/// depends on every draw.
pub fn model_draws(s: &Samplers, seed: u64, counts: &Counts) -> u64 {
    let mut acc = 0u64;
    for (r, &(nu, nn)) in counts.steps.iter().enumerate() {
        let mut rng = stream(seed, r as u64);
        black_box(draw_params(s, &mut rng));
        for _ in 0..nu {
            acc ^= rng.uniform().to_bits();
        }
        for _ in 0..nn {
            acc ^= rng.normal().to_bits();
        }
    }
    acc
}

/// Best nanoseconds per iteration of `f(i)` over `n` iterations, of 3 tries.
fn time(n: u64, mut f: impl FnMut(u64) -> u64) -> f64 {
    let mut best = f64::INFINITY;
    for _ in 0..3 {
        let start = Instant::now();
        let mut acc = 0u64;
        for i in 0..n {
            acc ^= f(i);
        }
        black_box(acc);
        best = best.min(start.elapsed().as_secs_f64() * 1e9 / n as f64);
    }
    best
}

/// Nanoseconds per draw of each sampler, `n` draws each (best of 3).
pub fn per_draw(seed: u64, n: u64) -> Vec<(&'static str, f64)> {
    let mut rng: Xoshiro256PlusPlus = stream(seed, 0);
    let beta_5_3 = Beta::new(5.0, 3.0);
    let beta_2_5 = Beta::new(2.0, 5.0);
    let beta_08_6 = Beta::new(0.8, 6.0);
    let pert = Beta::pert(0.01, 0.03, 0.08);
    let cheng = rand_distr::Beta::new(5.0, 3.0).expect("valid shapes");
    let mut x = 0.0f64;
    let mut out = Vec::new();
    out.push(("xoshiro256++ next_u64", time(n, |_| rng.next_u64())));
    out.push((
        "uniform f64 (53 bits)",
        time(n, |_| rng.uniform().to_bits()),
    ));
    out.push((
        "standard normal (rand_distr ziggurat)",
        time(n, |_| {
            let z: f64 = StandardNormal.sample(&mut rng);
            z.to_bits()
        }),
    ));
    out.push((
        "Beta(5, 3), gamma ratio",
        time(n, |_| beta_5_3.sample(&mut rng).to_bits()),
    ));
    out.push((
        "Beta(2, 5), gamma ratio",
        time(n, |_| beta_2_5.sample(&mut rng).to_bits()),
    ));
    out.push((
        "Beta(0.8, 6), gamma ratio with boost",
        time(n, |_| beta_08_6.sample(&mut rng).to_bits()),
    ));
    out.push((
        "PERT(0.01, 0.03, 0.08), scaled Beta",
        time(n, |_| pert.sample(&mut rng).to_bits()),
    ));
    out.push((
        "Beta(5, 3), rand_distr (Cheng), for comparison",
        time(n, |_| {
            let b: f64 = cheng.sample(&mut rng);
            b.to_bits()
        }),
    ));
    out.push((
        "lognormal(3, 0.4) (normal + exp)",
        time(n, |_| (3.0 + 0.4 * rng.normal()).exp().to_bits()),
    ));
    out.push((
        "exp (libm)",
        time(n, |_| {
            x += 1e-7;
            (x - 2.0).exp().to_bits()
        }),
    ));
    out.push((
        "ln (libm)",
        time(n, |_| {
            x += 1e-7;
            (x + 0.5).ln().to_bits()
        }),
    ));
    out.push((
        "seeding one stream (SplitMix64 into xoshiro256++)",
        time(n, |i| {
            black_box(stream(seed, i));
            0
        }),
    ));
    out
}
