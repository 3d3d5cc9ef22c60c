//! The causal map as Graphviz DOT: nodes grouped by kind in labelled
//! clusters, each edge labelled and coloured by its sign, the loops listed
//! in a comment at the top.

use std::fmt::Write as _;

use super::Map;
use super::build::{EdgeKind, Kind, Node};
use super::signs::Sign;
use crate::format::{dot_comment as comment, dot_string as quote};

const FONT: &str = "Helvetica,Arial,sans-serif";

/// DOT's cluster, heading, shape and extra attributes for a kind.
fn cluster(kind: Kind) -> (&'static str, &'static str, &'static str, &'static str) {
    match kind {
        Kind::Parameter => (
            "cluster_parameters",
            "Parameters (drawn once per run)",
            "ellipse",
            "",
        ),
        Kind::State => (
            "cluster_state",
            "State (carried from step to step)",
            "box",
            ", penwidth=2",
        ),
        Kind::Derived => (
            "cluster_derived",
            "Derived (computed each step)",
            "box",
            ", style=\"rounded,filled\"",
        ),
        Kind::Event => ("cluster_events", "Events (chance each step)", "diamond", ""),
        Kind::Count => ("cluster_events", "Events (chance each step)", "octagon", ""),
        Kind::Outcome => (
            "cluster_outcomes",
            "Outcomes (per run)",
            "box",
            ", peripheries=2",
        ),
        Kind::Intervention => ("cluster_interventions", "Interventions", "cds", ""),
    }
}

fn edge_colour(kind: EdgeKind) -> &'static str {
    match kind {
        EdgeKind::Reads(Sign::Plus) => "#1e3a8a",
        EdgeKind::Reads(Sign::Minus) => "#c2410c",
        EdgeKind::Reads(Sign::Unknown) => "#6b7280",
        EdgeKind::Forces => "#c2410c",
    }
}

pub fn dot(map: &Map) -> String {
    let g = &map.drawn;
    let mut out = String::new();
    let _ = writeln!(out, "// {}", comment(&format!("{}: causal map", g.title)));
    let _ = writeln!(
        out,
        "// Edge labels: + raises the target, - lowers it, +/- either or not known."
    );
    if !map.listed.is_empty() {
        let (r, b, u) = map.loop_counts();
        let _ = writeln!(
            out,
            "// Feedback loops: {} ({r} reinforcing, {b} balancing, {u} undetermined)",
            map.listed.len()
        );
        for &l in &map.listed {
            let lp = &map.loops[l];
            let _ = writeln!(out, "//   {} {}", lp.id, comment(&map.loop_path(lp)));
        }
    }
    let _ = writeln!(out, "digraph {} {{", quote(&g.title));
    let _ = writeln!(
        out,
        "  graph [rankdir=LR, fontname={f}, fontsize=12, label={}, labelloc=t, labeljust=l, nodesep=0.25, ranksep=0.6];",
        quote(&format!("{}: causal map", g.title)),
        f = quote(FONT)
    );
    let _ = writeln!(
        out,
        "  node [fontname={f}, fontsize=11, style=filled, penwidth=1.2];",
        f = quote(FONT)
    );
    let _ = writeln!(
        out,
        "  edge [fontname={f}, fontsize=11, color=\"#64748b\", arrowsize=0.7];",
        f = quote(FONT)
    );
    let mut clusters: Vec<&'static str> = Vec::new();
    for kind in Kind::ALL {
        let name = cluster(kind).0;
        if !clusters.contains(&name) {
            clusters.push(name);
        }
    }
    for name in clusters {
        let members: Vec<&Node> = g
            .nodes
            .iter()
            .filter(|n| cluster(n.kind).0 == name)
            .collect();
        let Some(first) = members.first() else {
            continue;
        };
        let (_, heading, _, _) = cluster(first.kind);
        let stroke = first.kind.look().stroke;
        let _ = writeln!(out, "\n  subgraph {name} {{");
        let _ = writeln!(
            out,
            "    label={}; style=\"rounded,dashed\"; color={}; fontcolor={};",
            quote(heading),
            quote(stroke),
            quote(stroke)
        );
        for n in members {
            let look = n.kind.look();
            let (_, _, shape, extra) = cluster(n.kind);
            let _ = writeln!(
                out,
                "    {} [label={}, tooltip={}, shape={shape}, fillcolor={}, color={}{extra}];",
                quote(&n.id),
                quote(&n.label),
                quote(&n.tooltip),
                quote(look.fill),
                quote(look.stroke),
            );
        }
        out.push_str("  }\n");
    }
    if !g.edges.is_empty() {
        out.push('\n');
    }
    for e in &g.edges {
        let from = quote(&g.nodes[e.from].id);
        let to = quote(&g.nodes[e.to].id);
        let colour = quote(edge_colour(e.kind));
        match e.kind {
            EdgeKind::Reads(sign) => {
                let _ = writeln!(
                    out,
                    "  {from} -> {to} [label={}, color={colour}, fontcolor={colour}];",
                    quote(sign.ascii())
                );
            }
            EdgeKind::Forces => {
                let _ = writeln!(
                    out,
                    "  {from} -> {to} [label=\"forces\", style=dashed, color={colour}, fontcolor={colour}];"
                );
            }
        }
    }
    out.push_str("}\n");
    out
}
