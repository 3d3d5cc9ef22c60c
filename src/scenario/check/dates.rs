//! Calendar dates where a step is asked for (`at = "2026-07"`, `at(x, '2026-06')`): read
//! with the scenario's calendar (`start` and `step_unit`) and checked against the run.

use super::*;

impl Checker {
    /// The step a date falls on, or `None` after reporting a date that this
    /// scenario's calendar cannot read.
    pub(super) fn date(&mut self, date: &str, span: Span) -> Option<i64> {
        match self.time.step_of(date) {
            Ok(step) => Some(step),
            Err(why) => {
                self.diags.push(
                    Diagnostic::new(
                        span,
                        format!(
                            "cannot read \"{}\" as a date of this scenario",
                            crate::diag::tidy(date)
                        ),
                    )
                    .help(why),
                );
                None
            }
        }
    }

    /// The step a date falls on, which must lie from `lowest` to the last
    /// step; `None` after reporting why not.
    pub(super) fn date_step(&mut self, date: &str, span: Span, lowest: u32) -> Option<u32> {
        let step = self.date(date, span)?;
        if (i64::from(lowest)..=i64::from(self.steps)).contains(&step) {
            return Some(step as u32);
        }
        let place = if step < i64::from(lowest) {
            "before"
        } else {
            "after"
        };
        self.diags.push(
            Diagnostic::new(
                span,
                format!(
                    "\"{}\" is step {step}, {place} the steps this can use",
                    crate::diag::tidy(date)
                ),
            )
            .help(format!(
                "the run's steps here are {lowest} ({}) to {} ({})",
                self.time.label(lowest),
                self.steps,
                self.time.label(self.steps)
            )),
        );
        None
    }
}
