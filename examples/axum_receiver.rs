//! mediahook inside a Rust HTTP server (axum): receive Alibaba IMS callbacks, verify them,
//! parse them into typed events, and answer the way the provider expects.
//!
//! ```sh
//! IMS_AUTH_KEYS=NewKey2,OldKey1 IMS_CALLBACK_URL=https://hooks.example.com/alibaba/ims \
//!   cargo run --example axum_receiver        # listens on 127.0.0.1:3000 (PORT to change)
//! ```
//!
//! `cargo test --example axum_receiver` sends it a signed callback and a forged one.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::{Json, Router};
use mediahook::{parse_event, CallbackRequest, EventData, Provider, Verifier};
use serde_json::{json, Value};

/// What every request needs: one configured verifier (keys validated once) and the callback
/// URL as configured at the provider, which is what Alibaba signs.
struct Receiver {
    verifier: Verifier,
    callback_url: String,
}

fn app(keys: &[&str], callback_url: &str) -> Result<Router, mediahook::Error> {
    let verifier = Verifier::new(Provider::AlibabaIms, keys.iter().copied())?.with_signed_urls([callback_url])?;
    let receiver = Arc::new(Receiver { verifier, callback_url: callback_url.to_owned() });
    Ok(Router::new().route("/alibaba/ims", post(ims_callback)).with_state(receiver))
}

async fn ims_callback(
    State(receiver): State<Arc<Receiver>>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, Json<Value>) {
    let headers: Vec<(&str, &str)> =
        headers.iter().filter_map(|(name, value)| Some((name.as_str(), value.to_str().ok()?))).collect();
    let request = CallbackRequest { method: "POST", url: &receiver.callback_url, headers, body: &body };
    // The core never reads a clock: the server passes the time in.
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let event =
        receiver.verifier.verify(&request, now).and_then(|v| parse_event(v.provider, v.body, &receiver.callback_url));
    match event {
        Ok(event) => {
            if let EventData::AlibabaIms(ims) = &event.data() {
                // Typed access; unknown fields are kept in the event too.
                println!("{} {} (user {:?})", event.event_type, event.id, ims.user_id);
            }
            // Acting on the event belongs here (queue it, look the job up with the provider's
            // API before doing anything irreversible: the MD5 schemes do not sign the body).
            (StatusCode::OK, Json(json!({ "code": 0, "id": event.id })))
        }
        Err(e) => {
            let status = StatusCode::from_u16(e.http_status()).unwrap_or(StatusCode::BAD_REQUEST);
            (status, Json(json!({ "error": e.code().as_str(), "message": e.to_string() })))
        }
    }
}

#[tokio::main]
async fn main() {
    let keys = std::env::var("IMS_AUTH_KEYS").expect("set IMS_AUTH_KEYS (comma-separated, newest first)");
    let url = std::env::var("IMS_CALLBACK_URL").expect("set IMS_CALLBACK_URL (as configured at the provider)");
    let port = std::env::var("PORT").unwrap_or_else(|_| "3000".into());
    let keys: Vec<&str> = keys.split(',').map(str::trim).collect();
    // A configuration error names the setting, never the key.
    let router = app(&keys, &url).unwrap_or_else(|e| panic!("{e}"));
    let listener = tokio::net::TcpListener::bind(format!("127.0.0.1:{port}")).await.expect("bind 127.0.0.1");
    println!("receiving IMS callbacks on http://{}/alibaba/ims", listener.local_addr().expect("an address"));
    axum::serve(listener, router).await.expect("serve");
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::future::IntoFuture;

    use mediahook::{sign, AuthKey, SignInput};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    const URL: &str = "https://hooks.example.com/alibaba/ims";
    const BODY: &[u8] = include_bytes!("../tests/fixtures/alibaba-ims/ProduceMediaComplete.json");

    /// One raw HTTP/1.1 request to the server; returns the status line and the body.
    async fn post(addr: std::net::SocketAddr, headers: &[(String, String)], body: &[u8]) -> (String, Value) {
        let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        let mut head = format!(
            "POST /alibaba/ims HTTP/1.1\r\nhost: {addr}\r\ncontent-length: {}\r\nconnection: close\r\n",
            body.len()
        );
        for (n, v) in headers {
            head.push_str(&format!("{n}: {v}\r\n"));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes()).await.unwrap();
        stream.write_all(body).await.unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).await.unwrap();
        let (head, json) = answer.split_once("\r\n\r\n").unwrap();
        (head.lines().next().unwrap().to_owned(), serde_json::from_str(json).unwrap())
    }

    #[tokio::test]
    async fn a_signed_callback_is_accepted_and_a_forged_one_refused() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(axum::serve(listener, app(&["NewKey2", "OldKey1"], URL).unwrap()).into_future());
        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs();

        let key = AuthKey::new("OldKey1", 1).unwrap();
        let signed =
            sign(Provider::AlibabaIms, &SignInput { url: URL, key: &key, timestamp: now, body: BODY }).unwrap();
        let (status, json) = post(addr, &signed.headers, &signed.body).await;
        assert_eq!(status, "HTTP/1.1 200 OK");
        assert_eq!(json["id"], parse_event(Provider::AlibabaIms, BODY, URL).unwrap().id);

        let forged = AuthKey::new("GuessedKey", 1).unwrap();
        let signed =
            sign(Provider::AlibabaIms, &SignInput { url: URL, key: &forged, timestamp: now, body: BODY }).unwrap();
        let (status, json) = post(addr, &signed.headers, &signed.body).await;
        assert_eq!(status, "HTTP/1.1 401 Unauthorized");
        assert_eq!(json["error"], "signature_mismatch");
    }
}
