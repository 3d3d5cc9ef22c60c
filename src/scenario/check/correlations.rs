//! `[[correlations]]`: rank correlations between parameters, drawn through a Gaussian
//! copula. Each parameter needs a distribution of its own (its quantile function), each
//! pair is given once, and the matrix must be positive definite.

use super::*;

impl Checker {
    pub(super) fn correlations(&mut self, raw: &RawScenario, vars: &[Var]) -> Option<Copula> {
        if raw.correlations.is_empty() {
            return None;
        }
        let mut params: Vec<VarId> = Vec::new();
        let mut pairs: Vec<(usize, usize, f64)> = Vec::new();
        let mut ranks: Vec<(usize, usize, f64)> = Vec::new();
        for c in &raw.correlations {
            let (Some(between), Some(rank)) = (&c.between, &c.rank) else {
                self.diags.push(
                    Diagnostic::new(c.span, "a correlation needs `between` (two parameters) and `rank`")
                        .help("write between = [\"a\", \"b\"] and rank = 0.5 (a Spearman rank correlation, between -1 and 1)"),
                );
                continue;
            };
            if !(rank.value > -1.0 && rank.value < 1.0) {
                self.diags.push(
                    Diagnostic::new(rank.span, format!("rank = {} is not strictly between -1 and 1", rank.value))
                        .help("a rank correlation of exactly 1 or -1 makes one parameter a function of the other: define it from the other instead"),
                );
                continue;
            }
            let [a, b] = between.value.as_slice() else {
                self.diags.push(
                    Diagnostic::new(
                        between.span,
                        format!(
                            "`between` names {} parameters; a correlation is between two",
                            between.value.len()
                        ),
                    )
                    .help("write one [[correlations]] table per pair"),
                );
                continue;
            };
            // Two parameters drawn from the rows of the same file (a variant
            // written by `polsim calibrate`) keep the dependence of the rows:
            // a correlation the base scenario gave them is superseded.
            let file_of =
                |name: &String| match self.names.get(name).and_then(|id| vars.get(id.0 as usize)) {
                    Some(Var {
                        kind:
                            VarKind::Param {
                                def: MExpr::Resample(r),
                                ..
                            },
                        ..
                    }) => Some(r.key.clone()),
                    _ => None,
                };
            if let (Some(fa), Some(fb)) = (file_of(a), file_of(b))
                && fa == fb
            {
                continue;
            }
            let mut index = |name: &String| -> Option<usize> {
                let found = self.names.get(name).copied().filter(|id| {
                    matches!(
                        vars.get(id.0 as usize),
                        Some(Var {
                            kind: VarKind::Param { dist: Some(_), .. },
                            ..
                        })
                    )
                });
                let Some(id) = found else {
                    self.diags.push(
                        Diagnostic::new(between.span, format!("`{name}` is not a parameter with a distribution of its own"))
                            .help("correlate parameters whose `dist` is one distribution with constant arguments, e.g. pert(1, 2, 4)"),
                    );
                    return None;
                };
                Some(match params.iter().position(|&p| p == id) {
                    Some(i) => i,
                    None => {
                        params.push(id);
                        params.len() - 1
                    }
                })
            };
            let (Some(i), Some(j)) = (index(a), index(b)) else {
                continue;
            };
            if i == j
                || pairs
                    .iter()
                    .any(|&(x, y, _)| (x, y) == (i, j) || (x, y) == (j, i))
            {
                self.diags.push(
                    Diagnostic::new(
                        between.span,
                        format!(
                            "the correlation between `{a}` and `{b}` is given twice, or with itself"
                        ),
                    )
                    .help("give each pair of different parameters once"),
                );
                continue;
            }
            // The normal correlation whose Gaussian copula has this Spearman
            // correlation: rho = 2 sin(pi r / 6) (Pearson 1907).
            pairs.push((i, j, 2.0 * (std::f64::consts::PI * rank.value / 6.0).sin()));
            ranks.push((i, j, rank.value));
        }
        let n = params.len();
        let mut matrix = vec![0.0; n * n];
        for i in 0..n {
            matrix[i * n + i] = 1.0;
        }
        for &(i, j, rho) in &pairs {
            matrix[i * n + j] = rho;
            matrix[j * n + i] = rho;
        }
        match cholesky(&matrix, n) {
            Some(cholesky) => {
                let ranks = ranks
                    .iter()
                    .map(|&(i, j, r)| (params[i], params[j], r))
                    .collect();
                Some(Copula {
                    params,
                    cholesky,
                    ranks,
                })
            }
            None => {
                let span = raw.correlations[0].span;
                self.diags.push(
                    Diagnostic::new(span, "the correlations cannot hold together: their matrix is not positive definite")
                        .help("three or more parameters cannot be correlated in any pattern (a strongly with b and c, b and c strongly against each other is impossible); weaken the correlations that contradict each other"),
                );
                None
            }
        }
    }
}

/// The lower-triangular L with L L^T = `matrix` (n x n, row-major), or `None`
/// when the matrix is not positive definite.
pub fn cholesky(matrix: &[f64], n: usize) -> Option<Vec<f64>> {
    let mut l = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..=i {
            let sum: f64 = (0..j).map(|k| l[i * n + k] * l[j * n + k]).sum();
            if i == j {
                let d = matrix[i * n + i] - sum;
                if d <= 1e-12 {
                    return None;
                }
                l[i * n + i] = d.sqrt();
            } else {
                l[i * n + j] = (matrix[i * n + j] - sum) / l[j * n + j];
            }
        }
    }
    Some(l)
}
