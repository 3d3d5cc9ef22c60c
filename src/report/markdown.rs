//! report.md: the report as Markdown, for pasting into documents and wikis.
//!
//! Same content as report.html; charts are image links to the files under
//! `charts/` (relative, so the directory can be moved whole). User text is
//! escaped twice over: HTML-escaped, because most Markdown renderers pass raw
//! HTML through, and Markdown-escaped, so a `*` or `|` in a label stays a
//! character instead of becoming emphasis or a table column.

use crate::chart::Format;
use crate::format::markdown as escape;

use super::content::{Block, Figure, Report, Table};

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
        Block::List(items) => {
            for item in items {
                out.push_str(&format!("- {}\n", escape(item)));
            }
            out.push('\n');
        }
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
