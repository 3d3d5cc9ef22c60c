//! The sign of each influence: does raising `x` raise or lower the value
//! that reads it?
//!
//! Two interval analyses over the expression tree. [`Ranges`] bounds the
//! value of every variable (a parameter from its distribution's support, a
//! state from its initial value and updates, iterated to a fixed point with
//! widening and cut to its `min`/`max`, a derived variable or event from its
//! expression). [`slope`] then bounds the derivative of an expression with
//! respect to one variable, generalised to the functions that have none
//! everywhere: a kink (`min`, `max`, `clamp`, `abs`, a lookup's corners)
//! contributes the hull of the slopes on either side, a jump (a comparison,
//! `if` with a condition that moves, `floor`) contributes a one-sided
//! unbounded slope whose direction is known when the ranges say which way
//! the jump goes. A random draw is increasing in an argument when a larger
//! argument gives stochastically larger draws (`pert`'s bounds, `poisson`'s
//! rate), decreasing for `exponential`'s rate and `beta`'s second shape.
//!
//! The sign of the bound is the sign of the influence: `+` when the slope is
//! never negative, `-` when never positive, `+/-` when the analysis cannot
//! tell (the slope may take both signs, or a range it needs is unbounded).
//! The analysis is sound, not complete: a `+` or `-` is proved for every value
//! the ranges allow; a `+/-` may still be one sign in fact.

use crate::dist::DistKind;
use crate::expr::BinOp;
use crate::expr::UnOp;
use crate::expr::builtins::{Agg, Func, Memory};
use crate::scenario::{EventMode, MExpr, Model, VarId, VarKind};

/// The direction of an influence.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Sign {
    /// Raising the source never lowers the target.
    Plus,
    /// Raising the source never raises the target.
    Minus,
    /// Either, depending on values, or not derivable.
    Unknown,
}

impl Sign {
    /// How DOT, the terminal and JSON write it.
    pub fn ascii(self) -> &'static str {
        match self {
            Sign::Plus => "+",
            Sign::Minus => "-",
            Sign::Unknown => "+/-",
        }
    }

    /// How the drawing writes it (a true minus sign and a plus-minus).
    pub fn glyph(self) -> &'static str {
        match self {
            Sign::Plus => "+",
            Sign::Minus => "\u{2212}",
            Sign::Unknown => "\u{b1}",
        }
    }

    /// The sign of a product of influences along a path.
    pub fn times(self, other: Sign) -> Sign {
        match (self, other) {
            (Sign::Unknown, _) | (_, Sign::Unknown) => Sign::Unknown,
            (a, b) if a == b => Sign::Plus,
            _ => Sign::Minus,
        }
    }
}

/// A closed interval; bounds may be infinite.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Interval {
    pub lo: f64,
    pub hi: f64,
}

const FULL: Interval = Interval {
    lo: f64::NEG_INFINITY,
    hi: f64::INFINITY,
};
const ZERO: Interval = Interval::point(0.0);
const UNIT: Interval = Interval { lo: 0.0, hi: 1.0 };
const NON_NEGATIVE: Interval = Interval {
    lo: 0.0,
    hi: f64::INFINITY,
};

impl Interval {
    pub const fn point(x: f64) -> Interval {
        Interval { lo: x, hi: x }
    }

    fn new(lo: f64, hi: f64) -> Interval {
        if lo.is_nan() || hi.is_nan() || lo > hi {
            FULL
        } else {
            Interval { lo, hi }
        }
    }

    fn is_zero(self) -> bool {
        self.lo == 0.0 && self.hi == 0.0
    }

    fn hull(self, other: Interval) -> Interval {
        Interval::new(self.lo.min(other.lo), self.hi.max(other.hi))
    }

    fn add(self, other: Interval) -> Interval {
        Interval::new(self.lo + other.lo, self.hi + other.hi)
    }

    fn neg(self) -> Interval {
        Interval::new(-self.hi, -self.lo)
    }

    fn sub(self, other: Interval) -> Interval {
        self.add(other.neg())
    }

    fn mul(self, other: Interval) -> Interval {
        if self.is_zero() || other.is_zero() {
            return ZERO;
        }
        // 0 * inf counts as 0: a bound of 0 is exact.
        let m = |a: f64, b: f64| if a == 0.0 || b == 0.0 { 0.0 } else { a * b };
        let p = [
            m(self.lo, other.lo),
            m(self.lo, other.hi),
            m(self.hi, other.lo),
            m(self.hi, other.hi),
        ];
        Interval::new(
            p.iter().copied().fold(f64::INFINITY, f64::min),
            p.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        )
    }

    /// 1/x, when x keeps one sign.
    fn recip(self) -> Interval {
        if self.lo > 0.0 || self.hi < 0.0 {
            Interval::new(1.0 / self.hi, 1.0 / self.lo)
        } else {
            FULL
        }
    }

    /// Only the signs this interval allows: [0, inf] for a non-negative one.
    fn direction(self) -> Interval {
        Interval::new(
            if self.lo < 0.0 {
                f64::NEG_INFINITY
            } else {
                0.0
            },
            if self.hi > 0.0 { f64::INFINITY } else { 0.0 },
        )
    }

    fn map_increasing(self, f: impl Fn(f64) -> f64) -> Interval {
        Interval::new(f(self.lo), f(self.hi))
    }

    /// The sign of a slope bounded by this interval.
    pub fn sign(self) -> Sign {
        if self.lo >= 0.0 && self.hi > 0.0 {
            Sign::Plus
        } else if self.hi <= 0.0 && self.lo < 0.0 {
            Sign::Minus
        } else {
            Sign::Unknown
        }
    }
}

/// Bounds on every variable's value, indexed by `VarId`.
pub struct Ranges {
    vars: Vec<Interval>,
    steps: f64,
}

/// Rounds of state-range iteration before a bound that still grows is
/// widened to infinity.
const ROUNDS_BEFORE_WIDENING: usize = 4;
const MAX_ROUNDS: usize = 64;
/// Rounds, at the end, in which a bound that still grows goes to infinity
/// rather than to the next constant.
const LAST_ROUNDS: usize = 4;

impl Ranges {
    pub fn of(model: &Model) -> Ranges {
        let mut r = Ranges {
            vars: vec![FULL; model.vars.len()],
            steps: f64::from(model.info.steps),
        };
        for &p in &model.params {
            r.vars[p.0 as usize] = match &model.var(p).kind {
                VarKind::Param { dist: Some(d), .. } => {
                    Interval::new(d.quantile(0.0), d.quantile(1.0))
                }
                VarKind::Param { def, .. } => r.interval(def),
                _ => FULL,
            };
        }
        let thresholds = constants(model);
        // Step variables start from the states' initial values.
        for &s in &model.states {
            if let VarKind::State { init, min, max, .. } = &model.var(s).kind {
                r.vars[s.0 as usize] = bounded(r.interval(init), *min, *max);
            }
        }
        let mut settled = false;
        for round in 0..MAX_ROUNDS {
            // An intervention may widen a state: then go round again.
            let mut changed = r.step_pass(model);
            for &s in &model.states {
                if let VarKind::State {
                    update, min, max, ..
                } = &model.var(s).kind
                {
                    let old = r.vars[s.0 as usize];
                    let mut new = old.hull(r.next_range(update, s));
                    if round >= ROUNDS_BEFORE_WIDENING {
                        // Widen to the next constant of the model, then to
                        // infinity when that does not hold either.
                        let past = round + LAST_ROUNDS >= MAX_ROUNDS;
                        if new.lo < old.lo {
                            new.lo = thresholds
                                .iter()
                                .rev()
                                .find(|&&c| c <= new.lo && !past)
                                .copied()
                                .unwrap_or(f64::NEG_INFINITY);
                        }
                        if new.hi > old.hi {
                            new.hi = thresholds
                                .iter()
                                .find(|&&c| c >= new.hi && !past)
                                .copied()
                                .unwrap_or(f64::INFINITY);
                        }
                    }
                    let new = bounded(new, *min, *max);
                    changed |= new != old;
                    r.vars[s.0 as usize] = new;
                }
            }
            if !changed {
                settled = true;
                break;
            }
        }
        if !settled {
            // Not a fixed point yet: states may take any value their
            // bounds allow, and what is computed from them follows.
            for &s in &model.states {
                if let VarKind::State { min, max, .. } = &model.var(s).kind {
                    r.vars[s.0 as usize] = bounded(FULL, *min, *max);
                }
            }
            // twice: an intervention may force a state past its bounds
            r.step_pass(model);
            r.step_pass(model);
        }
        r
    }

    /// Derived variables and events from the states' current bounds, and
    /// the values interventions may force; whether a state's bounds grew.
    fn step_pass(&mut self, model: &Model) -> bool {
        for &v in &model.step_order {
            self.vars[v.0 as usize] = match &model.var(v).kind {
                VarKind::Derived { expr } => self.interval(expr),
                VarKind::Event {
                    mode: EventMode::Count,
                    ..
                } => NON_NEGATIVE,
                VarKind::Event { .. } => UNIT,
                _ => FULL,
            };
        }
        let mut grew = false;
        for iv in &model.interventions {
            let i = iv.var.0 as usize;
            let widened = self.vars[i].hull(self.interval(&iv.value));
            grew |= widened != self.vars[i] && model.states.contains(&iv.var);
            self.vars[i] = widened;
        }
        grew
    }

    /// Bounds on a state's next value from its update. When the update
    /// rises with the state, its ends come from the state's ends, each
    /// evaluated apart (so `s + r * (1 - s)` stays within [s, 1] rather
    /// than counting `s` twice).
    fn next_range(&mut self, update: &MExpr, state: VarId) -> Interval {
        let plain = self.interval(update);
        let i = state.0 as usize;
        let own = self.vars[i];
        if slope(update, state, self).lo < 0.0 || !own.lo.is_finite() || !own.hi.is_finite() {
            return plain;
        }
        self.vars[i] = Interval::point(own.lo);
        let low = self.interval(update);
        self.vars[i] = Interval::point(own.hi);
        let high = self.interval(update);
        self.vars[i] = own;
        Interval::new(low.lo.max(plain.lo), high.hi.min(plain.hi))
    }

    pub fn var(&self, v: VarId) -> Interval {
        self.vars.get(v.0 as usize).copied().unwrap_or(FULL)
    }

    /// Bounds on the value of `e`.
    pub fn interval(&self, e: &MExpr) -> Interval {
        match e {
            MExpr::Const(c) => Interval::new(*c, *c),
            MExpr::Var(v) => self.var(*v),
            MExpr::Time => Interval::new(0.0, self.steps),
            // a value read from a data file: anything
            MExpr::Resample(_) => FULL,
            MExpr::Unary(UnOp::Neg, a) => self.interval(a).neg(),
            MExpr::Unary(UnOp::Not, _) => UNIT,
            MExpr::Binary(op, a, b) => {
                let (a, b) = (self.interval(a), self.interval(b));
                match op {
                    BinOp::Add => a.add(b),
                    BinOp::Sub => a.sub(b),
                    BinOp::Mul => a.mul(b),
                    BinOp::Div => a.mul(b.recip()),
                    BinOp::Pow => pow_range(a, b),
                    BinOp::Mod if b.lo > 0.0 => Interval::new(0.0, b.hi),
                    BinOp::Mod => FULL,
                    _ => UNIT,
                }
            }
            MExpr::If(c, a, b) => {
                let c = self.interval(c);
                let (a, b) = (self.interval(a), self.interval(b));
                if c.lo > 0.0 || c.hi < 0.0 {
                    a
                } else if c.is_zero() {
                    b
                } else {
                    a.hull(b)
                }
            }
            MExpr::Call(f, args) => {
                let ranges: Vec<Interval> = args.iter().map(|a| self.interval(a)).collect();
                func_range(*f, &ranges)
            }
            MExpr::Random { kind, args, .. } => {
                let ranges: Vec<Interval> = args.iter().map(|a| self.interval(a)).collect();
                support(*kind, &ranges)
            }
            MExpr::Memory {
                kind: Memory::Trend,
                ..
            } => FULL,
            MExpr::Memory { input, init, .. } => {
                let r = self.interval(input);
                match init {
                    Some(init) => r.hull(self.interval(init)),
                    None => r,
                }
            }
            MExpr::Lookup(table, _) => Interval::new(
                table.ys.iter().copied().fold(f64::INFINITY, f64::min),
                table.ys.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            ),
            MExpr::Agg { agg, arg, .. } => {
                let a = self.interval(arg);
                match agg {
                    Agg::Ever => UNIT,
                    Agg::First => Interval::new(0.0, self.steps),
                    Agg::Max | Agg::Min | Agg::Mean | Agg::At => a,
                    Agg::Count | Agg::Sum => {
                        let n = Interval::new(0.0, self.steps + 1.0);
                        a.mul(n).hull(ZERO)
                    }
                }
            }
        }
    }
}

/// Every constant written in the model's step expressions, sorted, with
/// 0 and 1: the levels a growing range is widened to first.
fn constants(model: &Model) -> Vec<f64> {
    let mut out = vec![0.0, 1.0, -1.0];
    let mut take = |e: &MExpr| {
        e.walk(&mut |x| {
            if let MExpr::Const(c) = x
                && c.is_finite()
            {
                out.push(*c);
            }
        })
    };
    for v in &model.vars {
        match &v.kind {
            VarKind::Param { def, .. } => take(def),
            VarKind::State { init, update, .. } => {
                take(init);
                take(update);
            }
            VarKind::Derived { expr } => take(expr),
            VarKind::Event { chance, .. } => take(chance),
        }
    }
    out.sort_by(f64::total_cmp);
    out.dedup();
    out
}

fn bounded(r: Interval, min: Option<f64>, max: Option<f64>) -> Interval {
    let lo = min.map_or(r.lo, |m| r.lo.max(m));
    let hi = max.map_or(r.hi, |m| r.hi.min(m));
    let lo = max.map_or(lo, |m| lo.min(m));
    let hi = min.map_or(hi, |m| hi.max(m));
    Interval::new(lo, hi)
}

fn pow_range(a: Interval, b: Interval) -> Interval {
    if a.lo > 0.0 {
        let c = [
            a.lo.powf(b.lo),
            a.lo.powf(b.hi),
            a.hi.powf(b.lo),
            a.hi.powf(b.hi),
        ];
        Interval::new(
            c.iter().copied().fold(f64::INFINITY, f64::min),
            c.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        )
    } else if a.lo >= 0.0 && b.lo > 0.0 {
        Interval::new(0.0, pow_range(Interval::new(1.0, a.hi.max(1.0)), b).hi)
    } else {
        FULL
    }
}

fn func_range(f: Func, r: &[Interval]) -> Interval {
    let first = r.first().copied().unwrap_or(FULL);
    match f {
        Func::Min => r.iter().fold(Interval::point(f64::INFINITY), |m, x| {
            Interval::new(m.lo.min(x.lo), m.hi.min(x.hi))
        }),
        Func::Max => r.iter().fold(Interval::point(f64::NEG_INFINITY), |m, x| {
            Interval::new(m.lo.max(x.lo), m.hi.max(x.hi))
        }),
        Func::Clamp => match r {
            [x, lo, hi] => {
                let low = Interval::new(x.lo.max(lo.lo), x.hi.max(lo.hi));
                Interval::new(low.lo.min(hi.lo), low.hi.min(hi.hi))
            }
            _ => FULL,
        },
        Func::Abs => {
            if first.lo >= 0.0 {
                first
            } else if first.hi <= 0.0 {
                first.neg()
            } else {
                Interval::new(0.0, first.hi.max(-first.lo))
            }
        }
        Func::Exp => first.map_increasing(f64::exp),
        Func::Ln if first.lo > 0.0 => first.map_increasing(f64::ln),
        Func::Log10 if first.lo > 0.0 => first.map_increasing(f64::log10),
        Func::Sqrt if first.lo >= 0.0 => first.map_increasing(f64::sqrt),
        Func::Floor => first.map_increasing(f64::floor),
        Func::Ceil => first.map_increasing(f64::ceil),
        Func::Round => first.map_increasing(f64::round),
        Func::Logistic => first.map_increasing(|x| 1.0 / (1.0 + (-x).exp())),
        Func::Sin | Func::Cos => Interval::new(-1.0, 1.0),
        Func::Pow => match r {
            [a, b] => pow_range(*a, *b),
            _ => FULL,
        },
        Func::Mod => match r {
            [_, b] if b.lo > 0.0 => Interval::new(0.0, b.hi),
            _ => FULL,
        },
        Func::Ln | Func::Log10 | Func::Sqrt | Func::Logit => FULL,
    }
}

/// Where a draw can land, given its arguments' ranges.
fn support(kind: DistKind, args: &[Interval]) -> Interval {
    let arg = |i: usize| args.get(i).copied().unwrap_or(FULL);
    let hull_of = |idx: &mut dyn Iterator<Item = usize>| {
        idx.map(arg)
            .reduce(Interval::hull)
            .map_or(FULL, |h| Interval::new(h.lo, h.hi))
    };
    match kind {
        DistKind::Fixed => arg(0),
        DistKind::Uniform | DistKind::UniformInt => Interval::new(arg(0).lo, arg(1).hi),
        DistKind::Pert | DistKind::Triangular => Interval::new(arg(0).lo, arg(2).hi),
        DistKind::Normal if args.len() == 4 => Interval::new(arg(2).lo, arg(3).hi),
        DistKind::Normal | DistKind::Metalog => FULL,
        DistKind::Beta | DistKind::Bernoulli => UNIT,
        DistKind::LogNormal | DistKind::Poisson | DistKind::Exponential | DistKind::Gamma => {
            NON_NEGATIVE
        }
        DistKind::Choice => Interval::new(0.0, args.len().saturating_sub(1) as f64),
        DistKind::Discrete => hull_of(&mut (0..args.len()).step_by(2)),
        DistKind::Histogram => hull_of(&mut (0..args.len()).step_by(2)),
    }
}

/// How a draw moves with its `i`-th argument, in the sense of stochastic
/// order: `Plus` when a larger argument gives larger draws for the same
/// random number.
fn draw_sign(kind: DistKind, i: usize) -> Sign {
    match (kind, i) {
        (DistKind::Normal, 1) | (DistKind::LogNormal, 1) => Sign::Unknown,
        (DistKind::Beta, 1) | (DistKind::Exponential, 0) => Sign::Minus,
        (DistKind::Choice | DistKind::Metalog, _) => Sign::Unknown,
        // values (even places) against weights (odd places)
        (DistKind::Discrete, i) if i % 2 == 1 => Sign::Unknown,
        (DistKind::Histogram, i) if i % 2 == 1 => Sign::Unknown,
        _ => Sign::Plus,
    }
}

fn sign_interval(s: Sign) -> Interval {
    match s {
        Sign::Plus => NON_NEGATIVE,
        Sign::Minus => NON_NEGATIVE.neg(),
        Sign::Unknown => FULL,
    }
}

/// Bounds on the (generalised) derivative of `e` with respect to `x`.
pub fn slope(e: &MExpr, x: VarId, r: &Ranges) -> Interval {
    let d = |a: &MExpr| slope(a, x, r);
    match e {
        MExpr::Const(_) | MExpr::Time | MExpr::Resample(_) => ZERO,
        MExpr::Var(v) => {
            if *v == x {
                Interval::point(1.0)
            } else {
                ZERO
            }
        }
        MExpr::Unary(UnOp::Neg, a) => d(a).neg(),
        MExpr::Unary(UnOp::Not, a) => truthiness(r.interval(a), d(a)).neg(),
        MExpr::Binary(op, a, b) => {
            let (da, db) = (d(a), d(b));
            if da.is_zero() && db.is_zero() {
                return ZERO;
            }
            let (ra, rb) = (r.interval(a), r.interval(b));
            match op {
                BinOp::Add => da.add(db),
                BinOp::Sub => da.sub(db),
                BinOp::Mul => da.mul(rb).add(ra.mul(db)),
                BinOp::Div => {
                    // (a/b)' = a'/b - a b'/b^2
                    let inv = rb.recip();
                    da.mul(inv).sub(ra.mul(db).mul(inv.mul(inv)))
                }
                BinOp::Pow => pow_slope(ra, rb, da, db),
                BinOp::Mod | BinOp::Eq | BinOp::Ne => FULL,
                // a < b jumps up as b overtakes a.
                BinOp::Lt | BinOp::Le => db.sub(da).direction(),
                BinOp::Gt | BinOp::Ge => da.sub(db).direction(),
                BinOp::And | BinOp::Or => truthiness(ra, da).add(truthiness(rb, db)),
            }
        }
        MExpr::If(c, a, b) => {
            // Both branches count, even when this scenario's values take
            // only one: the map shows the structure, which a variant or an
            // override may take the other way.
            let rc = r.interval(c);
            let (da, db) = (d(a), d(b));
            let branches = da.hull(db);
            let dc = truthiness(rc, d(c));
            if dc.is_zero() {
                return branches;
            }
            // As the condition turns true the value jumps from b to a.
            let jump = r.interval(a).sub(r.interval(b)).direction();
            branches.add(dc.mul(jump))
        }
        MExpr::Call(f, args) => call_slope(*f, args, x, r),
        MExpr::Random { kind, args, .. } => {
            args.iter()
                .enumerate()
                .fold(ZERO, |acc, (i, a)| match d(a) {
                    s if s.is_zero() => acc,
                    s => acc.add(s.direction().mul(sign_interval(draw_sign(*kind, i)))),
                })
        }
        MExpr::Memory {
            kind, input, time, ..
        } => {
            let di = d(input);
            let through_input = match kind {
                Memory::Trend if !di.is_zero() => FULL,
                _ => di.direction(),
            };
            let init = match e {
                MExpr::Memory { init: Some(i), .. } => d(i).direction(),
                _ => ZERO,
            };
            let time = match time {
                Some(t) if !d(t).is_zero() => FULL,
                _ => ZERO,
            };
            through_input.add(init).add(time)
        }
        MExpr::Lookup(table, arg) => {
            let da = d(arg);
            if da.is_zero() {
                return ZERO;
            }
            // The slope of some segment, or 0 beyond the ends.
            let slopes = table
                .xs
                .windows(2)
                .zip(table.ys.windows(2))
                .map(|(x, y)| (y[1] - y[0]) / (x[1] - x[0]))
                .fold(ZERO, |h, s| h.hull(Interval::point(s)));
            da.mul(slopes)
        }
        MExpr::Agg { agg, arg, .. } => {
            let da = d(arg).direction();
            match agg {
                // An earlier first step as the argument grows.
                Agg::First => truthiness(r.interval(arg), da).neg(),
                Agg::Ever => truthiness(r.interval(arg), da),
                _ => da,
            }
        }
    }
}

/// How "yes" (any value but 0) moves with a value whose slope is `d`: it
/// rises with the value when the value cannot be negative.
fn truthiness(range: Interval, d: Interval) -> Interval {
    if d.is_zero() {
        ZERO
    } else if range.lo >= 0.0 {
        d.direction()
    } else {
        FULL
    }
}

fn pow_slope(ra: Interval, rb: Interval, da: Interval, db: Interval) -> Interval {
    // (a^b)' = b a^(b-1) a' + a^b ln(a) b', signs only
    let through_a = if da.is_zero() {
        ZERO
    } else if ra.lo >= 0.0 {
        da.mul(rb.direction())
    } else {
        FULL
    };
    let through_b = if db.is_zero() {
        ZERO
    } else if ra.lo > 0.0 {
        db.mul(Interval::new(ra.lo.ln(), ra.hi.ln()).direction())
    } else {
        FULL
    };
    through_a.add(through_b)
}

fn call_slope(f: Func, args: &[MExpr], x: VarId, r: &Ranges) -> Interval {
    let ds: Vec<Interval> = args.iter().map(|a| slope(a, x, r)).collect();
    if ds.iter().all(|d| d.is_zero()) {
        return ZERO;
    }
    let ranges: Vec<Interval> = args.iter().map(|a| r.interval(a)).collect();
    let d0 = ds[0];
    let r0 = ranges[0];
    match f {
        // The slope of whichever argument can be the smallest (largest).
        Func::Min => {
            let top = ranges.iter().map(|q| q.hi).fold(f64::INFINITY, f64::min);
            active_hull(&ds, &ranges, |q| q.lo <= top)
        }
        Func::Max => {
            let bottom = ranges
                .iter()
                .map(|q| q.lo)
                .fold(f64::NEG_INFINITY, f64::max);
            active_hull(&ds, &ranges, |q| q.hi >= bottom)
        }
        Func::Clamp => {
            // clamp(x, lo, hi) = min(max(x, lo), hi)
            let (rx, rl, rh) = (ranges[0], ranges[1], ranges[2]);
            let mut h: Option<Interval> = None;
            let mut take = |d: Interval| h = Some(h.map_or(d, |h| h.hull(d)));
            if rx.hi >= rl.lo && rx.lo <= rh.hi {
                take(ds[0]);
            }
            if rl.hi >= rx.lo && rl.lo <= rh.hi {
                take(ds[1]);
            }
            if rh.lo <= rx.hi.max(rl.hi) {
                take(ds[2]);
            }
            h.unwrap_or(ZERO)
        }
        Func::Abs => {
            if r0.lo >= 0.0 {
                d0
            } else if r0.hi <= 0.0 {
                d0.neg()
            } else {
                d0.mul(Interval::new(-1.0, 1.0))
            }
        }
        Func::Exp => d0.mul(r0.map_increasing(f64::exp)),
        Func::Ln | Func::Log10 if r0.lo > 0.0 => d0.mul(r0.recip()),
        Func::Sqrt | Func::Logit if r0.lo >= 0.0 => d0.direction(),
        Func::Floor | Func::Ceil | Func::Round => d0.direction(),
        Func::Logistic => d0.mul(Interval::new(0.0, 0.25)),
        Func::Pow => pow_slope(r0, ranges[1], d0, ds[1]),
        Func::Ln | Func::Log10 | Func::Sqrt | Func::Logit | Func::Sin | Func::Cos | Func::Mod => {
            FULL
        }
    }
}

fn active_hull(
    ds: &[Interval],
    ranges: &[Interval],
    active: impl Fn(Interval) -> bool,
) -> Interval {
    ds.iter()
        .zip(ranges)
        .filter(|(_, q)| active(**q))
        .map(|(d, _)| *d)
        .reduce(Interval::hull)
        .unwrap_or(ZERO)
}

/// The sign of `source`'s influence on variable `target` through its
/// definition. A state's influence on itself is that on its change per step
/// (`update - state`): a state that decays toward a level is a balancing
/// loop of one, one that only accumulates has none (`None`).
pub fn var_edge(model: &Model, r: &Ranges, source: VarId, target: VarId) -> Option<Sign> {
    let slope = match &model.var(target).kind {
        VarKind::Param { def, .. } => slope(def, source, r),
        VarKind::State { init, update, .. } => {
            let du = slope(update, source, r);
            if source == target {
                let change = du.sub(Interval::point(1.0));
                if change.is_zero() {
                    return None;
                }
                change
            } else {
                du.hull(slope(init, source, r))
            }
        }
        VarKind::Derived { expr } => slope(expr, source, r),
        VarKind::Event { .. } => slope(event_chance(&model.var(target).kind)?, source, r),
    };
    Some(slope.sign())
}

/// An event's chance as the scenario wrote it. The exclusive outcomes of
/// an event that happens once are guarded by the checker with "not if one
/// of them happened before" (`if prev(a) or prev(b) then 0 else chance`):
/// that guard is how they stay exclusive, not an influence, so the map
/// reads the chance inside it.
pub fn event_chance(kind: &VarKind) -> Option<&MExpr> {
    match kind {
        VarKind::Event {
            mode: EventMode::Once,
            chance: MExpr::If(_, zero, inner),
            branch: Some(_),
        } if **zero == MExpr::Const(0.0) => Some(inner),
        VarKind::Event { chance, .. } => Some(chance),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
