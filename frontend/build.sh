#!/usr/bin/env bash
# Builds the browser app into frontend/dist: cargo (wasm32) -> wasm-bindgen -> wasm-opt (npm
# binaryen, when installed) -> content-hashed file names -> gzip/brotli copies beside each.
# No inline script anywhere: the Content-Security-Policy forbids it.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
target_dir=${CARGO_TARGET_DIR:-$root/target}
out=$root/frontend/dist
staging=$target_dir/frontend-staging

# Leptos' `erase_components` cfg type-erases components and reactive closures (`{move || ...}`
# becomes one boxed type): the same app in about a fifth less wasm, because each view no longer
# adds its own copy of the rendering code. `--emit-relocs` keeps the linker's relocations, which
# the splitter reads to know what each function uses. Both are for every crate, so they travel in
# RUSTFLAGS; cargo keeps these artifacts apart from plain builds (clippy, tests). The source paths
# that panic messages carry are shortened (`/root/.cargo/registry/src/index.crates.io-.../` and
# `/rustc/<commit>/` go): they are the same in every clone, so builds are still shared.
flags="--cfg erase_components -Clink-args=--emit-relocs"
for registry in "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/; do flags+=" --remap-path-prefix=${registry%/}="; done
flags+=" --remap-path-prefix=/rustc/$(rustc -vV | sed -n 's/^commit-hash: //p')="
# Size, measured on this app (gzipped, all files): the standard library rebuilt for size
# (`build-std` with `optimize_for_size`; needs the rust-src component) and without panic
# locations or `Debug` text (`location-detail=none`, `fmt-debug=none`: the app never shows
# `{:?}`) 511.7 -> 487.0 KB; a panic that stops at once instead of formatting a message
# (`panic=immediate-abort`; the console shows "unreachable" and the stack) -> 475.9 KB. These are
# unstable options of the pinned stable compiler, enabled for this build alone by RUSTC_BOOTSTRAP
# rather than by following a moving nightly; the server and the tests never see them.
flags+=" -Zlocation-detail=none -Zfmt-debug=none -Zunstable-options -Cpanic=immediate-abort"
RUSTC_BOOTSTRAP=1 RUSTFLAGS="${RUSTFLAGS:+$RUSTFLAGS }$flags" \
  cargo build --quiet -p portico-frontend --target wasm32-unknown-unknown --profile wasm-release \
  -Zbuild-std=std,panic_abort -Zbuild-std-features=optimize_for_size
rm -rf "$staging" && mkdir -p "$staging/split" "$staging/app"

# The split: every `#[wasm_split]` function (the account, a project, administration) and what
# only it needs goes into `split_<name>.wasm`, code that several of them share into
# `chunk_<n>.wasm`, the rest into `main.wasm`; `__wasm_split.js` fetches a split when it is
# first called. Only the main module goes through wasm-bindgen (the splits call into it), with
# the linker's exports kept and names as they are, which the splits import by.
wasm-split-cli "$target_dir/wasm32-unknown-unknown/wasm-release/portico-frontend.wasm" "$staging/split"
wasm-bindgen --target web --no-typescript --keep-lld-exports --no-demangle --out-dir "$staging/app" \
  --out-name main "$staging/split/main.wasm"
mv "$staging/app/main_bg.wasm" "$staging/app/main.wasm"
sed -i 's/main_bg\.wasm/main.wasm/g' "$staging/app/main.js"
cp "$staging/split/__wasm_split.js" "$staging/split"/split_*.wasm "$staging/app/"
cp "$staging/split"/chunk_*.wasm "$staging/app/" 2>/dev/null || true

wasm_opt=$root/frontend/node_modules/.bin/wasm-opt
if [ -x "$wasm_opt" ]; then
  # -O2, not -Oz: measured on this app, -Oz makes smaller raw wasm but -O2's compresses better
  # (2.5 KB less gzipped in all, 509.5 against 512.0 KB), and gzip/brotli is what is sent.
  for wasm in "$staging/app"/*.wasm; do
    "$wasm_opt" -O2 --strip-debug --strip-producers --enable-bulk-memory --enable-nontrapping-float-to-int \
      --enable-sign-ext --enable-mutable-globals --enable-reference-types "$wasm" -o "$wasm.opt"
    mv "$wasm.opt" "$wasm"
  done
else
  echo "build.sh: wasm-opt not installed (just tools installs it); shipping unoptimised wasm" >&2
fi

short_hash() { sha256sum "$1" | cut -c1-16; }
rm -rf "$out" && mkdir -p "$out/assets"
# The app's files refer to each other by name (main.js imports `./__wasm_split.js`, which fetches
# `./split_<name>.wasm`), so they keep their names in a folder named by the hash of them all.
app_hash=$(cd "$staging/app" && sha256sum * | sha256sum | cut -c1-16)
app_dir="app-$app_hash"
cp -r "$staging/app" "$out/assets/$app_dir"
css_name="style-$(short_hash frontend/style.css).css"
cp frontend/style.css "$out/assets/$css_name"
icon_name="favicon-$(short_hash frontend/favicon.svg).svg"
cp frontend/favicon.svg "$out/assets/$icon_name"
printf 'import init from "./%s/main.js";\ninit({ module_or_path: "/assets/%s/main.wasm" });\n' "$app_dir" "$app_dir" \
  > "$staging/boot.js"
boot_name="boot-$(short_hash "$staging/boot.js").js"
cp "$staging/boot.js" "$out/assets/$boot_name"
js_name="$app_dir/main.js"

cat > "$out/index.html" <<HTML
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Portico</title>
<link rel="icon" href="/assets/$icon_name" type="image/svg+xml">
<link rel="stylesheet" href="/assets/$css_name">
<link rel="modulepreload" href="/assets/$js_name">
<script type="module" src="/assets/$boot_name"></script>
</head>
<body>
<noscript>Portico needs JavaScript and WebAssembly enabled.</noscript>
</body>
</html>
HTML

for file in "$out"/index.html "$out"/assets/* "$out/assets/$app_dir"/*; do
  [ -f "$file" ] || continue
  gzip -9 -k -n -f "$file"
  if command -v brotli >/dev/null; then brotli -q 11 -k -f "$file"; fi
done

# The size budgets (BENCHMARKS.md), gzipped, JS included: the core (what the sign-in page, the
# emailed-link pages and the status page load) under 200 KiB, each split or shared chunk under
# 120 KiB, the whole app under 450 KiB. (Each split is compressed on its own, so moving code out
# of the core costs the whole a little.)
size() { if [ -f "$1" ]; then du -b "$1" | cut -f1; else echo 0; fi; }
over=() total_gz=0
printf 'build.sh: %-22s %9s %9s %9s\n' file raw gzip brotli
for file in "$out/assets/$app_dir"/*.wasm "$out/assets/$app_dir"/*.js; do
  name=$(basename "$file") raw=$(size "$file") gz=$(size "$file.gz") br=$(size "$file.br")
  printf 'build.sh: %-22s %9d %9d %9d\n' "$name" "$raw" "$gz" "$br"
  total_gz=$((total_gz + gz))
  case $name in
    main.wasm) [ "$gz" -lt $((200 * 1024)) ] || over+=("the core $name is $gz bytes gzipped, over 200 KiB") ;;
    *.wasm) [ "$gz" -lt $((120 * 1024)) ] || over+=("the chunk $name is $gz bytes gzipped, over 120 KiB") ;;
  esac
done
[ "$total_gz" -lt $((450 * 1024)) ] || over+=("the whole app is $total_gz bytes gzipped, over 450 KiB")
echo "build.sh: $total_gz bytes gzipped in all -> $out"
if [ -x "$wasm_opt" ] && [ "${#over[@]}" -gt 0 ]; then
  printf 'build.sh: over budget: %s\n' "${over[@]}" >&2
  exit 1
fi
