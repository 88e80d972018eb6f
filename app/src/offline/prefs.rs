//! Small preferences kept in local storage (read synchronously at start, before first paint).

use shared::Lang;

const LANG_KEY: &str = "borderpass.lang";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

pub fn saved_lang() -> Option<Lang> {
    storage()?.get_item(LANG_KEY).ok()??.parse().ok()
}

pub fn save_lang(lang: Lang) {
    if let Some(storage) = storage() {
        let _ = storage.set_item(LANG_KEY, lang.tag());
    }
}

/// Tells the browser (and screen readers) which language the page is in.
pub fn show_lang_on_page(lang: Lang) {
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("lang", lang.tag());
    }
}

const DEVICE_KEY: &str = "borderpass.device";

/// This phone's device id for signing in (a random 128-bit value, made once and kept in local
/// storage): an account that verified it with a code needs no code here again. `None` only if
/// the browser has no storage or no randomness (then every sign-in asks for a code).
pub fn device_id() -> Option<String> {
    let storage = storage()?;
    if let Some(id) = storage.get_item(DEVICE_KEY).ok().flatten() {
        if shared::otp::DeviceId::parse(&id).is_ok() {
            return Some(id);
        }
    }
    let mut bytes = [0u8; 16];
    web_sys::window()?
        .crypto()
        .ok()?
        .get_random_values_with_u8_array(&mut bytes)
        .ok()?;
    let id: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    storage.set_item(DEVICE_KEY, &id).ok()?;
    Some(id)
}
