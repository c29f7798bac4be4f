// Any runtime or bundler, with no separate .wasm file to serve or copy: the module is inlined
// (base64) and compiled synchronously at import. For bundlers that do not handle
// `new URL("./x.wasm", import.meta.url)` (esbuild), and for single-file bundles of Node apps.
import * as wasm from "./wasm-web/mediahook.js";
import { createApi } from "./api.mjs";
import { WASM_BASE64 } from "./wasm-inline.mjs";
export { VerifyError } from "./api.mjs";
const bytes =
  typeof Buffer === "function"
    ? Buffer.from(WASM_BASE64, "base64")
    : Uint8Array.from(atob(WASM_BASE64), (c) => c.charCodeAt(0));
wasm.initSync({ module: bytes });
const api = createApi(wasm);
export const { verify, verifySignature, parseEvent, sign, isKnownEvent, ERROR_CODES, KNOWN_EVENT_TYPES } = api;
