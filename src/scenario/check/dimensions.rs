//! Arrays over named dimensions: `[dimensions]`, `[constants]`, and
//! parameters, state, derived variables, events and outcomes declared `over`
//! dimensions.
//!
//! An array is expanded here, before anything else is checked, into one
//! scalar entry per element, named `violence[north]` (`x[north,sdf]` over two
//! dimensions), so the rest of the checker, the compiler and the engine run
//! an arrayed model exactly as they run the same model written out by hand.
//! Each element keeps its equation's text and place in the file (messages
//! point at the shared equation) and the element of every dimension it is
//! declared over, which an expression reads by the dimension's name
//! (`violence[region]`, or `violence` alone). Random streams are keyed by a
//! variable's name, so each element draws from a stream of its own: adding
//! an element leaves the others' draws unchanged.

use std::collections::{HashMap, HashSet};

use super::*;
use crate::expr::BinOp;
use crate::expr::builtins::Func;
use crate::scenario::raw::{
    Entries, RawConstant, RawCorrelation, RawDerived, RawDimension, RawEvent, RawIntervention,
    RawOutcome, RawOver, RawParam, RawState, RawValues,
};

/// Most elements one arrayed entry may expand to; beyond it a typo (a range
/// of 1..100000) is likelier than intent.
pub const MAX_ELEMENTS: usize = 10_000;

/// A declared dimension.
#[derive(Clone, Debug)]
pub(super) struct Dim {
    pub name: String,
    pub elements: Vec<String>,
    /// The dimension whose elements these are (itself, or the one named by
    /// `same_as`): dimensions with the same base index each other.
    pub base: usize,
}

/// An arrayed variable: its dimensions and the names of its elements'
/// variables, row-major (the last dimension varies fastest).
#[derive(Clone, Debug)]
pub(super) struct Array {
    pub dims: Vec<usize>,
    pub names: Vec<String>,
}

/// A named constant: a number, or numbers over dimensions (row-major).
#[derive(Clone, Debug)]
pub(super) struct Constant {
    pub dims: Vec<usize>,
    pub values: Vec<f64>,
}

/// A dimension bound to one of its elements while an expression is
/// resolved: `name` is how the expression refers to it.
#[derive(Clone, Debug)]
pub(super) struct Binding {
    pub name: String,
    pub dim: usize,
    pub element: usize,
}

/// What the checker knows of dimensions, arrays and constants.
#[derive(Clone, Debug, Default)]
pub(super) struct Arrays {
    pub dims: Vec<Dim>,
    pub dim_names: HashMap<String, usize>,
    pub arrays: HashMap<String, Array>,
    /// Arrayed outcomes (not readable in expressions; for `[charts]`).
    pub outcomes: HashMap<String, Array>,
    pub constants: HashMap<String, Constant>,
    /// The bindings of each element's variable, by its name.
    pub env_of: HashMap<String, Vec<Binding>>,
    /// The bindings in force while resolving an expression.
    pub env: Vec<Binding>,
}

/// The reductions over a dimension: `sum(x, region)` and the rest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Reduce {
    Sum,
    Mean,
    Min,
    Max,
    Any,
    All,
    /// `count(x, region)`: the counts of every element, added.
    Count,
    /// `ever(x, region)`: whether any element was ever true.
    Ever,
    /// `first(x, region)`: the first step at which any element was true.
    First,
}

const REDUCTIONS: &[(&str, Reduce)] = &[
    ("sum", Reduce::Sum),
    ("mean", Reduce::Mean),
    ("min", Reduce::Min),
    ("max", Reduce::Max),
    ("any", Reduce::Any),
    ("all", Reduce::All),
    ("count", Reduce::Count),
    ("ever", Reduce::Ever),
    ("first", Reduce::First),
];

/// The name of element `tuple` of `base` over `dims`: `x[north]`, `x[north,sdf]`.
fn element_name(base: &str, dims: &[Dim], over: &[usize], tuple: &[usize]) -> String {
    let parts: Vec<&str> = over
        .iter()
        .zip(tuple)
        .map(|(&d, &e)| dims[d].elements[e].as_str())
        .collect();
    format!("{base}[{}]", parts.join(","))
}

/// Every tuple of element indices over dimensions of these sizes, row-major.
fn tuples(sizes: &[usize]) -> Vec<Vec<usize>> {
    let mut out = vec![Vec::new()];
    for &n in sizes {
        out = out
            .into_iter()
            .flat_map(|t| {
                (0..n).map(move |e| {
                    let mut t = t.clone();
                    t.push(e);
                    t
                })
            })
            .collect();
    }
    out
}

/// Whether an element's name can be written as an index: a name of the
/// expression language or a whole number.
fn valid_element(e: &str) -> bool {
    let name = e
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && e.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    let number = !e.is_empty() && e.chars().all(|c| c.is_ascii_digit());
    name || number
}

/// `"1..5"` or `"r1..r5"`: the elements of a range; `None` if `text` is not one.
fn range(text: &str) -> Option<Result<Vec<String>, String>> {
    let (lo, hi) = text.split_once("..")?;
    let split = |s: &str| {
        let s = s.trim();
        let digits = s.len() - s.trim_start_matches(|c: char| !c.is_ascii_digit()).len();
        let (prefix, number) = s.split_at(digits);
        number.parse::<u64>().ok().map(|n| (prefix.to_string(), n))
    };
    Some(match (split(lo), split(hi)) {
        (Some((p, a)), Some((q, b))) if (p == q || q.is_empty()) && a <= b => {
            if b - a >= MAX_ELEMENTS as u64 {
                Err(format!(
                    "the range {text} has more than {MAX_ELEMENTS} elements"
                ))
            } else {
                Ok((a..=b).map(|n| format!("{p}{n}")).collect())
            }
        }
        _ => Err(format!(
            "`{text}` is not a range: write \"1..5\" or \"r1..r5\" (whole numbers, the first no larger than the last)"
        )),
    })
}

impl Checker {
    /// Read `[dimensions]` and `[constants]`, then expand every arrayed
    /// entry into one entry per element; returns the scenario with only
    /// scalar entries.
    pub(super) fn explode(&mut self, mut raw: RawScenario) -> RawScenario {
        self.read_dimensions(&raw.dimensions);
        self.read_constants(&raw.constants);
        raw.parameters = self.expand(
            std::mem::take(&mut raw.parameters),
            "parameter",
            |p| (&mut p.array, p.shared.as_ref().is_some_and(|s| s.value)),
            merge_param,
        );
        raw.state = self.expand(
            std::mem::take(&mut raw.state),
            "state variable",
            |s| (&mut s.array, false),
            merge_state,
        );
        raw.derived = self.expand(
            std::mem::take(&mut raw.derived),
            "derived variable",
            |d| (&mut d.array, false),
            merge_derived,
        );
        let events = std::mem::take(&mut raw.events);
        raw.events = self.expand(events, "event", |e| (&mut e.array, false), merge_event);
        raw.outcomes = self.expand(
            std::mem::take(&mut raw.outcomes),
            "outcome",
            |o| (&mut o.array, false),
            merge_outcome,
        );
        self.rename_branches(&mut raw);
        raw.interventions = self.expand_interventions(std::mem::take(&mut raw.interventions));
        raw.correlations = self.expand_correlations(std::mem::take(&mut raw.correlations));
        let charts = &mut raw.charts;
        for (list, arrays) in [
            (&mut charts.outcomes, &self.arrays.outcomes),
            (&mut charts.variables, &self.arrays.arrays),
            (&mut charts.events, &self.arrays.arrays),
        ] {
            if let Some(list) = list {
                list.value = list
                    .value
                    .iter()
                    .flat_map(|n| match arrays.get(n) {
                        Some(a) => a.names.clone(),
                        None => vec![n.clone()],
                    })
                    .collect();
            }
        }
        if let Some(Sp {
            value: RawSeries::Names(names),
            ..
        }) = &mut raw.info.series
        {
            *names = names
                .iter()
                .flat_map(|n| match self.arrays.arrays.get(&n.value) {
                    Some(a) => a
                        .names
                        .iter()
                        .map(|e| Sp {
                            value: e.clone(),
                            span: n.span,
                        })
                        .collect(),
                    None => vec![n.clone()],
                })
                .collect();
        }
        self.label_elements(&mut raw);
        raw
    }

    /// An element's label names its element: "Peak violence (north)".
    fn label_elements(&self, raw: &mut RawScenario) {
        let docs = raw
            .parameters
            .iter_mut()
            .map(|(n, p)| (&*n, &mut p.doc))
            .chain(raw.state.iter_mut().map(|(n, s)| (&*n, &mut s.doc)))
            .chain(raw.derived.iter_mut().map(|(n, d)| (&*n, &mut d.doc)))
            .chain(raw.events.iter_mut().map(|(n, e)| (&*n, &mut e.doc)))
            .chain(raw.outcomes.iter_mut().map(|(n, o)| (&*n, &mut o.doc)));
        for (name, doc) in docs {
            let Some(label) = &mut doc.label else {
                continue;
            };
            if !self.arrays.env_of.contains_key(&name.value) {
                continue;
            }
            if let Some((_, element)) = name.value.split_once('[') {
                let element = element.trim_end_matches(']').replace(',', ", ");
                label.value = format!("{} ({element})", label.value);
            }
        }
    }

    fn read_dimensions(&mut self, dims: &[(Sp<String>, RawDimension)]) {
        // Declared first, so `same_as` may name a dimension declared after it.
        let mut aliases = Vec::new();
        for (name, d) in dims {
            self.check_name(name);
            if self.arrays.dim_names.contains_key(&name.value) {
                self.diags.push(
                    Diagnostic::new(
                        name.span,
                        format!("dimension `{}` is declared twice", name.value),
                    )
                    .help("give each dimension one list of elements"),
                );
                continue;
            }
            let index = self.arrays.dims.len();
            let mut elements = Vec::new();
            match (&d.elements, &d.same_as) {
                (Some(list), None) => {
                    let from_range = match list.value.as_slice() {
                        [one] => range(one),
                        _ => None,
                    };
                    elements = match from_range {
                        Some(Ok(e)) => e,
                        Some(Err(why)) => {
                            self.diags.push(Diagnostic::new(list.span, why).help(
                                "a dimension is a list of element names, e.g. [\"north\", \"east\"], or a range \"1..5\"",
                            ));
                            Vec::new()
                        }
                        None => list.value.clone(),
                    };
                    self.check_elements(name, list.span, &elements);
                }
                (None, Some(other)) => aliases.push((index, other.clone())),
                (Some(list), Some(_)) => {
                    self.diags.push(
                        Diagnostic::new(list.span, format!("dimension `{}` has both `elements` and `same_as`", name.value))
                            .help("list its elements, or name the dimension whose elements it shares; not both"),
                    );
                }
                (None, None) => self.missing(
                    name,
                    "dimension",
                    "elements",
                    "region = [\"north\", \"east\", \"south\"]",
                ),
            }
            self.arrays.dim_names.insert(name.value.clone(), index);
            self.arrays.dims.push(Dim {
                name: name.value.clone(),
                elements,
                base: index,
            });
        }
        for (index, other) in aliases {
            match self.arrays.dim_names.get(&other.value).copied() {
                Some(target) if self.arrays.dims[target].base == target && target != index => {
                    self.arrays.dims[index].elements = self.arrays.dims[target].elements.clone();
                    self.arrays.dims[index].base = target;
                }
                Some(_) => self.diags.push(
                    Diagnostic::new(other.span, format!("`same_as = \"{}\"` names a dimension that itself has no list of elements", other.value))
                        .help("name a dimension declared with its elements"),
                ),
                None => {
                    let mut d = Diagnostic::new(other.span, format!("`same_as` names unknown dimension `{}`", other.value));
                    d = match did_you_mean(&other.value, self.arrays.dim_names.keys().map(String::as_str)) {
                        Some(s) => d.help(format!("did you mean `{s}`?")),
                        None => d.help("name a dimension declared under [dimensions]"),
                    };
                    self.diags.push(d);
                }
            }
        }
    }

    fn check_elements(&mut self, name: &Sp<String>, span: Span, elements: &[String]) {
        if elements.is_empty() {
            self.diags.push(
                Diagnostic::new(span, format!("dimension `{}` has no elements", name.value))
                    .help("list at least one, e.g. [\"north\", \"south\"]"),
            );
        }
        if elements.len() > MAX_ELEMENTS {
            self.diags.push(
                Diagnostic::new(span, format!("dimension `{}` has {} elements, more than {MAX_ELEMENTS}", name.value, elements.len()))
                    .help("an array is expanded into a variable per element; split the model or aggregate the elements"),
            );
        }
        let mut seen = HashSet::new();
        for e in elements {
            if !valid_element(e) {
                self.diags.push(
                    Diagnostic::new(span, format!("`{e}` cannot name an element of `{}`", name.value))
                        .help("element names start with a letter and use letters, digits and _ (`north`, `sdf`), or are whole numbers"),
                );
            } else if !seen.insert(e.as_str()) {
                self.diags.push(
                    Diagnostic::new(
                        span,
                        format!(
                            "element `{e}` is listed twice in dimension `{}`",
                            name.value
                        ),
                    )
                    .help("each element of a dimension needs its own name"),
                );
            }
        }
    }

    /// The dimensions named by `over`; `None` after reporting an unknown
    /// one, a repeat, or too many elements.
    fn dims_of(&mut self, owner: &str, over: &Sp<Vec<String>>) -> Option<Vec<usize>> {
        let mut out = Vec::new();
        for d in &over.value {
            match self.arrays.dim_names.get(d) {
                Some(&i) if out.contains(&i) => {
                    self.diags.push(
                        Diagnostic::new(over.span, format!("`{owner}` is declared over `{d}` twice"))
                            .help(format!("over the same elements twice, declare a second dimension with them: `other = {{ same_as = \"{d}\" }}`, and use over = [\"{d}\", \"other\"]")),
                    );
                    return None;
                }
                Some(&i) => out.push(i),
                None => {
                    let mut diag = Diagnostic::new(
                        over.span,
                        format!("`{owner}` is declared over unknown dimension `{d}`"),
                    );
                    diag = match did_you_mean(d, self.arrays.dim_names.keys().map(String::as_str)) {
                        Some(s) => diag.help(format!("did you mean `{s}`?")),
                        None => diag.help(
                            "declare it under [dimensions], e.g. region = [\"north\", \"south\"]",
                        ),
                    };
                    self.diags.push(diag);
                    return None;
                }
            }
        }
        let size: usize = out
            .iter()
            .map(|&d| self.arrays.dims[d].elements.len())
            .product();
        if size > MAX_ELEMENTS {
            self.diags.push(
                Diagnostic::new(
                    over.span,
                    format!("`{owner}` would have {size} elements, more than {MAX_ELEMENTS}"),
                )
                .help("an array is expanded into a variable per element; use fewer dimensions"),
            );
            return None;
        }
        Some(out)
    }

    fn read_constants(&mut self, constants: &[(Sp<String>, RawConstant)]) {
        for (name, k) in constants {
            self.check_name(name);
            let dims = match &k.over {
                Some(over) => match self.dims_of(&name.value, over) {
                    Some(d) => d,
                    None => continue,
                },
                None => Vec::new(),
            };
            let sizes: Vec<usize> = dims
                .iter()
                .map(|&d| self.arrays.dims[d].elements.len())
                .collect();
            let values = match (&k.value, &k.loaded) {
                (Some(v), None) => self.constant_values(&name.value, &dims, &sizes, v),
                (None, Some((file, text))) => self.constant_csv(&name.value, &dims, *file, text),
                (Some(v), Some(_)) => {
                    self.diags.push(
                        Diagnostic::new(
                            v.span,
                            format!("constant `{}` has both `value` and `file`", name.value),
                        )
                        .help("give its numbers in the file or in a CSV file, not both"),
                    );
                    None
                }
                (None, None) => {
                    if k.file.is_none() {
                        self.missing(
                            name,
                            "constant",
                            "value",
                            "value = 0.5, or value = [0.2, 0.4] over a dimension",
                        );
                    }
                    None
                }
            };
            // A constant with a reported problem is still declared, so the
            // expressions that read it are not reported as well.
            let n = sizes.iter().product();
            let values = values.unwrap_or_else(|| vec![f64::NAN; n]);
            self.arrays
                .constants
                .insert(name.value.clone(), Constant { dims, values });
        }
    }

    /// Numbers given in the file, nested as the dimensions are.
    fn constant_values(
        &mut self,
        name: &str,
        dims: &[usize],
        sizes: &[usize],
        v: &Sp<RawValues>,
    ) -> Option<Vec<f64>> {
        let shape = |dims: &[usize], this: &Self| {
            dims.iter()
                .map(|&d| {
                    format!(
                        "{} ({})",
                        this.arrays.dims[d].name,
                        this.arrays.dims[d].elements.len()
                    )
                })
                .collect::<Vec<_>>()
                .join(" x ")
        };
        let mut out = Vec::new();
        let mut stack = vec![(v, 0usize)];
        while let Some((v, depth)) = stack.pop() {
            match (&v.value, sizes.get(depth)) {
                (RawValues::Num(n), None) => out.push(*n),
                (RawValues::List(items), Some(&n)) if items.len() == n => {
                    stack.extend(items.iter().rev().map(|i| (i, depth + 1)));
                }
                (RawValues::List(items), Some(&n)) => {
                    let d = &self.arrays.dims[dims[depth]];
                    self.diags.push(
                        Diagnostic::new(v.span, format!("constant `{name}` is over {}, but this list has {} numbers where `{}` has {n} elements", shape(dims, self), items.len(), d.name))
                            .help(format!("give one value per element of `{}`, in the order it lists them: {}", d.name, d.elements.join(", "))),
                    );
                    return None;
                }
                (RawValues::Num(_), Some(_)) | (RawValues::List(_), None) => {
                    let want = if dims.is_empty() {
                        "one number (it is declared over no dimension)".to_string()
                    } else {
                        format!("nested lists over {}", shape(dims, self))
                    };
                    self.diags.push(
                        Diagnostic::new(v.span, format!("constant `{name}` has the wrong shape here: it needs {want}"))
                            .help("declare it `over` its dimensions, with one list level per dimension (rows, then columns)"),
                    );
                    return None;
                }
            }
        }
        Some(out)
    }

    /// Numbers read from a CSV file: over one dimension, a column of element
    /// names and a column of values (a header row first); over two, a header
    /// row of the second dimension's elements and a row per element of the
    /// first, each led by its name. Elements may come in any order; each must
    /// be there once.
    fn constant_csv(
        &mut self,
        name: &str,
        dims: &[usize],
        file: crate::diag::FileId,
        text: &str,
    ) -> Option<Vec<f64>> {
        let mut lines = Vec::new();
        let mut offset = 0;
        for line in text.split_inclusive('\n') {
            let body = line.trim_end_matches(['\n', '\r']);
            if !body.trim().is_empty() {
                let mut cells = Vec::new();
                let mut start = offset;
                for cell in body.split(',') {
                    let lead = cell.len() - cell.trim_start().len();
                    let t = cell.trim();
                    cells.push((
                        t.to_string(),
                        Span::new(file, start + lead, start + lead + t.len()),
                    ));
                    start += cell.len() + 1;
                }
                lines.push((cells, Span::new(file, offset, offset + body.len())));
            }
            offset += line.len();
        }
        let whole = Span::new(file, 0, 0);
        let (rows_dim, cols_dim) = match dims {
            [a] => (*a, None),
            [a, b] => (*a, Some(*b)),
            _ => {
                self.diags.push(
                    Diagnostic::new(whole, format!("constant `{name}` is read from a CSV file, which holds one or two dimensions, not {}", dims.len()))
                        .help("declare it over one dimension (a column of values) or two (a matrix)"),
                );
                return None;
            }
        };
        let Some(((header, header_span), rows)) = lines.split_first() else {
            self.diags.push(
                Diagnostic::new(whole, format!("the CSV file of constant `{name}` is empty"))
                    .help("a header row, then a row per element"),
            );
            return None;
        };
        let before = self.diags.len();
        let cols: Vec<Option<usize>> = match cols_dim {
            None => vec![None, Some(0)],
            Some(c) => std::iter::once(None)
                .chain(
                    header
                        .iter()
                        .skip(1)
                        .map(|(cell, span)| self.csv_element(name, c, cell, *span)),
                )
                .collect(),
        };
        let ncols = cols_dim.map_or(1, |c| self.arrays.dims[c].elements.len());
        if cols_dim.is_some() {
            self.csv_all_there(
                name,
                cols_dim.unwrap_or(0),
                cols.iter().flatten().copied(),
                *header_span,
                "column",
            );
        } else if header.len() != 2 {
            self.diags.push(
                Diagnostic::new(*header_span, format!("the CSV file of constant `{name}` needs 2 columns (element, value), this header has {}", header.len()))
                    .help("over one dimension: a column of element names and a column of values"),
            );
        }
        let nrows = self.arrays.dims[rows_dim].elements.len();
        let mut values = vec![f64::NAN; nrows * ncols];
        let mut seen_rows = Vec::new();
        for (cells, line_span) in rows {
            let Some((first, first_span)) = cells.first() else {
                continue;
            };
            let Some(r) = self.csv_element(name, rows_dim, first, *first_span) else {
                continue;
            };
            seen_rows.push(r);
            if cells.len() != header.len() {
                self.diags.push(
                    Diagnostic::new(
                        *line_span,
                        format!(
                            "this row of constant `{name}` has {} cells, the header {}",
                            cells.len(),
                            header.len()
                        ),
                    )
                    .help("give every row one value per column of the header"),
                );
                continue;
            }
            for ((cell, span), col) in cells.iter().zip(&cols).skip(1) {
                let Some(col) = col else { continue };
                match cell.parse::<f64>() {
                    Ok(v) if v.is_finite() => values[r * ncols + col] = v,
                    _ => self.diags.push(
                        Diagnostic::new(
                            *span,
                            format!(
                                "`{}` is not a number (constant `{name}`)",
                                crate::diag::tidy(cell)
                            ),
                        )
                        .help("write a finite number, e.g. 0.5"),
                    ),
                }
            }
        }
        self.csv_all_there(name, rows_dim, seen_rows.into_iter(), *header_span, "row");
        (self.diags.len() == before).then_some(values)
    }

    fn csv_element(&mut self, name: &str, dim: usize, cell: &str, span: Span) -> Option<usize> {
        let d = &self.arrays.dims[dim];
        if let Some(i) = d.elements.iter().position(|e| e == cell) {
            return Some(i);
        }
        let mut diag = Diagnostic::new(
            span,
            format!(
                "`{}` is not an element of `{}` (constant `{name}`)",
                crate::diag::tidy(cell),
                d.name
            ),
        );
        diag = match did_you_mean(cell, d.elements.iter().map(String::as_str)) {
            Some(s) => diag.help(format!("did you mean `{s}`?")),
            None => diag.help(format!(
                "the elements of `{}` are: {}",
                d.name,
                d.elements.join(", ")
            )),
        };
        self.diags.push(diag);
        None
    }

    /// Report elements of `dim` missing from, or repeated in, a CSV file.
    fn csv_all_there(
        &mut self,
        name: &str,
        dim: usize,
        seen: impl Iterator<Item = usize>,
        span: Span,
        what: &str,
    ) {
        let d = &self.arrays.dims[dim];
        let mut count = vec![0; d.elements.len()];
        seen.for_each(|i| count[i] += 1);
        let missing: Vec<&str> = count
            .iter()
            .zip(&d.elements)
            .filter(|(c, _)| **c == 0)
            .map(|(_, e)| e.as_str())
            .collect();
        let twice: Vec<&str> = count
            .iter()
            .zip(&d.elements)
            .filter(|(c, _)| **c > 1)
            .map(|(_, e)| e.as_str())
            .collect();
        let mut out = Vec::new();
        if !missing.is_empty() {
            out.push(
                Diagnostic::new(
                    span,
                    format!(
                        "the CSV file of constant `{name}` has no {what} for {} of `{}`",
                        missing.join(", "),
                        d.name
                    ),
                )
                .help(format!("give a {what} for every element of `{}`", d.name)),
            );
        }
        if !twice.is_empty() {
            out.push(
                Diagnostic::new(
                    span,
                    format!(
                        "the CSV file of constant `{name}` has more than one {what} for {}",
                        twice.join(", ")
                    ),
                )
                .help(format!("give one {what} per element")),
            );
        }
        self.diags.extend(out);
    }

    /// Expand the arrayed entries of one section.
    fn expand<T: Clone>(
        &mut self,
        entries: Entries<T>,
        word: &str,
        array: impl Fn(&mut T) -> (&mut RawOver<T>, bool),
        merge: fn(T, T) -> T,
    ) -> Entries<T> {
        let mut out = Vec::new();
        for (name, mut entry) in entries {
            let (over, shared) = array(&mut entry);
            let RawOver { over, elements } = std::mem::take(over);
            let Some(over) = over else {
                if let Some(el) = elements {
                    self.diags.push(
                        Diagnostic::new(
                            el.span,
                            format!(
                                "{word} `{}` has `elements` but is declared over no dimension",
                                name.value
                            ),
                        )
                        .help("add over = \"region\" (a dimension declared under [dimensions])"),
                    );
                }
                out.push((name, entry));
                continue;
            };
            self.check_name(&name);
            let Some(dims) = self.dims_of(&name.value, &over) else {
                continue;
            };
            if shared {
                // One draw for every element: a scalar the array's elements all name.
                if let Some(el) = &elements {
                    self.diags.push(
                        Diagnostic::new(el.span, format!("parameter `{}` is `shared` (one value for every element), so it cannot be given per element", name.value))
                            .help("drop `shared = true` to draw each element on its own, or drop `elements`"),
                    );
                }
                let n: usize = dims
                    .iter()
                    .map(|&d| self.arrays.dims[d].elements.len())
                    .product();
                self.arrays.arrays.insert(
                    name.value.clone(),
                    Array {
                        dims,
                        names: vec![name.value.clone(); n],
                    },
                );
                out.push((name, entry));
                continue;
            }
            let sizes: Vec<usize> = dims
                .iter()
                .map(|&d| self.arrays.dims[d].elements.len())
                .collect();
            let all = tuples(&sizes);
            // Per-element overrides, by element tuple.
            let mut overrides: HashMap<Vec<usize>, T> = HashMap::new();
            for (key, mut o) in elements.map(|e| e.value).unwrap_or_default() {
                let (nested, nested_shared) = array(&mut o);
                if nested.over.is_some() || nested.elements.is_some() || nested_shared {
                    self.diags.push(
                        Diagnostic::new(key.span, format!("the override of `{}[{}]` cannot itself have `over`, `elements` or `shared`", name.value, key.value))
                            .help("an element's override gives only the fields that differ for it"),
                    );
                    continue;
                }
                if let Some(tuple) = self.element_key(&name.value, &dims, &key)
                    && overrides.insert(tuple, o).is_some()
                {
                    self.diags.push(
                        Diagnostic::new(
                            key.span,
                            format!(
                                "element `{}` of `{}` is overridden twice",
                                key.value, name.value
                            ),
                        )
                        .help("keep one override per element"),
                    );
                }
            }
            let mut names = Vec::with_capacity(all.len());
            for tuple in &all {
                let full = element_name(&name.value, &self.arrays.dims, &dims, tuple);
                let bindings = dims
                    .iter()
                    .zip(tuple)
                    .map(|(&d, &e)| Binding {
                        name: self.arrays.dims[d].name.clone(),
                        dim: d,
                        element: e,
                    })
                    .collect();
                self.arrays.env_of.insert(full.clone(), bindings);
                let element = match overrides.remove(tuple) {
                    Some(o) => merge(entry.clone(), o),
                    None => entry.clone(),
                };
                names.push(full.clone());
                out.push((
                    Sp {
                        value: full,
                        span: name.span,
                    },
                    element,
                ));
            }
            // Outcomes are named apart from variables (an outcome may share
            // an event's name), so their arrays are kept apart too.
            let registry = if word == "outcome" {
                &mut self.arrays.outcomes
            } else {
                &mut self.arrays.arrays
            };
            if registry
                .insert(name.value.clone(), Array { dims, names })
                .is_some()
            {
                self.diags.push(
                    Diagnostic::new(name.span, format!("`{}` is declared twice", name.value)).help(
                        "every parameter, state, derived variable and event needs its own name",
                    ),
                );
            }
        }
        out
    }

    /// An override's key (`north`, or `north,sdf` over two dimensions) as a
    /// tuple of element indices.
    fn element_key(&mut self, base: &str, dims: &[usize], key: &Sp<String>) -> Option<Vec<usize>> {
        let parts: Vec<&str> = key.value.split(',').map(str::trim).collect();
        if parts.len() != dims.len() {
            let example: Vec<&str> = dims
                .iter()
                .map(|&d| self.arrays.dims[d].elements[0].as_str())
                .collect();
            self.diags.push(
                Diagnostic::new(
                    key.span,
                    format!(
                        "`{}` names {} element(s), but `{base}` is over {} dimension(s)",
                        key.value,
                        parts.len(),
                        dims.len()
                    ),
                )
                .help(format!(
                    "name one element of each, separated by commas: \"{}\"",
                    example.join(",")
                )),
            );
            return None;
        }
        let mut out = Vec::new();
        for (part, &d) in parts.iter().zip(dims) {
            let dim = &self.arrays.dims[d];
            match dim.elements.iter().position(|e| e == part) {
                Some(i) => out.push(i),
                None => {
                    let mut diag = Diagnostic::new(
                        key.span,
                        format!(
                            "`{part}` is not an element of `{}` (in the overrides of `{base}`)",
                            dim.name
                        ),
                    );
                    diag = match did_you_mean(part, dim.elements.iter().map(String::as_str)) {
                        Some(s) => diag.help(format!("did you mean `{s}`?")),
                        None => diag.help(format!(
                            "the elements of `{}` are: {}",
                            dim.name,
                            dim.elements.join(", ")
                        )),
                    };
                    self.diags.push(diag);
                    return None;
                }
            }
        }
        Some(out)
    }

    /// An arrayed event's exclusive outcomes are arrays too: `deal[north]`.
    fn rename_branches(&mut self, raw: &mut RawScenario) {
        let mut branch_arrays: HashMap<String, Array> = HashMap::new();
        for (name, e) in &mut raw.events {
            let Some(bindings) = self.arrays.env_of.get(&name.value).cloned() else {
                continue;
            };
            let Some(branches) = &mut e.outcomes else {
                continue;
            };
            let suffix = &name.value[name.value.find('[').unwrap_or(0)..];
            for (b, _) in &mut branches.value {
                let full = format!("{}{suffix}", b.value);
                let base = std::mem::replace(&mut b.value, full.clone());
                let dims: Vec<usize> = bindings.iter().map(|x| x.dim).collect();
                branch_arrays
                    .entry(base)
                    .or_insert_with(|| Array {
                        dims,
                        names: Vec::new(),
                    })
                    .names
                    .push(full.clone());
                self.arrays.env_of.insert(full, bindings.clone());
            }
        }
        self.arrays.arrays.extend(branch_arrays);
    }

    /// `set = "violence"` on an array forces every element.
    fn expand_interventions(&mut self, list: Vec<RawIntervention>) -> Vec<RawIntervention> {
        let mut out = Vec::new();
        for iv in list {
            match iv
                .target
                .as_ref()
                .and_then(|t| self.arrays.arrays.get(&t.value))
            {
                Some(a) => {
                    let mut names = a.names.clone();
                    names.dedup();
                    for n in names {
                        let mut one = iv.clone();
                        if let Some(t) = &mut one.target {
                            t.value = n;
                        }
                        out.push(one);
                    }
                }
                None => out.push(iv),
            }
        }
        out
    }

    /// A correlation between two arrays over the same dimensions holds
    /// element by element; between an array and a scalar, for each element.
    fn expand_correlations(&mut self, list: Vec<RawCorrelation>) -> Vec<RawCorrelation> {
        let mut out = Vec::new();
        for c in list {
            let Some(between) = &c.between else {
                out.push(c);
                continue;
            };
            let arrays: Vec<Option<&Array>> = between
                .value
                .iter()
                .map(|n| self.arrays.arrays.get(n))
                .collect();
            let n = match arrays.as_slice() {
                [Some(a), Some(b)] if a.dims != b.dims => {
                    self.diags.push(
                        Diagnostic::new(between.span, "a correlation between two arrays needs both over the same dimensions")
                            .help("correlate elements one by one instead: between = [\"a[north]\", \"b[north]\"]"),
                    );
                    continue;
                }
                [Some(a), _] | [_, Some(a)] => a.names.len(),
                _ => {
                    out.push(c);
                    continue;
                }
            };
            for i in 0..n {
                let mut one = c.clone();
                if let Some(b) = &mut one.between {
                    for (name, a) in b.value.iter_mut().zip(&arrays) {
                        if let Some(a) = a {
                            *name = a.names[i].clone();
                        }
                    }
                }
                out.push(one);
            }
        }
        out
    }

    /// After every name is declared: an array's or a constant's name may not
    /// be another variable's, and a dimension's may name nothing else.
    pub(super) fn check_array_names(&mut self, raw: &RawScenario) {
        let mut clash = Vec::new();
        for (name, _) in &raw.constants {
            if self.names.contains_key(&name.value) || self.arrays.arrays.contains_key(&name.value)
            {
                clash.push((name.span, name.value.clone(), "a constant"));
            }
        }
        for (name, _) in &raw.dimensions {
            if self.names.contains_key(&name.value)
                || self.arrays.arrays.contains_key(&name.value)
                || self.arrays.constants.contains_key(&name.value)
            {
                clash.push((name.span, name.value.clone(), "a dimension"));
            }
        }
        for (base, a) in &self.arrays.arrays {
            if a.names.first() != Some(base) && self.names.contains_key(base) {
                let (_, _, span) = self.vars[self.names[base].0 as usize];
                clash.push((span, base.clone(), "an array"));
            }
        }
        for (span, name, what) in clash {
            self.diags.push(
                Diagnostic::new(span, format!("`{name}` is declared twice (also {what})")).help(
                    "dimensions, constants, arrays and variables each need a name of their own",
                ),
            );
        }
    }

    /// A bare name that is a constant or an array; `None` when it is neither.
    pub(super) fn array_name(
        &mut self,
        name: &str,
        span: Span,
        ctx: Ctx,
        owner: &str,
    ) -> Option<Option<MExpr>> {
        if let Some(k) = self.arrays.constants.get(name) {
            let dims = k.dims.clone();
            let tuple = self.bound(name, &dims, span, owner)?;
            let k = &self.arrays.constants[name];
            return Some(tuple.map(|t| MExpr::Const(k.values[self.flat(&dims, &t)])));
        }
        let a = self.arrays.arrays.get(name)?;
        if a.names.first().is_some_and(|n| n == name) {
            // A shared parameter: one variable, readable anywhere.
            return None;
        }
        let dims = a.dims.clone();
        let tuple = self.bound(name, &dims, span, owner)?;
        Some(tuple.and_then(|t| {
            let full = self.arrays.arrays[name].names[self.flat(&dims, &t)].clone();
            self.name(&full, span, ctx, owner)
        }))
    }

    fn flat(&self, dims: &[usize], tuple: &[usize]) -> usize {
        dims.iter().zip(tuple).fold(0, |acc, (&d, &e)| {
            acc * self.arrays.dims[d].elements.len() + e
        })
    }

    /// The elements of a bare array name: each of its dimensions must be
    /// bound where it is used. `Some(None)` after reporting that it is not.
    fn bound(
        &mut self,
        name: &str,
        dims: &[usize],
        span: Span,
        owner: &str,
    ) -> Option<Option<Vec<usize>>> {
        let mut tuple = Vec::new();
        for &d in dims {
            let same = |b: &&Binding| b.dim == d;
            let base = self.arrays.dims[d].base;
            let alike = dims
                .iter()
                .filter(|&&x| self.arrays.dims[x].base == base)
                .count();
            let found = self.arrays.env.iter().rev().find(same).or_else(|| {
                (alike == 1)
                    .then(|| {
                        self.arrays
                            .env
                            .iter()
                            .rev()
                            .find(|b| self.arrays.dims[b.dim].base == base)
                    })
                    .flatten()
            });
            match found {
                Some(b) => tuple.push(b.element),
                None => {
                    self.mismatch(name, dims, span, owner);
                    return Some(None);
                }
            }
        }
        Some(Some(tuple))
    }

    fn dims_text(&self, dims: &[usize]) -> String {
        dims.iter()
            .map(|&d| format!("`{}`", self.arrays.dims[d].name))
            .collect::<Vec<_>>()
            .join(" and ")
    }

    fn mismatch(&mut self, name: &str, dims: &[usize], span: Span, owner: &str) {
        let over = self.dims_text(dims);
        let here = if self.arrays.env.is_empty() {
            "here no dimension has a current element".to_string()
        } else {
            let bound: Vec<usize> = self.arrays.env.iter().map(|b| b.dim).collect();
            let array = crate::scenario::element_of(owner).0;
            format!("`{array}` ranges over {}", self.dims_text(&bound))
        };
        let first = &self.arrays.dims[dims[0]];
        let example = format!(
            "{name}[{}]",
            dims.iter()
                .map(|&d| self.arrays.dims[d].elements[0].as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
        self.diags.push(
            Diagnostic::new(
                span,
                format!("dimension mismatch: `{name}` is over {over}, but {here}"),
            )
            .label(format!("an array over {over}"))
            .help(format!(
                "name an element (`{example}`), or reduce over the dimension (`sum({name}, {})`)",
                first.name
            )),
        );
    }

    /// `name[i, j]`: each index an element, or a dimension bound here.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn index(
        &mut self,
        name: &str,
        name_span: Span,
        span: Span,
        indices: &[expr::Expr],
        text: &ExprText,
        ctx: Ctx,
        owner: &str,
    ) -> Option<MExpr> {
        let dims = match (
            self.arrays.constants.get(name),
            self.arrays.arrays.get(name),
        ) {
            (Some(k), _) => k.dims.clone(),
            (None, Some(a)) => a.dims.clone(),
            (None, None) => {
                // An element's own name (`--given 'violence[north] > 0.5'`).
                let written: Vec<String> = indices
                    .iter()
                    .map(|i| match &i.kind {
                        ExprKind::Name(n) => n.clone(),
                        ExprKind::Num(v) => format!("{v}"),
                        _ => String::new(),
                    })
                    .collect();
                let full = format!("{name}[{}]", written.join(","));
                if self.names.contains_key(&full) {
                    return self.name(&full, span, ctx, owner);
                }
                let what = if self.names.contains_key(name) {
                    "is not an array"
                } else {
                    "is not a declared array or constant"
                };
                let mut d = Diagnostic::new(name_span, format!("`{name}` {what} (in `{owner}`)"));
                d = match did_you_mean(
                    name,
                    self.arrays
                        .arrays
                        .keys()
                        .chain(self.arrays.constants.keys())
                        .map(String::as_str),
                ) {
                    Some(s) => d.help(format!("did you mean `{s}`?")),
                    None => d.help(
                        "only a variable or constant declared `over` a dimension takes `[element]`",
                    ),
                };
                self.diags.push(d);
                return None;
            }
        };
        if indices.len() != dims.len() {
            self.diags.push(
                Diagnostic::new(
                    span,
                    format!(
                        "`{name}` is over {} ({} dimension(s)), but is given {} index(es) here",
                        self.dims_text(&dims),
                        dims.len(),
                        indices.len()
                    ),
                )
                .help("give one element or dimension per dimension, in the order it is declared"),
            );
            return None;
        }
        let mut tuple = Vec::new();
        for (ix, &d) in indices.iter().zip(&dims) {
            let at = text.span_of(ix.span.clone());
            let dim = &self.arrays.dims[d];
            let written = match &ix.kind {
                ExprKind::Name(n) => n.clone(),
                ExprKind::Num(v) if v.fract() == 0.0 && *v >= 0.0 => format!("{v}"),
                _ => String::new(),
            };
            if let Some(e) = dim.elements.iter().position(|e| *e == written) {
                tuple.push(e);
                continue;
            }
            let bound = self
                .arrays
                .env
                .iter()
                .rev()
                .find(|b| b.name == written)
                .cloned();
            match bound {
                Some(b) if self.arrays.dims[b.dim].base == dim.base => tuple.push(b.element),
                Some(b) => {
                    let (bn, dn) = (self.arrays.dims[b.dim].name.clone(), dim.name.clone());
                    self.diags.push(
                        Diagnostic::new(at, format!("dimension mismatch: `{name}` takes an element of `{dn}` here, but `{written}` is an element of `{bn}`"))
                            .label(format!("an element of `{bn}`"))
                            .help(format!("index `{name}` by `{dn}` (or one of its elements: {}), or reduce it over `{dn}`", dim.elements.join(", "))),
                    );
                    return None;
                }
                None if self.arrays.dim_names.contains_key(&written) => {
                    self.diags.push(
                        Diagnostic::new(at, format!("`{written}` has no current element in `{owner}`"))
                            .help(format!("a dimension stands for its current element only in an equation declared over it, or inside a reduction over it: `sum({name}[{written}], {written})`")),
                    );
                    return None;
                }
                None => {
                    let mut diag = Diagnostic::new(
                        at,
                        format!(
                            "unknown element `{written}` of `{}` (in `{owner}`)",
                            dim.name
                        ),
                    )
                    .label(format!("not an element of `{}`", dim.name));
                    diag = match did_you_mean(&written, dim.elements.iter().map(String::as_str)) {
                        Some(s) => diag.help(format!("did you mean `{s}`?")),
                        None => diag.help(format!(
                            "the elements of `{}` are: {}",
                            dim.name,
                            dim.elements.join(", ")
                        )),
                    };
                    self.diags.push(diag);
                    return None;
                }
            }
        }
        let i = self.flat(&dims, &tuple);
        if let Some(k) = self.arrays.constants.get(name) {
            return Some(MExpr::Const(k.values[i]));
        }
        let full = self.arrays.arrays[name].names[i].clone();
        self.name(&full, span, ctx, owner)
    }

    /// `sum(x, region)` and the other reductions over a dimension; `None`
    /// when the call is not one (an ordinary `min(a, b)` or `sum(x)`).
    #[allow(clippy::too_many_arguments)]
    pub(super) fn reduction(
        &mut self,
        name: &str,
        span: Span,
        args: &[expr::Expr],
        text: &ExprText,
        ctx: Ctx,
        owner: &str,
        site: &mut u32,
    ) -> Option<Option<MExpr>> {
        let &(_, how) = REDUCTIONS.iter().find(|(n, _)| *n == name)?;
        let dim = match args {
            [_, last] => match &last.kind {
                ExprKind::Name(d) if !self.names.contains_key(d) => {
                    self.arrays.dim_names.get(d).copied()
                }
                _ => None,
            },
            _ => None,
        };
        let Some(dim) = dim else {
            if matches!(how, Reduce::Any | Reduce::All) {
                self.diags.push(
                    Diagnostic::new(span, format!("`{name}` reduces over a dimension: write `{name}(x, dimension)`"))
                        .help(format!("e.g. `{name}(violence > 0.5, region)`; for one condition over time use `ever(...)` in an outcome")),
                );
                return Some(None);
            }
            return None;
        };
        let dim_name = match &args[1].kind {
            ExprKind::Name(d) => d.clone(),
            _ => return None,
        };
        let n = self.arrays.dims[dim].elements.len();
        let mut terms = Vec::with_capacity(n);
        let mut ok = true;
        for e in 0..n {
            self.arrays.env.push(Binding {
                name: dim_name.clone(),
                dim,
                element: e,
            });
            let term = match how {
                Reduce::Count | Reduce::Ever | Reduce::First => {
                    let name_span = text.span_of(args[0].span.clone());
                    self.call(name, name_span, span, &args[..1], text, ctx, owner, site)
                }
                _ => self.resolve(&args[0], text, ctx, owner, site),
            };
            self.arrays.env.pop();
            match term {
                Some(t) => terms.push(t),
                None => ok = false,
            }
            if !ok {
                // The same mistake for every element: report it once.
                break;
            }
        }
        if !ok {
            return Some(None);
        }
        let chain = |op: BinOp, terms: Vec<MExpr>| {
            terms
                .into_iter()
                .reduce(|a, b| MExpr::Binary(op, Box::new(a), Box::new(b)))
                .unwrap_or(MExpr::Const(0.0))
        };
        let zero_product = |t: &MExpr| {
            matches!(t, MExpr::Binary(BinOp::Mul, a, b)
                if matches!(**a, MExpr::Const(z) if z == 0.0) || matches!(**b, MExpr::Const(z) if z == 0.0))
                || matches!(t, MExpr::Const(z) if *z == 0.0)
        };
        Some(Some(match how {
            Reduce::Sum | Reduce::Count => chain(
                BinOp::Add,
                terms.into_iter().filter(|t| !zero_product(t)).collect(),
            ),
            Reduce::Mean => MExpr::Binary(
                BinOp::Div,
                Box::new(chain(
                    BinOp::Add,
                    terms.into_iter().filter(|t| !zero_product(t)).collect(),
                )),
                Box::new(MExpr::Const(n as f64)),
            ),
            Reduce::Min | Reduce::First if terms.len() > 1 => MExpr::Call(Func::Min, terms),
            Reduce::Max if terms.len() > 1 => MExpr::Call(Func::Max, terms),
            Reduce::Min | Reduce::Max | Reduce::First => terms.pop_only(),
            Reduce::Any | Reduce::Ever => chain(BinOp::Or, terms),
            Reduce::All => chain(BinOp::And, terms),
        }))
    }
}

trait PopOnly {
    fn pop_only(self) -> MExpr;
}

impl PopOnly for Vec<MExpr> {
    fn pop_only(mut self) -> MExpr {
        self.pop().unwrap_or(MExpr::Const(f64::NAN))
    }
}

fn pick<T>(b: Option<T>, o: Option<T>) -> Option<T> {
    o.or(b)
}

fn merge_param(b: RawParam, o: RawParam) -> RawParam {
    RawParam {
        dist: pick(b.dist, o.dist),
        ..b
    }
}

fn merge_state(b: RawState, o: RawState) -> RawState {
    RawState {
        init: pick(b.init, o.init),
        update: pick(b.update, o.update),
        min: pick(b.min, o.min),
        max: pick(b.max, o.max),
        ..b
    }
}

fn merge_derived(b: RawDerived, o: RawDerived) -> RawDerived {
    RawDerived {
        expr: pick(b.expr, o.expr),
        ..b
    }
}

fn merge_event(b: RawEvent, o: RawEvent) -> RawEvent {
    // A chance replaces a rate and the reverse, as in a variant.
    let (p, rate) = if o.p.is_some() || o.rate.is_some() {
        (o.p, o.rate)
    } else {
        (b.p, b.rate)
    };
    RawEvent {
        p,
        rate,
        outcomes: pick(b.outcomes, o.outcomes),
        once: pick(b.once, o.once),
        ..b
    }
}

fn merge_outcome(b: RawOutcome, o: RawOutcome) -> RawOutcome {
    RawOutcome {
        expr: pick(b.expr, o.expr),
        ..b
    }
}

/// The elements of an array share its equation, so a mistake in it is found
/// once per element: keep the first report of each (the same place, help and
/// message once the element is left out of the names it quotes).
pub(super) fn once_each(diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
    fn plain(message: &str) -> String {
        let mut out = String::with_capacity(message.len());
        let mut depth = 0;
        for c in message.chars() {
            match c {
                '[' => depth += 1,
                ']' if depth > 0 => depth -= 1,
                _ if depth == 0 => out.push(c),
                _ => {}
            }
        }
        out
    }
    let mut seen = HashSet::new();
    diags
        .into_iter()
        .filter(|d| seen.insert((d.span, d.help.clone(), plain(&d.message))))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_name_their_elements() {
        assert_eq!(
            range("1..3"),
            Some(Ok(vec!["1".into(), "2".into(), "3".into()]))
        );
        assert_eq!(
            range("r2..r4"),
            Some(Ok(vec!["r2".into(), "r3".into(), "r4".into()]))
        );
        assert_eq!(
            range("c1..3"),
            Some(Ok(vec!["c1".into(), "c2".into(), "c3".into()]))
        );
        assert!(matches!(range("5..1"), Some(Err(_))));
        assert!(matches!(range("a1..b3"), Some(Err(_))));
        assert!(matches!(range("1..100000"), Some(Err(_))));
        assert_eq!(range("north"), None);
    }

    #[test]
    fn element_names_and_tuples_are_row_major() {
        assert_eq!(
            tuples(&[2, 3]),
            [[0, 0], [0, 1], [0, 2], [1, 0], [1, 1], [1, 2]]
        );
        assert!(valid_element("north") && valid_element("12") && !valid_element("a-b"));
    }

    #[test]
    fn a_mistake_in_a_shared_equation_is_reported_once() {
        let span = Span::new(crate::diag::FileId(0), 3, 5);
        let d = |m: &str| Diagnostic::new(span, m).help("h");
        let kept = once_each(vec![
            d("unknown name `x` in `v[north]`"),
            d("unknown name `x` in `v[south]`"),
            d("unknown name `y` in `v[south]`"),
        ]);
        assert_eq!(kept.len(), 2);
    }
}
