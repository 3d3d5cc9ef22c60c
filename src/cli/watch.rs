//! `--watch` for `run` and `compare`: rerun whenever a file the scenarios
//! were read from is saved.
//!
//! Which files: every file the scenario loader read (the file named and
//! every file it `extends` or reads through the scenario `Store`), found by
//! loading once more through a store that records what it is asked for.
//!
//! How a save is noticed: by polling those few files' size, modification
//! time and (for files under 1 MiB) content every quarter second. A poll of
//! a handful of files costs nothing measurable, needs no dependency, and
//! works alike on every system and file system (network shares included);
//! it also sees through the way many editors save (write a new file, rename
//! it over the old), which leaves an inotify watch on the old file blind.
//! After a change the files must hold still for a moment (an editor may
//! write in several steps) before the rerun starts.
//!
//! What the reader sees: the terminal table is printed afresh after every
//! rerun, with each number's change since the previous good run beside it.
//! An error (a typo in the file just saved) is printed at once and the
//! previous results stay on disk untouched (results are committed only
//! whole). The HTML report written in watch mode carries a small script
//! that reloads the page when `live.js` beside it names a newer version,
//! and shows the error over the last good results when the latest save
//! does not load; it needs no server (a `<script>` element may load a
//! local file where `fetch` may not).

use std::cell::RefCell;
use std::hash::{Hash, Hasher};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use clap::Args;

use super::analysis::CompareArgs;
use super::{ColorChoice, RunArgs, render_report};
use crate::Error;
use crate::diag::printable;
use crate::format;
use crate::output::OutputDir;
use crate::scenario::{self, Disk, DiskWithRoot, Refusal, Store};
use crate::summary::Summary;

#[derive(Args, Debug, Clone, Default)]
pub struct WatchArgs {
    /// Keep running: rerun whenever the scenario, or a file it extends or reads, is saved.
    /// The table shows each number's change since the previous run, and the HTML report open
    /// in a browser reloads itself; a mistake in the saved file is shown at once and the last
    /// good results stay. Stop with Ctrl-C
    #[arg(long)]
    pub watch: bool,
}

/// How often the files are looked at.
const POLL: Duration = Duration::from_millis(250);
/// How long the files must hold still after a change before the rerun.
const SETTLE: Duration = Duration::from_millis(150);
/// Files up to this size are compared by content too, so a save within
/// the file system's timestamp resolution is still seen.
const HASH_LIMIT: u64 = 1 << 20;

/// A store that notes every file the loader asks for.
struct Recording<'a> {
    inner: &'a dyn Store,
    read: RefCell<Vec<PathBuf>>,
}

impl Store for Recording<'_> {
    fn read(&self, path: &Path, top: &Path) -> Result<String, Refusal> {
        self.read.borrow_mut().push(path.to_path_buf());
        self.inner.read(path, top)
    }

    fn canonical(&self, path: &Path) -> PathBuf {
        self.inner.canonical(path)
    }
}

/// The files a scenario is read from; the file named is always among them,
/// even when it does not load.
fn files_read(file: &Path, root: Option<&Path>) -> Result<Vec<PathBuf>, Error> {
    if !file.is_file() {
        return Err(Error::Usage(format!(
            "--watch watches files on disk, and {} is not one (a bundled scenario cannot change); name a scenario file",
            file.display()
        )));
    }
    let disk_with_root;
    let inner: &dyn Store = match root {
        Some(root) => {
            disk_with_root = DiskWithRoot(root.to_path_buf());
            &disk_with_root
        }
        None => &Disk,
    };
    let recording = Recording {
        inner,
        read: RefCell::new(vec![file.to_path_buf()]),
    };
    // Whether it loads does not matter here: the run itself reports that.
    let _ = scenario::load(file, &recording, &[]);
    let mut files = recording.read.into_inner();
    files.sort();
    files.dedup();
    Ok(files)
}

/// What is known of a file to tell a save: size, modification time and a
/// hash of a small file's content; `None` while it does not exist.
type Print = Option<(u64, Option<SystemTime>, u64)>;

fn fingerprint(path: &Path) -> Print {
    let meta = std::fs::metadata(path).ok()?;
    let mut hash = 0;
    if meta.len() <= HASH_LIMIT
        && let Ok(bytes) = std::fs::read(path)
    {
        let mut h = std::hash::DefaultHasher::new();
        bytes.hash(&mut h);
        hash = h.finish();
    }
    Some((meta.len(), meta.modified().ok(), hash))
}

fn fingerprints(files: &[PathBuf]) -> Vec<Print> {
    files.iter().map(|f| fingerprint(f)).collect()
}

/// Block until one of `files` differs from `before` and then holds still.
fn wait_for_change(files: &[PathBuf], before: &[Print]) {
    loop {
        std::thread::sleep(POLL);
        let mut now = fingerprints(files);
        if now == before {
            continue;
        }
        loop {
            std::thread::sleep(SETTLE);
            let again = fingerprints(files);
            if again == now {
                return;
            }
            now = again;
        }
    }
}

/// The script added to a report in watch mode, for `version`.
fn reload_script(version: &str) -> String {
    format!(
        r#"<div id="polsim-live" hidden style="position:fixed;top:0;left:0;right:0;z-index:10;background:#fdf6e7;border-bottom:4px solid #E69F00;padding:.5rem 1rem;font:14px/1.4 ui-monospace,'DejaVu Sans Mono',monospace;white-space:pre-wrap;max-height:50vh;overflow:auto"></div>
<script>
(function () {{
  var shown = "{version}";
  var banner = document.getElementById("polsim-live");
  window.polsimLive = function (version, error) {{
    if (version !== shown) {{ location.reload(); return; }}
    banner.textContent = error ? "The last save does not run; these are the last good results.\n\n" + error : "";
    banner.hidden = !error;
  }};
  setInterval(function () {{
    var s = document.createElement("script");
    s.src = "live.js?" + Date.now();
    s.onload = s.onerror = function () {{ s.remove(); }};
    document.head.appendChild(s);
  }}, 1000);
}})();
</script>
"#
    )
}

/// live.js: the version of the results on disk, and the error of the
/// latest save if it did not run.
fn live_js(version: &str, error: Option<&str>) -> Vec<u8> {
    let error = error.map_or("null".to_string(), |e| {
        serde_json::Value::String(e.to_string()).to_string()
    });
    format!(
        "polsimLive({}, {error});\n",
        serde_json::Value::String(version.into())
    )
    .into_bytes()
}

/// Add the reload script to the reports written and write live.js.
fn make_live(out: &OutputDir, written: &[PathBuf], version: &str) -> Result<Vec<PathBuf>, Error> {
    let mut reports = 0;
    for path in written {
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        if !name.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8_lossy(&out.read_back(name).map_err(Error::Io)?).into_owned();
        let script = reload_script(version);
        let live = match html.rfind("</body>") {
            Some(at) => format!("{}{script}{}", &html[..at], &html[at..]),
            None => format!("{html}{script}"),
        };
        out.write(name, live.as_bytes()).map_err(Error::Io)?;
        reports += 1;
    }
    if reports == 0 {
        return Ok(Vec::new());
    }
    Ok(vec![
        out.write("live.js", &live_js(version, None))
            .map_err(Error::Io)?,
    ])
}

/// An error as the terminal shows it, and as plain text for the browser.
fn error_texts(e: &Error) -> (String, String) {
    match e {
        Error::Scenario(report) => (
            render_report(report, ColorChoice::Auto),
            report.render(false),
        ),
        other => {
            let text = crate::diag::tidy(&other.to_string());
            (format!("error: {text}"), text)
        }
    }
}

/// The loop shared by `run --watch` and `compare --watch`: `once` runs and
/// prints, given the version to stamp the reports with, and returns the
/// results folder.
fn watch_loop(
    files: &dyn Fn() -> Result<Vec<PathBuf>, Error>,
    once: &mut dyn FnMut(&str, u64) -> Result<PathBuf, Error>,
) -> Result<(), Error> {
    let mut round = 0u64;
    let mut version = String::new();
    let mut last_dir: Option<PathBuf> = None;
    let mut watched: Vec<PathBuf> = Vec::new();
    loop {
        round += 1;
        // A file gone for good after the first run: keep watching the
        // files known, so that putting it back reruns.
        match files() {
            Ok(now) => watched = now,
            Err(e) if round == 1 => return Err(e),
            Err(_) => {}
        }
        // Taken before the run, so a save during the run (or just after
        // it) still starts the next one.
        let before = fingerprints(&watched);
        let next = format!("{}-{round}", std::process::id());
        match once(&next, round) {
            Ok(dir) => {
                version = next;
                last_dir = Some(dir);
            }
            Err(e) => {
                let (shown, plain) = error_texts(&e);
                // The page keeps its results and shows the error.
                if let Some(dir) = &last_dir
                    && dir.join("live.js").exists()
                {
                    let _ = crate::output::write_atomic(
                        &dir.join("live.js"),
                        &live_js(&version, Some(&plain)),
                    );
                }
                eprintln!("{shown}");
                if let Some(dir) = &last_dir {
                    eprintln!(
                        "(rerun {round} failed; the last good results stay in {})",
                        dir.display()
                    );
                }
            }
        }
        let names: Vec<String> = watched.iter().map(|f| f.display().to_string()).collect();
        println!(
            "{}",
            printable(&format!(
                "watching {} for changes (Ctrl-C to stop)",
                names.join(", ")
            ))
        );
        wait_for_change(&watched, &before);
    }
}

/// Start a fresh screen on a terminal, so the table reads as one refreshed view.
fn clear_screen() {
    if std::io::stdout().is_terminal() {
        print!("\x1b[2J\x1b[H");
    }
}

fn refuse(flags: &[(&str, bool)]) -> Result<(), Error> {
    for (flag, given) in flags {
        if *given {
            return Err(Error::Usage(format!(
                "--watch reruns and refreshes a table on every save; it cannot be combined with {flag}: leave one of them out"
            )));
        }
    }
    Ok(())
}

/// `polsim run FILE --watch`.
pub fn watch_run(args: &RunArgs) -> Result<(), Error> {
    refuse(&[
        ("--json", args.json),
        ("--quiet", args.quiet),
        ("--precision", args.stop.precision.is_some()),
        ("--shard", args.shard.is_some()),
    ])?;
    let file = args.file.clone().ok_or_else(|| {
        Error::Usage("--watch needs a scenario file to watch: polsim run FILE --watch".into())
    })?;
    let root = args.sim.root.clone();
    let mut previous: Option<Summary> = None;
    watch_loop(
        &|| files_read(&file, root.as_deref()),
        &mut |version, round| {
            let (summary, dir, written) =
                super::run_once(args, &mut |out, written| make_live(out, written, version))?;
            clear_screen();
            print!(
                "{}",
                printable(&run_table(&summary, previous.as_ref(), round))
            );
            println!(
                "\n{}",
                printable(&crate::output::table::written(&dir, &written))
            );
            previous = Some(summary);
            Ok(dir)
        },
    )
}

/// `polsim compare A B ... --watch`.
pub fn watch_compare(args: &CompareArgs) -> Result<(), Error> {
    refuse(&[
        ("--json", args.out.json),
        ("--quiet", args.out.quiet),
        ("--precision", args.stop.precision.is_some()),
    ])?;
    let files = super::analysis::scenario_files(&args.files)?;
    let root = args.sim.root.clone();
    let mut previous: Option<Vec<Summary>> = None;
    watch_loop(
        &|| {
            let mut all = Vec::new();
            for f in &files {
                all.extend(files_read(f, root.as_deref())?);
            }
            all.sort();
            all.dedup();
            Ok(all)
        },
        &mut |version, round| {
            let (comparison, decision, dir, written) =
                super::analysis::compare_once(args, &mut |out, written| {
                    make_live(out, written, version)
                })?;
            clear_screen();
            let mut text = compare_table(&comparison.summaries, previous.as_deref(), round);
            if let Some(d) = &decision {
                text.push_str(&crate::output::decision::table(d));
            }
            print!("{}", printable(&text));
            println!(
                "\n{}",
                printable(&crate::output::table::written(&dir, &written))
            );
            previous = Some(comparison.summaries);
            Ok(dir)
        },
    )
}

/// Each reported quantity of a summary: (outcome name, category, label,
/// whether a chance, estimate, low, high).
type Row = (String, Option<String>, String, bool, f64, f64, f64);

fn rows(summary: &Summary) -> Vec<Row> {
    let mut out = Vec::new();
    for o in &summary.outcomes {
        if o.categories.is_empty() {
            if let Some((p, lo, hi)) = o.estimate(None) {
                out.push((
                    o.name.clone(),
                    None,
                    o.label.clone(),
                    o.kind != "number",
                    p,
                    lo,
                    hi,
                ));
            }
        } else {
            for (c, e) in &o.categories {
                out.push((
                    o.name.clone(),
                    Some(c.clone()),
                    format!("{}: {c}", o.label),
                    true,
                    e.p,
                    e.lo,
                    e.hi,
                ));
            }
        }
    }
    out
}

fn value(chance: bool, x: f64) -> String {
    if chance {
        format::probability(x)
    } else {
        format::number(x)
    }
}

/// The change of a number since the previous run, as the table shows it.
fn change(chance: bool, now: f64, before: Option<f64>) -> String {
    match before {
        None => "(new)".into(),
        Some(b) if b == now || (b.is_nan() && now.is_nan()) => "no change".into(),
        Some(b) if chance => {
            let d = now - b;
            let text = format::probability(d);
            if d > 0.0 { format!("+{text}") } else { text }
        }
        Some(b) => format::signed_number(now - b),
    }
}

fn find(rows: &[Row], name: &str, category: &Option<String>) -> Option<f64> {
    rows.iter()
        .find(|r| r.0 == name && &r.1 == category)
        .map(|r| r.4)
}

/// The table of a watched run: each outcome with its change since the
/// previous good run.
pub fn run_table(summary: &Summary, previous: Option<&Summary>, round: u64) -> String {
    let p = &summary.provenance;
    let mut out = format!(
        "run {round} — {}: {} runs, seed {}{}\n\n",
        summary.name,
        format::count(p.runs),
        p.seed,
        if round > 1 {
            "; changes since the previous run"
        } else {
            ""
        }
    );
    let now = rows(summary);
    let before = previous.map(rows);
    let width = now
        .iter()
        .map(|r| r.2.chars().count())
        .max()
        .unwrap_or(7)
        .max(7);
    out.push_str(&format!(
        "  {:<width$}  {:>9}  {:<20}  {}\n",
        "outcome", "estimate", "95% interval", "change"
    ));
    for r in &now {
        let was = before.as_ref().map(|b| find(b, &r.0, &r.1));
        out.push_str(&format!(
            "  {:<width$}  {:>9}  {:<20}  {}\n",
            r.2,
            value(r.3, r.4),
            format!("[{}, {}]", value(r.3, r.5), value(r.3, r.6)),
            match was {
                None => String::new(),
                Some(w) => change(r.3, r.4, w),
            }
        ));
    }
    out
}

/// The table of a watched comparison: each outcome in each scenario, and
/// its difference from the first, each with its change since the
/// previous good run.
pub fn compare_table(summaries: &[Summary], previous: Option<&[Summary]>, round: u64) -> String {
    let Some(first) = summaries.first() else {
        return String::new();
    };
    let p = &first.provenance;
    let mut out = format!(
        "compare {round} — {} scenarios, {} runs each, seed {}{}\n",
        summaries.len(),
        format::count(p.runs),
        p.seed,
        if round > 1 {
            "; changes since the previous run"
        } else {
            ""
        }
    );
    let width = summaries
        .iter()
        .map(|s| s.name.chars().count())
        .max()
        .unwrap_or(8)
        .max(8);
    let now: Vec<Vec<Row>> = summaries.iter().map(rows).collect();
    let before: Option<Vec<Vec<Row>>> = previous.map(|p| p.iter().map(rows).collect());
    for r in &now[0] {
        out.push_str(&format!("\n{}\n", r.2));
        out.push_str(&format!(
            "  {:<width$}  {:>9}  {:>10}  {:>10}  {:>10}\n",
            "scenario", "estimate", "change", "vs first", "change"
        ));
        let base = r.4;
        let base_before = before.as_ref().and_then(|b| find(&b[0], &r.0, &r.1));
        for (s, summary) in summaries.iter().enumerate() {
            let Some(x) = find(&now[s], &r.0, &r.1) else {
                continue;
            };
            let was = before
                .as_ref()
                .map(|b| b.get(s).and_then(|rows| find(rows, &r.0, &r.1)));
            let mut line = format!(
                "  {:<width$}  {:>9}  {:>10}",
                summary.name,
                value(r.3, x),
                was.map_or(String::new(), |w| change(r.3, x, w))
            );
            if s > 0 {
                let diff = x - base;
                let diff_before = was.flatten().zip(base_before).map(|(w, b)| w - b);
                let shown = if r.3 {
                    let t = format::probability(diff);
                    if diff > 0.0 { format!("+{t}") } else { t }
                } else {
                    format::signed_number(diff)
                };
                line.push_str(&format!(
                    "  {:>10}  {:>10}",
                    shown,
                    if before.is_some() {
                        change(r.3, diff, diff_before)
                    } else {
                        String::new()
                    }
                ));
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn live_js_carries_the_version_and_the_error_as_strings() {
        assert_eq!(live_js("12-3", None), b"polsimLive(\"12-3\", null);\n");
        let text = String::from_utf8(live_js("1-1", Some("bad \"x\"\n</script>"))).unwrap();
        assert_eq!(
            text,
            "polsimLive(\"1-1\", \"bad \\\"x\\\"\\n</script>\");\n"
        );
    }

    #[test]
    fn changes_read_as_signed_differences() {
        assert_eq!(change(true, 0.25, Some(0.2)), "+0.0500");
        assert_eq!(change(false, 10.0, Some(12.5)), "-2.500");
        assert_eq!(change(false, 3.0, Some(3.0)), "no change");
        assert_eq!(change(true, 0.5, None), "(new)");
    }

    #[test]
    fn a_change_to_a_file_is_seen() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.toml");
        std::fs::write(&path, "x = 1\n").unwrap();
        let before = fingerprints(std::slice::from_ref(&path));
        // Same size and, on a coarse clock, the same time: the content
        // still tells them apart.
        std::fs::write(&path, "x = 2\n").unwrap();
        assert_ne!(before, fingerprints(std::slice::from_ref(&path)));
        std::fs::remove_file(&path).unwrap();
        assert_eq!(fingerprints(std::slice::from_ref(&path)), vec![None]);
    }
}
