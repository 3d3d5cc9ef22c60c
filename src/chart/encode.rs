//! An RGB page as PNG bytes: every row Paeth-filtered and compressed with
//! fdeflate's PNG-tuned coder, the same bytes the `png` crate writes with
//! `Compression::Fast` and `Filter::Paeth`, in less time.
//!
//! The `png` crate writes the header and the end; the image data is
//! filtered here because a chart has two kinds of rows. About two in five
//! repeat the row above (the margins, the space between grid lines), and
//! Paeth turns such a row into zeros: it is written as zeros without
//! being filtered. The others are filtered with the bytes compared 32 at
//! a time where the processor has AVX2 (the crate's filter is compiled
//! for the baseline x86-64, 16 at a time). Rows go to the compressor one
//! by one, filter byte first, as the crate gives them, so the compressed
//! stream is the crate's, byte for byte (a test checks it).

use super::canvas::{Drawn, fail};

/// The PNG filter type byte of Paeth.
const PAETH: u8 = 4;

/// `pixels` (RGB, eight bits a channel, `w` by `h`) as PNG bytes.
pub fn png(pixels: &[u8], w: u32, h: u32) -> Drawn<Vec<u8>> {
    let row = w as usize * 3;
    if w == 0 || h == 0 {
        return Err(format!("a {w} by {h} page has no pixels to encode"));
    }
    if pixels.len() != row * h as usize {
        return Err(format!(
            "a {w} by {h} page needs {} bytes of pixels, not {}",
            row * h as usize,
            pixels.len()
        ));
    }
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, w, h);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(fail)?;
    writer
        .write_chunk(png::chunk::IDAT, &zlib_rows(pixels, row).map_err(fail)?)
        .map_err(fail)?;
    writer.finish().map_err(fail)?;
    Ok(bytes)
}

/// The zlib stream of `pixels`' rows (`row > 0` bytes each),
/// Paeth-filtered, or stored uncompressed should compressing make it
/// larger (as the `png` crate does).
fn zlib_rows(pixels: &[u8], row: usize) -> std::io::Result<Vec<u8>> {
    let mut compressor = fdeflate::Compressor::new(Vec::with_capacity(pixels.len() / 8))?;
    let mut filtered = vec![0u8; row + 1];
    filtered[0] = PAETH;
    let mut zeros = vec![0u8; row + 1];
    zeros[0] = PAETH;
    // The row above the first is zeros.
    let mut above: &[u8] = &zeros[1..];
    for line in pixels.chunks_exact(row) {
        if line == above {
            compressor.write_data(&zeros)?;
        } else {
            paeth(above, line, &mut filtered[1..]);
            compressor.write_data(&filtered)?;
        }
        above = line;
    }
    let compressed = compressor.finish()?;
    let stored = pixels.len() + pixels.len() / row;
    if compressed.len() <= fdeflate::StoredOnlyCompressor::<()>::compressed_size(stored) {
        return Ok(compressed);
    }
    let mut store = fdeflate::StoredOnlyCompressor::new(std::io::Cursor::new(Vec::new()))?;
    for line in pixels.chunks_exact(row) {
        store.write_data(&[0])?;
        store.write_data(line)?;
    }
    Ok(store.finish()?.into_inner())
}

/// Bytes of a pixel.
const BPP: usize = 3;

/// Paeth-filters `line` under `above` into `out` (all of one length).
fn paeth(above: &[u8], line: &[u8], out: &mut [u8]) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the processor supports AVX2, checked just above.
        return unsafe { paeth_avx2(above, line, out) };
    }
    paeth_with(above, line, out);
}

/// [`paeth`] compiled for AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn paeth_avx2(above: &[u8], line: &[u8], out: &mut [u8]) {
    paeth_with(above, line, out);
}

/// [`paeth`], written so that it vectorises: each byte depends only on the
/// four bytes it is predicted from, none of them filtered.
#[inline(always)]
fn paeth_with(above: &[u8], line: &[u8], out: &mut [u8]) {
    let n = line.len().min(above.len()).min(out.len());
    let (line, above, out) = (&line[..n], &above[..n], &mut out[..n]);
    // The first pixel has zeros to its left and above-left.
    for i in 0..BPP.min(n) {
        out[i] = line[i].wrapping_sub(predict(0, above[i], 0));
    }
    if n <= BPP {
        return;
    }
    let (left, up_left) = (&line[..n - BPP], &above[..n - BPP]);
    let (line, above, out) = (&line[BPP..], &above[BPP..], &mut out[BPP..]);
    for ((((o, &x), &a), &b), &c) in out.iter_mut().zip(line).zip(left).zip(above).zip(up_left) {
        *o = x.wrapping_sub(predict(a, b, c));
    }
}

/// The Paeth predictor of a byte from its left (`a`), upper (`b`) and
/// upper-left (`c`) neighbours, in eight-bit arithmetic only (Luca
/// Versari's form, from FPNGE, as the `png` crate writes it): the same
/// choice as the PNG specification's `p = a + b - c` and nearest of the
/// three, ties going to `a`, then `b`.
#[inline(always)]
fn predict(a: u8, b: u8, c: u8) -> u8 {
    let pa = b.max(c) - b.min(c);
    let pb = a.max(c) - a.min(c);
    // With `c` between `a` and `b`, |a + b - 2c| is |pa - pb|; otherwise
    // it exceeds both and `c` is never nearest.
    let pc = if (a < c) == (c < b) {
        pa.max(pb) - pa.min(pb)
    } else {
        u8::MAX
    };
    if pa <= pb && pa <= pc {
        a
    } else if pb <= pc {
        b
    } else {
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The PNG specification's predictor, in wide arithmetic.
    fn specified(a: u8, b: u8, c: u8) -> u8 {
        let p = i16::from(a) + i16::from(b) - i16::from(c);
        let (pa, pb, pc) = (
            (p - i16::from(a)).abs(),
            (p - i16::from(b)).abs(),
            (p - i16::from(c)).abs(),
        );
        if pa <= pb && pa <= pc {
            a
        } else if pb <= pc {
            b
        } else {
            c
        }
    }

    #[test]
    fn the_predictor_is_the_specifications_for_every_byte() {
        for a in 0..=255u8 {
            for b in 0..=255u8 {
                for c in (0..=255u8).step_by(3) {
                    assert_eq!(predict(a, b, c), specified(a, b, c), "{a} {b} {c}");
                }
            }
        }
    }

    /// A page with flat areas, repeated rows, noise and a page whose rows
    /// are shorter than a pixel's neighbours need.
    fn page(w: u32, h: u32, seed: u64) -> Vec<u8> {
        let mut state = seed | 1;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let row = w as usize * 3;
        let mut pixels = vec![255u8; row * h as usize];
        for y in 0..h as usize {
            match next() % 4 {
                // A copy of the row above.
                0 if y > 0 => {
                    let (done, rest) = pixels.split_at_mut(y * row);
                    rest[..row].copy_from_slice(&done[(y - 1) * row..]);
                }
                // A few marks on white.
                1 => {
                    for _ in 0..5 {
                        let x = (next() % row as u64) as usize;
                        pixels[y * row + x] = next() as u8;
                    }
                }
                // Noise.
                2 => pixels[y * row..(y + 1) * row].fill_with(|| next() as u8),
                // White.
                _ => {}
            }
        }
        pixels
    }

    /// What the `png` crate writes with the options polsim used before.
    fn crates_bytes(pixels: &[u8], w: u32, h: u32) -> Vec<u8> {
        let mut bytes = Vec::new();
        let mut encoder = png::Encoder::new(&mut bytes, w, h);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_compression(png::Compression::Fast);
        encoder.set_filter(png::Filter::Paeth);
        let mut writer = encoder.write_header().unwrap();
        writer.write_image_data(pixels).unwrap();
        writer.finish().unwrap();
        bytes
    }

    fn decoded(bytes: &[u8]) -> Vec<u8> {
        let mut reader = png::Decoder::new(std::io::Cursor::new(bytes))
            .read_info()
            .unwrap();
        let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
        let frame = reader.next_frame(&mut pixels).unwrap();
        pixels.truncate(frame.buffer_size());
        pixels
    }

    #[test]
    fn the_bytes_are_the_png_crates_and_decode_to_the_page() {
        for (w, h, seed) in [(1, 1, 1), (1, 7, 2), (2, 3, 3), (37, 19, 4), (400, 90, 5)] {
            let pixels = page(w, h, seed);
            let ours = png(&pixels, w, h).unwrap();
            assert_eq!(ours, crates_bytes(&pixels, w, h), "{w} by {h}");
            assert_eq!(decoded(&ours), pixels, "{w} by {h}");
        }
        // Incompressible noise is stored, as the crate stores it.
        let mut state = 7u64;
        let noise: Vec<u8> = (0..64 * 64 * 3)
            .map(|_| {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                (state >> 56) as u8
            })
            .collect();
        let ours = png(&noise, 64, 64).unwrap();
        assert_eq!(ours, crates_bytes(&noise, 64, 64));
        assert_eq!(decoded(&ours), noise);
    }

    #[test]
    fn a_page_of_the_wrong_size_is_refused() {
        let err = png(&[0; 10], 2, 2).unwrap_err();
        assert!(err.contains("12 bytes"), "{err}");
        let err = png(&[], 0, 5).unwrap_err();
        assert!(err.contains("no pixels"), "{err}");
    }
}
