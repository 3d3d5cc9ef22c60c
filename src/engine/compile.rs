//! Model -> Program: assign slots, fold constants, order operations.
//!
//! **Invariant:** compiling a checked model cannot fail; every name already
//! resolved, every order already decided by the checker.

use std::collections::HashMap;

use super::program::*;
use crate::dist::Dist;
use crate::expr::builtins::{Agg, Func, Memory};
use crate::expr::{BinOp, UnOp};
use crate::scenario::check::const_value;
use crate::scenario::{EventMode, MExpr, Model, VarId, VarKind, reads_input_now};

/// Compile a model; `condition` is an optional yes/no over the finished run
/// (an outcome-style expression, already resolved against the model).
pub fn compile(model: &Model, condition: Option<&MExpr>) -> Program {
    let mut c = Compiler {
        model,
        slots: 0,
        var_slot: Vec::new(),
        next_slot: HashMap::new(),
        before_slot: HashMap::new(),
        consts: HashMap::new(),
        const_list: Vec::new(),
        free: Vec::new(),
        streams: Vec::new(),
        owners: Vec::new(),
        aggs: Vec::new(),
        time: 0,
        cse: None,
        pinned: Vec::new(),
        mems: Vec::new(),
        mem_index: HashMap::new(),
        hoist: None,
    };
    c.time = c.alloc();
    c.var_slot = (0..model.vars.len()).map(|_| c.alloc()).collect();
    for &s in &model.states {
        let slot = c.alloc();
        c.next_slot.insert(s, slot);
    }
    for e in model.events() {
        if matches!(
            model.var(e).kind,
            VarKind::Event {
                mode: EventMode::Once,
                ..
            }
        ) {
            let slot = c.alloc();
            c.before_slot.insert(e, slot);
        }
    }

    c.memories();

    // After the last step: outcomes (this collects the aggregates).
    let mut finish = Vec::new();
    let mut outcomes = Vec::new();
    let mut outcome_owners = Vec::new();
    for o in &model.outcomes {
        outcome_owners.push(c.owner(&o.name, "outcome", &o.expr));
        let dst = c.alloc();
        c.emit_into(&o.expr, dst, &mut finish, &format!("{}:outcome", o.name));
        outcomes.push(dst);
    }
    // A `--given` condition may name outcomes: they are numbered after the
    // model's variables (`check::resolve_extra`) and read from their slots.
    c.var_slot.extend(outcomes.iter().copied());
    let condition = condition.map(|e| {
        let dst = c.alloc();
        c.emit_into(e, dst, &mut finish, ":condition");
        dst
    });

    // t = 0: parameters, then initial state, then aggregates' starting values.
    let mut init = vec![Op::Time { dst: c.time }];
    // Correlated parameters first: they depend on no other parameter.
    let correlated: Vec<VarId> = model
        .copula
        .as_ref()
        .map_or(Vec::new(), |k| k.params.clone());
    if let Some(copula) = &model.copula {
        let mut dists = Vec::new();
        for &p in &copula.params {
            if let VarKind::Param { dist: Some(d), .. } = &model.var(p).kind {
                dists.push(d.clone());
            }
        }
        if dists.len() == copula.params.len() {
            let streams = copula
                .params
                .iter()
                .map(|&p| c.stream(&format!("{}:copula", model.var(p).name)))
                .collect();
            init.push(Op::Copula {
                slots: copula
                    .params
                    .iter()
                    .map(|p| c.var_slot[p.0 as usize])
                    .collect(),
                dists,
                streams,
                cholesky: copula.cholesky.clone(),
            });
        }
    }
    let mut params = Vec::new();
    for (index, &p) in model.params.iter().enumerate() {
        let VarKind::Param { def, .. } = &model.var(p).kind else {
            continue;
        };
        let dst = c.var_slot[p.0 as usize];
        let name = model.var(p).name.clone();
        if !correlated.contains(&p) {
            c.emit_into(def, dst, &mut init, &format!("{name}:def"));
        }
        init.push(Op::Inject {
            dst,
            param: index as u32,
        });
        params.push((p, dst));
    }
    for &s in &model.states {
        let VarKind::State { init: e, .. } = &model.var(s).kind else {
            continue;
        };
        let dst = c.var_slot[s.0 as usize];
        let key = format!("{}:init", model.var(s).name);
        c.emit_into(e, dst, &mut init, &key);
    }
    // `at = 0` interventions on state, once every initial value exists: all
    // values first (they read the initial state), then all forces.
    let pending: Vec<Op> = model
        .states
        .iter()
        .flat_map(|&s| c.force_values(s, 0, &mut init))
        .collect();
    init.extend(pending);
    for i in 0..c.mems.len() {
        c.memory_init(i, &mut init);
    }
    for e in model.events() {
        init.push(Op::Fill {
            dst: c.var_slot[e.0 as usize],
            value: 0.0,
        });
    }
    for d in model.derived() {
        init.push(Op::Fill {
            dst: c.var_slot[d.0 as usize],
            value: f64::NAN,
        });
    }
    for &(agg, _, _, slot) in &c.aggs {
        let value = match agg {
            Agg::Ever | Agg::Count | Agg::Sum | Agg::Mean => 0.0,
            Agg::First | Agg::At => f64::NAN,
            Agg::Max => f64::NEG_INFINITY,
            Agg::Min => f64::INFINITY,
        };
        init.push(Op::Fill { dst: slot, value });
    }

    // One step: derived and events in order, then every state at once.
    // Until the commits no slot is written twice, so a subexpression met
    // more than once is computed once (forces end that: see below).
    let mut cse = Cse::default();
    for &v in &model.step_order {
        match &model.var(v).kind {
            VarKind::Derived { expr } => cse.count(expr),
            VarKind::Event { chance, .. } => cse.count(chance),
            _ => {}
        }
    }
    for &s in &model.states {
        if let VarKind::State { update, .. } = &model.var(s).kind {
            cse.count(update);
        }
    }
    c.cse = Some(cse);
    c.hoist = Some(Hoist::default());
    let mut step = vec![Op::Time { dst: c.time }];
    for &v in &model.step_order {
        let var = model.var(v);
        let dst = c.var_slot[v.0 as usize];
        match &var.kind {
            VarKind::Derived { expr } => {
                c.emit_into(expr, dst, &mut step, &format!("{}:expr", var.name))
            }
            VarKind::Event {
                mode,
                chance,
                branch: Some(branch),
            } => {
                let before = c.before_slot.get(&v).copied().unwrap_or(dst);
                let p = c.emit(chance, &mut step, &format!("{}:chance", var.name));
                let lower = c.emit(&branch.lower, &mut step, &format!("{}:lower", var.name));
                let owner = c.owner(&var.name, "event", chance);
                // Every outcome of the group reads the same random numbers.
                let stream = c.stream(&format!("{}:event", branch.group));
                step.push(Op::Branch {
                    dst,
                    chance: p,
                    lower,
                    once: *mode == EventMode::Once,
                    stream,
                    owner,
                    before,
                });
                c.release(p);
                c.release(lower);
            }
            VarKind::Event { mode, chance, .. } => {
                let before = c.before_slot.get(&v).copied().unwrap_or(dst);
                let p = c.emit(chance, &mut step, &format!("{}:chance", var.name));
                let owner = c.owner(&var.name, "event", chance);
                let stream = c.stream(&format!("{}:event", var.name));
                step.push(Op::Event {
                    dst,
                    chance: p,
                    mode: *mode,
                    stream,
                    owner,
                    before,
                });
                c.release(p);
            }
            _ => {}
        }
        let pending = c.force_values(v, 1, &mut step);
        if !pending.is_empty() {
            // A forced value replaces one that shared results may have read.
            if let Some(cse) = c.cse.as_mut() {
                cse.done.clear();
            }
        }
        step.extend(pending);
    }
    for &s in &model.states {
        let VarKind::State { update, .. } = &model.var(s).kind else {
            continue;
        };
        let next = c.next_slot[&s];
        let key = format!("{}:update", model.var(s).name);
        c.emit_into(update, next, &mut step, &key);
    }
    for i in 0..c.mems.len() {
        c.memory_update(i, &mut step);
    }
    c.cse = None;
    // Interventions on state read last step's values: evaluate them before
    // any state advances, apply them after.
    let state_forces: Vec<Op> = model
        .states
        .iter()
        .flat_map(|&s| c.force_values(s, 1, &mut step))
        .collect();
    // Every update is checked before any is committed, so a fault reports
    // the values the updates actually read.
    for &s in &model.states {
        let var = model.var(s);
        let VarKind::State { update, .. } = &var.kind else {
            continue;
        };
        let owner = c.owner(&var.name, "state", update);
        step.push(Op::Guard {
            src: c.next_slot[&s],
            owner,
        });
    }
    for &s in &model.states {
        let var = model.var(s);
        let VarKind::State { min, max, .. } = &var.kind else {
            continue;
        };
        step.push(Op::Commit {
            dst: c.var_slot[s.0 as usize],
            src: c.next_slot[&s],
            lo: min.unwrap_or(f64::NEG_INFINITY),
            hi: max.unwrap_or(f64::INFINITY),
        });
    }
    for i in 0..c.mems.len() {
        c.memory_commit(i, &mut step);
    }
    step.extend(state_forces);
    let aggs = std::mem::take(&mut c.aggs);
    for (agg, arg, at, slot) in &aggs {
        let src = c.emit(arg, &mut step, "aggregate");
        step.push(Op::Agg {
            agg: *agg,
            dst: *slot,
            src,
            step: *at,
        });
        c.release(src);
    }
    // What the step reads of the parameters alone, computed once per run
    // after every parameter has its value.
    if let Some(hoist) = c.hoist.take() {
        init.extend(hoist.ops);
    }

    let (series_vars, series_states) = model.series_vars();
    let series = series_vars
        .into_iter()
        .map(|v| SeriesSpec {
            var: v,
            slot: c.var_slot[v.0 as usize],
        })
        .collect();
    let events = model
        .events()
        .map(|v| EventSpec {
            var: v,
            slot: c.var_slot[v.0 as usize],
            mode: match model.var(v).kind {
                VarKind::Event { mode, .. } => mode,
                _ => EventMode::Repeat,
            },
        })
        .collect();
    Program {
        slots: c.slots,
        consts: c.const_list,
        init,
        step,
        finish,
        streams: c.streams,
        owners: c.owners,
        params,
        series,
        states: series_states,
        events,
        outcomes,
        outcome_owners,
        condition,
        steps: model.info.steps,
    }
}

struct Compiler<'m> {
    model: &'m Model,
    slots: usize,
    var_slot: Vec<Slot>,
    next_slot: HashMap<VarId, Slot>,
    before_slot: HashMap<VarId, Slot>,
    consts: HashMap<u64, Slot>,
    const_list: Vec<(Slot, f64)>,
    free: Vec<Slot>,
    streams: Vec<u64>,
    owners: Vec<Owner>,
    /// Aggregates met in outcomes: (kind, argument, `at` step, slot).
    aggs: Vec<(Agg, MExpr, u32, Slot)>,
    time: Slot,
    /// Common subexpressions of the step: how often each pure expression
    /// occurs there, and the slot already holding the ones computed.
    cse: Option<Cse>,
    /// Temporaries that hold a shared subexpression: never released.
    pinned: Vec<Slot>,
    /// The hidden state of every call of a function with memory, and where
    /// each call's id is in that list.
    mems: Vec<Mem>,
    mem_index: HashMap<u32, usize>,
    /// While the step is compiled: its subexpressions that read only
    /// parameters and constants, computed once per run instead.
    hoist: Option<Hoist>,
}

/// Subexpressions of the step that are the same at every step of a run:
/// they read parameters (fixed for the run: no intervention or injection
/// changes them after the start) and constants only, and draw nothing.
/// Their operations run once, after the parameters are set, into slots of
/// their own; the step reads those slots. The operations are the ones the
/// step would have run, so the values are the same bits.
#[derive(Default)]
struct Hoist {
    ops: Vec<Op>,
    /// The slot of each hoisted subexpression, by its text.
    done: HashMap<String, Slot>,
}

/// The hidden state of one call of a function with memory.
struct Mem {
    kind: Memory,
    input: MExpr,
    time: Option<MExpr>,
    init: Option<MExpr>,
    /// The variable whose expression holds the call.
    owner: VarId,
    id: u32,
    /// A lag's values, newest first (k of them); a smoothing's or delay's
    /// stages, first to last; a trend's average.
    stocks: Vec<Slot>,
    /// The values the stocks take at the end of the step (a lag: the input).
    next: Vec<Slot>,
    /// The time of one stage (a trend: the averaging time).
    stage_time: Slot,
    /// A trend's `1 + initial_trend * T`, which seeds its average.
    seed: Slot,
}

/// Common subexpression elimination over one stretch of a step in which no
/// slot a pure expression can read is written twice.
#[derive(Default)]
struct Cse {
    counts: HashMap<String, usize>,
    done: HashMap<String, Slot>,
}

/// `dst = src` at step 1 only: seeds hidden state from its input.
fn force_at_step_1(dst: Slot, src: Slot) -> Op {
    Op::Force {
        dst,
        src,
        from: 1,
        to: 1,
        once_before: None,
        yes_no: false,
    }
}

/// The text that identifies `e` for sharing, when it is worth sharing: not
/// a leaf, and with no random draw or aggregate anywhere in it.
fn cse_key(e: &MExpr) -> Option<String> {
    if matches!(
        e,
        MExpr::Const(_) | MExpr::Var(_) | MExpr::Time | MExpr::Resample(_)
    ) {
        return None;
    }
    let mut pure = true;
    e.walk(&mut |n| {
        pure &= !matches!(
            n,
            MExpr::Random { .. } | MExpr::Agg { .. } | MExpr::Memory { .. }
        )
    });
    pure.then(|| format!("{e:?}"))
}

impl Cse {
    fn count(&mut self, e: &MExpr) {
        e.walk(&mut |n| {
            if let Some(k) = cse_key(n) {
                *self.counts.entry(k).or_insert(0) += 1;
            }
        });
    }
}

impl Compiler<'_> {
    fn alloc(&mut self) -> Slot {
        self.slots += 1;
        (self.slots - 1) as Slot
    }

    fn temp(&mut self) -> Slot {
        match self.free.pop() {
            Some(s) => s,
            None => self.alloc(),
        }
    }

    fn is_temp(&self, s: Slot) -> bool {
        // Temporaries are allocated after every named slot and are never constants.
        !self.const_list.iter().any(|&(c, _)| c == s)
            && !self.var_slot.contains(&s)
            && s != self.time
            && !self.next_slot.values().any(|&n| n == s)
            && !self.before_slot.values().any(|&n| n == s)
            && !self.aggs.iter().any(|a| a.3 == s)
            && !self.mems.iter().any(|m| {
                m.stocks.contains(&s) || m.next.contains(&s) || m.stage_time == s || m.seed == s
            })
    }

    /// Find every call of a function with memory in the step's expressions
    /// and give its hidden state slots of its own.
    fn memories(&mut self) {
        let model = self.model;
        let mut found: Vec<(VarId, MExpr)> = Vec::new();
        let exprs = model.step_order.iter().chain(&model.states).map(|&v| {
            let e = match &model.var(v).kind {
                VarKind::Derived { expr } => Some(expr),
                VarKind::Event { chance, .. } => Some(chance),
                VarKind::State { update, .. } => Some(update),
                VarKind::Param { .. } => None,
            };
            (v, e)
        });
        for (v, e) in exprs {
            if let Some(e) = e {
                e.walk(&mut |n| {
                    if matches!(n, MExpr::Memory { .. }) {
                        found.push((v, n.clone()));
                    }
                });
            }
        }
        for (owner, node) in found {
            let MExpr::Memory {
                kind,
                input,
                time,
                init,
                lag,
                id,
            } = node
            else {
                continue;
            };
            let stocks = if kind.is_lag() {
                lag as usize
            } else {
                kind.stages()
            };
            let stocks: Vec<Slot> = (0..stocks).map(|_| self.alloc()).collect();
            let next_count = if kind.is_lag() { 1 } else { stocks.len() };
            let next = (0..next_count).map(|_| self.alloc()).collect();
            let stage_time = self.alloc();
            let seed = self.alloc();
            self.mem_index.insert(id, self.mems.len());
            self.mems.push(Mem {
                kind,
                input: *input,
                time: time.map(|t| *t),
                init: init.map(|i| *i),
                owner,
                id,
                stocks,
                next,
                stage_time,
                seed,
            });
        }
    }

    fn mem_key(&self, i: usize) -> String {
        let m = &self.mems[i];
        format!("{}:memory{}", self.model.var(m.owner).name, m.id)
    }

    /// Before step 1: the time of each stage (checked), and the hidden state's
    /// first values: the initial value given, a lag's default (a state's
    /// initial value, else 0), or none yet (seeded from the input in step 1).
    fn memory_init(&mut self, i: usize, ops: &mut Vec<Op>) {
        let key = self.mem_key(i);
        let m = &self.mems[i];
        let (kind, stocks, stage_time, seed) = (m.kind, m.stocks.clone(), m.stage_time, m.seed);
        let (time, init, input, owner) = (m.time.clone(), m.init.clone(), m.input.clone(), m.owner);
        if let Some(time) = &time {
            let total = self.alloc();
            self.emit_into(time, total, ops, &format!("{key}:time"));
            let var = self.model.var(owner);
            let owner = self.owner(&var.name, var.kind.word(), time);
            let stages = kind.stages() as f64;
            ops.push(Op::AtLeast {
                src: total,
                min: stages,
                owner,
            });
            ops.push(Op::BinConst {
                op: BinOp::Div,
                dst: stage_time,
                a: total,
                k: stages,
                k_left: false,
            });
        }
        let first = stocks[0];
        match (kind, &init, &input) {
            (Memory::Trend, _, _) => {
                // 1 + initial_trend * T: the average starts at input / this.
                let g0 = init.clone().unwrap_or(MExpr::Const(0.0));
                self.emit_into(&g0, seed, ops, &format!("{key}:init"));
                ops.push(Op::Bin {
                    op: BinOp::Mul,
                    dst: seed,
                    a: seed,
                    b: stage_time,
                });
                ops.push(Op::BinConst {
                    op: BinOp::Add,
                    dst: seed,
                    a: seed,
                    k: 1.0,
                    k_left: false,
                });
                ops.push(Op::Fill {
                    dst: first,
                    value: f64::NAN,
                });
            }
            (_, Some(init), _) => self.emit_into(init, first, ops, &format!("{key}:init")),
            (Memory::Prev, None, MExpr::Var(x))
                if matches!(self.model.var(*x).kind, VarKind::State { .. }) =>
            {
                ops.push(Op::Copy {
                    dst: first,
                    src: self.var_slot[x.0 as usize],
                })
            }
            (Memory::Prev | Memory::DelayFixed, None, _) => ops.push(Op::Fill {
                dst: first,
                value: 0.0,
            }),
            (_, None, _) => ops.push(Op::Fill {
                dst: first,
                value: f64::NAN,
            }),
        }
        for &s in &stocks[1..] {
            ops.push(Op::Copy { dst: s, src: first });
        }
    }

    /// Where a call is read within the step: seed its state from the input
    /// at step 1 when no initial value was given, then give its value.
    fn memory_read(
        &mut self,
        i: usize,
        dst: Option<Slot>,
        ops: &mut Vec<Op>,
        key: &mut String,
    ) -> Slot {
        let m = &self.mems[i];
        let (kind, stocks, stage_time, seed) = (m.kind, m.stocks.clone(), m.stage_time, m.seed);
        let (input, has_init) = (m.input.clone(), m.init.is_some());
        let last = stocks[stocks.len() - 1];
        if !reads_input_now(kind, has_init) {
            return last;
        }
        let x = self.emit_node(&input, None, ops, key);
        if kind == Memory::Trend {
            let start = self.temp();
            ops.push(Op::Bin {
                op: BinOp::Div,
                dst: start,
                a: x,
                b: seed,
            });
            ops.push(force_at_step_1(last, start));
            self.release(start);
            // (x - A) / (T |A|), 0 when T |A| is 0 (Vensim's ZIDZ).
            let (gap, scale) = (self.temp(), self.temp());
            ops.push(Op::Bin {
                op: BinOp::Sub,
                dst: gap,
                a: x,
                b: last,
            });
            ops.push(Op::Un {
                f: Func::Abs,
                dst: scale,
                a: last,
            });
            ops.push(Op::Bin {
                op: BinOp::Mul,
                dst: scale,
                a: scale,
                b: stage_time,
            });
            let d = dst.unwrap_or_else(|| self.temp());
            ops.push(Op::Bin {
                op: BinOp::Div,
                dst: gap,
                a: gap,
                b: scale,
            });
            let zero = self.constant(0.0);
            ops.push(Op::Select {
                dst: d,
                c: scale,
                a: gap,
                b: zero,
            });
            self.release(gap);
            self.release(scale);
            self.release(x);
            return d;
        }
        for &s in &stocks {
            ops.push(force_at_step_1(s, x));
        }
        self.release(x);
        last
    }

    /// At the end of the step, with the state updates: the hidden state's
    /// next values, from this step's input.
    fn memory_update(&mut self, i: usize, ops: &mut Vec<Op>) {
        let key = self.mem_key(i);
        let m = &self.mems[i];
        let (kind, stocks, next, stage_time) =
            (m.kind, m.stocks.clone(), m.next.clone(), m.stage_time);
        let input = m.input.clone();
        if kind.is_lag() {
            self.emit_into(&input, next[0], ops, &format!("{key}:input"));
            return;
        }
        let x = self.emit(&input, ops, &format!("{key}:input"));
        // Each stage moves toward the one before it (the first toward the
        // input) by 1 / stage time of the gap, all from this step's values.
        for (j, (&s, &n)) in stocks.iter().zip(&next).enumerate() {
            let from = if j == 0 { x } else { stocks[j - 1] };
            let gap = self.temp();
            ops.push(Op::Bin {
                op: BinOp::Sub,
                dst: gap,
                a: from,
                b: s,
            });
            ops.push(Op::Bin {
                op: BinOp::Div,
                dst: gap,
                a: gap,
                b: stage_time,
            });
            ops.push(Op::Bin {
                op: BinOp::Add,
                dst: n,
                a: s,
                b: gap,
            });
            self.release(gap);
        }
        self.release(x);
    }

    /// With the state commits: the hidden state takes its next values (a
    /// lag shifts by one step).
    fn memory_commit(&mut self, i: usize, ops: &mut Vec<Op>) {
        let m = &self.mems[i];
        if m.kind.is_lag() {
            for j in (1..m.stocks.len()).rev() {
                ops.push(Op::Copy {
                    dst: m.stocks[j],
                    src: m.stocks[j - 1],
                });
            }
            ops.push(Op::Copy {
                dst: m.stocks[0],
                src: m.next[0],
            });
        } else {
            for (&s, &n) in m.stocks.iter().zip(&m.next) {
                ops.push(Op::Copy { dst: s, src: n });
            }
        }
    }

    fn release(&mut self, s: Slot) {
        if self.is_temp(s) && !self.free.contains(&s) && !self.pinned.contains(&s) {
            self.free.push(s);
        }
    }

    /// The value of a constant's slot.
    fn const_of(&self, s: Slot) -> Option<f64> {
        self.const_list
            .iter()
            .find(|&&(c, _)| c == s)
            .map(|&(_, v)| v)
    }

    fn constant(&mut self, v: f64) -> Slot {
        if let Some(&s) = self.consts.get(&v.to_bits()) {
            return s;
        }
        let s = self.alloc();
        self.consts.insert(v.to_bits(), s);
        self.const_list.push((s, v));
        s
    }

    /// A stream key: FNV-1a of the owner, role and site, so a variable keeps
    /// its random numbers when other variables change (common random numbers).
    fn stream(&mut self, key: &str) -> u32 {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in key.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        self.streams.push(h);
        (self.streams.len() - 1) as u32
    }

    fn owner(&mut self, name: &str, what: &'static str, expr: &MExpr) -> u32 {
        let mut inputs: Vec<(String, Slot)> = Vec::new();
        for v in expr.vars() {
            let index = v.0 as usize;
            let name = match self.model.vars.get(index) {
                Some(var) => &var.name,
                None => &self.model.outcomes[index - self.model.vars.len()].name,
            };
            if !inputs.iter().any(|(n, _)| n == name) {
                inputs.push((name.clone(), self.var_slot[index]));
            }
        }
        let mut uses_time = false;
        expr.walk(&mut |e| uses_time |= matches!(e, MExpr::Time));
        if uses_time {
            inputs.push(("t".to_string(), self.time));
        }
        self.owners.push(Owner {
            name: name.to_string(),
            what,
            inputs,
        });
        (self.owners.len() - 1) as u32
    }

    /// The interventions on `v` for step 0 (`first_step == 0`) or for steps
    /// 1 and later: each value is emitted now into a slot of its own, and the
    /// `Force` ops that apply them are returned, to be placed by the caller.
    fn force_values(&mut self, v: VarId, first_step: u32, ops: &mut Vec<Op>) -> Vec<Op> {
        let model = self.model;
        let yes_no = matches!(
            model.var(v).kind,
            VarKind::Event {
                mode: EventMode::Once | EventMode::Repeat,
                ..
            }
        );
        let mut forces = Vec::new();
        for (index, iv) in model
            .interventions
            .iter()
            .enumerate()
            .filter(|(_, iv)| iv.var == v)
        {
            let (from, to) = if first_step == 0 {
                if iv.from > 0 {
                    continue;
                }
                (0, 0)
            } else {
                if iv.to < 1 {
                    continue;
                }
                (iv.from.max(1), iv.to)
            };
            let src = self.alloc();
            let key = format!("{}:force{index}", model.var(v).name);
            self.emit_into(&iv.value, src, ops, &key);
            forces.push(Op::Force {
                dst: self.var_slot[v.0 as usize],
                src,
                from,
                to,
                once_before: self.before_slot.get(&v).copied(),
                yes_no,
            });
        }
        forces
    }

    /// The terms of a chain of sums and differences, left to right: the
    /// left spine of `+` and `-` is flattened, and each right operand becomes
    /// `(slot, coefficient)`: `k * x` and `x * k` with a constant `k` give
    /// `(x, ±k)`, `-x` gives `(x, ∓1)`, anything else `(value, ±1)`.
    fn linear_terms(
        &mut self,
        e: &MExpr,
        ops: &mut Vec<Op>,
        key: &mut String,
        terms: &mut Vec<(Slot, f64)>,
    ) {
        match e {
            // A run-invariant head of the chain (`1 + growth + ...`) is one
            // hoisted term: `1 * h` is `h`, so the sum keeps its bits.
            MExpr::Binary(op @ (BinOp::Add | BinOp::Sub), l, r)
                if const_value(e).is_none() && !(self.hoist.is_some() && self.run_invariant(e)) =>
            {
                self.linear_terms(l, ops, key, terms);
                let sign = if *op == BinOp::Add { 1.0 } else { -1.0 };
                self.linear_term(r, sign, ops, key, terms);
            }
            _ => self.linear_term(e, 1.0, ops, key, terms),
        }
    }

    fn linear_term(
        &mut self,
        e: &MExpr,
        sign: f64,
        ops: &mut Vec<Op>,
        key: &mut String,
        terms: &mut Vec<(Slot, f64)>,
    ) {
        let scaled = match e {
            MExpr::Binary(BinOp::Mul, a, b) => match (const_value(a), const_value(b)) {
                (Some(k), None) => Some((&**b, k)),
                (None, Some(k)) => Some((&**a, k)),
                _ => None,
            },
            MExpr::Unary(UnOp::Neg, a) if const_value(a).is_none() => Some((&**a, -1.0)),
            _ => None,
        };
        let (x, k) = scaled.unwrap_or((e, 1.0));
        let slot = self.emit_node(x, None, ops, key);
        terms.push((slot, sign * k));
    }

    /// Emit `e` so that its value ends up in `dst`.
    fn emit_into(&mut self, e: &MExpr, dst: Slot, ops: &mut Vec<Op>, key: &str) {
        let mut site_key = key.to_string();
        let src = self.emit_node(e, Some(dst), ops, &mut site_key);
        if src != dst {
            ops.push(Op::Copy { dst, src });
            self.release(src);
        }
    }

    /// Emit `e`; returns the slot holding its value (a temporary, a
    /// variable's slot or a constant's).
    fn emit(&mut self, e: &MExpr, ops: &mut Vec<Op>, key: &str) -> Slot {
        let mut site_key = key.to_string();
        self.emit_node(e, None, ops, &mut site_key)
    }

    /// Whether `e` is worth computing once per run: not a leaf or constant,
    /// and reading nothing but parameters and constants.
    fn run_invariant(&self, e: &MExpr) -> bool {
        if matches!(e, MExpr::Const(_) | MExpr::Var(_)) || const_value(e).is_some() {
            return false;
        }
        let model = self.model;
        let mut invariant = true;
        e.walk(&mut |n| {
            invariant &= match n {
                MExpr::Var(v) => model
                    .vars
                    .get(v.0 as usize)
                    .is_some_and(|var| matches!(var.kind, VarKind::Param { .. })),
                MExpr::Const(_)
                | MExpr::Unary(..)
                | MExpr::Binary(..)
                | MExpr::If(..)
                | MExpr::Call(..)
                | MExpr::Lookup(..) => true,
                MExpr::Time
                | MExpr::Random { .. }
                | MExpr::Memory { .. }
                | MExpr::Resample(_)
                | MExpr::Agg { .. } => false,
            }
        });
        invariant
    }

    /// The slot of a run-invariant `e` (see [`Hoist`]), emitting its
    /// operations into the hoisted list the first time it is met.
    fn hoisted(&mut self, e: &MExpr, key: &mut String) -> Slot {
        let text = format!("{e:?}");
        if let Some(&slot) = self.hoist.as_ref().and_then(|h| h.done.get(&text)) {
            return slot;
        }
        // Emitted with neither hoisting nor step-wide sharing: the
        // operations run before the step, into a slot no step operation
        // ever writes.
        let mut hoist = self.hoist.take().unwrap_or_default();
        let cse = self.cse.take();
        let slot = self.alloc();
        let out = self.emit_fresh(e, Some(slot), &mut hoist.ops, key);
        if out != slot {
            hoist.ops.push(Op::Copy {
                dst: slot,
                src: out,
            });
            self.release(out);
        }
        self.pinned.push(slot);
        hoist.done.insert(text, slot);
        self.cse = cse;
        self.hoist = Some(hoist);
        slot
    }

    fn emit_node(
        &mut self,
        e: &MExpr,
        dst: Option<Slot>,
        ops: &mut Vec<Op>,
        key: &mut String,
    ) -> Slot {
        if self.hoist.is_some() && self.run_invariant(e) {
            return self.hoisted(e, key);
        }
        let shared = self.cse.as_ref().and_then(|cse| {
            let k = cse_key(e)?;
            (cse.counts.get(&k).copied().unwrap_or(0) >= 2).then_some(k)
        });
        let Some(k) = shared else {
            return self.emit_fresh(e, dst, ops, key);
        };
        if let Some(&slot) = self.cse.as_ref().and_then(|cse| cse.done.get(&k)) {
            return slot;
        }
        // Computed into a slot of its own (not the caller's `dst`, which
        // may be overwritten later in the step), kept for every later use.
        let slot = self.emit_fresh(e, None, ops, key);
        if self.is_temp(slot) {
            self.pinned.push(slot);
        }
        if let Some(cse) = self.cse.as_mut() {
            cse.done.insert(k, slot);
        }
        slot
    }

    fn emit_fresh(
        &mut self,
        e: &MExpr,
        dst: Option<Slot>,
        ops: &mut Vec<Op>,
        key: &mut String,
    ) -> Slot {
        if !matches!(e, MExpr::Const(_))
            && let Some(v) = const_value(e)
        {
            return self.constant(v);
        }
        match e {
            MExpr::Const(v) => self.constant(*v),
            MExpr::Var(v) => self.var_slot[v.0 as usize],
            MExpr::Time => self.time,
            MExpr::Unary(op, a) => {
                let a = self.emit_node(a, None, ops, key);
                let d = dst.unwrap_or_else(|| self.temp());
                ops.push(match op {
                    UnOp::Neg => Op::Neg { dst: d, a },
                    UnOp::Not => Op::Not { dst: d, a },
                });
                self.release(a);
                d
            }
            MExpr::Binary(BinOp::Add | BinOp::Sub, ..) => {
                let mut terms = Vec::new();
                self.linear_terms(e, ops, key, &mut terms);
                let d = dst.unwrap_or_else(|| self.temp());
                match terms.as_slice() {
                    &[(a, 1.0), (b, k @ (1.0 | -1.0))] => {
                        let op = if k > 0.0 { BinOp::Add } else { BinOp::Sub };
                        ops.push(match (self.const_of(a), self.const_of(b)) {
                            (Some(k), _) => Op::BinConst {
                                op,
                                dst: d,
                                a: b,
                                k,
                                k_left: true,
                            },
                            (None, Some(k)) => Op::BinConst {
                                op,
                                dst: d,
                                a,
                                k,
                                k_left: false,
                            },
                            (None, None) => Op::Bin { op, dst: d, a, b },
                        })
                    }
                    _ => ops.push(Op::Lin {
                        dst: d,
                        terms: terms.clone(),
                    }),
                }
                for (s, _) in terms {
                    self.release(s);
                }
                d
            }
            MExpr::Binary(op, a, b) if const_value(a).is_some() || const_value(b).is_some() => {
                let (x, k, k_left) = match const_value(a) {
                    Some(k) => (b, k, true),
                    None => (a, const_value(b).unwrap_or(f64::NAN), false),
                };
                let a = self.emit_node(x, None, ops, key);
                let d = dst.unwrap_or_else(|| self.temp());
                ops.push(Op::BinConst {
                    op: *op,
                    dst: d,
                    a,
                    k,
                    k_left,
                });
                self.release(a);
                d
            }
            MExpr::Binary(op, a, b) => {
                let a = self.emit_node(a, None, ops, key);
                let b = self.emit_node(b, None, ops, key);
                let d = dst.unwrap_or_else(|| self.temp());
                ops.push(Op::Bin {
                    op: *op,
                    dst: d,
                    a,
                    b,
                });
                self.release(a);
                self.release(b);
                d
            }
            MExpr::If(cond, a, b) => {
                let cs = self.emit_node(cond, None, ops, key);
                let a = self.emit_node(a, None, ops, key);
                let b = self.emit_node(b, None, ops, key);
                let d = dst.unwrap_or_else(|| self.temp());
                ops.push(Op::Select {
                    dst: d,
                    c: cs,
                    a,
                    b,
                });
                for s in [cs, a, b] {
                    self.release(s);
                }
                d
            }
            MExpr::Call(f, args) => {
                let slots: Vec<Slot> = args
                    .iter()
                    .map(|a| self.emit_node(a, None, ops, key))
                    .collect();
                let d = dst.unwrap_or_else(|| self.temp());
                let bounds = match args.as_slice() {
                    [_, lo, hi] => const_value(lo).zip(const_value(hi)),
                    _ => None,
                };
                match (f, slots.as_slice()) {
                    (Func::Clamp, &[x, lo, hi]) => ops.push(match bounds {
                        Some((lo, hi)) => Op::Commit {
                            dst: d,
                            src: x,
                            lo,
                            hi,
                        },
                        None => Op::Clamp { dst: d, x, lo, hi },
                    }),
                    (Func::Min | Func::Max, [first, rest @ ..]) => {
                        // Fold left: d = f(first, r0); d = f(d, r1); ...
                        let mut acc = *first;
                        for (i, &r) in rest.iter().enumerate() {
                            let target = if i + 1 == rest.len() { d } else { self.temp() };
                            ops.push(Op::Fn2 {
                                f: *f,
                                dst: target,
                                a: acc,
                                b: r,
                            });
                            if i > 0 {
                                self.release(acc);
                            }
                            acc = target;
                        }
                    }
                    (Func::Pow | Func::Mod, &[a, b]) => ops.push(Op::Fn2 {
                        f: *f,
                        dst: d,
                        a,
                        b,
                    }),
                    (_, &[a]) => ops.push(Op::Un { f: *f, dst: d, a }),
                    _ => ops.push(Op::Fill {
                        dst: d,
                        value: f64::NAN,
                    }),
                }
                for s in slots {
                    self.release(s);
                }
                d
            }
            MExpr::Random { kind, args, site } => {
                let constants: Option<Vec<f64>> = args.iter().map(const_value).collect();
                if let Some(dist) = constants.and_then(|values| Dist::new(*kind, &values).ok()) {
                    let d = dst.unwrap_or_else(|| self.temp());
                    let stream = self.stream(&format!("{key}#{site}"));
                    ops.push(Op::DrawConst {
                        dst: d,
                        dist,
                        stream,
                    });
                    return d;
                }
                let slots: Vec<Slot> = args
                    .iter()
                    .map(|a| self.emit_node(a, None, ops, key))
                    .collect();
                let d = dst.unwrap_or_else(|| self.temp());
                let stream = self.stream(&format!("{key}#{site}"));
                let owner_name = match key.split(':').next() {
                    Some("") | None => "--given".to_string(),
                    Some(name) => name.to_string(),
                };
                let owner = self.owner(&owner_name, "draw", e);
                ops.push(Op::Draw {
                    dst: d,
                    kind: *kind,
                    args: slots.clone(),
                    stream,
                    owner,
                });
                for s in slots {
                    self.release(s);
                }
                d
            }
            MExpr::Resample(r) => {
                // The row comes from the file's stream, not the owner's: every
                // column of the file reads the same row in a run.
                let d = dst.unwrap_or_else(|| self.temp());
                let stream = self.stream(&format!("@rows:{}", r.key));
                ops.push(Op::DrawConst {
                    dst: d,
                    dist: (*r.dist).clone(),
                    stream,
                });
                d
            }
            MExpr::Memory { id, .. } => match self.mem_index.get(id) {
                Some(&i) => self.memory_read(i, dst, ops, key),
                None => self.constant(f64::NAN),
            },
            MExpr::Lookup(table, x) => {
                let x = self.emit_node(x, None, ops, key);
                let d = dst.unwrap_or_else(|| self.temp());
                ops.push(Op::Lookup {
                    dst: d,
                    x,
                    table: (**table).clone(),
                });
                self.release(x);
                d
            }
            MExpr::Agg { agg, arg, step } => {
                let slot = self.alloc();
                self.aggs
                    .push((*agg, (**arg).clone(), step.unwrap_or(0), slot));
                if *agg == Agg::Mean {
                    let steps = self.constant(f64::from(self.model.info.steps));
                    let d = dst.unwrap_or_else(|| self.temp());
                    ops.push(Op::Bin {
                        op: BinOp::Div,
                        dst: d,
                        a: slot,
                        b: steps,
                    });
                    d
                } else {
                    slot
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::engine::exec::{BatchRecord, Workspace};
    use crate::scenario::{self, OneText};

    fn load(text: &str) -> Model {
        match scenario::load(Path::new("mem.toml"), &OneText(text), &[]) {
            Ok(m) => m,
            Err(report) => panic!("scenario does not check:\n{}", report.render(false)),
        }
    }

    const HOISTED: &str = r#"
[scenario]
steps = 6
[parameters]
a = "uniform(1, 2)"
b = "normal(0, 1)"
[state.x]
init = 1
update = "x + 2 * a * x + (a + b) * t + sqrt(a) - 1"
[state.y]
init = 0
update = "1 + a + y + sqrt(a)"
[outcomes]
x = "x"
y = "y"
"#;

    #[test]
    fn what_reads_only_parameters_is_computed_once_per_run() {
        let model = load(HOISTED);
        let p = compile(&model, None);
        let is_sqrt = |op: &Op| matches!(op, Op::Un { f: Func::Sqrt, .. });
        // `sqrt(a)`, met twice, is computed once, before the first step;
        // so are `2 * a`, `a + b` and the head `1 + a` of y's sum.
        assert_eq!(p.init.iter().filter(|op| is_sqrt(op)).count(), 1);
        assert!(!p.step.iter().any(is_sqrt), "{:#?}", p.step);
        let (a, b) = (p.params[0].1, p.params[1].1);
        let reads_param = |op: &Op| {
            let text = format!("{op:?}");
            [a, b].iter().any(|s| {
                [format!("a: {s},"), format!("b: {s} "), format!("({s}, ")]
                    .iter()
                    .any(|pattern| text.contains(pattern.as_str()))
            })
        };
        assert!(!p.step.iter().any(reads_param), "{:#?}", p.step);

        // The values are those of the expressions evaluated step by step.
        let mut ws = Workspace::new(&p);
        let mut rec = BatchRecord::new(&p, false);
        ws.run_batch(&p, 5, 0, LANES, None, &mut rec).unwrap();
        for lane in 0..LANES {
            let (a, b) = (rec.params[0][lane], rec.params[1][lane]);
            let (mut x, mut y) = (1.0f64, 0.0f64);
            for t in 1..=6 {
                let t = f64::from(t);
                (x, y) = (
                    x + 2.0 * a * x + (a + b) * t + a.sqrt() - 1.0,
                    1.0 + a + y + a.sqrt(),
                );
            }
            assert_eq!(rec.outcomes[0][lane].to_bits(), x.to_bits(), "lane {lane}");
            assert_eq!(rec.outcomes[1][lane].to_bits(), y.to_bits(), "lane {lane}");
        }
    }

    #[test]
    fn the_first_faulty_state_in_order_is_reported() {
        let model = load(
            r#"
[scenario]
steps = 3
[state.x]
init = 1
update = "x + 1"
[state.y]
init = 1
update = "if(t == 2, sqrt(-1), y)"
[state.z]
init = 1
update = "if(t == 2, ln(-1), z)"
[outcomes]
y = "y"
"#,
        );
        let p = compile(&model, None);
        let mut ws = Workspace::new(&p);
        let mut rec = BatchRecord::new(&p, false);
        let fault = ws.run_batch(&p, 1, 0, 4, None, &mut rec).unwrap_err();
        assert_eq!(fault.step, 2);
        assert_eq!(fault.lane, 0);
        assert_eq!(p.owners[fault.owner as usize].name, "y");
        assert!(fault.message.contains("NaN"), "{}", fault.message);
    }
}
