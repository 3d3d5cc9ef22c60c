//! Arrays against the same model written out: a conflict model of 4 regions
//! x 10 state variables (with neighbour spill-over, 3 parameters and 2
//! events per region, per-region and reduced outcomes), once declared over a
//! `region` dimension and once written out element by element as a modeller
//! without arrays writes it. The arrayed model is expanded at check time
//! into the same scalar variables, so both should compile to programs of
//! the same size and run at the same speed.
//!
//! ```sh
//! cargo bench --bench arrays                          # 100,000 runs, 5 repeats
//! cargo bench --bench arrays -- --runs 20000 --repeats 3
//! ```
//!
//! Before timing, the benchmark checks that both models give the same value
//! of every outcome in every run (the written-out variables renamed to the
//! element names, which key the random streams), or it fails. Cases, each
//! timed `--repeats` times round-robin (best and median reported):
//! `load-arrayed` / `load-written` (read, check and compile the scenario;
//! 100 times), `run-arrayed` / `run-written` (`engine::simulate` on one
//! thread with per-step statistics, as `polsim run` uses it). Nothing is
//! asserted about time.

use std::path::Path;
use std::time::{Duration, Instant};

use polsim::engine::{self, Rows, RunOptions, compile::compile};
use polsim::scenario::{self, Model, OneText};

const REGIONS: [&str; 4] = ["north", "east", "south", "west"];
/// Which regions border which (a ring: north-east-south-west-north).
const BORDER: [[u8; 4]; 4] = [[0, 1, 0, 1], [1, 0, 1, 0], [0, 1, 0, 1], [1, 0, 1, 0]];
const HEADER: &str = "[scenario]\nname = \"bench-regions\"\nsteps = 24\n";

/// The state equations, with `{s<i>}` for a state of this region and
/// `{spill}` for the neighbours' sum of `s0`.
fn updates() -> Vec<String> {
    let mut out = vec!["0.85 * {s0} + 0.05 * {s9} + 0.04 * {spill} + 0.2 * {clash}".to_string()];
    for i in 1..10 {
        out.push(format!(
            "0.8 * {{s{i}}} + 0.2 * {{s{}}} * (1 - {{k}}) + 0.01 * {{g}}",
            i - 1
        ));
    }
    out
}

fn arrayed() -> String {
    let mut t = String::from(HEADER);
    t += "[dimensions]\nregion = [\"north\", \"east\", \"south\", \"west\"]\nother = { same_as = \"region\" }\n";
    t += "[constants.border]\nover = [\"region\", \"other\"]\nvalue = [";
    for row in BORDER {
        t += &format!("[{}], ", row.map(|x| x.to_string()).join(", "));
    }
    t += "]\n";
    t += "[parameters.g]\nover = \"region\"\ndist = \"beta(2, 5)\"\n";
    t += "[parameters.k]\nover = \"region\"\ndist = \"pert(0.1, 0.3, 0.6)\"\n";
    t += "[parameters.d]\nover = \"region\"\ndist = \"uniform(0.5, 1.5)\"\n";
    t += "[parameters.tempo]\nover = \"region\"\nshared = true\ndist = \"lognormal(0, 0.2)\"\n";
    for (i, u) in updates().iter().enumerate() {
        let mut u = u.replace("{spill}", "sum(border[region, other] * s0[other], other)");
        for name in [
            "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "k", "g", "clash",
        ] {
            u = u.replace(&format!("{{{name}}}"), name);
        }
        t += &format!(
            "[state.s{i}]\nover = \"region\"\ninit = \"0.1 * g\"\nupdate = \"{u}\"\nmin = 0\nmax = 10\n"
        );
    }
    t += "[derived.pressure]\nover = \"region\"\nexpr = \"(s1 + s2 + s3) / 3 * d\"\n";
    t += "[events.clash]\nover = \"region\"\np = \"clamp(tempo * (0.02 + 0.3 * s0 * g), 0, 1)\"\n";
    t += "[events.surge]\nover = \"region\"\np = \"if pressure > 0.5 then 0.05 else 0\"\nonce = true\n";
    t += "[outcomes]\npeak = { over = \"region\", expr = \"max(s0)\" }\n";
    t += "clashes = { over = \"region\", expr = \"count(clash)\" }\n";
    t += "total = \"count(clash, region)\"\nany_surge = \"ever(surge, region)\"\n";
    t += "worst = \"max(s9, region)\"\n";
    t
}

fn written_out() -> String {
    let mut t = String::from(HEADER);
    t += "[parameters]\n";
    for dist in [
        ("g", "beta(2, 5)"),
        ("k", "pert(0.1, 0.3, 0.6)"),
        ("d", "uniform(0.5, 1.5)"),
    ] {
        for r in REGIONS {
            t += &format!("{}_{r} = \"{}\"\n", dist.0, dist.1);
        }
    }
    t += "tempo = \"lognormal(0, 0.2)\"\n";
    for (i, u) in updates().iter().enumerate() {
        for (ri, r) in REGIONS.iter().enumerate() {
            let spill: Vec<String> = REGIONS
                .iter()
                .enumerate()
                .filter(|(j, _)| BORDER[ri][*j] == 1)
                .map(|(_, o)| format!("s0_{o}"))
                .collect();
            let mut u = u.replace("{spill}", &format!("({})", spill.join(" + ")));
            for name in [
                "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "k", "g", "clash",
            ] {
                u = u.replace(&format!("{{{name}}}"), &format!("{name}_{r}"));
            }
            t += &format!(
                "[state.s{i}_{r}]\ninit = \"0.1 * g_{r}\"\nupdate = \"{u}\"\nmin = 0\nmax = 10\n"
            );
        }
    }
    t += "[derived]\n";
    for r in REGIONS {
        t += &format!("pressure_{r} = \"(s1_{r} + s2_{r} + s3_{r}) / 3 * d_{r}\"\n");
    }
    t += "[events]\n";
    for r in REGIONS {
        t += &format!(
            "clash_{r} = {{ p = \"clamp(tempo * (0.02 + 0.3 * s0_{r} * g_{r}), 0, 1)\" }}\n"
        );
    }
    for r in REGIONS {
        t += &format!(
            "surge_{r} = {{ p = \"if pressure_{r} > 0.5 then 0.05 else 0\", once = true }}\n"
        );
    }
    t += "[outcomes]\n";
    for r in REGIONS {
        t += &format!("peak_{r} = \"max(s0_{r})\"\n");
    }
    for r in REGIONS {
        t += &format!("clashes_{r} = \"count(clash_{r})\"\n");
    }
    let each = |f: &dyn Fn(&str) -> String, sep: &str| REGIONS.map(f).join(sep);
    t += &format!(
        "total = \"{}\"\n",
        each(&|r| format!("count(clash_{r})"), " + ")
    );
    t += &format!(
        "any_surge = \"{}\"\n",
        each(&|r| format!("ever(surge_{r})"), " or ")
    );
    t += &format!("worst = \"max({})\"\n", each(&|r| format!("s9_{r}"), ", "));
    t
}

fn load(text: &str) -> Model {
    scenario::load(Path::new("bench.toml"), &OneText(text), &[])
        .unwrap_or_else(|r| panic!("the benchmark model does not check:\n{}", r.render(false)))
}

fn per_run(model: &Model, runs: u64, seed: u64) -> Vec<Vec<f64>> {
    let program = compile(model, None);
    let options = RunOptions {
        runs,
        seed,
        threads: 1,
        rows: true,
    };
    let mut all: Vec<Vec<f64>> = Vec::new();
    engine::simulate(model, &program, &options, None, &|_| {}, &mut |r: &Rows| {
        if all.is_empty() {
            all = vec![Vec::new(); r.outcomes.len()];
        }
        for (a, b) in all.iter_mut().zip(&r.outcomes) {
            a.extend_from_slice(b);
        }
        Ok(())
    })
    .expect("simulation");
    all
}

fn median(times: &[Duration]) -> Duration {
    let mut t = times.to_vec();
    t.sort();
    t[t.len() / 2]
}

fn main() {
    let mut runs: u64 = 100_000;
    let mut repeats = 5;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--runs" => runs = args.next().and_then(|v| v.parse().ok()).expect("--runs N"),
            "--repeats" => {
                repeats = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .expect("--repeats K")
            }
            _ => {}
        }
    }
    let (arrayed_text, written_text) = (arrayed(), written_out());
    let arrayed = load(&arrayed_text);
    let mut written = load(&written_text);
    for var in &mut written.vars {
        if let Some((array, element)) = var.name.rsplit_once('_')
            && REGIONS.contains(&element)
        {
            var.name = format!("{array}[{element}]");
        }
    }
    let (pa, pw) = (compile(&arrayed, None), compile(&written, None));
    println!("polsim arrays benchmark: 4 regions x 10 states, arrayed and written out");
    println!(
        "  scenario text: arrayed {} lines, written out {} lines",
        arrayed_text.lines().count(),
        written_text.lines().count()
    );
    for (name, m, p) in [("arrayed", &arrayed, &pa), ("written out", &written, &pw)] {
        println!(
            "  {name:<12} {} variables, {} outcomes; program: {} slots, {} ops before the run, {} per step, {} after",
            m.vars.len(),
            m.outcomes.len(),
            p.slots,
            p.init.len(),
            p.step.len(),
            p.finish.len()
        );
    }
    // The check: the same value of every outcome in every run.
    let check_runs = runs.min(20_000);
    let (x, y) = (
        per_run(&arrayed, check_runs, 2026),
        per_run(&written, check_runs, 2026),
    );
    let arrayed_names: Vec<&str> = arrayed.outcomes.iter().map(|o| o.name.as_str()).collect();
    for (o, name) in arrayed_names.iter().enumerate() {
        let w = written
            .outcomes
            .iter()
            .position(|p| p.name.replace('_', "[") + "]" == *name || p.name == *name)
            .expect("the same outcome written out");
        let same = x[o]
            .iter()
            .zip(&y[w])
            .all(|(a, b)| a.to_bits() == b.to_bits());
        assert!(
            same,
            "outcome {name}: the arrayed and written-out models disagree"
        );
    }
    println!("  check: every outcome equal run by run over {check_runs} runs");
    println!("  runs {runs} per case, {repeats} repeats (round-robin)\n");

    let options = RunOptions {
        runs,
        seed: 2026,
        threads: 1,
        rows: false,
    };
    type Case<'a> = (&'a str, Box<dyn Fn() + 'a>, Vec<Duration>);
    let mut cases: Vec<Case> = vec![
        (
            "load-arrayed",
            Box::new(|| {
                for _ in 0..100 {
                    std::hint::black_box(compile(&load(&arrayed_text), None));
                }
            }),
            Vec::new(),
        ),
        (
            "load-written",
            Box::new(|| {
                for _ in 0..100 {
                    std::hint::black_box(compile(&load(&written_text), None));
                }
            }),
            Vec::new(),
        ),
        (
            "run-arrayed",
            Box::new(|| {
                std::hint::black_box(
                    engine::simulate(&arrayed, &pa, &options, None, &|_| {}, &mut |_| Ok(()))
                        .expect("run"),
                );
            }),
            Vec::new(),
        ),
        (
            "run-written",
            Box::new(|| {
                std::hint::black_box(
                    engine::simulate(&written, &pw, &options, None, &|_| {}, &mut |_| Ok(()))
                        .expect("run"),
                );
            }),
            Vec::new(),
        ),
    ];
    for _ in 0..repeats {
        for (_, run, times) in cases.iter_mut() {
            let start = Instant::now();
            run();
            times.push(start.elapsed());
        }
    }
    println!("{:<14} {:>12} {:>12}", "case", "best", "median");
    for (name, _, times) in &cases {
        let best = times.iter().min().copied().unwrap_or_default();
        let unit = if name.starts_with("load") {
            "ms / 100"
        } else {
            "s"
        };
        let (b, m) = if name.starts_with("load") {
            (best.as_secs_f64() * 1e3, median(times).as_secs_f64() * 1e3)
        } else {
            (best.as_secs_f64(), median(times).as_secs_f64())
        };
        println!("{name:<14} {b:>12.4} {m:>12.4}  {unit}");
    }
    let best = |n: &str| {
        cases
            .iter()
            .find(|c| c.0 == n)
            .and_then(|c| c.2.iter().min().copied())
            .unwrap_or_default()
    };
    println!(
        "\nrun-arrayed / run-written (best): {:.3}",
        best("run-arrayed").as_secs_f64() / best("run-written").as_secs_f64()
    );
}
