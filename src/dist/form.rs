//! The validated, precomputed parameters of one distribution and its draw: shared by
//! [`Dist`] and [`sample_with`], and never allocating.

use super::*;

/// The validated, precomputed parameters of one distribution. `Copy` and allocation-free; the
/// variadic kinds keep only their weight sum and read values/weights from the argument slice.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Form {
    /// Also used for degenerate cases (sd = 0, lo == hi, rate 0, ...).
    Fixed(f64),
    Uniform {
        lo: f64,
        hi: f64,
        width: f64,
    },
    Normal {
        mean: f64,
        sd: f64,
    },
    TruncNormal(TruncNormal),
    LogNormal {
        mu: f64,
        sigma: f64,
    },
    Beta {
        a: f64,
        b: f64,
        sampler: BetaRatio,
    },
    Pert {
        min: f64,
        mode: f64,
        max: f64,
        range: f64,
        alpha: f64,
        beta: f64,
        sampler: BetaRatio,
    },
    Triangular {
        min: f64,
        mode: f64,
        max: f64,
    },
    UniformInt {
        lo: i64,
        hi: i64,
    },
    Bernoulli(f64),
    Poisson {
        rate: f64,
        draw: PoissonDraw,
    },
    /// Weights are the whole argument slice.
    Choice {
        total: f64,
    },
    /// Arguments are (value, weight) pairs.
    Discrete {
        total: f64,
    },
    Exponential {
        rate: f64,
    },
    Gamma {
        shape: f64,
        scale: f64,
        sampler: rand_distr::Gamma<f64>,
    },
    /// The three-term metalog through elicited p10, p50, p90: quantile
    /// function a1 + (a2 + a3 (y - 1/2)) ln(y / (1 - y)) (Keelin, *Decision
    /// Analysis* 13(4), 2016).
    Metalog {
        a1: f64,
        a2: f64,
        a3: f64,
    },
    /// Arguments are edges around weights: x0, w1, x1, w2, x2, ...
    Histogram {
        total: f64,
    },
}

/// How a Poisson is drawn: by inversion from one uniform below
/// [`samplers::POISSON_INVERSION_MAX_RATE`] (`p0` is `exp(-rate)`), by
/// `rand_distr`'s rejection sampler above.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum PoissonDraw {
    Inversion { p0: f64 },
    Rejection(rand_distr::Poisson<f64>),
}

impl Form {
    /// Validates `args` for `kind` and precomputes what sampling needs. Never allocates.
    pub(super) fn build(kind: DistKind, args: &[f64]) -> Result<Form, DistError> {
        use DistKind as K;
        if !kind.accepts_arg_count(args.len()) {
            return Err(DistError::WrongArity {
                kind,
                got: args.len(),
            });
        }
        let form = match (kind, args) {
            (K::Fixed, &[v]) => Form::Fixed(finite(kind, named("", "value"), v)?),
            (K::Uniform, &[lo, hi]) => {
                finite(kind, named("lower bound", "lo"), lo)?;
                finite(kind, named("upper bound", "hi"), hi)?;
                if lo > hi {
                    return Err(DistError::Order {
                        kind,
                        rule: "lo <= hi",
                        left: "lo",
                        left_value: lo,
                        op: ">",
                        right: "hi",
                        right_value: hi,
                    });
                }
                let width = check_range(kind, "lo", lo, "hi", hi)?;
                if width == 0.0 {
                    Form::Fixed(lo)
                } else {
                    Form::Uniform { lo, hi, width }
                }
            }
            (K::Normal, &[mean, sd]) => {
                finite(kind, named("", "mean"), mean)?;
                non_negative(kind, named("standard deviation", "sd"), sd)?;
                if sd == 0.0 {
                    Form::Fixed(mean)
                } else {
                    Form::Normal { mean, sd }
                }
            }
            (K::Normal, &[mean, sd, lo, hi]) => {
                finite(kind, named("", "mean"), mean)?;
                non_negative(kind, named("standard deviation", "sd"), sd)?;
                not_nan(kind, named("lower bound", "lo"), lo)?;
                not_nan(kind, named("upper bound", "hi"), hi)?;
                if lo >= hi {
                    return Err(DistError::Order {
                        kind,
                        rule: "lo < hi",
                        left: "lo",
                        left_value: lo,
                        op: ">=",
                        right: "hi",
                        right_value: hi,
                    });
                }
                let empty = DistError::EmptyTruncation { mean, sd, lo, hi };
                if sd == 0.0 {
                    if (lo..=hi).contains(&mean) {
                        Form::Fixed(mean)
                    } else {
                        return Err(empty);
                    }
                } else {
                    Form::TruncNormal(TruncNormal::new(mean, sd, lo, hi).ok_or(empty)?)
                }
            }
            (K::LogNormal, &[mu, sigma]) => {
                finite(kind, named("log-scale location", "mu"), mu)?;
                non_negative(kind, named("log-scale", "sigma"), sigma)?;
                if sigma == 0.0 {
                    Form::Fixed(mu.exp())
                } else {
                    Form::LogNormal { mu, sigma }
                }
            }
            (K::Beta, &[a, b]) => {
                let arg_a = named("shape", "a");
                let arg_b = named("shape", "b");
                for (arg, value) in [(arg_a, a), (arg_b, b)] {
                    positive(kind, arg, value)?;
                    if value > MAX_BETA_SHAPE {
                        return Err(DistError::TooLarge {
                            kind,
                            arg,
                            value,
                            max: MAX_BETA_SHAPE,
                        });
                    }
                }
                let sampler = BetaRatio::new(a, b);
                Form::Beta { a, b, sampler }
            }
            (K::Pert, &[min, mode, max]) => {
                let range = check_min_mode_max(kind, min, mode, max)?;
                if range == 0.0 {
                    Form::Fixed(min)
                } else {
                    // Standard PERT, lambda = 4 (Vose, *Risk Analysis*, 3rd ed. 2008, sec. 9.1).
                    // Divide first: 4 * (max - mode) can overflow when the range is near f64::MAX.
                    let alpha = 1.0 + 4.0 * ((mode - min) / range);
                    let beta = 1.0 + 4.0 * ((max - mode) / range);
                    let sampler = BetaRatio::new(alpha, beta);
                    Form::Pert {
                        min,
                        mode,
                        max,
                        range,
                        alpha,
                        beta,
                        sampler,
                    }
                }
            }
            (K::Triangular, &[min, mode, max]) => {
                let range = check_min_mode_max(kind, min, mode, max)?;
                if range == 0.0 {
                    Form::Fixed(min)
                } else {
                    Form::Triangular { min, mode, max }
                }
            }
            (K::UniformInt, &[lo, hi]) => {
                let l = whole_bound(kind, named("lower bound", "lo"), lo)?;
                let h = whole_bound(kind, named("upper bound", "hi"), hi)?;
                if l > h {
                    return Err(DistError::Order {
                        kind,
                        rule: "lo <= hi",
                        left: "lo",
                        left_value: lo,
                        op: ">",
                        right: "hi",
                        right_value: hi,
                    });
                }
                Form::UniformInt { lo: l, hi: h }
            }
            (K::Bernoulli, &[p]) => {
                let arg = named("probability", "p");
                finite(kind, arg, p)?;
                if !(0.0..=1.0).contains(&p) {
                    return Err(DistError::OutOfRange {
                        kind,
                        arg,
                        value: p,
                        min: 0.0,
                        max: 1.0,
                    });
                }
                Form::Bernoulli(p)
            }
            (K::Poisson, &[rate]) => {
                let arg = named("", "rate");
                non_negative(kind, arg, rate)?;
                let out_of_range = DistError::OutOfRange {
                    kind,
                    arg,
                    value: rate,
                    min: 0.0,
                    max: MAX_POISSON_RATE,
                };
                if rate > MAX_POISSON_RATE {
                    return Err(out_of_range);
                }
                if rate == 0.0 {
                    Form::Fixed(0.0)
                } else {
                    let draw = if rate < samplers::POISSON_INVERSION_MAX_RATE {
                        PoissonDraw::Inversion { p0: (-rate).exp() }
                    } else {
                        PoissonDraw::Rejection(
                            rand_distr::Poisson::new(rate).map_err(|_| out_of_range)?,
                        )
                    };
                    Form::Poisson { rate, draw }
                }
            }
            (K::Choice, weights) => Form::Choice {
                total: check_weights(kind, weights.iter())?,
            },
            (K::Discrete, pairs) => {
                for (i, pair) in pairs.chunks_exact(2).enumerate() {
                    finite(kind, ArgName::Value(i), pair[0])?;
                }
                Form::Discrete {
                    total: check_weights(kind, pairs.iter().skip(1).step_by(2))?,
                }
            }
            (K::Exponential, &[rate]) => Form::Exponential {
                rate: positive(kind, named("", "rate"), rate)?,
            },
            (K::Gamma, &[shape, scale]) => {
                let arg_shape = named("", "shape");
                let arg_scale = named("", "scale");
                positive(kind, arg_shape, shape)?;
                positive(kind, arg_scale, scale)?;
                let sampler = rand_distr::Gamma::new(shape, scale).map_err(|e| match e {
                    rand_distr::GammaError::ShapeTooSmall => DistError::NotPositive {
                        kind,
                        arg: arg_shape,
                        value: shape,
                    },
                    _ => DistError::NotFinite {
                        kind,
                        arg: arg_scale,
                        value: scale,
                    },
                })?;
                Form::Gamma {
                    shape,
                    scale,
                    sampler,
                }
            }
            (K::Metalog, &[p10, p50, p90]) => {
                finite(kind, named("", "p10"), p10)?;
                finite(kind, named("", "p50"), p50)?;
                finite(kind, named("", "p90"), p90)?;
                let order = |left, left_value, right, right_value| DistError::Order {
                    kind,
                    rule: "p10 < p50 < p90",
                    left,
                    left_value,
                    op: ">=",
                    right,
                    right_value,
                };
                if p10 >= p50 {
                    return Err(order("p10", p10, "p50", p50));
                }
                if p50 >= p90 {
                    return Err(order("p50", p50, "p90", p90));
                }
                check_range(kind, "p10", p10, "p90", p90)?;
                let (a1, a2, a3) = metalog_coefficients(p10, p50, p90);
                if a3.abs() >= METALOG_MAX_SKEW * a2 {
                    return Err(DistError::MetalogInfeasible { p10, p50, p90 });
                }
                Form::Metalog { a1, a2, a3 }
            }
            (K::Histogram, args) => {
                for (i, &x) in args.iter().step_by(2).enumerate() {
                    finite(kind, ArgName::Edge(i), x)?;
                }
                for pair in args.windows(3).step_by(2) {
                    if pair[0] >= pair[2] {
                        return Err(DistError::Order {
                            kind,
                            rule: "edges in increasing order",
                            left: "an edge",
                            left_value: pair[0],
                            op: ">=",
                            right: "the next",
                            right_value: pair[2],
                        });
                    }
                }
                check_range(kind, "x0", args[0], "the last edge", args[args.len() - 1])?;
                Form::Histogram {
                    total: check_weights(kind, args.iter().skip(1).step_by(2))?,
                }
            }
            _ => {
                return Err(DistError::WrongArity {
                    kind,
                    got: args.len(),
                });
            }
        };
        Ok(form)
    }

    /// One draw. `args` are the validated arguments (read by choice/discrete); `cum`, when
    /// given, holds the cumulative weights of a choice/discrete for binary search — it selects
    /// exactly the same index as the linear walk.
    #[inline]
    pub(super) fn sample<R: Rng + ?Sized>(
        &self,
        args: &[f64],
        cum: Option<&CumTable>,
        rng: &mut R,
    ) -> f64 {
        match *self {
            Form::Fixed(v) => v,
            Form::Uniform { lo, hi, width } => {
                let u: f64 = rng.random();
                (lo + u * width).min(hi)
            }
            Form::Normal { mean, sd } => {
                let z: f64 = StandardNormal.sample(rng);
                mean + sd * z
            }
            Form::TruncNormal(ref t) => {
                let u: f64 = Open01.sample(rng);
                t.at_working_u(u)
            }
            Form::LogNormal { mu, sigma } => {
                let z: f64 = StandardNormal.sample(rng);
                (mu + sigma * z).exp()
            }
            Form::Beta { ref sampler, .. } => sampler.sample(rng),
            Form::Pert {
                min,
                max,
                range,
                ref sampler,
                ..
            } => pert_from_beta(min, range, max, sampler.sample(rng)),
            Form::Triangular { min, mode, max } => {
                let u: f64 = rng.random();
                triangular_quantile(min, mode, max, u)
            }
            Form::UniformInt { lo, hi } => rng.random_range(lo..=hi) as f64,
            Form::Bernoulli(p) => {
                let u: f64 = rng.random();
                if u < p { 1.0 } else { 0.0 }
            }
            Form::Poisson { rate, ref draw } => match *draw {
                PoissonDraw::Inversion { p0 } => {
                    samplers::poisson_by_inversion(rate, p0, rng.random())
                }
                PoissonDraw::Rejection(ref sampler) => sampler.sample(rng),
            },
            Form::Choice { total } => {
                let target = rng.random::<f64>() * total;
                let i = match cum {
                    Some(table) => table.pick(target),
                    None => pick_linear(args.iter().copied(), target),
                };
                i as f64
            }
            Form::Discrete { total } => {
                let target = rng.random::<f64>() * total;
                let i = match cum {
                    Some(table) => table.pick(target),
                    None => pick_linear(args.iter().skip(1).step_by(2).copied(), target),
                };
                args.get(2 * i).copied().unwrap_or(f64::NAN)
            }
            Form::Exponential { rate } => {
                let e: f64 = Exp1.sample(rng);
                e / rate
            }
            Form::Gamma { ref sampler, .. } => sampler.sample(rng),
            Form::Metalog { a1, a2, a3 } => {
                let u: f64 = Open01.sample(rng);
                metalog_quantile(a1, a2, a3, u)
            }
            Form::Histogram { total } => {
                let u: f64 = rng.random();
                histogram_quantile(args, total, u)
            }
        }
    }
}
