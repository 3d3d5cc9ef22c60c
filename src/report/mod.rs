//! Charts and reports for a finished run (being built: see issue "Charts and reports").

use std::path::PathBuf;

use crate::Error;
use crate::cli::ChartArgs;
use crate::output::OutputDir;
use crate::scenario::Model;
use crate::summary::Summary;

/// Draw the run's charts and write its reports into `out`; returns the paths written.
pub fn write_run(
    _out: &OutputDir,
    _model: &Model,
    _summary: &Summary,
    _args: &ChartArgs,
) -> Result<Vec<PathBuf>, Error> {
    Ok(Vec::new())
}
