// A raw HTTP/1.1 client over a socket, for requests fetch and node:http refuse to send:
// repeated headers kept apart, control and non-ASCII bytes, odd methods and paths.
import { connect } from "node:net";

/**
 * Send one request and read the whole answer (the connection is closed after it).
 * headers: [[name, value]...] written as given (values may be Buffers). Returns
 * { status, headers: {lower-case name: value}, body: Buffer }.
 */
export function rawRequest(
  baseUrl,
  { method = "POST", path = "/", headers = [], body = Buffer.alloc(0), contentLength = true },
) {
  const { hostname, port } = new URL(baseUrl);
  const head = [
    Buffer.from(`${method} `, "latin1"),
    Buffer.isBuffer(path) ? path : Buffer.from(path, "latin1"),
    Buffer.from(` HTTP/1.1\r\nHost: ${hostname}:${port}\r\nConnection: close\r\n`, "latin1"),
  ];
  for (const [name, value] of headers) {
    head.push(
      Buffer.from(`${name}: `, "latin1"),
      Buffer.isBuffer(value) ? value : Buffer.from(String(value), "utf8"),
      Buffer.from("\r\n"),
    );
  }
  if (contentLength && method !== "GET" && method !== "HEAD")
    head.push(Buffer.from(`Content-Length: ${body.length}\r\n`));
  head.push(Buffer.from("\r\n"));
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const chunks = [];
    socket.setTimeout(30_000, () => socket.destroy(new Error("no answer in 30 s")));
    // The answer is complete at its length or last chunk: servers may keep the socket open.
    const finish = () => {
      socket.destroy();
      try {
        resolve(parseResponse(Buffer.concat(chunks), method));
      } catch (e) {
        reject(e);
      }
    };
    socket.on("data", (c) => {
      chunks.push(c);
      if (isComplete(Buffer.concat(chunks), method)) finish();
    });
    socket.on("error", reject);
    socket.on("close", finish);
    socket.write(Buffer.concat([...head, body]));
  });
}

function isComplete(raw, method) {
  const end = raw.indexOf("\r\n\r\n");
  if (end < 0) return false;
  const head = raw.subarray(0, end).toString("latin1");
  const status = Number(head.split(" ")[1]);
  if (method === "HEAD" || status === 204 || status === 304) return true;
  if (/\r\ntransfer-encoding:\s*chunked/i.test(head))
    return (
      raw.subarray(end + 4).includes("\r\n0\r\n\r\n") ||
      raw
        .subarray(end + 4)
        .subarray(0, 5)
        .equals(Buffer.from("0\r\n\r\n"))
    );
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
  return length ? raw.length - end - 4 >= Number(length[1]) : false;
}

function parseResponse(raw, method) {
  const end = raw.indexOf("\r\n\r\n");
  if (end < 0) throw new Error(`no complete answer (${raw.length} bytes): ${raw.toString("latin1").slice(0, 200)}`);
  const [statusLine, ...lines] = raw.subarray(0, end).toString("latin1").split("\r\n");
  const status = Number(statusLine.split(" ")[1]);
  const headers = {};
  for (const l of lines) {
    const i = l.indexOf(":");
    headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
  }
  let body = raw.subarray(end + 4);
  if (method === "HEAD") body = Buffer.alloc(0);
  else if (/chunked/i.test(headers["transfer-encoding"] ?? "")) body = dechunk(body);
  return { status, headers, body };
}

function dechunk(buf) {
  const out = [];
  let at = 0;
  for (;;) {
    const eol = buf.indexOf("\r\n", at);
    if (eol < 0) break;
    const size = parseInt(buf.subarray(at, eol).toString("latin1"), 16);
    if (!size) break;
    out.push(buf.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
  return Buffer.concat(out);
}
