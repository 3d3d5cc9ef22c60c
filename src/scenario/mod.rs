//! Scenario files: loading, `extends` chains, `--set` overrides, checking.
//!
//! `load` reads a file (and the files it extends), merges them base-first,
//! applies command-line overrides, and checks the result into a [`Model`].
//! Every problem in every file is reported together as one [`Report`].
//!
//! **Architecture invariant:** only this module knows TOML; the model and
//! everything after it are plain Rust types.

pub mod access;
pub mod bundled;
pub mod check;
pub mod data;
pub mod model;
pub mod raw;
pub mod samples;

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

pub use model::*;

pub use access::{Access, Refusal};

use crate::diag::{Diagnostic, Report, Sources, Span, clip, did_you_mean};
use raw::{ExprText, RawScenario, Sp};

/// Where scenario texts come from: the disk, or the scenarios bundled in the
/// binary. Paths are compared as the store returns them from `canonical`.
pub trait Store {
    /// Read `path`, a file that the scenario `top` (the one named on the
    /// command line) reads: `top` itself or a file it extends. The disk
    /// stores apply the file-access rule of [`access`] here.
    fn read(&self, path: &Path, top: &Path) -> Result<String, Refusal>;
    /// A stable identity for loop detection.
    fn canonical(&self, path: &Path) -> PathBuf;
}

/// The file system, under the file-access rule: a scenario reads only
/// regular files of at most 16 MiB inside the folder tree of the scenario
/// named on the command line.
pub struct Disk;

impl Store for Disk {
    fn read(&self, path: &Path, top: &Path) -> Result<String, Refusal> {
        Access::for_scenario(top, None).read(path)
    }

    fn canonical(&self, path: &Path) -> PathBuf {
        std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
    }
}

/// The file system with the access rule widened to a second folder tree
/// (`--root DIR`).
pub struct DiskWithRoot(pub PathBuf);

impl Store for DiskWithRoot {
    fn read(&self, path: &Path, top: &Path) -> Result<String, Refusal> {
        Access::for_scenario(top, Some(&self.0)).read(path)
    }

    fn canonical(&self, path: &Path) -> PathBuf {
        Disk.canonical(path)
    }
}

/// One scenario text held in memory, read as the scenario named on the
/// command line; any file it extends is missing. For tests and fuzzing:
/// nothing is read from disk.
pub struct OneText<'a>(pub &'a str);

impl Store for OneText<'_> {
    fn read(&self, path: &Path, top: &Path) -> Result<String, Refusal> {
        if path == top {
            Ok(self.0.to_string())
        } else {
            Err(Refusal::Io(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                "no such file (in-memory scenario)",
            )))
        }
    }

    fn canonical(&self, path: &Path) -> PathBuf {
        path.to_path_buf()
    }
}

/// A `--set NAME=VALUE` override of a parameter's definition.
#[derive(Clone, Debug, PartialEq)]
pub struct Override {
    pub name: String,
    pub value: String,
}

impl Override {
    /// Parse `NAME=VALUE`.
    pub fn parse(text: &str) -> Result<Override, String> {
        match text.split_once('=') {
            Some((name, value)) if !name.trim().is_empty() && !value.trim().is_empty() => {
                Ok(Override {
                    name: name.trim().to_string(),
                    value: value.trim().to_string(),
                })
            }
            _ => Err(format!(
                "`{text}` is not NAME=VALUE; write e.g. --set vetting=0.3 or --set 'vetting=pert(0.1, 0.3, 0.6)'"
            )),
        }
    }
}

/// Load, merge, override and check a scenario.
pub fn load(path: &Path, store: &dyn Store, overrides: &[Override]) -> Result<Model, Report> {
    let mut sources = Sources::default();
    let mut diags = Vec::new();
    let raw = read_chain(path, store, &mut sources, &mut diags);
    let Some(mut raw) = raw else {
        return Err(Report {
            sources,
            diagnostics: diags,
        });
    };
    apply_overrides(&mut raw, overrides, &mut sources, &mut diags);
    let data = data::read_input_files(&raw, path, store, &mut sources, &mut diags);
    let hash = content_hash(&sources);
    // Problems of data files are the checker's to report with its own: a
    // parameter whose file failed has no definition, which it must know.
    let mut sample_problems = Vec::new();
    let samples = samples::read(&raw, path, store, &sources, &mut sample_problems);
    let default_name = path
        .file_stem()
        .map_or("scenario".to_string(), |s| s.to_string_lossy().into_owned());
    let input = check::Input {
        raw,
        data,
        default_name,
        path: path.display().to_string(),
        hash,
        samples,
        sample_problems,
    };
    if !diags.is_empty() {
        // Still check, to report the model's own problems alongside.
        if let Err(more) = check::check(input) {
            diags.extend(more);
        }
        return Err(Report {
            sources,
            diagnostics: diags,
        });
    }
    check::check(input).map_err(|diagnostics| Report {
        sources,
        diagnostics,
    })
}

/// The scenario's hash for the provenance: it depends on the texts the
/// scenario was assembled from and on nothing else, so `x.toml`, `./x.toml`
/// and the bundled copy of the same file give the same hash. For one file
/// with no `--set` it is the SHA-256 of the file, as `sha256sum` prints it;
/// for a chain of `extends` or with `--set`, of every text in order, each
/// marked as a file or a `--set` and preceded by its length.
fn content_hash(sources: &Sources) -> String {
    let mut h = Sha256::new();
    match sources.files() {
        [one] if one.name != "--set" => h.update(one.text.as_bytes()),
        files => {
            for f in files {
                h.update(if f.name == "--set" {
                    &b"set"[..]
                } else {
                    b"file"
                });
                h.update((f.text.len() as u64).to_le_bytes());
                h.update(f.text.as_bytes());
            }
        }
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Resolve an expression given on the command line (`--given`, `--outcome`)
/// against a checked model; `flag` names it in messages.
pub fn parse_extra(model: &Model, flag: &str, text: &str) -> Result<MExpr, Report> {
    let mut sources = Sources::default();
    let file = sources.add(flag, text);
    check::resolve_extra(model, file, text, flag).map_err(|diagnostics| Report {
        sources,
        diagnostics,
    })
}

/// Read a file and everything it extends; merged base-first.
fn read_chain(
    path: &Path,
    store: &dyn Store,
    sources: &mut Sources,
    diags: &mut Vec<Diagnostic>,
) -> Option<RawScenario> {
    let mut chain: Vec<RawScenario> = Vec::new();
    let mut seen: Vec<(PathBuf, String)> = Vec::new();
    let mut current = path.to_path_buf();
    let mut via: Option<Sp<String>> = None;
    loop {
        let canonical = store.canonical(&current);
        if let Some(pos) = seen.iter().position(|(p, _)| *p == canonical) {
            let mut names: Vec<&str> = seen[pos..].iter().map(|(_, n)| n.as_str()).collect();
            let name = current.display().to_string();
            names.push(&name);
            let d = Diagnostic {
                message: format!("`extends` loops: {}", names.join(" -> ")),
                span: via.as_ref().map(|v| v.span),
                label: String::new(),
                help: Some(
                    "a variant extends a base that does not extend it back; remove one `extends`"
                        .into(),
                ),
            };
            diags.push(d);
            return None;
        }
        let shown = clip(&current.display().to_string());
        let text = match store.read(&current, path) {
            Ok(text) => text,
            Err(refusal) => {
                let message = match &refusal {
                    Refusal::NotText => format!("scenario file `{shown}` is not UTF-8 text"),
                    other => format!("cannot read scenario file `{shown}`: {other}"),
                };
                let help = match (&refusal, &via) {
                    (Refusal::Io(_), Some(_)) => {
                        "`extends` paths are relative to the file that names them"
                    }
                    (Refusal::Io(_), None) => {
                        "check the path; `polsim scenarios` lists the bundled scenarios"
                    }
                    (other, _) => other.help(),
                };
                diags.push(Diagnostic {
                    message,
                    span: via.as_ref().map(|v| v.span),
                    label: String::new(),
                    help: Some(help.into()),
                });
                return None;
            }
        };
        let file = sources.add(current.display().to_string(), text);
        let before = diags.len();
        let raw = raw::read(file, &sources.get(file).text.clone(), diags);
        if diags.len() > before && raw == RawScenario::default() {
            // A syntax error: stop here, the structure is unknown.
            return None;
        }
        seen.push((canonical, current.display().to_string()));
        let next = raw.extends.clone();
        chain.push(raw);
        match next {
            Some(ext) => {
                if let Some(d) = bad_extends(&ext, chain.len()) {
                    diags.push(d);
                    return None;
                }
                let base_dir = current.parent().map_or(PathBuf::new(), Path::to_path_buf);
                current = base_dir.join(&ext.value);
                via = Some(ext);
            }
            None => break,
        }
    }
    let mut merged = chain.pop()?;
    while let Some(variant) = chain.pop() {
        merged = raw::merge(merged, variant);
    }
    Some(merged)
}

/// An `extends` that is refused before its file is opened: one that does
/// not name a `.toml` file (so no other kind of file is ever parsed and
/// quoted as a scenario), or one past the longest chain allowed.
fn bad_extends(ext: &Sp<String>, depth: usize) -> Option<Diagnostic> {
    if !ext.value.ends_with(".toml") {
        return Some(
            Diagnostic::new(
                ext.span,
                format!(
                    "`extends` must name a scenario file ending in .toml, not `{}`",
                    clip(&ext.value)
                ),
            )
            .help("name the base scenario's .toml file, relative to this file"),
        );
    }
    if depth >= access::MAX_EXTENDS_DEPTH {
        return Some(
            Diagnostic::new(
                ext.span,
                format!(
                    "`extends` chain is too long: more than {} files",
                    access::MAX_EXTENDS_DEPTH
                ),
            )
            .help("a variant may extend a variant, but not this deep; merge some files of the chain into one"),
        );
    }
    None
}

fn apply_overrides(
    raw: &mut RawScenario,
    overrides: &[Override],
    sources: &mut Sources,
    diags: &mut Vec<Diagnostic>,
) {
    for o in overrides {
        let text = format!("{}={}", o.name, o.value);
        let file = sources.add("--set", text.clone());
        let name_span = Span::new(file, 0, o.name.len());
        match raw.parameters.iter_mut().find(|(n, _)| n.value == o.name) {
            Some((_, p)) => {
                let base = o.name.len() + 1;
                p.dist = Some(ExprText {
                    text: o.value.clone(),
                    span: Span::new(file, base, text.len()),
                    base: Some(base),
                });
                p.sample = None;
            }
            None => {
                let other = [
                    (
                        "state variable",
                        raw.state.iter().any(|(n, _)| n.value == o.name),
                    ),
                    (
                        "derived variable",
                        raw.derived.iter().any(|(n, _)| n.value == o.name),
                    ),
                    ("event", raw.events.iter().any(|(n, _)| n.value == o.name)),
                ]
                .into_iter()
                .find(|(_, found)| *found);
                let mut d = Diagnostic::new(
                    name_span,
                    format!("--set: `{}` is not a parameter of this scenario", o.name),
                );
                d = match (other, did_you_mean(&o.name, raw.parameters.iter().map(|(n, _)| n.value.as_str()))) {
                    (Some((word, _)), _) => d.help(format!(
                        "`{}` is {} {word}; --set changes parameters only (use an intervention in a variant file for the rest)",
                        o.name,
                        check::article(word)
                    )),
                    (None, Some(s)) => d.help(format!("did you mean `{s}`?")),
                    (None, None) => d.help(format!(
                        "the parameters are: {}",
                        crate::diag::name_list(&raw.parameters.iter().map(|(n, _)| n.value.as_str()).collect::<Vec<_>>(), 12)
                    )),
                };
                diags.push(d);
            }
        }
    }
}
