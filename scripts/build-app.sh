#!/usr/bin/env bash
# Builds the PWA into dist/: cargo (size profile) → wasm-bindgen → wasm-opt → static files,
# then stamps the service worker with the build's version and precache list.
# The officer's verifier (app/verifier) is built the same way into dist/verifier/: a separate
# module that only the officer's verify screen loads, kept out of the shell's precache.
source "$(dirname "$0")/env.sh"

# `erase_components`: Leptos type-erases every component's view (each returns `AnyView`), so the
# view code is not monomorphised once per nesting of components: the app's wasm is 17 % smaller
# (brotli 697 → 578 KB, docs/performance.md). Both modules get the same flags so that the
# dependencies they share are built once.
export RUSTFLAGS="--cfg erase_components"
log "building the app (wasm32, profile app-release)"
cargo build -p borderpass-app --bin borderpass-app --target wasm32-unknown-unknown \
  --profile app-release
log "building the verifier (wasm32, profile app-release)"
cargo build -p borderpass-verifier --lib --target wasm32-unknown-unknown --profile app-release
wasm="$CARGO_TARGET_DIR/wasm32-unknown-unknown/app-release/borderpass-app.wasm"
verifier_wasm="$CARGO_TARGET_DIR/wasm32-unknown-unknown/app-release/borderpass_verifier.wasm"

stage="$(mktemp -d "$ROOT/.dist.XXXXXX")"
trap 'rm -rf "$stage"' EXIT
chmod 755 "$stage"
mkdir -p "$stage/pkg"
wasm-bindgen --target web --no-typescript --remove-name-section \
  --out-dir "$stage/pkg" --out-name app "$wasm"
log "optimising the wasm for size (npm binaryen's wasm-opt)"
wasm-opt -Oz "${WASM_OPT_FEATURES[@]}" "$stage/pkg/app_bg.wasm" -o "$stage/pkg/app_bg.wasm"
esbuild "$stage/pkg/app.js" --minify --format=esm --log-level=warning --outfile="$stage/pkg/app.min.js"
mv "$stage/pkg/app.min.js" "$stage/pkg/app.js"

mkdir -p "$stage/verifier"
wasm-bindgen --target web --no-typescript --remove-name-section \
  --out-dir "$stage/verifier" --out-name verifier "$verifier_wasm"
log "optimising the verifier wasm for size"
wasm-opt -Oz "${WASM_OPT_FEATURES[@]}" "$stage/verifier/verifier_bg.wasm" \
  -o "$stage/verifier/verifier_bg.wasm"
esbuild "$stage/verifier/verifier.js" --minify --format=esm --log-level=warning \
  --outfile="$stage/verifier/verifier.min.js"
mv "$stage/verifier/verifier.min.js" "$stage/verifier/verifier.js"

cp "$ROOT/app/index.html" "$ROOT/app/boot.js" "$ROOT/app/style.css" "$stage/"
cp -R "$ROOT/public/." "$stage/"

# The shell: every file but the service worker itself and the verifier, with "/" standing for
# index.html (the assets server answers "/index.html" with a redirect to "/"). The verifier's
# files are listed apart: the worker caches them only on phones that load them (officers').
shell_files="$(cd "$stage" && find . -type f ! -name sw.js ! -name index.html ! -path './verifier/*' | sed 's|^\.||' | sort)"
verifier_files="$(cd "$stage" && find ./verifier -type f | sed 's|^\.||' | sort)"
version="$(cd "$stage" && find . -type f ! -name sw.js -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)"
to_json='let s="";process.stdin.on("data",d=>s+=d).on("end",()=>process.stdout.write(JSON.stringify(s.trim().split("\n"))))'
shell_json="$(printf '%s\n' "/" $shell_files | node -e "$to_json")"
verifier_json="$(printf '%s\n' $verifier_files | node -e "$to_json")"
node -e '
  const fs = require("fs");
  const [file, version, shell, verifier] = process.argv.slice(1);
  const src = fs.readFileSync(file, "utf8");
  fs.writeFileSync(file, src.replace("__VERSION__", version).replace("__SHELL__", shell)
    .replace("__VERIFIER__", verifier));
' "$stage/sw.js" "$version" "$shell_json" "$verifier_json"
echo "$version" > "$stage/version.txt"

rm -rf "$ROOT/dist.old"
[ -d "$ROOT/dist" ] && mv "$ROOT/dist" "$ROOT/dist.old"
mv "$stage" "$ROOT/dist"
rm -rf "$ROOT/dist.old"
trap - EXIT
log "app built: dist/ (version $version)"
