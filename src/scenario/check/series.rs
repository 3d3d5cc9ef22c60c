//! `[scenario] series`: which variables keep per-step statistics, and that
//! every variable a chart draws is among them.

use super::*;

impl Checker {
    /// The state and derived variables whose per-step statistics are kept,
    /// or `None` for every one (`series = "all"`, the default).
    pub(super) fn kept_series(
        &mut self,
        raw: &RawScenario,
        charts: &ChartSelection,
    ) -> Option<Vec<VarId>> {
        let choice = raw.info.series.as_ref()?;
        let variables: Vec<&str> = raw
            .state
            .iter()
            .map(|(n, _)| n.value.as_str())
            .chain(raw.derived.iter().map(|(n, _)| n.value.as_str()))
            .collect();
        let kept: Vec<&str> = match &choice.value {
            RawSeries::All => return None,
            RawSeries::Charted => variables
                .iter()
                .copied()
                .filter(|n| charts.variable(n))
                .collect(),
            RawSeries::Names(names) => {
                for Sp { value: name, span } in names {
                    if variables.contains(&name.as_str()) {
                        continue;
                    }
                    let mut d = Diagnostic::new(
                        *span,
                        format!(
                            "`series` names `{name}`, which is not one of the scenario's state or derived variables"
                        ),
                    );
                    d = match did_you_mean(name, variables.iter().copied()) {
                        Some(s) => d.help(format!("did you mean `{s}`?")),
                        None => d.help(format!(
                            "the state and derived variables are: {}",
                            crate::diag::name_list(&variables, 12)
                        )),
                    };
                    self.diags.push(d);
                }
                let kept: Vec<&str> = variables
                    .iter()
                    .copied()
                    .filter(|v| names.iter().any(|n| n.value == *v))
                    .collect();
                // Charts the scenario asks for by name need their series;
                // without such a list the charts are those of the kept ones.
                let named = charts
                    .variables
                    .iter()
                    .flatten()
                    .chain(charts.groups.iter().flat_map(|g| &g.variables));
                let mut missing: Vec<&str> = Vec::new();
                for name in named {
                    if variables.contains(&name.as_str())
                        && !kept.contains(&name.as_str())
                        && !missing.contains(&name.as_str())
                    {
                        missing.push(name);
                    }
                }
                if !missing.is_empty() {
                    let list = crate::diag::name_list(&missing, 12);
                    self.diags.push(
                        Diagnostic::new(
                            choice.span,
                            format!(
                                "[charts] draws {list}, whose per-step statistics `series` does not keep"
                            ),
                        )
                        .help(format!(
                            "add {list} to `series`, write series = \"charted\", or take {} out of [charts]",
                            if missing.len() == 1 { "it" } else { "them" }
                        )),
                    );
                }
                kept
            }
        };
        Some(
            kept.iter()
                .filter_map(|n| self.names.get(*n).copied())
                .collect(),
        )
    }
}
