// Browsers, Deno and bundlers: the .wasm is fetched once at import (top-level await), after
// which every call is synchronous.
import init, * as wasm from "./wasm-web/mediahook.js";
import { createApi } from "./api.mjs";
export { VerifyError } from "./api.mjs";
await init({ module_or_path: new URL("./wasm-web/mediahook_bg.wasm", import.meta.url) });
const api = createApi(wasm);
export const { verify, verifySignature, parseEvent, sign, isKnownEvent, ERROR_CODES, KNOWN_EVENT_TYPES } = api;
