//! Charts and reports, written into a command's output directory.
//!
//! The `write_*` functions are the one impure step: they read the clock once
//! for a report's date, render every chart and write the files through
//! [`OutputDir`] (atomically). Everything they call is pure: charts come
//! from `crate::chart`, a report's content from [`content`] (a run) or
//! [`compare`] (a comparison), and its renderings from [`html`],
//! [`markdown`] and [`pdf`], so every document says the same thing and
//! tests can check them without a run. The writers take [`ChartSettings`] already checked
//! (the command line checks its flags before any simulation, so a typo
//! costs nothing); nothing here knows the command line.
//!
//! Layout of a run's directory (a comparison's is the same, with
//! compare.html and compare.md, a sensitivity analysis' with
//! sensitivity.html and sensitivity.md; a sweep writes only charts/):
//!
//! ```text
//! report.html          one self-contained file: inline SVG and CSS, no links out
//! report.md            the same content, with charts as links to charts/NAME.png
//! report.pdf           with --pdf: the same content as an A4 PDF (pdf/)
//! charts/NAME.png|svg  one file per chart and format (--format, --size)
//! ```

pub mod calibrate;
pub mod changes;
pub mod compare;
pub mod content;
pub mod date;
pub mod decision;
pub mod discover;
pub mod findings;
pub mod html;
pub mod markdown;
pub mod pdf;
pub mod sensitivity;

use rayon::prelude::*;
use std::path::PathBuf;

use crate::Error;
use crate::analysis::compare::Comparison;
use crate::analysis::sensitivity::Sensitivity;
use crate::analysis::sweep::{Axis, Point};
use crate::chart::{self, Chart, Format, Placement, Size, Skip};
use crate::output::OutputDir;
use crate::scenario::Model;
use crate::summary::Summary;

pub use content::{Figure, FigureGroup, Report};

/// The chart and report settings (`--format`, `--size`, `--pdf`,
/// `--no-charts`), checked by the command line before any simulation.
#[derive(Clone, Debug, PartialEq)]
pub struct ChartSettings {
    pub formats: Vec<Format>,
    pub size: Size,
    /// Write the report as PDF too (report.pdf beside report.html).
    pub pdf: bool,
    /// Draw the charts (and write the HTML and Markdown reports). Without
    /// them only the PDF is written, with no charts in it.
    pub charts: bool,
}

/// What drawing a list of charts produced.
#[derive(Debug, Default)]
pub struct Drawn {
    /// The chart files written.
    pub written: Vec<PathBuf>,
    /// The charts drawn, with their SVG for inlining (when asked for).
    pub figures: Vec<Figure>,
    /// The charts not drawn, and why.
    pub skipped: Vec<Skip>,
}

/// Render each planned chart in every format asked for and write it under
/// `charts/`; keep each chart's SVG when `inline` (for a report).
pub fn write_charts(
    out: &OutputDir,
    planned: Vec<Result<Chart, Skip>>,
    settings: &ChartSettings,
    inline: bool,
) -> Result<Drawn, Error> {
    let mut drawn = write_chart_groups(out, vec![planned], settings, inline)?;
    Ok(drawn.pop().unwrap_or_default())
}

/// [`write_charts`] for several groups of charts at once: every chart of
/// every group is rendered and written on every core (charts are pure
/// functions of their data, and each writes files of its own), so no
/// thread waits at the end of a small group or while another writes. The
/// results come back in plan order, group by group, and the first error
/// in that order is the one returned, so nothing depends on the thread
/// count.
pub fn write_chart_groups(
    out: &OutputDir,
    groups: Vec<Vec<Result<Chart, Skip>>>,
    settings: &ChartSettings,
    inline: bool,
) -> Result<Vec<Drawn>, Error> {
    if !settings.charts {
        return Ok(groups.iter().map(|_| Drawn::default()).collect());
    }
    let sizes: Vec<usize> = groups.iter().map(Vec::len).collect();
    let planned: Vec<Result<Chart, Skip>> = groups.into_iter().flatten().collect();
    let done: Vec<Result<Written, Skip>> = planned
        .into_par_iter()
        .map(|planned| planned.map(|chart| render_and_write(out, chart, settings, inline)))
        .collect();
    let mut done = done.into_iter();
    let mut all = Vec::with_capacity(sizes.len());
    for size in sizes {
        let mut drawn = Drawn::default();
        for item in done.by_ref().take(size) {
            match item {
                Ok(written) => {
                    let (files, figure) = written?;
                    drawn.written.extend(files);
                    drawn.figures.extend(figure);
                }
                Err(skip) => drawn.skipped.push(skip),
            }
        }
        all.push(drawn);
    }
    Ok(all)
}

/// The files a chart was written to, and the chart with its SVG (and PNG
/// for the PDF) when kept for a report.
type Written = Result<(Vec<PathBuf>, Option<Figure>), Error>;

/// Renders `chart` ([`render`]) and writes its files under `charts/`.
fn render_and_write(
    out: &OutputDir,
    chart: Chart,
    settings: &ChartSettings,
    inline: bool,
) -> Written {
    let (chart, svg, png, files) = render(chart, settings, inline)?;
    let mut written = Vec::with_capacity(files.len());
    for (format, bytes) in files {
        let name = format!("charts/{}.{}", chart.name, format.extension());
        written.push(out.write(&name, &bytes).map_err(Error::Io)?);
    }
    let figure = inline.then(|| Figure::new(&chart, svg.unwrap_or_default(), png));
    Ok((written, figure))
}

/// A chart with its SVG for the HTML report (when kept), its PNG for the
/// PDF (empty when none is asked for) and its bytes in each format asked
/// for.
type Rendered = Result<(Chart, Option<String>, Vec<u8>, Vec<(Format, Vec<u8>)>), Error>;

/// The chart files are drawn to be set at full width; the report's figures,
/// two to a row, are drawn again with their text sized for half the width
/// (`Placement::Half`), so they read in print.
fn render(chart: Chart, settings: &ChartSettings, inline: bool) -> Rendered {
    let size = settings.size;
    let mut files = Vec::new();
    for &format in &settings.formats {
        files.push((format, chart.render(format, size).map_err(draw_error)?));
    }
    let svg = if inline {
        Some(
            chart
                .svg_placed(size, Placement::Half)
                .map_err(draw_error)?,
        )
    } else {
        None
    };
    let png = if inline && settings.pdf {
        chart
            .png_placed(size, Placement::Half)
            .map_err(draw_error)?
    } else {
        Vec::new()
    };
    Ok((chart, svg, png, files))
}

/// The format report.md links to: PNG when written, else the first format.
fn link_format(settings: &ChartSettings) -> Format {
    settings
        .formats
        .first()
        .copied()
        .filter(|_| !settings.formats.contains(&Format::Png))
        .unwrap_or(Format::Png)
}

/// Write `report` as `<stem>.html` and `<stem>.md`, and as `<stem>.pdf`
/// when asked; returns their paths. Without charts (`--no-charts --pdf`)
/// only the PDF is written, and its charts section says why it has none.
pub(crate) fn write_report(
    out: &OutputDir,
    stem: &str,
    report: &Report,
    settings: &ChartSettings,
) -> Result<Vec<PathBuf>, Error> {
    let mut written = Vec::new();
    if settings.charts {
        written.push(
            out.write(&format!("{stem}.html"), html::render(report).as_bytes())
                .map_err(Error::Io)?,
        );
        written.push(
            out.write(
                &format!("{stem}.md"),
                markdown::render(report, link_format(settings)).as_bytes(),
            )
            .map_err(Error::Io)?,
        );
    }
    if settings.pdf {
        let mut report = report.clone();
        if !settings.charts {
            without_charts(&mut report);
        }
        let creator = format!("polsim {}", env!("CARGO_PKG_VERSION"));
        let bytes = pdf::render(&report, &creator).map_err(|e| {
            Error::Io(std::io::Error::other(format!(
                "cannot write {stem}.pdf: {e}"
            )))
        })?;
        written.push(
            out.write(&format!("{stem}.pdf"), &bytes)
                .map_err(Error::Io)?,
        );
    }
    Ok(written)
}

/// A report written without its charts says so where they would be.
fn without_charts(report: &mut Report) {
    use content::Block;
    let note = "The charts were not drawn (--no-charts); run without --no-charts for a report with its charts.";
    for section in report.sections.iter_mut().filter(|s| s.id == "charts") {
        section.blocks = vec![Block::Note(note.into())];
    }
}

/// Draw the run's charts and write its reports into `out`; returns the paths written.
pub fn write_run(
    out: &OutputDir,
    model: &Model,
    summary: &Summary,
    settings: &ChartSettings,
) -> Result<Vec<PathBuf>, Error> {
    let generated = date::today();
    let mut written = Vec::new();
    let (headings, planned): (Vec<_>, Vec<_>) = chart::for_run_grouped(model, summary)
        .into_iter()
        .map(|group| (group.heading, group.charts))
        .unzip();
    let mut groups = Vec::new();
    for (heading, drawn) in headings
        .into_iter()
        .zip(write_chart_groups(out, planned, settings, true)?)
    {
        written.extend(drawn.written);
        groups.push(FigureGroup {
            heading,
            figures: drawn.figures,
            skipped: drawn.skipped,
        });
    }
    let report = content::build(model, summary, groups, &generated);
    written.extend(write_report(out, "report", &report, settings)?);
    Ok(written)
}

/// Draw a comparison's charts and write compare.html and compare.md into
/// `out`; `models` are the scenarios compared, in order (the first is the
/// reference, whose `[charts]` selection is drawn), and `overrides` the
/// `--set` flags every scenario ran with.
pub fn write_compare(
    out: &OutputDir,
    comparison: &Comparison,
    models: &[Model],
    overrides: &[String],
    settings: &ChartSettings,
) -> Result<Vec<PathBuf>, Error> {
    write_compare_decided(out, comparison, None, models, overrides, settings)
}

/// [`write_compare`] with the decision view (`compare --decide`), whose
/// section sits before the charts.
pub fn write_compare_decided(
    out: &OutputDir,
    comparison: &Comparison,
    decision: Option<&crate::analysis::decision::Decision>,
    models: &[Model],
    overrides: &[String],
    settings: &ChartSettings,
) -> Result<Vec<PathBuf>, Error> {
    let generated = date::today();
    let select = models.first().map(|m| m.charts.clone()).unwrap_or_default();
    let changes: Vec<Vec<String>> = models
        .iter()
        .map(|m| changes::between(&models[0], m))
        .collect();
    let mut planned = chart::for_comparison(comparison, &select);
    if let Some(d) = decision {
        planned.extend(chart::decision::for_decision(d));
    }
    let drawn = write_charts(out, planned, settings, true)?;
    let mut written = drawn.written;
    let (decided, figures): (Vec<Figure>, Vec<Figure>) = drawn
        .figures
        .into_iter()
        .partition(|f| decision::is_decision_chart(&f.name));
    let mut report = compare::build(
        comparison,
        &changes,
        figures,
        drawn.skipped,
        overrides,
        &generated,
    );
    if let Some(d) = decision {
        let at = report
            .sections
            .iter()
            .position(|s| s.id == "charts")
            .unwrap_or(report.sections.len());
        report.sections.insert(at, decision::section(d, decided));
    }
    written.extend(write_report(out, "compare", &report, settings)?);
    Ok(written)
}

/// Draw a sweep's chart of `outcome` under `out/charts/`; returns the files
/// written and the charts that could not be drawn.
pub fn write_sweep(
    out: &OutputDir,
    axes: &[Axis],
    points: &[Point],
    outcome: &str,
    threshold: Option<f64>,
    settings: &ChartSettings,
) -> Result<(Vec<PathBuf>, Vec<Skip>), Error> {
    let planned = chart::for_sweep(axes, points, outcome, threshold);
    let drawn = write_charts(out, planned, settings, false)?;
    Ok((drawn.written, drawn.skipped))
}

/// Draw a sensitivity analysis' charts (one per outcome) under
/// `out/charts/` and write sensitivity.html and sensitivity.md; returns the
/// files written and the charts not drawn. `overrides` are the `--set`
/// flags the scenario ran with.
pub fn write_sensitivity(
    out: &OutputDir,
    sensitivity: &Sensitivity,
    model: &Model,
    overrides: &[String],
    settings: &ChartSettings,
) -> Result<(Vec<PathBuf>, Vec<Skip>), Error> {
    let generated = date::today();
    let named = |name: &str| match crate::summary::what_if(overrides, None) {
        Some(what_if) => format!("{name} {what_if}"),
        None => name.to_string(),
    };
    let planned = chart::for_sensitivity(sensitivity, &named(&model.info.name));
    let drawn = write_charts(out, planned, settings, true)?;
    let mut written = drawn.written;
    let title = named(model.info.display_title());
    let analysed = sensitivity::Analysed {
        title: &title,
        description: &model.info.description,
        file: &model.info.path,
        overrides,
    };
    let skipped = drawn.skipped.clone();
    // The parameters left out, by their labels.
    let mut shown = sensitivity.clone();
    for name in &mut shown.not_steered {
        if let Some(v) = model.find(name) {
            *name = model.var(v).title().to_string();
        }
    }
    let report = sensitivity::build(&shown, &analysed, drawn.figures, drawn.skipped, &generated);
    written.extend(write_report(out, "sensitivity", &report, settings)?);
    Ok((written, skipped))
}

/// Draw a calibration's charts and write calibrate.html and calibrate.md
/// into `out`; `predictive` is the summary of the calibrated scenario's runs.
pub fn write_calibration(
    out: &OutputDir,
    model: &Model,
    cal: &crate::analysis::calibrate::Calibration,
    predictive: &Summary,
    ctx: &calibrate::Context,
    settings: &ChartSettings,
) -> Result<Vec<PathBuf>, Error> {
    let generated = date::today();
    let planned = chart::calibrate::all(cal, predictive, &model.info.time);
    let drawn = write_charts(out, planned, settings, true)?;
    let mut written = drawn.written;
    let report = calibrate::build(model, cal, ctx, drawn.figures, drawn.skipped, &generated);
    written.extend(write_report(out, "calibrate", &report, settings)?);
    Ok(written)
}

fn draw_error(e: chart::ChartError) -> Error {
    Error::Io(std::io::Error::other(e.to_string()))
}
