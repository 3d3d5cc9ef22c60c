//! summary.xlsx (`--xlsx`), read back with calamine: its sheets, its values
//! against summary.csv's and compare.csv's, its provenance, and its bytes
//! across two runs.

use std::collections::HashMap;
use std::path::Path;

use calamine::{Data, Range, Reader, Xlsx, open_workbook};
use serde_json::Value;

use super::common::polsim;

/// 2026-11-28 00:00 UTC, so the workbook's date is known.
const EPOCH: &str = "1795824000";
const DATE: &str = "2026-11-28";

fn run(args: &[&str]) {
    let out = polsim()
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .args(args)
        .output()
        .expect("polsim runs");
    assert!(
        out.status.success(),
        "polsim {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn sheets(path: &Path) -> (Vec<String>, HashMap<String, Range<Data>>) {
    let mut book: Xlsx<_> = open_workbook(path).expect("summary.xlsx opens");
    let names = book.sheet_names();
    let ranges = names
        .iter()
        .map(|n| (n.clone(), book.worksheet_range(n).expect("sheet reads")))
        .collect();
    (names, ranges)
}

fn csv_rows(path: &Path) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(path)
        .expect("csv opens");
    reader
        .records()
        .map(|r| r.expect("csv row").iter().map(String::from).collect())
        .collect()
}

fn text(cell: &Data) -> String {
    match cell {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => panic!("expected text, found {other:?}"),
    }
}

/// A cell as summary.csv writes it: a number's shortest exact form, a text
/// as it is, nothing for an empty cell.
fn as_csv(cell: &Data) -> String {
    match cell {
        Data::Float(x) => format!("{x}"),
        Data::Int(n) => n.to_string(),
        _ => text(cell),
    }
}

/// The Provenance sheet as (fact, value) pairs of its first value column.
fn provenance(range: &Range<Data>) -> HashMap<String, String> {
    range
        .rows()
        .skip(1)
        .map(|row| (text(&row[0]), as_csv(&row[1])))
        .collect()
}

#[test]
fn run_xlsx_holds_summary_csv_and_the_provenance() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("a");
    let out_text = out.to_str().expect("utf-8 path");
    run(&[
        "run",
        "palmyra/baseline",
        "--runs",
        "500",
        "--seed",
        "7",
        "--set",
        "vetting_start_hazard=0.1",
        "--xlsx",
        "--no-charts",
        "-q",
        "--out",
        out_text,
    ]);
    let (names, ranges) = sheets(&out.join("summary.xlsx"));
    assert_eq!(
        names,
        ["Outcomes", "Time series", "Parameters", "Provenance"]
    );

    // Every cell of summary.csv is in Outcomes, under the same column, with
    // the same value to the last bit; the unit is the one column added.
    let csv = csv_rows(&out.join("summary.csv"));
    let outcomes = &ranges["Outcomes"];
    let rows: Vec<&[Data]> = outcomes.rows().collect();
    assert_eq!(rows.len(), csv.len(), "one row per summary.csv row");
    let header: Vec<String> = rows[0].iter().map(text).collect();
    let mut expected_header = csv[0].clone();
    expected_header.insert(2, "unit".into());
    assert_eq!(header, expected_header);
    let unit_col = 2;
    for (sheet_row, csv_row) in rows.iter().zip(&csv).skip(1) {
        let cells: Vec<String> = sheet_row
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != unit_col)
            .map(|(_, c)| as_csv(c))
            .collect();
        assert_eq!(&cells, csv_row);
    }
    // Units come from the scenario: trust is on a 0-1 scale there.
    let json: Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).expect("summary.json"))
            .expect("json");
    let trust = json["outcomes"]
        .as_array()
        .expect("outcomes")
        .iter()
        .find(|o| o["name"] == "trust_end")
        .expect("trust_end");
    let row = rows
        .iter()
        .find(|r| text(&r[0]) == "trust_end")
        .expect("trust_end row");
    assert_eq!(text(&row[unit_col]), trust["unit"].as_str().expect("unit"));

    // The time series: as many rows as timeseries.csv, the same values.
    let ts_csv = csv_rows(&out.join("timeseries.csv"));
    let series: Vec<&[Data]> = ranges["Time series"].rows().collect();
    assert_eq!(series.len(), ts_csv.len());
    for (sheet_row, csv_row) in series.iter().zip(&ts_csv).skip(1).step_by(97) {
        assert_eq!(as_csv(&sheet_row[0]), csv_row[0]);
        assert_eq!(as_csv(&sheet_row[2]), csv_row[2], "step");
        assert_eq!(as_csv(&sheet_row[4]), csv_row[4], "statistic");
        assert_eq!(as_csv(&sheet_row[5]), csv_row[5], "value");
    }

    // Parameters: the override is the distribution written.
    let params: Vec<&[Data]> = ranges["Parameters"].rows().collect();
    let vetting = params
        .iter()
        .find(|r| text(&r[0]) == "vetting_start_hazard")
        .expect("vetting_start_hazard row");
    assert_eq!(text(&vetting[2]), "0.1");
    assert_eq!(vetting[4], Data::Float(0.1), "drawn mean of a constant");

    let facts = provenance(&ranges["Provenance"]);
    let p = &json["provenance"];
    assert_eq!(facts["seed"], "7");
    assert_eq!(facts["runs"], "500");
    assert_eq!(
        facts["content hash (SHA-256)"],
        p["scenario_sha256"].as_str().expect("hash")
    );
    assert_eq!(facts["scenario"], p["scenario"].as_str().expect("name"));
    assert_eq!(facts["overrides (--set)"], "vetting_start_hazard=0.1");
    assert_eq!(facts["given (--given)"], "none");
    assert_eq!(facts["polsim version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(facts["written"], DATE);

    // The same run again gives the same bytes.
    let again = dir.path().join("b");
    run(&[
        "run",
        "palmyra/baseline",
        "--runs",
        "500",
        "--seed",
        "7",
        "--set",
        "vetting_start_hazard=0.1",
        "--xlsx",
        "--no-charts",
        "-q",
        "--out",
        again.to_str().expect("utf-8 path"),
    ]);
    assert!(
        std::fs::read(out.join("summary.xlsx")).expect("first")
            == std::fs::read(again.join("summary.xlsx")).expect("second"),
        "summary.xlsx differs between two identical runs"
    );
}

#[test]
fn without_the_flag_no_workbook_is_written() {
    let dir = tempfile::tempdir().expect("tempdir");
    run(&[
        "run",
        "examples/coin-flips",
        "--runs",
        "200",
        "--no-charts",
        "-q",
        "--out",
        dir.path().to_str().expect("utf-8 path"),
    ]);
    assert!(dir.path().join("summary.csv").is_file());
    assert!(!dir.path().join("summary.xlsx").exists());
}

#[test]
fn compare_xlsx_holds_the_differences_of_compare_csv() {
    let dir = tempfile::tempdir().expect("tempdir");
    run(&[
        "compare",
        "examples/deterrence",
        "examples/deterrence-credible",
        "--runs",
        "400",
        "--xlsx",
        "--no-charts",
        "-q",
        "--out",
        dir.path().to_str().expect("utf-8 path"),
    ]);
    let (names, ranges) = sheets(&dir.path().join("summary.xlsx"));
    assert_eq!(
        names,
        [
            "Outcomes",
            "Differences",
            "Time series",
            "Parameters",
            "Provenance"
        ]
    );
    let outcomes: Vec<&[Data]> = ranges["Outcomes"].rows().collect();
    assert_eq!(text(&outcomes[0][0]), "scenario");
    // compare.csv: outcome, kind, category, scenario, estimate, ci_low,
    // ci_high, diff, diff_low, diff_high, diff_mcse, unpaired_se.
    let csv = csv_rows(&dir.path().join("compare.csv"));
    let diffs: Vec<&[Data]> = ranges["Differences"].rows().collect();
    assert_eq!(diffs.len(), csv.len());
    let mut differences = 0;
    for (sheet_row, csv_row) in diffs.iter().zip(&csv).skip(1) {
        assert_eq!(as_csv(&sheet_row[0]), csv_row[0], "outcome");
        assert_eq!(as_csv(&sheet_row[4]), csv_row[3], "scenario");
        for (sheet_col, csv_col) in (5..13).zip(4..12) {
            assert_eq!(as_csv(&sheet_row[sheet_col]), csv_row[csv_col]);
        }
        differences += usize::from(!csv_row[7].is_empty());
    }
    assert!(differences > 0, "the second scenario has differences");
    let provenance: Vec<&[Data]> = ranges["Provenance"].rows().collect();
    assert_eq!(provenance[0].len(), 3, "a column per scenario");
}

#[test]
fn sweep_xlsx_keys_the_outcomes_by_the_swept_value() {
    let dir = tempfile::tempdir().expect("tempdir");
    run(&[
        "sweep",
        "examples/coin-flips",
        "--param",
        "p_breakthrough=0.01..0.05:3",
        "--runs",
        "200",
        "--xlsx",
        "--no-charts",
        "-q",
        "--out",
        dir.path().to_str().expect("utf-8 path"),
    ]);
    let (names, ranges) = sheets(&dir.path().join("summary.xlsx"));
    assert_eq!(names, ["Outcomes", "Provenance"]);
    let rows: Vec<&[Data]> = ranges["Outcomes"].rows().collect();
    assert_eq!(text(&rows[0][0]), "p_breakthrough");
    let swept: Vec<f64> = rows
        .iter()
        .skip(1)
        .filter_map(|r| match r[0] {
            Data::Float(x) => Some(x),
            _ => None,
        })
        .collect();
    assert!(swept.contains(&0.01) && swept.contains(&0.05), "{swept:?}");
    let facts = provenance(&ranges["Provenance"]);
    assert!(facts["swept"].starts_with("p_breakthrough from 0.01 to 0.05"));
}

#[test]
fn a_shard_refuses_xlsx_and_the_merge_writes_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let parts = dir.path().join("parts");
    let parts_text = parts.to_str().expect("utf-8 path");
    let refused = polsim()
        .args([
            "run",
            "examples/coin-flips",
            "--runs",
            "2000",
            "--shard",
            "1/2",
            "--xlsx",
            "--out",
            parts_text,
        ])
        .output()
        .expect("polsim runs");
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("merge --xlsx"));
    for k in ["1/2", "2/2"] {
        run(&[
            "run",
            "examples/coin-flips",
            "--runs",
            "2000",
            "--shard",
            k,
            "-q",
            "--out",
            parts_text,
        ]);
    }
    let mut args = vec!["merge".to_string()];
    let mut files: Vec<String> = std::fs::read_dir(&parts)
        .expect("parts folder")
        .map(|e| e.expect("entry").path().display().to_string())
        .filter(|p| p.ends_with(".polsim"))
        .collect();
    files.sort();
    args.extend(files);
    let merged = dir.path().join("merged");
    args.extend(
        ["--xlsx", "--no-charts", "-q", "--out"]
            .iter()
            .map(|s| s.to_string()),
    );
    args.push(merged.display().to_string());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    run(&args);
    let (names, ranges) = sheets(&merged.join("summary.xlsx"));
    assert_eq!(names.len(), 4);
    assert_eq!(provenance(&ranges["Provenance"])["runs"], "2000");
}
