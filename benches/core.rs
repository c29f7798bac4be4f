//! Criterion benchmarks of the core: verification per provider, parsing per IMS fixture size,
//! and the worker's whole decision (verify + parse + Standard Webhooks signing for the origin).
//!   cargo bench --bench core        (or `npm run bench`, which also runs the Node side by side)

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use mediahook::gateway::GatewayConfig;
use mediahook::{parse_event, sign, AuthKey, CallbackRequest, Provider, SignInput, SignedCallback, Verifier};

const URL: &str = "https://www.example.com/your/callback";
const TS: u64 = 1_519_375_990;
const KEY: &str = "BenchKey123";

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("{}/tests/fixtures/alibaba-ims/{name}.json", env!("CARGO_MANIFEST_DIR")))
        .expect("a fixture")
}

fn signed(provider: Provider, url: &str, body: &str) -> SignedCallback {
    let key = AuthKey::new(KEY, 1).expect("key");
    let ts = if provider == Provider::TencentVod { TS + 600 } else { TS };
    sign(provider, &SignInput { url, key: &key, timestamp: ts, body: body.as_bytes() }).expect("signs")
}

fn request<'a>(s: &'a SignedCallback, url: &'a str) -> CallbackRequest<'a> {
    CallbackRequest {
        method: s.method,
        url,
        headers: s.headers.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect(),
        body: &s.body,
    }
}

fn verify(c: &mut Criterion) {
    let body = fixture("ProduceMediaComplete");
    let tencent_body = r#"{"EventType":"NewFileUpload","FileUploadEvent":{"FileId":"5285890784246869930"}}"#;
    let live_url = "https://learn.aliyundoc.com/alibaba/live?action=publish&app=a&appname=a&id=s";
    let cases = [
        (Provider::AlibabaIms, URL, signed(Provider::AlibabaIms, URL, &body)),
        (Provider::AlibabaVod, URL, signed(Provider::AlibabaVod, URL, &body)),
        (Provider::AlibabaLive, live_url, signed(Provider::AlibabaLive, live_url, "")),
        (Provider::TencentVod, URL, signed(Provider::TencentVod, URL, tencent_body)),
    ];
    let mut group = c.benchmark_group("verify");
    for (provider, url, s) in &cases {
        let verifier = Verifier::new(*provider, [KEY, "OlderKey456"]).expect("keys");
        let req = request(s, url);
        group.bench_function(provider.id(), |b| b.iter(|| verifier.verify(black_box(&req), TS).expect("valid")));
    }
    group.finish();
}

fn parse(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse");
    // Smallest, typical and the largest IMS sample.
    for name in ["RegisterMediaComplete", "ProduceMediaComplete", "MediaConvertOutputComplete"] {
        let body = fixture(name);
        group.throughput(Throughput::Bytes(body.len() as u64));
        group.bench_function(name, |b| {
            b.iter(|| parse_event(Provider::AlibabaIms, black_box(body.as_bytes()), URL).expect("parses"))
        });
    }
    group.finish();
}

/// The largest IMS sample grown to about `target` bytes by repeating its typed stream records
/// (a transcode report with many renditions): every byte is read against a schema.
fn grown(target: usize) -> String {
    let mut event: serde_json::Value = serde_json::from_str(&fixture("MediaConvertOutputComplete")).expect("JSON");
    let stream = event["MessageBody"]["OutFileMeta"]["videoStreamInfoList"][0].clone();
    let mut text = event.to_string();
    while text.len() < target {
        let list = event["MessageBody"]["OutFileMeta"]["videoStreamInfoList"].as_array_mut().expect("a list");
        let step = (target - text.len()) / (stream.to_string().len() + 1) + 1;
        list.extend(std::iter::repeat_n(stream.clone(), step));
        text = event.to_string();
    }
    text
}

fn parse_by_size(c: &mut Criterion) {
    // Throughput at 1 KB, 64 KB and the 1 MiB body limit: the walk is linear in the body.
    let mut group = c.benchmark_group("parse_size");
    let small = r#"{"EventType":"ProduceMediaComplete","UserId":1833202230000785,"EventTime":"2021-12-08T08:35:58Z","MessageBody":{"Status":"Success","MediaURL":"https://example-bucket.oss-cn-shanghai.aliyuncs.com/out/a.mp4","MediaId":"a70e6ab1d4d94b0f8b37d0d8e3d7****","ProjectId":"f1fdd23ad9cd45e4998e1a1a4d6c****","JobId":"cb1a4d2b0fda4bb8b8a7b0b4c6e6****","UserData":"{\"NotifyAddress\":\"https://example.com/notify\",\"Biz\":\"transcode\",\"Trace\":\"0123456789abcdef0123456789abcdef0123456789abcdef\"}","Note":"padding to one kilobyte so the smallest size step is a realistic callback of about one thousand bytes, typed and untyped fields alike: the rest of this note is filler text for the benchmark only, repeated once more to reach the size: padding to one kilobyte so the smallest size step is a realistic callback of about one thousand bytes"}}"#;
    for (label, body) in [("1KB", small.to_owned()), ("64KB", grown(64 * 1024)), ("1MiB", grown(1024 * 1024 - 512))] {
        group.throughput(Throughput::Bytes(body.len() as u64));
        group.bench_function(label, |b| {
            b.iter(|| parse_event(Provider::AlibabaIms, black_box(body.as_bytes()), URL).expect("parses"))
        });
    }
    group.finish();
}

fn gateway(c: &mut Criterion) {
    let config = GatewayConfig::from_vars(|name| {
        Some(
            match name {
                "ORIGIN_URL" => "https://origin.example/events",
                "ORIGIN_SECRET" => "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                "ALIBABA_IMS_AUTH_KEYS" => KEY,
                "ALIBABA_IMS_CALLBACK_URLS" => URL,
                _ => return None,
            }
            .to_owned(),
        )
    })
    .expect("config");
    let verifier = config.verifier(Provider::AlibabaIms).expect("enabled");
    let mut group = c.benchmark_group("verify_parse_forward");
    for name in ["ProduceMediaComplete", "MediaConvertOutputComplete"] {
        let s = signed(Provider::AlibabaIms, URL, &fixture(name));
        let req = request(&s, URL);
        group.bench_function(name, |b| {
            // The decision, then the Standard Webhooks signing of one delivery attempt.
            b.iter(|| match config.decide(verifier, black_box(&req), TS) {
                mediahook::gateway::Decision::Forward(f) => config.origin_headers(&f.event.id, TS, f.body().as_bytes()),
                other => panic!("not forwarded: {other:?}"),
            })
        });
    }
    group.finish();
}

criterion_group!(benches, verify, parse, parse_by_size, gateway);
criterion_main!(benches);
