//! The map as a whole: loops and their polarity, focus and depth, DOT and
//! SVG output, errors.

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

/// The bundled Palmyra baseline.
fn palmyra() -> Model {
    match scenario::load(
        Path::new("palmyra/baseline.toml"),
        &scenario::bundled::Bundled,
        &[],
    ) {
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

fn map(m: &Model, options: Options) -> Map {
    Map::new(m, &options).expect("map")
}

/// A population with births (a reinforcing loop) and deaths that rise with
/// crowding (two balancing loops: through deaths, and through crowding and
/// deaths). Worked by hand: population -> births (+) -> population (+) is
/// R; population -> deaths (+) -> population (-) is B; population ->
/// crowding (+) -> deaths (+) -> population (-) is B.
const POPULATION: &str = r#"
[scenario]
name = "population"
steps = 12

[parameters]
birth_rate = "pert(0.02, 0.03, 0.05)"
capacity = 1000

[state.population]
init = 100
update = "population + births - deaths"
min = 0

[derived]
births = "birth_rate * population"
crowding = "population / capacity"
deaths = "0.01 * population * (1 + crowding)"

[outcomes]
final = "at(population, 12)"
"#;

#[test]
fn loops_are_found_and_classified() {
    let m = model(POPULATION);
    let map = map(&m, Options::default());
    let found: Vec<(String, Vec<&str>)> = map
        .listed
        .iter()
        .map(|&l| {
            let lp = &map.loops[l];
            (
                lp.id.clone(),
                lp.nodes
                    .iter()
                    .map(|&n| map.full.nodes[n].name.as_str())
                    .collect(),
            )
        })
        .collect();
    assert_eq!(
        found,
        vec![
            ("R1".to_string(), vec!["population", "births"]),
            ("B1".to_string(), vec!["population", "deaths"]),
            ("B2".to_string(), vec!["population", "crowding", "deaths"]),
        ],
        "{}",
        map.loops_text(10)
    );
    assert_eq!(map.loop_counts(), (1, 2, 0));
    let text = map.loops_text(10);
    assert!(
        text.contains("Feedback loops: 3 (1 reinforcing, 2 balancing)"),
        "{text}"
    );
    assert!(
        text.contains("R1   population -> + births -> + population"),
        "{text}"
    );
    assert!(
        text.contains("B2   population -> + crowding -> + deaths -> - population"),
        "{text}"
    );
    // JSON lists the same loops with their signs.
    let json = map.json();
    assert_eq!(json["loops"][1]["polarity"], "balancing");
    assert_eq!(json["loops"][1]["signs"], serde_json::json!(["+", "-"]));
    assert_eq!(json["loops_complete"], true);
    // The drawing marks and lists them.
    let svg = map.svg().expect("svg");
    for id in [">R1<", ">B1<", ">B2<"] {
        assert!(svg.contains(id), "no loop mark {id}");
    }
    assert!(
        svg.contains("B2 (balancing): population \u{2192} Crowding")
            || svg.contains("B2 (balancing): population \u{2192} crowding"),
        "loop list"
    );
}

#[test]
fn a_loop_with_an_unknown_sign_is_undetermined() {
    let m = model(
        r#"
[scenario]
name = "u"
steps = 6
[parameters]
k = "normal(0, 1)"
[state.x]
init = 1
update = "x + y"
[derived]
y = "k * x"
"#,
    );
    let map = map(&m, Options::default());
    assert_eq!(map.loop_counts(), (0, 0, 1));
    assert_eq!(map.loops[map.listed[0]].id, "U1");
}

#[test]
fn focus_and_depth_draw_a_neighbourhood() {
    let m = model(POPULATION);
    let names = |map: &Map| -> Vec<String> {
        let mut n: Vec<String> = map.drawn.nodes.iter().map(|n| n.name.clone()).collect();
        n.sort();
        n
    };
    // One edge each way from crowding: what it reads and what reads it.
    let one = map(
        &m,
        Options {
            focus: Some("crowding".into()),
            depth: 1,
            ..Options::default()
        },
    );
    assert_eq!(
        names(&one),
        ["capacity", "crowding", "deaths", "population"]
    );
    // Two edges: deaths' reader population, and population's inputs; the
    // outcome reading population is a third edge away.
    let two = map(
        &m,
        Options {
            focus: Some("crowding".into()),
            depth: 2,
            ..Options::default()
        },
    );
    assert_eq!(
        names(&two),
        ["births", "capacity", "crowding", "deaths", "population"]
    );
    // Only the loops through crowding are listed.
    assert_eq!(two.listed.len(), 1);
    assert!(
        two.loops_text(5).contains("through crowding: 1"),
        "{}",
        two.loops_text(5)
    );
    // Without parameters, capacity goes.
    let bare = map(
        &m,
        Options {
            focus: Some("crowding".into()),
            depth: 1,
            parameters: false,
            ..Options::default()
        },
    );
    assert_eq!(names(&bare), ["crowding", "deaths", "population"]);
    // An outcome can be the focus; depth 0 is the node alone.
    let alone = map(
        &m,
        Options {
            focus: Some("final".into()),
            depth: 0,
            ..Options::default()
        },
    );
    assert_eq!(names(&alone), ["final"]);
    let svg = two.svg().expect("svg");
    assert!(svg.contains("Around crowding, 2 links upstream and downstream"));
}

#[test]
fn an_unknown_focus_says_what_it_might_be() {
    let m = model(POPULATION);
    let err = Map::new(
        &m,
        &Options {
            focus: Some("crowdnig".into()),
            ..Options::default()
        },
    )
    .err()
    .expect("an error");
    assert_eq!(
        err.to_string(),
        "--focus `crowdnig` is not a variable or outcome of this scenario; did you mean `crowding`?"
    );
    let err = Map::new(
        &m,
        &Options {
            focus: Some("zzz".into()),
            ..Options::default()
        },
    )
    .err()
    .expect("an error");
    assert!(err.to_string().contains("`polsim check` lists"), "{err}");
}

#[test]
fn dot_of_coin_flips_has_every_variable_and_signed_edge() {
    let m = coin_flips();
    let d = dot(&m);
    assert!(d.contains("digraph \"coin-flips\" {"), "{d}");
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
    for (from, to, sign) in [
        ("parameter:p_breakthrough", "event:breakthrough", "+"),
        ("parameter:p_incident", "event:incident", "+"),
        ("event:incident", "state:incidents_so_far", "+"),
        ("event:breakthrough", "outcome:breakthrough_by_24", "+"),
        ("event:breakthrough", "outcome:breakthrough_by_12", "+"),
        // an event that comes more readily comes sooner
        ("event:breakthrough", "outcome:breakthrough_month", "-"),
        ("event:incident", "outcome:incidents", "+"),
    ] {
        assert!(
            d.contains(&format!("\"{from}\" -> \"{to}\" [label=\"{sign}\"")),
            "no edge {from} -> {to} ({sign}):\n{d}"
        );
    }
    // A count that only accumulates has no loop of one: 7 edges in all.
    assert_eq!(d.matches("\" -> \"").count(), 7, "{d}");
    assert!(d.contains("label=\"Breakthrough within 24 months\""), "{d}");
    assert!(d.contains("label=\"p_incident\""), "{d}");
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
    assert!(d.contains("shape=ellipse") && d.contains("shape=diamond"));
    assert!(d.contains("peripheries=2"));
}

#[test]
fn dot_lists_loops_and_escapes_quotes() {
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
    assert!(d.contains("digraph \"say \\\"hi\\\"\" {"), "{d}");
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
    assert!(
        d.contains("\"state:trust\" -> \"intervention:1\" [label=\"+\""),
        "{d}"
    );
    assert!(
        d.contains("\"derived:pressure\" -> \"outcome:worst\" [label=\"+\""),
        "{d}"
    );
    // trust -> pressure (-) -> attack (+) -> trust (-): reinforcing.
    assert!(
        d.contains("\"state:trust\" -> \"derived:pressure\" [label=\"-\""),
        "{d}"
    );
    assert!(
        d.contains("//   R1 trust -> - pressure -> + attack -> - trust"),
        "{d}"
    );
    assert!(
        d.contains("shape=octagon"),
        "count events are octagons:\n{d}"
    );
    // every quote inside a string is escaped: quotes pair up on each line
    for line in d.lines().filter(|l| !l.starts_with("//")) {
        let bare = line.replace("\\\\", "").replace("\\\"", "");
        assert_eq!(bare.matches('"').count() % 2, 0, "unbalanced: {line}");
    }
    let svg = svg(&m).expect("svg");
    assert!(
        svg.contains("forces"),
        "the intervention's edge is labelled"
    );
}

#[test]
fn svg_of_coin_flips_has_every_label_and_sign() {
    let m = coin_flips();
    let s = svg(&m).expect("svg");
    assert!(s.starts_with("<?xml") && s.trim_end().ends_with("</svg>"));
    for v in &m.vars {
        for word in draw::wrap(v.title(), draw::WRAP).lines() {
            assert!(s.contains(&crate::format::html(word)), "no label {word:?}");
        }
    }
    for o in &m.outcomes {
        for line in draw::wrap(o.title(), draw::WRAP).lines() {
            assert!(s.contains(&crate::format::html(line)), "no label {line:?}");
        }
    }
    assert!(s.contains("coin-flips: causal map"));
    assert!(s.contains("class=\"legend\""));
    assert!(s.contains("sans-serif") && !s.contains("Times"));
    // the month of the breakthrough falls as its chance rises: a minus sign
    assert!(s.contains(">\u{2212}</text>"), "a minus sign is drawn");
    assert_eq!(s.matches("<svg ").count(), 1);
    assert_eq!(s.matches("<g").count(), s.matches("</g>").count());
    // Same model, same bytes.
    assert_eq!(svg(&m).expect("svg"), s);
}

#[test]
fn layers_follow_the_chain_and_both_directions_lay_out() {
    let m = model(POPULATION);
    let map = map(&m, Options::default());
    let sizes = vec![(80.0, 30.0); map.drawn.nodes.len()];
    let at = |name: &str, l: &layout::Layout| {
        let i = map.drawn.find(name).expect("node");
        (l.nodes[i].x, l.nodes[i].y)
    };
    let across = layout::layout(&map.drawn, &sizes, Direction::LeftToRight);
    // population comes after the flows that change it; the outcome last.
    assert!(at("births", &across).0 < at("population", &across).0);
    assert!(at("deaths", &across).0 < at("population", &across).0);
    assert!(at("population", &across).0 < at("final", &across).0);
    let down = layout::layout(&map.drawn, &sizes, Direction::TopToBottom);
    assert!(at("births", &down).1 < at("population", &down).1);
    assert!(at("population", &down).1 < at("final", &down).1);
    // No two nodes overlap.
    for l in [&across, &down] {
        for (i, a) in l.nodes.iter().enumerate() {
            for b in &l.nodes[i + 1..] {
                let apart = (a.x - b.x).abs() >= (a.w + b.w) / 2.0
                    || (a.y - b.y).abs() >= (a.h + b.h) / 2.0;
                assert!(apart, "{a:?} overlaps {b:?}");
            }
        }
    }
}

#[test]
fn without_parameters_only_the_causal_chain_is_drawn() {
    let m = coin_flips();
    let options = Options {
        parameters: false,
        ..Options::default()
    };
    let dot = dot_with(&m, &options);
    assert!(!dot.contains("parameter:"), "{dot}");
    assert!(dot.contains("event:incident") && dot.contains("state:incidents_so_far"));
    let svg = svg_with(&m, &options).expect("svg");
    assert!(!svg.contains(">p_incident<") && svg.contains(">incidents_so_far<"));
}

#[test]
fn empty_models_do_not_panic() {
    let m = model("[scenario]\nname = \"nothing\"\nsteps = 3\n");
    let d = dot(&m);
    assert!(d.contains("digraph \"nothing\" {"), "{d}");
    assert!(!d.contains("->"));
    let s = svg(&m).expect("svg of an empty model");
    assert!(s.contains("<svg ") && s.contains("no variables"), "{s}");
    let m = model("[scenario]\nname = \"one\"\nsteps = 3\n[parameters]\nx = 1\n");
    let s = svg(&m).expect("svg of one node");
    assert!(s.contains(">x<"), "{s}");
}

#[test]
fn the_palmyra_map_is_drawn_and_has_loops_of_both_kinds() {
    let m = palmyra();
    let map = map(
        &m,
        Options {
            parameters: false,
            ..Options::default()
        },
    );
    let (r, b, _) = map.loop_counts();
    assert!(r > 0 && b > 0, "{}", map.loops_text(10));
    // Attacks lower trust; repeal passing raises it and passes more readily
    // with trust: a reinforcing loop the model's comments describe.
    let text = map.loops_text(usize::MAX);
    assert!(
        text.contains(
            "coalition_trust -> + caesar_repeal -> + repeal_passes_now -> + coalition_trust"
        ),
        "{text}"
    );
    let svg = map.svg().expect("svg");
    assert!(svg.contains("Coalition trust"));
}

#[test]
fn wrap_breaks_at_spaces() {
    use draw::wrap;
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
}

#[test]
fn exclusive_outcomes_of_a_once_event_are_not_loops() {
    // The checker keeps the outcomes of a once-only event exclusive by
    // guarding each with the others' last values; that is not feedback.
    let m = model(
        r#"
[scenario]
name = "talks"
steps = 6
[parameters]
push = "uniform(0.1, 0.3)"
[events.talks]
outcomes = { deal = "push", walkout = "0.1" }
once = true
"#,
    );
    let map = map(&m, Options::default());
    assert!(map.loops.is_empty(), "{}", map.loops_text(10));
    let d = map.dot();
    assert!(
        d.contains("\"parameter:push\" -> \"event:deal\" [label=\"+\""),
        "{d}"
    );
    assert!(!d.contains("\"event:deal\" -> \"event:deal\""), "{d}");
    assert!(!d.contains("\"event:walkout\" -> \"event:deal\""), "{d}");
}

/// The Palmyra map set out by question: one panel per chart group, each
/// much smaller than the whole map, holding the group's outcomes and what
/// they read, narrow enough to print at the width of a page with its
/// labels at a size that reads (the whole map is over 3,000 px wide).
#[test]
fn the_palmyra_map_splits_into_one_readable_panel_per_question() {
    let m = palmyra();
    let options = Options {
        parameters: false,
        ..Options::default()
    };
    let whole = map(&m, options.clone());
    let panels = panels(&m);
    assert_eq!(panels.len(), m.charts.groups.len());
    assert_eq!(panels.len(), 4);
    let first = Map::panel(&m, &panels[0], &options);
    let (nodes, _) = first.size();
    assert!(
        nodes > panels[0].names.len() && nodes < whole.size().0 / 3,
        "{nodes}"
    );
    // Every loop listed lies wholly within the panel.
    for &l in first.listed_loops() {
        assert!(
            first.loops[l]
                .nodes
                .iter()
                .all(|&n| first.shown[n].is_some())
        );
    }
    let svg = first.svg().expect("svg");
    assert!(svg.contains(&format!("palmyra-baseline: {}", panels[0].title)));
    assert!(svg.contains("At least one"), "the group's outcome is drawn");
    let width: f64 = svg
        .split("<svg width=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .and_then(|w| w.parse().ok())
        .expect("width");
    assert!(width < 1100.0, "{width}");
    let printed: Vec<Printed> = panels
        .iter()
        .map(|p| fit(&m, p, &options).expect("fit"))
        .collect();
    let page = page("palmyra-baseline", &printed, "graph.svg");
    assert!(page.contains("href=\"graph.svg\""));
}

/// The size in points the node labels of an SVG drawing print at in
/// graph.html, read from the drawing's own width and height.
fn printed_label_pt(svg: &str) -> f64 {
    let attr = |name: &str| -> f64 {
        svg.split(&format!(" {name}=\""))
            .nth(1)
            .and_then(|s| s.split('"').next())
            .and_then(|v| v.parse().ok())
            .expect(name)
    };
    // Node labels are drawn at 14 px (draw.rs: FONT_SIZE).
    assert!(svg.contains("font-size: 14px;"), "node labels at 14 px");
    printed_pt(attr("width"), attr("height"), 14.0)
}

/// Every panel of the Palmyra map prints on A4 with its node labels at
/// 7 pt or more, with and without parameters: whole when it can be, or in
/// parts along the chain (the certification question, drawn whole, is
/// about 1,600 px wide and would print at about 4.6 pt). The parts hold
/// every name of the question, and every arrow into a name of the
/// question drawn whole is drawn in a part.
#[test]
fn every_palmyra_panel_prints_its_labels_at_seven_points() {
    let m = palmyra();
    for parameters in [false, true] {
        let options = Options {
            parameters,
            ..Options::default()
        };
        let panels = panels(&m);
        let mut split = 0;
        for panel in &panels {
            let printed = fit(&m, panel, &options).expect("fit");
            for part in &printed.parts {
                let pt = printed_label_pt(&part.drawing.svg);
                assert!(
                    pt >= MIN_LABEL_PT,
                    "{} (parameters {parameters}): {pt:.2} pt, {}x{} px",
                    panel.title,
                    part.drawing.width,
                    part.drawing.height
                );
                // The size the page is told matches the drawing's own.
                assert_eq!(
                    pt,
                    printed_pt(part.drawing.width, part.drawing.height, 14.0)
                );
            }
            if printed.parts.len() == 1 {
                continue;
            }
            split += 1;
            assert!(printed.whole_pt < MIN_LABEL_PT, "{}", printed.whole_pt);
            let whole = Map::panel(&m, panel, &options);
            let g = &whole.drawn;
            let subjects: Vec<String> = printed
                .parts
                .iter()
                .flat_map(|p| p.subjects.clone())
                .collect();
            for name in &panel.names {
                let label = &whole.full.nodes[whole.full.find(name).expect("name")].label;
                assert!(subjects.contains(label), "{name} is in a part");
            }
            let part_maps: Vec<Map> = printed
                .parts
                .iter()
                .map(|p| {
                    let sub = Panel {
                        title: panel.title.clone(),
                        names: p.names.clone(),
                    };
                    Map::panel(&m, &sub, &options)
                })
                .collect();
            for e in &g.edges {
                let (from, to) = (&g.nodes[e.from], &g.nodes[e.to]);
                if !panel.names.contains(&to.name) {
                    continue;
                }
                let drawn = part_maps.iter().any(|p| {
                    let d = &p.drawn;
                    d.edges
                        .iter()
                        .any(|f| d.nodes[f.from].id == from.id && d.nodes[f.to].id == to.id)
                });
                assert!(drawn, "{} -> {} is drawn in a part", from.name, to.name);
            }
        }
        assert!(split >= 1, "the certification question is split");
        let certification = fit(&m, &panels[2], &options).expect("fit");
        assert!(certification.parts.len() >= 2);
    }
}
