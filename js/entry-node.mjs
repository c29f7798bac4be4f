// Node, ESM.
import wasm from "./wasm-nodejs/mediahook.js";
import { createApi } from "./api.mjs";
export { VerifyError } from "./api.mjs";
const api = createApi(wasm);
export const { verify, verifySignature, parseEvent, sign, isKnownEvent, ERROR_CODES, KNOWN_EVENT_TYPES } = api;
