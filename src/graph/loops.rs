//! Feedback loops: the cycles of the causal map, each reinforcing or
//! balancing, as system-dynamics tools list them.
//!
//! A cycle can only run through what is computed step by step (state,
//! derived variables, events), and every cycle passes through a state or a
//! function with memory, so it closes across steps: the checker rejects a
//! cycle within one step. A loop's polarity is the product of its edges'
//! signs: reinforcing (R) when it has an even number of `-` edges, balancing
//! (B) when odd, undetermined (U) when an edge's sign is not known. Loops are
//! the elementary cycles (no node twice), found by a depth-first search from
//! each node over the nodes after it that can reach it back, so each cycle
//! is found once; the search stops at [`MAX_LOOPS`] loops or [`MAX_WORK`]
//! steps and says so.

use super::build::{Graph, Kind};
use super::signs::Sign;

/// Stop listing after this many loops.
pub const MAX_LOOPS: usize = 2000;
/// Stop searching after this many search steps.
const MAX_WORK: usize = 4_000_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Polarity {
    Reinforcing,
    Balancing,
    Undetermined,
}

impl Polarity {
    pub fn letter(self) -> &'static str {
        match self {
            Polarity::Reinforcing => "R",
            Polarity::Balancing => "B",
            Polarity::Undetermined => "U",
        }
    }

    pub fn word(self) -> &'static str {
        match self {
            Polarity::Reinforcing => "reinforcing",
            Polarity::Balancing => "balancing",
            Polarity::Undetermined => "undetermined",
        }
    }

    fn of(sign: Sign) -> Polarity {
        match sign {
            Sign::Plus => Polarity::Reinforcing,
            Sign::Minus => Polarity::Balancing,
            Sign::Unknown => Polarity::Undetermined,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Loop {
    /// `R1`, `B2`, `U3`: polarity and number within it.
    pub id: String,
    pub polarity: Polarity,
    /// Node indices in order; the last reads back into the first.
    pub nodes: Vec<usize>,
    /// Edge indices: `edges[i]` goes from `nodes[i]` to the next.
    pub edges: Vec<usize>,
}

/// Every loop of `g` (or the first [`MAX_LOOPS`]), shortest first, and
/// whether the search stopped early.
pub fn find(g: &Graph) -> (Vec<Loop>, bool) {
    let n = g.nodes.len();
    let on = |i: usize| g.nodes[i].kind.steps();
    // outgoing (target, edge index) among step nodes
    let mut out: Vec<Vec<(usize, usize)>> = vec![Vec::new(); n];
    for (k, e) in g.edges.iter().enumerate() {
        if on(e.from) && on(e.to) && e.sign().is_some() {
            out[e.from].push((e.to, k));
        }
    }
    // Shortest loops first: search for loops of 1 node, then 2, ...
    let mut cycles: Vec<Vec<usize>> = Vec::new();
    let mut work = 0usize;
    let mut stopped = false;
    let steps = (0..n).filter(|&s| on(s)).count();
    let back: Vec<Vec<usize>> = (0..n).map(|s| distances_back(&out, s)).collect();
    'lengths: for length in 1..=steps {
        for s in (0..n).filter(|&s| on(s)) {
            let back = &back[s];
            let mut path_edges: Vec<usize> = Vec::new();
            let mut on_path = vec![false; n];
            // stack of (node, next outgoing index)
            let mut stack: Vec<(usize, usize)> = vec![(s, 0)];
            on_path[s] = true;
            while let Some(top) = stack.len().checked_sub(1) {
                work += 1;
                if work > MAX_WORK {
                    stopped = true;
                    break 'lengths;
                }
                let (v, next) = stack[top];
                match out[v].get(next) {
                    Some(&(w, k)) => {
                        stack[top].1 += 1;
                        if w == s && stack.len() == length {
                            let mut c = path_edges.clone();
                            c.push(k);
                            cycles.push(c);
                            if cycles.len() >= MAX_LOOPS {
                                stopped = true;
                                break 'lengths;
                            }
                        } else if w > s && !on_path[w] && stack.len() + back[w] <= length {
                            on_path[w] = true;
                            path_edges.push(k);
                            stack.push((w, 0));
                        }
                    }
                    None => {
                        on_path[v] = false;
                        stack.pop();
                        path_edges.pop();
                    }
                }
            }
        }
    }
    let mut loops: Vec<Loop> = cycles
        .into_iter()
        .map(|edges| from_edges(g, edges))
        .collect();
    loops.sort_by(|a, b| {
        (a.nodes.len(), a.polarity)
            .cmp(&(b.nodes.len(), b.polarity))
            .then_with(|| names(g, a).cmp(&names(g, b)))
    });
    let mut counts = [0usize; 3];
    for l in &mut loops {
        let c = &mut counts[l.polarity as usize];
        *c += 1;
        l.id = format!("{}{}", l.polarity.letter(), c);
    }
    (loops, stopped)
}

fn names<'a>(g: &'a Graph, l: &Loop) -> Vec<&'a str> {
    l.nodes.iter().map(|&i| g.nodes[i].name.as_str()).collect()
}

/// A loop from its edges, turned to start at its first state (the stock a
/// reader follows round), or its first node along the file.
fn from_edges(g: &Graph, mut edges: Vec<usize>) -> Loop {
    let key = |k: &usize| {
        let node = &g.nodes[g.edges[*k].from];
        (node.kind != Kind::State, node.place)
    };
    if let Some(start) = (0..edges.len()).min_by_key(|&i| key(&edges[i])) {
        edges.rotate_left(start);
    }
    let sign = edges
        .iter()
        .filter_map(|&k| g.edges[k].sign())
        .fold(Sign::Plus, Sign::times);
    Loop {
        id: String::new(),
        polarity: Polarity::of(sign),
        nodes: edges.iter().map(|&k| g.edges[k].from).collect(),
        edges,
    }
}

/// Each node's fewest edges back to `s`, through nodes from `s` on
/// (`usize::MAX / 2` when it cannot get back).
fn distances_back(out: &[Vec<(usize, usize)>], s: usize) -> Vec<usize> {
    let n = out.len();
    let far = usize::MAX / 2;
    let mut dist = vec![far; n];
    dist[s] = 0;
    let mut changed = true;
    while changed {
        changed = false;
        for v in s..n {
            let best = out[v]
                .iter()
                .filter(|&&(w, _)| w >= s)
                .map(|&(w, _)| dist[w].saturating_add(1))
                .min()
                .unwrap_or(far);
            if v != s && best < dist[v] {
                dist[v] = best;
                changed = true;
            }
        }
    }
    dist
}
