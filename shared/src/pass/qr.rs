//! The pass as a QR code: alphanumeric mode (the Base45 alphabet and `BP1:` are all
//! QR-alphanumeric characters), error-correction level Q, the smallest version that fits.

use crate::{Error, ErrorCode};
use qrcode::{Color, EcLevel, QrCode, Version};
use std::fmt::Write as _;

/// Modules of light margin around the code, as the QR standard asks.
const QUIET_ZONE: usize = 4;

/// Upper-case letters, digits and ` $%*+-./:`: the 45 characters of QR alphanumeric mode.
fn is_qr_alphanumeric(c: char) -> bool {
    c.is_ascii_digit() || c.is_ascii_uppercase() || " $%*+-./:".contains(c)
}

fn code(pass: &str) -> Result<QrCode, Error> {
    let bad = |why: &str| Error::new(ErrorCode::MalformedBody, why);
    if pass.len() > super::MAX_PASS_CHARS || !pass.starts_with(super::PREFIX) {
        return Err(bad("not a pass string"));
    }
    if !pass.chars().all(is_qr_alphanumeric) {
        return Err(bad("a pass string has only QR-alphanumeric characters"));
    }
    // With only alphanumeric characters, the optimal segmentation is one alphanumeric segment.
    QrCode::with_error_correction_level(pass, EcLevel::Q)
        .map_err(|_| bad("the pass does not fit a QR code"))
}

/// The QR version (1-40) the pass needs at level Q; `None` if it is not a pass string.
pub fn version(pass: &str) -> Option<i16> {
    match code(pass).ok()?.version() {
        Version::Normal(v) => Some(v),
        Version::Micro(_) => None,
    }
}

/// An SVG of the pass's QR code: black modules on white with a four-module quiet zone, one
/// user unit per module and a `viewBox` but no size, so CSS scales it.
pub fn svg(pass: &str) -> Result<String, Error> {
    let code = code(pass)?;
    let width = code.width();
    let colors = code.to_colors();
    let size = width + 2 * QUIET_ZONE;
    let mut out = format!(
        concat!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {s} {s}" "#,
            r##"shape-rendering="crispEdges"><rect width="{s}" height="{s}" fill="#fff"/>"##,
            r##"<path fill="#000" d=""##
        ),
        s = size
    );
    for (y, row) in colors.chunks(width).enumerate() {
        let mut x = 0;
        while x < width {
            if row[x] == Color::Dark {
                let run = row[x..].iter().take_while(|c| **c == Color::Dark).count();
                // Writing into a String cannot fail.
                let _ = write!(
                    out,
                    "M{} {}h{run}v1h-{run}z",
                    x + QUIET_ZONE,
                    y + QUIET_ZONE
                );
                x += run;
            } else {
                x += 1;
            }
        }
    }
    out.push_str(r#""/></svg>"#);
    Ok(out)
}
