//! The modeller's vocabulary (lookup tables, lags, `mod`, delays and
//! smoothing, test inputs) against values worked out by hand or in closed
//! form. The models here are deterministic, so every run gives the same
//! value and the checks are exact up to rounding.

use polsim::summary::{self, Summary};

use crate::common::{load_text, simulate};

fn summarize(text: &str) -> Summary {
    let model = load_text(text);
    let mut results = simulate(&model, 64, 1, 0);
    summary::summarize(&model, &mut results, &Default::default())
}

/// The mean of a number outcome (every run has the same value here).
fn value(s: &Summary, name: &str) -> f64 {
    s.outcomes
        .iter()
        .find(|o| o.name == name)
        .and_then(|o| o.number.as_ref())
        .map(|n| n.mean)
        .unwrap_or_else(|| panic!("no number outcome `{name}`"))
}

fn assert_near(what: &str, got: f64, want: f64) {
    assert!(
        (got - want).abs() <= 1e-12 * want.abs().max(1.0),
        "{what}: got {got}, want {want}"
    );
}

#[test]
fn a_lookup_interpolates_between_points_and_is_flat_beyond_them() {
    let s = summarize(
        r#"
[scenario]
steps = 6
[lookups]
effect = [[1, 10], [3, 30], [4, 0]]
[derived]
y = "effect(t)"
z = "effect(t - 0.5)"
[outcomes]
y1 = "at(y, 1)"
y2 = "at(y, 2)"
y3 = "at(y, 3)"
y35 = "at(z, 4)"
y6 = "at(y, 6)"
z1 = "at(z, 1)"
"#,
    );
    // Between (1, 10) and (3, 30) the line is 10 + 10 (x - 1); between
    // (3, 30) and (4, 0) it is 30 - 30 (x - 3); flat outside [1, 4].
    for (name, want) in [
        ("y1", 10.0),
        ("y2", 20.0),
        ("y3", 30.0),
        ("y35", 15.0),
        ("y6", 0.0),
        ("z1", 10.0),
    ] {
        assert_near(name, value(&s, name), want);
    }
}

#[test]
fn mod_gives_a_season_that_repeats() {
    let s = summarize(
        r#"
[scenario]
steps = 30
step_unit = "month"
start = "2025-12"
[derived]
month_of_year = "(t - 1) % 12 + 1"
same = "mod(t - 1, 12) + 1"
[outcomes]
m1 = "at(month_of_year, 1)"
m12 = "at(month_of_year, 12)"
m13 = "at(month_of_year, 13)"
m26 = "at(same, 26)"
negative = "-1 % 12"
precedence = "2 * 7 % 4"
"#,
    );
    // Step 1 is January 2026: months 1, 12, then 1 again at step 13; step 26
    // is February 2028. -1 % 12 is 11 (the remainder is never negative);
    // `*` and `%` bind equally, left to right: (2 * 7) % 4 = 2.
    for (name, want) in [
        ("m1", 1.0),
        ("m12", 12.0),
        ("m13", 1.0),
        ("m26", 2.0),
        ("negative", 11.0),
        ("precedence", 2.0),
    ] {
        assert_near(name, value(&s, name), want);
    }
}
