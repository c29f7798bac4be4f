#!/usr/bin/env node
// Reduces Mux's webhook event types to data/mux-webhook-schema.json, the machine-readable
// description `cargo run --example event_docs` generates src/events/mux_spec.rs from.
//
// The source is `resources/webhooks/webhooks.d.ts` of the npm package @mux/mux-node (Apache-2.0),
// which Stainless generates from Mux's OpenAPI spec. Run it by hand when Mux adds events:
//
//   npm pack @mux/mux-node@<version> && tar xzf mux-mux-node-<version>.tgz
//   npm install --prefix /tmp/ts typescript@5
//   node scripts/mux-webhook-schema.mjs package/resources/webhooks/webhooks.d.ts \
//     /tmp/ts/node_modules/typescript <version> > data/mux-webhook-schema.json
//
// Every interface becomes an object (a list of fields: name, type, member); structurally equal
// objects are written once; each event type names the object of its `data`.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const [dts, tsPath, version] = process.argv.slice(2);
if (!dts || !tsPath || !version) {
  console.error("usage: mux-webhook-schema.mjs <webhooks.d.ts> <path to the typescript package> <version>");
  process.exit(2);
}
const ts = createRequire(import.meta.url)(tsPath);
const source = ts.createSourceFile(dts, readFileSync(dts, "utf8"), ts.ScriptTarget.Latest, true);

/** Every interface by its qualified name, with the namespace path it was declared in. */
const interfaces = new Map();
/** Event type -> the qualified name of its data interface. */
const events = new Map();

function collect(node, path) {
  if (ts.isModuleDeclaration(node) && node.body && ts.isModuleBlock(node.body)) {
    for (const s of node.body.statements) collect(s, [...path, node.name.text]);
    return;
  }
  if (ts.isInterfaceDeclaration(node)) {
    interfaces.set([...path, node.name.text].join("."), { node, path });
    return;
  }
  if (node === source) for (const s of source.statements) collect(s, path);
}
collect(source, []);

// An event is an interface with a literal `type` member; its `data` names the payload.
for (const [name, { node, path }] of interfaces) {
  const member = (key) => node.members.find((m) => m.name?.getText() === key);
  const type = member("type");
  const data = member("data");
  if (!type?.type || !ts.isLiteralTypeNode(type.type) || !data?.type) continue;
  const ref = data.type.getText();
  const resolved = resolve(ref, [...path, name]);
  if (!resolved) throw new Error(`${name}: cannot resolve ${ref}`);
  events.set(type.type.literal.text, resolved);
}

/** A reference as written inside namespace `scope`, to a qualified interface name. */
function resolve(ref, scope) {
  for (let k = scope.length; k >= 0; k--) {
    const name = [...scope.slice(0, k), ref].join(".");
    if (interfaces.has(name)) return name;
  }
  return undefined;
}

/** A TypeScript type as `{type, member}`: string, integer, float, bool, any, object, list. */
function kind(t, scope) {
  if (!t) return { type: "any", member: "any" };
  if (ts.isParenthesizedTypeNode(t)) return kind(t.type, scope);
  if (ts.isUnionTypeNode(t)) {
    const parts = t.types.filter((p) => !(ts.isLiteralTypeNode(p) && p.literal.kind === ts.SyntaxKind.NullKeyword));
    const kinds = parts.map((p) => kind(p, scope));
    const same = kinds.every((k) => k.type === kinds[0].type && k.member === kinds[0].member);
    return same && kinds.length ? kinds[0] : { type: "any", member: "any" };
  }
  if (ts.isLiteralTypeNode(t)) {
    if (ts.isStringLiteral(t.literal)) return { type: "string", member: "string" };
    if (ts.isNumericLiteral(t.literal)) return { type: "float", member: "float" };
    return { type: "bool", member: "bool" };
  }
  if (ts.isArrayTypeNode(t)) return list(kind(t.elementType, scope));
  if (ts.isTypeReferenceNode(t)) {
    const name = t.typeName.getText();
    if (name === "Array" && t.typeArguments?.length === 1) return list(kind(t.typeArguments[0], scope));
    const resolved = resolve(name, scope);
    return resolved ? { type: "object", member: resolved } : { type: "any", member: "any" };
  }
  switch (t.kind) {
    case ts.SyntaxKind.StringKeyword:
      return { type: "string", member: "string" };
    case ts.SyntaxKind.NumberKeyword:
      return { type: "float", member: "float" };
    case ts.SyntaxKind.BooleanKeyword:
      return { type: "bool", member: "bool" };
    default:
      return { type: "any", member: "any" };
  }
}

function list(element) {
  return element.type === "list" || element.type === "any"
    ? { type: "list", member: "any" }
    : { type: "list", member: element.member };
}

/** A node's JSDoc as one line: at most a few sentences, `(deprecated)` first when it is. */
function docOf(node) {
  const jsDoc = node.jsDoc?.[0];
  if (!jsDoc) return "";
  const deprecated = (jsDoc.tags ?? []).some((t) => t.tagName.text === "deprecated");
  const tagText = (jsDoc.tags ?? []).map((t) => ts.getTextOfJSDocComment(t.comment) ?? "").join(" ");
  let text = `${ts.getTextOfJSDocComment(jsDoc.comment) ?? ""} ${deprecated ? tagText : ""}`
    .replace(/\s+/g, " ")
    .trim();
  if (text.length > 240) {
    const cut = text.lastIndexOf(". ", 240);
    text = cut > 40 ? text.slice(0, cut + 1) : `${text.slice(0, 237)}...`;
  }
  return deprecated ? `(deprecated) ${text}`.trim() : text;
}

/** The fields of an interface (index signatures and methods are not fields). */
function fields(qualified) {
  const { node, path } = interfaces.get(qualified);
  const scope = [...path, node.name.text];
  return node.members
    .filter((m) => ts.isPropertySignature(m))
    .map((m) => ({ name: m.name.getText().replace(/^['"]|['"]$/g, ""), ...kind(m.type, scope), doc: docOf(m) }));
}

// The objects reachable from the events, each named once: `Mux` + its qualified name less
// `Webhook`; an event's inline `Data` takes the name its event types share, and what is nested
// in an object takes the object's name and its own.
const reachable = new Map();
function visit(qualified) {
  if (reachable.has(qualified)) return;
  const fs = fields(qualified);
  reachable.set(qualified, fs);
  for (const f of fs) if (f.type === "object" || (f.type === "list" && interfaces.has(f.member))) visit(f.member);
}
for (const data of events.values()) visit(data);

const sharedPrefix = (types) => {
  const split = types.map((t) => t.split("."));
  const out = [];
  for (let i = 0; split.every((s) => i < s.length - 1 && s[i] === split[0][i]); i++) out.push(split[0][i]);
  return out;
};
const camel = (segments) =>
  segments
    .flatMap((s) => s.split(/[._]/))
    .map((s) => s.charAt(0).toUpperCase() + s.slice(1))
    .join("");
const baseName = new Map();
for (const qualified of reachable.keys()) {
  const users = [...events].filter(([, d]) => d === qualified).map(([t]) => t);
  const segments = qualified.split(".").map((s) => s.replace(/WebhookEvent$/, "").replace(/^Webhook/, ""));
  const parent = qualified.slice(0, qualified.lastIndexOf("."));
  const own = users.length && qualified.endsWith(".Data") ? camel(sharedPrefix(users)) : undefined;
  const nested = baseName.has(parent) ? baseName.get(parent) + segments.at(-1) : undefined;
  baseName.set(qualified, own ?? nested ?? segments.join(""));
}

// Structural identity, innermost first: equal shapes share the first name given.
const shapeOf = new Map();
const nameOfShape = new Map();
function shape(qualified) {
  if (shapeOf.has(qualified)) return shapeOf.get(qualified);
  shapeOf.set(qualified, `cycle:${qualified}`);
  const s = JSON.stringify(
    reachable.get(qualified).map((f) => [f.name, f.type, reachable.has(f.member) ? shape(f.member) : f.member]),
  );
  shapeOf.set(qualified, s);
  return s;
}
const used = new Set();
const finalName = new Map();
for (const qualified of reachable.keys()) {
  const s = shape(qualified);
  if (!nameOfShape.has(s)) {
    let name = `Mux${baseName.get(qualified).replace(/[^A-Za-z0-9]/g, "")}`;
    while (used.has(name)) name += "_";
    used.add(name);
    nameOfShape.set(s, name);
  }
  finalName.set(qualified, nameOfShape.get(s));
}

const objects = {};
const docs = {};
for (const [qualified, fs] of reachable) {
  const name = finalName.get(qualified);
  if (objects[name]) continue;
  objects[name] = fs.map((f) => ({ ...f, member: finalName.get(f.member) ?? f.member }));
  const { node } = interfaces.get(qualified);
  docs[name] = docOf(node);
}
const sorted = Object.fromEntries(Object.entries(objects).sort(([a], [b]) => (a < b ? -1 : 1)));
const out = {
  about: {
    source: `@mux/mux-node ${version} (npm), resources/webhooks/webhooks.d.ts: Mux's webhook event types, generated by Stainless from Mux's OpenAPI spec; Apache-2.0 (Mux, Inc.). Reduced by scripts/mux-webhook-schema.mjs: documentation cut to a line, structurally equal types written once`,
    fields:
      "events: event type -> the object of its data member; objects: name -> fields (name = JSON key; type = string|float|bool|object|list|any; member = the element or object type, or the scalar type; doc = its documentation, one line); docs: object -> its documentation",
  },
  events: Object.fromEntries([...events].map(([t, d]) => [t, finalName.get(d)])),
  objects: sorted,
  docs: Object.fromEntries(Object.entries(docs).sort(([a], [b]) => (a < b ? -1 : 1))),
};
process.stdout.write(`${JSON.stringify(out, null, 1)}\n`);
