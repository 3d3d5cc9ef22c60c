//! Scenario discovery (`polsim discover`), the decision view of `compare`
//! and `--watch`, driven through the binary.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use crate::common::polsim;

/// A model whose condition holds exactly in a known box: `hit` is
/// `a > 0.7 and b < 0.4`, with `c` irrelevant (12% of the runs).
const BOXED: &str = r#"
[scenario]
name = "boxed"
runs = 4000
seed = 3
steps = 1

[parameters.a]
dist = "uniform(0, 1)"
label = "Alpha share"
[parameters.b]
dist = "uniform(0, 1)"
[parameters.c]
dist = "uniform(0, 1)"

[state.level]
init = 0
update = "level + a"

[outcomes.hit]
expr = "a > 0.7 and b < 0.4"
label = "In the box"

[outcomes.level_end]
expr = "level"
label = "Level"
"#;

fn json_from(args: &[&str], dir: &Path) -> serde_json::Value {
    let out = polsim()
        .args(args)
        .args(["--no-charts", "--json", "--out"])
        .arg(dir.join("out"))
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("json")
}

#[test]
fn discover_finds_the_box_the_condition_was_built_from() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("boxed.toml");
    std::fs::write(&file, BOXED).unwrap();
    let file = file.to_string_lossy().into_owned();
    let v = json_from(&["discover", &file, "--where", "hit"], dir.path());
    let names: Vec<&str> = v["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["a", "b", "c"]);
    // Charts and the report call a parameter by its label, where it has one.
    let labels: Vec<&str> = v["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["Alpha share", "b", "c"]);
    let b = &v["boxes"][0];
    let step = &b["trajectory"][b["chosen"].as_u64().unwrap() as usize];
    // The true box is a in (0.7, 1], b in [0, 0.4): peeling moves in
    // slices of 5% of the box, so each limit lands within one slice of it.
    let limits = step["limits"].as_array().unwrap();
    let a_low = limits[0][0].as_f64().unwrap();
    let b_high = limits[1][1].as_f64().unwrap();
    assert!((a_low - 0.7).abs() < 0.03, "a from {a_low}");
    assert!((b_high - 0.4).abs() < 0.03, "b up to {b_high}");
    assert_eq!(step["restricted"], 2);
    assert!(step["density"].as_f64().unwrap() > 0.95, "{step}");
    assert!(step["coverage"].as_f64().unwrap() > 0.9, "{step}");
    let restricted: Vec<u64> = b["restrictions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["parameter"].as_u64().unwrap())
        .collect();
    assert!(restricted.contains(&0) && restricted.contains(&1) && restricted.len() == 2);
}

#[test]
fn discover_and_the_decision_view_give_the_same_bytes_on_any_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("boxed.toml");
    std::fs::write(&file, BOXED).unwrap();
    let file = file.to_string_lossy().into_owned();
    let (keep, fixed) = options_files(dir.path());
    let outputs = |threads: &str| {
        let discover = polsim()
            .args(["discover", &file, "--where", "hit", "--boxes", "2"])
            .args([
                "--runs",
                "3000",
                "--json",
                "--no-charts",
                "--threads",
                threads,
            ])
            .arg("--out")
            .arg(dir.path().join(format!("d{threads}")))
            .output()
            .unwrap();
        let decide = polsim()
            .args([
                "compare", &keep, &fixed, "--decide", "y", "--better", "lower",
            ])
            .args(["--satisfice", "y > 0.5", "--decide-sweep", "x=0..1:3"])
            .args([
                "--runs",
                "3000",
                "--json",
                "--no-charts",
                "--threads",
                threads,
            ])
            .arg("--out")
            .arg(dir.path().join(format!("c{threads}")))
            .output()
            .unwrap();
        assert!(discover.status.success() && decide.status.success());
        (discover.stdout, decide.stdout)
    };
    assert_eq!(outputs("1"), outputs("3"));
}

#[test]
fn discover_writes_its_tables_charts_and_report() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("boxed.toml");
    std::fs::write(&file, BOXED).unwrap();
    let out = dir.path().join("out");
    polsim()
        .arg("discover")
        .arg(&file)
        .args([
            "--where", "hit", "--runs", "1000", "--format", "svg", "--out",
        ])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicates::str::contains("Box 1 (step"))
        .stdout(predicates::str::contains("<- chosen"));
    let boxes = std::fs::read_to_string(out.join("discover-boxes.csv")).unwrap();
    assert!(boxes.starts_with("box,step,parameter,restricted,low,high"));
    assert_eq!(boxes.lines().count(), 4, "a row per parameter");
    let trajectory = std::fs::read_to_string(out.join("discover-trajectory.csv")).unwrap();
    assert!(trajectory.lines().next().unwrap().ends_with("c_low,c_high"));
    assert!(trajectory.lines().any(|l| l.contains(",peel,")));
    let html = std::fs::read_to_string(out.join("discover.html")).unwrap();
    assert!(html.contains("Box 1") && html.contains("<svg"));
    assert!(out.join("charts/discover-trajectory-box1.svg").exists());
    assert!(out.join("charts/discover-limits-box1.svg").exists());
    // --step picks another box on the trajectory; one past its end is refused.
    polsim()
        .arg("discover")
        .arg(&file)
        .args([
            "--where",
            "hit",
            "--runs",
            "1000",
            "--step",
            "999",
            "--no-charts",
            "--out",
        ])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "past the end of the peeling trajectory",
        ));
}

#[test]
fn discover_refuses_a_condition_no_run_or_every_run_meets() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("boxed.toml");
    std::fs::write(&file, BOXED).unwrap();
    for (condition, message) in [
        ("a > 2", "no run meets --where `a > 2` (0 of 500 runs)"),
        (
            "a >= 0",
            "every run meets --where `a >= 0` (500 of 500 runs)",
        ),
        ("nonsense > 1", "nonsense"),
    ] {
        polsim()
            .arg("discover")
            .arg(&file)
            .args([
                "--where",
                condition,
                "--runs",
                "500",
                "--no-charts",
                "--out",
            ])
            .arg(dir.path().join("out"))
            .assert()
            .code(2)
            .stderr(predicates::str::contains(message));
    }
    polsim()
        .arg("discover")
        .arg(&file)
        .args(["--where", "hit", "--peel", "0.7"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--peel 0.7 is out of range"));
}

/// Two options scored on `y`: `keep` gives y = x, `fixed` gives y = 0.4,
/// with x uniform on (0, 1).
fn options_files(dir: &Path) -> (String, String) {
    let text = |name: &str, y: &str| {
        format!(
            "[scenario]\nname = \"{name}\"\nruns = 20000\nseed = 5\nsteps = 1\n\n[parameters.x]\ndist = \"uniform(0, 1)\"\n\n[state.s]\ninit = 0\nupdate = \"s\"\n\n[outcomes.y]\nexpr = \"{y}\"\nlabel = \"Value\"\n"
        )
    };
    let keep = dir.join("keep.toml");
    let fixed = dir.join("fixed.toml");
    std::fs::write(&keep, text("keep", "x")).unwrap();
    std::fs::write(&fixed, text("fixed", "0.4")).unwrap();
    (
        keep.to_string_lossy().into_owned(),
        fixed.to_string_lossy().into_owned(),
    )
}

#[test]
fn regret_and_satisficing_match_their_closed_forms() {
    let dir = tempfile::tempdir().unwrap();
    let (keep, fixed) = options_files(dir.path());
    let v = json_from(
        &[
            "compare",
            &keep,
            &fixed,
            "--decide",
            "y",
            "--better",
            "higher",
            "--satisfice",
            "y >= 0.3",
        ],
        dir.path(),
    );
    let d = &v["decision"];
    let scores = d["scores"]["variants"].as_array().unwrap();
    // Closed forms, x ~ U(0, 1): the regret of `keep` is max(0, 0.4 - x),
    // mean 0.4^2 / 2 = 0.08; of `fixed`, max(0, x - 0.4), mean
    // 0.6^2 / 2 = 0.18. `keep` is best when x > 0.4 (60% of runs), `fixed`
    // when x < 0.4 (40%). `keep` meets y >= 0.3 when x >= 0.3 (70%),
    // `fixed` always. Each estimate within 5 of its standard errors.
    let check = |s: &serde_json::Value, regret: f64, best: f64, meets: f64| {
        let mean = s["mean_regret"].as_f64().unwrap();
        let se = s["regret_mcse"].as_f64().unwrap();
        assert!((mean - regret).abs() < 5.0 * se, "{s}");
        let share = s["best_share"].as_f64().unwrap();
        let share_se = (best * (1.0 - best) / 20000.0_f64).sqrt();
        assert!((share - best).abs() < 5.0 * share_se, "{s}");
        let met = s["satisficing"][0].as_f64().unwrap();
        let met_se = (meets * (1.0 - meets) / 20000.0_f64).sqrt().max(1e-9);
        assert!((met - meets).abs() < 5.0 * met_se + 1e-12, "{s}");
    };
    check(&scores[0], 0.08, 0.6, 0.7);
    check(&scores[1], 0.18, 0.4, 1.0);
    assert_eq!(d["scores"]["winner"], 0);
}

#[test]
fn over_a_sweep_the_winner_changes_where_the_closed_form_says() {
    let dir = tempfile::tempdir().unwrap();
    let (keep, fixed) = options_files(dir.path());
    let out = dir.path().join("out");
    polsim()
        .args(["compare", &keep, &fixed])
        .args(["--decide", "y", "--better", "higher"])
        .args([
            "--decide-sweep",
            "x=0..1:5",
            "--runs",
            "200",
            "--format",
            "svg",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicates::str::contains("which scenario wins where"));
    // At x = 0 and 0.25 `fixed` (0.4) is better, at 0.5 and above `keep`.
    let csv = std::fs::read_to_string(out.join("decision.csv")).unwrap();
    let winners: Vec<(String, String)> = csv
        .lines()
        .skip(1)
        .filter(|l| !l.starts_with(','))
        .filter(|l| l.ends_with(",1"))
        .map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            (cells[0].to_string(), cells[1].to_string())
        })
        .collect();
    assert_eq!(
        winners,
        [
            ("0".to_string(), "fixed".to_string()),
            ("0.25".into(), "fixed".into()),
            ("0.5".into(), "keep".into()),
            ("0.75".into(), "keep".into()),
            ("1".into(), "keep".into()),
        ]
    );
    let html = std::fs::read_to_string(out.join("compare.html")).unwrap();
    assert!(html.contains("id=\"decision\"") && html.contains("Which scenario wins where"));
    assert!(out.join("charts/decision-wins-where.svg").exists());
}

#[test]
fn the_decision_view_refuses_what_it_cannot_answer() {
    let dir = tempfile::tempdir().unwrap();
    let (keep, fixed) = options_files(dir.path());
    for (args, message) in [
        (
            vec!["--decide", "y"],
            "add --better higher or --better lower",
        ),
        (
            vec!["--decide", "z", "--better", "lower"],
            "`z` is not an outcome",
        ),
        (
            vec!["--better", "lower"],
            "--better and --decide-sweep go with --decide",
        ),
        (
            vec!["--satisfice", "y > 0", "--given", "y > 0.1"],
            "cannot be combined with --given",
        ),
    ] {
        polsim()
            .args([
                "compare",
                &keep,
                &fixed,
                "--runs",
                "100",
                "--no-charts",
                "--out",
            ])
            .arg(dir.path().join("out"))
            .args(&args)
            .assert()
            .code(2)
            .stderr(predicates::str::contains(message));
    }
}

/// Read a child's output lines on a thread, so the test can wait for a
/// line with a bound instead of blocking for ever.
fn lines_of(stream: impl std::io::Read + Send + 'static) -> mpsc::Receiver<String> {
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            if send.send(line).is_err() {
                break;
            }
        }
    });
    receive
}

/// Wait for a line containing `text`; gives up (and fails) after a generous
/// bound, which only guards against a hang: nothing is timed.
fn wait_for(lines: &mpsc::Receiver<String>, text: &str, seen: &mut Vec<String>) {
    loop {
        match lines.recv_timeout(Duration::from_secs(120)) {
            Ok(line) => {
                let found = line.contains(text);
                seen.push(line);
                if found {
                    return;
                }
            }
            Err(_) => panic!("no line with {text:?}; saw:\n{}", seen.join("\n")),
        }
    }
}

/// Kills the watching child however the test ends.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn watch_reruns_on_save_shows_changes_and_keeps_the_last_good_results() {
    let dir = tempfile::tempdir().unwrap();
    // The watched scenario extends a base file: saving the base reruns too.
    std::fs::write(dir.path().join("base.toml"), BOXED).unwrap();
    let leaf = dir.path().join("leaf.toml");
    std::fs::write(
        &leaf,
        "extends = \"base.toml\"\n\n[scenario]\nname = \"leaf\"\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let mut child = Child(
        Command::new(assert_cmd::cargo::cargo_bin("polsim"))
            .arg("run")
            .arg(&leaf)
            .args(["--watch", "--runs", "300", "--out"])
            .arg(&out)
            .args(["--format", "svg"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("starts"),
    );
    let stdout = lines_of(child.0.stdout.take().unwrap());
    let stderr = lines_of(child.0.stderr.take().unwrap());
    let mut seen = Vec::new();
    wait_for(&stdout, "watching", &mut seen);
    assert!(seen.iter().any(|l| l.starts_with("run 1")));
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("live.js"), "the report reloads itself");
    let version = std::fs::read_to_string(out.join("live.js")).unwrap();

    // A save of the base file: a rerun, with the change beside each number.
    let base = dir.path().join("base.toml");
    let changed = BOXED.replace("a > 0.7", "a > 0.5");
    std::fs::write(&base, &changed).unwrap();
    wait_for(&stdout, "run 2", &mut seen);
    wait_for(&stdout, "In the box", &mut seen);
    let row = seen.last().unwrap().clone();
    assert!(row.contains('+'), "the chance rose: {row}");
    wait_for(&stdout, "watching", &mut seen);
    assert_ne!(
        std::fs::read_to_string(out.join("live.js")).unwrap(),
        version
    );

    // A broken save: the error at once, and the last results stay.
    let summary = std::fs::read(out.join("summary.csv")).unwrap();
    std::fs::write(&base, changed.replace("uniform(0, 1)", "uniform(0, 1")).unwrap();
    let mut errors = Vec::new();
    wait_for(&stderr, "is not closed", &mut errors);
    wait_for(&stderr, "the last good results stay", &mut errors);
    assert_eq!(std::fs::read(out.join("summary.csv")).unwrap(), summary);
    let live = std::fs::read_to_string(out.join("live.js")).unwrap();
    assert!(live.contains("is not closed"), "{live}");

    // Fixed again: the next run.
    std::fs::write(&base, BOXED).unwrap();
    wait_for(&stdout, "run 4", &mut seen);
}
