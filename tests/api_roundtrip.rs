//! Sign → verify round trip: requests signed by mediahook's TC3, ACS3 and MNS signers, sent to
//! the provider API stand-ins (tests/support/provider-apis.mjs, node:crypto) on 127.0.0.1,
//! which check each signature as the provider documents it and behave like the API.
#![cfg(not(target_arch = "wasm32"))]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::{SystemTime, UNIX_EPOCH};

use mediahook::api::{acs3, mns, tc3, Credentials};

struct Apis {
    child: Child,
    stdin: ChildStdin,
    lines: std::io::Lines<BufReader<std::process::ChildStdout>>,
    host: String,
}

impl Apis {
    fn start() -> Apis {
        let mut child = Command::new("node")
            .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support/provider-apis-cli.mjs"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("node on PATH (the test command loads it)");
        let stdin = child.stdin.take().unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let first: serde_json::Value = serde_json::from_str(&lines.next().unwrap().unwrap()).unwrap();
        let host = first["url"].as_str().unwrap().trim_start_matches("http://").to_owned();
        assert!(host.starts_with("127.0.0.1:"), "{host}");
        Apis { child, stdin, lines, host }
    }

    /// One HTTP/1.1 request; the status and the body.
    fn send(&self, method: &str, target: &str, headers: &[(&str, String)], body: &[u8]) -> (u16, String) {
        let mut stream = TcpStream::connect(&self.host).unwrap();
        let mut head = format!("{method} {target} HTTP/1.1\r\nconnection: close\r\ncontent-length: {}\r\n", body.len());
        for (name, value) in headers {
            // The signed host is the API's name; the connection goes to the stand-in.
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes()).unwrap();
        stream.write_all(body).unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        let status = answer.get(9..12).and_then(|s| s.parse().ok()).unwrap_or_else(|| panic!("{answer}"));
        // The stand-in answers with a content-length: the body is as sent.
        let body = answer.split_once("\r\n\r\n").map_or("", |(_, b)| b);
        (status, body.to_owned())
    }

    fn report(&mut self) -> serde_json::Value {
        writeln!(self.stdin, "report").unwrap();
        let report = serde_json::from_str(&self.lines.next().unwrap().unwrap()).unwrap();
        let _ = self.child.wait();
        report
    }
}

impl Drop for Apis {
    fn drop(&mut self) {
        // A failed assertion must not leave the server running.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs()
}

fn tencent_call(apis: &Apis, creds: &Credentials, action: &str, payload: &str, timestamp: u64) -> serde_json::Value {
    let call = tc3::Call {
        service: "vod",
        host: &apis.host,
        action,
        version: "2018-07-17",
        region: None,
        payload: payload.as_bytes(),
        timestamp,
    };
    let headers: Vec<(&str, String)> = tc3::sign(creds, &call);
    let (status, body) = apis.send("POST", "/", &headers, payload.as_bytes());
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).unwrap()
}

#[test]
fn signed_requests_pass_the_providers_checks_and_wrong_ones_do_not() {
    let mut apis = Apis::start();
    let tencent = Credentials::new("AKIDtest", "TencentTestSecretKey", "test").unwrap();
    let alibaba = Credentials::new("LTAItest", "AlibabaTestSecret", "test").unwrap();

    // Tencent: pull, then confirm the handle; a wrong key and a stale clock are refused.
    let pulled = tencent_call(&apis, &tencent, "PullEvents", r#"{"SubAppId":1}"#, now());
    let event = &pulled["Response"]["EventSet"][0];
    assert_eq!(event["EventType"], "NewFileUpload", "{pulled}");
    let handle = event["EventHandle"].as_str().unwrap();
    let confirm = format!(r#"{{"SubAppId":1,"EventHandles":["{handle}"]}}"#);
    let confirmed = tencent_call(&apis, &tencent, "ConfirmEvents", &confirm, now());
    assert!(confirmed["Response"]["Error"].is_null(), "{confirmed}");
    let wrong = Credentials::new("AKIDtest", "AnotherSecret", "test").unwrap();
    let refused = tencent_call(&apis, &wrong, "PullEvents", r#"{"SubAppId":1}"#, now());
    assert_eq!(refused["Response"]["Error"]["Code"], "AuthFailure.SignatureFailure");
    let stale = tencent_call(&apis, &tencent, "PullEvents", r#"{"SubAppId":1}"#, now() - 600);
    assert_eq!(stale["Response"]["Error"]["Code"], "AuthFailure.SignatureExpire");

    // Alibaba OpenAPI: a job lookup; the same nonce twice is refused.
    let query = [("JobId", "j1")];
    let nonce = format!("nonce-{}", now());
    let call = acs3::Call {
        host: &apis.host,
        action: "GetMediaProducingJob",
        version: "2020-11-09",
        query: &query,
        timestamp: now(),
        nonce: &nonce,
    };
    let target = format!("/?{}", acs3::canonical_query(&query));
    let (status, body) = apis.send("POST", &target, &acs3::sign(&alibaba, &call), b"");
    assert_eq!(status, 200, "{body}");
    assert!(body.contains(r#""Status":"Success""#), "{body}");
    let (status, body) = apis.send("POST", &target, &acs3::sign(&alibaba, &call), b"");
    assert_eq!((status, body.contains("SignatureNonceUsed")), (403, true), "{body}");
    let other = Credentials::new("LTAItest", "NotTheSecret", "test").unwrap();
    let retry = acs3::Call { nonce: "another-nonce", ..call };
    let (status, _) = apis.send("POST", &target, &acs3::sign(&other, &retry), b"");
    assert_eq!(status, 403);

    // MNS: receive the message, delete it by its receipt handle.
    let resource = "/queues/ims-events/messages?numOfMessages=16&waitseconds=1";
    let (status, body) = apis.send("GET", resource, &mns::sign(&alibaba, "GET", &apis.host, resource, now()), b"");
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("ProduceMediaComplete"), "{body}");
    let receipt = body.split("<ReceiptHandle>").nth(1).and_then(|r| r.split('<').next()).unwrap().to_owned();
    let delete = format!("/queues/ims-events/messages?ReceiptHandle={receipt}");
    let (status, body) = apis.send("DELETE", &delete, &mns::sign(&alibaba, "DELETE", &apis.host, &delete, now()), b"");
    assert_eq!(status, 204, "{body}");
    let (status, body) = apis.send("GET", resource, &mns::sign(&other, "GET", &apis.host, resource, now()), b"");
    assert_eq!((status, body.contains("SignatureDoesNotMatch")), (403, true), "{body}");

    let report = apis.report();
    assert_eq!(report["confirmed"].as_array().map(Vec::len), Some(1), "{report}");
    assert_eq!(report["deleted"].as_array().map(Vec::len), Some(1), "{report}");
    // The refusals were for the wrong keys, the stale clock and the reused nonce only.
    assert_eq!(report["refused"].as_array().map(Vec::len), Some(5), "{report}");
}
