//! A calibration's files and terminal summary: the posterior sample
//! (posterior.csv), the variant scenario that draws from it
//! (calibrated.toml), the generations (generations.csv) and the table.

use crate::analysis::calibrate::Calibration;
use crate::format;

/// The name of the weight column of posterior.csv: `weight`, unless a
/// calibrated parameter is called that.
pub fn weight_column(cal: &Calibration) -> String {
    let mut name = "weight".to_string();
    while cal.params.iter().any(|p| p.name == name) {
        name.insert(0, '_');
    }
    name
}

/// posterior.csv: one row per particle (closest first): each calibrated
/// parameter's value, the particle's weight (they sum to 1), its distance
/// to the data and the generation that proposed it. Full precision, so
/// the variant scenario reads back exactly these values.
pub fn posterior_csv(cal: &Calibration) -> Vec<u8> {
    let weight = weight_column(cal);
    let mut header: Vec<String> = cal.params.iter().map(|p| p.name.clone()).collect();
    let extra = [weight.as_str(), "distance", "generation"];
    for e in extra {
        let mut name = e.to_string();
        while header.contains(&name) {
            name.insert(0, '_');
        }
        header.push(name);
    }
    let mut rows = vec![header];
    for (p, w) in cal.particles.iter().zip(&cal.weights) {
        let mut row: Vec<String> = p.values.iter().map(|v| format!("{v}")).collect();
        row.push(format!("{w}"));
        row.push(format!("{}", p.distance));
        row.push(p.generation.to_string());
        rows.push(row);
    }
    super::csv_bytes(&rows)
}

/// generations.csv: the rejection step (generation 0) and each later
/// generation: simulations, particles accepted, tolerance, effective
/// sample size.
pub fn generations_csv(cal: &Calibration) -> Vec<u8> {
    let mut rows = vec![
        [
            "generation",
            "method",
            "simulated",
            "accepted",
            "tolerance",
            "ess",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for g in &cal.generations {
        rows.push(vec![
            g.index.to_string(),
            if g.index == 0 { "rejection" } else { "smc" }.to_string(),
            g.simulated.to_string(),
            g.accepted.to_string(),
            format!("{}", g.tolerance),
            format!("{}", g.ess),
        ]);
    }
    super::csv_bytes(&rows)
}

/// A TOML basic string: JSON's escapes are TOML's.
fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".to_string())
}

/// A TOML key: bare when it can be, else quoted.
fn key(name: &str) -> String {
    if !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        name.to_string()
    } else {
        quoted(name)
    }
}

/// calibrated.toml: a variant of the scenario at `extends` (relative to
/// the output folder) whose calibrated parameters are drawn jointly from
/// the rows of posterior.csv.
///
/// `overrides` are the `--set` flags the calibration ran with, as (name,
/// value): those of parameters not calibrated are written as their `dist`,
/// so the variant is the model that was calibrated.
pub fn variant_toml(
    cal: &Calibration,
    extends: &str,
    name: &str,
    command: &str,
    overrides: &[(String, String)],
) -> String {
    let weight = weight_column(cal);
    let mut out = format!(
        "# The scenario calibrated to observed data: its calibrated parameters are\n\
         # drawn together from the rows of posterior.csv (one row per run, in\n\
         # proportion to the weights), which keeps their joint posterior.\n\
         # Written by: {}\n\n\
         extends = {}\n\n[scenario]\nname = {}\n",
        command.replace('\n', " "),
        quoted(extends),
        quoted(name)
    );
    for (param, value) in overrides {
        if !cal.params.iter().any(|p| p.name == *param) {
            out.push_str(&format!(
                "\n[parameters.{}]\ndist = {}\ndoc = \"Set for the calibration (--set)\"\n",
                key(param),
                quoted(value)
            ));
        }
    }
    for p in &cal.params {
        out.push_str(&format!(
            "\n[parameters.{}]\nsample = {{ file = \"posterior.csv\", column = {}, weight = {} }}\ndoc = {}\n",
            key(&p.name),
            quoted(&p.name),
            quoted(&weight),
            quoted(&format!("Calibrated; prior {}", p.prior))
        ));
    }
    out
}

/// The terminal summary.
pub fn table(cal: &Calibration) -> String {
    let mut out = format!(
        "calibrate — {} observations, {} parameters, {} simulations in {} steps (rejection, then {} ABC-SMC generations)\n",
        cal.observations.len(),
        cal.params.len(),
        format::count(cal.simulations() as u64),
        cal.generations.len(),
        cal.generations.len() - 1
    );
    out.push_str(&format!(
        "posterior: {} particles, effective sample size {}, tolerance {} (root mean square of standardised residuals); stopped: {}\n\n",
        format::count(cal.particles.len() as u64),
        format::number(cal.ess),
        format::number(cal.tolerance()),
        cal.stopped
    ));
    let width = cal
        .params
        .iter()
        .map(|p| p.name.chars().count())
        .max()
        .unwrap_or(9)
        .max(9);
    out.push_str(&format!(
        "  {:<width$}  {:>29}  {:>29}  {:>11}  data\n",
        "parameter", "prior median [90%]", "posterior median [90%]", "contraction"
    ));
    for (p, l) in cal.params.iter().zip(&cal.learned) {
        let band = |q: &[f64; 3]| {
            format!(
                "{} [{}, {}]",
                format::number(q[1]),
                format::number(q[0]),
                format::number(q[2])
            )
        };
        out.push_str(&format!(
            "  {:<width$}  {:>29}  {:>29}  {:>11}  {}\n",
            p.name,
            band(&l.prior_q),
            band(&l.posterior_q),
            format::fixed(l.contraction.max(0.0), 2, false),
            l.verdict()
        ));
    }
    if !cal.not_calibrated.is_empty() {
        let names: Vec<String> = cal
            .not_calibrated
            .iter()
            .map(|(n, why)| format!("{n} ({why})"))
            .collect();
        out.push_str(&format!(
            "\nnot calibrated (keep their own draws): {}\n",
            names.join(", ")
        ));
    }
    out.push_str("\n  step         simulated  accepted   tolerance        ESS\n");
    for g in &cal.generations {
        let what = if g.index == 0 {
            "rejection".to_string()
        } else {
            format!("SMC {}", g.index)
        };
        out.push_str(&format!(
            "  {what:<10} {:>11} {:>9} {:>11} {:>10}\n",
            format::count(g.simulated as u64),
            format::count(g.accepted as u64),
            format::number(g.tolerance),
            format::number(g.ess)
        ));
    }
    out
}
