//! `[charts]`: the names each list selects must exist in their section.

use super::*;

impl Checker {
    /// `[charts]` lists: each name must exist in its section.
    pub(super) fn charts(&mut self, raw: &RawScenario) -> ChartSelection {
        let outcome_names: Vec<&str> = raw.outcomes.iter().map(|(n, _)| n.value.as_str()).collect();
        let variable_names = raw.variable_names();
        let event_names: Vec<&str> = raw.events.iter().map(|(n, _)| n.value.as_str()).collect();
        let mut pick = |list: &Option<Sp<Vec<String>>>, names: &[&str], what: &str| {
            let list = list.as_ref()?;
            for name in &list.value {
                if !names.contains(&name.as_str()) {
                    let mut d = Diagnostic::new(
                        list.span,
                        format!(
                            "[charts] names `{name}`, which is not one of the scenario's {what}"
                        ),
                    );
                    d = match did_you_mean(name, names.iter().copied()) {
                        Some(s) => d.help(format!("did you mean `{s}`?")),
                        None => d.help(format!(
                            "the {what} are: {}",
                            crate::diag::name_list(names, 12)
                        )),
                    };
                    self.diags.push(d);
                }
            }
            Some(list.value.clone())
        };
        let variables_are = "state or derived variables";
        let outcomes = pick(&raw.charts.outcomes, &outcome_names, "outcomes");
        let variables = pick(&raw.charts.variables, &variable_names, variables_are);
        let events = pick(&raw.charts.events, &event_names, "events");
        let mut groups = Vec::new();
        let mut untitled = Vec::new();
        for g in raw.charts.groups.iter().flatten() {
            let group = ChartGroup {
                title: g
                    .title
                    .as_ref()
                    .map(|t| t.value.clone())
                    .unwrap_or_default(),
                doc: g.doc.as_ref().map(|t| t.value.clone()).unwrap_or_default(),
                outcomes: pick(&g.outcomes, &outcome_names, "outcomes").unwrap_or_default(),
                variables: pick(&g.variables, &variable_names, variables_are).unwrap_or_default(),
                events: pick(&g.events, &event_names, "events").unwrap_or_default(),
            };
            if group.title.trim().is_empty() {
                untitled.push(g.span);
            }
            groups.push(group);
        }
        for span in untitled {
            self.diags.push(
                Diagnostic::new(span, "a chart group has no `title`")
                    .help("give each [[charts.groups]] the question its charts answer, e.g. title = \"Will the talks break down?\""),
            );
        }
        ChartSelection {
            outcomes,
            variables,
            events,
            groups,
        }
    }
}
