// The code of a .wasm by crate: each function body's size from the code section, its crate
// from the name section (Rust's mangled paths, `_ZN<len><crate>...` or `_R...`), plus the
// data section. Reads the module cargo writes (names kept), before wasm-bindgen and wasm-opt,
// so the numbers are raw and before the final shrinking: compare shares, not totals.
// `node tools/wasm-sizes.mjs file.wasm` prints JSON; bench/run.mjs tabulates it.
import { readFileSync } from "node:fs";

export function sizesByCrate(file) {
  const buf = readFileSync(file);
  let p = 8;
  const leb = () => {
    let r = 0,
      s = 0,
      b;
    do {
      b = buf[p++];
      r += (b & 0x7f) * 2 ** s;
      s += 7;
    } while (b & 0x80);
    return r;
  };
  const name = () => {
    const n = leb();
    const s = buf.subarray(p, p + n).toString();
    p += n;
    return s;
  };
  let imports = 0;
  const bodies = [];
  const names = new Map();
  let data = 0;
  while (p < buf.length) {
    const id = buf[p++];
    const size = leb();
    const end = p + size;
    if (id === 2) {
      for (let n = leb(); n > 0; n--) {
        name();
        name();
        const kind = buf[p++];
        if (kind === 0) {
          leb();
          imports++;
        } else if (kind === 1) {
          p++;
          leb() && leb();
        } else if (kind === 2) {
          const flags = leb();
          leb();
          if (flags & 1) leb();
        } else {
          p += 2;
        }
      }
    } else if (id === 10) {
      for (let n = leb(); n > 0; n--) {
        const len = leb();
        bodies.push(len);
        p += len;
      }
    } else if (id === 11) {
      data = size;
    } else if (id === 0 && name() === "name") {
      while (p < end) {
        const sub = buf[p++];
        const length = leb();
        const subEnd = p + length;
        if (sub === 1)
          for (let n = leb(); n > 0; n--) {
            const index = leb();
            names.set(index, name());
          }
        p = subEnd;
      }
    }
    p = end;
  }
  const crates = new Map();
  bodies.forEach((size, i) => {
    const crate = crateOf(names.get(imports + i) ?? "");
    crates.set(crate, (crates.get(crate) ?? 0) + size);
  });
  const code = bodies.reduce((a, b) => a + b, 0);
  return {
    code,
    data,
    crates: [...crates].sort((a, b) => b[1] - a[1]).map(([crate, bytes]) => ({ crate, bytes })),
  };
}

/** The crate of a (mangled) Rust symbol; generic instances are named by their first path. */
function crateOf(symbol) {
  let m = /^_ZN(\d+)/.exec(symbol);
  if (m) {
    const len = Number(m[1]);
    const first = symbol.slice(m[0].length, m[0].length + len);
    // `<T as Trait>` instances: the crate of the type, written `_$LT$crate..Type...`.
    const inner = /^_\$LT\$(?:\$RF\$)?(?:mut\$u20\$)?(?:\$u5b\$)?([a-z_0-9]+)/.exec(first);
    return inner ? inner[1] : first;
  }
  // v0 mangling: the first crate root, `C` [`s` disambiguator `_`] length name.
  m = /^_R.*?C(?:s[0-9A-Za-z]*_)?(\d+)([A-Za-z_][A-Za-z_0-9]*)/.exec(symbol);
  if (m) return m[2].slice(0, Number(m[1]));
  if (/^(__wbg|__wbindgen|wasm_bindgen)/.test(symbol)) return "wasm_bindgen";
  if (/^(mem|str|__rust|rust_|dlmalloc|__rdl|__rg)/.test(symbol)) return "std/alloc";
  if (process.env.WASM_SIZES_DEBUG && symbol) console.error(symbol);
  return symbol ? "(other)" : "(unnamed)";
}

if (import.meta.url === `file://${process.argv[1]}`)
  console.log(JSON.stringify(sizesByCrate(process.argv[2]), null, 1));
