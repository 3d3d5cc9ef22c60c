//! report.pdf: the report typeset as an A4 PDF, for readers who are sent a
//! file rather than a page; made by polsim itself, with no browser.
//!
//! It renders the same [`Report`] as report.html and report.md, block by
//! block, so the three say the same thing in the same order; it follows the
//! HTML's print style sheet: each section after the key findings starts a
//! page, the key findings sit in a box, tables are set in condensed type
//! with their header repeated on every page, charts stand two abreast with
//! their captions, and every page carries the title and its number. The
//! charts are the PNGs the run drew; the text is DejaVu, embedded, and can
//! be searched and copied. Section headings form the PDF's outline.
//!
//! The layout is rows ([`flow`]): lines of text ([`text`]), table rows
//! ([`table`]), rows of charts ([`image`]), each drawn whole on a page
//! ([`page`]) with the embedded fonts ([`fonts`]). The same report gives
//! the same bytes: nothing here reads the clock or the system.

mod flow;
mod fonts;
mod image;
mod page;
mod table;
mod text;

use flow::{Mark, Row};
use fonts::{Face, Fonts};
use page::{Pages, Rgb, Style, TEXT_WIDTH};
use text::Line;

use super::content::{Block, Figure, Report, Section};

const BODY: f32 = 9.0;
const TEXT_COLOR: Rgb = Rgb::hex(0x1a1a1a);
const MUTED: Rgb = Rgb::hex(0x555555);
const BLUE: Rgb = Rgb::hex(0x0072b2);
const ORANGE: Rgb = Rgb::hex(0xe69f00);
const NOTE_FILL: Rgb = Rgb::hex(0xfdf6e7);
const CODE_FILL: Rgb = Rgb::hex(0xf4f4f4);
const FINDINGS_FILL: Rgb = Rgb::hex(0xf3f8fc);
const FINDINGS_BORDER: Rgb = Rgb::hex(0xcfe0ee);
/// Charts stand two abreast, this far apart.
const FIGURE_GAP: f32 = 17.0;
const CAPTION: f32 = 6.8;

fn body() -> Style {
    Style {
        size: BODY,
        leading: BODY * 1.35,
        color: TEXT_COLOR,
    }
}

/// The report as PDF bytes; `creator` names the program in the document's
/// information. An error means a chart's PNG could not be read or a font
/// could not be cut down, and says which.
pub fn render(report: &Report, creator: &str) -> Result<Vec<u8>, String> {
    let mut pages = Pages::new(Fonts::new()?);
    let mut rows = Vec::new();
    rows.extend(paragraph(
        &mut pages,
        &[(Face::Bold, &report.title)],
        TEXT_WIDTH,
        17.0,
        17.0 * 1.2,
        TEXT_COLOR,
    ));
    if !report.description.is_empty() {
        rows.push(Row::space(3.0));
        rows.extend(paragraph(
            &mut pages,
            &[(Face::Regular, &report.description)],
            TEXT_WIDTH,
            10.0,
            13.5,
            TEXT_COLOR,
        ));
    }
    rows.push(Row::space(3.0));
    rows.extend(paragraph(
        &mut pages,
        &[(Face::Regular, &report.byline)],
        TEXT_WIDTH,
        8.0,
        11.0,
        MUTED,
    ));
    rows.push(Row::space(10.0));
    flow::place(&mut pages, &rows);

    // Each section starts a page, as in print from the HTML, except the
    // one after the key findings, those that run on in print too (the
    // parameter table, the provenance), one that starts while the page is
    // still less than half used, and a short one (a third of a page at
    // most) that fits in the room left: no page is left mostly blank.
    let mut after_findings = false;
    for (i, section) in report.sections.iter().enumerate() {
        let rows = section_rows(&mut pages, section)?;
        let height: f32 = rows.iter().map(|r| r.height).sum();
        let short = height <= Pages::page_room() / 3.0 && height + 24.0 <= pages.room();
        let half_empty = pages.room() >= Pages::page_room() / 2.0;
        let runs_on = RUNS_ON.contains(&section.id) && pages.room() >= Pages::page_room() / 5.0;
        if i > 0 && !after_findings && !short && !half_empty && !runs_on {
            flow::page_break(&mut pages);
        } else if i > 0 && !after_findings {
            flow::place(&mut pages, &[Row::space(24.0)]);
        }
        after_findings = section.id == "findings";
        flow::place(&mut pages, &rows);
    }
    pages.finish(&report.title, creator, &report.title)
}

/// Sections that begin where the one before ends, as the HTML's print
/// style sets them (`section#parameters, section#provenance`): a long
/// table repeats its header on each page anyway.
const RUNS_ON: [&str; 2] = ["parameters", "provenance"];

fn section_rows(pages: &mut Pages, section: &Section) -> Result<Vec<Row>, String> {
    let boxed = section.id == "findings";
    let inset = if boxed { 9.0 } else { 0.0 };
    let width = TEXT_WIDTH - 2.0 * inset;
    let mut rows = Vec::new();
    if boxed {
        rows.push(Row::space(6.0));
    }
    let mut heading = paragraph(
        pages,
        &[(Face::Bold, &section.heading)],
        width,
        13.0,
        16.0,
        TEXT_COLOR,
    );
    if let Some(first) = heading.first_mut() {
        first.outline = Some(section.heading.clone());
    }
    if let Some(last) = heading.last_mut() {
        last.height += 4.0;
        if !boxed {
            last.marks.push(Mark::Fill {
                x: 0.0,
                dy: last.height - 2.5,
                width,
                height: 1.4,
                color: BLUE,
            });
        }
    }
    rows.extend(keep(heading));
    rows.push(Row::space(6.0));
    let mut blocks = section.blocks.iter().peekable();
    while let Some(block) = blocks.next() {
        if let Block::Figure(first) = block {
            let mut figures = vec![first];
            while let Some(Block::Figure(next)) = blocks.peek() {
                figures.push(next);
                blocks.next();
            }
            rows.extend(figure_rows(pages, &figures, width)?);
        } else {
            rows.extend(block_rows(pages, block, width));
        }
    }
    if boxed {
        rows.push(Row::space(4.0));
        // The box: a fill and a border on every row, so a page break
        // leaves two boxes rather than a broken one.
        let last = rows.len() - 1;
        for (n, row) in rows.iter_mut().enumerate() {
            row.space = false;
            for mark in &mut row.marks {
                shift(mark, inset);
            }
            row.band(0.0, 0.8, FINDINGS_BORDER);
            row.band(TEXT_WIDTH - 0.8, 0.8, FINDINGS_BORDER);
            row.band(0.0, TEXT_WIDTH, FINDINGS_FILL);
            if n == 0 {
                row.marks.push(edge(0.0));
            }
            if n == last {
                row.marks.push(edge(row.height - 0.8));
            }
        }
        rows.push(Row::space(12.0));
    }
    Ok(rows)
}

fn edge(dy: f32) -> Mark {
    Mark::Fill {
        x: 0.0,
        dy,
        width: TEXT_WIDTH,
        height: 0.8,
        color: FINDINGS_BORDER,
    }
}

fn shift(mark: &mut Mark, by: f32) {
    match mark {
        Mark::Text { x, .. } | Mark::Fill { x, .. } | Mark::Image { x, .. } => *x += by,
    }
}

/// Keep every row but the last with the next (a heading with what follows).
fn keep(mut rows: Vec<Row>) -> Vec<Row> {
    for row in &mut rows {
        row.keep_with_next = true;
    }
    rows
}

fn block_rows(pages: &mut Pages, block: &Block, width: f32) -> Vec<Row> {
    let body = body();
    match block {
        Block::Para(text) => {
            let mut rows = paragraph(
                pages,
                &[(Face::Regular, text)],
                width,
                body.size,
                body.leading,
                body.color,
            );
            rows.push(Row::space(5.0));
            rows
        }
        Block::Subheading(text) => {
            let mut rows = vec![Row::space(6.0)];
            let mut heading =
                paragraph(pages, &[(Face::Bold, text)], width, 10.5, 14.0, TEXT_COLOR);
            if let Some(last) = heading.last_mut() {
                last.height += 2.0;
            }
            rows.extend(keep(heading));
            rows
        }
        Block::Note(text) => {
            let mut rows = boxed(pages, &[(Face::Regular, text)], body, width, NOTE_FILL);
            for row in &mut rows {
                row.band(0.0, 3.0, ORANGE);
            }
            rows.push(Row::space(5.0));
            rows
        }
        Block::Code(text) => {
            let code = Style {
                size: 7.5,
                leading: 10.0,
                color: TEXT_COLOR,
            };
            let mut rows = boxed(pages, &[(Face::Mono, text)], code, width, CODE_FILL);
            rows.push(Row::space(5.0));
            rows
        }
        Block::List(items) => {
            let mut rows = Vec::new();
            for item in items {
                let mut lines = paragraph(
                    pages,
                    &[(Face::Regular, item)],
                    width - 11.0,
                    body.size,
                    body.leading,
                    body.color,
                );
                for row in &mut lines {
                    for mark in &mut row.marks {
                        shift(mark, 11.0);
                    }
                }
                if let Some(first) = lines.first_mut() {
                    let bullet = one_line(&mut pages.fonts, Face::Regular, body.size, "•");
                    first.marks.push(Mark::Text {
                        line: bullet,
                        x: 2.0,
                        dy: 0.0,
                        style: body,
                    });
                }
                rows.extend(lines);
                rows.push(Row::space(2.5));
            }
            rows.push(Row::space(3.0));
            rows
        }
        Block::Facts(facts) => {
            let mut rows = table::facts(pages, facts, width, body);
            rows.push(Row::space(5.0));
            rows
        }
        Block::Table(t) => {
            let mut rows = table::rows(pages, t, width);
            rows.push(Row::space(8.0));
            rows
        }
        Block::Figure(figure) => figure_rows(pages, &[figure], width).unwrap_or_default(),
    }
}

/// Text in a tinted box with a little padding, a row per line.
fn boxed(
    pages: &mut Pages,
    runs: &[(Face, &str)],
    style: Style,
    width: f32,
    fill: Rgb,
) -> Vec<Row> {
    let (pad_x, pad_y) = (8.0, 3.0);
    let mut rows = paragraph(
        pages,
        runs,
        width - 2.0 * pad_x,
        style.size,
        style.leading,
        style.color,
    );
    let last = rows.len().saturating_sub(1);
    for (n, row) in rows.iter_mut().enumerate() {
        for mark in &mut row.marks {
            shift(mark, pad_x);
            if let (0, Mark::Text { dy, .. }) = (n, mark) {
                *dy += pad_y;
            }
        }
        if n == 0 {
            row.height += pad_y;
        }
        if n == last {
            row.height += pad_y;
        }
        row.band(0.0, width, fill);
    }
    rows
}

/// A paragraph as one row per line.
fn paragraph(
    pages: &mut Pages,
    runs: &[(Face, &str)],
    width: f32,
    size: f32,
    leading: f32,
    color: Rgb,
) -> Vec<Row> {
    let style = Style {
        size,
        leading,
        color,
    };
    text::wrap(&mut pages.fonts, runs, size, width)
        .into_iter()
        .map(|line| Row {
            height: leading,
            marks: vec![Mark::Text {
                line,
                x: 0.0,
                dy: 0.0,
                style,
            }],
            ..Row::default()
        })
        .collect()
}

/// Charts two abreast, each with its title and caption below it; a row of
/// two is never split across pages.
fn figure_rows(pages: &mut Pages, figures: &[&Figure], width: f32) -> Result<Vec<Row>, String> {
    let column = (width - FIGURE_GAP) / 2.0;
    let caption = Style {
        size: CAPTION,
        leading: CAPTION * 1.3,
        color: Rgb::hex(0x333333),
    };
    let mut rows = Vec::new();
    for pair in figures.chunks(2) {
        let mut row = Row::default();
        for (n, figure) in pair.iter().enumerate() {
            let x = n as f32 * (column + FIGURE_GAP);
            let image = image::Image::from_png(&figure.png)
                .map_err(|e| format!("chart {}: {e}", figure.name))?;
            let height = column * image.height as f32 / image.width.max(1) as f32;
            let index = pages.add_image(image);
            row.marks.push(Mark::Image {
                index,
                x,
                dy: 0.0,
                width: column,
                height,
            });
            let title = figure.lead();
            let text = format!(" {}", figure.caption);
            let lines = text::wrap(
                &mut pages.fonts,
                &[(Face::Bold, &title), (Face::Regular, &text)],
                caption.size,
                column,
            );
            let top = height + 3.0;
            let cell = top + lines.len() as f32 * caption.leading;
            for (i, line) in lines.into_iter().enumerate() {
                row.marks.push(Mark::Text {
                    line,
                    x,
                    dy: top + i as f32 * caption.leading,
                    style: caption,
                });
            }
            row.height = row.height.max(cell);
        }
        rows.push(row);
        rows.push(Row::space(11.0));
    }
    Ok(rows)
}

/// One unbroken line of `text`.
fn one_line(fonts: &mut Fonts, face: Face, size: f32, text: &str) -> Line {
    let width = fonts.width(face, size, text);
    Line {
        spans: vec![text::Span {
            face,
            text: text.to_string(),
            width,
        }],
        width,
    }
}

/// `text`, cut with an ellipsis to fit `width`.
fn fit(fonts: &mut Fonts, face: Face, size: f32, text: &str, width: f32) -> String {
    if fonts.width(face, size, text) <= width {
        return text.to_string();
    }
    let mut cut: String = text.to_string();
    while !cut.is_empty() && fonts.width(face, size, &format!("{cut}…")) > width {
        cut.pop();
    }
    format!("{}…", cut.trim_end())
}

/// Zlib-compress a stream.
fn deflate(data: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec_zlib(data, 6)
}
