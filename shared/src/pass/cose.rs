//! From a `BP1:` string to a COSE_Sign1 and back: prefix, Base45, optional zlib, COSE.

use super::{claims, Kid, PassClaims, Reason, MAX_INFLATED_BYTES, MAX_PASS_CHARS, PREFIX};
use coset::{iana, CborSerializable, CoseSign1, Header, HeaderBuilder, TaggedCborSerializable};

/// The CBOR tag 18 (COSE_Sign1) in its one-byte encoding: the first byte of a tagged message.
const TAG_COSE_SIGN1: u8 = 0xd2;
/// The first byte of every zlib stream with a 32 KiB window (CMF = deflate, window 2^15).
const ZLIB_CMF: u8 = 0x78;

const MALFORMED: Reason = Reason::Malformed;

/// The protected header every pass carries: exactly `{1: -8, 4: kid}`.
pub(super) fn protected_header(kid: Kid) -> Header {
    HeaderBuilder::new()
        .algorithm(iana::Algorithm::EdDSA)
        .key_id(kid.as_bytes().to_vec())
        .build()
}

/// Tagged COSE_Sign1 bytes → `BP1:` + Base45 (no compression: it never helps at this size).
pub(super) fn to_text(cose: &[u8]) -> String {
    let mut s = String::with_capacity(PREFIX.len() + cose.len() * 3 / 2 + 2);
    s.push_str(PREFIX);
    s.push_str(&base45::encode(cose));
    s
}

/// `BP1:` string → COSE bytes, inflating a zlib stream. Checks length first, so nothing large
/// is ever allocated.
pub(super) fn from_text(pass: &str) -> Result<Vec<u8>, Reason> {
    if pass.len() > MAX_PASS_CHARS {
        return Err(MALFORMED);
    }
    // Hardware scanners end what they read with a newline; neither CR nor LF is Base45.
    let pass = pass.trim_end_matches(['\r', '\n']);
    let body = pass.strip_prefix(PREFIX).ok_or(MALFORMED)?;
    let bytes = base45::decode(body).map_err(|_| MALFORMED)?;
    // The decoder forgives a final pair above 255; we do not, so each pass has one spelling.
    if base45::encode(&bytes) != body {
        return Err(MALFORMED);
    }
    if bytes.first() == Some(&ZLIB_CMF) {
        miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(&bytes, MAX_INFLATED_BYTES)
            .map_err(|_| MALFORMED)
    } else {
        Ok(bytes)
    }
}

/// A structurally sound pass whose signature is not checked yet.
pub(super) struct Opened {
    pub kid: Kid,
    pub claims: PassClaims,
    pub signature: [u8; 64],
    /// The COSE Sig_structure the signature covers.
    pub signed_bytes: Vec<u8>,
}

/// Parses a pass: COSE_Sign1 (tagged 18 or untagged), protected header `{1: -8, 4: kid}`,
/// empty unprotected header, embedded payload of valid claims, 64-byte signature.
pub(super) fn open(pass: &str) -> Result<Opened, Reason> {
    open_bytes(&from_text(pass)?)
}

/// [`open`] for COSE bytes already out of their Base45 (and zlib) wrapping.
pub(super) fn open_bytes(bytes: &[u8]) -> Result<Opened, Reason> {
    let sign1 = if bytes.first() == Some(&TAG_COSE_SIGN1) {
        CoseSign1::from_tagged_slice(bytes)
    } else {
        CoseSign1::from_slice(bytes)
    }
    .map_err(|_| MALFORMED)?;

    let kid = <[u8; 8]>::try_from(sign1.protected.header.key_id.as_slice())
        .map(Kid::from_bytes)
        .map_err(|_| MALFORMED)?;
    if sign1.protected.header != protected_header(kid) || !sign1.unprotected.is_empty() {
        return Err(MALFORMED);
    }
    let claims = claims::decode(sign1.payload.as_deref().ok_or(MALFORMED)?)?;
    let signature = <[u8; 64]>::try_from(sign1.signature.as_slice()).map_err(|_| MALFORMED)?;
    Ok(Opened {
        kid,
        claims,
        signature,
        signed_bytes: sign1.tbs_data(&[]),
    })
}

/// Tagged COSE_Sign1 bytes of a signed payload.
pub(super) fn sign1(kid: Kid, payload: Vec<u8>, sign: impl FnOnce(&[u8]) -> [u8; 64]) -> Vec<u8> {
    coset::CoseSign1Builder::new()
        .protected(protected_header(kid))
        .payload(payload)
        .create_signature(&[], |tbs| sign(tbs).to_vec())
        .build()
        .to_tagged_vec()
        .expect("writing CBOR into a Vec cannot fail")
}
