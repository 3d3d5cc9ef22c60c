//! Evaluation order: parameters by the parameters they use, derived variables and events
//! by what they read within a step; a cycle is reported by name.

use super::*;

impl Checker {
    /// Topological order of `ids` by the dependencies `deps` gives (only those
    /// among `ids` count); ties keep file order. A cycle is reported by name.
    pub(super) fn order(
        &mut self,
        vars: &[Var],
        ids: &[VarId],
        deps: impl Fn(&VarKind) -> Vec<VarId>,
    ) -> Vec<VarId> {
        let index: HashMap<VarId, usize> = ids.iter().enumerate().map(|(i, &v)| (v, i)).collect();
        let edges: Vec<Vec<usize>> = ids
            .iter()
            .map(|&v| {
                let mut d: Vec<usize> = deps(&vars[v.0 as usize].kind)
                    .iter()
                    .filter_map(|x| index.get(x).copied())
                    .collect();
                d.sort_unstable();
                d.dedup();
                d
            })
            .collect();
        // 0 = unvisited, 1 = on the stack, 2 = done
        let mut mark = vec![0u8; ids.len()];
        let mut order = Vec::new();
        let mut stack: Vec<usize> = Vec::new();
        for start in 0..ids.len() {
            if mark[start] == 0
                && let Some(cycle) = visit(start, &edges, &mut mark, &mut order, &mut stack)
            {
                let names: Vec<&str> = cycle
                    .iter()
                    .map(|&i| vars[ids[i].0 as usize].name.as_str())
                    .collect();
                let first = &vars[ids[cycle[0]].0 as usize];
                let path = names.join(" -> ");
                let d = if matches!(first.kind, VarKind::Param { .. }) {
                    Diagnostic::new(first.span, format!("parameters define each other in a cycle: {path}"))
                        .help("a parameter may use parameters drawn before it, but not itself through others; give one of them its own distribution")
                } else if let Some(name) = cycle
                    .iter()
                    .find_map(|&i| seeded_call(&vars[ids[i].0 as usize].kind))
                {
                    Diagnostic::new(first.span, format!("dependency cycle within a step: {path}"))
                        .help(format!("`{name}` without an initial value starts from its input's value in step 1, which this loop needs first: give it one, e.g. `{name}(x, 4, 0)`"))
                } else {
                    Diagnostic::new(first.span, format!("dependency cycle within a step: {path}"))
                        .help("each of these needs the others' current value; break the loop by making one of them a state variable, whose value is last step's")
                };
                self.diags.push(d);
                return Vec::new();
            }
        }
        order.into_iter().map(|i| ids[i]).collect()
    }
}

/// The name of a function with memory in a derived variable or event that
/// reads its input in the step (seeded from it, or a trend).
fn seeded_call(kind: &VarKind) -> Option<&'static str> {
    let expr = match kind {
        VarKind::Derived { expr } => expr,
        VarKind::Event { chance, .. } => chance,
        _ => return None,
    };
    let mut found = None;
    expr.walk(&mut |e| {
        if let MExpr::Memory { kind, init, .. } = e
            && reads_input_now(*kind, init.is_some())
        {
            found = Some(kind.name());
        }
    });
    found
}

/// Depth-first search; returns the cycle (first node repeated at the end).
fn visit(
    n: usize,
    edges: &[Vec<usize>],
    mark: &mut [u8],
    order: &mut Vec<usize>,
    stack: &mut Vec<usize>,
) -> Option<Vec<usize>> {
    mark[n] = 1;
    stack.push(n);
    for &m in &edges[n] {
        if mark[m] == 1 {
            let pos = stack.iter().position(|&x| x == m).unwrap_or(0);
            let mut cycle = stack[pos..].to_vec();
            cycle.push(m);
            return Some(cycle);
        }
        if mark[m] == 0
            && let Some(c) = visit(m, edges, mark, order, stack)
        {
            return Some(c);
        }
    }
    stack.pop();
    mark[n] = 2;
    order.push(n);
    None
}
