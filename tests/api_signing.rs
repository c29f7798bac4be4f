//! Requests to the providers' APIs, signed: each algorithm against the provider's published
//! vector (docs: ../shared/notes/provider-apis.md), and the dates they sign.
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use mediahook::api::{acs3, http_date, iso_date_time, mns, tc3, utc_date, Credentials};

#[test]
fn tc3_matches_tencents_published_vector() {
    // Tencent's "Signature v3" page: CVM DescribeInstances.
    let creds =
        Credentials::new("AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE", "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE", "test").unwrap();
    let payload = br#"{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}"#;
    let call = tc3::Call {
        service: "cvm",
        host: "cvm.tencentcloudapi.com",
        action: "DescribeInstances",
        version: "2017-03-12",
        region: Some("ap-guangzhou"),
        payload,
        timestamp: 1_551_113_065,
    };
    let signed = tc3::sign_parts(&creds, &call, "application/json; charset=utf-8");
    let sha = |s: &str| {
        use sha2::Digest;
        sha2::Sha256::digest(s.as_bytes()).iter().map(|b| format!("{b:02x}")).collect::<String>()
    };
    assert!(signed.canonical_request.ends_with("35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064"));
    assert_eq!(sha(&signed.canonical_request), "5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031");
    assert_eq!(signed.signature, "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168");
    assert_eq!(
        signed.authorization,
        "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, \
         SignedHeaders=content-type;host, Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"
    );
    // The headers sent carry what was signed.
    let headers = tc3::sign(&creds, &call);
    let get = |n: &str| headers.iter().find(|(h, _)| *h == n).map(|(_, v)| v.as_str());
    assert_eq!(get("content-type"), Some(tc3::CONTENT_TYPE));
    assert_eq!(get("x-tc-timestamp"), Some("1551113065"));
    assert_eq!(get("x-tc-region"), Some("ap-guangzhou"));
    assert_eq!(get("authorization"), Some(signed.authorization.as_str()));
}

#[test]
fn acs3_matches_the_alibaba_sdk_vector() {
    // darabonba-openapi-util's own test of GetAuthorization.
    let creds = Credentials::new("acesskey", "secret", "test").unwrap();
    let request = acs3::Request {
        method: "GET",
        path: "/",
        query: &[("test", "ok"), ("empty", "")],
        headers: &[("x-acs-test", "http"), ("x-acs-TEST", "https")],
        payload_hash: "55e12e91650d2fec56ec74e1d3e4ddbfce2ef3a65890c2a19ecf88a307e76a23",
    };
    let (canonical, names) = acs3::canonical_request(&request);
    assert_eq!(
        canonical,
        "GET\n/\nempty=&test=ok\nx-acs-test:http,https\n\nx-acs-test\n55e12e91650d2fec56ec74e1d3e4ddbfce2ef3a65890c2a19ecf88a307e76a23"
    );
    assert_eq!(names, "x-acs-test");
    assert_eq!(
        acs3::authorization(&creds, &request),
        "ACS3-HMAC-SHA256 Credential=acesskey,SignedHeaders=x-acs-test,Signature=d16b30a7699ae9e43875b13195b2f81bcc3ed10c14a9b5eb780e51619aa50be1"
    );
}

#[test]
fn acs3_encodes_the_query_as_rfc_3986_and_signs_every_x_acs_header() {
    assert_eq!(acs3::percent_encode("a b*c~d/é"), "a%20b%2Ac~d%2F%C3%A9");
    assert_eq!(acs3::canonical_query(&[("b", "2"), ("a", "x y"), ("A", "")]), "A=&a=x%20y&b=2");
    let creds = Credentials::new("LTAI5tExample", "ExampleSecret", "test").unwrap();
    let call = acs3::Call {
        host: "ice.cn-shanghai.aliyuncs.com",
        action: "GetMediaProducingJob",
        version: "2020-11-09",
        query: &[("JobId", "job-1")],
        timestamp: 1_700_000_000,
        nonce: "nonce-1",
    };
    let headers = acs3::sign(&creds, &call);
    let get = |n: &str| headers.iter().find(|(h, _)| *h == n).map(|(_, v)| v.as_str()).unwrap();
    assert_eq!(get("x-acs-date"), "2023-11-14T22:13:20Z");
    let auth = get("authorization");
    assert!(
        auth.starts_with("ACS3-HMAC-SHA256 Credential=LTAI5tExample,SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature="),
        "{auth}"
    );
    // Another nonce or another second: another signature.
    let other = acs3::sign(&creds, &acs3::Call { nonce: "nonce-2", ..call.clone() });
    assert_ne!(other.last(), headers.last());
}

#[test]
fn mns_matches_the_documented_example() {
    let creds = Credentials::new("TestAccessID", "TestAccessSecret", "test").unwrap();
    let request = mns::Request {
        method: "GET",
        content_md5: "",
        content_type: "",
        date: "Thu, 09 Jul 2015 03:01:34 GMT",
        headers: &[("x-mns-version", "2015-06-06"), ("Host", "1234.mns.cn-hangzhou.aliyuncs.com")],
        resource: "/MyQueue",
    };
    assert_eq!(
        mns::string_to_sign(&request),
        "GET\n\n\nThu, 09 Jul 2015 03:01:34 GMT\nx-mns-version:2015-06-06\n/MyQueue"
    );
    // The documentation masks the last characters: its first 24 are these.
    let auth = mns::authorization(&creds, &request);
    assert!(auth.starts_with("MNS TestAccessID:uwx3yeWoILzgmvesW0BQSgfM"), "{auth}");
    assert_eq!(auth, "MNS TestAccessID:uwx3yeWoILzgmvesW0BQSgfM7b8=");
}

#[test]
fn dates_are_utc_in_each_form() {
    assert_eq!(utc_date(1_551_113_065), "2019-02-25");
    assert_eq!(iso_date_time(1_551_113_065), "2019-02-25T16:44:25Z");
    assert_eq!(http_date(1_436_410_894), "Thu, 09 Jul 2015 03:01:34 GMT");
    assert_eq!(http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
    assert_eq!(http_date(951_782_400), "Tue, 29 Feb 2000 00:00:00 GMT");
    assert_eq!(utc_date(86_399), "1970-01-01");
}

#[test]
fn a_secret_never_shows() {
    let creds = Credentials::new("AKIDvisible", "TopSecretValue123", "TENCENT_CLOUD_SECRET_KEY").unwrap();
    let shown = format!("{creds:?}");
    assert!(shown.contains("AKIDvisible") && !shown.contains("TopSecretValue123"), "{shown}");
    let err = Credentials::new("id", "has space", "TENCENT_CLOUD_SECRET_KEY").unwrap_err();
    assert!(!err.to_string().contains("has space"), "{err}");
    assert!(err.to_string().contains("TENCENT_CLOUD_SECRET_KEY"), "{err}");
}
