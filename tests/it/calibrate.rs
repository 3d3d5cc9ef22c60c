//! `polsim calibrate`: recovers known parameters from synthetic data, writes
//! a posterior and a calibrated scenario that runs, is the same on any
//! thread count, and refuses bad observations clearly.

use std::path::{Path, PathBuf};

use crate::common::{polsim, root};

const SCENARIO: &str = "scenarios/examples/armed-group.toml";
const DATA: &str = "scenarios/examples/armed-group-observed.csv";

/// Run calibrate into a fresh folder; returns the folder (kept alive by the TempDir).
fn calibrate(extra: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("cal");
    polsim()
        .args(["calibrate", SCENARIO, "--data", DATA, "--quiet", "--out"])
        .arg(&out)
        .args(extra)
        .assert()
        .success();
    (dir, out)
}

/// posterior.csv as columns by name.
fn posterior(out: &Path) -> (Vec<String>, Vec<Vec<f64>>) {
    let csv = std::fs::read_to_string(out.join("posterior.csv")).expect("posterior.csv");
    let mut lines = csv.lines();
    let header: Vec<String> = lines
        .next()
        .expect("header")
        .split(',')
        .map(String::from)
        .collect();
    let rows: Vec<Vec<f64>> = lines
        .map(|l| l.split(',').map(|x| x.parse().expect("number")).collect())
        .collect();
    let columns = (0..header.len())
        .map(|i| rows.iter().map(|r| r[i]).collect())
        .collect();
    (header, columns)
}

fn column<'a>(p: &'a (Vec<String>, Vec<Vec<f64>>), name: &str) -> &'a [f64] {
    let i = p.0.iter().position(|h| h == name).expect("column");
    &p.1[i]
}

/// Weighted (mean, sd, [p5, p95]).
fn stats(values: &[f64], weights: &[f64]) -> (f64, f64, [f64; 2]) {
    let total: f64 = weights.iter().sum();
    let mean = values.iter().zip(weights).map(|(v, w)| v * w).sum::<f64>() / total;
    let var = values
        .iter()
        .zip(weights)
        .map(|(v, w)| w * (v - mean).powi(2))
        .sum::<f64>()
        / total;
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let q = |p: f64| {
        let mut acc = 0.0;
        for &i in &order {
            acc += weights[i] / total;
            if acc >= p {
                return values[i];
            }
        }
        values[order[order.len() - 1]]
    };
    (mean, var.sqrt(), [q(0.05), q(0.95)])
}

#[test]
fn the_posterior_covers_the_parameters_the_data_were_made_with() {
    // The observations were simulated with recruitment 0.05 and attrition
    // 0.02 (net growth 0.03 a month) and measured with an error of sd 40
    // (docs/analysis.md says how). Only the net growth shows in a year of
    // counts; the amnesty starts after the data end.
    let (_dir, out) = calibrate(&["--particles", "400", "--runs", "4000", "--seed", "3"]);
    let p = posterior(&out);
    let w = column(&p, "weight").to_vec();
    assert!((w.iter().sum::<f64>() - 1.0).abs() < 1e-9);
    let (r, a) = (column(&p, "recruitment"), column(&p, "attrition"));
    let net: Vec<f64> = r.iter().zip(a).map(|(r, a)| r - a).collect();
    // Each truth inside its 90% posterior interval: a calibrated posterior
    // does this with chance 0.9 for each, and noisy ABC's posterior is if
    // anything wider than the exact one; the seed is fixed.
    for (name, values, truth) in [
        ("recruitment", r, 0.05),
        ("attrition", a, 0.02),
        ("net growth", &net[..], 0.03),
    ] {
        let (_, _, [lo, hi]) = stats(values, &w);
        assert!(
            lo <= truth && truth <= hi,
            "{name}: {truth} outside [{lo}, {hi}]"
        );
    }
    // The data pin the net growth down: the prior's sd of recruitment -
    // attrition is sqrt(0.07^2 + 0.045^2) / sqrt 12 = 0.0240 (uniform
    // priors, by hand); the posterior's is less than a quarter of that.
    let (_, sd, _) = stats(&net, &w);
    assert!(sd < 0.006, "net growth sd {sd}");
    // And say nothing of the amnesty: its posterior sd stays near the
    // prior beta(2, 5)'s, sqrt(10 / (49 * 8)) = 0.1597; the sampling error of
    // a weighted sd from a few hundred effective particles is about 5%.
    let (_, amnesty_sd, _) = stats(column(&p, "amnesty_uptake"), &w);
    assert!(
        (amnesty_sd / 0.1597 - 1.0).abs() < 0.25,
        "amnesty sd {amnesty_sd}"
    );
    let report = std::fs::read_to_string(out.join("calibrate.md")).expect("calibrate.md");
    assert!(
        report.contains("| amnesty\\_uptake |") && report.contains("not informed"),
        "{report}"
    );
    for chart in ["calibrated-recruitment.png", "fit-members.png"] {
        assert!(out.join("charts").join(chart).exists(), "{chart}");
    }
}

#[test]
fn a_calibration_is_the_same_on_any_thread_count() {
    let small = [
        "--particles",
        "60",
        "--runs",
        "300",
        "--generations",
        "2",
        "--no-charts",
    ];
    let (_a, one) = calibrate(&[&small[..], &["--threads", "1"]].concat());
    let (_b, three) = calibrate(&[&small[..], &["--threads", "3"]].concat());
    for file in ["posterior.csv", "generations.csv"] {
        assert_eq!(
            std::fs::read(one.join(file)).expect("one"),
            std::fs::read(three.join(file)).expect("three"),
            "{file}"
        );
    }
}

#[test]
fn the_calibrated_scenario_runs_and_draws_the_posterior_rows() {
    let (_dir, out) = calibrate(&[
        "--particles",
        "50",
        "--runs",
        "200",
        "--generations",
        "1",
        "--no-charts",
        "--set",
        "amnesty_uptake=0.4",
    ]);
    let variant = out.join("calibrated.toml");
    let text = std::fs::read_to_string(&variant).expect("calibrated.toml");
    // A --set of a parameter carries into the variant, as its `dist`.
    assert!(
        text.contains("[parameters.amnesty_uptake]\ndist = \"0.4\""),
        "{text}"
    );
    assert!(text.contains("extends = ") && text.contains("sample = { file = \"posterior.csv\", column = \"recruitment\", weight = \"weight\" }"), "{text}");
    let runs = out.join("run");
    polsim()
        .args([
            "run",
            "--runs",
            "500",
            "--runs-csv",
            "--no-charts",
            "--quiet",
            "--root",
        ])
        .arg(root().join("scenarios/examples"))
        .arg("--out")
        .arg(&runs)
        .arg(&variant)
        .assert()
        .success();
    // Every run's (recruitment, attrition) is a row of the posterior.
    let p = posterior(&out);
    let pairs: Vec<(f64, f64)> = column(&p, "recruitment")
        .iter()
        .copied()
        .zip(column(&p, "attrition").iter().copied())
        .collect();
    let csv = std::fs::read_to_string(runs.join("runs.csv")).expect("runs.csv");
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let (ri, ai) = (
        header.iter().position(|h| *h == "recruitment").expect("r"),
        header.iter().position(|h| *h == "attrition").expect("a"),
    );
    for line in lines {
        let cells: Vec<f64> = line
            .split(',')
            .map(|c| c.parse().expect("number"))
            .collect();
        assert!(pairs.contains(&(cells[ri], cells[ai])), "{line}");
    }
}

/// Calibrate against `data` (written to a file) and return stderr; exit code 2.
fn refused(data: &str, extra: &[&str]) -> String {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("observed.csv");
    std::fs::write(&file, data).expect("write");
    let out = polsim()
        .args(["calibrate", SCENARIO, "--quiet", "--no-charts", "--data"])
        .arg(&file)
        .arg("--out")
        .arg(dir.path().join("out"))
        .args(extra)
        .assert()
        .code(2);
    String::from_utf8_lossy(&out.get_output().stderr).to_string()
}

#[test]
fn bad_observations_get_clear_messages() {
    let unknown = refused(
        "date,variable,value\n2025-03,membrs,1200\n2025-04,recruitment,0.1\n",
        &[],
    );
    assert!(
        unknown.contains(
            "observed.csv:2: `membrs` is not a variable of armed-group; did you mean `members`?"
        ),
        "{unknown}"
    );
    assert!(
        unknown.contains("observed.csv:3: `recruitment` is a parameter"),
        "{unknown}"
    );
    let outside = refused(
        "date,variable,value\n2027-06,members,1200\n2024-12,members,1200\n",
        &[],
    );
    assert!(outside.contains("observed.csv:2: date 2027-06, step 29, is after the scenario's horizon; observations must fall within steps 1 to 24 (2025-02 to 2027-01)"), "{outside}");
    assert!(
        outside.contains("observed.csv:3: date 2024-12, step -1, is before the first step"),
        "{outside}"
    );
    let bad = refused(
        "step,variable,value,sd\n3,members,many,\n4,members,1300,0\n",
        &[],
    );
    assert!(
        bad.contains("observed.csv:2: value `many` is not a finite number"),
        "{bad}"
    );
    assert!(
        bad.contains("observed.csv:3: sd `0` is not a positive number"),
        "{bad}"
    );
    let columns = refused("when,variable,value\n", &[]);
    assert!(columns.contains("no column date (or step)"), "{columns}");
    let none = refused(
        "step,variable,value,sd\n3,members,99000,1\n",
        &[
            "--particles",
            "20",
            "--runs",
            "100",
            "--generations",
            "1",
            "--tolerance",
            "0.5",
        ],
    );
    assert!(
        none.contains("no accepted particles: no simulation came within the tolerance 0.5"),
        "{none}"
    );
}

#[test]
fn help_speaks_to_the_analyst() {
    let out = polsim().args(["calibrate", "--help"]).assert().success();
    let help = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    for want in [
        "reproduce what has been observed",
        "date (or step)",
        "posterior.csv",
        "calibrated.toml",
        "--particles",
        "--tolerance",
    ] {
        assert!(help.contains(want), "{want}:\n{help}");
    }
}
