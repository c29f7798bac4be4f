// Assemble pkg/ (the npm package) around the wasm-bindgen outputs already in pkg/wasm-*.
import { build } from "esbuild";
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const js = (f) => join(root, "js", f);
const pkgDir = process.env.MEDIAHOOK_PKG_DIR || join(root, "pkg");
const pkg = (f) => join(pkgDir, f);

copyFileSync(js("api.mjs"), pkg("api.mjs"));
copyFileSync(js("explain.mjs"), pkg("explain.mjs"));
copyFileSync(js("cli.mjs"), pkg("cli.mjs"));
copyFileSync(js("samples.json"), pkg("samples.json"));
await build({
  entryPoints: [js("api.mjs")],
  outfile: pkg("api.cjs"),
  format: "cjs",
  platform: "neutral",
  logLevel: "error",
});
copyFileSync(js("entry-node.cjs"), pkg("node.cjs"));
copyFileSync(js("entry-node.mjs"), pkg("node.mjs"));
copyFileSync(js("entry-web.mjs"), pkg("web.mjs"));
copyFileSync(js("entry-workerd.mjs"), pkg("workerd.mjs"));
copyFileSync(js("index.d.ts"), pkg("index.d.ts"));
copyFileSync(js("events.d.ts"), pkg("events.d.ts"));
// CommonJS declarations for `require("mediahook")` under TypeScript's node16/nodenext
// resolution (a .d.ts in a "type": "module" package would be read as ESM there).
copyFileSync(js("events.d.ts"), pkg("events.d.cts"));
writeFileSync(pkg("index.d.cts"), readFileSync(js("index.d.ts"), "utf8").replaceAll('"./events.js"', '"./events.cjs"'));
const manifest = JSON.parse(readFileSync(js("package.json"), "utf8"));
manifest.version = /^version = "(.*)"$/m.exec(readFileSync(join(root, "Cargo.toml"), "utf8"))[1];
writeFileSync(pkg("package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
copyFileSync(js("README.md"), pkg("README.md"));
for (const licence of ["LICENSE-APACHE", "LICENSE-MIT"]) copyFileSync(join(root, licence), pkg(licence));
// wasm-bindgen's nodejs output is CommonJS inside a "type": "module" package.
writeFileSync(pkg("wasm-nodejs/package.json"), '{ "type": "commonjs" }\n');
