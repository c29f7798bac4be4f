//! ApsaraVideo VOD, Tencent VOD (3.0 and legacy 2.0) and ApsaraVideo Live events.
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

mod common;
use common::events::assert_round_trip;
use mediahook::events::{Id64, LiveBody, TencentBody, TencentEvent, VodBody};
use mediahook::{known_event_types, parse_event, ErrorCode, EventData, Provider};

fn parse(p: Provider, body: &str) -> mediahook::Event {
    let e = parse_event(p, body.as_bytes(), "").unwrap_or_else(|e| panic!("{e}\n{body}"));
    assert_round_trip(&e);
    e
}

#[test]
fn vod_upload_events_from_the_provider_docs() {
    let e = parse(
        Provider::AlibabaVod,
        r#"{"Status":"success","EventTime":"2017-03-20T07:49:17Z","EventType":"FileUploadComplete","VideoId":"43q91jdh7df****","Size":1439213,"FileUrl":"http://example-bucket-****.oss-cn-shanghai.aliyuncs.com/a.mp4","Extend":"{\"test\":\"your extend data\"}"}"#,
    );
    assert_eq!((e.event_type.as_str(), e.time.as_deref()), ("FileUploadComplete", Some("2017-03-20T07:49:17Z")));
    let EventData::AlibabaVod(v) = &e.data() else { panic!() };
    let VodBody::FileUploadComplete(b) = &v.body else { panic!("{:?}", v.body) };
    assert_eq!(
        (b.video_id.as_deref(), b.size, b.status.as_deref()),
        (Some("43q91jdh7df****"), Some(1439213), Some("success"))
    );
    assert_eq!(b.extend.as_ref().unwrap().json.as_ref().unwrap()["test"], "your extend data");

    let e = parse(
        Provider::AlibabaVod,
        r#"{"Status":"success","FileURL":"https://x/a.jpg","AppId":"app-1000000","EventType":"ImageUploadComplete","EventTime":"2024-04-10T01:37:14:627Z","Size":105520,"ImageId":"59bdbf10df76a8d8b6137a5ad12****"}"#,
    );
    assert_eq!(e.time.as_deref(), Some("2024-04-10T01:37:14.627Z"));
    let json = serde_json::to_value(&e).unwrap();
    assert_eq!(json["data"]["FileUrl"], "https://x/a.jpg");
    assert_eq!(json["data"]["Size"], 105520);
}

#[test]
fn vod_transcode_with_streams_and_every_type_is_known() {
    let e = parse(
        Provider::AlibabaVod,
        r#"{"EventTime":"2018-07-12T07:08:59Z","EventType":"TranscodeComplete","VideoId":"v1","Status":"success","StreamInfos":[{"Status":"success","Bitrate":"1020.5","Definition":"HD","Duration":"12.0","Encrypt":"1","FileUrl":"http://x/hd.m3u8","Format":"m3u8","Fps":"25","Height":720,"Width":1280,"Size":"32231"}]}"#,
    );
    let EventData::AlibabaVod(v) = &e.data() else { panic!() };
    let VodBody::TranscodeComplete(b) = &v.body else { panic!() };
    let s = &b.stream_infos.as_ref().unwrap()[0];
    assert_eq!((s.bitrate, s.size, s.height, s.fps), (Some(1020.5), Some(32231), Some(720), Some(25.0)));
    assert_eq!(s.encrypt, Some(true), "the docs' Boolean, sent as \"1\"");
    // `Encrypt` is a Boolean in the docs' table, sent as a boolean, 0/1 or a string.
    for (sent, read) in [("false", false), ("0", false), ("1", true), ("\"true\"", true)] {
        let flag =
            format!(r#"{{"EventTime":"t","EventType":"TranscodeComplete","StreamInfos":[{{"Encrypt":{sent}}}]}}"#);
        let json: serde_json::Value = serde_json::from_str(parse(Provider::AlibabaVod, &flag).as_json()).unwrap();
        assert_eq!(json["data"]["StreamInfos"][0]["Encrypt"], read, "{sent}");
    }
    let bad = r#"{"EventTime":"t","EventType":"TranscodeComplete","StreamInfos":[{"Encrypt":[]}]}"#;
    let err = parse_event(Provider::AlibabaVod, bad.as_bytes(), "").unwrap_err();
    assert_eq!(err.to_string(), "invalid event at $.StreamInfos[0].Encrypt: expected a boolean, found an array");
    assert_eq!(known_event_types(Provider::AlibabaVod).len(), 22);
    for t in known_event_types(Provider::AlibabaVod) {
        let body = format!(
            r#"{{"EventTime":"2020-01-01T00:00:00Z","EventType":"{t}","Status":"success","VideoId":"v","ImageId":"i","AttachedMediaId":"a","JobId":"j","MediaId":"m"}}"#
        );
        assert!(parse(Provider::AlibabaVod, &body).is_known(), "{t}");
    }
    // Only the envelope is required: the provider's own samples omit `Status` and `VideoId`.
    assert!(parse(Provider::AlibabaVod, r#"{"EventTime":"t","EventType":"FileUploadComplete"}"#).is_known());
    let err = parse_event(Provider::AlibabaVod, br#"{"EventType":"FileUploadComplete"}"#, "").unwrap_err();
    assert_eq!(err.to_string(), "invalid event at $.EventTime: missing required field");
}

#[test]
fn tencent_v3_events() {
    let e = parse(
        Provider::TencentVod,
        r#"{"EventType":"NewFileUpload","Sign":"3eb51b374d429806a087e17684c371df","T":1519376590,"EventHandle":"h1","FileUploadEvent":{"FileId":"5285485487985271487","MediaBasicInfo":{"Name":"demo","ClassId":"0","TagSet":["a"]},"ProcedureTaskId":""}}"#,
    );
    let EventData::TencentVod(TencentEvent::V3 { body: TencentBody::NewFileUpload(b), extra, body_key, .. }) =
        &e.data()
    else {
        panic!("{:?}", e.data())
    };
    assert_eq!((b.file_id.as_deref(), body_key.as_str()), (Some("5285485487985271487"), "FileUploadEvent"));
    assert_eq!(b.media_basic_info.as_ref().unwrap().class_id, Some(0));
    assert_eq!(extra["EventHandle"], "h1");
    let json = serde_json::to_value(&e).unwrap();
    assert!(json["data"].get("Sign").is_none() && json["data"].get("T").is_none(), "auth fields are not event data");

    let e = parse(
        Provider::TencentVod,
        r#"{"EventType":"FileDeleted","FileDeleteEvent":{"FileIdSet":["1","2"],"FileDeleteResultInfo":[{"FileId":"1","DeleteParts":[{"Type":"TranscodeFiles","Definition":100010}]}]}}"#,
    );
    let EventData::TencentVod(TencentEvent::V3 { body: TencentBody::FileDeleted(b), .. }) = &e.data() else { panic!() };
    assert_eq!(b.file_id_set, Some(vec!["1".to_owned(), "2".to_owned()]));
    let e = parse(
        Provider::TencentVod,
        r#"{"EventType":"PersistenceComplete","PersistenceCompleteEvent":{"FileId":"5285","PersistenceSource":"SimpleHlsClip"}}"#,
    );
    let EventData::TencentVod(TencentEvent::V3 { body: TencentBody::PersistenceComplete(b), .. }) = &e.data() else {
        panic!()
    };
    assert_eq!(b.persistence_source.as_deref(), Some("SimpleHlsClip"));
    let e = parse(
        Provider::TencentVod,
        r#"{"EventType":"ProcedureStateChanged","ProcedureStateChangeEvent":{"TaskId":"t-1","Status":"FINISH","ErrCode":"0","FileId":"5285","MediaProcessResultSet":[{"Type":"Transcode"}]}}"#,
    );
    let EventData::TencentVod(TencentEvent::V3 { body: TencentBody::ProcedureStateChanged(b), .. }) = &e.data() else {
        panic!()
    };
    assert_eq!((b.status.as_deref(), b.err_code), (Some("FINISH"), Some(0)));

    let missing = parse_event(Provider::TencentVod, br#"{"EventType":"NewFileUpload"}"#, "").unwrap_err();
    assert_eq!(missing.to_string(), "invalid event at $.FileUploadEvent: missing required field");
    // The SDK and the doc sample disagree on WechatPublishComplete's member: both are read.
    for key in ["WechatPublishCompleteEvent", "WechatPublishComplete"] {
        let e = parse(
            Provider::TencentVod,
            &format!(r#"{{"EventType":"WechatPublishComplete","{key}":{{"TaskId":"t"}}}}"#),
        );
        assert!(e.is_known(), "{key}");
    }
    // An unconfirmed type name is typed by the payload member it carries; other types'
    // members sent as null are left out.
    let e = parse(
        Provider::TencentVod,
        r#"{"EventType":"SceneAigcImageTaskComplete","FileUploadEvent":null,"SceneAigcImageCompleteEvent":{"TaskId":"t","Status":"FINISH"}}"#,
    );
    assert!(e.is_known());
    let json: serde_json::Value = serde_json::from_str(e.as_json()).unwrap();
    assert_eq!(json["data"]["SceneAigcImageCompleteEvent"]["TaskId"], "t");
    assert!(json["data"].get("FileUploadEvent").is_none());
    let unknown = parse(Provider::TencentVod, r#"{"EventType":"FutureEvent","FutureEventPayload":{"a":1}}"#);
    assert!(!unknown.is_known());
}

#[test]
fn tencent_legacy_format() {
    let e = parse(
        Provider::TencentVod,
        r#"{"version":"4.0","eventType":"NewFileUpload","data":{"status":0,"message":"","vodTaskId":"1400-x","fileId":"5285485487985271487","fileUrl":"http://x/a.mp4"}}"#,
    );
    let EventData::TencentVod(TencentEvent::Legacy { version, data, .. }) = &e.data() else { panic!("{:?}", e.data()) };
    assert_eq!(version, "4.0");
    assert!(e.is_known());
    assert_eq!(e.event_type, "NewFileUpload");
    assert!(format!("{data:?}").contains("5285485487985271487"));
}

#[test]
fn live_stream_callbacks_from_the_query_and_json() {
    let url = "https://cb.example.com/alibaba/live?action=publish&ip=1.2.3.4&id=stream%201&app=live.example.com&appname=live&time=1519375990&usrargs=a%3D1";
    let e = parse_event(Provider::AlibabaLive, b"", url).unwrap();
    assert_round_trip(&e);
    assert_eq!((e.event_type.as_str(), e.time.as_deref()), ("publish", Some("2018-02-23T08:53:10Z")));
    let EventData::AlibabaLive(l) = &e.data() else { panic!() };
    let LiveBody::Publish(s) = &l.body else { panic!() };
    assert_eq!((s.id.as_str(), s.usrargs.as_deref(), s.time), ("stream 1", Some("a=1"), Some(1519375990)));

    let rec = parse(
        Provider::AlibabaLive,
        r#"{"domain":"live.example.com","app":"live","stream":"s1","uri":"record/live/s1/a.m3u8","duration":69.403,"start_time":1474354391,"stop_time":1474354460}"#,
    );
    assert_eq!(rec.event_type, "RecordFileCreated");
    assert_eq!(rec.time.as_deref(), Some("2016-09-20T06:54:20Z"));
    let paused = parse(Provider::AlibabaLive, r#"{"event":"record_paused","domain":"d","app":"a","stream":"s"}"#);
    assert!(paused.is_known());
    let err = parse_event(Provider::AlibabaLive, br#"{"domain":"d"}"#, "").unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidEvent);
}

#[test]
fn ids_and_time_helpers() {
    let a = parse_event(
        Provider::TencentVod,
        br#"{"EventType":"FileDeleted","FileDeleteEvent":{"FileIdSet":["1"]},"Sign":"x","T":1}"#,
        "",
    )
    .unwrap();
    let b = parse_event(
        Provider::TencentVod,
        br#"{"T":2,"Sign":"y","EventType":"FileDeleted","FileDeleteEvent":{"FileIdSet":["1"]}}"#,
        "",
    )
    .unwrap();
    assert_eq!(a.id, b.id, "Tencent's per-delivery Sign/T do not change the id");
    let c =
        parse_event(Provider::TencentVod, br#"{"EventType":"FileDeleted","FileDeleteEvent":{"FileIdSet":["2"]}}"#, "")
            .unwrap();
    assert_ne!(a.id, c.id);
    let ims =
        parse_event(Provider::AlibabaIms, br#"{"EventType":"X","UserId":1,"EventTime":"t","MessageBody":{}}"#, "")
            .unwrap();
    assert!(ims.id.starts_with("mh_") && ims.id.len() == 35);
    assert_eq!(ims.time, None, "a time that is not one stays only in data");
    let _ = Id64(0);
}

#[test]
fn event_id_of_is_the_id_parse_event_gives() {
    use mediahook::events::event_id_of;
    let cases: [(Provider, &[u8], &str); 3] = [
        (Provider::AlibabaIms, br#"{"EventType":"X","UserId":1,"EventTime":"t","MessageBody":{}}"#, ""),
        (
            Provider::TencentVod,
            br#"{"EventType":"FileDeleted","Sign":"x","T":1,"FileDeleteEvent":{"FileIdSet":["1"]}}"#,
            "",
        ),
        (Provider::AlibabaLive, b"", "https://h/alibaba/live?action=publish&id=s1&app=a"),
    ];
    for (provider, body, url) in cases {
        assert_eq!(
            event_id_of(provider, body, url).unwrap(),
            parse_event(provider, body, url).unwrap().id,
            "{provider}"
        );
    }
}

/// A Mux webhook as its docs and SDK types describe it: the envelope, `data` typed by the
/// generated records (numbers sent as strings read as numbers, unknown fields kept).
const MUX_READY: &str = r#"{"type":"video.asset.ready","object":{"type":"asset","id":"0201p02fGKPE7MrbC269XRD7LpcHhrmbu0002"},"id":"3a56ac3d-33da-4366-855b-f592d898409d","environment":{"name":"Production","id":"j0863n"},"data":{"tracks":[{"type":"video","max_width":1280,"max_height":544,"max_frame_rate":23.976,"id":"0201p02fGKPE7MrbC269XRD7LpcHhrmbu0002","duration":153.361542},{"type":"audio","max_channels":2,"id":"FzB95vBizv02bYNqO5QVzNWRrVo5SnQju","duration":153.361497}],"status":"ready","max_stored_resolution":"SD","max_stored_frame_rate":23.976,"id":"0201p02fGKPE7MrbC269XRD7LpcHhrmbu0002","duration":153.361542,"created_at":"1562889218","aspect_ratio":"40:17","playback_ids":[{"policy":"public","id":"cFG6Bk5VHzE6T1o02T5aM7ZZ9Ss00Lsy"}],"passthrough":"order-42","brand_new_field":{"x":1}},"created_at":"2019-07-11T23:54:02.000000Z","attempts":[]}"#;

#[test]
fn mux_events_are_typed_by_the_generated_records() {
    let e = parse(Provider::Mux, MUX_READY);
    assert_eq!(e.event_type, "video.asset.ready");
    assert_eq!(e.time.as_deref(), Some("2019-07-11T23:54:02.000000Z"));
    let data: serde_json::Value = serde_json::from_str(e.data_json()).unwrap();
    // `created_at` of the asset is documented as a number and sent as a string of seconds.
    assert_eq!(data["data"]["created_at"], serde_json::json!(1562889218));
    assert_eq!(data["data"]["brand_new_field"]["x"], 1, "unknown fields are kept as sent");
    let EventData::Mux(m) = &e.data() else { panic!() };
    assert_eq!(m.id, "3a56ac3d-33da-4366-855b-f592d898409d");
    let mediahook::events::MuxBody::VideoAssetReady(asset) = &m.data else { panic!("{:?}", m.data) };
    assert_eq!(asset.passthrough.as_deref(), Some("order-42"));
    assert_eq!(asset.tracks.as_ref().map(Vec::len), Some(2));
    assert_eq!(asset.playback_ids.as_ref().unwrap()[0].policy.as_deref(), Some("public"));
    assert!(known_event_types(Provider::Mux).contains(&"video.live_stream.active"));
}

#[test]
fn a_mux_events_id_is_muxs_so_its_retries_are_one_event() {
    let first = parse(Provider::Mux, MUX_READY);
    let retried = MUX_READY.replace(
        r#""attempts":[]"#,
        r#""attempts":[{"response_status_code":500,"id":"a1","created_at":"2019-07-11T23:55:02Z"}]"#,
    );
    let again = parse(Provider::Mux, &retried);
    assert_eq!(first.id, again.id);
    assert_eq!(mediahook::events::event_id_of(Provider::Mux, retried.as_bytes(), "").unwrap(), first.id);
    let other = parse(Provider::Mux, &MUX_READY.replace("3a56ac3d", "4b67bd4e"));
    assert_ne!(other.id, first.id);
    // An event without its id is not a Mux event.
    let e = parse_event(Provider::Mux, br#"{"type":"video.asset.ready","data":{}}"#, "").unwrap_err();
    assert_eq!((e.code(), e.to_string().contains("$.id")), (ErrorCode::InvalidEvent, true), "{e}");
    // An unknown type keeps its body, typed by nothing.
    let unknown = parse(Provider::Mux, r#"{"type":"video.asset.teleported","id":"u1","data":{"id":"a"}}"#);
    assert!(!unknown.is_known());
}

#[test]
fn cloudflare_stream_videos_are_named_by_their_state() {
    let error = r#"{"uid":"dd5d531a12de0c724bd1275a3b2bc9c6","readyToStream":false,"status":{"state":"error","step":"encoding","pctComplete":"39","errReasonCode":"ERR_MALFORMED_VIDEO","errReasonText":"The video was deemed to be corrupted or malformed."},"modified":"2019-01-01T01:02:21.076571Z"}"#;
    let e = parse(Provider::CloudflareStream, error);
    assert_eq!((e.event_type.as_str(), e.is_known()), ("video.error", true));
    assert_eq!(e.time.as_deref(), Some("2019-01-01T01:02:21.076571Z"));
    let data: serde_json::Value = serde_json::from_str(e.data_json()).unwrap();
    // The error example's short names take the documented ones; the percentage is a number.
    assert_eq!(data["status"]["errorReasonCode"], "ERR_MALFORMED_VIDEO");
    assert_eq!(data["status"]["pctComplete"], serde_json::json!(39));
    let EventData::CloudflareStream(s) = &e.data() else { panic!() };
    let mediahook::events::StreamBody::Error(video) = &s.body else { panic!("{:?}", s.body) };
    assert_eq!(video.status.state, "error");
    // Another state is kept, as an unknown type; a video without a state is not an event.
    let queued = parse(Provider::CloudflareStream, r#"{"uid":"x","status":{"state":"queued"}}"#);
    assert_eq!((queued.event_type.as_str(), queued.is_known()), ("video.queued", false));
    for body in [r#"{"uid":"x"}"#, r#"{"uid":"x","status":{"state":""}}"#, r#"{"uid":"x","status":"ready"}"#] {
        let e = parse_event(Provider::CloudflareStream, body.as_bytes(), "").unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidEvent, "{body}");
    }
    let e = parse_event(Provider::CloudflareStream, b"{\"uid\":", "").unwrap_err();
    assert_eq!(e.code(), ErrorCode::MalformedJson);
}

#[test]
fn volcengine_events_type_their_data() {
    let body = r#"{"RequestId":"2020072711510***05207114001CC4","Version":"1.0","EventType":"FileUploadByUrlComplete","EventTime":"2020-07-27T11:04:05Z","Data":{"Code":"Success","Message":"file upload success","JobId":"f08d26b0e963***9f208c1ca79cfd5d","SourceUrl":"http://xxx.mp4","CallbackArgs":"item id","Vid":"v02af6e500***3pbvh148u6ung0","SpaceName":"ecqc-live","SourceInfo":{"Height":"720","Width":1280,"Duration":"39.68","Size":3145728,"Format":"MP4"}}}"#;
    let e = parse(Provider::VolcengineVod, body);
    assert_eq!((e.event_type.as_str(), e.time.as_deref()), ("FileUploadByUrlComplete", Some("2020-07-27T11:04:05Z")));
    let EventData::VolcengineVod(v) = &e.data() else { panic!() };
    let mediahook::events::VolcBody::FileUploadByUrlComplete(d) = &v.data else { panic!("{:?}", v.data) };
    let source = d.source_info.as_ref().unwrap();
    assert_eq!((source.height, source.duration), (Some(720), Some(39.68)));
    assert_eq!(d.job_id.as_deref(), Some("f08d26b0e963***9f208c1ca79cfd5d"));
    // `Data` sent as a string holding the object is read the same.
    let inner = serde_json::json!({"Vid": "v1", "FileNames": ["a"]}).to_string();
    let as_string = serde_json::json!({"EventType": "DeleteMediaComplete", "Data": inner}).to_string();
    let e = parse(Provider::VolcengineVod, &as_string);
    let data: serde_json::Value = serde_json::from_str(e.data_json()).unwrap();
    assert_eq!(data["Data"]["FileNames"][0], "a");
    // `Data` is required.
    let e = parse_event(Provider::VolcengineVod, br#"{"EventType":"DeleteMediaComplete"}"#, "").unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidEvent);
}
