//! QR decoding of camera frames: RGBA → luminance → `rqrr`'s grid detection → text.

/// The text of the first QR grid in the frame that decodes, if any. A buffer shorter than
/// `width × height × 4` bytes decodes nothing rather than panicking.
pub fn decode_rgba(rgba: &[u8], width: usize, height: usize) -> Option<String> {
    let pixels = width.checked_mul(height)?;
    if width == 0 || height == 0 || rgba.len() < pixels.checked_mul(4)? {
        return None;
    }
    let mut image = rqrr::PreparedImage::prepare_from_greyscale(width, height, |x, y| {
        let i = (y * width + x) * 4;
        luma(rgba[i], rgba[i + 1], rgba[i + 2])
    });
    image
        .detect_grids()
        .iter()
        .find_map(|grid| grid.decode().ok().map(|(_, text)| text))
}

/// BT.601 luma in integer arithmetic (weights sum to 256).
fn luma(r: u8, g: u8, b: u8) -> u8 {
    ((77 * u32::from(r) + 150 * u32::from(g) + 29 * u32::from(b)) >> 8) as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luma_spans_black_to_white() {
        assert_eq!(luma(0, 0, 0), 0);
        assert_eq!(luma(255, 255, 255), 255);
    }

    #[test]
    fn short_or_empty_buffers_decode_nothing() {
        assert_eq!(decode_rgba(&[], 0, 0), None);
        assert_eq!(decode_rgba(&[255; 15], 2, 2), None);
        assert_eq!(decode_rgba(&[255; 4 * 64 * 64], 64, 64), None);
    }
}
