//! Embeds every scenario under scenarios/ in the binary, so `polsim run`
//! with no file, `polsim scenarios` and bundled names work from anywhere.

use std::fmt::Write as _;
use std::path::Path;
use std::{env, fs};

fn collect(dir: &Path, root: &Path, ext: &str, out: &mut Vec<(String, String)>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            collect(&path, root, ext, out);
        } else if path.extension().is_some_and(|e| e == ext) {
            let rel = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            out.push((
                rel,
                path.canonicalize()
                    .unwrap_or(path.clone())
                    .display()
                    .to_string(),
            ));
        }
    }
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    println!("cargo:rerun-if-changed=scenarios");
    let mut code = String::new();
    // The scenarios, and the data files (CSV) their `[inputs]` read.
    for (ext, name, what) in [("toml", "FILES", "scenario"), ("csv", "DATA", "data file")] {
        let mut files = Vec::new();
        collect(&root, &root, ext, &mut files);
        for (_, abs) in &files {
            println!("cargo:rerun-if-changed={abs}");
        }
        let _ = writeln!(
            code,
            "/// (path under scenarios/, text) of every bundled {what}.\npub static {name}: &[(&str, &str)] = &["
        );
        for (rel, abs) in &files {
            let _ = writeln!(code, "    ({rel:?}, include_str!({abs:?})),");
        }
        code.push_str("];\n");
    }
    let out = Path::new(&env::var("OUT_DIR").expect("OUT_DIR is set by cargo")).join("bundled.rs");
    fs::write(out, code).expect("write bundled.rs");
}
