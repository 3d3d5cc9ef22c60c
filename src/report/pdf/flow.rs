//! The flow: everything is laid out as rows (a line of a paragraph, a
//! table row, a row of two charts), each drawn whole on one page, and the
//! rows fill the pages top to bottom. A row draws its own background, so
//! a boxed block (the key findings, a note, a command) stays boxed when it
//! runs onto the next page; a table's header row is drawn again at the top
//! of each page its rows continue on.

use super::page::{MARGIN, Pages, Rgb, Style};
use super::text::Line;

/// One thing a row draws, placed relative to the row's top.
#[derive(Clone, Debug)]
pub enum Mark {
    Text {
        line: Line,
        x: f32,
        dy: f32,
        style: Style,
    },
    /// A filled rectangle (backgrounds, rules, borders).
    Fill {
        x: f32,
        dy: f32,
        width: f32,
        height: f32,
        color: Rgb,
    },
    Image {
        index: usize,
        x: f32,
        dy: f32,
        width: f32,
        height: f32,
    },
}

/// A piece of the page drawn whole.
#[derive(Clone, Debug, Default)]
pub struct Row {
    pub height: f32,
    pub marks: Vec<Mark>,
    /// Keep on the page of the next row (a heading and what it heads).
    pub keep_with_next: bool,
    /// Only space: left out at the top of a page.
    pub space: bool,
    /// A table's header, drawn again above this row when it starts a page.
    pub header: Option<Box<Row>>,
    /// A section heading: an entry in the PDF's outline.
    pub outline: Option<String>,
}

impl Row {
    /// A row of empty space.
    pub fn space(height: f32) -> Row {
        Row {
            height,
            space: true,
            ..Row::default()
        }
    }

    /// Fill a band of the row's full height (a background, a side border).
    pub fn band(&mut self, x: f32, width: f32, color: Rgb) {
        self.marks.insert(
            0,
            Mark::Fill {
                x,
                dy: 0.0,
                width,
                height: self.height,
                color,
            },
        );
    }
}

/// A page break before what follows, unless the page is still empty.
pub fn page_break(pages: &mut Pages) {
    if !pages.at_top() {
        pages.new_page();
    }
}

/// Place `rows` one after the other, starting new pages as needed.
pub fn place(pages: &mut Pages, rows: &[Row]) {
    for (i, row) in rows.iter().enumerate() {
        if row.space {
            if pages.at_top() {
                continue;
            }
            if row.height >= pages.room() {
                pages.new_page();
                continue;
            }
        }
        // A heading keeps its next row (and that one's next, if it keeps
        // too) on the same page; space between them does not count as
        // the row kept.
        let mut needed = row.height;
        let mut j = i;
        while j + 1 < rows.len() && (rows[j].keep_with_next || (j > i && rows[j].space)) {
            j += 1;
            needed += rows[j].height;
        }
        if needed > Pages::page_room() {
            needed = row.height;
        }
        if needed > pages.room() && !pages.at_top() {
            pages.new_page();
            if let Some(header) = &row.header {
                draw(pages, header);
            }
        }
        draw(pages, row);
    }
}

fn draw(pages: &mut Pages, row: &Row) {
    if let Some(title) = &row.outline {
        pages.mark(title);
    }
    let top = pages.y;
    for mark in &row.marks {
        match mark {
            Mark::Text { line, x, dy, style } => pages.line(line, MARGIN + x, top + dy, *style),
            Mark::Fill {
                x,
                dy,
                width,
                height,
                color,
            } => pages.fill(MARGIN + x, top + dy, *width, *height, *color),
            Mark::Image {
                index,
                x,
                dy,
                width,
                height,
            } => pages.image(*index, MARGIN + x, top + dy, *width, *height),
        }
    }
    pages.y += row.height;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::pdf::fonts::Fonts;

    fn tall(height: f32) -> Row {
        Row {
            height,
            ..Row::default()
        }
    }

    #[test]
    fn a_heading_is_never_left_at_the_foot_of_a_page() {
        let mut pages = Pages::new(Fonts::new().expect("fonts"));
        let room = Pages::page_room();
        let heading = Row {
            keep_with_next: true,
            ..tall(20.0)
        };
        // The heading and the space after it fit; its first line does not.
        let rows = [tall(room - 40.0), heading, Row::space(10.0), tall(15.0)];
        place(&mut pages, &rows);
        // The heading moved to the second page with what it heads.
        assert!((pages.y - (MARGIN + 45.0)).abs() < 1e-3, "{}", pages.y);
    }

    #[test]
    fn a_table_row_that_starts_a_page_brings_its_header() {
        let mut pages = Pages::new(Fonts::new().expect("fonts"));
        let room = Pages::page_room();
        let header = tall(10.0);
        let body = Row {
            header: Some(Box::new(header.clone())),
            ..tall(30.0)
        };
        place(&mut pages, &[tall(room - 20.0), body]);
        assert!((pages.y - (MARGIN + 40.0)).abs() < 1e-3, "{}", pages.y);
        // Space at the top of a page is dropped.
        let mut fresh = Pages::new(Fonts::new().expect("fonts"));
        place(&mut fresh, &[Row::space(12.0), tall(5.0)]);
        assert!((fresh.y - (MARGIN + 5.0)).abs() < 1e-3);
    }
}
