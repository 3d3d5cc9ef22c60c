//! Charts and reports: every chart type is drawn and decodes at the right
//! size with visible content; SVGs carry their words; degenerate data gives
//! a chart or a reason, never a panic; the HTML report is complete and
//! self-contained; the chart flags behave.
//!
//! The analyses' charts and the comparison report are checked through the
//! binary, as a user runs them: every chart is produced, decodes at the
//! size asked for, is not blank; compare.html is complete and refers to
//! nothing outside itself; `--no-charts` and bad chart flags behave.
//!
//! Runs are small with fixed seeds.

use std::fs;
use std::path::{Path, PathBuf};

use polsim::chart::{self, Chart, Size, Tornado, TornadoBar, View};
use polsim::scenario::Model;
use polsim::summary::{RunContext, Summary, summarize};

use crate::common;

const COIN_FLIPS: &str = "scenarios/examples/coin-flips.toml";

/// Every kind of thing a chart can show, with markup in its words.
const RICH: &str = r#"
[scenario]
name = "chart test <one> & two"
description = "A scenario with every kind of outcome: <b>bold</b> & 'quoted'."
runs = 2000
seed = 11
steps = 18
step_unit = "month"
start = "2026-01"

[parameters.rate]
dist = "pert(0.1, 0.3, 0.6)"
doc = "Monthly rate of incidents."
unit = "incidents per month"
source = ["https://example.org/incident-study", "expert judgment"]

[parameters.drift]
dist = "normal(0.01, 0.02)"
label = "Monthly drift"

[state.level]
init = 1
update = "level * (1 + drift) + 0.05 * incidents"
label = "Pressure level"
unit = "index"

[derived.gap]
expr = "level - 1"
label = "Gap above the start"

[state.alert]
init = 0
update = "if crisis then 1 else alert * (incidents < 3)"
label = "On alert"

[events.incidents]
rate = "rate"
label = "Incidents"

[events.crisis]
p = "0.04"
once = true
label = "Crisis"

[outcomes.crisis_by_end]
expr = "ever(crisis)"
label = "Crisis within 18 months"

[outcomes.many_incidents]
expr = "count(incidents) > 6"
label = "More than six incidents"

[outcomes.total_incidents]
expr = "count(incidents)"
label = "Incidents over the period"
unit = "incidents"

[outcomes.final_level]
expr = "level"
label = "Final pressure level"
unit = "index"

[outcomes.crisis_month]
expr = "first(crisis)"
label = "Month of the crisis"

[outcomes.mood]
expr = "if(ever(crisis), 2, if(count(incidents) > 6, 1, 0))"
kind = "category"
categories = ["calm", "tense", "in crisis"]
label = "Mood at the end"
"#;

fn run_summary(model: &Model, runs: u64, seed: u64) -> Summary {
    let mut results = common::simulate(model, runs, seed, 1);
    let ctx = RunContext {
        definitions: polsim::cli::definitions(model),
        ..RunContext::default()
    };
    summarize(model, &mut results, &ctx)
}

fn rich() -> (Model, Summary) {
    let model = common::load_text(RICH);
    let summary = run_summary(&model, 2000, 11);
    (model, summary)
}

/// Decode a PNG and check it is `size`, not blank, and has dark text in the
/// title band.
fn assert_png(bytes: &[u8], size: Size, what: &str) {
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder
        .read_info()
        .unwrap_or_else(|e| panic!("{what}: not a PNG: {e}"));
    let mut pixels = vec![0; reader.output_buffer_size().expect("buffer size")];
    let info = reader.next_frame(&mut pixels).expect("frame");
    assert_eq!(
        (info.width, info.height),
        (size.width, size.height),
        "{what}: size"
    );
    assert_eq!(info.color_type, png::ColorType::Rgb, "{what}: colour type");
    let luma: Vec<f64> = pixels[..info.buffer_size()]
        .chunks(3)
        .map(|p| 0.299 * f64::from(p[0]) + 0.587 * f64::from(p[1]) + 0.114 * f64::from(p[2]))
        .collect();
    let mean = luma.iter().sum::<f64>() / luma.len() as f64;
    let variance = luma.iter().map(|l| (l - mean).powi(2)).sum::<f64>() / luma.len() as f64;
    assert!(
        variance > 150.0,
        "{what}: looks blank (luma variance {variance:.1})"
    );
    let title_rows = (size.height as usize * 60 / 800).max(20);
    let dark = luma[..title_rows * size.width as usize]
        .iter()
        .filter(|l| **l < 80.0)
        .count();
    assert!(
        dark > 150,
        "{what}: no title text in the top {title_rows} rows ({dark} dark pixels)"
    );
}

/// The SVG names its title and the given axis words (as SVG escapes them).
fn assert_svg(svg: &str, words: &[&str], what: &str) {
    assert!(
        svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"),
        "{what}: not an SVG document"
    );
    for word in words {
        let escaped = word
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('\'', "&apos;");
        assert!(svg.contains(&escaped), "{what}: SVG lacks {word:?}");
    }
}

fn x_title(chart: &Chart) -> String {
    use chart::figure::Plot;
    match &chart.figure.plot {
        Plot::Histogram(h) => h.x_title.clone(),
        Plot::Bars(b) => b.x_title.clone(),
        Plot::Tornado(t) => t.x_title.clone(),
        Plot::Forest(f) => f.x_title.clone(),
        Plot::Heatmap(h) => h.x_title.clone(),
        Plot::Curves(c) => curve_x_title(c),
        Plot::Panels(p) => p
            .panels
            .last()
            .map_or(String::new(), |p| curve_x_title(&p.plot)),
    }
}

fn curve_x_title(plot: &chart::figure::CurvePlot) -> String {
    use chart::figure::XAxis;
    match &plot.x {
        XAxis::Value { title, .. } | XAxis::Time { title, .. } | XAxis::Percent { title } => {
            title.clone()
        }
    }
}

/// Render in both formats and check both.
fn assert_renders(chart: &Chart, size: Size) {
    let png = chart.png(size).unwrap_or_else(|e| panic!("{e}"));
    assert_png(&png, size, &chart.name);
    let svg = chart.svg(size).unwrap_or_else(|e| panic!("{e}"));
    assert_svg(&svg, &[&chart.figure.title, &x_title(chart)], &chart.name);
}

fn charts_of(model: &Model, summary: &Summary) -> Vec<Chart> {
    chart::for_run(model, summary)
        .into_iter()
        .map(|c| c.unwrap_or_else(|skip| panic!("unexpected skip: {skip:?}")))
        .collect()
}

#[test]
fn every_chart_of_a_run_is_drawn() {
    let (model, summary) = rich();
    let charts = charts_of(&model, &summary);
    let names: Vec<&str> = charts.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "probabilities",
            "histogram-total_incidents",
            "exceedance-total_incidents",
            "histogram-final_level",
            "exceedance-final_level",
            "histogram-crisis_month",
            "exceedance-crisis_month",
            "categories-mood",
            "fan-level",
            "chance-alert",
            "fan-gap",
            "event-incidents",
            "event-crisis",
        ]
    );
    for chart in &charts {
        assert!(!chart.caption.is_empty(), "{}: no caption", chart.name);
        assert_renders(chart, chart::DEFAULT_SIZE);
    }
}

/// A variable that is always 0 or 1 is drawn as its chance over time: the
/// share of runs in which it is yes at each step, a percentage that matches
/// the mean of its values there.
#[test]
fn a_yes_no_state_is_drawn_as_its_chance_over_time() {
    use chart::figure::Plot;
    let (model, summary) = rich();
    let flags: Vec<(&str, bool)> = summary
        .series
        .iter()
        .map(|s| (s.name.as_str(), s.yes_no))
        .collect();
    assert_eq!(flags, [("level", false), ("alert", true), ("gap", false)]);
    let chart = charts_of(&model, &summary)
        .into_iter()
        .find(|c| c.name == "chance-alert")
        .expect("chance chart of the yes/no state");
    let Plot::Curves(plot) = &chart.figure.plot else {
        panic!("not curves: {:?}", chart.figure.plot);
    };
    assert!(plot.y_percent, "the chance is not on a percentage axis");
    assert_eq!(plot.curves.len(), 1);
    let alert = &summary.series[1];
    for ((x, p), step) in plot.curves[0].points.iter().zip(&alert.steps) {
        assert_eq!(*x, f64::from(step.step));
        assert!((p - step.stats.mean).abs() < 1e-12, "step {x}: {p}");
        assert!((0.0..=1.0).contains(p));
    }
    assert!(chart.caption.contains("yes/no"), "{}", chart.caption);
}

#[test]
fn time_axes_use_calendar_labels() {
    let (model, summary) = rich();
    let fan = charts_of(&model, &summary)
        .into_iter()
        .find(|c| c.name == "fan-level")
        .expect("fan chart");
    let svg = fan.svg(chart::DEFAULT_SIZE).expect("svg");
    assert!(
        svg.contains(">\n2026-01\n<") || svg.contains("2026-01"),
        "no start label"
    );
    assert!(svg.contains("2027-07"), "no end label (step 18 = 2027-07)");
    assert!(
        svg.contains("Pressure level (index)"),
        "no y title with unit"
    );
}

#[test]
fn charts_follow_the_size_and_scale_their_text() {
    let (model, summary) = rich();
    let small = Size {
        width: 800,
        height: 600,
    };
    for chart in charts_of(&model, &summary).iter().take(3) {
        assert_png(&chart.png(small).expect("png"), small, &chart.name);
    }
    let chart = &charts_of(&model, &summary)[0];
    let big = chart
        .svg(Size {
            width: 2400,
            height: 1600,
        })
        .expect("svg");
    let normal = chart.svg(chart::DEFAULT_SIZE).expect("svg");
    let title_size = |svg: &str| {
        let at = svg.find("font-weight=\"bold\"").expect("a bold title");
        let before = &svg[..at];
        let size_at = before.rfind("font-size=\"").expect("font size") + 11;
        before[size_at..]
            .split('"')
            .next()
            .and_then(|s| s.parse::<f64>().ok())
            .expect("number")
    };
    assert!((title_size(&big) / title_size(&normal) - 2.0).abs() < 0.01);
}

#[test]
fn selection_in_the_scenario_is_respected() {
    let text = format!(
        "{RICH}\n[charts]\noutcomes = [\"final_level\", \"mood\"]\nvariables = [\"gap\"]\nevents = []\n"
    );
    let model = common::load_text(&text);
    let summary = run_summary(&model, 300, 3);
    let names: Vec<String> = charts_of(&model, &summary)
        .into_iter()
        .map(|c| c.name)
        .collect();
    assert_eq!(
        names,
        [
            "histogram-final_level",
            "exceedance-final_level",
            "categories-mood",
            "fan-gap"
        ]
    );
}

fn two_scenarios() -> Vec<(String, Summary)> {
    let base = common::load(COIN_FLIPS);
    let more = common::load_with(COIN_FLIPS, &["p_incident=0.3", "p_breakthrough=0.08"]);
    vec![
        ("as written".to_string(), run_summary(&base, 1500, 5)),
        ("more incidents".to_string(), run_summary(&more, 1500, 5)),
    ]
}

#[test]
fn overlays_draw_every_scenario() {
    let owned = two_scenarios();
    let runs: Vec<(&str, &Summary)> = owned.iter().map(|(l, s)| (l.as_str(), s)).collect();
    let charts = [
        chart::distribution_overlay(&runs, "incidents", View::Exceedance),
        chart::distribution_overlay(&runs, "breakthrough_month", View::Cumulative),
        chart::event_overlay(&runs, "breakthrough"),
        chart::probability_overlay(&runs),
    ];
    for chart in charts {
        let chart = chart.unwrap_or_else(|s| panic!("skipped: {s:?}"));
        assert_renders(&chart, chart::DEFAULT_SIZE);
        let svg = chart.svg(chart::DEFAULT_SIZE).expect("svg");
        assert_svg(&svg, &["as written", "more incidents"], &chart.name);
    }
    let missing = chart::distribution_overlay(&runs, "no_such_outcome", View::Exceedance);
    assert!(missing.is_err());
    let one_missing =
        chart::event_overlay(&[runs[0], ("other", &rich().1)], "breakthrough").expect("chart");
    assert!(
        one_missing.caption.contains("other"),
        "{}",
        one_missing.caption
    );
}

fn tornado_input(bars: Vec<TornadoBar>) -> Tornado {
    Tornado {
        name: "tornado-incidents".into(),
        title: "What moves incidents".into(),
        subtitle: "coin-flips · 1,000 runs · seed 1".into(),
        outcome: "Incidents over 24 months (incidents)".into(),
        baseline: 4.8,
        bars,
        low_label: "input at its 10th percentile".into(),
        high_label: "input at its 90th percentile".into(),
        scale: chart::figure::Scale::Number,
        notes_heading: "10th → 90th percentile".into(),
        caption: None,
    }
}

fn bar(label: &str, low: f64, high: f64) -> TornadoBar {
    TornadoBar {
        label: label.into(),
        low,
        high,
        note: format!("{low} → {high}"),
    }
}

#[test]
fn tornado_sorts_by_swing_and_draws() {
    let t = tornado_input(vec![
        bar("small effect", 4.6, 5.0),
        bar("chance of an incident", 2.4, 7.2),
        bar("reversed effect", 5.9, 3.9),
        bar("no result", f64::NAN, 5.0),
    ]);
    let chart = chart::tornado(&t).expect("tornado");
    let rows: Vec<&str> = match &chart.figure.plot {
        chart::figure::Plot::Tornado(p) => p.rows.iter().map(|r| r.0.as_str()).collect(),
        _ => panic!("not a tornado"),
    };
    assert_eq!(
        rows,
        ["chance of an incident", "reversed effect", "small effect"]
    );
    assert_renders(&chart, chart::DEFAULT_SIZE);
    assert!(chart::tornado(&tornado_input(vec![bar("x", f64::NAN, 1.0)])).is_err());
    let mut no_base = tornado_input(vec![bar("x", 1.0, 2.0)]);
    no_base.baseline = f64::NAN;
    assert!(chart::tornado(&no_base).is_err());
}

/// Data a chart cannot honestly show gives a reason; odd but valid data
/// (one value, everything missing at some steps) still draws.
#[test]
fn degenerate_data_never_panics() {
    let (model, mut summary) = rich();
    for o in &mut summary.outcomes {
        if let Some(d) = &mut o.distribution {
            if o.name == "final_level" {
                // Every run gave the same value.
                d.edges = vec![1.5, 1.6];
                d.counts = vec![2000];
                d.integer = false;
                d.cdf = vec![(1.55, 1.0)];
            } else {
                d.counts.iter_mut().for_each(|c| *c = 0);
                d.cdf.clear();
            }
        }
        if let Some(e) = &mut o.probability {
            e.p = f64::NAN;
        }
        o.categories.iter_mut().for_each(|(_, e)| e.p = f64::NAN);
    }
    for s in &mut summary.series {
        let all = s.name == "gap";
        for (i, step) in s.steps.iter_mut().enumerate() {
            if all || i % 2 == 0 {
                step.stats.p50 = f64::NAN;
            }
        }
    }
    for e in &mut summary.events {
        e.steps.iter_mut().for_each(|s| {
            s.by_step.p = f64::NAN;
            s.mean_count = f64::NAN;
        });
    }
    let planned = chart::for_run(&model, &summary);
    let drawn: Vec<&str> = planned
        .iter()
        .filter_map(|c| c.as_ref().ok())
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(
        drawn,
        [
            "histogram-final_level",
            "exceedance-final_level",
            "fan-level",
            "chance-alert"
        ]
    );
    for chart in planned.iter().flatten() {
        assert_renders(chart, chart::DEFAULT_SIZE);
    }
    for skip in planned.iter().filter_map(|c| c.as_ref().err()) {
        assert!(!skip.reason.is_empty(), "{skip:?}");
    }
}

#[test]
fn zero_kept_runs_give_reasons_not_charts() {
    let (model, mut summary) = rich();
    let none = polsim::summary::Estimate::new(0, 0);
    summary.provenance.kept_runs = 0;
    for o in &mut summary.outcomes {
        o.probability = o.probability.map(|_| none);
        o.categories.iter_mut().for_each(|(_, est)| *est = none);
        if let Some(d) = &mut o.distribution {
            d.counts.iter_mut().for_each(|c| *c = 0);
            d.cdf.clear();
        }
    }
    for e in &mut summary.events {
        e.steps.iter_mut().for_each(|s| s.by_step = none);
    }
    for s in &mut summary.series {
        s.steps.iter_mut().for_each(|st| st.stats.p5 = f64::NAN);
    }
    let planned = chart::for_run(&model, &summary);
    assert!(
        planned.iter().all(Result::is_err),
        "{:?}",
        planned
            .iter()
            .flatten()
            .map(|c| &c.name)
            .collect::<Vec<_>>()
    );
}

// ---- the binary: files, flags and the report ----

fn run_into(dir: &Path, file: &str, extra: &[&str]) -> assert_cmd::assert::Assert {
    let mut args = vec!["run", file, "--runs", "400", "--seed", "9", "-q", "--out"];
    let out = dir.to_string_lossy().into_owned();
    args.push(&out);
    args.extend_from_slice(extra);
    common::polsim().args(&args).assert()
}

fn chart_files(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir.join("charts"))
        .map(|d| {
            d.flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == ext))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

fn stem(p: &Path) -> String {
    p.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

#[test]
fn run_writes_charts_and_a_complete_report() {
    let dir = tempfile::tempdir().expect("tempdir");
    run_into(dir.path(), COIN_FLIPS, &[]).success();
    let pngs = chart_files(dir.path(), "png");
    let svgs = chart_files(dir.path(), "svg");
    assert_eq!(pngs.len(), 8, "{pngs:?}");
    assert_eq!(
        pngs.iter().map(|p| stem(p)).collect::<Vec<_>>(),
        svgs.iter().map(|p| stem(p)).collect::<Vec<_>>()
    );
    for png in &pngs {
        assert_png(
            &fs::read(png).expect("read"),
            chart::DEFAULT_SIZE,
            &stem(png),
        );
    }
    let html = fs::read_to_string(dir.path().join("report.html")).expect("report.html");
    for section in [
        "id=\"outcomes\"",
        "id=\"parameters\"",
        "id=\"charts\"",
        "id=\"provenance\"",
    ] {
        assert!(html.contains(section), "report lacks {section}");
    }
    for word in [
        "coin-flips",
        "Two independent monthly chances",
        // A table cell may wrap an identifier after each `_`.
        "p_<wbr>incident",
        "Breakthrough within 24 months",
        "4da2a1cd28f98897",
        "seed",
        "polsim version",
    ] {
        assert!(html.contains(word), "report lacks {word:?}");
    }
    for png in &pngs {
        let id = format!("<figure id=\"chart-{}\">", stem(png));
        assert!(html.contains(&id), "report lacks chart {}", stem(png));
    }
    assert_eq!(html.matches("<svg").count(), pngs.len());
    assert_eq!(html.matches("<figcaption>").count(), pngs.len());
    assert_no_external_references(&html);
    let md = fs::read_to_string(dir.path().join("report.md")).expect("report.md");
    for png in &pngs {
        assert!(
            md.contains(&format!("(charts/{}.png)", stem(png))),
            "report.md lacks a link to {}",
            stem(png)
        );
    }
    assert!(md.contains("## Uncertain parameters") && md.contains("## Provenance"));
}

/// Nothing in the page is fetched or linked outside it: no element that
/// loads anything, and every src, href and url() points inside the page.
/// Inline SVG needs no `xmlns` in HTML, so the report carries none (a
/// namespace is a name, not a fetch, but leaving it out keeps this check
/// simple: no "http" from polsim itself).
fn assert_no_external_references(html: &str) {
    let lower = html.to_ascii_lowercase();
    for tag in [
        "<script", "<link", "<img", "<iframe", "<object", "<embed", "@import",
    ] {
        assert!(!lower.contains(tag), "report has {tag}");
    }
    for attr in ["src=", "href=", "url("] {
        for (at, _) in lower.match_indices(attr) {
            let value = lower[at + attr.len()..].trim_start_matches(['"', '\'', ' ']);
            assert!(
                value.starts_with('#'),
                "report refers outside itself: {attr}{}",
                &value[..value.len().min(40)]
            );
        }
    }
    assert!(
        !lower.contains("xmlns"),
        "inline SVG keeps a namespace declaration"
    );
}

#[test]
fn user_text_is_escaped_and_sources_are_not_links() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("rich.toml");
    fs::write(&file, RICH).expect("write");
    let out = dir.path().join("out");
    run_into(&out, &file.to_string_lossy(), &["--format", "svg"]).success();
    let html = fs::read_to_string(out.join("report.html")).expect("report.html");
    assert!(html.contains("chart test &lt;one&gt; &amp; two"));
    assert!(html.contains("&lt;b&gt;bold&lt;/b&gt; &amp; &#39;quoted&#39;"));
    assert!(!html.contains("<b>bold</b>"));
    // A source given as a web address is shown as text, never fetched or linked.
    assert!(html.contains("https://example.org/incident-study"));
    assert_no_external_references(&html);
    assert!(
        chart_files(&out, "png").is_empty(),
        "--format svg wrote PNGs"
    );
    assert_eq!(chart_files(&out, "svg").len(), 13);
    let md = fs::read_to_string(out.join("report.md")).expect("report.md");
    assert!(
        md.contains("(charts/fan-level.svg)"),
        "report.md should link the SVGs it has"
    );
    assert!(md.contains("chart test &lt;one&gt; &amp; two"));
}

#[test]
fn no_charts_writes_no_charts_or_reports() {
    let dir = tempfile::tempdir().expect("tempdir");
    run_into(dir.path(), COIN_FLIPS, &["--no-charts"]).success();
    assert!(!dir.path().join("charts").exists());
    assert!(!dir.path().join("report.html").exists());
    assert!(!dir.path().join("report.md").exists());
    assert!(dir.path().join("summary.csv").exists());
}

#[test]
fn size_flag_sets_png_size() {
    let dir = tempfile::tempdir().expect("tempdir");
    run_into(
        dir.path(),
        COIN_FLIPS,
        &["--size", "800x600", "--format", "png"],
    )
    .success();
    let pngs = chart_files(dir.path(), "png");
    assert!(!pngs.is_empty());
    for png in pngs {
        assert_png(
            &fs::read(&png).expect("read"),
            Size {
                width: 800,
                height: 600,
            },
            &stem(&png),
        );
    }
    assert!(chart_files(dir.path(), "svg").is_empty());
}

#[test]
fn bad_chart_flags_are_usage_errors() {
    let cases: [(&[&str], &str); 4] = [
        (
            &["--size", "big"],
            "--size must be WIDTHxHEIGHT, e.g. 1600x900",
        ),
        (&["--size", "100x50"], "at least 400x300"),
        (&["--format", "png,jpg"], "unknown chart format \"jpg\""),
        (&["--format", "gif"], "png, svg"),
    ];
    for (flags, message) in cases {
        let dir = tempfile::tempdir().expect("tempdir");
        let assert = run_into(dir.path(), COIN_FLIPS, flags).code(2);
        let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
        assert!(stderr.contains(message), "{flags:?}: {stderr}");
        assert!(!dir.path().join("report.html").exists());
    }
}

#[test]
fn reports_are_the_same_apart_from_the_date() {
    let a = tempfile::tempdir().expect("tempdir");
    let b = tempfile::tempdir().expect("tempdir");
    for dir in [&a, &b] {
        common::polsim()
            .env("SOURCE_DATE_EPOCH", "1767225600")
            .args(["run", COIN_FLIPS, "--runs", "300", "-q", "--out"])
            .arg(dir.path())
            .assert()
            .success();
    }
    let read = |d: &tempfile::TempDir, f: &str| fs::read(d.path().join(f)).expect("read");
    let mut files = vec!["report.html".to_string(), "report.md".to_string()];
    for ext in ["png", "svg"] {
        let charts = chart_files(a.path(), ext);
        assert!(!charts.is_empty());
        files.extend(charts.iter().map(|p| format!("charts/{}.{ext}", stem(p))));
    }
    for file in &files {
        assert!(
            read(&a, file) == read(&b, file),
            "{file} differs between identical runs"
        );
    }
    let html = String::from_utf8(read(&a, "report.html")).expect("utf-8");
    assert!(
        html.contains("2026-01-01"),
        "SOURCE_DATE_EPOCH not used as the date"
    );
}

// ---- the analyses: compare, sweep, sensitivity ----

/// A small model with every kind of outcome and two uncertain parameters,
/// for comparisons (variants extend it) and sensitivity analyses.
const BASE: &str = r#"
[scenario]
name = "base"
description = "A small model to compare."
runs = 300
seed = 21
steps = 12
step_unit = "month"
start = "2026-01"

[parameters.rate]
dist = "pert(0.1, 0.3, 0.6)"
label = "Incident rate"
unit = "per month"

[parameters.p_crisis]
dist = "uniform(0.01, 0.05)"
label = "Monthly chance of a crisis"

[events.incidents]
rate = "rate"
label = "Incidents"

[events.crisis]
p = "p_crisis"
once = true
label = "Crisis"

[outcomes.crisis_by_end]
expr = "ever(crisis)"
label = "Crisis within a year"

[outcomes.many]
expr = "count(incidents) > 4"
label = "More than four incidents"

[outcomes.total]
expr = "count(incidents)"
label = "Incidents over the year"
unit = "incidents"

[outcomes.mood]
expr = "if(ever(crisis), 2, if(count(incidents) > 4, 1, 0))"
kind = "category"
categories = ["calm", "tense", "in crisis"]
label = "Mood at the end"
"#;

/// A variant of BASE named `name` with its incident rate scaled by `k`.
fn variant(name: &str, k: f64) -> String {
    format!(
        "extends = \"base.toml\"\n\n[scenario]\nname = \"{name}\"\ndescription = \"Incidents times {k}.\"\n\n[parameters.rate]\ndist = \"pert({}, {}, {})\"\n",
        0.1 * k,
        0.3 * k,
        0.6 * k
    )
}

/// BASE and `n - 1` variants written into `dir`; their paths, base first.
fn scenario_files(dir: &Path, n: usize) -> Vec<String> {
    fs::write(dir.join("base.toml"), BASE).expect("write base");
    let mut files = vec![dir.join("base.toml").to_string_lossy().into_owned()];
    for i in 1..n {
        let file = dir.join(format!("v{i}.toml"));
        fs::write(
            &file,
            variant(&format!("variant {i}"), 1.0 + 0.25 * i as f64),
        )
        .expect("write variant");
        files.push(file.to_string_lossy().into_owned());
    }
    files
}

/// Run an analysis command into `out` (quietly); `args` are its own.
fn analysis_into(
    command: &str,
    args: &[String],
    out: &Path,
    extra: &[&str],
) -> assert_cmd::assert::Assert {
    let mut cmd = common::polsim();
    cmd.arg(command)
        .args(args)
        .args(["-q", "--out"])
        .arg(out)
        .args(extra);
    cmd.assert()
}

/// Every PNG in `dir/charts` decodes at `size` and has visible content;
/// returns their stems.
fn assert_chart_pngs(dir: &Path, size: Size) -> Vec<String> {
    let pngs = chart_files(dir, "png");
    for png in &pngs {
        assert_png(&fs::read(png).expect("read"), size, &stem(png));
    }
    pngs.iter().map(|p| stem(p)).collect()
}

#[test]
fn compare_writes_its_charts_and_a_complete_report() {
    let dir = tempfile::tempdir().expect("tempdir");
    let files = scenario_files(dir.path(), 2);
    let out = dir.path().join("out");
    analysis_into("compare", &files, &out, &[]).success();
    let charts = assert_chart_pngs(&out, chart::DEFAULT_SIZE);
    for want in [
        "compare-probabilities",
        "differences-crisis_by_end",
        "differences-total",
        "compare-exceedance-total",
        "compare-event-incidents",
        "compare-event-crisis",
    ] {
        assert!(charts.iter().any(|c| c == want), "no {want} in {charts:?}");
    }
    assert_eq!(
        charts,
        chart_files(&out, "svg")
            .iter()
            .map(|p| stem(p))
            .collect::<Vec<_>>()
    );
    let html = fs::read_to_string(out.join("compare.html")).expect("compare.html");
    for section in [
        "id=\"scenarios\"",
        "id=\"results\"",
        "id=\"charts\"",
        "id=\"provenance\"",
    ] {
        assert!(html.contains(section), "compare.html lacks {section}");
    }
    for chart in &charts {
        let id = format!("<figure id=\"chart-{chart}\">");
        assert!(html.contains(&id), "compare.html lacks chart {chart}");
    }
    assert_eq!(html.matches("<figcaption>").count(), charts.len());
    // The scenarios, each file's hash, the numbers and the method.
    let json: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("compare.json")).expect("json")).expect("parse");
    let summaries = json["summaries"].as_array().expect("summaries");
    for s in summaries {
        let hash = s["provenance"]["scenario_sha256"].as_str().expect("hash");
        assert!(hash.len() == 64 && html.contains(hash), "no hash {hash}");
    }
    for word in [
        "base",
        "variant 1",
        "Incidents times 1.25.",
        "common random numbers",
        "narrower",
        "Crisis within a year",
        "Mood at the end: tense",
        "Incidents over the year",
        "polsim version",
        "polsim compare",
        "--seed 21 --runs 300",
    ] {
        assert!(html.contains(word), "compare.html lacks {word:?}");
    }
    let diff = json["differences"]
        .as_array()
        .and_then(|d| d.iter().find(|d| d["outcome"] == "total"))
        .expect("difference of total");
    let shown = format!("{:+.4}", diff["diff"].as_f64().expect("diff"));
    let shown = shown.trim_end_matches('0');
    assert!(
        html.contains(shown),
        "compare.html lacks the difference {shown}"
    );
    assert_no_external_references(&html);
    let md = fs::read_to_string(out.join("compare.md")).expect("compare.md");
    for chart in &charts {
        assert!(
            md.contains(&format!("(charts/{chart}.png)")),
            "compare.md lacks a link to {chart}"
        );
    }
    for heading in [
        "## Scenarios compared",
        "## Results",
        "## Charts",
        "## Provenance",
    ] {
        assert!(md.contains(heading), "compare.md lacks {heading}");
    }
}

/// With ten scenarios, chances get a chart per outcome with the scenarios
/// on the rows, and differences are paged; everything still draws.
#[test]
fn compare_of_ten_scenarios_stays_legible() {
    let dir = tempfile::tempdir().expect("tempdir");
    let files = scenario_files(dir.path(), 10);
    let out = dir.path().join("out");
    let mut args = files.clone();
    args.extend(["--runs", "200", "--format", "png"].map(String::from));
    analysis_into("compare", &args, &out, &[]).success();
    let charts = assert_chart_pngs(&out, chart::DEFAULT_SIZE);
    assert!(
        charts.contains(&"compare-probability-crisis_by_end".to_string()),
        "{charts:?}"
    );
    assert!(
        !charts.contains(&"compare-probabilities".to_string()),
        "{charts:?}"
    );
    // Two outcomes of nine rows and a heading each fill a page of 24 rows.
    let pages = charts
        .iter()
        .filter(|c| c.starts_with("differences-"))
        .count();
    assert!(pages >= 3, "{charts:?}");
    let html = fs::read_to_string(out.join("compare.html")).expect("compare.html");
    // Nine scenarios, each against the tenth: as many as each outcome's rows.
    assert!(html.contains("9 scenarios compared with base"), "subtitle");
    // Each chart says which of the outcomes it holds, not a page number.
    assert!(
        html.contains("(outcomes 1\u{2013}2 of "),
        "paged charts say which outcomes they hold"
    );
    assert!(!html.contains("(1 of "), "no bare page numbers");
}

#[test]
fn sweep_draws_a_line_with_its_band_and_a_heat_map() {
    let dir = tempfile::tempdir().expect("tempdir");
    let one = dir.path().join("one");
    let args = [
        COIN_FLIPS,
        "--param",
        "p_incident=0.1..0.3:5",
        "--outcome",
        "incidents",
        "--threshold",
        "5",
        "--runs",
        "300",
    ]
    .map(String::from);
    analysis_into("sweep", &args, &one, &[]).success();
    assert_eq!(
        assert_chart_pngs(&one, chart::DEFAULT_SIZE),
        ["sweep-incidents"]
    );
    let svg = fs::read_to_string(one.join("charts/sweep-incidents.svg")).expect("svg");
    assert_svg(
        &svg,
        &[
            "Incidents over 24 months",
            "threshold 5",
            "crosses at",
            "95% interval",
        ],
        "sweep",
    );
    let two = dir.path().join("two");
    let args = [
        COIN_FLIPS,
        "--param",
        "p_incident=0.1..0.3:4",
        "--param",
        "p_breakthrough=0.02..0.1:3",
        "--outcome",
        "breakthrough_by_24",
        "--threshold",
        "0.6",
        "--runs",
        "300",
    ]
    .map(String::from);
    let small = Size {
        width: 800,
        height: 600,
    };
    analysis_into("sweep", &args, &two, &["--size", "800x600"]).success();
    assert_eq!(
        assert_chart_pngs(&two, small),
        ["heatmap-breakthrough_by_24"]
    );
    let svg = fs::read_to_string(two.join("charts/heatmap-breakthrough_by_24.svg")).expect("svg");
    // The cells are large enough for their values, and the scale is shown.
    assert!(
        svg.matches('%').count() >= 12 + 3,
        "values and colour bar ticks"
    );
    assert_svg(
        &svg,
        &["boundary where the estimate reaches 60.0%"],
        "heat map",
    );
}

/// A sweep whose outcome never has a value says so instead of drawing.
#[test]
fn sweep_of_an_outcome_without_values_gives_a_note() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("never.toml");
    // `e` has chance q * p with q fixed at 0: it never happens, so `first(e)`
    // has no value at any grid point of p.
    fs::write(
        &file,
        "[scenario]\nname = \"never\"\nruns = 100\nseed = 1\nsteps = 4\n\n[parameters.p]\ndist = 0.5\n\n[parameters.q]\ndist = 0.0\n\n[events.e]\np = \"q * p\"\nonce = true\n\n[outcomes.when]\nexpr = \"first(e)\"\n",
    )
    .expect("write");
    for params in [vec!["p=0.1..0.9:3"], vec!["p=0.1..0.9:3", "q=0..0.5:2"]] {
        let out = dir.path().join(format!("out{}", params.len()));
        let mut cmd = common::polsim();
        cmd.arg("sweep").arg(&file).args(["--outcome", "when"]);
        for p in &params {
            cmd.args(["--param", p]);
        }
        let output = cmd
            .arg("--out")
            .arg(&out)
            .assert()
            .success()
            .get_output()
            .clone();
        let stderr = String::from_utf8_lossy(&output.stderr);
        if params.len() == 1 {
            assert!(
                stderr.contains("no chart of when: it has no value at any grid point"),
                "{stderr}"
            );
            assert!(chart_files(&out, "png").is_empty());
        } else {
            // Where q > 0 the event happens: cells with and without values.
            assert_eq!(
                assert_chart_pngs(&out, chart::DEFAULT_SIZE),
                ["heatmap-when"]
            );
            let svg = fs::read_to_string(out.join("charts/heatmap-when.svg")).expect("svg");
            assert_svg(&svg, &["no value"], "heat map with missing cells");
        }
    }
}

#[test]
fn sensitivity_draws_one_chart_per_outcome_and_method() {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(dir.path().join("base.toml"), BASE).expect("write");
    let file = dir.path().join("base.toml").to_string_lossy().into_owned();
    for (method, runs) in [("rank", "400"), ("swing", "200"), ("sobol", "150")] {
        let out = dir.path().join(method);
        let args = [
            file.clone(),
            "--method".into(),
            method.into(),
            "--runs".into(),
            runs.into(),
        ];
        analysis_into("sensitivity", &args, &out, &["--format", "png,svg"]).success();
        let charts = assert_chart_pngs(&out, chart::DEFAULT_SIZE);
        let want: Vec<String> = ["crisis_by_end", "many", "total"]
            .iter()
            .map(|o| format!("{method}-{o}"))
            .collect();
        assert_eq!(charts, want, "{method}");
        let svg = fs::read_to_string(out.join(format!("charts/{method}-total.svg"))).expect("svg");
        assert_svg(
            &svg,
            &[
                "Incident rate",
                "Monthly chance of a crisis",
                "Incidents over the year",
            ],
            method,
        );
        // A report like run's and compare's: the top drivers first, a
        // table per outcome, every chart inline, nothing fetched.
        let html = fs::read_to_string(out.join("sensitivity.html")).expect("sensitivity.html");
        assert_no_external_references(&html);
        let findings = findings(&html);
        assert_eq!(findings.len(), 3, "{method}: {findings:?}");
        assert!(
            findings
                .iter()
                .any(|f| f.starts_with("Incidents over the year: driven most by Incident rate")),
            "{method}: {findings:?}"
        );
        assert_eq!(html.matches("<figure").count(), 3, "{method}");
        assert!(
            html.contains("polsim sensitivity"),
            "{method}: no command to reproduce"
        );
        let md = fs::read_to_string(out.join("sensitivity.md")).expect("sensitivity.md");
        assert!(
            md.contains(&format!("(charts/{method}-total.png)")),
            "{method}"
        );
    }
}

/// Seventy parameters give charts of the top fifteen, and say so.
#[test]
fn sensitivity_of_many_parameters_shows_the_top_fifteen() {
    let mut text = String::from(
        "[scenario]\nname = \"wide\"\nruns = 300\nseed = 5\nsteps = 1\n\n[derived.total]\nexpr = \"",
    );
    // Weights (i + 1)^3 keep the top inputs' correlations several standard
    // errors above the fifteenth, so the cut does not depend on the draws.
    text.push_str(
        &(0..70)
            .map(|i| format!("{}*x{i}", (i + 1) * (i + 1) * (i + 1)))
            .collect::<Vec<_>>()
            .join(" + "),
    );
    text.push_str("\"\n\n[outcomes.sum]\nexpr = \"total\"\nlabel = \"Weighted sum\"\n");
    for i in 0..70 {
        text.push_str(&format!(
            "\n[parameters.x{i}]\ndist = \"uniform(0, 1)\"\nlabel = \"Input number {i} with a long descriptive name\"\n"
        ));
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("wide.toml");
    fs::write(&file, text).expect("write");
    for (method, runs) in [("rank", "1000"), ("swing", "50")] {
        let out = dir.path().join(method);
        let args = [
            file.to_string_lossy().into_owned(),
            "--method".into(),
            method.into(),
            "--runs".into(),
            runs.into(),
        ];
        analysis_into("sensitivity", &args, &out, &[]).success();
        assert_chart_pngs(&out, chart::DEFAULT_SIZE);
        let svg = fs::read_to_string(out.join(format!("charts/{method}-sum.svg"))).expect("svg");
        assert!(
            svg.contains("top 15 of 70 parameters"),
            "{method}: no cut in the subtitle"
        );
        // The largest weights are drawn, the smallest are not.
        assert!(svg.contains("Input number 69 with"), "{method}");
        assert!(!svg.contains("Input number 0 with"), "{method}");
    }
}

/// A model whose parameters are all fixed has nothing to rank: a note, no chart.
#[test]
fn sensitivity_without_a_varying_parameter_gives_notes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let args = [COIN_FLIPS, "--runs", "200"].map(String::from);
    let output = analysis_into("sensitivity", &args, dir.path(), &[])
        .success()
        .get_output()
        .clone();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.is_empty(), "-q prints no notes: {stderr}");
    assert!(chart_files(dir.path(), "png").is_empty());
    let out = dir.path().join("loud");
    let output = common::polsim()
        .args(["sensitivity", COIN_FLIPS, "--runs", "200", "--out"])
        .arg(&out)
        .assert()
        .success()
        .get_output()
        .clone();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("no parameter varies"), "{stderr}");
}

#[test]
fn no_charts_works_for_every_analysis() {
    let dir = tempfile::tempdir().expect("tempdir");
    let files = scenario_files(dir.path(), 2);
    let base = files[0].clone();
    let runs: Vec<(&str, Vec<String>, &str)> = vec![
        ("compare", files.clone(), "compare.csv"),
        (
            "sweep",
            vec![base.clone(), "--param".into(), "rate=0.1..0.3:3".into()],
            "sweep.csv",
        ),
        ("sensitivity", vec![base.clone()], "sensitivity.csv"),
    ];
    for (command, args, result) in runs {
        let out = dir.path().join(command);
        analysis_into(command, &args, &out, &["--no-charts"]).success();
        assert!(out.join(result).exists(), "{command} wrote no {result}");
        assert!(!out.join("charts").exists(), "{command} drew charts");
        assert!(!out.join("compare.html").exists() && !out.join("compare.md").exists());
    }
}

/// A mistyped chart flag stops an analysis before it simulates anything
/// (here a hundred million runs, which would not finish in the timeout).
#[test]
fn analysis_chart_flags_are_checked_first() {
    let dir = tempfile::tempdir().expect("tempdir");
    let files = scenario_files(dir.path(), 2);
    let cases: [(&str, Vec<String>); 3] = [
        ("compare", files.clone()),
        (
            "sweep",
            vec![files[0].clone(), "--param".into(), "rate=0.1..0.3:3".into()],
        ),
        ("sensitivity", vec![files[0].clone()]),
    ];
    for (command, args) in cases {
        for (flag, value, message) in [
            ("--size", "big", "--size must be WIDTHxHEIGHT"),
            ("--format", "jpg", "unknown chart format \"jpg\""),
        ] {
            let out = dir.path().join(command);
            let assert = common::polsim()
                .arg(command)
                .args(&args)
                .args(["--runs", "100000000", flag, value, "--out"])
                .arg(&out)
                .timeout(std::time::Duration::from_secs(60))
                .assert()
                .code(2);
            let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
            assert!(stderr.contains(message), "{command} {flag}: {stderr}");
            assert!(!out.exists(), "{command} wrote results");
        }
    }
}

/// Analysis results that cannot give an honest chart give reasons; a
/// comparison with nothing in it still has a report.
#[test]
fn empty_analyses_give_reasons_not_panics() {
    use polsim::analysis::compare::Comparison;
    use polsim::analysis::sensitivity::{Method, OutcomeSensitivity, Sensitivity};
    let empty = Comparison {
        runs: 10,
        seed: 1,
        summaries: Vec::new(),
        differences: Vec::new(),
        unmatched: Vec::new(),
        given: None,
        sampling: None,
    };
    let planned = chart::for_comparison(&empty, &Default::default());
    assert!(planned.iter().all(Result::is_err), "{planned:?}");
    let report = polsim::report::compare::build(&empty, &[], Vec::new(), Vec::new(), &[], "today");
    let html = polsim::report::html::render(&report);
    assert!(html.contains("There are no scenarios to compare."));
    for method in [Method::Rank, Method::Sobol, Method::Swing] {
        let s = Sensitivity {
            method,
            total_runs: 0,
            runs: 0,
            seed: 1,
            outcomes: vec![OutcomeSensitivity {
                outcome: "y".into(),
                label: "Y".into(),
                unit: String::new(),
                kind: "number",
                baseline: f64::NAN,
                baseline_mcse: f64::NAN,
                variance: f64::NAN,
                effects: Vec::new(),
            }],
            not_steered: Vec::new(),
            design: None,
            given: None,
        };
        let planned = chart::for_sensitivity(&s, "empty");
        assert_eq!(planned.len(), 1);
        let skip = planned[0].as_ref().expect_err("no chart without effects");
        assert!(!skip.reason.is_empty());
    }
    assert!(chart::for_sweep(&[], &[], "y", None)[0].is_err());
}

/// A rare chance reads the same in the report's table and on its chart
/// (both format through `polsim::format`): "0.03%", not "<0.1%" beside
/// "0.03%".
#[test]
fn a_rare_chance_reads_the_same_in_report_and_chart() {
    let model = common::load_text(
        r#"
[scenario]
name = "rare"
steps = 10

[events.shock]
p = "0.00003"
once = true

[outcomes.shock_by_end]
expr = "ever(shock)"
label = "Shock within 10 steps"
"#,
    );
    let summary = run_summary(&model, 40_000, 3);
    let p = summary.outcomes[0].probability.expect("a chance").p;
    assert!(p > 0.0 && p < 0.001, "{p}");
    let text = polsim::format::percent(p);
    assert!(text.ends_with('%') && text.starts_with("0.0"), "{text}");
    let charts = charts_of(&model, &summary);
    let bars = charts
        .iter()
        .find(|c| c.name == "probabilities")
        .expect("the chart of chances");
    let svg = bars.svg(chart::DEFAULT_SIZE).expect("svg");
    assert!(svg.contains(&text), "chart lacks {text}");
    let report = polsim::report::content::build(&model, &summary, Vec::new(), "today");
    let html = polsim::report::html::render(&report);
    assert!(
        html.contains(&format!("<td class=\"num\">{text}</td>")),
        "report lacks {text}"
    );
}

/// The items of the report's "Key findings" list, as HTML text.
fn findings(html: &str) -> Vec<String> {
    let start = html
        .find("<section id=\"findings\"")
        .expect("a key findings section");
    let end = start + html[start..].find("</section>").expect("its end");
    html[start..end]
        .split("<li>")
        .skip(1)
        .map(|item| item.split("</li>").next().unwrap_or("").to_string())
        .collect()
}

#[test]
fn key_findings_open_the_run_report_with_its_headline_chances() {
    let dir = tempfile::tempdir().expect("tempdir");
    run_into(dir.path(), COIN_FLIPS, &["--format", "svg"]).success();
    let html = fs::read_to_string(dir.path().join("report.html")).expect("report");
    assert!(
        html.find("id=\"findings\"") < html.find("id=\"outcomes\""),
        "key findings do not come first"
    );
    let summary: serde_json::Value =
        serde_json::from_slice(&fs::read(dir.path().join("summary.json")).expect("json"))
            .expect("summary.json");
    let outcome = summary["outcomes"]
        .as_array()
        .and_then(|o| o.iter().find(|o| o["name"] == "breakthrough_by_24"))
        .expect("the outcome");
    let estimate = &outcome["probability"];
    let p = |k: &str| polsim::format::percent(estimate[k].as_f64().expect("a number"));
    let want = format!(
        "Breakthrough within 24 months: {} (95% interval {} to {}).",
        p("p"),
        p("lo"),
        p("hi")
    );
    let items = findings(&html);
    assert!(items.contains(&want), "{want:?} not in {items:?}");
    assert!(
        items
            .iter()
            .any(|i| i.starts_with("Incidents over 24 months: median ")),
        "{items:?}"
    );
}

#[test]
fn key_findings_of_a_comparison_lead_with_the_largest_clear_difference() {
    let dir = tempfile::tempdir().expect("tempdir");
    let files: Vec<String> = [
        "deterrence",
        "deterrence-credible",
        "deterrence-provocation",
    ]
    .iter()
    .map(|n| format!("scenarios/examples/{n}.toml"))
    .collect();
    let out = dir.path().join("out");
    analysis_into(
        "compare",
        &files,
        &out,
        &["--runs", "2000", "--format", "svg"],
    )
    .success();
    let json: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("compare.json")).expect("json"))
            .expect("compare.json");
    let largest = json["differences"]
        .as_array()
        .expect("differences")
        .iter()
        .filter(|d| d["kind"] != "number")
        .filter(|d| d["lo"].as_f64() > Some(0.0) || d["hi"].as_f64() < Some(0.0))
        .max_by(|a, b| {
            let size = |d: &serde_json::Value| d["diff"].as_f64().unwrap_or(0.0).abs();
            size(a).total_cmp(&size(b))
        })
        .expect("a clear difference");
    let points = polsim::format::points(largest["diff"].as_f64().expect("diff"));
    let html = fs::read_to_string(out.join("compare.html")).expect("compare.html");
    let items = findings(&html);
    let first = items.first().expect("a finding");
    let label = largest["label"].as_str().expect("label");
    assert!(
        first.contains(label) && first.contains(&format!(" {points} percentage points")),
        "first finding {first:?}, expected {label} {points}"
    );
}

/// A count event is drawn as expected numbers (its running total is the sum
/// of the per-step means), not as a chance of at least one; a histogram of
/// an outcome some runs lack says on the chart what share it describes.
#[test]
fn count_events_and_partial_histograms_say_what_they_show() {
    let (model, summary) = rich();
    let charts = charts_of(&model, &summary);
    let find = |name: &str| {
        charts
            .iter()
            .find(|c| c.name == name)
            .unwrap_or_else(|| panic!("no chart {name}"))
    };
    let counts = find("event-incidents");
    assert_eq!(counts.title, "Incidents: expected number by each month");
    let chart::figure::Plot::Panels(plot) = &counts.figure.plot else {
        panic!("a count event is drawn as two panels");
    };
    let [so_far, each] = &plot.panels[..] else {
        panic!("two panels: the running total above, each step's below");
    };
    let events = summary
        .events
        .iter()
        .find(|e| e.name == "incidents")
        .expect("the event");
    let total: f64 = events.steps.iter().map(|s| s.mean_count).sum();
    let last = so_far.plot.curves[0].points.last().expect("points").1;
    assert!((last - total).abs() < 1e-9, "{last} vs {total}");
    assert!(total > 2.0, "a frequent event: {total}");
    // The lower panel holds each step's own expected number, on its own
    // scale, so it does not lie flat under the total.
    let per_step: Vec<f64> = each.plot.curves[0].points.iter().map(|p| p.1).collect();
    let means: Vec<f64> = events.steps.iter().map(|s| s.mean_count).collect();
    assert_eq!(per_step, means);
    assert!(so_far.heading.contains("so far") && each.heading.contains("each month"));
    assert!(so_far.from_zero && each.from_zero);
    assert!(!so_far.plot.y_percent && !each.plot.y_percent);
    // Both panels draw, in both formats.
    counts.svg(chart::DEFAULT_SIZE).expect("svg");
    counts.png(chart::DEFAULT_SIZE).expect("png");
    // A once-event keeps its chance chart.
    assert!(
        find("event-crisis")
            .title
            .contains("chance it has happened")
    );

    let month = find("histogram-crisis_month");
    let stats = summary
        .outcomes
        .iter()
        .find(|o| o.name == "crisis_month")
        .and_then(|o| o.number.clone())
        .expect("the month");
    assert!(stats.none > 0);
    let share = polsim::format::share(stats.n, stats.n + stats.none);
    let svg = month.svg(chart::DEFAULT_SIZE).expect("svg");
    assert!(
        svg.contains(&format!(
            "bars: the {share} of runs in which it has a value"
        )),
        "histogram does not say it covers {share} of runs"
    );
    let whole = find("histogram-total_incidents")
        .svg(chart::DEFAULT_SIZE)
        .expect("svg");
    assert!(!whole.contains("of runs in which it has a value"));
}

/// `[[charts.groups]]` orders a run's charts by question: each group draws
/// the chances of its yes/no outcomes (titled with its question), then its
/// other outcomes, variables and events, in its own order and folder; what
/// the top-level lists add comes last, under "Other charts".
#[test]
fn chart_groups_order_the_charts_by_question() {
    let text = format!(
        r#"{RICH}
[charts]
events = ["crisis"]

[[charts.groups]]
title = "Does a crisis come?"
doc = "The crisis and the pressure before it."
outcomes = ["crisis_month", "crisis_by_end"]
variables = ["alert"]

[[charts.groups]]
title = "How many incidents?"
outcomes = ["total_incidents", "many_incidents"]
events = ["incidents"]
"#
    );
    let model = common::load_text(&text);
    let summary = run_summary(&model, 500, 5);
    let groups = chart::for_run_grouped(&model, &summary);
    let plan: Vec<(String, Vec<String>)> = groups
        .iter()
        .map(|g| {
            let heading = g.heading.as_ref().expect("a heading").title.clone();
            let names = g
                .charts
                .iter()
                .map(|c| c.as_ref().expect("drawn").name.clone())
                .collect();
            (heading, names)
        })
        .collect();
    let want = |heading: &str, names: &[&str]| {
        (
            heading.to_string(),
            names.iter().map(|n| n.to_string()).collect::<Vec<_>>(),
        )
    };
    assert_eq!(
        plan,
        [
            want(
                "Does a crisis come?",
                &[
                    "01-does-a-crisis-come/probabilities",
                    "01-does-a-crisis-come/histogram-crisis_month",
                    "01-does-a-crisis-come/exceedance-crisis_month",
                    "01-does-a-crisis-come/chance-alert",
                ]
            ),
            want(
                "How many incidents?",
                &[
                    "02-how-many-incidents/probabilities",
                    "02-how-many-incidents/histogram-total_incidents",
                    "02-how-many-incidents/exceedance-total_incidents",
                    "02-how-many-incidents/event-incidents",
                ]
            ),
            want("Other charts", &["03-other-charts/event-crisis"]),
        ]
    );
    let first = groups[0].charts[0].as_ref().expect("drawn");
    assert_eq!(first.figure.title, "Does a crisis come?");
    // The report shows each group under its question, in order, and the
    // files go into the groups' folders.
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("grouped.toml");
    fs::write(&file, &text).expect("write scenario");
    let out = dir.path().join("out");
    run_into(&out, &file.to_string_lossy(), &["--format", "png"]).success();
    let html = fs::read_to_string(out.join("report.html")).expect("report.html");
    let at = |s: &str| html.find(s).unwrap_or_else(|| panic!("report lacks {s}"));
    assert!(at("<h3>Does a crisis come?</h3>") < at("<h3>How many incidents?</h3>"));
    assert!(at("<h3>How many incidents?</h3>") < at("<h3>Other charts</h3>"));
    assert!(html.contains("The crisis and the pressure before it."));
    assert!(common::exists(
        &out.join("charts/02-how-many-incidents/event-incidents.png")
    ));
    let md = fs::read_to_string(out.join("report.md")).expect("report.md");
    assert!(md.contains("(charts/01-does-a-crisis-come/chance-alert.png)"));
}

/// The comparison report says what each variant changes, read from the
/// models as run: a parameter with the value it replaces, a changed
/// equation, an added intervention, an added outcome.
#[test]
fn a_variant_is_described_by_what_it_changes() {
    let reference = common::load_text(
        r#"
[scenario]
name = "ref"
description = "The reference."
steps = 12
[parameters.p_attack]
dist = "0.1"
label = "Chance of an attack"
[events.attack]
p = "p_attack"
[state.alarm]
init = 0
update = "alarm * 0.5 + attack"
[outcomes.any]
expr = "ever(attack)"
"#,
    );
    let variant = common::load_text(
        r#"
[scenario]
name = "variant"
description = "The reference."
steps = 12
[parameters.p_attack]
dist = "0.2"
label = "Chance of an attack"
[events.attack]
p = "p_attack"
[state.alarm]
init = 0
update = "alarm * 0.8 + attack"
[outcomes.any]
expr = "ever(attack)"
[outcomes.many]
expr = "count(attack) > 2"
label = "More than two attacks"
[[interventions]]
set = "attack"
at = 3
value = 1
doc = "An attack in month 3."
"#,
    );
    let changes = polsim::report::changes::between(&reference, &variant);
    assert_eq!(
        changes,
        [
            "sets the parameter Chance of an attack to 0.2 (was 0.1)",
            "changes the state alarm to 0 -> alarm * 0.8 + attack (was 0 -> alarm * 0.5 + attack)",
            "adds the outcome More than two attacks",
            "adds an intervention: attack set to 1 in step 3 (An attack in month 3)",
        ]
    );
    assert!(polsim::report::changes::between(&reference, &reference).is_empty());
    let text = polsim::report::changes::described(&changes);
    assert!(
        text.starts_with("The reference, with 4 changes: it sets"),
        "{text}"
    );
}

/// A report's half-width figure keeps every word of long bar labels and
/// axis titles: the labels of the Palmyra certification chart differ only
/// in their last words, which a cut would lose.
#[test]
fn half_width_figures_keep_long_labels_whole() {
    use chart::figure::{BarPlot, BarSeries, Interval, Plot, Scale};
    let rows: Vec<String> = [
        "Negative report by March 2026 (1st report)",
        "A negative report by September 2026 (2nd report)",
        "A negative report by March 2027 (3rd report)",
        "A negative report by September 2027 (4th report)",
        "Two negative reports in a row",
        "Sanctions return by December 2027",
    ]
    .map(String::from)
    .to_vec();
    let values = [0.32, 0.51, 0.61, 0.69, 0.21, 0.12]
        .map(|p| {
            Some(Interval {
                value: p,
                lo: p - 0.01,
                hi: p + 0.01,
            })
        })
        .to_vec();
    let x_title = "Chance by the end of the reporting period, across all runs (%)";
    let figure = chart::Figure {
        title: "Do the certification reports turn negative?".into(),
        subtitle: "palmyra-baseline".into(),
        legend: Vec::new(),
        plot: Plot::Bars(BarPlot {
            x_title: x_title.into(),
            rows: rows.clone(),
            series: vec![BarSeries {
                color: chart::style::MAIN,
                negative: None,
                values,
            }],
            scale: Scale::Percent,
        }),
    };
    let chart = Chart {
        name: "probabilities".into(),
        title: figure.title.clone(),
        caption: String::new(),
        figure,
    };
    let svg = chart
        .svg_placed(chart::DEFAULT_SIZE, chart::Placement::Half)
        .expect("svg");
    assert!(
        !svg.contains('…'),
        "nothing is cut: {:?}",
        svg.split('>')
            .filter(|p| p.contains('…'))
            .collect::<Vec<_>>()
    );
    // Each label's words, whether on one line or several.
    let text: String = svg
        .split('>')
        .filter_map(|part| part.split('<').next())
        .filter(|t| !t.trim().is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    for label in rows.iter().map(String::as_str).chain([x_title]) {
        for word in label.split_whitespace() {
            assert!(text.contains(word), "{word:?} of {label:?} is missing");
        }
    }
    for ordinal in ["(1st", "(2nd", "(3rd", "(4th"] {
        assert!(text.contains(ordinal), "{ordinal}");
    }
    // The names are set at the axis-title size, 20/18 of the tick labels'
    // (7 pt in print by the sizes in chart::style), and wrap onto two lines
    // (the figure grows taller to give each row room) rather than shrink.
    let sizes: Vec<(f64, String)> = svg
        .split("<text")
        .skip(1)
        .filter_map(|part| {
            let size = part
                .split("font-size=\"")
                .nth(1)?
                .split('"')
                .next()?
                .parse()
                .ok()?;
            Some((size, part.split('>').nth(1)?.trim().to_string()))
        })
        .collect();
    let tick = sizes
        .iter()
        .find(|(_, t)| t.starts_with("0%"))
        .map(|(s, _)| *s)
        .expect("a tick label 0%");
    for (size, text) in &sizes {
        if ["(1st", "(2nd", "(3rd", "(4th", "Sanctions", "September"]
            .iter()
            .any(|w| text.contains(w))
        {
            assert!(
                *size >= tick * 20.0 / 18.0 * 0.99,
                "{text:?} at {size} px, ticks at {tick}"
            );
        }
    }
}

/// The words of an SVG's text, and any text that ends cut with "…".
fn svg_text_cut(svg: &str) -> Vec<String> {
    svg.split('>')
        .filter_map(|part| part.split('<').next())
        .filter(|t| t.contains('…'))
        .map(|t| t.trim().to_string())
        .collect()
}

/// The Palmyra reports' row charts and heat maps keep every word: the notes
/// beside a comparison's forest plots and a swing tornado wrap (value over
/// interval) or shrink a little, as do their headings, axis titles,
/// subtitles and a heat map's colour-bar title; nothing is cut with "…".
/// Each report figure is checked as the report sets it (half width).
#[test]
fn palmyra_report_figures_cut_no_text() {
    let dir = tempfile::tempdir().expect("tempdir");
    let compare = dir.path().join("compare");
    let scenarios = [
        "palmyra/baseline",
        "palmyra/israel_escalation_sweida",
        "palmyra/us_limits_cooperation",
    ]
    .map(String::from);
    analysis_into(
        "compare",
        &scenarios,
        &compare,
        &["--runs", "200", "--seed", "9"],
    )
    .success();
    let swing = dir.path().join("swing");
    let args = [
        "palmyra/baseline",
        "--method",
        "swing",
        "--outcome",
        "sanctions_return_by_dec_2027",
    ]
    .map(String::from);
    analysis_into(
        "sensitivity",
        &args,
        &swing,
        &["--runs", "40", "--seed", "9"],
    )
    .success();
    for (report, wanted) in [
        (compare.join("compare.html"), "differences-"),
        (swing.join("sensitivity.html"), "swing-"),
    ] {
        let html = fs::read_to_string(&report).expect("report");
        assert!(html.contains(&format!("id=\"chart-{wanted}")), "{report:?}");
        let figures: Vec<&str> = html.split("<svg").skip(1).collect();
        assert!(!figures.is_empty(), "{report:?} has figures");
        for svg in figures {
            let cut = svg_text_cut(svg.split("</svg>").next().unwrap_or_default());
            assert!(cut.is_empty(), "{report:?}: cut {cut:?}");
        }
    }
    // A sweep's heat map (a chart file, drawn at full width) whose colour
    // bar carries a long title, and the Palmyra parameters' axis titles.
    use chart::figure::{HeatmapPlot, Plot, Scale};
    let value_title =
        "Chance sanctions return by December 2027 after two negative certification reports (%)";
    let figure = chart::Figure {
        title: "Sanctions return by December 2027 over the vetting reform's effect and intelligence growth".into(),
        subtitle: "palmyra-baseline · 25 grid points × 400 runs · seed 20251213 · given at least one further insider attack".into(),
        legend: Vec::new(),
        plot: Plot::Heatmap(HeatmapPlot {
            x_title: "Vetting reform effect (share of embedded operatives removed)".into(),
            y_title: "Intelligence capacity growth (share of the gap to the ceiling closed per month)".into(),
            xs: vec![0.2, 0.35, 0.5, 0.65, 0.8],
            ys: vec![0.01, 0.02, 0.03],
            values: vec![vec![0.11, 0.108, 0.102, 0.1, 0.1]; 3],
            value_title: value_title.into(),
            scale: Scale::Percent,
            threshold: None,
        }),
    };
    // Set at half width as a report sets its figures, and at the least
    // size: every title wraps or shrinks, none is cut with "…".
    for size in [chart::DEFAULT_SIZE, chart::style::MIN_SIZE] {
        for placement in [chart::Placement::Half, chart::Placement::Full] {
            let placed = chart::canvas::placed_size(&figure, size, placement);
            let svg = chart::canvas::svg(&figure, placed, placement).expect("svg");
            let cut = svg_text_cut(&svg);
            assert!(cut.is_empty(), "{size:?} {placement:?}: {cut:?}");
            for word in [
                "Intelligence",
                "ceiling",
                "month)",
                "operatives",
                "removed)",
            ] {
                assert!(svg.contains(word), "{size:?} {placement:?}: {word}");
            }
        }
    }
    let chart = Chart {
        name: "heatmap".into(),
        title: figure.title.clone(),
        caption: String::new(),
        figure,
    };
    let svg = chart.svg(chart::DEFAULT_SIZE).expect("svg");
    assert!(svg_text_cut(&svg).is_empty(), "{:?}", svg_text_cut(&svg));
    for word in value_title.split_whitespace() {
        assert!(svg.contains(word), "{word:?} of the colour bar's title");
    }
    // Cell values are written (a little smaller if need be), not dropped.
    assert!(
        svg.contains(">\n10.8%\n<") || svg.contains(">10.8%<"),
        "cell values"
    );
}
