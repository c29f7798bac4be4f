//! The gateway's accepting of a decided event (queue mode: one send; direct mode: claim →
//! deliver / keep → settle or release) and the queue consumer (claim per shard → deliver →
//! settle), run natively against in-memory ports: what the worker does on workerd, minus
//! workerd. Also the decision's body: the origin gets `Event::as_json()` byte for byte, with
//! `verified_by` as its last member. Confirmation through a provider API and one poll of a
//! pull source run against an in-memory API that answers as the provider documents.
#![cfg(not(target_arch = "wasm32"))]

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use mediahook::delivery::{
    guard_shard, signature_shard, Attempt, DeadLetter, DeadReason, QueuedEvent, Retention, MAX_QUEUE_MESSAGE_COST,
};
use mediahook::gateway::accept::{accept, after, Accepting, After};
use mediahook::gateway::consume::{consume, Disposition, Received};
use mediahook::gateway::ports::{
    DeadLetters, Guard, GuardState, Host, Origin, ProviderApi, Queue, ShardClaims, ShardVerdicts, Verdict,
};
use mediahook::gateway::{Decision, GatewayConfig, LogLine, Outcome, VerifiedBy};
use mediahook::{parse_event, sign, AuthKey, CallbackRequest, ErrorCode, Provider, SignInput};

mod common;

const NOW: u64 = 1_700_000_000;
const URL: &str = "https://hooks.example.com/alibaba/ims";

/// The ports' futures never wait on anything outside: poll until ready (a `join_all` of many
/// futures may yield to the executor once in a while).
fn run<F: Future>(f: F) -> F::Output {
    let mut f = pin!(f);
    for _ in 0..1000 {
        if let Poll::Ready(v) = f.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
            return v;
        }
    }
    panic!("an in-memory port never waits")
}

/// In-memory guard, queue, origin, dead letters, clock and log, with switches to fail each.
#[derive(Default)]
struct Memory {
    seen: RefCell<HashMap<String, GuardState>>,
    owners: RefCell<HashMap<String, String>>,
    sigs: RefCell<HashMap<String, Vec<String>>>,
    shard_requests: RefCell<Vec<usize>>,
    fail_shard: Cell<Option<usize>>,
    bodies: RefCell<HashMap<String, String>>,
    sent: RefCell<Vec<QueuedEvent>>,
    posted: RefCell<Vec<Vec<u8>>>,
    letters: RefCell<Vec<DeadLetter>>,
    logs: RefCell<Vec<String>>,
    clock_ms: Cell<u64>,
    origin_status: Cell<Option<u16>>,
    fail_claim: Cell<bool>,
    fail_queue: Cell<bool>,
    fail_release: Cell<bool>,
    fail_settle: Cell<bool>,
    signature_count: Cell<i64>,
    /// The provider API's answers, by action (`x-tc-action`/`x-acs-action`, or `mns-GET`…).
    api: RefCell<HashMap<String, Vec<(u16, String)>>>,
    /// The API requests made: (action, url, body).
    api_calls: RefCell<Vec<(String, String, String)>>,
}

impl Memory {
    /// Answer the next call of `action` with `status` and `body` (the last answer repeats).
    fn answer(&self, action: &str, status: u16, body: &str) {
        self.api.borrow_mut().entry(action.to_owned()).or_default().push((status, body.to_owned()));
    }
}

impl ProviderApi for Memory {
    async fn call(&self, request: &mediahook::api::HttpRequest, _timeout_ms: u64) -> Result<(u16, String), String> {
        let header = |n: &str| request.headers.iter().find(|(k, _)| *k == n).map(|(_, v)| v.clone());
        let action =
            header("x-tc-action").or_else(|| header("x-acs-action")).unwrap_or(format!("mns-{}", request.method));
        assert!(header("authorization").is_some(), "every API request is signed");
        let body = String::from_utf8(request.body.clone()).unwrap();
        self.api_calls.borrow_mut().push((action.clone(), request.url.clone(), body));
        let mut api = self.api.borrow_mut();
        let answers = api.get_mut(&action).ok_or_else(|| format!("no answer for {action}"))?;
        Ok(if answers.len() > 1 { answers.remove(0) } else { answers[0].clone() })
    }
    fn nonce(&self) -> String {
        format!("nonce-{}", self.api_calls.borrow().len())
    }
}

impl Guard for Memory {
    async fn claim(&self, id: &str, _now_ms: i64, _ttl_ms: i64) -> Result<Verdict, String> {
        if self.fail_claim.get() {
            return Err("guard down".into());
        }
        let mut seen = self.seen.borrow_mut();
        Ok(match seen.get(id) {
            Some(GuardState::Pending) => Verdict::Pending,
            Some(_) => Verdict::Duplicate,
            None => {
                seen.insert(id.to_owned(), GuardState::Pending);
                Verdict::Accepted
            }
        })
    }
    async fn settle(&self, id: &str, state: GuardState) -> Result<(), String> {
        if self.fail_settle.get() {
            return Err("settle lost".into());
        }
        self.seen.borrow_mut().insert(id.to_owned(), state);
        Ok(())
    }
    async fn release(&self, id: &str) -> Result<(), String> {
        if self.fail_release.get() {
            return Err("release lost".into());
        }
        self.seen.borrow_mut().remove(id);
        Ok(())
    }
    async fn put_body(&self, id: &str, body: &str, _now_ms: i64) -> Result<(), String> {
        self.bodies.borrow_mut().insert(id.to_owned(), body.to_owned());
        Ok(())
    }
    async fn count_signature(&self, _sig: &str, _id: &str, _now_ms: i64, _ttl_ms: i64) -> Result<i64, String> {
        self.signature_count.set(self.signature_count.get() + 1);
        Ok(self.signature_count.get())
    }
    async fn claim_batch(
        &self,
        shard: usize,
        batch: &ShardClaims,
        _now_ms: i64,
        _ttl_ms: i64,
    ) -> Result<ShardVerdicts, String> {
        self.shard_requests.borrow_mut().push(shard);
        if self.fail_shard.get() == Some(shard) {
            return Err("shard down".into());
        }
        let (mut seen, mut owners) = (self.seen.borrow_mut(), self.owners.borrow_mut());
        let verdicts = batch
            .claims
            .iter()
            .enumerate()
            .map(|(i, (id, owner))| {
                assert_eq!(guard_shard(id), shard, "an id sent to another shard");
                if batch.claims[..i].iter().any(|(other, _)| other == id) {
                    return Verdict::Duplicate;
                }
                match (seen.get(id), owners.get(id)) {
                    (Some(GuardState::Pending), Some(o)) if o == owner => Verdict::Accepted,
                    (Some(GuardState::Pending), _) => Verdict::Pending,
                    (Some(_), _) => Verdict::Duplicate,
                    (None, _) => {
                        seen.insert(id.clone(), GuardState::Pending);
                        owners.insert(id.clone(), owner.clone());
                        Verdict::Accepted
                    }
                }
            })
            .collect();
        let mut sigs = self.sigs.borrow_mut();
        let counts = batch
            .signatures
            .iter()
            .map(|(sig, id)| {
                assert_eq!(signature_shard(sig), shard, "a signature sent to another shard");
                let ids = sigs.entry(sig.clone()).or_default();
                if !ids.contains(id) {
                    ids.push(id.clone());
                }
                ids.len() as i64
            })
            .collect();
        Ok(ShardVerdicts { verdicts, counts })
    }
    async fn settle_batch(&self, shard: usize, settled: &[(String, GuardState)]) -> Result<(), String> {
        self.shard_requests.borrow_mut().push(shard);
        for (id, state) in settled {
            self.seen.borrow_mut().insert(id.clone(), *state);
        }
        Ok(())
    }
    async fn get_body(&self, id: &str) -> Result<Option<String>, String> {
        Ok(self.bodies.borrow().get(id).cloned())
    }
    async fn delete_body(&self, id: &str) -> Result<(), String> {
        self.bodies.borrow_mut().remove(id);
        Ok(())
    }
}

impl Queue for Memory {
    async fn send(&self, message: &QueuedEvent, _delay_s: u32) -> Result<(), String> {
        if self.fail_queue.get() {
            return Err("Queue send failed: message too large".into());
        }
        assert_eq!(message.cost(), serde_json::to_string(message).unwrap().len(), "cost is the message's JSON size");
        assert!(message.cost() <= MAX_QUEUE_MESSAGE_COST, "a message over the queue's limit was sent");
        self.sent.borrow_mut().push(message.clone());
        Ok(())
    }
}

impl Origin for Memory {
    async fn post(&self, _id: &str, body: &[u8], _timeout_ms: u64, _read_answer: bool) -> Attempt {
        self.posted.borrow_mut().push(body.to_vec());
        match self.origin_status.get() {
            Some(status) => Attempt { status: Some(status), ..Attempt::default() },
            None => Attempt { timed_out: true, ..Attempt::default() },
        }
    }
}

impl DeadLetters for Memory {
    async fn put(&self, letter: DeadLetter, _retention: Retention) -> Result<(), String> {
        self.letters.borrow_mut().push(letter);
        Ok(())
    }
    async fn delete(&self, id: &str) -> Result<(), String> {
        self.letters.borrow_mut().retain(|l| l.id != id);
        Ok(())
    }
}

impl Host for Memory {
    fn now_ms(&self) -> u64 {
        NOW * 1000 + self.clock_ms.get()
    }
    async fn sleep(&self, ms: u64) {
        self.clock_ms.set(self.clock_ms.get() + ms);
    }
    fn random(&self) -> f64 {
        0.5
    }
    fn log(&self, line: &str) {
        self.logs.borrow_mut().push(line.to_owned());
    }
}

fn config(mode: &str) -> GatewayConfig {
    common::gateway_config(&[("DELIVERY_MODE", mode), ("SIGNATURE_REUSE_WARN", "1")]).expect("a valid configuration")
}

fn decide(config: &GatewayConfig, body: &[u8]) -> Decision {
    let key = AuthKey::new("ImsKey1234567890", 1).unwrap();
    let s = sign(Provider::AlibabaIms, &SignInput { url: URL, key: &key, timestamp: NOW, body }).unwrap();
    let req = CallbackRequest {
        method: "POST",
        url: URL,
        headers: s.headers.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect(),
        body: &s.body,
    };
    config.decide(config.verifier(Provider::AlibabaIms).unwrap(), &req, NOW)
}

fn ims_body(extra: &str) -> Vec<u8> {
    format!(
        r#"{{"EventType":"ProduceMediaComplete","UserId":1,"EventTime":"2026-11-29T10:00:00Z","MessageBody":{{"Status":"Success","MediaId":"m1","JobId":"j1","ProjectId":"p1","MediaURL":"https://cdn.example.com/m1.mp4"{extra}}}}}"#
    )
    .into_bytes()
}

fn accept_forward(
    ports: &Memory,
    config: &GatewayConfig,
    body: &[u8],
) -> (Result<String, ErrorCode>, Vec<After>, LogLine) {
    let decision = decide(config, body);
    let Decision::Forward(fwd) = decision else { panic!("not forwarded: {decision:?}") };
    let mut log = LogLine::callback();
    let (answer, later) = run(accept(ports, config, Accepting::Deliver(&fwd), &mut log));
    (answer.map_err(|e| e.code()), later, log)
}

#[test]
fn the_origin_body_is_the_parsed_event_byte_for_byte() {
    // Numbers in unknown fields as sent, keys in the order parse_event writes them: no second
    // serialisation between the walker and the origin (1e400 is beyond f64, and valid JSON).
    let body = ims_body(r#","Price":12.50,"Big":1.5e3,"Huge":123456789012345678901234567890,"Far":1e400"#);
    let c = config("direct");
    let ports = Memory { origin_status: Cell::new(Some(200)), ..Memory::default() };
    let (answer, _, log) = accept_forward(&ports, &c, &body);
    assert!(answer.unwrap().contains(r#""outcome":"forwarded""#));
    assert_eq!(log.outcome, Outcome::Forwarded);
    let expected = parse_event(Provider::AlibabaIms, &body, URL).unwrap();
    let posted = ports.posted.borrow();
    assert_eq!(posted[0], VerifiedBy::Signature.mark(expected.as_json()).as_bytes());
    let text = std::str::from_utf8(&posted[0]).unwrap();
    for kept in ["12.50", "1.5e3", "123456789012345678901234567890", "1e400"] {
        assert!(text.contains(kept), "{kept} in {text}");
    }
    let end = r#","time":"2026-11-29T10:00:00Z","verified_by":"signature"}"#;
    assert!(text.starts_with(r#"{"id":"mh_"#) && text.ends_with(end), "{text}");
    // The serde view of the event writes the same bytes.
    assert_eq!(serde_json::to_string(&expected).unwrap(), expected.as_json());
}

#[test]
fn queue_mode_answers_after_one_send_and_the_consumer_drops_the_retry() {
    let c = config("queue");
    let ports = Memory { origin_status: Cell::new(Some(204)), ..Memory::default() };
    let (answer, later, log) = accept_forward(&ports, &c, &ims_body(""));
    let answer = answer.unwrap();
    assert!(answer.starts_with(r#"{"code":0,"id":"mh_"#) && answer.ends_with(r#","outcome":"queued"}"#), "{answer}");
    assert_eq!(log.outcome, Outcome::Queued);
    // No guard on the provider's path, nothing left for after the answer.
    assert!(later.is_empty() && ports.seen.borrow().is_empty() && ports.shard_requests.borrow().is_empty());
    let sent = ports.sent.borrow()[0].clone();
    assert!(sent.claim && sent.signature.is_some());
    assert_eq!(sent.body.as_deref().map(str::as_bytes), Some(ports_event_json(&c).as_bytes()));
    // The provider's retry is queued too (answered `queued`): the consumer drops it.
    let (answer, _, _) = accept_forward(&ports, &c, &ims_body(""));
    assert!(answer.unwrap().contains(r#""outcome":"queued""#));
    let batch = take_batch(&ports);
    assert_eq!(run(consume(&ports, &c, &batch, false)), [Disposition::Ack, Disposition::Ack]);
    assert_eq!(ports.posted.borrow().len(), 1, "delivered once");
    assert_eq!(ports.seen.borrow()[&sent.id], GuardState::Delivered);
    assert_eq!(delivery_outcomes(&ports), ["delivered", "duplicate"]);
    // One shard touched: one claim request and one settle request for the batch (the id and
    // the signature share a shard here, or the signature's adds one).
    let shards = ports.shard_requests.borrow().clone();
    let touched = if guard_shard(&sent.id) == signature_shard(sent.signature.as_deref().unwrap()) { 2 } else { 3 };
    assert_eq!(shards.len(), touched, "{shards:?}");
    // A later retry, in another batch: dropped as well.
    accept_forward(&ports, &c, &ims_body("")).0.unwrap();
    run(consume(&ports, &c, &take_batch(&ports), false));
    assert_eq!(ports.posted.borrow().len(), 1, "delivered once");
}

/// The messages sent so far, as a batch (each with its own queue message id).
fn take_batch(ports: &Memory) -> Vec<Received> {
    ports
        .sent
        .borrow_mut()
        .drain(..)
        .enumerate()
        .map(|(i, e)| Received { message_id: format!("msg-{}-{i}", ports.clock_ms.get()), event: Some(e) })
        .collect()
}

fn delivery_outcomes(ports: &Memory) -> Vec<String> {
    let logs = ports.logs.borrow();
    logs.iter()
        .filter(|l| l.contains(r#""msg":"delivery""#))
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["outcome"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn the_consumer_claims_once_per_shard_and_counts_signatures() {
    let c = config("queue");
    let ports = Memory { origin_status: Cell::new(Some(200)), ..Memory::default() };
    for i in 0..40 {
        accept_forward(&ports, &c, &ims_body(&format!(r#","N":{i}"#))).0.unwrap();
    }
    let batch = take_batch(&ports);
    let dispositions = run(consume(&ports, &c, &batch, false));
    assert!(dispositions.iter().all(|d| *d == Disposition::Ack));
    assert_eq!(ports.posted.borrow().len(), 40);
    // Each shard asked at most twice (claim, settle) for the whole batch.
    let requests = ports.shard_requests.borrow().clone();
    let mut per_shard = HashMap::new();
    for s in &requests {
        *per_shard.entry(*s).or_insert(0) += 1;
    }
    assert!(per_shard.values().all(|n| *n <= 2), "{per_shard:?}");
    assert!(requests.len() <= 32, "{} requests for 40 events", requests.len());
    // 40 events under one signature (one second, one URL): SIGNATURE_REUSE_WARN=1 warns.
    assert!(ports.logs.borrow().iter().any(|l| l.contains(r#""msg":"signature_reuse""#)), "{:?}", ports.logs);
    assert_eq!(ports.sigs.borrow().values().next().map(Vec::len), Some(40));
}

#[test]
fn the_queues_own_retry_of_a_message_takes_its_claim_back() {
    // The consumer died after claiming: the queue delivers the same message again.
    let c = config("queue");
    let ports = Memory { origin_status: Cell::new(Some(200)), ..Memory::default() };
    accept_forward(&ports, &c, &ims_body("")).0.unwrap();
    let batch = take_batch(&ports);
    let id = batch[0].event.as_ref().unwrap().id.clone();
    ports.seen.borrow_mut().insert(id.clone(), GuardState::Pending);
    ports.owners.borrow_mut().insert(id.clone(), batch[0].message_id.clone());
    assert_eq!(run(consume(&ports, &c, &batch, false)), [Disposition::Ack]);
    assert_eq!(ports.posted.borrow().len(), 1);
    // Another message of the same event while the first holds the claim: back to the queue
    // (the holder may yet fail), then dropped once the holder's delivery is settled.
    let ports = Memory { origin_status: Cell::new(Some(200)), ..Memory::default() };
    ports.seen.borrow_mut().insert(id.clone(), GuardState::Pending);
    ports.owners.borrow_mut().insert(id.clone(), "another-message".into());
    assert!(matches!(run(consume(&ports, &c, &batch, false))[..], [Disposition::Retry { .. }]));
    ports.seen.borrow_mut().insert(id, GuardState::Delivered);
    assert_eq!(run(consume(&ports, &c, &batch, false)), [Disposition::Ack]);
    assert_eq!(ports.posted.borrow().len(), 0);
    assert_eq!(delivery_outcomes(&ports), ["in_flight", "duplicate"]);
}

#[test]
fn a_message_from_the_dead_letter_queue_is_kept_and_its_claim_settled() {
    let c = config("queue");
    let ports = Memory::default();
    accept_forward(&ports, &c, &ims_body("")).0.unwrap();
    let batch = take_batch(&ports);
    let id = batch[0].event.as_ref().unwrap().id.clone();
    ports.seen.borrow_mut().insert(id.clone(), GuardState::Pending);
    assert_eq!(run(consume(&ports, &c, &batch, true)), [Disposition::Ack]);
    let letter = ports.letters.borrow()[0].clone();
    assert_eq!((letter.id.as_str(), letter.reason), (id.as_str(), DeadReason::RetriesExhausted));
    assert!(letter.body.is_some(), "the letter keeps the event");
    assert_eq!(ports.seen.borrow()[&id], GuardState::Kept, "a later copy is a duplicate, not in flight forever");
}

#[test]
fn a_failed_attempt_is_queued_again_claimed_and_a_late_retry_is_still_a_duplicate() {
    let c = config("queue");
    let ports = Memory { origin_status: Cell::new(Some(503)), ..Memory::default() };
    accept_forward(&ports, &c, &ims_body("")).0.unwrap();
    let first = take_batch(&ports);
    let id = first[0].event.as_ref().unwrap().id.clone();
    assert_eq!(run(consume(&ports, &c, &first, false)), [Disposition::Ack]);
    assert_eq!(ports.seen.borrow()[&id], GuardState::Queued);
    let retry = ports.sent.borrow()[0].clone();
    assert!(!retry.claim && retry.signature.is_none() && retry.attempts == 1);
    // The provider's retry arrives while the event waits for its next attempt: dropped.
    accept_forward(&ports, &c, &ims_body("")).0.unwrap();
    ports.origin_status.set(Some(200));
    let batch = take_batch(&ports);
    assert_eq!(run(consume(&ports, &c, &batch, false)), [Disposition::Ack, Disposition::Ack]);
    assert_eq!(ports.posted.borrow().len(), 2, "one failed attempt, one delivery");
    assert_eq!(delivery_outcomes(&ports), ["retry", "delivered", "duplicate"]);
}

#[test]
fn a_guard_shard_that_fails_sends_its_messages_back_to_the_queue_undelivered() {
    let c = config("queue");
    let ports = Memory { origin_status: Cell::new(Some(200)), ..Memory::default() };
    accept_forward(&ports, &c, &ims_body("")).0.unwrap();
    let batch = take_batch(&ports);
    ports.fail_shard.set(Some(guard_shard(&batch[0].event.as_ref().unwrap().id)));
    assert!(matches!(run(consume(&ports, &c, &batch, false))[..], [Disposition::Retry { .. }]));
    assert!(ports.posted.borrow().is_empty());
    assert!(ports.logs.borrow().iter().any(|l| l.contains(r#""op":"claim_batch""#)));
    // Messages queued before the guard moved to the consumer were claimed on ingest: delivered
    // without a claim.
    let old = QueuedEvent { claim: false, signature: None, ..batch[0].event.clone().unwrap() };
    let received = [Received { message_id: "old".into(), event: Some(old) }];
    assert_eq!(run(consume(&ports, &c, &received, false)), [Disposition::Ack]);
    assert_eq!(ports.posted.borrow().len(), 1);
}

fn ports_event_json(c: &GatewayConfig) -> String {
    let Decision::Forward(fwd) = decide(c, &ims_body("")) else { panic!() };
    fwd.body()
}

#[test]
fn direct_mode_waits_for_an_event_being_accepted_elsewhere_then_answers_in_flight() {
    let c = config("direct");
    let ports = Memory::default();
    let Decision::Forward(fwd) = decide(&c, &ims_body("")) else { panic!() };
    ports.seen.borrow_mut().insert(fwd.event.id.clone(), GuardState::Pending);
    let mut log = LogLine::callback();
    let (answer, later) = run(accept(&ports, &c, Accepting::Deliver(&fwd), &mut log));
    assert_eq!(answer.unwrap_err().code(), ErrorCode::InFlight);
    assert!(later.is_empty() && ports.clock_ms.get() >= 1000, "waited {} ms", ports.clock_ms.get());
}

#[test]
fn failures_answer_503_release_the_claim_and_log_the_runtime_words() {
    let c = config("direct");
    let ports = Memory { fail_claim: Cell::new(true), ..Memory::default() };
    let (answer, _, log) = accept_forward(&ports, &c, &ims_body(""));
    assert_eq!((answer.unwrap_err(), log.outcome), (ErrorCode::StorageUnavailable, Outcome::StorageFailed));
    assert_eq!(log.error.as_deref(), Some("guard down"));

    let ports = Memory { fail_queue: Cell::new(true), ..Memory::default() };
    let (answer, _, log) = accept_forward(&ports, &config("queue"), &ims_body(""));
    assert_eq!((answer.unwrap_err(), log.outcome), (ErrorCode::QueueUnavailable, Outcome::QueueFailed));
    assert_eq!(log.error.as_deref(), Some("Queue send failed: message too large"));

    // Direct mode: an origin failure releases the claim so that the provider's retry is taken;
    // a release (or a settle) that fails is logged, never dropped silently.
    let ports = Memory { origin_status: Cell::new(Some(500)), ..Memory::default() };
    assert_eq!(accept_forward(&ports, &c, &ims_body("")).0.unwrap_err(), ErrorCode::OriginError);
    assert!(ports.seen.borrow().is_empty(), "the claim is released");
    let ports = Memory { origin_status: Cell::new(Some(500)), fail_release: Cell::new(true), ..Memory::default() };
    assert_eq!(accept_forward(&ports, &c, &ims_body("")).0.unwrap_err(), ErrorCode::OriginError);
    let ports2 = Memory { origin_status: Cell::new(Some(200)), fail_settle: Cell::new(true), ..Memory::default() };
    let (_, later, _) = accept_forward(&ports2, &c, &ims_body(""));
    run(after(&ports2, later));
    for (p, op) in [(&ports, "release"), (&ports2, "settle")] {
        let logs = p.logs.borrow();
        let line = logs.iter().find(|l| l.contains(r#""msg":"storage_error""#)).expect("a storage_error line");
        assert!(line.contains(&format!(r#""op":"{op}""#)), "{line}");
    }
}

#[test]
fn a_message_that_would_not_fit_the_queue_is_kept_by_reference() {
    // 90 KiB of event JSON dense in quotes: under the old 96 KiB body limit, over 128 KB once
    // escaped in the queue message.
    let tags: Vec<String> = (0..18_000).map(|i| format!("\"{}\"", i % 100)).collect();
    let body = ims_body(&format!(r#","Tags":[{}]"#, tags.join(",")));
    assert!(body.len() < 96 * 1024 && body.len() > 70 * 1024, "{}", body.len());
    let c = config("queue");
    let ports = Memory::default();
    let (answer, _, _) = accept_forward(&ports, &c, &body);
    assert!(answer.unwrap().contains("queued"));
    let sent = &ports.sent.borrow()[0];
    assert!(sent.stored && sent.body.is_none());
    let expected = VerifiedBy::Signature.mark(parse_event(Provider::AlibabaIms, &body, URL).unwrap().as_json());
    assert!(ports.bodies.borrow()[&sent.id] == expected, "the stored body is the event with verified_by");
    // A small event stays inline.
    let ports = Memory::default();
    assert!(accept_forward(&ports, &c, &ims_body("")).0.is_ok());
    assert!(!ports.sent.borrow()[0].stored);
}

#[test]
fn direct_mode_answers_the_origins_failure_and_releases() {
    let c = config("direct");
    for (status, code) in
        [(Some(500), ErrorCode::OriginError), (Some(302), ErrorCode::OriginError), (None, ErrorCode::OriginTimeout)]
    {
        let ports = Memory { origin_status: Cell::new(status), ..Memory::default() };
        let (answer, _, _) = accept_forward(&ports, &c, &ims_body(""));
        assert_eq!(answer.unwrap_err(), code, "{status:?}");
        assert!(ports.seen.borrow().is_empty());
    }
}

#[test]
fn unknown_and_invalid_events_are_kept_as_dead_letters() {
    for mode in ["queue", "direct"] {
        kept_as_dead_letters(&config(mode));
    }
}

fn kept_as_dead_letters(c: &GatewayConfig) {
    let ports = Memory::default();
    let unknown =
        br#"{"EventType":"SomethingNew","UserId":1,"EventTime":"2026-11-29T10:00:00Z","MessageBody":{"N":1e400}}"#;
    let invalid = br#"{"EventType":"ProduceMediaComplete","UserId":1,"EventTime":"2026-11-29T10:00:00Z","MessageBody":{},"N":1e400}"#;
    for (body, reason) in [(&unknown[..], DeadReason::UnknownEventType), (&invalid[..], DeadReason::InvalidEvent)] {
        let Decision::Keep(kept) = decide(c, body) else { panic!("kept") };
        let mut log = LogLine::callback();
        let (answer, later) = run(accept(&ports, c, Accepting::Keep(&kept), &mut log));
        let answer = answer.unwrap();
        assert!(answer.contains(r#""outcome":"dead_lettered""#), "{answer}");
        assert!(answer.contains(&format!(r#""reason":"{}""#, reason.as_str())), "{answer}");
        run(after(&ports, later));
        let letter = ports.letters.borrow().last().cloned().unwrap();
        assert_eq!(letter.reason, reason);
        assert!(letter.body.unwrap().contains("1e400"), "numbers kept as sent in a kept body");
    }
}

#[test]
fn a_kept_invalid_twin_never_makes_the_valid_event_a_duplicate() {
    // Tencent's id hashes the event data without Sign/T; an invalid body must not take the id
    // the valid one gets (review 2, L4).
    let c = common::gateway_config(&[("TENCENT_VOD_SIGN_KEYS", "TencentKey123456")]).unwrap();
    let key = AuthKey::new("TencentKey123456", 1).unwrap();
    let valid = br#"{"EventType":"NewFileUpload","FileUploadEvent":{"FileId":"1"}}"#;
    let twin = br#"{"EventType":"NewFileUpload","FileUploadEvent":"not an object"}"#;
    let ids: Vec<String> = [&valid[..], &twin[..]]
        .iter()
        .map(|body| {
            let s = sign(Provider::TencentVod, &SignInput { url: "", key: &key, timestamp: NOW + 300, body }).unwrap();
            let req = CallbackRequest {
                method: "POST",
                url: "https://h.example/tencent/vod",
                headers: vec![],
                body: &s.body,
            };
            match c.decide(c.verifier(Provider::TencentVod).unwrap(), &req, NOW) {
                Decision::Forward(f) => f.event.id,
                Decision::Keep(k) => k.id,
                other => panic!("{other:?}"),
            }
        })
        .collect();
    assert_ne!(ids[0], ids[1]);
}

fn confirming(extra: &[(&str, &str)]) -> GatewayConfig {
    let mut vars = vec![
        ("DELIVERY_MODE", "queue"),
        ("CONFIRM_PROVIDERS", "alibaba-ims"),
        ("ALIBABA_REGION", "cn-shanghai"),
        ("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAItest"),
        ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "AlibabaTestSecret"),
        ("CONFIRM_GRACE_SECONDS", "60"),
    ];
    vars.extend_from_slice(extra);
    common::gateway_config(&vars).expect("a valid configuration")
}

const JOB_SUCCESS: &str = r#"{"RequestId":"r1","MediaProducingJob":{"JobId":"j1","Status":"Success","MediaId":"m1","MediaURL":"https://cdn.example.com/m1.mp4"}}"#;

#[test]
fn a_confirmed_callback_is_delivered_with_what_the_api_said() {
    let c = confirming(&[]);
    let ports = Memory { origin_status: Cell::new(Some(200)), ..Memory::default() };
    accept_forward(&ports, &c, &ims_body("")).0.unwrap();
    let sent = ports.sent.borrow()[0].clone();
    let pending = sent.confirm.clone().expect("a lookup is pending");
    assert_eq!((pending.id.as_str(), pending.status.as_deref()), ("j1", Some("Success")));
    assert!(!sent.body.as_deref().unwrap().contains("verified_by"), "not vouched for yet");
    ports.answer("GetMediaProducingJob", 200, JOB_SUCCESS);
    run(consume(&ports, &c, &take_batch(&ports), false));
    let calls = ports.api_calls.borrow();
    assert_eq!(calls.len(), 1);
    assert!(calls[0].1.starts_with("https://ice.cn-shanghai.aliyuncs.com/?JobId=j1"), "{}", calls[0].1);
    let posted = String::from_utf8(ports.posted.borrow()[0].clone()).unwrap();
    let event: serde_json::Value = serde_json::from_str(&posted).unwrap();
    assert_eq!(event["verified_by"], "provider_api");
    assert_eq!(event["confirmed"]["api"], "GetMediaProducingJob");
    assert_eq!(event["confirmed"]["status"], "Success");
    assert_eq!(event["confirmed"]["record"]["MediaURL"], "https://cdn.example.com/m1.mp4");
    // The event itself is as parsed, byte for byte, before the added members.
    let parsed = ports_event_json(&confirming(&[("CONFIRM_PROVIDERS", "")]));
    assert!(posted.starts_with(parsed.strip_suffix(r#","verified_by":"signature"}"#).unwrap()));
}

#[test]
fn a_substituted_body_becomes_an_unconfirmed_dead_letter_after_the_grace_period() {
    let c = confirming(&[]);
    let ports = Memory { origin_status: Cell::new(Some(200)), ..Memory::default() };
    accept_forward(&ports, &c, &ims_body("")).0.unwrap();
    // The account's job j1 failed: a body claiming success was not sent by Alibaba.
    ports.answer("GetMediaProducingJob", 200, &JOB_SUCCESS.replace("\"Success\"", "\"Failed\""));
    run(consume(&ports, &c, &take_batch(&ports), false));
    assert_eq!(delivery_outcomes(&ports), ["confirm_wait"], "looked up again within the grace period");
    assert!(ports.letters.borrow().is_empty() && ports.posted.borrow().is_empty());
    ports.clock_ms.set(61_000);
    run(consume(&ports, &c, &take_batch(&ports), false));
    let letters = ports.letters.borrow();
    assert_eq!(letters.len(), 1);
    assert_eq!(letters[0].reason, DeadReason::Unconfirmed);
    assert!(letters[0].detail.contains("\"Failed\""), "{}", letters[0].detail);
    assert!(letters[0].body.as_deref().unwrap().ends_with(r#""verified_by":"signature"}"#));
    assert!(ports.posted.borrow().is_empty(), "never delivered");
}

#[test]
fn a_job_the_api_finds_late_is_delivered_and_refused_credentials_never_are() {
    let c = confirming(&[]);
    let ports = Memory { origin_status: Cell::new(Some(200)), ..Memory::default() };
    accept_forward(&ports, &c, &ims_body("")).0.unwrap();
    ports.answer("GetMediaProducingJob", 404, r#"{"Code":"NotFound","Message":"no job"}"#);
    ports.answer("GetMediaProducingJob", 200, JOB_SUCCESS);
    run(consume(&ports, &c, &take_batch(&ports), false));
    ports.clock_ms.set(20_000);
    run(consume(&ports, &c, &take_batch(&ports), false));
    assert_eq!(delivery_outcomes(&ports), ["confirm_wait", "delivered"]);

    let c = confirming(&[("MAX_RETRIES", "1")]);
    let ports = Memory { origin_status: Cell::new(Some(200)), ..Memory::default() };
    accept_forward(&ports, &c, &ims_body("")).0.unwrap();
    ports.answer("GetMediaProducingJob", 404, r#"{"Code":"InvalidAccessKeyId.NotFound","Message":"no key"}"#);
    for _ in 0..3 {
        run(consume(&ports, &c, &take_batch(&ports), false));
    }
    assert_eq!(delivery_outcomes(&ports), ["confirm_failed", "dead"]);
    assert_eq!(ports.letters.borrow()[0].reason, DeadReason::ConfirmFailed);
    assert!(ports.posted.borrow().is_empty());
    assert!(ports.logs.borrow().iter().all(|l| !l.contains("AlibabaTestSecret")), "no secret in a log line");
}

#[test]
fn only_providers_with_lookups_can_be_confirmed() {
    for id in ["alibaba-live", "mux", "cloudflare-stream", "volcengine-vod", "nobody"] {
        let e = common::gateway_config(&[("CONFIRM_PROVIDERS", id)]).unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidConfig, "{id}");
        assert!(e.to_string().contains("CONFIRM_PROVIDERS"), "{e}");
    }
}

#[test]
fn confirmation_needs_queue_mode() {
    let e = common::gateway_config(&[("DELIVERY_MODE", "direct"), ("CONFIRM_PROVIDERS", "alibaba-ims")]).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidConfig);
    assert!(e.to_string().contains("CONFIRM_PROVIDERS"), "{e}");
}

fn pulling() -> GatewayConfig {
    common::gateway_config(&[
        ("DELIVERY_MODE", "queue"),
        ("TENCENT_VOD_PULL_SUB_APP_IDS", "1500001"),
        ("TENCENT_CLOUD_SECRET_ID", "AKIDtest"),
        ("TENCENT_CLOUD_SECRET_KEY", "TencentTestSecretKey"),
    ])
    .expect("a valid configuration")
}

const PULLED: &str = r#"{"Response":{"EventSet":[{"EventHandle":"h1","EventType":"NewFileUpload","FileUploadEvent":{"FileId":"f1"},"ProcedureStateChangeEvent":null},{"EventHandle":"h2","EventType":"NewFileUpload","FileUploadEvent":{"FileId":"f2"}}],"RequestId":"r"}}"#;

#[test]
fn a_poll_acknowledges_only_what_was_queued() {
    use mediahook::gateway::poll::poll;
    let c = pulling();
    let source = c.sources.pull[0].clone();
    assert_eq!(source.name(), "tencent-vod:1500001");
    let ports = Memory::default();
    ports.answer("PullEvents", 200, PULLED);
    ports.answer("ConfirmEvents", 200, r#"{"Response":{"RequestId":"r"}}"#);
    // The queue is down: nothing is acknowledged, Tencent hands the events out again.
    ports.fail_queue.set(true);
    let report = run(poll(&ports, &c, &source));
    assert_eq!((report.events, report.accepted, report.acknowledged, report.outcome), (2, 0, 0, "partial"));
    assert!(ports.api_calls.borrow().iter().all(|(a, _, _)| a == "PullEvents"));
    ports.fail_queue.set(false);
    let report = run(poll(&ports, &c, &source));
    assert_eq!((report.events, report.acknowledged, report.outcome), (2, 2, "acknowledged"));
    let confirm = ports.api_calls.borrow().last().cloned().unwrap();
    assert_eq!(confirm.0, "ConfirmEvents");
    assert_eq!(confirm.2, r#"{"EventHandles":["h1","h2"],"SubAppId":1500001}"#);
    let sent = ports.sent.borrow();
    assert_eq!(sent.len(), 2);
    assert!(sent.iter().all(|m| m.claim && m.signature.is_none() && m.confirm.is_none()));
    assert!(sent[0].body.as_deref().unwrap().ends_with(r#""verified_by":"provider_api"}"#));
    assert!(report.to_json().starts_with(r#"{"msg":"pull","source":"tencent-vod:1500001","events":2"#));
    // Refused credentials: reported, nothing accepted.
    ports.answer("PullEvents", 200, r#"{"Response":{"Error":{"Code":"AuthFailure.SignatureFailure","Message":"x"}}}"#);
    ports.api.borrow_mut().get_mut("PullEvents").unwrap().remove(0);
    let report = run(poll(&ports, &c, &source));
    assert_eq!(report.outcome, "refused");
    assert!(report.failed() && !report.to_json().contains("TencentTestSecretKey"));
    // An event without its handle cannot be acknowledged: kept where an operator sees it.
    ports.answer(
        "PullEvents",
        200,
        r#"{"Response":{"EventSet":[{"EventType":"NewFileUpload","FileUploadEvent":{"FileId":"f9"}}]}}"#,
    );
    ports.api.borrow_mut().get_mut("PullEvents").unwrap().remove(0);
    let calls = ports.api_calls.borrow().len();
    let report = run(poll(&ports, &c, &source));
    assert_eq!((report.events, report.accepted, report.acknowledged, report.outcome), (1, 1, 0, "partial"));
    assert_eq!(ports.api_calls.borrow().len(), calls + 1, "no ConfirmEvents without a handle");
    let letter = ports.letters.borrow().last().cloned().unwrap();
    assert_eq!(letter.reason, DeadReason::InvalidEvent);
    assert!(letter.detail.contains("EventHandle") && letter.body.unwrap().contains("f9"), "{}", letter.detail);
}

#[test]
fn a_confirmed_event_is_retried_with_what_the_api_said_and_not_looked_up_again() {
    let c = confirming(&[]);
    let ports = Memory { origin_status: Cell::new(Some(503)), ..Memory::default() };
    accept_forward(&ports, &c, &ims_body("")).0.unwrap();
    ports.answer("GetMediaProducingJob", 200, JOB_SUCCESS);
    run(consume(&ports, &c, &take_batch(&ports), false));
    let retry = ports.sent.borrow()[0].clone();
    assert!(retry.confirm.is_none() && retry.attempts == 1);
    assert!(retry.body.as_deref().unwrap().contains(r#""verified_by":"provider_api","confirmed":{"#));
    ports.origin_status.set(Some(200));
    run(consume(&ports, &c, &take_batch(&ports), false));
    assert_eq!(ports.api_calls.borrow().len(), 1, "one lookup");
    let posted = ports.posted.borrow();
    assert_eq!(posted.len(), 2);
    assert_eq!(posted[0], posted[1], "the retry carries the same confirmed event");
}
