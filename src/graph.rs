//! The causal map: which name reads which, drawn as a graph.
//!
//! Nodes are the model's parameters, state variables, derived variables,
//! events, outcomes and interventions; an edge goes from each name to every
//! definition that reads it (a parameter's distribution, a state's initial
//! value and update, a derived expression, an event's chance, an outcome's
//! expression including its aggregates, an intervention's value). An
//! intervention has its own node with a labelled edge to what it forces.
//!
//! [`dot`] writes Graphviz DOT, grouped by kind in labelled clusters.
//! [`svg`] lays the same nodes and edges out in pure Rust with `layout-rs`,
//! which draws no clusters, so kind is shown by shape and colour and
//! explained by a legend under the drawing.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::panic::{AssertUnwindSafe, catch_unwind};

use layout::backends::svg::SVGWriter;
use layout::core::base::Orientation;
use layout::core::color::Color;
use layout::core::geometry::Point;
use layout::core::style::{LineStyleKind, StyleAttr};
use layout::std_shapes::shapes::{Arrow, Element, LineEndKind, ShapeKind};
use layout::topo::layout::VisualGraph;

use crate::scenario::{EventMode, Model, VarKind};

/// What a node stands for; decides its cluster, shape and colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
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

/// How one kind looks.
struct Look {
    /// DOT cluster name and its label.
    cluster: &'static str,
    heading: &'static str,
    /// Graphviz shape and extra node attributes.
    dot_shape: &'static str,
    dot_extra: &'static str,
    /// What the legend calls it.
    legend: &'static str,
    fill: &'static str,
    stroke: &'static str,
}

impl Kind {
    const ALL: [Kind; 7] = [
        Kind::Parameter,
        Kind::State,
        Kind::Derived,
        Kind::Event,
        Kind::Count,
        Kind::Outcome,
        Kind::Intervention,
    ];

    fn look(self) -> Look {
        match self {
            Kind::Parameter => Look {
                cluster: "cluster_parameters",
                heading: "Parameters (drawn once per run)",
                dot_shape: "ellipse",
                dot_extra: "",
                legend: "parameter",
                fill: "#dbeafe",
                stroke: "#1d4ed8",
            },
            Kind::State => Look {
                cluster: "cluster_state",
                heading: "State (carried from step to step)",
                dot_shape: "box",
                dot_extra: "",
                legend: "state",
                fill: "#dcfce7",
                stroke: "#15803d",
            },
            Kind::Derived => Look {
                cluster: "cluster_derived",
                heading: "Derived (computed each step)",
                dot_shape: "box",
                dot_extra: ", style=\"rounded,filled\"",
                legend: "derived",
                fill: "#fef9c3",
                stroke: "#a16207",
            },
            Kind::Event => Look {
                cluster: "cluster_events",
                heading: "Events (chance each step)",
                dot_shape: "diamond",
                dot_extra: "",
                legend: "event",
                fill: "#fee2e2",
                stroke: "#b91c1c",
            },
            Kind::Count => Look {
                cluster: "cluster_events",
                heading: "Events (chance each step)",
                dot_shape: "octagon",
                dot_extra: "",
                legend: "count event",
                fill: "#ffe4e6",
                stroke: "#be123c",
            },
            Kind::Outcome => Look {
                cluster: "cluster_outcomes",
                heading: "Outcomes (per run)",
                dot_shape: "box",
                dot_extra: ", peripheries=2",
                legend: "outcome",
                fill: "#ede9fe",
                stroke: "#6d28d9",
            },
            Kind::Intervention => Look {
                cluster: "cluster_interventions",
                heading: "Interventions",
                dot_shape: "cds",
                dot_extra: "",
                legend: "intervention",
                fill: "#ffedd5",
                stroke: "#c2410c",
            },
        }
    }
}

struct Node {
    /// Unique DOT identifier, e.g. `parameter:p_incident`.
    id: String,
    kind: Kind,
    /// What the reader sees: the `label` if set, else the name.
    label: String,
    /// The name and its definition as written.
    tooltip: String,
}

struct Edge {
    from: usize,
    to: usize,
    /// Empty for a plain read.
    label: String,
}

struct Graph {
    title: String,
    nodes: Vec<Node>,
    edges: Vec<Edge>,
}

impl Graph {
    fn from_model(model: &Model) -> Graph {
        let mut nodes: Vec<Node> = model
            .vars
            .iter()
            .map(|v| {
                let (kind, prefix) = match &v.kind {
                    VarKind::Param { .. } => (Kind::Parameter, "parameter"),
                    VarKind::State { .. } => (Kind::State, "state"),
                    VarKind::Derived { .. } => (Kind::Derived, "derived"),
                    VarKind::Event {
                        mode: EventMode::Count,
                        ..
                    } => (Kind::Count, "event"),
                    VarKind::Event { .. } => (Kind::Event, "event"),
                };
                let name = &v.name;
                let text = &v.text;
                let tooltip = match &v.kind {
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
                };
                Node {
                    id: format!("{prefix}:{}", v.name),
                    kind,
                    label: v.title().to_string(),
                    tooltip,
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
                VarKind::Event { chance, .. } => chance.vars(),
            };
            for r in reads {
                edges.add(r.0 as usize, i, "");
            }
        }
        for o in &model.outcomes {
            let to = nodes.len();
            nodes.push(Node {
                id: format!("outcome:{}", o.name),
                kind: Kind::Outcome,
                label: o.title().to_string(),
                tooltip: o.name.clone(),
            });
            for r in o.expr.vars() {
                edges.add(r.0 as usize, to, "");
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
                kind: Kind::Intervention,
                label: format!("intervention {}: {when}", k + 1),
                tooltip,
            });
            for r in iv.value.vars() {
                edges.add(r.0 as usize, at, "");
            }
            edges.add(at, iv.var.0 as usize, "forces");
        }
        Graph {
            title: model.info.name.clone(),
            nodes,
            edges: edges.list,
        }
    }
}

/// Edges without repeats, in the order first seen.
#[derive(Default)]
struct Edges {
    seen: HashSet<(usize, usize)>,
    list: Vec<Edge>,
}

impl Edges {
    fn add(&mut self, from: usize, to: usize, label: &str) {
        if self.seen.insert((from, to)) {
            self.list.push(Edge {
                from,
                to,
                label: label.to_string(),
            });
        }
    }
}

/// A DOT double-quoted string: backslashes and quotes escaped, line breaks
/// as `\n`, other control characters dropped.
fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

const FONT: &str = "Helvetica,Arial,sans-serif";

/// What to draw.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    /// Draw parameters. Without them the map shows the causal chain itself
    /// (state, derived variables, events, outcomes), which stays readable for
    /// models with dozens of parameters.
    pub parameters: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options { parameters: true }
    }
}

impl Graph {
    /// Drop parameter nodes and every edge that touches them.
    fn without_parameters(self) -> Graph {
        let keep: Vec<bool> = self
            .nodes
            .iter()
            .map(|n| n.kind != Kind::Parameter)
            .collect();
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
                label: e.label,
            })
            .collect();
        Graph {
            title: self.title,
            nodes,
            edges,
        }
    }

    fn build(model: &Model, options: Options) -> Graph {
        let g = Graph::from_model(model);
        if options.parameters {
            g
        } else {
            g.without_parameters()
        }
    }
}

/// The model's dependency graph in Graphviz DOT.
pub fn dot(model: &Model) -> String {
    dot_with(model, Options::default())
}

/// [`dot`] with options.
pub fn dot_with(model: &Model, options: Options) -> String {
    let g = Graph::build(model, options);
    let mut out = String::new();
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
        "  edge [fontname={f}, fontsize=9, color=\"#64748b\", arrowsize=0.7];",
        f = quote(FONT)
    );
    let mut clusters: Vec<&'static str> = Vec::new();
    for kind in Kind::ALL {
        let look = kind.look();
        if !clusters.contains(&look.cluster) {
            clusters.push(look.cluster);
        }
    }
    for cluster in clusters {
        let members: Vec<&Node> = g
            .nodes
            .iter()
            .filter(|n| n.kind.look().cluster == cluster)
            .collect();
        let Some(first) = members.first() else {
            continue;
        };
        let heading = first.kind.look();
        let _ = writeln!(out, "\n  subgraph {cluster} {{");
        let _ = writeln!(
            out,
            "    label={}; style=\"rounded,dashed\"; color={}; fontcolor={};",
            quote(heading.heading),
            quote(heading.stroke),
            quote(heading.stroke)
        );
        for n in members {
            let look = n.kind.look();
            let _ = writeln!(
                out,
                "    {} [label={}, tooltip={}, shape={}, fillcolor={}, color={}{}];",
                quote(&n.id),
                quote(&n.label),
                quote(&n.tooltip),
                look.dot_shape,
                quote(look.fill),
                quote(look.stroke),
                look.dot_extra
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
        if e.label.is_empty() {
            let _ = writeln!(out, "  {from} -> {to};");
        } else {
            let stroke = Kind::Intervention.look().stroke;
            let _ = writeln!(
                out,
                "  {from} -> {to} [label={}, style=dashed, color={}, fontcolor={}];",
                quote(&e.label),
                quote(stroke),
                quote(stroke)
            );
        }
    }
    out.push_str("}\n");
    out
}

/// Font size of node labels in the SVG, in pixels.
const FONT_SIZE: usize = 14;
/// Average width of a character at [`FONT_SIZE`] in a sans-serif font.
const CHAR_WIDTH: f64 = 8.2;
const LINE_HEIGHT: f64 = 18.0;
/// Wrap node labels longer than this many characters.
const WRAP: usize = 22;
const EDGE_COLOR: &str = "#64748b";
const SANS: &str = "font-family: 'DejaVu Sans', Helvetica, Arial, sans-serif;";

/// Break a label into lines of at most `width` characters at spaces,
/// balanced so the lines have similar lengths (a longer word keeps a line
/// of its own).
fn wrap(text: &str, width: usize) -> String {
    text.lines()
        .map(|paragraph| {
            let words: Vec<&str> = paragraph.split_whitespace().collect();
            let total = words.iter().map(|w| w.chars().count() + 1).sum::<usize>();
            let total = total.saturating_sub(1);
            if total <= width {
                return words.join(" ");
            }
            let lines = total.div_ceil(width.max(1));
            let mut target = total.div_ceil(lines);
            loop {
                let wrapped = greedy(&words, target);
                if wrapped.len() <= lines || target >= width {
                    return wrapped.join("\n");
                }
                target += 1;
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Fill lines up to `width` characters, word by word.
fn greedy(words: &[&str], width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in words {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    lines.push(line);
    lines
}

fn color(hex: &str) -> Color {
    Color::from_name(hex).unwrap_or_else(|| Color::fast("black"))
}

/// Size of a node drawn around `text` (already wrapped).
fn node_size(kind: Kind, text: &str) -> Point {
    let longest = text.lines().map(|l| l.chars().count()).max().unwrap_or(0);
    let lines = text.lines().count().max(1);
    let w = longest.max(3) as f64 * CHAR_WIDTH;
    let h = lines as f64 * LINE_HEIGHT;
    match kind {
        // Ellipses need room at the ends for the text to fit inside.
        Kind::Parameter | Kind::Event | Kind::Count => Point::new(w * 1.25 + 24.0, h + 22.0),
        _ => Point::new(w + 24.0, h + 14.0),
    }
}

fn element(kind: Kind, label: &str) -> Element {
    let text = wrap(label, WRAP);
    let look = kind.look();
    let shape = match kind {
        Kind::Parameter | Kind::Event => ShapeKind::Circle(text.clone()),
        Kind::Count => ShapeKind::DoubleCircle(text.clone()),
        Kind::State | Kind::Derived | Kind::Outcome | Kind::Intervention => {
            ShapeKind::Box(text.clone())
        }
    };
    let (width, rounded) = match kind {
        Kind::Derived => (1, 12),
        Kind::Event | Kind::Count => (2, 0),
        Kind::Intervention => (2, 6),
        _ => (1, 0),
    };
    let style = StyleAttr::new(
        color(look.stroke),
        width,
        Some(color(look.fill)),
        rounded,
        FONT_SIZE,
    );
    let size = node_size(kind, &text);
    Element::create_with_properties(
        shape,
        style,
        Orientation::LeftToRight,
        size,
        format!("class=\"node {}\"", look.legend.replace(' ', "-")),
    )
}

/// The same graph as [`dot`], laid out and drawn as SVG.
pub fn svg(model: &Model) -> Result<String, String> {
    svg_with(model, Options::default())
}

/// [`svg`] with options.
pub fn svg_with(model: &Model, options: Options) -> Result<String, String> {
    let g = Graph::build(model, options);
    if g.nodes.is_empty() {
        // layout-rs cannot lay out an empty graph.
        return Ok(empty_svg(&g.title));
    }
    let mut vg = VisualGraph::new(Orientation::LeftToRight);
    let handles: Vec<_> = g
        .nodes
        .iter()
        .map(|n| vg.add_node(element(n.kind, &n.label)))
        .collect();
    // A state reading its own last value is left out here: layout-rs draws
    // a self-edge as a long loop that crosses other nodes. `dot` keeps it.
    for e in g.edges.iter().filter(|e| e.from != e.to) {
        let (line, stroke) = if e.label.is_empty() {
            (LineStyleKind::Normal, EDGE_COLOR)
        } else {
            (LineStyleKind::Dashed, Kind::Intervention.look().stroke)
        };
        let look = StyleAttr::new(color(stroke), 1, None, 0, FONT_SIZE - 2);
        let arrow = Arrow::new(
            LineEndKind::None,
            LineEndKind::Arrow,
            line,
            &e.label,
            &look,
            &None,
            &None,
        );
        vg.add_edge(arrow, handles[e.from], handles[e.to]);
    }
    let (drawn, bottom) = catch_unwind(AssertUnwindSafe(move || {
        let mut writer = SVGWriter::new();
        vg.do_it(false, false, false, &mut writer);
        // layout-rs sizes the drawing from each label's length as if it
        // were a height; the nodes' boxes give the real extent.
        let bottom = vg
            .iter_nodes()
            .map(|h| vg.pos(h).bbox(false).1.y)
            .fold(0.0, f64::max);
        (writer.finalize(), bottom)
    }))
    .map_err(|_| "the causal map could not be laid out".to_string())?;
    Ok(finish(&drawn, &g.title, &g.nodes, bottom + 24.0))
}

/// A placeholder drawing for a model with nothing to draw.
fn empty_svg(title: &str) -> String {
    let text = crate::format::html(&format!("{title}: no variables to draw"));
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n\
         <svg width=\"360\" height=\"60\" viewBox=\"0 0 360 60\" xmlns=\"http://www.w3.org/2000/svg\">\n\
         <rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n\
         <text x=\"20\" y=\"35\" style=\"{SANS} font-size: 14px;\" fill=\"#334155\">{text}</text>\n\
         </svg>\n"
    )
}

/// The number in `attr="..."` after `from` in `text`.
fn attr_number(text: &str, attr: &str) -> Option<f64> {
    let key = format!("{attr}=\"");
    let start = text.find(&key)? + key.len();
    let end = start + text[start..].find('"')?;
    text[start..end].trim().parse().ok()
}

/// Post-process layout-rs's SVG: a sans-serif font, a white background, a
/// second frame around outcomes, a title, and a legend of the kinds drawn.
fn finish(svg: &str, title: &str, nodes: &[Node], bottom: f64) -> String {
    let mut svg = svg.replace("font-family: Times, serif;", SANS);

    // Outcomes are double boxes: add an inner frame to each outcome's rect.
    let marker = "<g class=\"node outcome\">";
    let mut out = String::with_capacity(svg.len() + 4096);
    let mut rest = svg.as_str();
    while let Some(pos) = rest.find(marker) {
        let (before, after) = rest.split_at(pos);
        out.push_str(before);
        let end = after.find("</g>").map_or(after.len(), |i| i + "</g>".len());
        let group = &after[..end];
        out.push_str(group);
        if let (Some(x), Some(y), Some(w), Some(h)) = (
            attr_number(group, "x"),
            attr_number(group, "y"),
            attr_number(group, "width"),
            attr_number(group, "height"),
        ) {
            let _ = write!(
                out,
                "\n<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"1\"/>",
                x + 3.0,
                y + 3.0,
                (w - 6.0).max(0.0),
                (h - 6.0).max(0.0),
                Kind::Outcome.look().stroke
            );
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    svg = out;

    // Room for a title above and a legend below.
    let head = svg.find("<svg ").unwrap_or(0);
    let head_end = head + svg[head..].find('>').unwrap_or(0);
    let (Some(w), Some(h)) = (
        attr_number(&svg[head..head_end], "width"),
        attr_number(&svg[head..head_end], "height"),
    ) else {
        return svg;
    };
    let h = h.min(bottom);
    let kinds: Vec<Kind> = Kind::ALL
        .into_iter()
        .filter(|k| nodes.iter().any(|n| n.kind == *k))
        .collect();
    let items: Vec<(Kind, f64)> = kinds
        .iter()
        .map(|&k| (k, 36.0 + k.look().legend.len() as f64 * 7.5 + 18.0))
        .collect();
    let legend_width: f64 = items.iter().map(|(_, w)| w).sum::<f64>() + 20.0;
    let title_h = 34.0;
    let legend_h = 40.0;
    let width = w
        .max(legend_width)
        .max(title.chars().count() as f64 * 9.0 + 40.0);
    let height = h + title_h + legend_h;

    let mut legend = String::new();
    let _ = write!(
        legend,
        "<g class=\"legend\" transform=\"translate(0,{})\">",
        h + title_h + 8.0
    );
    let mut x = 14.0;
    for (kind, item_w) in &items {
        let look = kind.look();
        let (fill, stroke) = (look.fill, look.stroke);
        let shape = match kind {
            Kind::Parameter => format!(
                "<ellipse cx=\"{}\" cy=\"12\" rx=\"15\" ry=\"9\" fill=\"{fill}\" stroke=\"{stroke}\"/>",
                x + 15.0
            ),
            Kind::Event => format!(
                "<ellipse cx=\"{}\" cy=\"12\" rx=\"15\" ry=\"9\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"2\"/>",
                x + 15.0
            ),
            Kind::Count => format!(
                "<ellipse cx=\"{cx}\" cy=\"12\" rx=\"13\" ry=\"7\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"2\"/>\
                 <ellipse cx=\"{cx}\" cy=\"12\" rx=\"17\" ry=\"11\" fill=\"none\" stroke=\"{stroke}\" stroke-width=\"2\"/>",
                cx = x + 15.0
            ),
            Kind::Outcome => format!(
                "<rect x=\"{x}\" y=\"2\" width=\"30\" height=\"20\" fill=\"{fill}\" stroke=\"{stroke}\"/>\
                 <rect x=\"{}\" y=\"5\" width=\"24\" height=\"14\" fill=\"none\" stroke=\"{stroke}\"/>",
                x + 3.0
            ),
            Kind::Derived | Kind::State | Kind::Intervention => {
                let (rx, sw) = match kind {
                    Kind::Derived => (7, 1),
                    Kind::Intervention => (4, 2),
                    _ => (0, 1),
                };
                format!(
                    "<rect x=\"{x}\" y=\"2\" width=\"30\" height=\"20\" rx=\"{rx}\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"{sw}\"/>"
                )
            }
        };
        legend.push_str(&shape);
        let _ = write!(
            legend,
            "<text x=\"{}\" y=\"13\" dominant-baseline=\"middle\" style=\"{SANS} font-size: 13px;\" fill=\"#334155\">{}</text>",
            x + 38.0,
            crate::format::html(look.legend)
        );
        x += item_w;
    }
    legend.push_str("</g>\n");

    let header = format!(
        "<svg width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" xmlns=\"http://www.w3.org/2000/svg\">\n\
         <rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n\
         <text x=\"14\" y=\"22\" style=\"{SANS} font-size: 16px; font-weight: bold;\" fill=\"#0f172a\">{}</text>\n\
         <g transform=\"translate(0,{title_h})\">",
        crate::format::html(&format!("{title}: causal map"))
    );
    let body_end = svg.rfind("</svg>").unwrap_or(svg.len());
    let mut result = String::with_capacity(svg.len() + legend.len() + header.len() + 64);
    result.push_str(&svg[..head]);
    result.push_str(&header);
    result.push_str(&svg[head_end + 1..body_end]);
    result.push_str("</g>\n");
    result.push_str(&legend);
    result.push_str("</svg>\n");
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{self, Disk, OneText};
    use std::path::Path;

    fn coin_flips() -> Model {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/examples/coin-flips.toml");
        match scenario::load(&path, &Disk, &[]) {
            Ok(m) => m,
            Err(r) => panic!("{}", r.render(false)),
        }
    }

    fn model(text: &'static str) -> Model {
        match scenario::load(Path::new("mem.toml"), &OneText(text), &[]) {
            Ok(m) => m,
            Err(r) => panic!("{}", r.render(false)),
        }
    }

    #[test]
    fn dot_of_coin_flips_has_every_variable_and_edge() {
        let m = coin_flips();
        let d = dot(&m);
        assert!(d.starts_with("digraph \"coin-flips\" {"), "{d}");
        assert!(d.trim_end().ends_with('}'), "{d}");
        for id in [
            "parameter:p_breakthrough",
            "parameter:p_incident",
            "event:breakthrough",
            "event:incident",
            "state:incidents_so_far",
            "outcome:breakthrough_by_24",
            "outcome:breakthrough_by_12",
            "outcome:breakthrough_month",
            "outcome:incidents",
        ] {
            assert!(
                d.contains(&format!("\"{id}\" [label=")),
                "no node {id}:\n{d}"
            );
        }
        for (from, to) in [
            ("parameter:p_breakthrough", "event:breakthrough"),
            ("parameter:p_incident", "event:incident"),
            ("event:incident", "state:incidents_so_far"),
            ("state:incidents_so_far", "state:incidents_so_far"),
            ("event:breakthrough", "outcome:breakthrough_by_24"),
            ("event:breakthrough", "outcome:breakthrough_by_12"),
            ("event:breakthrough", "outcome:breakthrough_month"),
            ("event:incident", "outcome:incidents"),
        ] {
            assert!(
                d.contains(&format!("\"{from}\" -> \"{to}\";")),
                "no edge {from} -> {to}:\n{d}"
            );
        }
        // 8 reads and nothing else
        assert_eq!(d.matches("\" -> \"").count(), 8, "{d}");
        // labels are used when set
        assert!(d.contains("label=\"Breakthrough within 24 months\""), "{d}");
        assert!(d.contains("label=\"p_incident\""), "{d}");
        // grouped by kind, with distinct shapes
        for cluster in [
            "subgraph cluster_parameters {",
            "subgraph cluster_state {",
            "subgraph cluster_events {",
            "subgraph cluster_outcomes {",
        ] {
            assert!(d.contains(cluster), "no {cluster}:\n{d}");
        }
        assert!(
            !d.contains("cluster_derived"),
            "empty clusters are left out"
        );
        assert!(d.contains("shape=ellipse"));
        assert!(d.contains("shape=diamond"));
        assert!(d.contains("peripheries=2"));
    }

    #[test]
    fn dot_labels_interventions_and_escapes_quotes() {
        let m = model(
            r#"
[scenario]
name = "say \"hi\""
steps = 6

[parameters.push]
dist = "uniform(0, 0.2)"
label = "The \"push\" \\ factor"

[state.trust]
init = 0.5
update = "trust - push * attack"

[derived]
pressure = "1 - trust"

[events.attack]
p = "clamp(pressure * push, 0, 1)"

[events.protests]
rate = "pressure * 2"

[outcomes]
worst = "max(pressure)"

[[interventions]]
set = "trust"
from = 2
to = 4
value = "trust + push"
doc = "a \"trust\" campaign"
"#,
        );
        let d = dot(&m);
        assert!(d.starts_with("digraph \"say \\\"hi\\\"\" {"), "{d}");
        assert!(
            d.contains("label=\"The \\\"push\\\" \\\\ factor\""),
            "label escaped:\n{d}"
        );
        assert!(d.contains("a \\\"trust\\\" campaign"), "{d}");
        assert!(
            d.contains("\"intervention:1\" -> \"state:trust\" [label=\"forces\""),
            "{d}"
        );
        assert!(d.contains("label=\"intervention 1: steps 2-4\""), "{d}");
        // the intervention's value reads trust and push
        assert!(d.contains("\"state:trust\" -> \"intervention:1\";"), "{d}");
        assert!(
            d.contains("\"parameter:push\" -> \"intervention:1\";"),
            "{d}"
        );
        // aggregates in outcomes count as reads
        assert!(
            d.contains("\"derived:pressure\" -> \"outcome:worst\";"),
            "{d}"
        );
        assert!(
            d.contains("\"derived:pressure\" -> \"event:attack\";"),
            "{d}"
        );
        assert!(d.contains("\"event:attack\" -> \"state:trust\";"), "{d}");
        assert!(
            d.contains("shape=octagon"),
            "count events are octagons:\n{d}"
        );
        assert!(d.contains("subgraph cluster_derived"), "{d}");
        assert!(d.contains("subgraph cluster_interventions"), "{d}");
        // every quote inside a string is escaped: quotes pair up on each line
        for line in d.lines() {
            let bare = line.replace("\\\\", "").replace("\\\"", "");
            assert_eq!(bare.matches('"').count() % 2, 0, "unbalanced: {line}");
        }
        assert!(svg(&m).is_ok());
    }

    #[test]
    fn svg_of_coin_flips_has_every_label() {
        let m = coin_flips();
        let s = svg(&m).expect("svg");
        assert!(s.contains("<svg "), "{s}");
        assert!(s.trim_end().ends_with("</svg>"));
        for v in &m.vars {
            for word in wrap(v.title(), WRAP).lines() {
                assert!(s.contains(word), "no label {word:?}");
            }
        }
        for o in &m.outcomes {
            for line in wrap(o.title(), WRAP).lines() {
                assert!(s.contains(&crate::format::html(line)), "no label {line:?}");
            }
        }
        assert!(!s.contains("Times"), "serif font left in");
        assert!(s.contains("sans-serif"));
        assert!(s.contains("class=\"legend\""));
        assert!(s.contains("coin-flips: causal map"));
        // the header's size was rewritten once, consistently
        assert_eq!(s.matches("<svg ").count(), 1);
        assert_eq!(s.matches("</svg>").count(), 1);
        assert_eq!(s.matches("<g").count(), s.matches("</g>").count());
    }

    #[test]
    fn without_parameters_only_the_causal_chain_is_drawn() {
        let m = coin_flips();
        let dot = dot_with(&m, Options { parameters: false });
        assert!(!dot.contains("parameter:"), "{dot}");
        assert!(
            dot.contains("event:incident") && dot.contains("state:incidents_so_far"),
            "{dot}"
        );
        let svg = svg_with(&m, Options { parameters: false }).expect("svg");
        assert!(!svg.contains("p_incident") && svg.contains("incidents_so_far"));
    }

    #[test]
    fn empty_models_do_not_panic() {
        let m = model("[scenario]\nname = \"nothing\"\nsteps = 3\n");
        assert!(m.vars.is_empty());
        let d = dot(&m);
        assert!(d.starts_with("digraph \"nothing\" {"), "{d}");
        assert!(!d.contains("->"));
        let s = svg(&m).expect("svg of an empty model");
        assert!(s.contains("<svg ") && s.contains("no variables"), "{s}");

        // nodes but no edges
        let m = model("[scenario]\nname = \"one\"\nsteps = 3\n[parameters]\nx = 1\n");
        let s = svg(&m).expect("svg of one node");
        assert!(s.contains(">x<"), "{s}");
    }

    #[test]
    fn wrap_breaks_at_spaces() {
        assert_eq!(
            wrap("Breakthrough within 24 months", 22),
            "Breakthrough\nwithin 24 months"
        );
        assert_eq!(wrap("short", 22), "short");
        assert_eq!(wrap("", 22), "");
        assert_eq!(
            wrap("averyveryverylongsingleword here", 10),
            "averyveryverylongsingleword\nhere"
        );
        assert_eq!(
            wrap("one two three four five six seven eight nine", 12),
            "one two\nthree four\nfive six\nseven eight\nnine"
        );
    }
}
