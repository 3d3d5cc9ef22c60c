//! The causal map: which name reads which, with the sign of each influence
//! and the feedback loops, as DOT, as an SVG drawing, as text and as JSON.
//!
//! `build.rs` turns a model into nodes and edges, `signs.rs` derives the
//! sign of each edge from the expression that reads it, `loops.rs` finds the
//! feedback loops and their polarity, `layout.rs` places the nodes in layers
//! along the causal chain, `draw.rs` draws them through layout-rs, and
//! `dot.rs` writes Graphviz DOT. A [`Map`] is what a reader asked for: the
//! whole model or the neighbourhood of one name (`--focus`), with or without
//! the parameters.
//!
//! **Invariant:** the map is a pure function of the model and the options;
//! nothing here touches files, and the same model gives the same bytes.

mod build;
mod dot;
mod draw;
mod layout;
mod loops;
mod page;
mod print;
mod signs;

use std::fmt;

pub use build::Kind;
pub use layout::Direction;
pub use loops::{MAX_LOOPS, Polarity};
pub use page::page;
pub use print::{MIN_LABEL_PT, PRINT_BOX_MM, Part, Printed, fit, printed_pt};
pub use signs::Sign;

use build::Graph;
use loops::Loop;

use crate::scenario::Model;

/// What to draw.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// Draw parameters. Without them the map shows the causal chain itself
    /// (state, derived variables, events, outcomes), which stays readable for
    /// models with dozens of parameters.
    pub parameters: bool,
    /// Draw only the neighbourhood of this name (a variable or an outcome).
    pub focus: Option<String>,
    /// How many edges upstream and downstream of `focus` to draw.
    pub depth: usize,
    /// Which way the chain runs in the drawing; `None` picks the way that
    /// prints larger on a page.
    pub direction: Option<Direction>,
}

/// How far `--focus` reaches when `--depth` is not given.
pub const DEFAULT_DEPTH: usize = 2;

impl Default for Options {
    fn default() -> Self {
        Options {
            parameters: true,
            focus: None,
            depth: DEFAULT_DEPTH,
            direction: None,
        }
    }
}

/// A map that cannot be made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MapError {
    /// `--focus trsut`: no variable or outcome has that name.
    UnknownFocus {
        name: String,
        suggestion: Option<String>,
    },
}

impl fmt::Display for MapError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MapError::UnknownFocus { name, suggestion } => {
                write!(
                    f,
                    "--focus `{name}` is not a variable or outcome of this scenario"
                )?;
                match suggestion {
                    Some(s) => write!(f, "; did you mean `{s}`?"),
                    None => write!(
                        f,
                        "; `polsim check` lists the variables, and the scenario's [outcomes] the outcomes"
                    ),
                }
            }
        }
    }
}

impl std::error::Error for MapError {}

/// One question's part of the map: the outcomes, variables and events a
/// `[[charts.groups]]` entry of the scenario charts together, each with
/// what it reads directly. A map of a large model printed on one page has
/// text too small to read; its panels, one question each, print at a size
/// that reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Panel {
    /// The group's question.
    pub title: String,
    pub names: Vec<String>,
}

/// The panels of a model's map: one per chart group, in the order the
/// scenario declares them (none when it declares no groups).
pub fn panels(model: &Model) -> Vec<Panel> {
    model
        .charts
        .groups
        .iter()
        .map(|g| Panel {
            title: g.title.clone(),
            names: g
                .outcomes
                .iter()
                .chain(&g.variables)
                .chain(&g.events)
                .cloned()
                .collect(),
        })
        .collect()
}

/// The causal map a reader asked for.
pub struct Map {
    /// Every node and edge of the model.
    full: Graph,
    /// What is drawn.
    drawn: Graph,
    /// For each node of `full`, its index in `drawn`.
    shown: Vec<Option<usize>>,
    /// Every loop of the model (up to [`MAX_LOOPS`]), in `full`'s indices.
    loops: Vec<Loop>,
    /// The loop search stopped at its limit.
    loops_cut: bool,
    /// The loops this map lists: all, or those through the focus.
    listed: Vec<usize>,
    focus: Option<usize>,
    /// The question of a panel ([`Map::panel`]).
    panel: Option<String>,
    depth: usize,
    parameters: bool,
    direction: Option<Direction>,
}

impl Map {
    pub fn new(model: &Model, options: &Options) -> Result<Map, MapError> {
        let full = Graph::from_model(model);
        let (loops, loops_cut) = loops::find(&full);
        let focus = match &options.focus {
            None => None,
            Some(name) => Some(full.find(name).ok_or_else(|| {
                MapError::UnknownFocus {
                    name: name.clone(),
                    suggestion: crate::diag::did_you_mean(
                        name,
                        full.nodes
                            .iter()
                            .filter(|n| n.kind != Kind::Intervention)
                            .map(|n| n.name.as_str()),
                    )
                    .map(str::to_string),
                }
            })?),
        };
        let mut keep = match focus {
            Some(f) => full.neighbourhood(f, options.depth),
            None => vec![true; full.nodes.len()],
        };
        if !options.parameters {
            for (k, n) in keep.iter_mut().zip(&full.nodes) {
                *k &= n.kind != Kind::Parameter
                    || focus.is_some_and(|f| full.nodes[f].name == n.name);
            }
        }
        let listed = (0..loops.len())
            .filter(|&l| focus.is_none_or(|f| loops[l].nodes.contains(&f)))
            .collect();
        Ok(Map::keeping(
            full,
            (loops, loops_cut),
            keep,
            listed,
            options,
            focus,
        ))
    }

    /// One question's panel: the names it charts and what each reads
    /// directly (parameters only when `options.parameters`), listing the
    /// loops drawn whole within it. Names the model lacks are passed over.
    pub fn panel(model: &Model, panel: &Panel, options: &Options) -> Map {
        let full = Graph::from_model(model);
        let loops = loops::find(&full);
        Map::panel_of(full, loops, panel, options)
    }

    /// [`Map::panel`] of a model's graph and loops, found once for all the
    /// parts of a panel ([`print::fit`]).
    fn panel_of(
        full: Graph,
        (loops, loops_cut): (Vec<Loop>, bool),
        panel: &Panel,
        options: &Options,
    ) -> Map {
        let names: Vec<usize> = panel.names.iter().filter_map(|n| full.find(n)).collect();
        let mut keep = full.inputs_of(&names);
        if !options.parameters {
            for (i, (k, n)) in keep.iter_mut().zip(&full.nodes).enumerate() {
                *k &= n.kind != Kind::Parameter || names.contains(&i);
            }
        }
        let listed = (0..loops.len())
            .filter(|&l| loops[l].nodes.iter().all(|&n| keep[n]))
            .collect();
        let mut map = Map::keeping(full, (loops, loops_cut), keep, listed, options, None);
        map.panel = Some(panel.title.clone());
        map
    }

    fn keeping(
        full: Graph,
        (loops, loops_cut): (Vec<Loop>, bool),
        keep: Vec<bool>,
        listed: Vec<usize>,
        options: &Options,
        focus: Option<usize>,
    ) -> Map {
        let mut shown = vec![None; full.nodes.len()];
        let mut next = 0;
        for (i, k) in keep.iter().enumerate() {
            if *k {
                shown[i] = Some(next);
                next += 1;
            }
        }
        Map {
            drawn: full.clone().select(&keep),
            full,
            shown,
            loops,
            loops_cut,
            listed,
            focus,
            panel: None,
            depth: options.depth,
            parameters: options.parameters,
            direction: options.direction,
        }
    }

    fn listed_loops(&self) -> &[usize] {
        &self.listed
    }

    /// Reinforcing, balancing and undetermined loops among those listed.
    pub fn loop_counts(&self) -> (usize, usize, usize) {
        let mut counts = (0, 0, 0);
        for &l in &self.listed {
            match self.loops[l].polarity {
                Polarity::Reinforcing => counts.0 += 1,
                Polarity::Balancing => counts.1 += 1,
                Polarity::Undetermined => counts.2 += 1,
            }
        }
        counts
    }

    /// Nodes and edges drawn.
    pub fn size(&self) -> (usize, usize) {
        (self.drawn.nodes.len(), self.drawn.edges.len())
    }

    /// Graphviz DOT of what is drawn.
    pub fn dot(&self) -> String {
        dot::dot(self)
    }

    /// The drawing, laid out in pure Rust. `Err` when layout fails.
    pub fn svg(&self) -> Result<String, String> {
        draw::svg(self)
    }

    /// The loops listed, for the terminal: one a line, at most `max`, by
    /// name, with a closing line when some are left out.
    pub fn loops_text(&self, max: usize) -> String {
        let (r, b, u) = self.loop_counts();
        let through = self.focus.map_or(String::new(), |f| {
            format!(" through {}", self.full.nodes[f].name)
        });
        let mut out = if self.listed.is_empty() {
            format!("No feedback loops{through}.\n")
        } else {
            format!(
                "Feedback loops{through}: {} ({r} reinforcing, {b} balancing{})\n",
                self.listed.len(),
                if u > 0 {
                    format!(", {u} undetermined: an edge's sign is not known")
                } else {
                    String::new()
                }
            )
        };
        for &l in self.listed.iter().take(max) {
            let lp = &self.loops[l];
            out.push_str(&format!("  {:<4} {}\n", lp.id, self.loop_path(lp)));
        }
        if self.listed.len() > max {
            out.push_str(&format!(
                "  ... and {} more (--json lists every one)\n",
                self.listed.len() - max
            ));
        }
        if self.loops_cut {
            out.push_str(&format!(
                "  (the search stopped at {MAX_LOOPS} loops; there are more)\n"
            ));
        }
        out
    }

    /// A loop by name, each step with its sign: `a -> + b -> - a`.
    fn loop_path(&self, lp: &Loop) -> String {
        let mut out = self.full.nodes[lp.nodes[0]].name.clone();
        for &k in &lp.edges {
            let e = &self.full.edges[k];
            let sign = e.sign().map_or("", Sign::ascii);
            out.push_str(&format!(" -> {sign} {}", self.full.nodes[e.to].name));
        }
        out
    }

    /// Everything drawn, every sign and the loops listed, as JSON.
    pub fn json(&self) -> serde_json::Value {
        use serde_json::json;
        let g = &self.drawn;
        let nodes: Vec<_> = g
            .nodes
            .iter()
            .map(|n| json!({"name": n.name, "kind": n.kind.word(), "label": n.label}))
            .collect();
        let edges: Vec<_> = g
            .edges
            .iter()
            .map(|e| {
                let mut v = json!({"from": g.nodes[e.from].name, "to": g.nodes[e.to].name});
                match e.kind {
                    build::EdgeKind::Reads(s) => v["sign"] = json!(s.ascii()),
                    build::EdgeKind::Forces => v["forces"] = json!(true),
                }
                v
            })
            .collect();
        let loops: Vec<_> = self
            .listed
            .iter()
            .map(|&l| {
                let lp = &self.loops[l];
                json!({
                    "id": lp.id,
                    "polarity": lp.polarity.word(),
                    "nodes": lp.nodes.iter().map(|&n| &self.full.nodes[n].name).collect::<Vec<_>>(),
                    "signs": lp.edges.iter().map(|&k| self.full.edges[k].sign().map_or("", Sign::ascii)).collect::<Vec<_>>(),
                })
            })
            .collect();
        json!({
            "scenario": self.full.title,
            "focus": self.focus.map(|f| &self.full.nodes[f].name),
            "depth": self.focus.map(|_| self.depth),
            "parameters": self.parameters,
            "nodes": nodes,
            "edges": edges,
            "loops": loops,
            "loops_complete": !self.loops_cut,
        })
    }
}

/// The whole model's map in Graphviz DOT.
pub fn dot(model: &Model) -> String {
    dot_with(model, &Options::default())
}

/// [`dot`] with options; a `focus` that names nothing draws the whole model.
pub fn dot_with(model: &Model, options: &Options) -> String {
    match Map::new(model, options) {
        Ok(m) => m.dot(),
        Err(_) => dot_with(
            model,
            &Options {
                focus: None,
                ..options.clone()
            },
        ),
    }
}

/// The same graph as [`dot`], laid out and drawn as SVG.
pub fn svg(model: &Model) -> Result<String, String> {
    svg_with(model, &Options::default())
}

/// [`svg`] with options.
pub fn svg_with(model: &Model, options: &Options) -> Result<String, String> {
    Map::new(model, options).map_err(|e| e.to_string())?.svg()
}

#[cfg(test)]
mod tests;
