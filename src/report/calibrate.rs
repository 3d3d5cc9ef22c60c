//! What a calibration's report says: the posterior of each parameter
//! against its prior, which parameters the data informed, the fit over
//! time, the steps of the ABC sequence, and how to use the result.

use super::content::{Block, Figure, FigureGroup, Report, Section, Table, charts_section};
use crate::analysis::calibrate::Calibration;
use crate::chart::Skip;
use crate::format;
use crate::scenario::Model;

/// How the calibration was asked for, for the report's record.
#[derive(Clone, Debug)]
pub struct Context {
    pub data_file: String,
    /// The command that reproduces it.
    pub command: String,
    /// The command that runs the calibrated scenario.
    pub run_command: String,
    /// Runs of the posterior predictive simulation.
    pub predictive_runs: u64,
}

/// Build the report of a calibration of `model`.
pub fn build(
    model: &Model,
    cal: &Calibration,
    ctx: &Context,
    figures: Vec<Figure>,
    skipped: Vec<Skip>,
    date: &str,
) -> Report {
    let byline = format!(
        "{} observations · {} particles · {} simulations · seed {} · polsim {} · {date}",
        cal.observations.len(),
        format::count(cal.particles.len() as u64),
        format::count(cal.simulations() as u64),
        cal.settings.seed,
        env!("CARGO_PKG_VERSION")
    );
    Report {
        title: format!(
            "{} — calibrated to {}",
            model.info.display_title().trim_end_matches(['?', '.', ':']),
            std::path::Path::new(&ctx.data_file)
                .file_name()
                .map_or(ctx.data_file.clone(), |n| n.to_string_lossy().into_owned())
        ),
        description: model.info.description.clone(),
        byline,
        sections: vec![
            findings(cal),
            parameters(cal),
            charts_section(
                vec![FigureGroup::ungrouped(figures, skipped)],
                "First each parameter's prior against its posterior, then the fit over time of each observed variable under the posterior.",
                "No chart was drawn.",
            ),
            steps(cal),
            observations(model, cal),
            method(cal, ctx),
        ],
    }
}

fn findings(cal: &Calibration) -> Section {
    let mut list = Vec::new();
    let informed: Vec<&str> = cal
        .params
        .iter()
        .zip(&cal.learned)
        .filter(|(_, l)| l.verdict() == "informed")
        .map(|(p, _)| p.name.as_str())
        .collect();
    let silent: Vec<&str> = cal
        .params
        .iter()
        .zip(&cal.learned)
        .filter(|(_, l)| l.verdict() == "not informed")
        .map(|(p, _)| p.name.as_str())
        .collect();
    list.push(if informed.is_empty() {
        "The data narrowed no parameter to half its prior variance or less.".to_string()
    } else {
        format!(
            "The data inform {}: the posterior variance is at most half the prior's.",
            informed.join(", ")
        )
    });
    if !silent.is_empty() {
        list.push(format!(
            "The data say little about {}: the posterior is close to the prior (less than 10% narrower). Other evidence is needed to pin them down.",
            silent.join(", ")
        ));
    }
    for (p, l) in cal.params.iter().zip(&cal.learned) {
        list.push(format!(
            "{}: posterior median {} (90% from {} to {}); prior median {} (90% from {} to {}).",
            p.name,
            format::number(l.posterior_q[1]),
            format::number(l.posterior_q[0]),
            format::number(l.posterior_q[2]),
            format::number(l.prior_q[1]),
            format::number(l.prior_q[0]),
            format::number(l.prior_q[2])
        ));
    }
    for (a, b, r) in correlated(cal) {
        list.push(format!(
            "{a} and {b} are {} correlated in the posterior (weighted correlation {}): the data inform a combination of the two more than either alone, and calibrated.toml keeps that relation by drawing whole rows.",
            if r > 0.0 { "positively" } else { "negatively" },
            format::fixed(r, 2, true)
        ));
    }
    list.push(format!(
        "The posterior sample holds {} particles with an effective sample size of {}, within a distance of {} of the data; the sequence stopped because {}.",
        format::count(cal.particles.len() as u64),
        format::number(cal.ess),
        format::number(cal.tolerance()),
        cal.stopped
    ));
    Section {
        id: "findings",
        heading: "Key findings".into(),
        blocks: vec![Block::List(list)],
    }
}

/// Pairs of parameters whose posterior correlation is at least 0.5 in size.
fn correlated(cal: &Calibration) -> Vec<(String, String, f64)> {
    let w = &cal.weights;
    let column = |j: usize| -> Vec<f64> { cal.particles.iter().map(|p| p.values[j]).collect() };
    let moments = |x: &[f64]| {
        let mean: f64 = x.iter().zip(w).map(|(v, w)| v * w).sum();
        (
            mean,
            x.iter()
                .zip(w)
                .map(|(v, w)| w * (v - mean).powi(2))
                .sum::<f64>(),
        )
    };
    let mut out = Vec::new();
    for a in 0..cal.params.len() {
        for b in a + 1..cal.params.len() {
            let (x, y) = (column(a), column(b));
            let ((mx, vx), (my, vy)) = (moments(&x), moments(&y));
            let cov: f64 = x
                .iter()
                .zip(&y)
                .zip(w)
                .map(|((x, y), w)| w * (x - mx) * (y - my))
                .sum();
            let r = cov / (vx * vy).sqrt();
            if r.abs() >= 0.5 {
                out.push((cal.params[a].name.clone(), cal.params[b].name.clone(), r));
            }
        }
    }
    out
}

fn parameters(cal: &Calibration) -> Section {
    let band = |q: &[f64; 3]| {
        format!(
            "{} [{}, {}]",
            format::number(q[1]),
            format::number(q[0]),
            format::number(q[2])
        )
    };
    let rows = cal
        .params
        .iter()
        .zip(&cal.learned)
        .map(|(p, l)| {
            vec![
                p.name.clone(),
                p.prior.clone(),
                band(&l.prior_q),
                band(&l.posterior_q),
                format::number(l.posterior_sd),
                format::fixed(l.contraction.max(0.0), 2, false),
                l.verdict().to_string(),
            ]
        })
        .collect();
    let mut blocks = vec![
        Block::Para("Each calibrated parameter's prior (its distribution in the scenario) and posterior (the weighted particles): median and 90% interval, the posterior's standard deviation, and the contraction, 1 minus the posterior variance over the prior variance: near 1 when the data pin the parameter down, near 0 when they say nothing of it (informed: at least 0.5; weakly informed: 0.1 to 0.5).".into()),
        Block::Table(Table {
            header: [
                "parameter",
                "prior",
                "prior median [90%]",
                "posterior median [90%]",
                "posterior sd",
                "contraction",
                "the data",
            ]
            .map(String::from)
            .to_vec(),
            rows,
            numbers_from: 2,
            prose: None,
            nowrap: vec![0],
        }),
    ];
    if !cal.not_calibrated.is_empty() {
        let names: Vec<String> = cal
            .not_calibrated
            .iter()
            .map(|(n, why)| format!("{n} ({why})"))
            .collect();
        blocks.push(Block::Note(format!(
            "Not calibrated, and drawn as the scenario says in every simulation: {}.",
            names.join(", ")
        )));
    }
    Section {
        id: "parameters",
        heading: "What the data say about each parameter".into(),
        blocks,
    }
}

fn steps(cal: &Calibration) -> Section {
    let rows = cal
        .generations
        .iter()
        .map(|g| {
            vec![
                if g.index == 0 {
                    "rejection".to_string()
                } else {
                    format!("SMC generation {}", g.index)
                },
                format::count(g.simulated as u64),
                format::count(g.accepted as u64),
                format::share(g.accepted as u64, g.simulated as u64),
                format::number(g.tolerance),
                format::number(g.ess),
            ]
        })
        .collect();
    Section {
        id: "steps",
        heading: "Acceptance and effective sample size".into(),
        blocks: vec![
            Block::Para(format!(
                "The rejection step simulated {} draws from the prior and kept the {} closest to the data; each ABC-SMC generation then proposed {} particles near the kept ones and kept the {} closest of old and new together. Accepted: how many of the step's simulations are in the population after it. Tolerance: the distance of the farthest particle kept. ESS: the effective sample size of the weighted population (Kish), the number of equally weighted draws it is worth.",
                format::count(cal.settings.prior_runs as u64),
                format::count(cal.settings.particles as u64),
                format::count(cal.settings.particles as u64),
                format::count(cal.settings.particles as u64)
            )),
            Block::Table(Table {
                header: [
                    "step",
                    "simulated",
                    "accepted",
                    "acceptance",
                    "tolerance",
                    "ESS",
                ]
                .map(String::from)
                .to_vec(),
                rows,
                numbers_from: 1,
                prose: None,
                nowrap: vec![0],
            }),
            Block::Para(format!("The sequence stopped because {}.", cal.stopped)),
        ],
    }
}

fn observations(model: &Model, cal: &Calibration) -> Section {
    let rows = cal
        .observations
        .iter()
        .zip(&cal.scales)
        .zip(&cal.scale_from_sd)
        .map(|((o, scale), from_sd)| {
            vec![
                o.variable.clone(),
                model.info.time.label(o.step),
                format::number(o.value),
                o.sd.map_or(String::new(), format::number),
                format!(
                    "{} ({})",
                    format::number(*scale),
                    if *from_sd { "sd" } else { "prior spread" }
                ),
            ]
        })
        .collect();
    Section {
        id: "observations",
        heading: "Observations".into(),
        blocks: vec![Block::Table(Table {
            header: ["variable", "when", "value", "sd", "residual scale"]
                .map(String::from)
                .to_vec(),
            rows,
            numbers_from: 2,
            prose: None,
            nowrap: vec![0, 1],
        })],
    }
}

fn method(cal: &Calibration, ctx: &Context) -> Section {
    let s = &cal.settings;
    let mut facts = vec![
        ("Observations".to_string(), ctx.data_file.clone()),
        ("Particles".to_string(), format::count(s.particles as u64)),
        (
            "Prior draws (rejection)".to_string(),
            format::count(s.prior_runs as u64),
        ),
        ("Seed".to_string(), s.seed.to_string()),
        (
            "Posterior predictive runs".to_string(),
            format::count(ctx.predictive_runs),
        ),
    ];
    if let Some(t) = s.tolerance {
        facts.push((
            "Target tolerance".to_string(),
            format!(
                "{}{}",
                format::number(t),
                if s.strict {
                    " (particles beyond it dropped)"
                } else {
                    ""
                }
            ),
        ));
    }
    Section {
        id: "method",
        heading: "Method and how to use the result".into(),
        blocks: vec![
            Block::Para("Approximate Bayesian computation: rejection from the prior, then adaptive ABC-SMC (Lenormand, Jabot and Deffuant 2013: each generation keeps the closest half of old and new particles, so the tolerance adapts) with a normal perturbation kernel of twice the weighted covariance (Beaumont et al. 2009). Parameters move in the space of their normal scores (each value is its distribution's quantile of a standard normal's CDF, as the engine draws correlated parameters), where every prior is a standard normal. A simulation's distance to the data is the root mean square over the observations of (simulated − observed) / scale, the scale being the observation's sd where the file gives one, else the spread of that observation's simulated values under the prior (1.4826 × their median absolute deviation). The model's own chance events are simulated afresh for each particle.".into()),
            Block::Facts(facts),
            Block::Para("posterior.csv holds the particles (one row each, with its weight); calibrated.toml is a variant of the scenario that draws its calibrated parameters together from those rows, in proportion to the weights, so their joint posterior (and the correlations the data induced) carries into every run. Run it, compare it with the original, or use it as the base of policy variants:".into()),
            Block::Code(ctx.run_command.clone()),
            Block::Para("This calibration again:".into()),
            Block::Code(ctx.command.clone()),
        ],
    }
}
