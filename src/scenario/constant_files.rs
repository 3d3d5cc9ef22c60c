//! `[constants] x = { over = [...], file = "x.csv" }`: the loader reads each
//! constant's CSV file through the scenario's [`Store`], under the
//! file-access rule, and hands its text to the checker (which reads no
//! files) with its place among the sources, so a mistake in it is reported
//! at its line and column.

use std::path::{Path, PathBuf};

use super::Store;
use super::raw::RawScenario;
use crate::diag::{Diagnostic, Sources, clip};

/// Read the file of every constant that names one. A path is relative to
/// the scenario file that names it.
pub fn read(
    raw: &mut RawScenario,
    top: &Path,
    store: &dyn Store,
    sources: &mut Sources,
    diags: &mut Vec<Diagnostic>,
) {
    for (name, k) in &mut raw.constants {
        let Some(file) = &k.file else { continue };
        if !file.value.ends_with(".csv") {
            diags.push(
                Diagnostic::new(
                    file.span,
                    format!(
                        "constant `{}` names `{}`, which is not a .csv file",
                        name.value,
                        clip(&file.value)
                    ),
                )
                .help("name a CSV file (ending in .csv), relative to this scenario file"),
            );
            continue;
        }
        let named_in = PathBuf::from(&sources.get(file.span.file).name);
        let path = named_in
            .parent()
            .map_or(PathBuf::new(), Path::to_path_buf)
            .join(&file.value);
        match store.read(&path, top) {
            Ok(text) => {
                let id = sources.add(path.display().to_string(), text.clone());
                k.loaded = Some((id, text));
            }
            Err(refusal) => diags.push(
                Diagnostic::new(
                    file.span,
                    format!(
                        "cannot read the file of constant `{}`: {refusal}",
                        name.value
                    ),
                )
                .help(match refusal {
                    super::Refusal::Io(_) => {
                        "the path is relative to the scenario file that names it"
                    }
                    ref other => other.help(),
                }),
            ),
        }
    }
}
