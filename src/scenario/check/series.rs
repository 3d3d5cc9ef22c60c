//! `series`: which variables keep per-step statistics, and that every
//! variable a chart draws is among them. The rules are written once
//! ([`choose`]) and read two ways: `[scenario] series` in the file, checked
//! with the rest of it, and `polsim run --series`, applied to a checked
//! model ([`apply_series_flag`]).

use std::collections::HashSet;

use super::*;

/// Why a choice of series is refused.
enum Refused<'a> {
    /// The `i`-th name given is not a state or derived variable.
    Unknown(usize, String),
    /// Variables that `[charts]` names but the choice does not keep.
    Uncharted(Vec<&'a str>),
}

/// The variables `choice` keeps, in `variables`' order, or every problem.
/// A list keeps what it names; a variable the charts name must be kept.
fn choose<'a>(
    variables: &[&'a str],
    charts: &'a ChartSelection,
    choice: &RawSeries,
    drawn: bool,
) -> Result<Option<Vec<&'a str>>, Vec<Refused<'a>>> {
    let names: Vec<&str> = match choice {
        RawSeries::All => return Ok(None),
        RawSeries::Charted => {
            let charted = variables.iter().copied().filter(|n| charts.variable(n));
            return Ok(Some(charted.collect()));
        }
        RawSeries::Names(names) => names.iter().map(|n| n.value.as_str()).collect(),
    };
    // Sets, since an array's name stands for every one of its elements.
    let known: HashSet<&str> = variables.iter().copied().collect();
    let asked: HashSet<&str> = names.iter().copied().collect();
    let mut refused: Vec<Refused> = (0..names.len())
        .filter(|&i| !known.contains(names[i]))
        .map(|i| Refused::Unknown(i, names[i].to_string()))
        .collect();
    let kept: Vec<&str> = variables
        .iter()
        .copied()
        .filter(|v| asked.contains(v))
        .collect();
    // Charts the scenario asks for by name need their series (when charts
    // are drawn); without such a list the charts are those of the kept
    // variables.
    let named = charts
        .variables
        .iter()
        .flatten()
        .chain(charts.groups.iter().flat_map(|g| &g.variables))
        .filter(|_| drawn);
    let mut missing: Vec<&str> = Vec::new();
    for name in named {
        let name = name.as_str();
        if known.contains(name) && !asked.contains(name) && !missing.contains(&name) {
            missing.push(name);
        }
    }
    if !missing.is_empty() {
        refused.push(Refused::Uncharted(missing));
    }
    if refused.is_empty() {
        Ok(Some(kept))
    } else {
        Err(refused)
    }
}

/// What to say of an unknown name, and the hint.
fn unknown(name: &str, variables: &[&str], given: &str) -> (String, String) {
    let message = format!(
        "{given} names `{name}`, which is not one of the scenario's state or derived variables"
    );
    let help = match did_you_mean(name, variables.iter().copied()) {
        Some(s) => format!("did you mean `{s}`?"),
        None => format!(
            "the state and derived variables are: {}",
            crate::diag::name_list(variables, 12)
        ),
    };
    (message, help)
}

/// What to say of charted variables not kept, and the hint (`or` ends it:
/// the other ways out).
fn uncharted(missing: &[&str], given: &str, or: &str) -> (String, String) {
    let list = crate::diag::name_list(missing, 12);
    (
        format!("[charts] draws {list}, whose per-step statistics {given} does not keep"),
        format!("add {list} to {given}, {or}"),
    )
}

impl Checker {
    /// The state and derived variables whose per-step statistics are kept,
    /// sorted, or `None` for every one (`series = "all"`, the default).
    pub(super) fn kept_series(
        &mut self,
        raw: &RawScenario,
        charts: &ChartSelection,
    ) -> Option<Vec<VarId>> {
        let choice = raw.info.series.as_ref()?;
        let variables = raw.variable_names();
        let kept = match choose(&variables, charts, &choice.value, true) {
            Ok(kept) => kept?,
            Err(refused) => {
                for r in refused {
                    let (span, (message, help)) = match r {
                        Refused::Unknown(i, name) => {
                            let span = match &choice.value {
                                RawSeries::Names(names) => names[i].span,
                                _ => choice.span,
                            };
                            (span, unknown(&name, &variables, "`series`"))
                        }
                        Refused::Uncharted(missing) => (
                            choice.span,
                            uncharted(
                                &missing,
                                "`series`",
                                &format!(
                                    "write series = \"charted\", or take {} out of [charts]",
                                    if missing.len() == 1 { "it" } else { "them" }
                                ),
                            ),
                        ),
                    };
                    self.diags.push(Diagnostic::new(span, message).help(help));
                }
                return None;
            }
        };
        let mut ids: Vec<VarId> = kept
            .iter()
            .filter_map(|n| self.names.get(*n).copied())
            .collect();
        ids.sort_unstable();
        Some(ids)
    }
}

/// `polsim run --series CHOICE` on a checked model: `all`, `charted`,
/// `none` or names separated by commas (an array's name keeps all its
/// elements). Replaces the scenario's own `series`; `Err` says what is
/// wrong and how to fix it. With `charts` false (no charts will be drawn)
/// the variables `[charts]` names need not be kept.
pub fn apply_series_flag(model: &mut Model, choice: &str, charts: bool) -> Result<(), String> {
    let variables: Vec<&str> = model
        .states
        .iter()
        .copied()
        .chain(model.derived())
        .map(|v| model.var(v).name.as_str())
        .collect();
    let given = |name: &str| Sp {
        value: name.to_string(),
        span: Span::new(crate::diag::FileId(0), 0, 0),
    };
    let choice = match choice.trim() {
        "all" => RawSeries::All,
        "charted" => RawSeries::Charted,
        "none" | "" => RawSeries::Names(Vec::new()),
        list => RawSeries::Names(
            list.split(',')
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .flat_map(|n| {
                    // An array's name stands for its elements `n[...]`.
                    let elements: Vec<Sp<String>> = variables
                        .iter()
                        .filter(|v| v.strip_prefix(n).is_some_and(|rest| rest.starts_with('[')))
                        .map(|v| given(v))
                        .collect();
                    if elements.is_empty() || variables.contains(&n) {
                        vec![given(n)]
                    } else {
                        elements
                    }
                })
                .collect(),
        ),
    };
    let kept = match choose(&variables, &model.charts, &choice, charts) {
        Ok(kept) => kept,
        Err(refused) => {
            let lines: Vec<String> = refused
                .into_iter()
                .map(|r| {
                    let (message, help) = match r {
                        Refused::Unknown(_, name) => unknown(&name, &variables, "--series"),
                        Refused::Uncharted(missing) => uncharted(
                            &missing,
                            "--series",
                            "use --series charted, or pass --no-charts",
                        ),
                    };
                    format!("{message}\n  help: {help}")
                })
                .collect();
            return Err(lines.join("\n"));
        }
    };
    let kept: Option<HashSet<&str>> = kept.map(|names| names.into_iter().collect());
    let ids = kept.map(|names| {
        let ids = model.vars.iter().enumerate();
        ids.filter(|(_, v)| names.contains(v.name.as_str()))
            .map(|(i, _)| VarId(i as u32))
            .collect()
    });
    model.series = ids;
    Ok(())
}
