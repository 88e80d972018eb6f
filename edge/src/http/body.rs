//! Request bodies: JSON only, size-limited, parsed into wire types.

use super::ApiError;
use serde::de::DeserializeOwned;
use shared::wire::v1::MAX_BODY_BYTES;
use shared::ErrorCode;

/// Parses a request body already read into memory. Checks, in order: the media type is JSON,
/// the size is within [`MAX_BODY_BYTES`], and the JSON matches `T`. Nothing is changed on error.
pub fn parse_json_body<T: DeserializeOwned>(
    content_type: Option<&str>,
    bytes: &[u8],
) -> Result<T, ApiError> {
    let is_json = content_type
        .and_then(|ct| ct.split(';').next())
        .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("application/json"));
    if !is_json {
        return Err(ApiError::from(shared::Error::new(
            ErrorCode::UnsupportedMediaType,
            "send the body as application/json",
        )));
    }
    if bytes.len() > MAX_BODY_BYTES {
        return Err(ApiError::payload_too_large());
    }
    serde_json::from_slice(bytes).map_err(|e| {
        ApiError::from(shared::Error::new(
            ErrorCode::MalformedBody,
            format!("the body is not the expected JSON: {e}"),
        ))
    })
}

/// Reads a request's body, counting bytes as they stream in so that a body without (or lying
/// about) `Content-Length` cannot exceed the limit, then parses it.
pub async fn read_json_body<T: DeserializeOwned>(req: &mut worker::Request) -> Result<T, ApiError> {
    let (content_type, bytes) = read_body_bytes(req).await?;
    parse_json_body(content_type.as_deref(), &bytes)
}

/// A request's media type and raw body, size-limited the same way (for a signed body, whose
/// signature is checked over the exact bytes before it is parsed).
pub async fn read_body_bytes(
    req: &mut worker::Request,
) -> Result<(Option<String>, Vec<u8>), ApiError> {
    use futures_util::StreamExt;
    let content_type = req.headers().get("content-type")?;
    let mut stream = req.stream()?;
    let mut bytes = Vec::new();
    while let Some(chunk) = stream.next().await {
        bytes.extend_from_slice(&chunk?);
        if bytes.len() > MAX_BODY_BYTES {
            return Err(ApiError::payload_too_large());
        }
    }
    Ok((content_type, bytes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Probe {
        plate: String,
    }

    #[test]
    fn json_bodies_parse() {
        let p: Probe = parse_json_body(
            Some("application/json; charset=utf-8"),
            br#"{"plate":"29C-123.45"}"#,
        )
        .unwrap();
        assert_eq!(p.plate, "29C-123.45");
    }

    #[test]
    fn other_media_types_are_refused() {
        for ct in [None, Some("text/plain"), Some("application/jsonx")] {
            let e = parse_json_body::<Probe>(ct, b"{}").unwrap_err();
            assert_eq!(
                (e.status(), e.code()),
                (415, ErrorCode::UnsupportedMediaType)
            );
        }
    }

    #[test]
    fn malformed_json_is_a_clear_error() {
        for body in [&b"{"[..], b"[]", b"{\"plate\":1}", b"", b"\xff\xfe"] {
            let e = parse_json_body::<Probe>(Some("application/json"), body).unwrap_err();
            assert_eq!((e.status(), e.code()), (400, ErrorCode::MalformedBody));
        }
    }

    #[test]
    fn oversized_bodies_are_refused_before_parsing() {
        let big = vec![b' '; MAX_BODY_BYTES + 1];
        let e = parse_json_body::<Probe>(Some("application/json"), &big).unwrap_err();
        assert_eq!((e.status(), e.code()), (413, ErrorCode::PayloadTooLarge));
    }
}
