//! Parameters drawn from the rows of a CSV file (`sample = { file, column, weight }`).

use std::path::Path;

use crate::common::polsim;

const ROWS: &str = "a,b,w\n1,10,1\n2,20,1\n3,30,1\n4,40,1\n5,50,4\n";

const SCENARIO: &str = r#"
[scenario]
steps = 1
seed = 9
[parameters.x]
sample = { file = "rows.csv", column = "a", weight = "w" }
[parameters.y]
sample = { file = "rows.csv", column = "b", weight = "w" }
[parameters.z]
dist = "uniform(0, 1)"
[outcomes]
total = "x + y + z"
"#;

/// Write `files` into a fresh folder.
fn folder(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).expect("write");
    }
    dir
}

/// The columns of runs.csv of `file` after `runs` runs on `threads`.
fn columns(file: &Path, runs: u64, threads: usize, names: &[&str]) -> Vec<Vec<f64>> {
    let out = file.with_extension("out");
    polsim()
        .args([
            "run",
            "--runs",
            &runs.to_string(),
            "--threads",
            &threads.to_string(),
        ])
        .args(["--runs-csv", "--no-charts", "--quiet", "--out"])
        .arg(&out)
        .arg(file)
        .assert()
        .success();
    let csv = std::fs::read_to_string(out.join("runs.csv")).expect("runs.csv");
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let rows: Vec<Vec<f64>> = lines
        .map(|l| l.split(',').map(|x| x.parse().expect("number")).collect())
        .collect();
    names
        .iter()
        .map(|n| {
            let i = header.iter().position(|h| h == n).expect("column");
            rows.iter().map(|r| r[i]).collect()
        })
        .collect()
}

#[test]
fn rows_are_drawn_whole_and_in_proportion_to_their_weights() {
    let dir = folder(&[("rows.csv", ROWS), ("s.toml", SCENARIO)]);
    let runs = 20_000;
    let drawn = columns(&dir.path().join("s.toml"), runs, 0, &["x", "y"]);
    let (x, y) = (&drawn[0], &drawn[1]);
    // Whole rows: y is always the b of x's row, 10 x.
    assert!(x.iter().zip(y).all(|(a, b)| *b == 10.0 * a));
    // The weighted column, by hand: weights 1,1,1,1,4 over 8; mean
    // (1+2+3+4+20)/8 = 3.75, E[x^2] = (1+4+9+16+100)/8 = 16.25, so the
    // variance is 16.25 - 3.75^2 = 2.1875.
    let n = runs as f64;
    let mean = x.iter().sum::<f64>() / n;
    let mcse = (2.1875 / n).sqrt();
    assert!((mean - 3.75).abs() < 5.0 * mcse, "mean {mean}");
    // Quantiles: P(x <= 3) = 3/8 and P(x = 5) = 1/2, each within 5 binomial MCSE.
    for (share, p) in [
        (x.iter().filter(|&&v| v <= 3.0).count() as f64 / n, 0.375),
        (x.iter().filter(|&&v| v == 5.0).count() as f64 / n, 0.5),
    ] {
        let se = (p * (1.0 - p) / n).sqrt();
        assert!((share - p).abs() < 5.0 * se, "share {share} against {p}");
    }
}

#[test]
fn rows_are_the_same_on_any_thread_count_and_in_a_variant() {
    let variant = "extends = \"s.toml\"\n[parameters.z]\ndist = \"normal(5, 1)\"\n";
    let dir = folder(&[
        ("rows.csv", ROWS),
        ("s.toml", SCENARIO),
        ("v.toml", variant),
    ]);
    let one = columns(&dir.path().join("s.toml"), 3000, 1, &["x", "y"]);
    let many = columns(&dir.path().join("s.toml"), 3000, 3, &["x", "y"]);
    assert_eq!(one, many);
    // Common random numbers: the variant changes z only, and draws the
    // same rows run by run (the row's stream is keyed by the file).
    let other = columns(&dir.path().join("v.toml"), 3000, 2, &["x", "y"]);
    assert_eq!(one, other);
}

#[test]
fn bad_sample_files_are_reported_with_their_lines() {
    let cases: &[(&str, &str, &[&str])] = &[
        (
            "a,w\n1,1\nx,1\n",
            "a",
            &["rows.csv:3`: column `a`: `x` is not a finite number"],
        ),
        (
            "a,w\n1,1\n2,-1\n",
            "a",
            &["rows.csv:3`: column `w`: the weight -1 is negative"],
        ),
        ("a,w\n1,0\n2,0\n", "a", &["every weight in column `w`"]),
        (
            "a,w\n1,1\n",
            "c",
            &["has no column `c`", "the file's columns are: a, w"],
        ),
        ("", "a", &["is empty"]),
        ("a,w\n", "a", &["has a header but no rows"]),
        (
            "a,w\n1,1\n2\n",
            "a",
            &["rows.csv:3`: this row has 1 fields, the header 2"],
        ),
    ];
    for (rows, column, wants) in cases {
        let scenario = format!(
            "[scenario]\nsteps = 1\n[parameters.x]\nsample = {{ file = \"rows.csv\", column = \"{column}\", weight = \"w\" }}\n[outcomes]\no = \"x\"\n"
        );
        let dir = folder(&[("rows.csv", rows), ("s.toml", &scenario)]);
        let out = polsim()
            .arg("check")
            .arg(dir.path().join("s.toml"))
            .assert()
            .code(2);
        let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
        for want in *wants {
            assert!(
                stderr.contains(want),
                "{rows:?}: wanted {want:?} in\n{stderr}"
            );
        }
        assert!(
            stderr.contains("s.toml:4:"),
            "points at the sample:\n{stderr}"
        );
    }
}

#[test]
fn a_sample_file_outside_the_scenario_folder_is_refused() {
    let outer = folder(&[("secret.csv", "a\n1\n")]);
    let inner = outer.path().join("inner");
    std::fs::create_dir(&inner).expect("mkdir");
    std::fs::write(
        inner.join("s.toml"),
        "[scenario]\nsteps = 1\n[parameters.x]\nsample = { file = \"../secret.csv\", column = \"a\" }\n[outcomes]\no = \"x\"\n",
    )
    .expect("write");
    let out = polsim()
        .arg("check")
        .arg(inner.join("s.toml"))
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(stderr.contains("outside the folder tree"), "{stderr}");
    // --root widens the rule, as for `extends`.
    polsim()
        .arg("check")
        .arg(inner.join("s.toml"))
        .arg("--root")
        .arg(outer.path())
        .assert()
        .success();
}

#[test]
fn check_lists_the_parameters_drawn_together() {
    let dir = folder(&[("rows.csv", ROWS), ("s.toml", SCENARIO)]);
    let out = polsim()
        .arg("check")
        .arg(dir.path().join("s.toml"))
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert!(stdout.contains("(5 rows, weighted by `w`)"), "{stdout}");
    assert!(
        stdout.contains("(one row per run, the same for each): x, y"),
        "{stdout}"
    );
}
