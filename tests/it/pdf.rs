//! `--pdf`: report.pdf (and compare.pdf) parsed back with lopdf, a PDF
//! reader written independently of the writer: the page tree and its
//! count, A4 pages, embedded fonts with a ToUnicode map, one image per
//! chart, text that can be extracted, and the page limit the printed HTML
//! report keeps (at most 15 A4 pages for the Palmyra baseline, its
//! comparison with two variants likewise: scripts/check-report.sh), and
//! the same bytes from a merge of parts as from the single run.

use std::fs;
use std::path::Path;

use lopdf::{Document, Object};

use crate::common;

/// The most pages the Palmyra reports may take, as for the HTML in print.
const MAX_PAGES: usize = 15;

fn name<'a>(dict: &'a lopdf::Dictionary, key: &[u8]) -> Option<&'a [u8]> {
    dict.get(key).ok().and_then(|o| o.as_name().ok())
}

/// What a test checks of a PDF.
struct Parsed {
    doc: Document,
    pages: usize,
    /// `/Count` of the root page tree.
    count: i64,
    /// Type 0 fonts, and how many of them have a ToUnicode map.
    type0: usize,
    with_unicode: usize,
    /// Font descriptors with an embedded TrueType font program.
    embedded: usize,
    images: usize,
}

fn parse(bytes: &[u8]) -> Parsed {
    assert!(bytes.starts_with(b"%PDF-1."), "not a PDF header");
    let doc = Document::load_mem(bytes).expect("the PDF parses");
    let pages = doc.get_pages().len();
    let catalog = doc.catalog().expect("a catalog");
    let tree_id = catalog
        .get(b"Pages")
        .and_then(Object::as_reference)
        .expect("the catalog names its page tree");
    let tree = doc.get_dictionary(tree_id).expect("page tree");
    assert_eq!(name(tree, b"Type"), Some(&b"Pages"[..]));
    let count = tree.get(b"Count").and_then(Object::as_i64).expect("/Count");
    let (mut type0, mut with_unicode, mut embedded, mut images) = (0, 0, 0, 0);
    for object in doc.objects.values() {
        let dict = match object {
            Object::Dictionary(d) => d,
            Object::Stream(s) => &s.dict,
            _ => continue,
        };
        if name(dict, b"Subtype") == Some(b"Type0") {
            type0 += 1;
            with_unicode += usize::from(dict.has(b"ToUnicode"));
        }
        if name(dict, b"Type") == Some(b"FontDescriptor") && dict.has(b"FontFile2") {
            embedded += 1;
        }
        if name(dict, b"Subtype") == Some(b"Image") {
            images += 1;
        }
    }
    Parsed {
        doc,
        pages,
        count,
        type0,
        with_unicode,
        embedded,
        images,
    }
}

fn pngs_under(dir: &Path) -> usize {
    let Ok(entries) = fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| e.path())
        .map(|p| {
            if p.is_dir() {
                pngs_under(&p)
            } else {
                usize::from(p.extension().is_some_and(|x| x == "png"))
            }
        })
        .sum()
}

fn text_of(doc: &Document, pages: usize) -> String {
    let numbers: Vec<u32> = (1..=pages as u32).collect();
    doc.extract_text(&numbers).expect("text extracts")
}

#[test]
fn the_palmyra_baseline_report_is_a_valid_pdf_of_at_most_fifteen_pages() {
    let dir = tempfile::tempdir().expect("tempdir");
    common::polsim()
        .args(["run", "--runs", "2000", "--pdf", "-q", "--out"])
        .arg(dir.path())
        .assert()
        .success();
    let bytes = fs::read(dir.path().join("report.pdf")).expect("report.pdf");
    assert!(dir.path().join("report.html").exists());
    let pdf = parse(&bytes);
    assert_eq!(
        pdf.count, pdf.pages as i64,
        "/Count and the page tree agree"
    );
    assert!(
        (8..=MAX_PAGES).contains(&pdf.pages),
        "{} pages: the baseline's report should take 8 to {MAX_PAGES} A4 pages",
        pdf.pages
    );
    for (_, id) in pdf.doc.get_pages() {
        let page = pdf.doc.get_dictionary(id).expect("page");
        let media = page
            .get(b"MediaBox")
            .and_then(Object::as_array)
            .expect("MediaBox");
        let size: Vec<f32> = media
            .iter()
            .map(|v| v.as_float().expect("a number"))
            .collect();
        assert!(
            (size[2] - 595.28).abs() < 0.5 && (size[3] - 841.89).abs() < 0.5,
            "{size:?}"
        );
    }
    // Regular, bold, condensed (tables), condensed bold and mono (the
    // command to reproduce): every one embedded, every one with ToUnicode.
    assert_eq!(pdf.type0, 5);
    assert_eq!(pdf.with_unicode, pdf.type0);
    assert_eq!(pdf.embedded, pdf.type0);
    // Every chart the run drew is in the PDF once.
    let charts = pngs_under(&dir.path().join("charts"));
    assert!(charts >= 20, "{charts} charts");
    assert_eq!(pdf.images, charts);
    let text = text_of(&pdf.doc, pdf.pages);
    for words in [
        "palmyra-baseline",
        "Key findings",
        "Uncertain parameters",
        "Provenance",
        "polsim run palmyra/baseline.toml --seed 20251213 --runs 2000",
        "page 1 of",
    ] {
        assert!(text.contains(words), "the PDF's text lacks {words:?}");
    }
    // The key findings come before the outcomes, as in report.html.
    let findings = text.find("Key findings").unwrap_or(usize::MAX);
    let outcomes = text.find("Outcomes").unwrap_or(0);
    assert!(findings < outcomes, "sections out of order");
}

#[test]
fn the_comparison_report_is_a_pdf_too() {
    let dir = tempfile::tempdir().expect("tempdir");
    common::polsim()
        .args([
            "compare",
            "palmyra/baseline",
            "palmyra/second_attack",
            "palmyra/repeal_pending",
            "--runs",
            "1000",
            "--pdf",
            "-q",
            "--out",
        ])
        .arg(dir.path())
        .assert()
        .success();
    let bytes = fs::read(dir.path().join("compare.pdf")).expect("compare.pdf");
    let pdf = parse(&bytes);
    assert!((2..=MAX_PAGES).contains(&pdf.pages), "{} pages", pdf.pages);
    assert_eq!(pdf.images, pngs_under(&dir.path().join("charts")));
    let text = text_of(&pdf.doc, pdf.pages);
    assert!(text.contains("Scenarios compared"), "{text}");
    assert!(text.contains("palmyra-second-attack"));
}

#[test]
fn no_charts_with_pdf_writes_only_the_pdf_and_says_why_it_has_no_charts() {
    let dir = tempfile::tempdir().expect("tempdir");
    common::polsim()
        .args([
            "run",
            "scenarios/examples/coin-flips.toml",
            "--runs",
            "300",
            "--no-charts",
            "--pdf",
            "-q",
            "--out",
        ])
        .arg(dir.path())
        .assert()
        .success();
    assert!(!dir.path().join("charts").exists());
    assert!(!dir.path().join("report.html").exists());
    let pdf = parse(&fs::read(dir.path().join("report.pdf")).expect("report.pdf"));
    assert_eq!(pdf.images, 0);
    let text = text_of(&pdf.doc, pdf.pages);
    assert!(text.contains("charts were not drawn"), "{text}");
}

#[test]
fn png_charts_are_embedded_even_when_only_svg_files_are_written() {
    let dir = tempfile::tempdir().expect("tempdir");
    common::polsim()
        .args([
            "run",
            "scenarios/examples/coin-flips.toml",
            "--runs",
            "300",
            "--format",
            "svg",
            "--pdf",
            "-q",
            "--out",
        ])
        .arg(dir.path())
        .assert()
        .success();
    assert_eq!(pngs_under(&dir.path().join("charts")), 0);
    let pdf = parse(&fs::read(dir.path().join("report.pdf")).expect("report.pdf"));
    assert_eq!(pdf.images, 8, "coin-flips draws eight charts");
}

#[test]
fn the_pdf_is_the_same_bytes_for_the_same_run() {
    let read = |dir: &Path| {
        common::polsim()
            .env("SOURCE_DATE_EPOCH", "1767225600")
            .args([
                "run",
                "scenarios/examples/coin-flips.toml",
                "--runs",
                "300",
                "--pdf",
                "-q",
                "--out",
            ])
            .arg(dir)
            .assert()
            .success();
        fs::read(dir.join("report.pdf")).expect("report.pdf")
    };
    let (a, b) = (
        tempfile::tempdir().expect("a"),
        tempfile::tempdir().expect("b"),
    );
    assert!(read(a.path()) == read(b.path()), "report.pdf differs");
}

#[test]
fn sweep_refuses_pdf_with_a_reason() {
    let dir = tempfile::tempdir().expect("tempdir");
    let assert = common::polsim()
        .args([
            "sweep",
            "scenarios/examples/deterrence.toml",
            "--param",
            "threat=0..1:3",
            "--pdf",
            "--out",
        ])
        .arg(dir.path())
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(
        stderr.contains("sweep writes charts but no report"),
        "{stderr}"
    );
}

#[test]
fn merged_parts_give_the_single_runs_pdf() {
    let dir = tempfile::tempdir().expect("tempdir");
    let at = |name: &str| dir.path().join(name);
    let polsim = || {
        let mut cmd = common::polsim();
        cmd.env("SOURCE_DATE_EPOCH", "1767225600");
        cmd
    };
    let file = "scenarios/examples/coin-flips.toml";
    for shard in ["1/2", "2/2"] {
        polsim()
            .args([
                "run", file, "--runs", "600", "--shard", shard, "-q", "--out",
            ])
            .arg(at("parts"))
            .assert()
            .success();
    }
    polsim()
        .args(["merge", "--pdf", "-q", "--out"])
        .arg(at("merged"))
        .arg(at("parts/part-1-of-2.polsim"))
        .arg(at("parts/part-2-of-2.polsim"))
        .assert()
        .success();
    polsim()
        .args(["run", file, "--runs", "600", "--pdf", "-q", "--out"])
        .arg(at("single"))
        .assert()
        .success();
    let read = |name: &str| fs::read(at(name).join("report.pdf")).expect("report.pdf");
    assert!(
        read("merged") == read("single"),
        "merge --pdf differs from run --pdf"
    );
}
