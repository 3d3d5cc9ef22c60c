//! The sign of each influence, worked by hand for each rule: a table of
//! (expression, variable, expected sign), read as `y = expression`.

use super::*;
use crate::scenario::{self, OneText};
use std::path::Path;

/// A model where `a` is positive (1..3), `n` negative (-3..-1), `any` of
/// either sign, `p` in [0, 1], `e` a yes/no event, `s` a state in [0, 1],
/// with `y` defined as `expr`.
fn model_with(expr: &str) -> Model {
    let text = format!(
        r#"
[scenario]
name = "signs"
steps = 6

[parameters]
a = "pert(1, 2, 3)"
n = "uniform(-3, -1)"
any = "normal(0, 1)"
p = "beta(2, 2)"

[state.s]
init = 0.5
update = "s"
min = 0
max = 1

[events.e]
p = 0.1

[lookups.rising]
points = [[0, 0], [1, 2], [2, 2.5]]

[lookups.hump]
points = [[0, 0], [1, 2], [2, 1]]

[derived]
y = "{expr}"
"#
    );
    let leaked: &'static str = Box::leak(text.into_boxed_str());
    match scenario::load(Path::new("signs.toml"), &OneText(leaked), &[]) {
        Ok(m) => m,
        Err(r) => panic!("{expr}: {}", r.render(false)),
    }
}

fn sign_in(expr: &str, var: &str) -> Sign {
    let m = model_with(expr);
    let ranges = Ranges::of(&m);
    let (Some(x), Some(y)) = (m.find(var), m.find("y")) else {
        panic!("no {var} or y");
    };
    var_edge(&m, &ranges, x, y).expect("an edge")
}

use Sign::{Minus as M, Plus as P, Unknown as U};

#[test]
fn signs_follow_the_expression() {
    #[rustfmt::skip]
    let cases: &[(&str, &str, Sign)] = &[
        // sums and differences
        ("a + any", "a", P),
        ("a + any", "any", P),
        ("a - any", "any", M),
        ("1 - p", "p", M),
        ("-a", "a", M),
        // products: the other factor's sign decides
        ("a * any", "any", P),
        ("n * any", "any", M),
        ("a * any", "a", U),
        ("a * p * s", "s", P),
        ("(1 - p) * a", "p", M),
        // quotients
        ("a / (1 + p)", "p", M),
        ("a / (1 + p)", "a", P),
        ("a / p", "p", U),
        // powers
        ("0.5 ^ (1 / a)", "a", P),
        ("a ^ 2", "a", P),
        ("2 ^ any", "any", P),
        // min, max, clamp, logistic and other increasing functions
        ("min(a, any)", "any", P),
        ("max(0, 1 - p)", "p", M),
        ("clamp(any, 0, 1)", "any", P),
        ("clamp(p, a, 5)", "a", P),
        ("logistic(-2 * any)", "any", M),
        ("exp(-a)", "a", M),
        ("ln(a)", "a", P),
        ("floor(any)", "any", P),
        ("sin(a)", "a", U),
        ("abs(n)", "n", M),
        ("abs(any)", "any", U),
        // if: a condition that moves jumps between branches whose order is known
        ("if e then a else 0", "e", P),
        ("if e then 0 else a", "e", M),
        ("if e then a else 0", "a", P),
        ("if any > 0 then 1 else 2", "any", M),
        ("if p > 0.5 then any else 1", "p", U),
        // both branches count even when a condition never changes in this scenario
        ("if 1 then a else -a", "a", U),
        // comparisons and logic
        ("p < 0.3", "p", M),
        ("a >= 2", "a", P),
        ("any == 0", "any", U),
        ("not e", "e", M),
        ("e and p > 0.5", "e", P),
        // lookups: the slopes of the table's segments
        ("rising(p)", "p", P),
        ("rising(1 - p)", "p", M),
        ("hump(p)", "p", U),
        // draws: stochastically larger with the argument, or smaller
        ("poisson(a)", "a", P),
        ("exponential(a)", "a", M),
        ("beta(a, 2)", "a", P),
        ("beta(2, a)", "a", M),
        ("normal(0, a)", "a", U),
        ("pert(0, a, 5)", "a", P),
        // memory: lags and smoothing follow their input
        ("smooth(a, 3)", "a", P),
        ("prev(s, 1, 0)", "s", P),
        ("1 - prev(s, 1, 0)", "s", M),
    ];
    for &(expr, var, want) in cases {
        assert_eq!(sign_in(expr, var), want, "y = {expr}, sign in {var}");
    }
}

fn outcome_sign(expr: &str, var: &str) -> Sign {
    let text = format!(
        "[scenario]\nname = \"o\"\nsteps = 6\n[parameters]\nq = 0.2\n[events.e]\np = \"q\"\n[state.s]\ninit = 0\nupdate = \"s + e\"\n[outcomes]\ny = \"{expr}\"\n"
    );
    let leaked: &'static str = Box::leak(text.into_boxed_str());
    let m = match scenario::load(Path::new("o.toml"), &OneText(leaked), &[]) {
        Ok(m) => m,
        Err(r) => panic!("{expr}: {}", r.render(false)),
    };
    let ranges = Ranges::of(&m);
    let x = m.find(var).expect("var");
    slope(&m.outcomes[0].expr, x, &ranges).sign()
}

#[test]
fn aggregates_in_outcomes() {
    // An event that happens more often happens sooner: `first` falls, so
    // "by step 3" rises.
    assert_eq!(outcome_sign("first(e) <= 3", "e"), P);
    assert_eq!(outcome_sign("first(e)", "e"), M);
    assert_eq!(outcome_sign("count(e)", "e"), P);
    assert_eq!(outcome_sign("ever(e)", "e"), P);
    assert_eq!(outcome_sign("at(s, 6) > 2", "s"), P);
    assert_eq!(outcome_sign("max(6 - s)", "s"), M);
}

fn self_sign(update: &str) -> Option<Sign> {
    let text = format!(
        "[scenario]\nname = \"s\"\nsteps = 6\n[parameters]\nrate = \"pert(0.1, 0.2, 0.4)\"\ngoal = 1\n[state.s]\ninit = 0.5\nupdate = \"{update}\"\nmin = 0\n[events.e]\np = 0.1\n"
    );
    let leaked: &'static str = Box::leak(text.into_boxed_str());
    let m = match scenario::load(Path::new("s.toml"), &OneText(leaked), &[]) {
        Ok(m) => m,
        Err(r) => panic!("{update}: {}", r.render(false)),
    };
    let ranges = Ranges::of(&m);
    let s = m.find("s").expect("s");
    var_edge(&m, &ranges, s, s)
}

#[test]
fn a_state_s_influence_on_its_own_change() {
    // Adjusting toward a goal: the change falls as the state rises.
    assert_eq!(self_sign("s + rate * (goal - s)"), Some(M));
    // Compounding growth: the change rises with the state (s >= 0).
    assert_eq!(self_sign("s * (1 + rate)"), Some(P));
    // Decay.
    assert_eq!(self_sign("s * (1 - rate)"), Some(M));
    // Pure accumulation: no loop of one.
    assert_eq!(self_sign("s + e"), None);
}

#[test]
fn ranges_of_states_reach_a_fixed_point_or_widen() {
    let text = "[scenario]\nname = \"r\"\nsteps = 6\n[parameters]\nrate = \"pert(0.1, 0.2, 0.4)\"\n[state.bounded]\ninit = 0.5\nupdate = \"bounded + rate * (1 - bounded)\"\n[state.growing]\ninit = 1\nupdate = \"growing * (1 + rate)\"\n[state.capped]\ninit = 1\nupdate = \"capped * 2\"\nmax = 10\n";
    let m = scenario::load(Path::new("r.toml"), &OneText(text), &[]).expect("model");
    let r = Ranges::of(&m);
    let range = |name: &str| r.var(m.find(name).expect("name"));
    // `bounded` rises toward 1 and never passes it: evaluating the update
    // at the state's ends, and widening to the constant 1, finds [0.5, 1].
    assert_eq!(range("bounded"), Interval { lo: 0.5, hi: 1.0 });
    assert_eq!(range("growing").lo, 1.0);
    assert_eq!(range("growing").hi, f64::INFINITY);
    assert_eq!(range("capped"), Interval { lo: 1.0, hi: 10.0 });
}

#[test]
fn product_of_signs() {
    assert_eq!(P.times(P), P);
    assert_eq!(M.times(M), P);
    assert_eq!(P.times(M), M);
    assert_eq!(U.times(P), U);
}

#[test]
fn a_state_under_a_fixed_ceiling_keeps_its_gap_positive() {
    // capacity rises toward 0.9 and never passes it, so what speeds its
    // growth (relief) raises it; with a ceiling that can move (a derived
    // variable here) the bounds overlap and the sign is not known.
    let text = "[scenario]\nname = \"c\"\nsteps = 12\n[parameters]\ngrowth = \"pert(0.01, 0.02, 0.05)\"\n[events.relief]\np = 0.2\n[derived]\nmoving = \"0.6 + 0.3 * relief\"\n[state.capacity]\ninit = \"0.3\"\nupdate = \"capacity + growth * (1 + relief) * (0.9 - capacity)\"\nmax = 1\n[state.depth]\ninit = 0.3\nupdate = \"depth + growth * (1 + relief) * (moving - depth)\"\n";
    let m = scenario::load(Path::new("c.toml"), &OneText(text), &[]).expect("model");
    let r = Ranges::of(&m);
    let id = |name: &str| m.find(name).expect("name");
    assert_eq!(r.var(id("capacity")), Interval { lo: 0.3, hi: 0.9 });
    assert_eq!(var_edge(&m, &r, id("relief"), id("capacity")), Some(P));
    assert_eq!(var_edge(&m, &r, id("relief"), id("depth")), Some(U));
}
