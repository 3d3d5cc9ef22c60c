//! The pages being filled: a cursor down the page, drawing primitives in
//! top-down coordinates, and the document's objects written at the end
//! (fonts, images, page numbers, the outline of sections).

use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

use super::fonts::{Face, Fonts};
use super::image::Image;
use super::text::Line;

/// A4, in points.
pub const PAGE_WIDTH: f32 = 595.28;
pub const PAGE_HEIGHT: f32 = 841.89;
/// 12 mm at the sides and top, 14 mm at the foot (with the page number).
pub const MARGIN: f32 = 34.0;
pub const MARGIN_FOOT: f32 = 40.0;
/// The width text and tables may use.
pub const TEXT_WIDTH: f32 = PAGE_WIDTH - 2.0 * MARGIN;

/// A colour as RGB, 0 to 1.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rgb(pub f32, pub f32, pub f32);

impl Rgb {
    /// From `#rrggbb` digits.
    pub const fn hex(rgb: u32) -> Rgb {
        Rgb(
            ((rgb >> 16) & 0xff) as f32 / 255.0,
            ((rgb >> 8) & 0xff) as f32 / 255.0,
            (rgb & 0xff) as f32 / 255.0,
        )
    }
}

/// How a line of text is set: its size, the height of its line box and
/// its colour (the faces are in the line's spans).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Style {
    pub size: f32,
    pub leading: f32,
    pub color: Rgb,
}

struct Page {
    content: Content,
    /// Indices into the document's images.
    images: Vec<usize>,
}

/// A section heading's place, for the outline.
struct Mark {
    title: String,
    page: usize,
    y: f32,
}

/// The document being laid out.
pub struct Pages {
    pub fonts: Fonts,
    pages: Vec<Page>,
    /// Distance from the top of the current page to where the next thing goes.
    pub y: f32,
    images: Vec<Image>,
    marks: Vec<Mark>,
}

impl Pages {
    pub fn new(fonts: Fonts) -> Pages {
        let mut pages = Pages {
            fonts,
            pages: Vec::new(),
            y: MARGIN,
            images: Vec::new(),
            marks: Vec::new(),
        };
        pages.new_page();
        pages
    }

    pub fn new_page(&mut self) {
        self.pages.push(Page {
            content: Content::new(),
            images: Vec::new(),
        });
        self.y = MARGIN;
    }

    /// Whether nothing has been put on the current page.
    pub fn at_top(&self) -> bool {
        self.y <= MARGIN
    }

    /// The height left on the current page.
    pub fn room(&self) -> f32 {
        PAGE_HEIGHT - MARGIN_FOOT - self.y
    }

    /// The height a full page offers.
    pub fn page_room() -> f32 {
        PAGE_HEIGHT - MARGIN_FOOT - MARGIN
    }

    fn content(&mut self) -> &mut Content {
        &mut self
            .pages
            .last_mut()
            .expect("a page is always open")
            .content
    }

    /// Draw a laid-out line with its top at `top` (from the page's top),
    /// starting at `x`, in a line box `leading` high.
    pub fn line(&mut self, line: &Line, x: f32, top: f32, style: Style) {
        let page = self.pages.len() - 1;
        self.line_on(page, line, x, top, style);
    }

    /// Fill a rectangle whose top-left corner is at (`x`, `top`).
    pub fn fill(&mut self, x: f32, top: f32, width: f32, height: f32, color: Rgb) {
        let content = self.content();
        content.set_fill_rgb(color.0, color.1, color.2);
        content.rect(x, PAGE_HEIGHT - top - height, width, height);
        content.fill_nonzero();
    }

    /// Add an image to the document; returns its index for [`Pages::image`].
    pub fn add_image(&mut self, image: Image) -> usize {
        self.images.push(image);
        self.images.len() - 1
    }

    /// Place image `index` with its top-left corner at (`x`, `top`).
    pub fn image(&mut self, index: usize, x: f32, top: f32, width: f32, height: f32) {
        let page = self.pages.last_mut().expect("a page is always open");
        if !page.images.contains(&index) {
            page.images.push(index);
        }
        let name = image_name(index);
        let content = &mut page.content;
        content.save_state();
        content.transform([width, 0.0, 0.0, height, x, PAGE_HEIGHT - top - height]);
        content.x_object(Name(name.as_bytes()));
        content.restore_state();
    }

    /// Note a section heading at the cursor, for the outline.
    pub fn mark(&mut self, title: &str) {
        self.marks.push(Mark {
            title: title.to_string(),
            page: self.pages.len() - 1,
            y: self.y,
        });
    }

    /// Write the document: each page with `footer` and its number, the
    /// fonts, the images and the outline of sections; `title` and
    /// `creator` go into the document's information.
    pub fn finish(mut self, title: &str, creator: &str, footer: &str) -> Result<Vec<u8>, String> {
        let total = self.pages.len();
        let style = Style {
            size: 7.0,
            leading: 7.0,
            color: Rgb::hex(0x666666),
        };
        let size = style.size;
        let top = PAGE_HEIGHT - MARGIN_FOOT + 10.0;
        let footer = super::fit(
            &mut self.fonts,
            Face::Regular,
            size,
            footer,
            TEXT_WIDTH * 0.75,
        );
        for number in 0..total {
            let label = format!(
                "page {} of {}",
                crate::format::count(number as u64 + 1),
                crate::format::count(total as u64)
            );
            let left = super::one_line(&mut self.fonts, Face::Regular, size, &footer);
            let right = super::one_line(&mut self.fonts, Face::Regular, size, &label);
            self.line_on(number, &left, MARGIN, top, style);
            let x = PAGE_WIDTH - MARGIN - right.width;
            self.line_on(number, &right, x, top, style);
        }

        let mut pdf = Pdf::new();
        let mut next = Ref::new(1);
        let catalog = next.bump();
        let tree = next.bump();
        let info = next.bump();
        let outline = next.bump();
        let page_ids: Vec<Ref> = (0..total).map(|_| next.bump()).collect();
        let image_ids: Vec<Ref> = self.images.iter().map(|_| next.bump()).collect();
        let fonts = self.fonts.embed(&mut pdf, &mut next)?;
        for (image, &id) in self.images.iter().zip(&image_ids) {
            image.write(&mut pdf, id);
        }
        for (page, &id) in self.pages.into_iter().zip(&page_ids) {
            let content_id = next.bump();
            let stream = super::deflate(&page.content.finish());
            pdf.stream(content_id, &stream).filter(Filter::FlateDecode);
            let mut writer = pdf.page(id);
            writer
                .parent(tree)
                .media_box(Rect::new(0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT))
                .contents(content_id);
            let mut resources = writer.resources();
            let mut font_dict = resources.fonts();
            for &(face, font) in &fonts {
                font_dict.pair(face.resource(), font);
            }
            font_dict.finish();
            if !page.images.is_empty() {
                let mut objects = resources.x_objects();
                for index in page.images {
                    objects.pair(Name(image_name(index).as_bytes()), image_ids[index]);
                }
            }
        }
        pdf.pages(tree)
            .kids(page_ids.iter().copied())
            .count(total as i32);

        let items: Vec<Ref> = self.marks.iter().map(|_| next.bump()).collect();
        if let (Some(&first), Some(&last)) = (items.first(), items.last()) {
            pdf.outline(outline)
                .first(first)
                .last(last)
                .count(items.len() as i32);
            for (i, mark) in self.marks.iter().enumerate() {
                let mut item = pdf.outline_item(items[i]);
                item.title(TextStr(&mark.title)).parent(outline);
                if i > 0 {
                    item.prev(items[i - 1]);
                }
                if let Some(&after) = items.get(i + 1) {
                    item.next(after);
                }
                item.dest()
                    .page(page_ids[mark.page])
                    .xyz(0.0, PAGE_HEIGHT - mark.y + 6.0, None);
            }
        }
        let mut cat = pdf.catalog(catalog);
        cat.pages(tree).lang(TextStr("en"));
        if !items.is_empty() {
            cat.outlines(outline)
                .page_mode(pdf_writer::types::PageMode::UseOutlines);
        }
        cat.finish();
        pdf.document_info(info)
            .title(TextStr(title))
            .creator(TextStr(creator))
            .producer(TextStr(creator));
        Ok(pdf.finish())
    }

    fn line_on(&mut self, page: usize, line: &Line, x: f32, top: f32, style: Style) {
        let Style {
            size,
            leading,
            color,
        } = style;
        // DejaVu's descender is about 0.24 em: the glyphs' body sits in
        // the middle of the line box.
        let baseline = PAGE_HEIGHT - (top + (leading + size) / 2.0 - 0.24 * size);
        let mut encoded = Vec::new();
        for span in &line.spans {
            encoded.push((
                span.face,
                self.fonts.encode(span.face, &span.text),
                span.width,
            ));
        }
        let content = &mut self.pages[page].content;
        content.begin_text();
        content.set_fill_rgb(color.0, color.1, color.2);
        let mut at = x;
        for (face, bytes, width) in encoded {
            content.set_font(face.resource(), size);
            content.set_text_matrix([1.0, 0.0, 0.0, 1.0, at, baseline]);
            content.show(Str(&bytes));
            at += width;
        }
        content.end_text();
    }
}

fn image_name(index: usize) -> String {
    format!("Im{index}")
}
