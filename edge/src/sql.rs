//! Small helpers for binding values to D1 statements.

use wasm_bindgen::JsValue;

/// An optional text as a SQL value: `None` is `NULL` (D1 refuses JavaScript's `undefined`,
/// which is what `Option::into` gives).
pub fn nullable(value: Option<&str>) -> JsValue {
    value.map_or(JsValue::NULL, JsValue::from)
}
