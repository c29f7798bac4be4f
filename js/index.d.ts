export type Provider =
  | "alibaba-ims"
  | "alibaba-vod"
  | "alibaba-live"
  | "tencent-vod"
  | "mux"
  | "cloudflare-stream"
  | "volcengine-vod";

export type ErrorCode =
  | "missing_signature"
  | "missing_timestamp"
  | "malformed_signature"
  | "malformed_timestamp"
  | "signature_mismatch"
  | "timestamp_too_old"
  | "timestamp_in_future"
  | "expired"
  | "no_keys"
  | "invalid_key"
  | "body_too_large"
  | "malformed_json"
  | "invalid_event"
  | "unsupported_provider"
  | "method_not_allowed"
  | "invalid_url"
  | "invalid_config"
  | "not_found"
  | "origin_error"
  | "origin_timeout"
  | "queue_unavailable"
  | "storage_unavailable"
  | "in_flight"
  | "unauthorized";

export type HeadersLike = Headers | Record<string, string | string[] | undefined> | Iterable<[string, string]>;
export type Body = string | Uint8Array | ArrayBuffer;

import type { MediaEvent, UnknownMediaEvent } from "./events.js";
// Every event's type, generated from the Rust schemas (docs/events.md describes them).
export * from "./events.js";

/** What verify/parseEvent return: a known event, or an unknown type's JSON as sent. */
export type AnyMediaEvent = MediaEvent | UnknownMediaEvent;

export interface VerifyOptions {
  provider: Provider;
  /** The callback URL configured at the provider (for alibaba-live: the host; mux,
   * cloudflare-stream and tencent-vod sign no URL). */
  url?: string;
  /** The URL the request arrived at, when different (Tencent's query fallback reads it). */
  receivedUrl?: string;
  headers?: HeadersLike;
  body: Body;
  /** Newest first; any may match (rotation). For mux and cloudflare-stream: the signing secrets. */
  keys: string | string[];
  toleranceSeconds?: number;
  /** UNIX seconds; default: the current time. */
  now?: number;
  method?: string;
}

export interface SignOptions {
  provider: Provider;
  url?: string;
  key: string;
  body: Body;
  /** UNIX seconds: send time, or expiry time T (tencent-vod). */
  timestamp: number;
}

export interface SignedCallback {
  method: "GET" | "POST";
  headers: Record<string, string>;
  body: string;
}

export declare class VerifyError extends Error {
  readonly code: ErrorCode;
}

export declare const ERROR_CODES: readonly ErrorCode[];
/** Verify a callback, then parse it into its normalised event. Throws VerifyError. */
export declare function verify(options: VerifyOptions): AnyMediaEvent;
/** What verifySignature returns. */
export interface VerifiedSignature {
  /** 0-based position of the matching key in `keys` (newest first). */
  keyIndex: number;
  /** The signed time: send time, or expiry time T (tencent-vod), UNIX seconds. */
  timestamp: number;
}
/** Verify only the signature and time, without parsing the body. Throws VerifyError. */
export declare function verifySignature(options: VerifyOptions): VerifiedSignature;
/** Parse without verifying. Throws VerifyError (malformed_json, invalid_event...). */
export declare function parseEvent(provider: Provider, body: Body, url?: string): AnyMediaEvent;
/** Narrow to the typed union: then `provider` and `type` select the exact `data` type. */
export declare function isKnownEvent(event: AnyMediaEvent): event is MediaEvent;
/** The event types mediahook knows, per provider. */
export declare const KNOWN_EVENT_TYPES: Readonly<Record<Provider, readonly string[]>>;
export declare function sign(options: SignOptions): SignedCallback;
