//! report.md: the report as Markdown, for pasting into documents and wikis.
//!
//! Same content as report.html; charts are image links to the files under
//! `charts/` (relative, so the directory can be moved whole). User text is
//! escaped twice over: HTML-escaped, because most Markdown renderers pass raw
//! HTML through, and Markdown-escaped, so a `*` or `|` in a label stays a
//! character instead of becoming emphasis or a table column.

use crate::chart::Format;

use super::content::{Block, Figure, Report, Table};

/// Escape text for a Markdown paragraph or table cell.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '#' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            other => out.push(other),
        }
    }
    // Text that starts like a list item ("- x", "3. x") stays text.
    if out.starts_with("- ") || out.starts_with("+ ") {
        out.insert(0, '\\');
    }
    let digits = out.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 && (out[digits..].starts_with(". ") || out[digits..].starts_with(") ")) {
        out.insert(digits, '\\');
    }
    out
}

pub fn render(report: &Report, chart_format: Format) -> String {
    let mut out = format!("# {}\n\n", escape(&report.title));
    if !report.description.is_empty() {
        out.push_str(&format!("{}\n\n", escape(&report.description)));
    }
    out.push_str(&format!("*{}*\n\n", escape(&report.byline)));
    for section in &report.sections {
        out.push_str(&format!("## {}\n\n", escape(&section.heading)));
        for block in &section.blocks {
            render_block(&mut out, block, chart_format);
        }
    }
    out
}

fn render_block(out: &mut String, block: &Block, chart_format: Format) {
    match block {
        Block::Para(text) => out.push_str(&format!("{}\n\n", escape(text))),
        Block::Subheading(text) => out.push_str(&format!("### {}\n\n", escape(text))),
        Block::Note(text) => out.push_str(&format!("> {}\n\n", escape(text))),
        Block::Code(text) => out.push_str(&format!("```\n{}\n```\n\n", text.replace("```", "'''"))),
        Block::Table(table) => render_table(out, table),
        Block::Facts(facts) => {
            for (term, value) in facts {
                out.push_str(&format!("- **{}:** {}\n", escape(term), escape(value)));
            }
            out.push('\n');
        }
        Block::Figure(figure) => render_figure(out, figure, chart_format),
    }
}

fn render_table(out: &mut String, table: &Table) {
    let row = |cells: &[String]| {
        format!(
            "| {} |\n",
            cells
                .iter()
                .map(|c| escape(c))
                .collect::<Vec<_>>()
                .join(" | ")
        )
    };
    out.push_str(&row(&table.header));
    let rule: Vec<&str> = (0..table.header.len())
        .map(|i| {
            if i >= table.numbers_from {
                "---:"
            } else {
                "---"
            }
        })
        .collect();
    out.push_str(&format!("| {} |\n", rule.join(" | ")));
    for cells in &table.rows {
        out.push_str(&row(cells));
    }
    out.push('\n');
}

fn render_figure(out: &mut String, figure: &Figure, chart_format: Format) {
    out.push_str(&format!(
        "![{}](charts/{}.{})\n\n*{}*\n\n",
        escape(&figure.title),
        figure.name,
        chart_format.extension(),
        escape(&figure.caption)
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_markdown() {
        assert_eq!(escape("a|b *c* <d>"), "a\\|b \\*c\\* &lt;d&gt;");
        assert_eq!(escape("- not a list"), "\\- not a list");
        assert_eq!(escape("line\nbreak"), "line break");
        assert_eq!(escape("3. item"), "3\\. item");
        assert_eq!(escape("100 runs. Done"), "100 runs. Done");
    }
}
