//! `[scenario]`: runs, seed, horizon and the calendar, each within its limits.

use super::*;

impl Checker {
    pub(super) fn info(
        &mut self,
        raw: &RawScenario,
        default_name: String,
        path: String,
        hash: String,
    ) -> Info {
        let i = &raw.info;
        let runs = match &i.runs {
            Some(r) if !(1..=MAX_RUNS).contains(&r.value) => {
                self.diags.push(
                    Diagnostic::new(r.span, format!("runs = {} is out of range", r.value)).help(
                        format!("use between 1 and {MAX_RUNS} runs; 10000 is a good start"),
                    ),
                );
                DEFAULT_RUNS
            }
            Some(r) => r.value as u64,
            None => DEFAULT_RUNS,
        };
        let seed = match &i.seed {
            Some(s) if s.value < 0 => {
                self.diags.push(
                    Diagnostic::new(s.span, format!("seed = {} is negative", s.value))
                        .help("use a whole number >= 0"),
                );
                DEFAULT_SEED
            }
            Some(s) => s.value as u64,
            None => DEFAULT_SEED,
        };
        let steps = match &i.steps {
            Some(s) if !(1..=MAX_STEPS).contains(&s.value) => {
                self.diags.push(
                    Diagnostic::new(s.span, format!("steps = {} is out of range", s.value)).help(
                        format!("the horizon must be between 1 and {MAX_STEPS} steps"),
                    ),
                );
                1
            }
            Some(s) => s.value as u32,
            None => {
                if !raw.info_problems {
                    let span = i.name.as_ref().map(|n| n.span).or(raw.origin);
                    let d = Diagnostic {
                        message: "the scenario has no `steps` (its horizon)".into(),
                        span,
                        label: String::new(),
                        help: Some("add `steps = 24` (for example) under [scenario]".into()),
                    };
                    self.diags.push(d);
                }
                1
            }
        };
        let unit = i
            .step_unit
            .as_ref()
            .map_or("step".to_string(), |u| u.value.clone());
        let time = match TimeAxis::new(&unit, i.start.as_ref().map(|s| s.value.as_str())) {
            Ok(t) => t,
            Err(msg) => {
                if let Some(s) = &i.start {
                    self.diags.push(
                        Diagnostic::new(s.span, format!("cannot read start label \"{}\"", s.value))
                            .help(msg),
                    );
                }
                TimeAxis::plain(&unit)
            }
        };
        Info {
            name: i.name.as_ref().map_or(default_name, |n| n.value.clone()),
            title: i.title.as_ref().map_or(String::new(), |t| t.value.clone()),
            description: i
                .description
                .as_ref()
                .map_or(String::new(), |d| d.value.clone()),
            runs,
            seed,
            steps,
            time,
            path,
            hash,
        }
    }
}
