//! Pulled events read into the callbacks they stand for: Tencent's `EventContent` less its
//! `EventHandle`, MNS messages (JSON or base64) out of their XML; each gets the id the same
//! event gets when it is pushed.
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use base64::Engine;
use mediahook::gateway::pull::{mns_messages, tencent_event};
use mediahook::{parse_event, sign, AuthKey, ErrorCode, Provider, SignInput};

const TENCENT: &str = include_str!("fixtures/tencent-vod/v3_ProcedureStateChanged.json");
const IMS: &str = include_str!("fixtures/alibaba-ims/ProduceMediaComplete.json");

#[test]
fn a_pulled_tencent_event_has_the_pushed_events_id() {
    // Pushed: the body signed with Sign and T.
    let key = AuthKey::new("TencentKey123456", 1).unwrap();
    let signed = sign(
        Provider::TencentVod,
        &SignInput { url: "", key: &key, timestamp: 1_700_000_600, body: TENCENT.as_bytes() },
    )
    .unwrap();
    let pushed = parse_event(Provider::TencentVod, &signed.body, "https://hooks.example.com/tencent/vod").unwrap();
    // Pulled: the same event, its handle first and another payload member null, as PullEvents
    // returns it.
    let inner = TENCENT.trim().strip_prefix('{').unwrap();
    let content = format!(r#"{{"EventHandle":"handle-1","FileUploadEvent":null,{inner}"#);
    let pulled = tencent_event(&content).unwrap();
    assert_eq!(pulled.handle, "handle-1");
    assert!(!pulled.body.contains("EventHandle"), "{}", pulled.body);
    let event = parse_event(Provider::TencentVod, pulled.body.as_bytes(), "").unwrap();
    assert_eq!(event.id, pushed.id, "push and pull side by side deliver one event");
    assert_eq!(event.as_json(), pushed.as_json(), "and the same event JSON");
}

#[test]
fn a_pulled_tencent_event_without_a_handle_cannot_be_acknowledged() {
    let e = tencent_event(r#"{"EventType":"NewFileUpload","FileUploadEvent":{}}"#).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidEvent);
    assert_eq!(tencent_event(r#"{"EventHandle":"#).unwrap_err().code(), ErrorCode::MalformedJson);
}

#[test]
fn mns_messages_are_read_as_json_or_base64_with_the_pushed_events_id() {
    let escaped = IMS.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;");
    let encoded = base64::engine::general_purpose::STANDARD.encode(IMS.trim());
    let xml = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><Messages xmlns="http://mns.aliyuncs.com/doc/v1"><Message><MessageId>5F29</MessageId><ReceiptHandle>1-ODU4OTkzNDU5NC0xNDM1MTk3NjAwLTItMTA=</ReceiptHandle><MessageBodyMD5>x</MessageBodyMD5><MessageBody>{escaped}</MessageBody><DequeueCount>1</DequeueCount></Message><Message><MessageId>5F2A</MessageId><ReceiptHandle>1-two</ReceiptHandle><MessageBody>{encoded}</MessageBody></Message></Messages>"#
    );
    let messages = mns_messages(&xml).unwrap();
    assert_eq!(messages.len(), 2);
    assert_eq!(
        (messages[0].id.as_str(), messages[0].receipt_handle.as_str()),
        ("5F29", "1-ODU4OTkzNDU5NC0xNDM1MTk3NjAwLTItMTA=")
    );
    assert_eq!(messages[0].body, IMS.trim());
    assert_eq!(messages[1].body, IMS.trim());
    let pushed = parse_event(Provider::AlibabaIms, IMS.trim().as_bytes(), "").unwrap();
    for m in &messages {
        assert_eq!(parse_event(Provider::AlibabaIms, m.body.as_bytes(), "").unwrap().id, pushed.id);
    }
    // One <Message> (ReceiveMessage), numeric references too.
    let one = mns_messages("<Message><MessageId>a</MessageId><ReceiptHandle>r</ReceiptHandle><MessageBody>{&#34;a&#x22;:1}</MessageBody></Message>")
        .unwrap();
    assert_eq!(one[0].body, r#"{"a":1}"#);
    assert!(mns_messages("<Messages></Messages>").unwrap().is_empty());
}

#[test]
fn an_mns_message_that_cannot_be_acknowledged_or_read_is_an_error() {
    for xml in [
        "<Message><MessageId>a</MessageId><MessageBody>{}</MessageBody></Message>",
        "<Message><MessageId>a</MessageId><ReceiptHandle>r</ReceiptHandle><MessageBody>not json</MessageBody></Message>",
        "<Message><MessageId>a</MessageId><ReceiptHandle>r</ReceiptHandle><MessageBody>{&bogus;}</MessageBody></Message>",
        "<Message><MessageId>a</MessageId>",
    ] {
        assert!(mns_messages(xml).is_err(), "{xml}");
    }
}
