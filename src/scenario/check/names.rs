//! Declared names: every parameter, state variable, derived variable and event gets an
//! id; bad, reserved and duplicate names are reported.

use super::*;

impl Checker {
    /// Give every declared name an id; report bad and duplicate names.
    pub(super) fn declare(&mut self, raw: &RawScenario) {
        // An event with several outcomes is a derived variable (which
        // outcome) and an event per outcome.
        let events = raw.events.iter().flat_map(|(n, e)| match &e.outcomes {
            Some(branches) => std::iter::once(("derived", n))
                .chain(branches.value.iter().map(|(b, _)| ("event", b)))
                .collect::<Vec<_>>(),
            None => vec![("event", n)],
        });
        let sections: [Vec<(&'static str, &Sp<String>)>; 5] = [
            raw.parameters
                .iter()
                .map(|(n, _)| ("parameter", n))
                .collect(),
            raw.state.iter().map(|(n, _)| ("state", n)).collect(),
            raw.derived.iter().map(|(n, _)| ("derived", n)).collect(),
            events.collect(),
            raw.inputs.iter().map(|(n, _)| ("input", n)).collect(),
        ];
        for names in sections {
            for (word, name) in names {
                self.check_name(name);
                if let Some(&prev) = self.names.get(&name.value) {
                    let (_, prev_word, _) = &self.vars[prev.0 as usize];
                    self.diags.push(
                        Diagnostic::new(
                            name.span,
                            format!("`{}` is declared twice (already a {prev_word})", name.value),
                        )
                        .help(
                            "every parameter, state, derived variable and event needs its own name",
                        ),
                    );
                    // Keep the id space dense: a duplicate still gets a slot.
                }
                let id = VarId(self.vars.len() as u32);
                self.vars.push((name.value.clone(), word, name.span));
                self.names.entry(name.value.clone()).or_insert(id);
            }
        }
        // A duplicate's entry points at the first declaration; make later ones
        // resolve to themselves so building them does not overwrite the first.
        let mut seen = HashMap::new();
        for (i, (name, ..)) in self.vars.iter().enumerate() {
            seen.insert(name.clone(), VarId(i as u32));
        }
        self.names = seen;
        self.declare_categories(raw);
    }

    pub(super) fn check_name(&mut self, name: &Sp<String>) {
        let n = &name.value;
        let valid = n
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !valid {
            self.diags.push(
                Diagnostic::new(name.span, format!("`{n}` cannot be used as a name in expressions"))
                    .help("names start with a letter and use only letters, digits and _ (e.g. `coalition_trust`)"),
            );
        } else if n == "t"
            || n == "pi"
            || expr::lex::KEYWORDS.contains(&n.as_str())
            || builtins::is_reserved_name(n)
        {
            self.diags.push(
                Diagnostic::new(
                    name.span,
                    format!("`{n}` is a reserved word of the expression language"),
                )
                .help(format!("choose another name, e.g. `{n}_value`")),
            );
        }
    }

    pub(super) fn missing(&mut self, name: &Sp<String>, what: &str, key: &str, example: &str) {
        self.diags.push(
            Diagnostic::new(name.span, format!("{what} `{}` has no `{key}`", name.value))
                .help(format!("add {example}")),
        );
    }

    pub(super) fn var(&self, name: &Sp<String>, kind: VarKind, doc: &RawDoc, text: String) -> Var {
        Var {
            name: name.value.clone(),
            kind,
            text,
            doc: to_doc(doc),
            span: name.span,
        }
    }
}
