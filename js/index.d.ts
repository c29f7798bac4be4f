export type Provider = "alibaba-ims" | "alibaba-vod" | "alibaba-live" | "tencent-vod";

export type ErrorCode =
  | "missing_signature" | "missing_timestamp" | "malformed_signature" | "malformed_timestamp"
  | "signature_mismatch" | "timestamp_too_old" | "timestamp_in_future" | "expired" | "no_keys"
  | "invalid_key" | "body_too_large" | "malformed_json" | "invalid_event" | "unsupported_provider"
  | "method_not_allowed" | "invalid_url" | "invalid_config" | "not_found" | "origin_error"
  | "origin_timeout";

export type HeadersLike = Headers | Record<string, string | string[] | undefined> | Iterable<[string, string]>;
export type Body = string | Uint8Array | ArrayBuffer;

/** The normalised event. */
export interface MediaEvent {
  /** Stable per callback: a provider's retries carry the same id. */
  id: string;
  provider: Provider;
  type: string;
  time: string | null;
  data: Record<string, unknown>;
}

export interface VerifyOptions {
  provider: Provider;
  /** The callback URL configured at the provider (for alibaba-live: the host). */
  url?: string;
  /** The URL the request arrived at, when different (Tencent's query fallback reads it). */
  receivedUrl?: string;
  headers?: HeadersLike;
  body: Body;
  /** Newest first; any may match (rotation). */
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
  /** UNIX seconds: send time (Alibaba) or expiry time T (tencent-vod). */
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
export declare function verify(options: VerifyOptions): MediaEvent;
export declare function parseEvent(provider: Provider, body: Body, url?: string): MediaEvent;
export declare function sign(options: SignOptions): SignedCallback;
