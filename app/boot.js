// Starts the WebAssembly app. A separate file because the Content-Security-Policy forbids
// inline scripts.
import init from "/pkg/app.js";

init({ module_or_path: "/pkg/app_bg.wasm" });
