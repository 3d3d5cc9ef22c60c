//! The causal map as plain data: nodes, signed edges, the neighbourhood a
//! reader asked for.
//!
//! Nodes are the model's parameters, state variables, derived variables,
//! events, outcomes and interventions; an edge goes from each name to every
//! definition that reads it (a parameter's distribution, a state's initial
//! value and update, a derived expression, an event's chance, an outcome's
//! expression including its aggregates, an intervention's value), with the
//! sign of the influence from [`super::signs`]. An intervention has its own
//! node with a `forces` edge to what it forces.

use std::collections::{HashSet, VecDeque};

use super::signs::{self, Ranges, Sign};
use crate::scenario::{EventMode, Model, VarId, VarKind};

/// What a node stands for; decides its shape and colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Parameter,
    State,
    Derived,
    /// A yes/no event (`p`).
    Event,
    /// A count event (`rate`).
    Count,
    Outcome,
    Intervention,
}

impl Kind {
    pub const ALL: [Kind; 7] = [
        Kind::Parameter,
        Kind::State,
        Kind::Derived,
        Kind::Event,
        Kind::Count,
        Kind::Outcome,
        Kind::Intervention,
    ];

    /// The word in node ids, JSON and the legend.
    pub fn word(self) -> &'static str {
        match self {
            Kind::Parameter => "parameter",
            Kind::State => "state",
            Kind::Derived => "derived",
            Kind::Event | Kind::Count => "event",
            Kind::Outcome => "outcome",
            Kind::Intervention => "intervention",
        }
    }

    /// Whether a node of this kind can lie on a feedback loop: only what is
    /// computed step by step.
    pub fn steps(self) -> bool {
        matches!(
            self,
            Kind::State | Kind::Derived | Kind::Event | Kind::Count
        )
    }
}

#[derive(Clone, Debug)]
pub struct Node {
    /// Unique identifier, e.g. `parameter:p_incident`.
    pub id: String,
    /// The name in the scenario file (`--focus` takes it).
    pub name: String,
    pub kind: Kind,
    /// What the reader sees: the `label` if set, else the name.
    pub label: String,
    /// The name and its definition as written.
    pub tooltip: String,
    /// Where it is defined, for ordering along the chain: (file, offset).
    pub place: (usize, usize),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EdgeKind {
    /// A definition reads the source; the sign of its influence.
    Reads(Sign),
    /// An intervention forces its target.
    Forces,
}

#[derive(Clone, Debug)]
pub struct Edge {
    pub from: usize,
    pub to: usize,
    pub kind: EdgeKind,
}

impl Edge {
    pub fn sign(&self) -> Option<Sign> {
        match self.kind {
            EdgeKind::Reads(s) => Some(s),
            EdgeKind::Forces => None,
        }
    }
}

/// The whole map of a model, before any selection.
#[derive(Clone, Debug)]
pub struct Graph {
    pub title: String,
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
}

fn var_tooltip(v: &crate::scenario::Var) -> String {
    let (name, text) = (&v.name, &v.text);
    match &v.kind {
        VarKind::State { .. } => match text.split_once(" -> ") {
            Some((init, update)) => {
                format!("{name} starts at {init}; each step {name} = {update}")
            }
            None => format!("{name} = {text}"),
        },
        VarKind::Event { mode, .. } => match mode {
            EventMode::Once => format!("{name}: chance per step {text}, at most once"),
            EventMode::Repeat => format!("{name}: chance per step {text}"),
            EventMode::Count => format!("{name}: expected count per step {text}"),
        },
        VarKind::Param { .. } | VarKind::Derived { .. } => format!("{name} = {text}"),
    }
}

impl Graph {
    pub fn from_model(model: &Model) -> Graph {
        let ranges = Ranges::of(model);
        let mut nodes: Vec<Node> = model
            .vars
            .iter()
            .map(|v| {
                let kind = match &v.kind {
                    VarKind::Param { .. } => Kind::Parameter,
                    VarKind::State { .. } => Kind::State,
                    VarKind::Derived { .. } => Kind::Derived,
                    VarKind::Event {
                        mode: EventMode::Count,
                        ..
                    } => Kind::Count,
                    VarKind::Event { .. } => Kind::Event,
                };
                Node {
                    id: format!("{}:{}", kind.word(), v.name),
                    name: v.name.clone(),
                    kind,
                    label: v.title().to_string(),
                    tooltip: var_tooltip(v),
                    place: (v.span.file.0 as usize, v.span.start),
                }
            })
            .collect();
        let mut edges = Edges::default();
        for (i, v) in model.vars.iter().enumerate() {
            let reads = match &v.kind {
                VarKind::Param { def, .. } => def.vars(),
                VarKind::State { init, update, .. } => {
                    let mut r = init.vars();
                    r.extend(update.vars());
                    r
                }
                VarKind::Derived { expr } => expr.vars(),
                VarKind::Event { .. } => signs::event_chance(&v.kind)
                    .map(|c| c.vars())
                    .unwrap_or_default(),
            };
            let target = VarId(i as u32);
            for r in reads {
                if let Some(sign) = signs::var_edge(model, &ranges, r, target) {
                    edges.add(r.0 as usize, i, EdgeKind::Reads(sign));
                }
            }
        }
        for o in &model.outcomes {
            let to = nodes.len();
            nodes.push(Node {
                id: format!("outcome:{}", o.name),
                name: o.name.clone(),
                kind: Kind::Outcome,
                label: o.title().to_string(),
                tooltip: o.name.clone(),
                place: (o.span.file.0 as usize, o.span.start),
            });
            for r in o.expr.vars() {
                let sign = signs::slope(&o.expr, r, &ranges).sign();
                edges.add(r.0 as usize, to, EdgeKind::Reads(sign));
            }
        }
        for (k, iv) in model.interventions.iter().enumerate() {
            let target = model.var(iv.var);
            let when = if iv.from == iv.to {
                format!("step {}", iv.from)
            } else {
                format!("steps {}-{}", iv.from, iv.to)
            };
            let at = nodes.len();
            let mut tooltip = format!("forces {} at {when}", target.name);
            if !iv.doc.is_empty() {
                tooltip.push_str(": ");
                tooltip.push_str(&iv.doc);
            }
            nodes.push(Node {
                id: format!("intervention:{}", k + 1),
                name: format!("intervention {}", k + 1),
                kind: Kind::Intervention,
                label: format!("intervention {}: {when}", k + 1),
                tooltip,
                place: (usize::MAX, k),
            });
            for r in iv.value.vars() {
                let sign = signs::slope(&iv.value, r, &ranges).sign();
                edges.add(r.0 as usize, at, EdgeKind::Reads(sign));
            }
            edges.add(at, iv.var.0 as usize, EdgeKind::Forces);
        }
        Graph {
            title: model.info.name.clone(),
            nodes,
            edges: edges.list,
        }
    }

    /// The node a reader names: a variable's or an outcome's name.
    pub fn find(&self, name: &str) -> Option<usize> {
        self.nodes
            .iter()
            .position(|n| n.name == name && n.kind != Kind::Intervention)
    }

    /// Keep the nodes `keep` says, and the edges between them.
    pub fn select(self, keep: &[bool]) -> Graph {
        let mut index = vec![usize::MAX; self.nodes.len()];
        let mut nodes = Vec::new();
        for (i, n) in self.nodes.into_iter().enumerate() {
            if keep[i] {
                index[i] = nodes.len();
                nodes.push(n);
            }
        }
        let edges = self
            .edges
            .into_iter()
            .filter(|e| keep[e.from] && keep[e.to])
            .map(|e| Edge {
                from: index[e.from],
                to: index[e.to],
                ..e
            })
            .collect();
        Graph {
            title: self.title,
            nodes,
            edges,
        }
    }

    /// Which nodes lie within `depth` edges of `center`, upstream (what
    /// it reads, and what that reads) or downstream (what reads it).
    pub fn neighbourhood(&self, center: usize, depth: usize) -> Vec<bool> {
        self.reach(center, depth, &[false, true])
    }

    /// What reads, or is read by, one of `names` directly: each named node
    /// and the nodes one edge upstream of it.
    pub fn inputs_of(&self, names: &[usize]) -> Vec<bool> {
        let mut keep = vec![false; self.nodes.len()];
        for &n in names {
            for (k, near) in keep.iter_mut().zip(self.reach(n, 1, &[false])) {
                *k |= near;
            }
        }
        keep
    }

    /// Nodes within `depth` edges of `center`, following edges against
    /// their direction (`false`: upstream) or along it (`true`).
    fn reach(&self, center: usize, depth: usize, ways: &[bool]) -> Vec<bool> {
        let mut keep = vec![false; self.nodes.len()];
        keep[center] = true;
        for &downstream in ways {
            let mut seen: HashSet<usize> = HashSet::from([center]);
            let mut queue = VecDeque::from([(center, 0)]);
            while let Some((n, d)) = queue.pop_front() {
                if d == depth {
                    continue;
                }
                for e in &self.edges {
                    let next = match (downstream, e.from == n, e.to == n) {
                        (true, true, _) => e.to,
                        (false, _, true) => e.from,
                        _ => continue,
                    };
                    if seen.insert(next) {
                        keep[next] = true;
                        queue.push_back((next, d + 1));
                    }
                }
            }
        }
        keep
    }
}

/// Edges without repeats, in the order first seen.
#[derive(Default)]
struct Edges {
    seen: HashSet<(usize, usize)>,
    list: Vec<Edge>,
}

impl Edges {
    fn add(&mut self, from: usize, to: usize, kind: EdgeKind) {
        if self.seen.insert((from, to)) {
            self.list.push(Edge { from, to, kind });
        }
    }
}
