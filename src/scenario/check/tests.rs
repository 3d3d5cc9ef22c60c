//! The checker on small scenarios written inline: what it builds from a valid file, and the
//! message each kind of mistake gets (the `tests/bad/` corpus checks the rendered form).

use super::*;
use crate::diag::FileId;
use crate::scenario::raw;

const HEAD: &str =
    "[scenario]\nname = \"t\"\nsteps = 12\nstep_unit = \"month\"\nstart = \"2026-01\"\n";

fn check_text(body: &str) -> Result<Model, Vec<Diagnostic>> {
    let text = format!("{HEAD}{body}");
    let mut diags = Vec::new();
    let raw = raw::read(FileId(0), &text, &mut diags);
    assert!(diags.is_empty(), "TOML problems: {diags:?}");
    check(Input {
        raw,
        data: Vec::new(),
        default_name: "t".into(),
        path: "t.toml".into(),
        hash: String::new(),
        samples: Default::default(),
        sample_problems: Vec::new(),
    })
}

fn model(body: &str) -> Model {
    match check_text(body) {
        Ok(m) => m,
        Err(d) => panic!("expected a model, got {:?}", messages(&d)),
    }
}

fn messages(diags: &[Diagnostic]) -> Vec<String> {
    diags.iter().map(|d| d.message.clone()).collect()
}

/// Every message of a failing check, with `want` among them.
fn fails_with(body: &str, want: &str) -> Vec<String> {
    let diags = match check_text(body) {
        Ok(_) => panic!("expected an error containing `{want}`"),
        Err(d) => messages(&d),
    };
    assert!(
        diags.iter().any(|m| m.contains(want)),
        "no message contains `{want}`: {diags:?}"
    );
    diags
}

#[test]
fn a_constant_distribution_is_kept_for_sensitivity() {
    let m = model("[parameters]\na = \"pert(1, 2, 4)\"\nb = \"a * 2\"\nc = 0.5\n");
    let steerable: Vec<&str> = m
        .steerable_params()
        .iter()
        .map(|(id, _)| m.var(*id).name.as_str())
        .collect();
    assert_eq!(steerable, ["a", "c"]);
}

#[test]
fn step_order_follows_dependencies_not_file_order() {
    let m = model(
        "[derived]\nlate = \"early * 2\"\nearly = \"t + 1\"\n[events.e]\np = \"clamp(late / 100, 0, 1)\"\n",
    );
    let order: Vec<&str> = m
        .step_order
        .iter()
        .map(|&v| m.var(v).name.as_str())
        .collect();
    assert_eq!(order, ["early", "late", "e"]);
}

#[test]
fn a_cycle_is_named_in_order() {
    fails_with(
        "[derived]\na = \"b + 1\"\nb = \"a + 1\"\n",
        "dependency cycle within a step: a -> b -> a",
    );
}

#[test]
fn every_mistake_is_reported_together() {
    let all = fails_with(
        "[parameters]\np = \"beta(-1, 2)\"\n[derived]\nx = \"unknwn + 1\"\n[events.e]\np = 1.5\n",
        "invalid distribution in `p`",
    );
    assert_eq!(all.len(), 3, "{all:?}");
    assert!(all.iter().any(|m| m.contains("unknown name `unknwn`")));
    assert!(all.iter().any(|m| m.contains("probability 1.5")));
}

#[test]
fn constants_fold_through_fixed_parameters() {
    let fixed = |v: VarId| (v.0 == 0).then_some(0.25);
    let e = MExpr::Binary(
        crate::expr::BinOp::Mul,
        Box::new(MExpr::Var(VarId(0))),
        Box::new(MExpr::Const(4.0)),
    );
    assert_eq!(const_value(&e), None);
    assert_eq!(const_value_with(&e, &fixed), Some(1.0));
    fails_with(
        "[parameters]\nchance = 1.5\n[events.e]\np = \"chance\"\n",
        "(from chance = 1.5)",
    );
}

#[test]
fn outcome_kinds_are_inferred_and_checked() {
    let m = model("[events.e]\np = 0.1\n[outcomes]\nany = \"ever(e)\"\nhow_many = \"count(e)\"\n");
    assert_eq!(m.outcomes[0].kind, OutcomeKind::Probability);
    assert_eq!(m.outcomes[1].kind, OutcomeKind::Number);
    fails_with(
        "[events.e]\np = 0.1\n[outcomes]\nn = { expr = \"count(e)\", kind = \"probability\" }\n",
        "its expression is a count, not a yes/no",
    );
}

#[test]
fn an_outcome_that_reads_a_yes_no_state_is_a_probability() {
    let body = "[events.e]\np = 0.1\n\
        [state.open]\ninit = 1\nupdate = \"if(e, 0, open)\"\n\
        [state.level]\ninit = 0.5\nupdate = \"level * 0.9\"\n\
        [derived.closed]\nexpr = \"1 - open\"\n\
        [outcomes]\nopen_end = \"open\"\nopen_at_6 = \"at(open, 6)\"\n\
        closed_end = \"closed\"\nlevel_end = \"level\"\n\
        open_count = { expr = \"open\", kind = \"number\" }\n";
    let m = model(body);
    let kinds: Vec<(&str, &OutcomeKind)> = m
        .outcomes
        .iter()
        .map(|o| (o.name.as_str(), &o.kind))
        .collect();
    assert_eq!(
        kinds,
        [
            ("open_end", &OutcomeKind::Probability),
            ("open_at_6", &OutcomeKind::Probability),
            ("closed_end", &OutcomeKind::Probability),
            ("level_end", &OutcomeKind::Number),
            ("open_count", &OutcomeKind::Number),
        ]
    );
    // An intervention that sets the state to 0.5 makes it a number.
    let halved = format!("{body}[[interventions]]\nset = \"open\"\nat = 3\nvalue = 0.5\n");
    let m = model(&halved);
    assert_eq!(m.outcomes[0].kind, OutcomeKind::Number);
    assert_eq!(m.outcomes[2].kind, OutcomeKind::Number, "1 - open follows");
}

#[test]
fn intervention_steps_must_lie_in_the_run() {
    let m = model(
        "[state.x]\ninit = 0\nupdate = \"x\"\n[[interventions]]\nset = \"x\"\nat = 0\nvalue = 3\n",
    );
    assert_eq!((m.interventions[0].from, m.interventions[0].to), (0, 0));
    fails_with(
        "[events.e]\np = 0.1\n[[interventions]]\nset = \"e\"\nfrom = 5\nto = 13\nvalue = 1\n",
        "intervention steps 5..13 are outside the run",
    );
}

#[test]
fn names_may_not_shadow_the_language() {
    fails_with("[parameters]\nif = 1\n", "`if` is a reserved word");
    fails_with(
        "[lookups]\nnormal = [[0, 0], [1, 1]]\n",
        "`normal` is the name of a function",
    );
    // A variable is named by position: an SIR model keeps its usual names,
    // and `beta(2, 3)` still draws from the distribution.
    let m = model(
        "[parameters]\nbeta = \"beta(2, 3)\"\ngamma = 0.1\n[derived]\nr0 = \"beta / gamma\"\n",
    );
    assert!(m.find("beta").is_some() && m.find("gamma").is_some());
    fails_with(
        "[parameters]\na = 1\n[derived]\na = \"2\"\n",
        "`a` is declared twice (already a parameter)",
    );
}

/// The names of the variables `series` keeps, as the time series list
/// them, and how many are states.
fn kept_series(m: &Model) -> (Vec<&str>, usize) {
    let (vars, states) = m.series_vars();
    let names = vars.iter().map(|&v| m.var(v).name.as_str()).collect();
    (names, states)
}

const SERIES_BODY: &str = "[state.x]\ninit = 0\nupdate = \"x + 1\"\n[state.y]\ninit = 1\nupdate = \"y * 2\"\n[derived]\nd = \"x + y\"\ne = \"x - y\"\n[outcomes]\nlast = \"x\"\n";

#[test]
fn series_keeps_every_variable_unless_told() {
    let m = model(SERIES_BODY);
    assert_eq!(m.series, None);
    assert_eq!(kept_series(&m), (vec!["x", "y", "d", "e"], 2));
    let m = model(&format!("series = \"all\"\n{SERIES_BODY}"));
    assert_eq!(kept_series(&m), (vec!["x", "y", "d", "e"], 2));
}

#[test]
fn series_keeps_the_named_variables_states_first() {
    let m = model(&format!("series = [\"e\", \"y\"]\n{SERIES_BODY}"));
    assert_eq!(kept_series(&m), (vec!["y", "e"], 1));
    let m = model(&format!("series = []\n{SERIES_BODY}"));
    assert_eq!(kept_series(&m), (vec![], 0));
}

#[test]
fn series_charted_keeps_what_the_charts_draw() {
    let charts =
        "[charts]\nvariables = [\"d\"]\n[[charts.groups]]\ntitle = \"Why?\"\nvariables = [\"y\"]\n";
    let m = model(&format!("series = \"charted\"\n{SERIES_BODY}{charts}"));
    assert_eq!(kept_series(&m), (vec!["y", "d"], 1));
    // Without [charts] every variable is charted.
    let m = model(&format!("series = \"charted\"\n{SERIES_BODY}"));
    assert_eq!(kept_series(&m), (vec!["x", "y", "d", "e"], 2));
}

#[test]
fn series_names_must_be_state_or_derived_variables() {
    let body = format!("series = [\"x\", \"dd\"]\n{SERIES_BODY}");
    fails_with(
        &body,
        "`series` names `dd`, which is not one of the scenario's state or derived variables",
    );
    let body = format!("series = [\"p\"]\n[parameters]\np = 1\n{SERIES_BODY}");
    fails_with(&body, "`series` names `p`");
}

#[test]
fn a_charted_variable_must_keep_its_series() {
    let charts = "[[charts.groups]]\ntitle = \"Why?\"\nvariables = [\"y\", \"d\"]\n";
    let body = format!("series = [\"x\", \"y\"]\n{SERIES_BODY}{charts}");
    fails_with(
        &body,
        "[charts] draws d, whose per-step statistics `series` does not keep",
    );
}

#[test]
fn series_names_an_array_for_all_its_elements() {
    let body = "series = [\"v\"]\n[dimensions]\nregion = [\"north\", \"south\"]\n[state.v]\nover = \"region\"\ninit = 0\nupdate = \"v + 1\"\n[state.w]\ninit = 0\nupdate = \"w\"\n[outcomes]\nlast = \"w\"\n";
    let m = model(body);
    assert_eq!(kept_series(&m), (vec!["v[north]", "v[south]"], 2));
}

#[test]
fn the_series_flag_replaces_the_files_choice() {
    let charts = "[charts]\nvariables = [\"d\"]\n";
    let mut m = model(&format!("series = [\"d\"]\n{SERIES_BODY}{charts}"));
    apply_series_flag(&mut m, "all", true).expect("all");
    assert_eq!(kept_series(&m).0, ["x", "y", "d", "e"]);
    apply_series_flag(&mut m, " e , d ", true).expect("a list");
    assert_eq!(kept_series(&m), (vec!["d", "e"], 0));
    apply_series_flag(&mut m, "charted", true).expect("charted");
    assert_eq!(kept_series(&m).0, ["d"]);
    // `d` is charted: it must be kept while charts are drawn.
    let err = apply_series_flag(&mut m, "none", true).expect_err("d is charted");
    assert!(err.contains("[charts] draws d"), "{err}");
    apply_series_flag(&mut m, "none", false).expect("no charts");
    assert_eq!(kept_series(&m), (vec![], 0));
    let err = apply_series_flag(&mut m, "x,dd", false).expect_err("no dd");
    assert!(
        err.contains("`dd`") && err.contains("did you mean `d`?"),
        "{err}"
    );
}

#[test]
fn the_series_flag_names_an_array_for_all_its_elements() {
    let body = "[dimensions]\nregion = [\"north\", \"south\"]\n[state.v]\nover = \"region\"\ninit = 0\nupdate = \"v + 1\"\n[state.w]\ninit = 0\nupdate = \"w\"\n[outcomes]\nlast = \"w\"\n";
    let mut m = model(body);
    apply_series_flag(&mut m, "v", true).expect("an array");
    assert_eq!(kept_series(&m), (vec!["v[north]", "v[south]"], 2));
    apply_series_flag(&mut m, "v[south],w", true).expect("an element");
    assert_eq!(kept_series(&m), (vec!["v[south]", "w"], 2));
}
