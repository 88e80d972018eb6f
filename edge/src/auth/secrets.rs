//! Randomness and hashing through the runtime's WebCrypto (`crypto` and `crypto.subtle`).

use super::password_hash::{PasswordHash, HASH_BYTES, ITERATIONS, SALT_BYTES};
use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Crypto, CryptoKey, SubtleCrypto};

fn crypto() -> worker::Result<Crypto> {
    Ok(Reflect::get(&js_sys::global(), &JsValue::from_str("crypto"))?.dyn_into::<Crypto>()?)
}

fn subtle() -> worker::Result<SubtleCrypto> {
    Ok(crypto()?.subtle())
}

pub fn random_bytes<const N: usize>() -> worker::Result<[u8; N]> {
    let mut bytes = [0u8; N];
    crypto()?.get_random_values_with_u8_array(&mut bytes)?;
    Ok(bytes)
}

pub async fn sha256(data: &[u8]) -> worker::Result<Vec<u8>> {
    let digest = JsFuture::from(subtle()?.digest_with_str_and_u8_array("SHA-256", data)?).await?;
    Ok(Uint8Array::new(&digest).to_vec())
}

/// HMAC-SHA256 of `data` under `key`.
pub async fn hmac_sha256(key: &[u8], data: &[u8]) -> worker::Result<Vec<u8>> {
    let subtle = subtle()?;
    let algorithm = Object::new();
    Reflect::set(&algorithm, &"name".into(), &"HMAC".into())?;
    Reflect::set(&algorithm, &"hash".into(), &"SHA-256".into())?;
    let usages = Array::of1(&JsValue::from_str("sign"));
    let key: CryptoKey = JsFuture::from(subtle.import_key_with_object(
        "raw",
        &Uint8Array::from(key),
        &algorithm,
        false,
        &usages,
    )?)
    .await?
    .dyn_into()?;
    let mac = JsFuture::from(subtle.sign_with_str_and_u8_array("HMAC", &key, data)?).await?;
    Ok(Uint8Array::new(&mac).to_vec())
}

async fn pbkdf2(password: &str, salt: &[u8], iterations: u32) -> worker::Result<Vec<u8>> {
    let subtle = subtle()?;
    let usages = Array::of1(&JsValue::from_str("deriveBits"));
    let key: CryptoKey = JsFuture::from(subtle.import_key_with_str(
        "raw",
        &Uint8Array::from(password.as_bytes()),
        "PBKDF2",
        false,
        &usages,
    )?)
    .await?
    .dyn_into()?;
    let params = Object::new();
    Reflect::set(&params, &"name".into(), &"PBKDF2".into())?;
    Reflect::set(&params, &"hash".into(), &"SHA-256".into())?;
    Reflect::set(&params, &"salt".into(), &Uint8Array::from(salt))?;
    Reflect::set(&params, &"iterations".into(), &iterations.into())?;
    let bits =
        JsFuture::from(subtle.derive_bits_with_object(&params, &key, (HASH_BYTES * 8) as u32)?)
            .await?;
    Ok(Uint8Array::new(&bits).to_vec())
}

/// Hashes a new password with a fresh salt, in the stored form.
pub async fn hash_password(password: &str) -> worker::Result<String> {
    let salt = random_bytes::<SALT_BYTES>()?.to_vec();
    let hash = pbkdf2(password, &salt, ITERATIONS).await?;
    Ok(PasswordHash {
        iterations: ITERATIONS,
        salt,
        hash,
    }
    .to_stored())
}

/// Checks a password against a stored hash. A missing or unreadable hash still costs one full
/// derivation, so that unknown phone numbers take as long as wrong passwords.
pub async fn verify_password(password: &str, stored: Option<&str>) -> worker::Result<bool> {
    match stored.and_then(PasswordHash::parse) {
        Some(expected) => {
            let derived = pbkdf2(password, &expected.salt, expected.iterations).await?;
            Ok(expected.matches(&derived))
        }
        None => {
            pbkdf2(password, &[0; SALT_BYTES], ITERATIONS).await?;
            Ok(false)
        }
    }
}
