//! Scenario text in, a checked model or a rendered report out; never a
//! panic. The text is read through an in-memory store, so nothing touches
//! the disk. A model that checks is compiled (compiling a checked model
//! cannot fail) and its evaluation order printed, as `polsim check` does.

#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use polsim::scenario::{self, OneText, Override};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // The last line may be a `--set` override, to fuzz those too.
    let (text, overrides) = match text.rsplit_once("\n#set ") {
        Some((body, set)) => match Override::parse(set) {
            Ok(o) => (body, vec![o]),
            Err(_) => (text, Vec::new()),
        },
        None => (text, Vec::new()),
    };
    match scenario::load(Path::new("fuzz.toml"), &OneText(text), &overrides) {
        Ok(model) => {
            let _ = polsim::engine::compile::compile(&model, None);
            let _ = polsim::cli::evaluation_order(&model);
            let _ = polsim::graph::dot_with(&model, &polsim::graph::Options::default());
        }
        Err(report) => {
            let _ = report.render(false);
        }
    }
});
