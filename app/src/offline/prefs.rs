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
