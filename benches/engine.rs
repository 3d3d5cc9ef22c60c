//! Engine benchmark: runs per second of polsim on `benches/model.toml`,
//! against the same model written by hand in plain Rust
//! (`benches/handwritten/mod.rs`).
//!
//! ```text
//! cargo bench --bench engine
//! cargo bench --bench engine -- --runs 20000 --repeats 3 --only simulate-1,hand-1
//! cargo bench --bench engine -- --no-check --only core-1   # e.g. under a profiler
//! cargo bench --bench engine -- --digest --print-program --only none
//! ```
//!
//! Cases (all on the same runs and seed):
//! - `simulate-1`, `simulate-2`, `simulate-all`: `polsim::engine::simulate` on
//!   1 thread, 2 threads and all cores, with everything it does for a real run
//!   (per-step time-series statistics, outcome moments and quantiles, merging);
//! - `outcomes-1`, `outcomes-all`: `polsim::engine::simulate_many` with
//!   per-step series statistics turned off (`Job::series = false`): outcome
//!   moments and quantiles only, as the hand-written model keeps;
//! - `core-1`: only the interpreter, `Workspace::run_batch` over batches of
//!   64 runs on 1 thread, with no statistics;
//! - `hand-1`, `hand-all`: the hand-written model on 1 thread and all cores,
//!   keeping outcome sums and every run's outcome values;
//! - `floor-1`: the sampler floor, the least time per run the model's draws
//!   alone need on 1 thread: each run's stream seeded, its 10 parameters
//!   drawn, then exactly as many uniforms and normals as the hand-written
//!   model's steps drew in that run, with no model arithmetic
//!   (`benches/handwritten/floor.rs`). With it, the benchmark also prints
//!   nanoseconds per draw of each sampler.
//!
//! Each case is timed `--repeats` times, round-robin so that a change in
//! machine load touches every case alike; the table shows the best and the
//! median. Before the table, the outcome means of polsim and of the
//! hand-written model are compared (they use independent random streams, so
//! they agree within a few standard errors when the two compute the same
//! model); the benchmark exits with an error if they do not.
//!
//! `--digest` prints a hash of every value of the first 6,400 runs
//! (parameters, per-step series and events, outcomes): a change to the
//! engine meant to keep its results must keep it. `--print-program` prints
//! the compiled step, one operation a line.

mod handwritten;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use polsim::engine::exec::{BatchRecord, Workspace};
use polsim::engine::program::Op;
use polsim::engine::{self, Job, LANES, Program, RunOptions, compile::compile};
use polsim::results::{OutcomeAcc, Results};
use polsim::scenario::{self, Disk, Model};

/// The allocator of the `polsim` binary (src/main.rs), so that the
/// benchmark allocates as the product does.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

struct Options {
    runs: u64,
    repeats: usize,
    seed: u64,
    only: Option<Vec<String>>,
    check: bool,
    /// Print the compiled step, one operation a line.
    print_program: bool,
    /// Print a digest of the engine's results.
    digest: bool,
}

fn options() -> Options {
    let mut o = Options {
        runs: 100_000,
        repeats: 5,
        seed: 2026,
        only: None,
        check: true,
        print_program: false,
        digest: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = |name: &str| {
            args.next()
                .unwrap_or_else(|| panic!("{name} needs a value"))
        };
        match a.as_str() {
            "--runs" => o.runs = value("--runs").parse().expect("--runs N"),
            "--repeats" => o.repeats = value("--repeats").parse().expect("--repeats N"),
            "--seed" => o.seed = value("--seed").parse().expect("--seed S"),
            "--only" => {
                o.only = Some(
                    value("--only")
                        .split(',')
                        .map(|s| s.trim().to_string())
                        .collect(),
                )
            }
            "--no-check" => o.check = false,
            "--print-program" => o.print_program = true,
            "--digest" => o.digest = true,
            // `cargo bench` passes --bench; anything else is ignored too.
            _ => {}
        }
    }
    o.repeats = o.repeats.max(1);
    o
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|text| {
            text.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_string())
        })
        .unwrap_or_else(|| "unknown".to_string())
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".to_string())
}

fn load_model() -> (Model, Program) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("benches/model.toml");
    let model = match scenario::load(&path, &Disk, &[]) {
        Ok(m) => m,
        Err(report) => panic!(
            "benches/model.toml does not check:\n{}",
            report.render(false)
        ),
    };
    let program = compile(&model, None);
    (model, program)
}

/// How many operations of each kind, e.g. "Bin 60, Draw 1, ...".
fn op_kinds(ops: &[Op]) -> String {
    let mut counts: Vec<(String, usize)> = Vec::new();
    for op in ops {
        let text = format!("{op:?}");
        let kind = text
            .split(|c: char| !c.is_alphanumeric())
            .next()
            .unwrap_or("?")
            .to_string();
        match counts.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, n)) => *n += 1,
            None => counts.push((kind, 1)),
        }
    }
    counts.sort_by_key(|c| std::cmp::Reverse(c.1));
    counts
        .iter()
        .map(|(k, n)| format!("{k} {n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn simulate(model: &Model, program: &Program, runs: u64, seed: u64, threads: usize) -> Results {
    let options = RunOptions {
        runs,
        seed,
        threads,
        rows: false,
    };
    engine::simulate(model, program, &options, None, &|_| {}, &mut |_| Ok(()))
        .unwrap_or_else(|e| panic!("simulation failed: {e}"))
}

/// As [`simulate`], keeping outcome statistics only (no per-step series).
fn simulate_outcomes(
    model: &Model,
    program: &Program,
    runs: u64,
    seed: u64,
    threads: usize,
) -> Results {
    let options = RunOptions {
        runs,
        seed,
        threads,
        rows: false,
    };
    let job = Job {
        model,
        program,
        inject: None,
        series: false,
        exact_quantiles: true,
        row_params: true,
    };
    engine::simulate_many(&[job], &options, &|_| {}, &mut |_| Ok(()))
        .unwrap_or_else(|e| panic!("simulation failed: {e}"))
        .pop()
        .expect("one job, one result")
}

/// Only the interpreter: every batch of runs, nothing accumulated but one
/// number (so the work cannot be optimised away).
fn core_loop(program: &Program, runs: u64, seed: u64) -> f64 {
    let mut ws = Workspace::new(program);
    let mut rec = BatchRecord::new(program, false);
    let mut sink = 0.0;
    let mut run = 0;
    while run < runs {
        let n = ((runs - run) as usize).min(LANES);
        if ws.run_batch(program, seed, run, n, None, &mut rec).is_err() {
            panic!("run_batch failed in the batch starting at run {run}");
        }
        sink += rec.outcomes[0][0];
        run += n as u64;
    }
    sink
}

/// An FNV-1a hash of the bits of every parameter, per-step series value,
/// event and outcome of runs `0..runs`: a change to the engine that keeps
/// its results keeps this number.
fn digest(program: &Program, runs: u64, seed: u64) -> u64 {
    let mut ws = Workspace::new(program);
    let mut rec = BatchRecord::new(program, true);
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut run = 0;
    while run < runs {
        let n = ((runs - run) as usize).min(LANES);
        if ws.run_batch(program, seed, run, n, None, &mut rec).is_err() {
            panic!("run_batch failed in the batch starting at run {run}");
        }
        let lanes = rec
            .params
            .iter()
            .chain(&rec.series)
            .chain(&rec.events)
            .chain(&rec.outcomes);
        for lane in lanes {
            for x in &lane[..n] {
                h = (h ^ x.to_bits()).wrapping_mul(0x0000_0100_0000_01b3);
            }
        }
        run += n as u64;
    }
    h
}

/// Mean and standard error of outcome `o` of polsim's results.
fn polsim_mean(results: &Results, o: usize) -> (f64, f64) {
    match &results.outcomes[o] {
        OutcomeAcc::Probability(p) => (p.estimate(), p.mcse()),
        OutcomeAcc::Number { moments, .. } => (moments.mean(), moments.mcse()),
        OutcomeAcc::Category(_) => (f64::NAN, f64::NAN),
    }
}

/// Compare outcome means; true if every one agrees within 4 standard errors.
fn agreement(model: &Model, results: &Results, hand: &handwritten::Outcomes) -> bool {
    println!(
        "Check: polsim and the hand-written model, outcome means ({} and {} runs, independent streams)",
        results.runs, hand.runs
    );
    println!(
        "  {:<16} {:>12} {:>12} {:>10} {:>7}",
        "outcome", "polsim", "hand", "diff/SE", ""
    );
    let mut ok = model.outcomes.len() == handwritten::OUTCOMES.len();
    for (o, name) in handwritten::OUTCOMES.iter().enumerate() {
        if model.outcomes.get(o).map(|x| x.name.as_str()) != Some(*name) {
            println!("  outcome {o} is not `{name}` in benches/model.toml");
            ok = false;
            continue;
        }
        let (pm, pse) = polsim_mean(results, o);
        let (hm, hse) = (hand.mean(o), hand.se(o));
        let z = (pm - hm) / (pse * pse + hse * hse).sqrt();
        let good = z.abs() < 4.0;
        ok &= good;
        println!(
            "  {name:<16} {pm:>12.5} {hm:>12.5} {z:>10.2} {:>7}",
            if good { "ok" } else { "DIFFERS" }
        );
    }
    println!(
        "  {}",
        if ok {
            "agree: every mean within 4 standard errors"
        } else {
            "DISAGREE: the two models do not compute the same thing"
        }
    );
    ok
}

struct Case<'a> {
    name: &'static str,
    what: String,
    threads: usize,
    run: Box<dyn FnMut() + 'a>,
    times: Vec<Duration>,
}

fn median(times: &[Duration]) -> Duration {
    let mut t = times.to_vec();
    t.sort();
    let n = t.len();
    if n % 2 == 1 {
        t[n / 2]
    } else {
        (t[n / 2 - 1] + t[n / 2]) / 2
    }
}

fn main() {
    let opt = options();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let (model, program) = load_model();
    println!("polsim engine benchmark: benches/model.toml");
    println!(
        "  model: {} parameters, {} states, {} derived, {} events, {} outcomes, {} steps, {} random streams per run",
        model.params.len(),
        model.states.len(),
        model.derived().count(),
        model.events().count(),
        model.outcomes.len(),
        model.info.steps,
        program.streams.len()
    );
    println!(
        "  program: {} slots; ops: {} before the run, {} per step, {} after",
        program.slots,
        program.init.len(),
        program.step.len(),
        program.finish.len()
    );
    println!("  ops per step by kind: {}", op_kinds(&program.step));
    if opt.print_program {
        for (i, op) in program.step.iter().enumerate() {
            println!("  step {i:>4}: {op:?}");
        }
    }
    if opt.digest {
        println!(
            "  digest of every value of the first 6,400 runs (the same whenever the engine's results are the same bits): {:016x}",
            digest(&program, 6_400, opt.seed)
        );
    }
    println!(
        "  runs {} per case, seed {}, {} repeats (round-robin)",
        opt.runs, opt.seed, opt.repeats
    );
    println!("  machine: {cores} cores, {}", cpu_model());
    println!("  load average at start: {}", load_average());
    println!();

    let runs = opt.runs;
    let seed = opt.seed;
    let floor_wanted = opt
        .only
        .as_ref()
        .is_none_or(|only| only.iter().any(|o| o == "floor-1"));
    // The draws of every run of the hand-written model, counted once.
    let counts = floor_wanted.then(|| handwritten::floor::counts(seed, runs));
    let samplers = handwritten::Samplers::new();
    let mut cases: Vec<Case> = Vec::new();
    let (m, p) = (&model, &program);
    cases.push(Case {
        name: "simulate-1",
        what: "polsim simulate (with statistics)".into(),
        threads: 1,
        run: Box::new(move || {
            std::hint::black_box(simulate(m, p, runs, seed, 1));
        }),
        times: Vec::new(),
    });
    if cores > 2 {
        cases.push(Case {
            name: "simulate-2",
            what: "polsim simulate (with statistics)".into(),
            threads: 2,
            run: Box::new(move || {
                std::hint::black_box(simulate(m, p, runs, seed, 2));
            }),
            times: Vec::new(),
        });
    }
    if cores > 1 {
        cases.push(Case {
            name: "simulate-all",
            what: "polsim simulate (with statistics)".into(),
            threads: cores,
            run: Box::new(move || {
                std::hint::black_box(simulate(m, p, runs, seed, 0));
            }),
            times: Vec::new(),
        });
    }
    cases.push(Case {
        name: "outcomes-1",
        what: "polsim simulate_many, outcomes only".into(),
        threads: 1,
        run: Box::new(move || {
            std::hint::black_box(simulate_outcomes(m, p, runs, seed, 1));
        }),
        times: Vec::new(),
    });
    if cores > 1 {
        cases.push(Case {
            name: "outcomes-all",
            what: "polsim simulate_many, outcomes only".into(),
            threads: cores,
            run: Box::new(move || {
                std::hint::black_box(simulate_outcomes(m, p, runs, seed, 0));
            }),
            times: Vec::new(),
        });
    }
    cases.push(Case {
        name: "core-1",
        what: "polsim run_batch only (no statistics)".into(),
        threads: 1,
        run: Box::new(move || {
            std::hint::black_box(core_loop(p, runs, seed));
        }),
        times: Vec::new(),
    });
    cases.push(Case {
        name: "hand-1",
        what: "hand-written Rust".into(),
        threads: 1,
        run: Box::new(move || {
            std::hint::black_box(handwritten::simulate(seed, runs, 1));
        }),
        times: Vec::new(),
    });
    if cores > 1 {
        cases.push(Case {
            name: "hand-all",
            what: "hand-written Rust".into(),
            threads: cores,
            run: Box::new(move || {
                std::hint::black_box(handwritten::simulate(seed, runs, cores));
            }),
            times: Vec::new(),
        });
    }
    if let Some(c) = &counts {
        let s = &samplers;
        cases.push(Case {
            name: "floor-1",
            what: "the model's draws alone (sampler floor)".into(),
            threads: 1,
            run: Box::new(move || {
                std::hint::black_box(handwritten::floor::model_draws(s, seed, c));
            }),
            times: Vec::new(),
        });
    }
    if let Some(only) = &opt.only {
        cases.retain(|c| only.iter().any(|o| o == c.name));
    }

    // Check agreement first (also a warm-up).
    let check_runs = runs.max(20_000);
    let ok = !opt.check
        || agreement(
            &model,
            &simulate(&model, &program, check_runs, seed, 0),
            &handwritten::simulate(seed, check_runs, cores),
        );
    println!();

    if let Some(c) = &counts {
        let per_run = |n: u64| n as f64 / c.runs() as f64;
        println!(
            "Draws of the hand-written model per run (mean over {} runs): parameters {:.1} uniforms + {:.1} normals; steps {:.1} uniforms + {:.1} normals; in all {:.1} uniforms + {:.1} normals",
            c.runs(),
            per_run(c.params_total.0),
            per_run(c.params_total.1),
            per_run(c.steps_total.0),
            per_run(c.steps_total.1),
            per_run(c.params_total.0 + c.steps_total.0),
            per_run(c.params_total.1 + c.steps_total.1),
        );
        println!("Sampler floor: nanoseconds per draw (1 thread, best of 3 loops of 10^6 draws)");
        for (name, ns) in handwritten::floor::per_draw(seed, 1_000_000) {
            println!("  {name:<52} {ns:>7.2}");
        }
        println!();
    }

    for _ in 0..opt.repeats {
        for case in cases.iter_mut() {
            let start = Instant::now();
            (case.run)();
            case.times.push(start.elapsed());
        }
    }

    let hand = cases
        .iter()
        .find(|c| c.name == "hand-1")
        .map(|c| (c.times.iter().min().copied(), median(&c.times)));
    println!(
        "Runs per second ({} runs, {} repeats; \"x hand\" = time / hand-written time on 1 thread)",
        runs, opt.repeats
    );
    println!(
        "  {:<13} {:<38} {:>7} {:>12} {:>12} {:>10} {:>9} {:>9}",
        "case", "what", "threads", "runs/s best", "runs/s med", "us/run med", "x hand", "x hand"
    );
    println!("  {:>104} {:>9}", "(best)", "(med)");
    let rate = |d: Duration| runs as f64 / d.as_secs_f64();
    for c in &cases {
        let best = c.times.iter().min().copied().unwrap_or_default();
        let med = median(&c.times);
        let (xb, xm) = match hand {
            Some((Some(hb), hm)) => (
                format!("{:.2}", best.as_secs_f64() / hb.as_secs_f64()),
                format!("{:.2}", med.as_secs_f64() / hm.as_secs_f64()),
            ),
            _ => ("-".into(), "-".into()),
        };
        println!(
            "  {:<13} {:<38} {:>7} {:>12.0} {:>12.0} {:>10.2} {:>9} {:>9}",
            c.name,
            c.what,
            c.threads,
            rate(best),
            rate(med),
            med.as_secs_f64() * 1e6 / runs as f64,
            xb,
            xm
        );
    }
    let best_of = |name: &str| {
        cases
            .iter()
            .find(|c| c.name == name)
            .and_then(|c| c.times.iter().min().copied())
    };
    println!();
    if let (Some(one), Some(all)) = (best_of("simulate-1"), best_of("simulate-all")) {
        println!(
            "  scaling, polsim simulate, 1 -> {cores} threads: {:.2}x",
            one.as_secs_f64() / all.as_secs_f64()
        );
    }
    if let (Some(one), Some(all)) = (best_of("hand-1"), best_of("hand-all")) {
        println!(
            "  scaling, hand-written,    1 -> {cores} threads: {:.2}x",
            one.as_secs_f64() / all.as_secs_f64()
        );
    }
    if let (Some(one), Some(all)) = (best_of("outcomes-1"), best_of("outcomes-all")) {
        println!(
            "  scaling, polsim outcomes only, 1 -> {cores} threads: {:.2}x",
            one.as_secs_f64() / all.as_secs_f64()
        );
    }
    if let (Some(full), Some(core)) = (best_of("simulate-1"), best_of("core-1")) {
        println!(
            "  share of simulate-1 spent outside run_batch (statistics, merging): {:.0}%",
            100.0 * (1.0 - core.as_secs_f64() / full.as_secs_f64())
        );
    }
    if let (Some(floor), Some(hand)) = (best_of("floor-1"), best_of("hand-1")) {
        println!(
            "  sampler floor as a share of hand-1 (best times): {:.0}%",
            100.0 * floor.as_secs_f64() / hand.as_secs_f64()
        );
    }
    if let (Some(out), Some(core)) = (best_of("outcomes-1"), best_of("core-1")) {
        println!(
            "  share of outcomes-1 spent outside run_batch: {:.0}%",
            100.0 * (1.0 - core.as_secs_f64() / out.as_secs_f64())
        );
    }
    println!("  load average at end: {}", load_average());
    if !ok {
        eprintln!("error: polsim and the hand-written model disagree (see the check above)");
        std::process::exit(1);
    }
}
