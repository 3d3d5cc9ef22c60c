//! Where each node goes: layers along the causal chain, left to right.
//!
//! layout-rs ranks nodes by longest path on its own and cannot be told a
//! layer, so the layers are polsim's (a layered, Sugiyama-style layout) and
//! layout-rs draws the result (`draw.rs`). The chain is the scenario's own
//! order: an edge that points forward in the file is a link of the chain,
//! one that points back is kept as such when it closes no cycle, and the
//! rest are the feedback edges, drawn against the flow. Each node of the chain
//! sits one layer after the last thing it reads, a node that reads nothing
//! of the chain sits just before its first reader, and a parameter or an
//! intervention sits just before what it feeds, so every input is drawn next
//! to its use rather than in a column of its own. Within a layer, nodes are
//! ordered to cross few edges (barycentre sweeps over long edges split at
//! every layer they cross, keeping the best order seen), then placed to
//! straighten edges: each node is pulled toward the mean height of its
//! neighbours, under the order and the spacing (isotonic regression, solved
//! by pooling adjacent violators).

use super::build::{EdgeKind, Graph, Kind};

/// Space between layers, and between items stacked in a layer.
const LAYER_GAP: f64 = 56.0;
const NODE_GAP: f64 = 16.0;
const DUMMY_GAP: f64 = 8.0;
const ORDER_SWEEPS: usize = 24;
const PLACE_ROUNDS: usize = 40;

/// One placed node: its centre and size.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Place {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

/// One edge's way through the layers: the points where it crosses the
/// layers between its ends.
#[derive(Clone, Debug)]
pub struct Route {
    pub edge: usize,
    pub bends: Vec<(f64, f64)>,
}

#[derive(Clone, Debug)]
pub struct Layout {
    pub nodes: Vec<Place>,
    pub routes: Vec<Route>,
    pub width: f64,
    pub height: f64,
}

/// Which way the causal chain runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    LeftToRight,
    TopToBottom,
}

/// Lay out `g` with node sizes `sizes` (width, height).
pub fn layout(g: &Graph, sizes: &[(f64, f64)], direction: Direction) -> Layout {
    let n = g.nodes.len();
    // Computed as if left to right: "x" runs along the chain, "y" across.
    let turn = |(a, b): (f64, f64)| match direction {
        Direction::LeftToRight => (a, b),
        Direction::TopToBottom => (b, a),
    };
    let dims: Vec<(f64, f64)> = sizes.iter().copied().map(turn).collect();
    let sizes = &dims;
    let layer = assign_layers(g);
    let layers_count = layer.iter().copied().max().map_or(0, |m| m + 1);

    // Items: nodes, then one dummy per layer an edge crosses.
    let mut item_layer: Vec<usize> = layer.clone();
    let mut item_node: Vec<Option<usize>> = (0..n).map(Some).collect();
    // the node at the left end of a dummy's edge
    let mut item_source: Vec<usize> = (0..n).collect();
    let mut links: Vec<(usize, usize, f64)> = Vec::new(); // (left item, right item, weight)
    let mut chains: Vec<(usize, Vec<usize>)> = Vec::new();
    for (k, e) in g.edges.iter().enumerate() {
        if e.from == e.to {
            continue;
        }
        let (a, b) = (layer[e.from], layer[e.to]);
        let back = a > b;
        let (left, right) = if back { (e.to, e.from) } else { (e.from, e.to) };
        let (la, lb) = (layer[left], layer[right]);
        let mut prev = left;
        let mut dummies = Vec::new();
        for l in la + 1..lb {
            let d = item_layer.len();
            item_layer.push(l);
            item_node.push(None);
            item_source.push(left);
            let w = if prev == left { 1.0 } else { 2.0 };
            links.push((prev, d, w));
            dummies.push(d);
            prev = d;
        }
        if la != lb {
            links.push((prev, right, 1.0));
        }
        if back {
            dummies.reverse();
        }
        chains.push((k, dummies));
    }
    let items = item_layer.len();
    let mut left_of: Vec<Vec<(usize, f64)>> = vec![Vec::new(); items];
    let mut right_of: Vec<Vec<(usize, f64)>> = vec![Vec::new(); items];
    for &(l, r, w) in &links {
        right_of[l].push((r, w));
        left_of[r].push((l, w));
    }

    // Initial order: nodes along the file, dummies just after their edge's
    // left end.
    let mut rank = vec![0.0; n];
    let mut by_place: Vec<usize> = (0..n).collect();
    by_place.sort_by_key(|&i| g.nodes[i].place);
    for (r, &i) in by_place.iter().enumerate() {
        rank[i] = r as f64;
    }
    let key: Vec<f64> = (0..items)
        .map(|i| match item_node[i] {
            Some(v) => rank[v],
            None => rank[item_source[i]] + 0.5,
        })
        .collect();
    let mut rows: Vec<Vec<usize>> = vec![Vec::new(); layers_count];
    for i in 0..items {
        rows[item_layer[i]].push(i);
    }
    for row in &mut rows {
        row.sort_by(|&a, &b| key[a].total_cmp(&key[b]));
    }
    let mut best = rows.clone();
    let mut best_crossings = crossings(&rows, &right_of, items);
    let mut pos = vec![0.0; items];
    for sweep in 0..ORDER_SWEEPS {
        let down = sweep % 2 == 0;
        let order: Vec<usize> = if down {
            (1..layers_count).collect()
        } else {
            (0..layers_count.saturating_sub(1)).rev().collect()
        };
        for l in order {
            for row in &rows {
                for (p, &i) in row.iter().enumerate() {
                    pos[i] = p as f64;
                }
            }
            let neighbours = if down { &left_of } else { &right_of };
            let mut keyed: Vec<(f64, usize)> = rows[l]
                .iter()
                .enumerate()
                .map(|(p, &i)| {
                    let ns = &neighbours[i];
                    let k = if ns.is_empty() {
                        p as f64
                    } else {
                        ns.iter().map(|&(j, _)| pos[j]).sum::<f64>() / ns.len() as f64
                    };
                    (k, i)
                })
                .collect();
            keyed.sort_by(|a, b| a.0.total_cmp(&b.0));
            rows[l] = keyed.into_iter().map(|(_, i)| i).collect();
        }
        let c = crossings(&rows, &right_of, items);
        if c < best_crossings {
            best_crossings = c;
            best = rows.clone();
        }
    }
    let rows = best;

    // x: layers side by side, each as wide as its widest node.
    let size = |i: usize| item_node[i].map_or((0.0, 0.0), |v| sizes[v]);
    let mut layer_x = Vec::with_capacity(layers_count);
    let mut x = 0.0;
    for row in &rows {
        let w = row.iter().map(|&i| size(i).0).fold(0.0, f64::max);
        layer_x.push(x + w / 2.0);
        x += w + LAYER_GAP;
    }
    let width = (x - LAYER_GAP).max(0.0);

    // y: stacked, then pulled toward neighbours.
    let gap = |a: usize, b: usize| {
        let half = (size(a).1 + size(b).1) / 2.0;
        match (item_node[a], item_node[b]) {
            (Some(_), Some(_)) => half + NODE_GAP,
            (None, None) => half + DUMMY_GAP,
            _ => half + (NODE_GAP + DUMMY_GAP) / 2.0,
        }
    };
    let mut y = vec![0.0; items];
    for row in &rows {
        let mut at = 0.0;
        for (p, &i) in row.iter().enumerate() {
            if p > 0 {
                at += gap(row[p - 1], i);
            }
            y[i] = at;
        }
    }
    for round in 0..PLACE_ROUNDS {
        let order: Vec<usize> = if round % 2 == 0 {
            (0..layers_count).collect()
        } else {
            (0..layers_count).rev().collect()
        };
        for l in order {
            let row = &rows[l];
            let wanted: Vec<(f64, f64)> = row
                .iter()
                .map(|&i| {
                    let (mut sum, mut weight) = (0.0, 0.0);
                    for &(j, w) in left_of[i].iter().chain(&right_of[i]) {
                        sum += w * y[j];
                        weight += w;
                    }
                    if weight == 0.0 {
                        (y[i], 0.1)
                    } else {
                        (sum / weight, weight)
                    }
                })
                .collect();
            let gaps: Vec<f64> = row.windows(2).map(|p| gap(p[0], p[1])).collect();
            let placed = fit_in_order(&wanted, &gaps);
            for (&i, v) in row.iter().zip(placed) {
                y[i] = v;
            }
        }
    }
    // Top edge at 0.
    let top = (0..items)
        .map(|i| y[i] - size(i).1 / 2.0)
        .fold(f64::INFINITY, f64::min);
    let top = if top.is_finite() { top } else { 0.0 };
    for v in &mut y {
        *v -= top;
    }
    let height = (0..items)
        .map(|i| y[i] + size(i).1 / 2.0)
        .fold(0.0, f64::max);

    let nodes = (0..n)
        .map(|i| {
            let (x, y) = turn((layer_x[layer[i]], y[i]));
            let (w, h) = turn(sizes[i]);
            Place { x, y, w, h }
        })
        .collect();
    let routes = chains
        .into_iter()
        .map(|(edge, dummies)| Route {
            edge,
            bends: dummies
                .iter()
                .map(|&d| turn((layer_x[item_layer[d]], y[d])))
                .collect(),
        })
        .collect();
    let (width, height) = turn((width, height));
    Layout {
        nodes,
        routes,
        width,
        height,
    }
}

/// Heights as close to `wanted` (value, weight) as the order and the gaps
/// between neighbours allow: minimise sum w (y - wanted)^2 subject to
/// y[i+1] - y[i] >= gaps[i].
fn fit_in_order(wanted: &[(f64, f64)], gaps: &[f64]) -> Vec<f64> {
    // Shift out the gaps, then y' must be non-decreasing: isotonic regression.
    let mut offset = vec![0.0; wanted.len()];
    for i in 1..wanted.len() {
        offset[i] = offset[i - 1] + gaps[i - 1];
    }
    // blocks of (mean, weight, count)
    let mut blocks: Vec<(f64, f64, usize)> = Vec::new();
    for (i, &(v, w)) in wanted.iter().enumerate() {
        blocks.push((v - offset[i], w, 1));
        while blocks.len() > 1 {
            let (m2, w2, c2) = blocks[blocks.len() - 1];
            let (m1, w1, c1) = blocks[blocks.len() - 2];
            if m1 <= m2 {
                break;
            }
            blocks.pop();
            let last = blocks.len() - 1;
            blocks[last] = ((m1 * w1 + m2 * w2) / (w1 + w2), w1 + w2, c1 + c2);
        }
    }
    let mut out = Vec::with_capacity(wanted.len());
    for (m, _, c) in blocks {
        for _ in 0..c {
            out.push(m + offset[out.len()]);
        }
    }
    out
}

/// Edge crossings between neighbouring layers for an order.
fn crossings(rows: &[Vec<usize>], right_of: &[Vec<(usize, f64)>], items: usize) -> usize {
    let mut pos = vec![0usize; items];
    for row in rows {
        for (p, &i) in row.iter().enumerate() {
            pos[i] = p;
        }
    }
    let mut total = 0;
    for row in rows {
        let segs: Vec<(usize, usize)> = row
            .iter()
            .flat_map(|&i| right_of[i].iter().map(move |&(j, _)| (i, j)))
            .map(|(i, j)| (pos[i], pos[j]))
            .collect();
        for a in 0..segs.len() {
            for b in a + 1..segs.len() {
                let (s, t) = (segs[a], segs[b]);
                if (s.0 < t.0 && s.1 > t.1) || (s.0 > t.0 && s.1 < t.1) {
                    total += 1;
                }
            }
        }
    }
    total
}

/// Each node's layer.
fn assign_layers(g: &Graph) -> Vec<usize> {
    let n = g.nodes.len();
    let chain = |i: usize| !matches!(g.nodes[i].kind, Kind::Parameter | Kind::Intervention);
    let mut rank: Vec<usize> = (0..n).collect();
    rank.sort_by_key(|&i| g.nodes[i].place);
    let mut place_rank = vec![0; n];
    for (r, &i) in rank.iter().enumerate() {
        place_rank[i] = r;
    }
    // Chain edges: forward along the file first, then backward ones that
    // close no cycle.
    let mut preds: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut succs: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut candidates: Vec<(usize, usize)> = g
        .edges
        .iter()
        .filter(|e| e.from != e.to && chain(e.from) && chain(e.to))
        .filter(|e| matches!(e.kind, EdgeKind::Reads(_)))
        .map(|e| (e.from, e.to))
        .collect();
    // A state comes after the flows that change it and read it, so those
    // edges go first; then the other edges forward along the file; then
    // backward ones, shortest first (a long way back is the feedback the
    // file's order describes).
    let pairs: std::collections::HashSet<(usize, usize)> = candidates.iter().copied().collect();
    candidates.sort_by_key(|&(a, b)| {
        let flow = g.nodes[b].kind == Kind::State && pairs.contains(&(b, a));
        let back = place_rank[a] > place_rank[b];
        (
            !flow,
            back,
            place_rank[a].abs_diff(place_rank[b]),
            place_rank[b],
        )
    });
    for (a, b) in candidates {
        if !reaches(&succs, b, a) {
            succs[a].push(b);
            preds[b].push(a);
        }
    }
    // Longest path from the sources, in topological order.
    let mut layer = vec![0usize; n];
    let order = topological(&preds, &succs, &rank);
    for &v in &order {
        layer[v] = preds[v].iter().map(|&u| layer[u] + 1).max().unwrap_or(0);
    }
    // A source sits just before its first reader (an outcome only when
    // nothing else reads it).
    for &v in order.iter().rev() {
        if !preds[v].is_empty() {
            continue;
        }
        let first = |chain_only: bool| {
            succs[v]
                .iter()
                .filter(|&&w| !chain_only || g.nodes[w].kind != Kind::Outcome)
                .map(|&w| layer[w])
                .min()
        };
        if let Some(first) = first(true).or_else(|| first(false)) {
            layer[v] = layer[v].max(first.saturating_sub(1));
        }
    }
    // Inputs (parameters, interventions) just before what they feed,
    // the last drawn first, so a parameter read by a parameter precedes it.
    let mut input_layer: Vec<i64> = layer.iter().map(|&l| l as i64).collect();
    let mut inputs: Vec<usize> = (0..n).filter(|&i| !chain(i)).collect();
    inputs.sort_by_key(|&i| std::cmp::Reverse(g.nodes[i].place));
    for &v in &inputs {
        let first = g
            .edges
            .iter()
            .filter(|e| e.from == v && e.to != v)
            .map(|e| input_layer[e.to])
            .min();
        input_layer[v] = first.map_or(0, |f| f - 1);
    }
    let low = input_layer.iter().copied().min().unwrap_or(0).min(0);
    input_layer.iter().map(|&l| (l - low) as usize).collect()
}

fn reaches(succs: &[Vec<usize>], from: usize, to: usize) -> bool {
    let mut seen = vec![false; succs.len()];
    let mut stack = vec![from];
    while let Some(v) = stack.pop() {
        if v == to {
            return true;
        }
        if !std::mem::replace(&mut seen[v], true) {
            stack.extend(&succs[v]);
        }
    }
    false
}

/// Kahn's order, ties broken by `rank` (file order).
fn topological(preds: &[Vec<usize>], succs: &[Vec<usize>], rank: &[usize]) -> Vec<usize> {
    let n = preds.len();
    let mut indegree: Vec<usize> = preds.iter().map(Vec::len).collect();
    let mut position = vec![0; n];
    for (p, &i) in rank.iter().enumerate() {
        position[i] = p;
    }
    let mut ready: std::collections::BTreeSet<(usize, usize)> = (0..n)
        .filter(|&i| indegree[i] == 0)
        .map(|i| (position[i], i))
        .collect();
    let mut out = Vec::with_capacity(n);
    while let Some((_, v)) = ready.pop_first() {
        out.push(v);
        for &w in &succs[v] {
            indegree[w] -= 1;
            if indegree[w] == 0 {
                ready.insert((position[w], w));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_in_order_keeps_order_and_gaps() {
        // Two nodes both wanting 0 with a gap of 10 split around 0.
        let y = fit_in_order(&[(0.0, 1.0), (0.0, 1.0)], &[10.0]);
        assert_eq!(y, vec![-5.0, 5.0]);
        // Already far enough apart: untouched.
        let y = fit_in_order(&[(0.0, 1.0), (50.0, 1.0)], &[10.0]);
        assert_eq!(y, vec![0.0, 50.0]);
        // A heavy node moves less.
        let y = fit_in_order(&[(0.0, 3.0), (0.0, 1.0)], &[8.0]);
        assert_eq!(y, vec![-2.0, 6.0]);
    }
}
