//! Scenario discovery: Friedman and Fisher's patient rule induction (PRIM).
//!
//! Given every run's uncertain parameter values and whether a condition
//! held in it (a *case of interest*), PRIM looks for a box (a range on each
//! parameter) inside which the condition is concentrated. It starts from
//! the box holding every run and *peels*: on each step it tries cutting off
//! a slice of `peel_alpha` (5%) of the box's runs from the low or the high
//! end of each parameter, and keeps the one cut that raises the share of
//! cases of interest most per run removed (EMA Workbench's default
//! objective, "lenient1"). It stops when no cut raises that share, when a
//! cut would leave fewer than `mass_min` of all runs, or when every run
//! left is a case of interest. It then *pastes*: it widens the last box
//! along one side of one parameter at a time, by `paste_alpha` of the box's
//! runs, as long as that does not lower the share.
//!
//! Every box on the way is kept (the *peeling trajectory*): early boxes
//! cover most cases of interest but are diluted; late ones are dense but
//! cover few. The analyst chooses a box from it; [`Options::min_coverage`]
//! chooses by default the densest box that still covers at least that
//! share of the cases of interest.
//!
//! After a box is chosen, its runs can be set aside and PRIM run again on
//! the rest (the covering approach of Friedman and Fisher, as EMA Workbench
//! does): a second box describes another way the condition comes about.
//!
//! Everything here is a pure function of its inputs: the same runs give
//! the same boxes on any machine (ties are broken by parameter order).

use serde::Serialize;

/// How PRIM peels and pastes, and how a box is chosen.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Options {
    /// The share of a box's runs one peel cuts off (EMA Workbench: 0.05).
    pub peel_alpha: f64,
    /// The share of a box's runs one paste adds (EMA Workbench: 0.05).
    pub paste_alpha: f64,
    /// The smallest share of all runs a box may hold (EMA Workbench: 0.05).
    pub mass_min: f64,
    /// The default box is the densest that covers at least this share of
    /// the cases of interest left for it.
    pub min_coverage: f64,
    /// Find up to this many boxes, each on the runs the earlier ones left.
    pub boxes: usize,
    /// Take the first box at this step of its trajectory instead of the
    /// default choice.
    pub step: Option<usize>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            peel_alpha: 0.05,
            paste_alpha: 0.05,
            mass_min: 0.05,
            min_coverage: 0.5,
            boxes: 1,
            step: None,
        }
    }
}

/// How a box on the trajectory was reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Move {
    /// The box holding every run left.
    Start,
    Peel,
    Paste,
}

/// One box on a peeling trajectory.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Step {
    pub how: Move,
    /// `(low, high)` per parameter, both inclusive, in parameter order.
    pub limits: Vec<(f64, f64)>,
    /// Runs inside the box.
    pub runs: u64,
    /// Cases of interest inside the box.
    pub cases: u64,
    /// Share of all cases of interest that are inside the box.
    pub coverage: f64,
    /// Share of the box's runs that are cases of interest.
    pub density: f64,
    /// Share of all runs inside the box.
    pub mass: f64,
    /// How many parameters the box restricts.
    pub restricted: usize,
}

/// One restricted parameter of a chosen box.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Restriction {
    /// Index in [`Discovery::parameters`].
    pub parameter: usize,
    pub low: f64,
    pub high: f64,
    /// Whether the box cuts the low end, the high end (or both).
    pub cuts_low: bool,
    pub cuts_high: bool,
    /// The box's density with this restriction lifted: how much the
    /// restriction itself concentrates the cases of interest.
    pub density_without: f64,
    /// The median value among the box's cases of interest.
    pub median_of_cases: f64,
}

/// One box found, with the trajectory it was chosen from.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FoundBox {
    pub trajectory: Vec<Step>,
    /// Index of the chosen box on the trajectory.
    pub chosen: usize,
    /// The chosen box's restricted parameters, most influential first
    /// (lowest density without the restriction).
    pub restrictions: Vec<Restriction>,
    /// Runs and cases of interest PRIM worked on for this box (the runs
    /// earlier boxes left).
    pub runs_left: u64,
    pub cases_left: u64,
}

impl FoundBox {
    pub fn box_step(&self) -> &Step {
        &self.trajectory[self.chosen]
    }
}

/// A parameter PRIM worked on: its name and the range its values spanned.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Parameter {
    pub name: String,
    /// What charts and reports call it: the scenario's label, else the
    /// name (the caller sets it; `discover` starts it as the name).
    pub label: String,
    pub min: f64,
    pub max: f64,
}

/// The result of scenario discovery.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Discovery {
    pub parameters: Vec<Parameter>,
    pub runs: u64,
    /// Runs where the condition held.
    pub cases: u64,
    pub boxes: Vec<FoundBox>,
}

/// Why PRIM cannot run on these data.
#[derive(Clone, Debug, PartialEq)]
pub enum PrimError {
    /// No parameter varies across the runs (all fixed or absent).
    NoParameters,
    /// The condition never holds: nothing to explain.
    NoCases { runs: u64 },
    /// The condition always holds: no contrast to explain it by.
    AllCases { runs: u64 },
    /// `step` is past the end of the first box's trajectory.
    NoSuchStep { step: usize, steps: usize },
}

/// The runs' data: one column of values per parameter, and the condition.
pub struct Data<'a> {
    pub names: &'a [String],
    /// `columns[p][run]`.
    pub columns: &'a [Vec<f64>],
    pub cases: &'a [bool],
}

/// Run PRIM: find up to `options.boxes` boxes. Parameters whose value is
/// the same in every run (or missing) are left out.
pub fn discover(data: &Data<'_>, options: &Options) -> Result<Discovery, PrimError> {
    let n = data.cases.len();
    let cases = data.cases.iter().filter(|&&c| c).count() as u64;
    if cases == 0 {
        return Err(PrimError::NoCases { runs: n as u64 });
    }
    if cases == n as u64 {
        return Err(PrimError::AllCases { runs: n as u64 });
    }
    let mut parameters = Vec::new();
    let mut columns: Vec<&[f64]> = Vec::new();
    for (name, column) in data.names.iter().zip(data.columns) {
        let (min, max) = range(column);
        if min < max {
            parameters.push(Parameter {
                name: name.clone(),
                label: name.clone(),
                min,
                max,
            });
            columns.push(column);
        }
    }
    if parameters.is_empty() {
        return Err(PrimError::NoParameters);
    }
    // A run with a missing parameter value cannot be placed in a box.
    let mut left: Vec<u32> = (0..n as u32)
        .filter(|&i| columns.iter().all(|c| !c[i as usize].is_nan()))
        .collect();
    let full: Vec<(f64, f64)> = parameters.iter().map(|p| (p.min, p.max)).collect();
    let world = World {
        columns: &columns,
        cases: data.cases,
        runs: n as f64,
        total_cases: cases as f64,
        full: &full,
    };
    let mut boxes = Vec::new();
    while boxes.len() < options.boxes.max(1) {
        let cases_left = left.iter().filter(|&&i| data.cases[i as usize]).count();
        if cases_left == 0 || cases_left == left.len() {
            break;
        }
        let step = if boxes.is_empty() { options.step } else { None };
        let found = find_box(&world, &left, options, step)?;
        let chosen = found.box_step().clone();
        // A later box that concentrates nothing is not a finding.
        let base = cases_left as f64 / left.len() as f64;
        if !boxes.is_empty() && chosen.density <= base {
            break;
        }
        left.retain(|&i| !inside(&columns, &chosen.limits, i as usize));
        boxes.push(found);
    }
    Ok(Discovery {
        parameters,
        runs: n as u64,
        cases,
        boxes,
    })
}

fn range(column: &[f64]) -> (f64, f64) {
    column
        .iter()
        .filter(|v| !v.is_nan())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
            (lo.min(v), hi.max(v))
        })
}

/// What every box is measured against.
struct World<'a> {
    columns: &'a [&'a [f64]],
    cases: &'a [bool],
    runs: f64,
    total_cases: f64,
    full: &'a [(f64, f64)],
}

impl World<'_> {
    fn step(&self, how: Move, limits: Vec<(f64, f64)>, members: &[u32]) -> Step {
        let cases = self.count_cases(members);
        let runs = members.len() as u64;
        let restricted = limits
            .iter()
            .zip(self.full)
            .filter(|((lo, hi), (min, max))| lo > min || hi < max)
            .count();
        Step {
            how,
            limits,
            runs,
            cases,
            coverage: cases as f64 / self.total_cases,
            density: if runs == 0 {
                0.0
            } else {
                cases as f64 / runs as f64
            },
            mass: runs as f64 / self.runs,
            restricted,
        }
    }

    fn count_cases(&self, members: &[u32]) -> u64 {
        members.iter().filter(|&&i| self.cases[i as usize]).count() as u64
    }
}

fn inside(columns: &[&[f64]], limits: &[(f64, f64)], run: usize) -> bool {
    columns
        .iter()
        .zip(limits)
        .all(|(c, &(lo, hi))| c[run] >= lo && c[run] <= hi)
}

/// Peel, paste and choose one box from the runs `left`.
fn find_box(
    world: &World<'_>,
    left: &[u32],
    options: &Options,
    step: Option<usize>,
) -> Result<FoundBox, PrimError> {
    let mut limits: Vec<(f64, f64)> = world.full.to_vec();
    let mut members: Vec<u32> = left.to_vec();
    let mut trajectory = vec![world.step(Move::Start, limits.clone(), &members)];
    let min_runs = (options.mass_min * world.runs).ceil() as usize;
    while let Some((j, lo, hi)) = best_peel(world, &limits, &members, options.peel_alpha, min_runs)
    {
        limits[j] = (lo, hi);
        let column = world.columns[j];
        members.retain(|&i| column[i as usize] >= lo && column[i as usize] <= hi);
        trajectory.push(world.step(Move::Peel, limits.clone(), &members));
        if trajectory.last().is_some_and(|s| s.density >= 1.0) {
            break;
        }
    }
    while let Some((j, lo, hi)) = best_paste(world, left, &limits, &members, options.paste_alpha) {
        limits[j] = (lo, hi);
        members = left
            .iter()
            .copied()
            .filter(|&i| inside(world.columns, &limits, i as usize))
            .collect();
        trajectory.push(world.step(Move::Paste, limits.clone(), &members));
    }
    let cases_left = world.count_cases(left);
    let chosen = match step {
        Some(step) if step >= trajectory.len() => {
            return Err(PrimError::NoSuchStep {
                step,
                steps: trajectory.len(),
            });
        }
        Some(step) => step,
        None => choose(&trajectory, cases_left, options.min_coverage),
    };
    let restrictions = restrictions(world, left, &trajectory[chosen]);
    Ok(FoundBox {
        trajectory,
        chosen,
        restrictions,
        runs_left: left.len() as u64,
        cases_left,
    })
}

/// The densest box covering at least `min_coverage` of the cases of
/// interest left; on a tie the one covering more (then the earlier).
pub fn choose(trajectory: &[Step], cases_left: u64, min_coverage: f64) -> usize {
    let mut best = 0;
    for (k, s) in trajectory.iter().enumerate() {
        let covers = s.cases as f64 >= min_coverage * cases_left as f64;
        let b = &trajectory[best];
        if covers && (s.density > b.density || (s.density == b.density && s.cases > b.cases)) {
            best = k;
        }
    }
    best
}

/// The k-th smallest of `values` (0-based), which it reorders.
fn kth(values: &mut [f64], k: usize) -> f64 {
    let k = k.min(values.len() - 1);
    *values.select_nth_unstable_by(k, f64::total_cmp).1
}

/// The best single peel of the box holding `members`: the parameter and
/// its new limits, or `None` when no peel raises the density and keeps at
/// least `min_runs` runs.
fn best_peel(
    world: &World<'_>,
    limits: &[(f64, f64)],
    members: &[u32],
    alpha: f64,
    min_runs: usize,
) -> Option<(usize, f64, f64)> {
    let n = members.len();
    let cases = world.count_cases(members) as f64;
    let mean = cases / n as f64;
    let cut = ((alpha * n as f64).floor() as usize).max(1);
    let mut best: Option<(f64, usize, usize, f64, f64)> = None;
    let mut values = Vec::with_capacity(n);
    for (j, column) in world.columns.iter().enumerate() {
        values.clear();
        values.extend(members.iter().map(|&i| column[i as usize]));
        let (min, max) = range(&values);
        if min >= max {
            continue;
        }
        // Cut below the alpha quantile; when ties sit there, cut the
        // tied lowest value whole.
        let mut low = kth(&mut values, cut);
        if low <= min {
            low = next_above(column, members, min);
        }
        let mut high = kth(&mut values, n - 1 - cut);
        if high >= max {
            high = next_below(column, members, max);
        }
        // The side not cut keeps the box's limit, so a parameter counts as
        // restricted only where a peel cut it.
        let (box_lo, box_hi) = limits[j];
        for (lo, hi) in [(low, box_hi), (box_lo, high)] {
            let (kept, kept_cases) = members.iter().fold((0usize, 0usize), |(k, c), &i| {
                let v = column[i as usize];
                if v >= lo && v <= hi {
                    (k + 1, c + usize::from(world.cases[i as usize]))
                } else {
                    (k, c)
                }
            });
            if kept == 0 || kept == n || kept < min_runs {
                continue;
            }
            let new_mean = kept_cases as f64 / kept as f64;
            let objective = (new_mean - mean) / (n - kept) as f64;
            if objective <= 0.0 {
                continue;
            }
            let better = match best {
                None => true,
                Some((o, k, ..)) => objective > o || (objective == o && kept > k),
            };
            if better {
                best = Some((objective, kept, j, lo, hi));
            }
        }
    }
    best.map(|(_, _, j, lo, hi)| (j, lo, hi))
}

/// The smallest value of `column` among `members` above `floor` (or
/// `floor` itself when there is none).
fn next_above(column: &[f64], members: &[u32], floor: f64) -> f64 {
    members
        .iter()
        .map(|&i| column[i as usize])
        .filter(|&v| v > floor)
        .fold(f64::INFINITY, f64::min)
        .min(f64::MAX)
        .max(floor)
}

fn next_below(column: &[f64], members: &[u32], ceiling: f64) -> f64 {
    members
        .iter()
        .map(|&i| column[i as usize])
        .filter(|&v| v < ceiling)
        .fold(f64::NEG_INFINITY, f64::max)
        .max(f64::MIN)
        .min(ceiling)
}

/// The best paste: widen one side of one parameter's limits to take in
/// about `alpha` of the box's runs from just outside it, if that does not
/// lower the density; `None` when no paste qualifies.
fn best_paste(
    world: &World<'_>,
    left: &[u32],
    limits: &[(f64, f64)],
    members: &[u32],
    alpha: f64,
) -> Option<(usize, f64, f64)> {
    let n = members.len();
    let cases = world.count_cases(members);
    let density = cases as f64 / n as f64;
    let take = ((alpha * n as f64).ceil() as usize).max(1);
    // Runs outside the box on exactly one parameter, by parameter and side.
    let d = limits.len();
    let mut below: Vec<Vec<u32>> = vec![Vec::new(); d];
    let mut above: Vec<Vec<u32>> = vec![Vec::new(); d];
    for &i in left {
        let mut outside = None;
        let mut count = 0;
        for (j, (c, &(lo, hi))) in world.columns.iter().zip(limits).enumerate() {
            let v = c[i as usize];
            if v < lo {
                outside = Some((j, false));
                count += 1;
            } else if v > hi {
                outside = Some((j, true));
                count += 1;
            }
            if count > 1 {
                break;
            }
        }
        if let (1, Some((j, high))) = (count, outside) {
            if high {
                above[j].push(i);
            } else {
                below[j].push(i);
            }
        }
    }
    let mut best: Option<(f64, u64, usize, f64, f64)> = None;
    for j in 0..d {
        let column = world.columns[j];
        let (lo, hi) = limits[j];
        for (side, high) in [(&below[j], false), (&above[j], true)] {
            if side.is_empty() {
                continue;
            }
            let mut values: Vec<f64> = side.iter().map(|&i| column[i as usize]).collect();
            // Nearest first.
            values.sort_by(|a, b| if high { a.total_cmp(b) } else { b.total_cmp(a) });
            let edge = values[take.min(values.len()) - 1];
            let (new_lo, new_hi) = if high { (lo, edge) } else { (edge, hi) };
            let (added, added_cases) = side.iter().fold((0u64, 0u64), |(a, c), &i| {
                let v = column[i as usize];
                if v >= new_lo && v <= new_hi {
                    (a + 1, c + u64::from(world.cases[i as usize]))
                } else {
                    (a, c)
                }
            });
            let new_density = (cases + added_cases) as f64 / (n as u64 + added) as f64;
            if added == 0 || new_density < density || added_cases == 0 {
                continue;
            }
            let better = match best {
                None => true,
                Some((dens, c, ..)) => {
                    new_density > dens || (new_density == dens && added_cases > c)
                }
            };
            if better {
                best = Some((new_density, added_cases, j, new_lo, new_hi));
            }
        }
    }
    best.map(|(_, _, j, lo, hi)| (j, lo, hi))
}

/// The restricted parameters of `step`, each with the density its box
/// would have without that restriction.
fn restrictions(world: &World<'_>, left: &[u32], step: &Step) -> Vec<Restriction> {
    let mut out: Vec<Restriction> = Vec::new();
    for (j, (&(lo, hi), &(min, max))) in step.limits.iter().zip(world.full).enumerate() {
        if lo <= min && hi >= max {
            continue;
        }
        let mut lifted = step.limits.clone();
        lifted[j] = (min, max);
        let (runs, cases) = left.iter().fold((0u64, 0u64), |(r, c), &i| {
            if inside(world.columns, &lifted, i as usize) {
                (r + 1, c + u64::from(world.cases[i as usize]))
            } else {
                (r, c)
            }
        });
        let mut values: Vec<f64> = left
            .iter()
            .filter(|&&i| {
                world.cases[i as usize] && inside(world.columns, &step.limits, i as usize)
            })
            .map(|&i| world.columns[j][i as usize])
            .collect();
        let median = if values.is_empty() {
            f64::NAN
        } else {
            let k = values.len() / 2;
            kth(&mut values, k)
        };
        out.push(Restriction {
            parameter: j,
            low: lo,
            high: hi,
            cuts_low: lo > min,
            cuts_high: hi < max,
            density_without: if runs == 0 {
                0.0
            } else {
                cases as f64 / runs as f64
            },
            median_of_cases: median,
        });
    }
    out.sort_by(|a, b| {
        a.density_without
            .total_cmp(&b.density_without)
            .then(a.parameter.cmp(&b.parameter))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reproducible stream of uniform numbers in [0, 1) (SplitMix64).
    fn uniforms(seed: u64, n: usize) -> Vec<f64> {
        let mut state = seed;
        (0..n)
            .map(|_| {
                state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
                let mut z = state;
                z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
                z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
                z ^= z >> 31;
                (z >> 11) as f64 / (1u64 << 53) as f64
            })
            .collect()
    }

    fn names(d: usize) -> Vec<String> {
        (0..d).map(|j| format!("x{j}")).collect()
    }

    #[test]
    fn finds_a_known_box() {
        // Four uniform parameters; the condition is x0 > 0.6 and x2 < 0.3
        // exactly (no noise), so the true box is x0 in (0.6, 1], x2 in
        // [0, 0.3), x1 and x3 free: 12% of the runs.
        let n = 5000;
        let columns: Vec<Vec<f64>> = (0..4).map(|j| uniforms(11 + j, n)).collect();
        let cases: Vec<bool> = (0..n)
            .map(|i| columns[0][i] > 0.6 && columns[2][i] < 0.3)
            .collect();
        let names = names(4);
        let data = Data {
            names: &names,
            columns: &columns,
            cases: &cases,
        };
        let found = discover(&data, &Options::default()).unwrap();
        let b = &found.boxes[0];
        let step = b.box_step();
        assert_eq!(step.restricted, 2, "{step:?}");
        // Peeling moves in slices of 5% of the box, so a limit lands
        // within one slice of the truth; pasting takes it back over.
        let (lo0, hi0) = step.limits[0];
        let (lo2, hi2) = step.limits[2];
        assert!((lo0 - 0.6).abs() < 0.03 && hi0 == found.parameters[0].max);
        assert!((hi2 - 0.3).abs() < 0.03 && lo2 == found.parameters[2].min);
        assert!(step.density > 0.95 && step.coverage > 0.9, "{step:?}");
        let restricted: Vec<usize> = b.restrictions.iter().map(|r| r.parameter).collect();
        assert_eq!(restricted.len(), 2);
        assert!(restricted.contains(&0) && restricted.contains(&2));
        // The trajectory starts with every run and ends denser.
        assert_eq!(b.trajectory[0].coverage, 1.0);
        assert!(b.trajectory.iter().skip(1).any(|s| s.how == Move::Peel));
    }

    #[test]
    fn a_second_box_finds_a_second_way() {
        // Two disjoint ways to the condition: x0 > 0.8, or x1 < 0.15 with
        // x0 <= 0.8. Box 1 takes one, box 2 the other.
        let n = 6000;
        let columns: Vec<Vec<f64>> = (0..3).map(|j| uniforms(40 + j, n)).collect();
        let cases: Vec<bool> = (0..n)
            .map(|i| columns[0][i] > 0.8 || columns[1][i] < 0.15)
            .collect();
        let names = names(3);
        let data = Data {
            names: &names,
            columns: &columns,
            cases: &cases,
        };
        let options = Options {
            boxes: 3,
            min_coverage: 0.4,
            ..Options::default()
        };
        let found = discover(&data, &options).unwrap();
        assert!(found.boxes.len() >= 2, "{:?}", found.boxes.len());
        let first: Vec<usize> = found.boxes[0]
            .restrictions
            .iter()
            .map(|r| r.parameter)
            .collect();
        let second: Vec<usize> = found.boxes[1]
            .restrictions
            .iter()
            .map(|r| r.parameter)
            .collect();
        assert_eq!(first.len(), 1);
        assert_eq!(second.len(), 1);
        assert_ne!(first, second);
        assert!(found.boxes[1].box_step().density > 0.9);
    }

    #[test]
    fn refuses_conditions_without_contrast() {
        let columns = vec![uniforms(1, 10)];
        let names = names(1);
        let none = vec![false; 10];
        let all = vec![true; 10];
        let data = |cases| Data {
            names: &names,
            columns: &columns,
            cases,
        };
        assert_eq!(
            discover(&data(&none), &Options::default()),
            Err(PrimError::NoCases { runs: 10 })
        );
        assert_eq!(
            discover(&data(&all), &Options::default()),
            Err(PrimError::AllCases { runs: 10 })
        );
        let fixed = vec![vec![0.5; 10]];
        let half: Vec<bool> = (0..10).map(|i| i % 2 == 0).collect();
        let data = Data {
            names: &names,
            columns: &fixed,
            cases: &half,
        };
        assert_eq!(
            discover(&data, &Options::default()),
            Err(PrimError::NoParameters)
        );
    }

    #[test]
    fn whole_number_parameters_peel_by_value() {
        // x0 takes the values 0..=4; the condition is x0 == 4.
        let n = 2000;
        let u = uniforms(5, n);
        let column: Vec<f64> = u.iter().map(|v| (v * 5.0).floor()).collect();
        let cases: Vec<bool> = column.iter().map(|&v| v == 4.0).collect();
        let columns = vec![column];
        let names = names(1);
        let data = Data {
            names: &names,
            columns: &columns,
            cases: &cases,
        };
        let found = discover(&data, &Options::default()).unwrap();
        let step = found.boxes[0].box_step();
        assert_eq!(step.limits[0], (4.0, 4.0));
        assert_eq!(step.density, 1.0);
        assert_eq!(step.coverage, 1.0);
    }
}
