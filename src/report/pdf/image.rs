//! Charts in the PDF: the PNG the run drew, embedded as an image XObject.
//!
//! A PNG's pixel data is a zlib stream of filtered rows, which is exactly
//! what a PDF's Flate filter with a PNG predictor reads. So an 8-bit RGB or
//! grey PNG without interlacing (what polsim's charts are) is embedded as
//! its IDAT bytes, unchanged: nothing is decoded or compressed again, and
//! the chart in the PDF is the chart on disk, pixel for pixel. Any other
//! PNG is decoded with the `png` crate, laid on white and compressed.

use pdf_writer::{Filter, Finish, Pdf, Ref};

/// An image ready to write: its size in pixels and its stream.
pub struct Image {
    pub width: u32,
    pub height: u32,
    /// 1 (grey) or 3 (RGB) components.
    colors: u8,
    /// Zlib data of the rows.
    data: Vec<u8>,
    /// Whether each row starts with a PNG filter-type byte.
    predicted: bool,
}

impl Image {
    /// Read a PNG; an error says what is wrong with it.
    pub fn from_png(bytes: &[u8]) -> Result<Image, String> {
        let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        let reader = decoder
            .read_info()
            .map_err(|e| format!("not a readable PNG: {e}"))?;
        let info = reader.info();
        let colors = match info.color_type {
            png::ColorType::Rgb => 3,
            png::ColorType::Grayscale => 1,
            _ => 0,
        };
        if colors > 0 && info.bit_depth == png::BitDepth::Eight && !info.interlaced {
            let (width, height) = (info.width, info.height);
            return Ok(Image {
                width,
                height,
                colors,
                data: idat(bytes)?,
                predicted: true,
            });
        }
        decode(bytes)
    }

    /// Write the image as `id`.
    pub fn write(&self, pdf: &mut Pdf, id: Ref) {
        let mut image = pdf.image_xobject(id, &self.data);
        image.filter(Filter::FlateDecode);
        image.width(self.width as i32);
        image.height(self.height as i32);
        if self.colors == 3 {
            image.color_space().device_rgb();
        } else {
            image.color_space().device_gray();
        }
        image.bits_per_component(8);
        if self.predicted {
            image
                .decode_parms()
                .predictor(pdf_writer::types::Predictor::PngOptimum)
                .colors(i32::from(self.colors))
                .bits_per_component(8)
                .columns(self.width as i32);
        }
        image.finish();
    }
}

/// The concatenated IDAT chunks of a PNG (its zlib stream).
fn idat(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let mut data = Vec::new();
    let mut at = 8;
    while at + 8 <= bytes.len() {
        let length =
            u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]) as usize;
        let kind = &bytes[at + 4..at + 8];
        let start = at + 8;
        let end = start
            .checked_add(length)
            .filter(|&end| end + 4 <= bytes.len())
            .ok_or("a PNG chunk runs past the end of the file")?;
        if kind == b"IDAT" {
            data.extend_from_slice(&bytes[start..end]);
        }
        if kind == b"IEND" {
            break;
        }
        at = end + 4;
    }
    if data.is_empty() {
        return Err("the PNG has no image data".into());
    }
    Ok(data)
}

/// Any other PNG: decoded to 8-bit grey or RGB, transparency laid on white.
fn decode(bytes: &[u8]) -> Result<Image, String> {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder
        .read_info()
        .map_err(|e| format!("not a readable PNG: {e}"))?;
    let mut pixels = vec![0; reader.output_buffer_size().ok_or("the PNG is too large")?];
    let frame = reader
        .next_frame(&mut pixels)
        .map_err(|e| format!("cannot decode the PNG: {e}"))?;
    let (width, height) = (frame.width, frame.height);
    let on_white = |value: u8, alpha: u8| {
        let a = u16::from(alpha);
        ((u16::from(value) * a + 255 * (255 - a)) / 255) as u8
    };
    let raw: Vec<u8> = match frame.color_type {
        png::ColorType::Rgb => pixels[..frame.buffer_size()].to_vec(),
        png::ColorType::Grayscale => pixels[..frame.buffer_size()]
            .iter()
            .flat_map(|&g| [g; 3])
            .collect(),
        png::ColorType::Rgba => pixels[..frame.buffer_size()]
            .chunks_exact(4)
            .flat_map(|p| {
                [
                    on_white(p[0], p[3]),
                    on_white(p[1], p[3]),
                    on_white(p[2], p[3]),
                ]
            })
            .collect(),
        png::ColorType::GrayscaleAlpha => pixels[..frame.buffer_size()]
            .chunks_exact(2)
            .flat_map(|p| [on_white(p[0], p[1]); 3])
            .collect(),
        png::ColorType::Indexed => return Err("the PNG's palette was not expanded".into()),
    };
    Ok(Image {
        width,
        height,
        colors: 3,
        data: super::deflate(&raw),
        predicted: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(color: png::ColorType, pixels: &[u8], width: u32, height: u32) -> Vec<u8> {
        let mut bytes = Vec::new();
        let mut encoder = png::Encoder::new(&mut bytes, width, height);
        encoder.set_color(color);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().expect("header");
        writer.write_image_data(pixels).expect("data");
        writer.finish().expect("finish");
        bytes
    }

    #[test]
    fn an_rgb_png_is_embedded_as_its_own_compressed_rows() {
        let png = encode(png::ColorType::Rgb, &[255, 0, 0, 0, 0, 255], 2, 1);
        let image = Image::from_png(&png).expect("image");
        assert!(image.predicted);
        assert_eq!((image.width, image.height, image.colors), (2, 1, 3));
        // The zlib stream inflates to one row: a filter byte and six samples.
        let rows = miniz_oxide::inflate::decompress_to_vec_zlib(&image.data).expect("zlib");
        assert_eq!(rows.len(), 7);
    }

    #[test]
    fn a_transparent_png_is_laid_on_white() {
        let png = encode(png::ColorType::Rgba, &[0, 0, 0, 0, 0, 0, 0, 255], 2, 1);
        let image = Image::from_png(&png).expect("image");
        assert!(!image.predicted);
        let raw = miniz_oxide::inflate::decompress_to_vec_zlib(&image.data).expect("zlib");
        assert_eq!(raw, [255, 255, 255, 0, 0, 0]);
        assert!(Image::from_png(b"not a png").is_err());
    }
}
