//! The observations a scenario is calibrated to: a tidy CSV with one
//! observed value per row.
//!
//! ```text
//! date,variable,value,sd
//! 2026-03,tension,0.41,0.05
//! 2026-06,tension,0.52,0.05
//! ```
//!
//! `date` (a calendar date of the scenario, as `start` is written) or `step`
//! (a whole number from 1 to the scenario's `steps`), `variable` (a state
//! variable, derived variable or event of the scenario), `value`, and
//! optionally `sd`, the observation's error (a positive number). Every
//! problem is reported with the file's line, all at once.

use crate::diag::{clip, did_you_mean, name_list};
use crate::scenario::{Model, VarId, VarKind};

/// One observed value.
#[derive(Clone, Debug, PartialEq)]
pub struct Observation {
    pub var: VarId,
    pub variable: String,
    pub step: u32,
    pub value: f64,
    /// The observation error, when the file gives it.
    pub sd: Option<f64>,
    /// The file's line (1-based), for messages.
    pub line: u64,
}

/// Parse and check `text` (the file `shown`) against `model`. `Err` holds
/// every problem, each starting `shown:line:`.
pub fn parse(model: &Model, shown: &str, text: &str) -> Result<Vec<Observation>, Vec<String>> {
    let mut problems = Vec::new();
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(text.as_bytes());
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|c| c.to_ascii_lowercase()).collect(),
        Err(e) => return Err(vec![format!("{shown}: {e}")]),
    };
    let column = |name: &str| header.iter().position(|h| h == name);
    let (variable, value, sd) = (column("variable"), column("value"), column("sd"));
    let (date, step) = (column("date"), column("step"));
    let layout = "the first line names the columns: date (or step), variable, value, and optionally sd, e.g. `date,variable,value,sd`";
    if header.iter().all(String::is_empty) {
        return Err(vec![format!(
            "{shown}: the file is empty; {layout}, then one observation per line"
        )]);
    }
    let mut missing: Vec<&str> = Vec::new();
    if variable.is_none() {
        missing.push("variable");
    }
    if value.is_none() {
        missing.push("value");
    }
    if date.is_none() && step.is_none() {
        missing.push("date (or step)");
    }
    if !missing.is_empty() {
        return Err(vec![format!(
            "{shown}:1: no column {}; {layout}",
            missing.join(", no column ")
        )]);
    }
    if date.is_some() && step.is_some() {
        return Err(vec![format!(
            "{shown}:1: both a `date` and a `step` column; give one of them"
        )]);
    }
    let mut out = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                problems.push(format!("{shown}: {e}"));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        let cell = |i: Option<usize>| i.and_then(|i| record.get(i)).unwrap_or("");
        if record.iter().all(str::is_empty) {
            continue;
        }
        let mut bad = |what: String| problems.push(format!("{shown}:{line}: {what}"));
        let var = resolve_variable(model, cell(variable));
        if let Err(why) = &var {
            bad(why.clone());
        }
        let at = match (date, step) {
            (Some(i), _) => resolve_date(model, cell(Some(i))),
            _ => resolve_step(model, cell(step)),
        };
        if let Err(why) = &at {
            bad(why.clone());
        }
        let number = cell(value).parse::<f64>().ok().filter(|v| v.is_finite());
        if number.is_none() {
            bad(format!(
                "value `{}` is not a finite number",
                clip(cell(value))
            ));
        }
        let error = match cell(sd) {
            "" => Ok(None),
            text => match text.parse::<f64>() {
                Ok(v) if v > 0.0 && v.is_finite() => Ok(Some(v)),
                _ => Err(format!(
                    "sd `{}` is not a positive number; give the observation's standard error, or leave the cell empty",
                    clip(text)
                )),
            },
        };
        if let Err(why) = &error {
            bad(why.clone());
        }
        if let (Ok(var), Ok(step), Some(value), Ok(sd)) = (var, at, number, error) {
            out.push(Observation {
                var,
                variable: model.var(var).name.clone(),
                step,
                value,
                sd,
                line,
            });
        }
    }
    if problems.is_empty() && out.is_empty() {
        problems.push(format!(
            "{shown}: no observations; {layout}, then one observation per line"
        ));
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

/// A variable with a value at every step (state, derived, event).
fn resolve_variable(model: &Model, name: &str) -> Result<VarId, String> {
    let observable = |v: &&crate::scenario::Var| !matches!(v.kind, VarKind::Param { .. });
    if let Some(id) = model.find(name) {
        return match &model.var(id).kind {
            VarKind::Param { .. } => Err(format!(
                "`{}` is a parameter, fixed for the run: calibration estimates parameters from observations of state, derived variables and events over time",
                clip(name)
            )),
            _ => Ok(id),
        };
    }
    let names: Vec<&str> = model
        .vars
        .iter()
        .filter(observable)
        .map(|v| v.name.as_str())
        .collect();
    let hint = match did_you_mean(name, names.iter().copied()) {
        Some(s) => format!("did you mean `{s}`?"),
        None => format!("the scenario's variables are: {}", name_list(&names, 12)),
    };
    Err(format!(
        "`{}` is not a variable of {}; {hint}",
        clip(name),
        model.info.name
    ))
}

fn horizon(model: &Model) -> String {
    let time = &model.info.time;
    format!(
        "steps 1 to {} ({} to {})",
        model.info.steps,
        time.label(1),
        time.label(model.info.steps)
    )
}

fn resolve_date(model: &Model, text: &str) -> Result<u32, String> {
    let step = model
        .info
        .time
        .step_of(text)
        .map_err(|why| format!("date `{}`: {why}", clip(text)))?;
    in_horizon(model, step, &format!("date {}, step {step},", clip(text)))
}

fn resolve_step(model: &Model, text: &str) -> Result<u32, String> {
    match text.parse::<i64>() {
        Ok(step) => in_horizon(model, step, &format!("step {step}")),
        Err(_) => Err(format!(
            "step `{}` is not a whole number; give the step the value was observed at (1 to {})",
            clip(text),
            model.info.steps
        )),
    }
}

fn in_horizon(model: &Model, step: i64, what: &str) -> Result<u32, String> {
    if (1..=i64::from(model.info.steps)).contains(&step) {
        return Ok(step as u32);
    }
    let why = if step < 1 {
        "is before the first step (step 0 is the start: the initial values, set by `init`, are not calibrated against)".to_string()
    } else {
        "is after the scenario's horizon".to_string()
    };
    Err(format!(
        "{what} {why}; observations must fall within {}",
        horizon(model)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model() -> Model {
        let text = "[scenario]\nsteps = 12\nstep_unit = \"month\"\nstart = \"2026-01\"\n[parameters]\nrate = \"uniform(0, 1)\"\n[state.level]\ninit = 0\nupdate = \"level + rate\"\n[outcomes]\nend = \"at(level, 12)\"\n";
        crate::scenario::load(
            std::path::Path::new("t.toml"),
            &crate::scenario::OneText(text),
            &[],
        )
        .expect("the test scenario checks")
    }

    #[test]
    fn reads_dates_steps_and_errors() {
        let m = model();
        let ok = parse(
            &m,
            "o.csv",
            "date,variable,value,sd\n2026-03,level,1.5,0.1\n2026-04, level ,2,\n",
        )
        .unwrap();
        assert_eq!(ok.len(), 2);
        assert_eq!((ok[0].step, ok[0].value, ok[0].sd), (2, 1.5, Some(0.1)));
        assert_eq!((ok[1].step, ok[1].sd, ok[1].line), (3, None, 3));
        let by_step = parse(&m, "o.csv", "step,variable,value\n12,level,3\n").unwrap();
        assert_eq!(by_step[0].step, 12);
        let bad = parse(
            &m,
            "o.csv",
            "date,variable,value,sd\n2027-06,level,1,\n2026-03,levle,1,\n2026-03,rate,x,-1\n",
        )
        .unwrap_err();
        assert!(
            bad[0].starts_with("o.csv:2: date 2027-06, step 17, is after"),
            "{bad:?}"
        );
        assert!(
            bad[1].contains("o.csv:3: `levle` is not a variable")
                && bad[1].contains("did you mean `level`"),
            "{bad:?}"
        );
        assert!(bad[2].contains("o.csv:4: `rate` is a parameter"), "{bad:?}");
        assert!(
            bad[3].contains("value `x` is not a finite number"),
            "{bad:?}"
        );
        assert!(
            bad[4].contains("sd `-1` is not a positive number"),
            "{bad:?}"
        );
        let no_column = parse(&m, "o.csv", "when,variable,value\n1,level,2\n").unwrap_err();
        assert!(
            no_column[0].contains("no column date (or step)"),
            "{no_column:?}"
        );
        assert!(parse(&m, "o.csv", "").unwrap_err()[0].contains("empty"));
        assert!(
            parse(&m, "o.csv", "step,variable,value\n0,level,1\n").unwrap_err()[0]
                .contains("before the first step")
        );
    }
}
