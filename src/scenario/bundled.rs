//! Scenarios compiled into the binary: the reference Palmyra model and the
//! teaching examples, available from anywhere as `palmyra/baseline` etc.,
//! with the data files their `[inputs]` read.

use std::io;
use std::path::{Component, Path, PathBuf};

use super::{Refusal, Store};

mod files {
    include!(concat!(env!("OUT_DIR"), "/bundled.rs"));
}

/// The scenario `polsim run` runs when given no file.
pub const DEFAULT: &str = "palmyra/baseline.toml";

/// Every bundled scenario: (name such as `palmyra/baseline.toml`, text).
pub fn all() -> &'static [(&'static str, &'static str)] {
    files::FILES
}

/// Find a bundled scenario by the names a user might type:
/// `palmyra/baseline`, `palmyra/baseline.toml`, `scenarios/palmyra/baseline.toml`.
pub fn find(name: &str) -> Option<&'static str> {
    let name = name
        .trim_start_matches("./")
        .trim_start_matches("scenarios/");
    let with_ext = if name.ends_with(".toml") {
        name.to_string()
    } else {
        format!("{name}.toml")
    };
    all().iter().find(|(n, _)| *n == with_ext).map(|(n, _)| *n)
}

/// The bundled files as a [`Store`]; `extends` resolves among them.
pub struct Bundled;

/// `a/./b/../c` -> `a/c`, without touching the disk.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

impl Store for Bundled {
    fn read(&self, path: &Path, _top: &Path) -> Result<String, Refusal> {
        let key = normalize(path).to_string_lossy().replace('\\', "/");
        all()
            .iter()
            .chain(files::DATA)
            .find(|(n, _)| *n == key)
            .map(|(_, text)| text.to_string())
            .ok_or_else(|| {
                Refusal::Io(io::Error::new(
                    io::ErrorKind::NotFound,
                    format!("no bundled scenario `{key}`"),
                ))
            })
    }

    fn canonical(&self, path: &Path) -> PathBuf {
        normalize(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn examples_are_bundled_and_found_by_short_names() {
        assert!(all().iter().any(|(n, _)| *n == "examples/coin-flips.toml"));
        assert_eq!(
            find("examples/coin-flips"),
            Some("examples/coin-flips.toml")
        );
        assert_eq!(
            find("scenarios/examples/coin-flips.toml"),
            Some("examples/coin-flips.toml")
        );
        assert_eq!(find("nope"), None);
        assert!(
            Bundled
                .read(
                    Path::new("examples/../examples/coin-flips.toml"),
                    Path::new("x.toml")
                )
                .is_ok()
        );
    }
}
