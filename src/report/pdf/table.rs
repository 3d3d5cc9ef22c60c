//! Tables and term lists as rows.
//!
//! Column widths: a table that fits keeps its natural widths. One that
//! does not gives every column the width of its longest unbreakable piece,
//! then shares the rest in proportion to how much text each column holds
//! (the sum of its cells' natural widths), never widening a column past
//! its natural width. Columns then need about as many lines each, so rows
//! are as short as they can be: a column of prose gets the room, a column
//! of names a little, and a column of numbers stays on one line. Only when
//! even the unbreakable pieces do not fit are the columns narrowed in
//! proportion and words broken between letters. A table is never wider
//! than the page.

use super::flow::{Mark, Row};
use super::fonts::Face;
use super::page::{Pages, Rgb, Style};
use super::text::{self, Line};
use crate::report::content::Table;

const SIZE: f32 = 6.8;
const LEADING: f32 = 8.2;
const PAD_X: f32 = 2.5;
const PAD_Y: f32 = 1.3;
const TEXT: Rgb = Rgb::hex(0x1a1a1a);
const HEADER_FILL: Rgb = Rgb::hex(0xf2f2f2);
const HEADER_RULE: Rgb = Rgb::hex(0x444444);
const ROW_RULE: Rgb = Rgb::hex(0xdddddd);

fn style() -> Style {
    Style {
        size: SIZE,
        leading: LEADING,
        color: TEXT,
    }
}

/// The column widths for columns whose narrowest and natural widths are
/// `min` and `max` and which hold `text` points of text, in `width` points.
pub fn column_widths(min: &[f32], max: &[f32], text: &[f32], width: f32) -> Vec<f32> {
    let natural: f32 = max.iter().sum();
    if natural <= width {
        return max.to_vec();
    }
    let least: f32 = min.iter().sum();
    if least >= width {
        return min.iter().map(|m| m * width / least).collect();
    }
    // Share the spare width by text held, capping each column at its
    // natural width and sharing again what a capped column leaves.
    let mut widths = min.to_vec();
    let mut spare = width - least;
    while spare > 0.01 {
        let open: Vec<usize> = (0..widths.len())
            .filter(|&i| widths[i] < max[i] - 0.01)
            .collect();
        let weight: f32 = open.iter().map(|&i| text[i].max(0.01)).sum();
        if open.is_empty() {
            break;
        }
        let mut used = 0.0;
        for &i in &open {
            let share = spare * text[i].max(0.01) / weight;
            let grown = (widths[i] + share).min(max[i]);
            used += grown - widths[i];
            widths[i] = grown;
        }
        spare -= used;
        if used < 0.01 {
            break;
        }
    }
    widths
}

/// `table` as rows `width` points wide at most.
pub fn rows(pages: &mut Pages, table: &Table, width: f32) -> Vec<Row> {
    let fonts = &mut pages.fonts;
    let columns = table.header.len();
    let keep_whole = |i: usize| i >= table.numbers_from || table.nowrap.contains(&i);
    let mut min = vec![0.0f32; columns];
    let mut max = vec![0.0f32; columns];
    let mut held = vec![0.0f32; columns];
    for (i, head) in table.header.iter().enumerate() {
        min[i] = text::min_width(fonts, Face::CondensedBold, SIZE, head);
        max[i] = text::max_width(fonts, Face::CondensedBold, SIZE, head);
    }
    for row in &table.rows {
        for (i, cell) in row.iter().enumerate().take(columns) {
            let natural = text::max_width(fonts, Face::Condensed, SIZE, cell);
            let narrowest = if keep_whole(i) {
                natural
            } else {
                text::min_width(fonts, Face::Condensed, SIZE, cell)
            };
            min[i] = min[i].max(narrowest);
            max[i] = max[i].max(natural);
            held[i] += natural;
        }
    }
    // A column of prose asks for a third of the table, so its text reads as
    // sentences rather than a column of single words.
    if let Some(prose) = table.prose.filter(|&p| p < columns) {
        min[prose] = min[prose].max(width / 3.0 - 2.0 * PAD_X).min(max[prose]);
    }
    let pad = |w: &Vec<f32>| w.iter().map(|x| x + 2.0 * PAD_X).collect::<Vec<f32>>();
    let widths = column_widths(&pad(&min), &pad(&max), &held, width);
    let table_width: f32 = widths.iter().sum();

    let mut header = cells_row(pages, &table.header, &widths, table, Face::CondensedBold);
    header.band(0.0, table_width, HEADER_FILL);
    header
        .marks
        .push(rule(table_width, header.height, 0.9, HEADER_RULE));
    header.keep_with_next = true;
    let mut out = vec![header.clone()];
    for cells in &table.rows {
        let mut row = cells_row(pages, cells, &widths, table, Face::Condensed);
        row.marks.push(rule(table_width, row.height, 0.4, ROW_RULE));
        row.header = Some(Box::new(header.clone()));
        out.push(row);
    }
    out
}

fn rule(width: f32, at: f32, thickness: f32, color: Rgb) -> Mark {
    Mark::Fill {
        x: 0.0,
        dy: at - thickness,
        width,
        height: thickness,
        color,
    }
}

fn cells_row(
    pages: &mut Pages,
    cells: &[String],
    widths: &[f32],
    table: &Table,
    face: Face,
) -> Row {
    let mut laid: Vec<Vec<Line>> = Vec::new();
    for (i, width) in widths.iter().enumerate() {
        let cell = cells.get(i).map(String::as_str).unwrap_or("");
        laid.push(text::wrap(
            &mut pages.fonts,
            &[(face, cell)],
            SIZE,
            width - 2.0 * PAD_X,
        ));
    }
    let lines = laid.iter().map(Vec::len).max().unwrap_or(1).max(1);
    let mut row = Row {
        height: lines as f32 * LEADING + 2.0 * PAD_Y,
        ..Row::default()
    };
    let mut x = 0.0;
    for (i, (cell, width)) in laid.into_iter().zip(widths).enumerate() {
        for (n, line) in cell.into_iter().enumerate() {
            let at = if i >= table.numbers_from {
                x + width - PAD_X - line.width
            } else {
                x + PAD_X
            };
            row.marks.push(Mark::Text {
                line,
                x: at,
                dy: PAD_Y + n as f32 * LEADING,
                style: style(),
            });
        }
        x += width;
    }
    row
}

/// Terms and their descriptions: the terms in bold in a column of their
/// own (at most a third of the width), the descriptions wrapped beside them.
pub fn facts(pages: &mut Pages, facts: &[(String, String)], width: f32, body: Style) -> Vec<Row> {
    let gap = 12.0;
    let term_width = facts
        .iter()
        .map(|(term, _)| pages.fonts.width(Face::Bold, body.size, term))
        .fold(0.0, f32::max)
        .min(width / 3.0);
    let value_width = width - term_width - gap;
    facts
        .iter()
        .map(|(term, value)| {
            let terms = text::wrap(
                &mut pages.fonts,
                &[(Face::Bold, term)],
                body.size,
                term_width,
            );
            let values = text::wrap(
                &mut pages.fonts,
                &[(Face::Regular, value)],
                body.size,
                value_width,
            );
            let lines = terms.len().max(values.len());
            let mut row = Row {
                height: lines as f32 * body.leading + 1.5,
                ..Row::default()
            };
            for (n, line) in terms.into_iter().enumerate() {
                row.marks.push(Mark::Text {
                    line,
                    x: 0.0,
                    dy: n as f32 * body.leading,
                    style: body,
                });
            }
            for (n, line) in values.into_iter().enumerate() {
                row.marks.push(Mark::Text {
                    line,
                    x: term_width + gap,
                    dy: n as f32 * body.leading,
                    style: body,
                });
            }
            row
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_keep_natural_widths_when_they_fit_and_share_the_rest_when_not() {
        let held = [100.0, 300.0];
        assert_eq!(
            column_widths(&[10.0, 10.0], &[30.0, 40.0], &held, 100.0),
            [30.0, 40.0]
        );
        // 40 spare, shared a quarter and three quarters by the text held.
        assert_eq!(
            column_widths(&[10.0, 10.0], &[90.0, 90.0], &held, 60.0),
            [20.0, 40.0]
        );
        // A column capped at its natural width leaves the rest to the other.
        assert_eq!(
            column_widths(&[10.0, 10.0], &[90.0, 20.0], &held, 60.0),
            [40.0, 20.0]
        );
        // Not even the pieces fit: narrowed in proportion.
        let narrowed = column_widths(&[60.0, 40.0], &[90.0, 50.0], &held, 50.0);
        assert_eq!(narrowed, [30.0, 20.0]);
    }
}
