// Cloudflare Workers / workerd: the runtime imports .wasm as a compiled module.
import * as wasm from "./wasm-web/mediahook.js";
import module from "./wasm-web/mediahook_bg.wasm";
import { createApi } from "./api.mjs";
export { VerifyError } from "./api.mjs";
wasm.initSync({ module });
const api = createApi(wasm);
export const { verify, verifySignature, parseEvent, sign, isKnownEvent, ERROR_CODES, KNOWN_EVENT_TYPES } = api;
