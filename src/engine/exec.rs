//! The batch interpreter: runs a [`Program`] over up to [`LANES`] runs at once.
//!
//! Each operation is one tight loop over the lanes of its slots, so the cost
//! of dispatching an operation is shared by 64 runs and the arithmetic loops
//! vectorise. **Invariant:** nothing here allocates, looks up a name or does
//! I/O after [`Workspace::new`]; a run-time fault stops the batch and reports
//! the operation, lane and step, with the workspace left as it was so the
//! caller can read the values involved.

use super::program::*;
use super::rng::{self, Stream};
use crate::dist::{self, DistKind};
use crate::expr::BinOp;
use crate::expr::ast::truthy;
use crate::expr::builtins::{self, Agg, Func};
use crate::expr::math;
use crate::scenario::EventMode;

pub type Lane = [f64; LANES];

/// Called with the step and the slots after the initial values and after
/// each step (see [`Workspace::run_batch_with`]).
pub type OnStep<'a> = &'a mut dyn FnMut(u32, &[Lane]);

/// A run-time fault, before it is turned into a user-facing error.
#[derive(Clone, Debug, PartialEq)]
pub struct Fault {
    pub owner: u32,
    pub lane: usize,
    pub step: u32,
    pub message: String,
}

/// Values supplied for parameters, per lane (sweeps, sensitivity).
pub trait Inject {
    /// The value of parameter `param` (index into `Program::params`) in run
    /// `run`, or `None` to keep the drawn value.
    fn value(&self, param: usize, run: u64) -> Option<f64>;
}

/// What one batch produced, lane-major per quantity.
pub struct BatchRecord {
    /// `series[(s * (steps + 1) + t)]` = lanes of series `s` at step `t`.
    pub series: Vec<Lane>,
    /// `events[(e * steps + (t - 1))]` = lanes of event `e`'s value at step `t`.
    pub events: Vec<Lane>,
    pub outcomes: Vec<Lane>,
    pub params: Vec<Lane>,
    pub condition: Lane,
    /// Series and events were added step by step from the slots
    /// ([`Workspace::run_batch_with`]), so the record holds neither.
    pub direct: bool,
}

impl BatchRecord {
    /// Room for one batch; without `series`, no per-step values are kept.
    pub fn new(p: &Program, series: bool) -> BatchRecord {
        let steps = p.steps as usize;
        BatchRecord {
            series: if series {
                vec![[0.0; LANES]; p.series.len() * (steps + 1)]
            } else {
                Vec::new()
            },
            events: vec![[0.0; LANES]; p.events.len() * steps],
            outcomes: vec![[0.0; LANES]; p.outcomes.len()],
            params: vec![[0.0; LANES]; p.params.len()],
            condition: [1.0; LANES],
            direct: false,
        }
    }

    /// Room for the outcomes and parameters of one batch whose series and
    /// events go straight to the statistics, step by step.
    pub fn direct(p: &Program) -> BatchRecord {
        BatchRecord {
            series: Vec::new(),
            events: Vec::new(),
            direct: true,
            ..BatchRecord::new(p, false)
        }
    }
}

/// Per-thread scratch space: the slots and the random streams of one batch.
pub struct Workspace {
    pub slots: Vec<Lane>,
    streams: Vec<Stream>,
    args: Vec<f64>,
    /// One run's independent normals for `Op::Copula`.
    normals: Vec<f64>,
    /// Per lane of each `Op::Draw`, the form its last arguments gave
    /// (`memos[memo_of[stream] * LANES + lane]`): arguments that come from
    /// parameters repeat at every step of a run and are validated once.
    memos: Vec<dist::Remembered>,
    memo_of: Vec<u32>,
}

impl Workspace {
    pub fn new(p: &Program) -> Workspace {
        let mut slots = vec![[f64::NAN; LANES]; p.slots];
        for &(s, v) in &p.consts {
            slots[s as usize] = [v; LANES];
        }
        let max_args = p
            .init
            .iter()
            .chain(&p.step)
            .chain(&p.finish)
            .map(|op| match op {
                Op::Draw { args, .. } => args.len(),
                _ => 0,
            })
            .max()
            .unwrap_or(0);
        let max_copula = p
            .init
            .iter()
            .map(|op| match op {
                Op::Copula { slots, .. } => slots.len(),
                _ => 0,
            })
            .max()
            .unwrap_or(0);
        let mut memo_of = vec![u32::MAX; p.streams.len()];
        let mut draws = 0;
        for op in p.init.iter().chain(&p.step).chain(&p.finish) {
            if let Op::Draw { stream, .. } = op {
                memo_of[*stream as usize] = draws;
                draws += 1;
            }
        }
        Workspace {
            slots,
            streams: vec![rng::stream(0, 0, 0); p.streams.len() * LANES],
            args: vec![0.0; max_args],
            normals: vec![0.0; max_copula],
            memos: vec![dist::Remembered::default(); draws as usize * LANES],
            memo_of,
        }
    }

    /// Run lanes `0..n` as runs `first_run..first_run + n`.
    pub fn run_batch(
        &mut self,
        p: &Program,
        seed: u64,
        first_run: u64,
        n: usize,
        inject: Option<&dyn Inject>,
        rec: &mut BatchRecord,
    ) -> Result<(), Fault> {
        self.run_batch_with(p, seed, first_run, n, inject, rec, None)
    }

    /// As [`Workspace::run_batch`], calling `on_step(t, slots)` after the
    /// initial values (t = 0) and after each step, while the slots hold that
    /// step's values: per-step statistics read them there instead of from a
    /// copy in the record.
    #[allow(clippy::too_many_arguments)]
    pub fn run_batch_with(
        &mut self,
        p: &Program,
        seed: u64,
        first_run: u64,
        n: usize,
        inject: Option<&dyn Inject>,
        rec: &mut BatchRecord,
        mut on_step: Option<OnStep<'_>>,
    ) -> Result<(), Fault> {
        debug_assert!(n <= LANES);
        let mut run_keys = [0u64; LANES];
        for (lane, rk) in run_keys.iter_mut().enumerate().take(n) {
            *rk = rng::run_key(first_run + lane as u64);
        }
        for (k, &stream_key) in p.streams.iter().enumerate() {
            let key = rng::key(seed, stream_key);
            for (lane, &rk) in run_keys.iter().enumerate().take(n) {
                self.streams[k * LANES + lane] = Stream::open(key, rk);
            }
        }
        let steps = p.steps as usize;
        let mut ctx = Ctx {
            t: 0,
            n,
            first_run,
            inject,
        };
        self.exec(&p.init, &mut ctx)?;
        let series = !rec.series.is_empty();
        if series {
            for (s, spec) in p.series.iter().enumerate().take(p.states) {
                rec.series[s * (steps + 1)] = self.slots[spec.slot as usize];
            }
        }
        for (i, &(_, slot)) in p.params.iter().enumerate() {
            rec.params[i] = self.slots[slot as usize];
        }
        if let Some(f) = on_step.as_mut() {
            f(0, &self.slots);
        }
        for t in 1..=p.steps {
            ctx.t = t;
            self.exec(&p.step, &mut ctx)?;
            let ti = t as usize;
            if series {
                for (s, spec) in p.series.iter().enumerate() {
                    rec.series[s * (steps + 1) + ti] = self.slots[spec.slot as usize];
                }
            }
            if !rec.events.is_empty() {
                for (e, spec) in p.events.iter().enumerate() {
                    rec.events[e * steps + ti - 1] = self.slots[spec.slot as usize];
                }
            }
            if let Some(f) = on_step.as_mut() {
                f(t, &self.slots);
            }
        }
        self.exec(&p.finish, &mut ctx)?;
        for (o, &slot) in p.outcomes.iter().enumerate() {
            rec.outcomes[o] = self.slots[slot as usize];
        }
        rec.condition = match p.condition {
            Some(slot) => self.slots[slot as usize],
            None => [1.0; LANES],
        };
        Ok(())
    }

    /// Execute `ops` over the batch: with AVX2 where the processor has it
    /// (the same IEEE operations on wider registers, so the same bits), else
    /// with the baseline instruction set.
    fn exec(&mut self, ops: &[Op], ctx: &mut Ctx) -> Result<(), Fault> {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the processor supports AVX2, checked just above.
            return unsafe { self.exec_avx2(ops, ctx) };
        }
        self.exec_ops(ops, ctx)
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn exec_avx2(&mut self, ops: &[Op], ctx: &mut Ctx) -> Result<(), Fault> {
        self.exec_ops(ops, ctx)
    }

    #[inline(always)]
    fn exec_ops(&mut self, ops: &[Op], ctx: &mut Ctx) -> Result<(), Fault> {
        for op in ops {
            self.op(op, ctx)?;
        }
        Ok(())
    }

    #[inline(always)]
    fn op(&mut self, op: &Op, ctx: &Ctx) -> Result<(), Fault> {
        let s = &mut self.slots;
        let n = ctx.n;
        match *op {
            Op::Copy { dst, src } => {
                if dst != src {
                    s[dst as usize] = s[src as usize];
                }
            }
            Op::Fill { dst, value } => s[dst as usize] = [value; LANES],
            Op::Time { dst } => s[dst as usize] = [f64::from(ctx.t); LANES],
            Op::Neg { dst, a } => map1(s, dst, a, |x| -x),
            Op::Not { dst, a } => map1(s, dst, a, |x| f64::from(!truthy(x))),
            Op::Bin { op, dst, a, b } => with_bin(op, Slots { s, dst, a, b }),
            Op::BinConst {
                op,
                dst,
                a,
                k,
                k_left,
            } => with_bin(
                op,
                SlotConst {
                    s,
                    dst,
                    a,
                    k,
                    k_left,
                },
            ),
            Op::Lin { dst, ref terms } => {
                if let Some((&(x0, k0), rest)) = terms.split_first() {
                    // A block of lanes at a time, its running sums in
                    // registers; every lane's operations are the same, in the
                    // same order. Each block reads all its terms before it
                    // writes, so `dst` may also be a term.
                    for b in (0..LANES).step_by(BLOCK) {
                        let mut acc = block(&s[x0 as usize], b).map(|x| k0 * x);
                        for &(xi, k) in rest {
                            let x = block(&s[xi as usize], b);
                            for i in 0..BLOCK {
                                acc[i] += k * x[i];
                            }
                        }
                        s[dst as usize][b..b + BLOCK].copy_from_slice(&acc);
                    }
                } else {
                    s[dst as usize] = [0.0; LANES];
                }
            }
            Op::Un { f, dst, a } => match f {
                Func::Abs => map1(s, dst, a, f64::abs),
                Func::Exp => map1(s, dst, a, math::exp),
                Func::Ln => map1(s, dst, a, f64::ln),
                Func::Sqrt => map1(s, dst, a, f64::sqrt),
                Func::Floor => map1(s, dst, a, f64::floor),
                Func::Ceil => map1(s, dst, a, f64::ceil),
                Func::Round => map1(s, dst, a, f64::round),
                Func::Logistic => map1(s, dst, a, math::logistic),
                other => map1(s, dst, a, |x| other.apply1(x)),
            },
            Op::Fn2 { f, dst, a, b } => match f {
                Func::Min => map2(s, dst, a, b, f64::min),
                Func::Max => map2(s, dst, a, b, f64::max),
                other => map2(s, dst, a, b, |x, y| other.apply2(x, y)),
            },
            Op::Clamp { dst, x, lo, hi } => map3(s, dst, x, lo, hi, builtins::clamp),
            Op::Select { dst, c, a, b } => {
                map3(s, dst, c, a, b, |c, a, b| if truthy(c) { a } else { b })
            }
            Op::Lookup { dst, x, ref table } => map1(s, dst, x, |v| table.at(v)),
            Op::DrawConst {
                dst,
                ref dist,
                stream,
            } => {
                let base = stream as usize * LANES;
                let streams = &mut self.streams[base..base + n];
                let out = &mut self.slots[dst as usize][..n];
                match dist.simple() {
                    Some(simple) => draw_simple(dist, simple, streams, out),
                    None => dist.fill(streams, out),
                }
            }
            Op::Draw {
                dst,
                kind,
                ref args,
                stream,
                owner,
            } => {
                let base = stream as usize * LANES;
                let memos = self.memo_of[stream as usize] as usize * LANES;
                for lane in 0..n {
                    for (k, &a) in args.iter().enumerate() {
                        self.args[k] = self.slots[a as usize][lane];
                    }
                    let rng = &mut self.streams[base + lane];
                    let memo = &mut self.memos[memos + lane];
                    match dist::sample_remembered(kind, &self.args[..args.len()], memo, rng) {
                        Ok(v) => self.slots[dst as usize][lane] = v,
                        Err(e) => {
                            return Err(Fault {
                                owner,
                                lane,
                                step: ctx.t,
                                message: format!("a draw from {} is invalid: {e}", kind.name()),
                            });
                        }
                    }
                }
            }
            Op::Event {
                dst,
                chance,
                mode,
                stream,
                owner,
                before,
            } => {
                let base = stream as usize * LANES;
                if mode == EventMode::Once {
                    s[before as usize] = s[dst as usize];
                }
                // The chance is read in place (a copy only if it were the
                // event's own slot).
                let copy;
                let (d, p) = match s.get_disjoint_mut([dst as usize, chance as usize]) {
                    Ok([d, p]) => (d, &*p),
                    Err(_) => {
                        copy = s[chance as usize];
                        (&mut s[dst as usize], &copy)
                    }
                };
                let t = u64::from(ctx.t);
                if mode == EventMode::Count {
                    for lane in 0..n {
                        let pl = p[lane];
                        if !(pl >= 0.0 && pl.is_finite()) {
                            return Err(fault(
                                owner,
                                lane,
                                ctx,
                                format!("its rate per step is {pl}, which is not a number >= 0"),
                            ));
                        }
                        let Some(k) = poisson_count(pl, &self.streams[base + lane], t) else {
                            return Err(fault(
                                owner,
                                lane,
                                ctx,
                                format!(
                                    "its rate per step is {pl}, too large to draw a count from"
                                ),
                            ));
                        };
                        d[lane] = k;
                    }
                    return Ok(());
                }
                // Probabilities are checked in one branch-free pass; then
                // every lane draws its step's number (cheaper than a
                // branch that mispredicts) and compares.
                if p[..n]
                    .iter()
                    .fold(false, |bad, &x| bad | !(0.0..=1.0).contains(&x))
                {
                    let lane = p[..n]
                        .iter()
                        .position(|x| !(0.0..=1.0).contains(x))
                        .unwrap_or(0);
                    return Err(fault(
                        owner,
                        lane,
                        ctx,
                        format!("its probability is {}, outside [0, 1]", p[lane]),
                    ));
                }
                let streams = &self.streams[base..base + n];
                match mode {
                    // `d` still holds the previous step's values (as
                    // `before` now does): an occurrence sticks.
                    EventMode::Once => {
                        for lane in 0..n {
                            let happened = streams[lane].uniform_at(t) < p[lane];
                            d[lane] = f64::from(happened | (d[lane] != 0.0));
                        }
                    }
                    _ => {
                        for lane in 0..n {
                            d[lane] = f64::from(streams[lane].uniform_at(t) < p[lane]);
                        }
                    }
                }
            }
            Op::Branch {
                dst,
                chance,
                lower,
                once,
                stream,
                owner,
                before,
            } => {
                let base = stream as usize * LANES;
                if once {
                    s[before as usize] = s[dst as usize];
                }
                let (p, lo) = (s[chance as usize], s[lower as usize]);
                let bad = |i: usize| !((0.0..=1.0).contains(&p[i]) && lo[i] + p[i] <= 1.0 + 1e-12);
                if let Some(lane) = (0..n).find(|&i| bad(i)) {
                    return Err(fault(
                        owner,
                        lane,
                        ctx,
                        format!(
                            "its probability is {}, and with the outcomes before it the chances add up to {}: each must be in [0, 1] and together at most 1",
                            p[lane],
                            lo[lane] + p[lane]
                        ),
                    ));
                }
                let t = u64::from(ctx.t);
                let prior = once.then(|| s[before as usize]);
                let d = &mut s[dst as usize];
                for lane in 0..n {
                    let u = self.streams[base + lane].uniform_at(t);
                    let happened = lo[lane] <= u && u < lo[lane] + p[lane];
                    let kept = prior.is_some_and(|b| b[lane] != 0.0);
                    d[lane] = f64::from(happened || kept);
                }
            }
            Op::Copula {
                ref slots,
                ref dists,
                ref streams,
                ref cholesky,
            } => {
                let k = slots.len();
                for lane in 0..n {
                    for (z, &stream) in self.normals.iter_mut().zip(streams) {
                        *z = dist::standard_normal(
                            &mut self.streams[stream as usize * LANES + lane],
                        );
                    }
                    for i in 0..k {
                        let row = &cholesky[i * k..i * k + i + 1];
                        let x: f64 = row.iter().zip(&self.normals).map(|(l, z)| l * z).sum();
                        let u =
                            dist::normal_cdf(x).clamp(f64::MIN_POSITIVE, 1.0 - f64::EPSILON / 2.0);
                        self.slots[slots[i] as usize][lane] = dists[i].quantile(u);
                    }
                }
            }
            Op::AtLeast { src, min, owner } => {
                if let Some(lane) = s[src as usize][..n]
                    .iter()
                    .position(|&x| x.is_nan() || x < min)
                {
                    let time = s[src as usize][lane];
                    return Err(fault(
                        owner,
                        lane,
                        ctx,
                        format!(
                            "a delay or smoothing time is {time} steps; it must be at least {min} (a step for each stage)"
                        ),
                    ));
                }
            }
            Op::Guard { src, owner } => {
                // A branch-free scan first (it vectorises); the lane only on a fault.
                let lanes = &s[src as usize][..n];
                if !lanes.iter().fold(false, |any, x| any | x.is_nan()) {
                    return Ok(());
                }
                for (lane, &x) in lanes.iter().enumerate() {
                    if x.is_nan() {
                        return Err(fault(
                            owner,
                            lane,
                            ctx,
                            "its update gave an undefined value (NaN)".into(),
                        ));
                    }
                }
            }
            Op::Commit { dst, src, lo, hi } => map1(s, dst, src, |x| builtins::clamp(x, lo, hi)),
            Op::Force {
                dst,
                src,
                from,
                to,
                once_before,
                yes_no,
            } => {
                if (from..=to).contains(&ctx.t) {
                    let v = s[src as usize];
                    match once_before {
                        Some(b) => {
                            let before = s[b as usize];
                            let d = &mut s[dst as usize];
                            for i in 0..LANES {
                                d[i] = f64::from(before[i] != 0.0 || truthy(v[i]));
                            }
                        }
                        None if yes_no => {
                            let d = &mut s[dst as usize];
                            for i in 0..LANES {
                                d[i] = f64::from(truthy(v[i]));
                            }
                        }
                        None => s[dst as usize] = v,
                    }
                }
            }
            Op::Inject { dst, param } => {
                if let Some(inject) = ctx.inject {
                    for (lane, x) in s[dst as usize].iter_mut().enumerate().take(n) {
                        if let Some(v) = inject.value(param as usize, ctx.first_run + lane as u64) {
                            *x = v;
                        }
                    }
                }
            }
            Op::Agg {
                agg,
                dst,
                src,
                step,
            } => {
                let t = f64::from(ctx.t);
                let at_step = ctx.t == step;
                // An aggregate's slot is its own, never its argument's: read
                // in place (a copy only if that ever changed).
                let copy;
                let (d, v) = match s.get_disjoint_mut([dst as usize, src as usize]) {
                    Ok([d, v]) => (d, &*v),
                    Err(_) => {
                        copy = s[src as usize];
                        (&mut s[dst as usize], &copy)
                    }
                };
                match agg {
                    Agg::Ever => {
                        for i in 0..LANES {
                            d[i] = f64::from(d[i] != 0.0 || truthy(v[i]));
                        }
                    }
                    Agg::Count | Agg::Sum | Agg::Mean => {
                        for i in 0..LANES {
                            d[i] += v[i];
                        }
                    }
                    Agg::First => {
                        for i in 0..LANES {
                            if d[i].is_nan() && truthy(v[i]) {
                                d[i] = t;
                            }
                        }
                    }
                    Agg::Max => {
                        for i in 0..LANES {
                            d[i] = d[i].max(v[i]);
                        }
                    }
                    Agg::Min => {
                        for i in 0..LANES {
                            d[i] = d[i].min(v[i]);
                        }
                    }
                    Agg::At => {
                        if at_step {
                            *d = *v;
                        }
                    }
                }
            }
        }
        Ok(())
    }
}

struct Ctx<'a> {
    t: u32,
    n: usize,
    first_run: u64,
    inject: Option<&'a dyn Inject>,
}

fn fault(owner: u32, lane: usize, ctx: &Ctx, message: String) -> Fault {
    Fault {
        owner,
        lane,
        step: ctx.t,
        message,
    }
}

/// A draw from each stream by `dist`'s [`dist::Simple`] sampler: the words
/// of all lanes first, in one pass, then the sampler lane by lane from its
/// words (a branch-free pass), and the rare draw that a first try does not
/// give (a normal the ziggurat rejects, a gamma whose squeeze test fails)
/// drawn again from its first word by the full sampler. The same bits as
/// `Dist::fill`.
#[inline(always)]
fn draw_simple(dist: &dist::Dist, simple: dist::Simple, streams: &mut [Stream], out: &mut [f64]) {
    let mut words = [0u64; LANES];
    let words = &mut words[..streams.len()];
    Stream::next_words(streams, words);
    match simple {
        dist::Simple::Uniform { lo, hi, width } => {
            for (x, &w) in out.iter_mut().zip(words.iter()) {
                *x = (lo + rng::to_unit(w) * width).min(hi);
            }
        }
        dist::Simple::Normal { mean, sd } => {
            let mut again = 0u64;
            for (lane, (x, &w)) in out.iter_mut().zip(words.iter()).enumerate() {
                let (z, ok) = dist::normal_first_try_parts(w);
                *x = mean + sd * z;
                again |= u64::from(!ok) << lane;
            }
            redraw(dist, again, 1, streams, out);
        }
        dist::Simple::Beta(beta) => {
            let n = words.len();
            let mut more = [[0u64; LANES]; 3];
            for w in &mut more {
                Stream::next_words(streams, &mut w[..n]);
            }
            let mut again = 0u64;
            for (lane, x) in out.iter_mut().enumerate().take(n) {
                let (b, ok) =
                    beta.first_try([words[lane], more[0][lane], more[1][lane], more[2][lane]]);
                *x = b;
                again |= u64::from(!ok) << lane;
            }
            redraw(dist, again, 4, streams, out);
        }
    }
}

/// Draws again, with `dist`'s full sampler, the lanes of `again` whose
/// first try did not give a draw: each stream is taken back over the
/// `read` words the first try read, so the draw starts from its first word
/// as `Dist::fill` would.
#[cold]
fn redraw(dist: &dist::Dist, mut again: u64, read: usize, streams: &mut [Stream], out: &mut [f64]) {
    while again != 0 {
        let lane = again.trailing_zeros() as usize;
        again &= again - 1;
        let s = &mut streams[lane];
        for _ in 0..read {
            s.unread();
        }
        dist.fill(std::slice::from_mut(s), &mut out[lane..=lane]);
    }
}

/// A Poisson count for a count event. Below
/// [`dist::POISSON_INVERSION_MAX_RATE`] it is the count at the step's own
/// uniform u (the stream's t-th number, [`dist::poisson_by_inversion`]), so
/// draws stay aligned between scenarios whose rates differ (common random
/// numbers), and a higher rate never gives a lower count in the same run.
/// Above it, the sampler of `dist` on a stream of the step's own (faster
/// for large rates, consuming a variable amount).
#[inline]
fn poisson_count(rate: f64, rng: &Stream, t: u64) -> Option<f64> {
    if rate >= dist::POISSON_INVERSION_MAX_RATE {
        return dist::sample_with(DistKind::Poisson, &[rate], &mut rng.fork(t)).ok();
    }
    if rate == 0.0 {
        return Some(0.0);
    }
    Some(dist::poisson_by_inversion(
        rate,
        (-rate).exp(),
        rng.uniform_at(t),
    ))
}

/// Something to do with a binary operation's function, whatever the
/// operation: [`with_bin`] holds the one table from operator to function.
trait BinKernel {
    fn run(self, f: impl Fn(f64, f64) -> f64);
}

#[inline(always)]
fn with_bin(op: BinOp, kernel: impl BinKernel) {
    match op {
        BinOp::Add => kernel.run(|x, y| x + y),
        BinOp::Sub => kernel.run(|x, y| x - y),
        BinOp::Mul => kernel.run(|x, y| x * y),
        BinOp::Div => kernel.run(|x, y| x / y),
        BinOp::Mod => kernel.run(f64::rem_euclid),
        BinOp::Pow => kernel.run(f64::powf),
        BinOp::Lt => kernel.run(|x, y| f64::from(x < y)),
        BinOp::Le => kernel.run(|x, y| f64::from(x <= y)),
        BinOp::Gt => kernel.run(|x, y| f64::from(x > y)),
        BinOp::Ge => kernel.run(|x, y| f64::from(x >= y)),
        BinOp::Eq => kernel.run(|x, y| f64::from(x == y)),
        BinOp::Ne => kernel.run(|x, y| f64::from(x != y)),
        BinOp::And => kernel.run(|x, y| f64::from(truthy(x) && truthy(y))),
        BinOp::Or => kernel.run(|x, y| f64::from(truthy(x) || truthy(y))),
    }
}

/// `dst = a op b` over slots.
struct Slots<'a> {
    s: &'a mut [Lane],
    dst: Slot,
    a: Slot,
    b: Slot,
}

impl BinKernel for Slots<'_> {
    #[inline(always)]
    fn run(self, f: impl Fn(f64, f64) -> f64) {
        map2(self.s, self.dst, self.a, self.b, f)
    }
}

/// `dst = a op k`, or `k op a`.
struct SlotConst<'a> {
    s: &'a mut [Lane],
    dst: Slot,
    a: Slot,
    k: f64,
    k_left: bool,
}

impl BinKernel for SlotConst<'_> {
    #[inline(always)]
    fn run(self, f: impl Fn(f64, f64) -> f64) {
        let k = self.k;
        if self.k_left {
            map1(self.s, self.dst, self.a, |x| f(k, x))
        } else {
            map1(self.s, self.dst, self.a, |x| f(x, k))
        }
    }
}

#[inline(always)]
fn map1(s: &mut [Lane], dst: Slot, a: Slot, f: impl Fn(f64) -> f64) {
    let (d, a) = (dst as usize, a as usize);
    if let Ok([dl, al]) = s.get_disjoint_mut([d, a]) {
        for i in 0..LANES {
            dl[i] = f(al[i]);
        }
    } else {
        for x in s[d].iter_mut() {
            *x = f(*x);
        }
    }
}

/// Lanes taken together by the fused operations: two AVX2 registers.
const BLOCK: usize = 8;

/// Lanes `b..b + BLOCK` of a slot, by value.
#[inline(always)]
fn block(lanes: &Lane, b: usize) -> [f64; BLOCK] {
    let mut out = [0.0; BLOCK];
    out.copy_from_slice(&lanes[b..b + BLOCK]);
    out
}

/// `dst = f(a, b, c)` lane by lane; the operands may be the same slots
/// (each block of lanes is read before it is written).
#[inline(always)]
fn map3(s: &mut [Lane], dst: Slot, a: Slot, b: Slot, c: Slot, f: impl Fn(f64, f64, f64) -> f64) {
    for l in (0..LANES).step_by(BLOCK) {
        let (al, bl, cl) = (
            block(&s[a as usize], l),
            block(&s[b as usize], l),
            block(&s[c as usize], l),
        );
        let mut out = [0.0; BLOCK];
        for i in 0..BLOCK {
            out[i] = f(al[i], bl[i], cl[i]);
        }
        s[dst as usize][l..l + BLOCK].copy_from_slice(&out);
    }
}

#[inline(always)]
fn map2(s: &mut [Lane], dst: Slot, a: Slot, b: Slot, f: impl Fn(f64, f64) -> f64) {
    let (d, a, b) = (dst as usize, a as usize, b as usize);
    if a == b {
        if let Ok([dl, al]) = s.get_disjoint_mut([d, a]) {
            for i in 0..LANES {
                dl[i] = f(al[i], al[i]);
            }
            return;
        }
    } else if let Ok([dl, al, bl]) = s.get_disjoint_mut([d, a, b]) {
        for i in 0..LANES {
            dl[i] = f(al[i], bl[i]);
        }
        return;
    }
    // The destination is also an operand: copy the operands first.
    let (al, bl) = (s[a], s[b]);
    let dl = &mut s[d];
    for i in 0..LANES {
        dl[i] = f(al[i], bl[i]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dist::Dist;

    #[test]
    fn simple_draws_are_the_bits_of_the_samplers() {
        // Each lane's numbers from the one-pass draw equal `Dist::fill`'s
        // from the same streams, draw after draw (a few hundred of the
        // normals take the ziggurat's slow path).
        for (kind, args) in [
            (DistKind::Normal, vec![0.3, 0.02]),
            (DistKind::Normal, vec![-4.0, 7.5]),
            (DistKind::Uniform, vec![-1.0, 3.0]),
            (DistKind::Uniform, vec![0.0, 1.0]),
            // Shape 1 fails the gamma's squeeze test most often.
            (DistKind::Beta, vec![1.0, 1.0]),
            (DistKind::Beta, vec![5.0, 3.0]),
            (DistKind::Beta, vec![2.0, 500.0]),
            (DistKind::Pert, vec![0.01, 0.03, 0.08]),
            (DistKind::Pert, vec![2.0, 2.0, 5.0]),
            (DistKind::Pert, vec![-3.0, 9.0, 9.0]),
        ] {
            let d = Dist::new(kind, &args).unwrap();
            let simple = d.simple().unwrap();
            let mut fast: Vec<Stream> = (0..LANES as u64).map(|r| rng::stream(3, r, 17)).collect();
            let mut slow = fast.clone();
            let (mut a, mut b) = ([0.0; LANES], [0.0; LANES]);
            for draw in 0..500 {
                // A partial batch too.
                let n = if draw % 7 == 3 { 37 } else { LANES };
                draw_simple(&d, simple, &mut fast[..n], &mut a[..n]);
                d.fill(&mut slow[..n], &mut b[..n]);
                for lane in 0..n {
                    assert_eq!(
                        a[lane].to_bits(),
                        b[lane].to_bits(),
                        "{kind:?} draw {draw} lane {lane}"
                    );
                }
                assert_eq!(fast, slow);
            }
        }
    }

    /// A gamma with a shape below 1 needs a boost, which takes logs: such
    /// betas keep the full sampler.
    #[test]
    fn betas_with_a_shape_below_one_are_not_simple() {
        for args in [[0.8, 6.0], [3.0, 0.5]] {
            assert_eq!(Dist::new(DistKind::Beta, &args).unwrap().simple(), None);
        }
    }

    #[test]
    fn blocked_operations_may_write_an_operand() {
        // `Lin` and `map3` read a block of lanes before writing it, so the
        // destination may be one of the operands.
        let s: Vec<Lane> = [|i: f64| i, |i: f64| 2.0 * i + 0.5, |i: f64| -i]
            .iter()
            .map(|f| std::array::from_fn(|i| f(i as f64)))
            .collect();
        // -1 * x is -x in IEEE arithmetic.
        let want: Vec<f64> = (0..LANES)
            .map(|i| 0.5 * s[0][i] - s[1][i] + 3.0 * s[2][i])
            .collect();
        let mut ws = Workspace {
            slots: s.clone(),
            streams: Vec::new(),
            args: Vec::new(),
            normals: Vec::new(),
            memos: Vec::new(),
            memo_of: Vec::new(),
        };
        let ctx = Ctx {
            t: 1,
            n: LANES,
            first_run: 0,
            inject: None,
        };
        let lin = Op::Lin {
            dst: 1,
            terms: vec![(0, 0.5), (1, -1.0), (2, 3.0)],
        };
        ws.op(&lin, &ctx).unwrap();
        assert_eq!(ws.slots[1].to_vec(), want);
        let clamp = Op::Clamp {
            dst: 0,
            x: 1,
            lo: 2,
            hi: 0,
        };
        ws.slots[1] = s[1];
        ws.op(&clamp, &ctx).unwrap();
        for (i, &got) in ws.slots[0].iter().enumerate() {
            assert_eq!(got, builtins::clamp(s[1][i], s[2][i], s[0][i]));
        }
    }
}
