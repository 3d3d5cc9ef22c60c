//! `[lookups]`: named tables of points, read in any expression as `name(x)`. Their points
//! must be numbers with strictly increasing `x`.

use super::*;

impl Checker {
    /// Check every table's name and points and keep the valid tables, so expressions that
    /// call them resolve. Runs after the variables are declared (a table may not share a
    /// variable's name) and before any expression is resolved.
    pub(super) fn lookups(&mut self, raw: &RawScenario) {
        for (name, l) in &raw.lookups {
            self.check_name(name);
            // A table is called like a function, so it may not take a
            // function's or a distribution's name (a variable may).
            if builtins::is_reserved_name(&name.value) {
                self.diags.push(
                    Diagnostic::new(
                        name.span,
                        format!(
                            "`{}` is the name of a function, so a lookup table cannot take it",
                            name.value
                        ),
                    )
                    .help(format!("choose another name, e.g. `{}_table`", name.value)),
                );
            }
            if let Some(&id) = self.names.get(&name.value) {
                let word = self.vars[id.0 as usize].1;
                self.diags.push(
                    Diagnostic::new(
                        name.span,
                        format!("`{}` is declared twice (already a {word})", name.value),
                    )
                    .help("a lookup table needs a name of its own, e.g. `effect_of_trust`"),
                );
            }
            let table = match &l.points {
                Some(points) => self.table(name, points),
                None => {
                    self.missing(name, "lookup", "points", "points = [[0, 0], [1, 1]]");
                    None
                }
            };
            self.table_names
                .insert(name.value.clone(), self.tables.len());
            self.tables.push(table);
        }
    }

    fn table(&mut self, name: &Sp<String>, points: &RawPoints) -> Option<Table> {
        let before = self.diags.len();
        if points.value.len() < 2 {
            self.diags.push(
                Diagnostic::new(
                    points.span,
                    format!(
                        "lookup `{}` has {} point{}; a table needs at least two",
                        name.value,
                        points.value.len(),
                        if points.value.len() == 1 { "" } else { "s" }
                    ),
                )
                .help("give the points the line passes through, e.g. points = [[0, 0], [1, 1]]; for a constant, write the number"),
            );
        }
        for p in &points.value {
            let (x, y) = p.value;
            if !x.is_finite() || !y.is_finite() {
                self.diags.push(
                    Diagnostic::new(
                        p.span,
                        format!("lookup `{}` has a point [{x}, {y}] that is not two finite numbers", name.value),
                    )
                    .help("beyond the first and last points the table is flat: no infinite point is needed"),
                );
            }
        }
        for pair in points.value.windows(2) {
            let (a, b) = (pair[0].value.0, pair[1].value.0);
            if a.is_finite() && b.is_finite() && a >= b {
                self.diags.push(
                    Diagnostic::new(
                        pair[1].span,
                        format!(
                            "lookup `{}` has x = {b} after x = {a}; the x values must increase from point to point",
                            name.value
                        ),
                    )
                    .help("sort the points by x, and give each x one y"),
                );
            }
        }
        (self.diags.len() == before).then(|| Table {
            name: name.value.clone(),
            xs: points.value.iter().map(|p| p.value.0).collect(),
            ys: points.value.iter().map(|p| p.value.1).collect(),
        })
    }
}
