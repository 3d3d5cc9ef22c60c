//! Charts and reports for a finished run, written into its output directory.
//!
//! `write_run` is the one impure step: it validates the chart flags, reads
//! the clock once for the report's date, renders every chart and writes the
//! files through [`OutputDir`] (atomically). Everything it calls is pure:
//! charts come from `crate::chart`, the report's content from [`content`],
//! and its two renderings from [`html`] and [`markdown`], so both documents
//! say the same thing and tests can check them without a run.
//!
//! Layout of a run's directory:
//!
//! ```text
//! report.html          one self-contained file: inline SVG and CSS, no links out
//! report.md            the same content, with charts as links to charts/NAME.png
//! charts/NAME.png|svg  one file per chart and format (--format, --size)
//! ```

pub mod content;
pub mod date;
pub mod html;
pub mod markdown;

use std::path::PathBuf;

use crate::Error;
use crate::chart::{self, Format, Size};
use crate::cli::ChartArgs;
use crate::output::OutputDir;
use crate::scenario::Model;
use crate::summary::Summary;

pub use content::{Figure, Report};

/// The chart flags, checked.
#[derive(Clone, Debug, PartialEq)]
pub struct ChartSettings {
    pub formats: Vec<Format>,
    pub size: Size,
}

impl ChartSettings {
    /// Check `--format` and `--size`; a bad value is a usage error.
    pub fn from_args(args: &ChartArgs) -> Result<ChartSettings, Error> {
        Ok(ChartSettings {
            formats: Format::parse_list(&args.format).map_err(Error::Usage)?,
            size: Size::parse(&args.size).map_err(Error::Usage)?,
        })
    }
}

/// Draw the run's charts and write its reports into `out`; returns the paths written.
pub fn write_run(
    out: &OutputDir,
    model: &Model,
    summary: &Summary,
    args: &ChartArgs,
) -> Result<Vec<PathBuf>, Error> {
    let settings = ChartSettings::from_args(args)?;
    let generated = date::today();
    let mut written = Vec::new();
    let mut figures = Vec::new();
    let mut skipped = Vec::new();
    for planned in chart::for_run(model, summary) {
        let chart = match planned {
            Ok(chart) => chart,
            Err(skip) => {
                skipped.push(skip);
                continue;
            }
        };
        let svg = chart.svg(settings.size).map_err(draw_error)?;
        for &format in &settings.formats {
            let bytes = match format {
                Format::Svg => svg.clone().into_bytes(),
                Format::Png => chart.png(settings.size).map_err(draw_error)?,
            };
            let name = format!("charts/{}.{}", chart.name, format.extension());
            written.push(out.write(&name, &bytes).map_err(Error::Io)?);
        }
        figures.push(Figure::new(&chart, svg));
    }
    let link_format = settings
        .formats
        .first()
        .copied()
        .filter(|_| !settings.formats.contains(&Format::Png))
        .unwrap_or(Format::Png);
    let report = content::build(model, summary, figures, skipped, &generated);
    written.push(
        out.write("report.html", html::render(&report).as_bytes())
            .map_err(Error::Io)?,
    );
    written.push(
        out.write(
            "report.md",
            markdown::render(&report, link_format).as_bytes(),
        )
        .map_err(Error::Io)?,
    );
    Ok(written)
}

fn draw_error(e: chart::ChartError) -> Error {
    Error::Io(std::io::Error::other(e.to_string()))
}
