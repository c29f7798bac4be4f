//! IMS events: every sample of the provider's event list, fully typed, lossless, round-tripping.
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

mod common;
use common::events::*;
use mediahook::events::{Embedded, Id64, ImsBody};
use mediahook::{parse_event, ErrorCode, EventData, Provider};

fn ims(body: &str) -> mediahook::events::ImsEvent {
    match parse_event(Provider::AlibabaIms, body.as_bytes(), "").expect("parses").data() {
        EventData::AlibabaIms(e) => e,
        other => panic!("not IMS: {other:?}"),
    }
}

#[test]
fn every_fixture_is_known_fully_typed_and_lossless() {
    assert_eq!(IMS_FIXTURES.len(), 29);
    for (name, body) in IMS_FIXTURES {
        let event = parse_event(Provider::AlibabaIms, body.as_bytes(), "").unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(event.is_known(), "{name}");
        assert_eq!(event.event_type, *name);
        let original: serde_json::Value = serde_json::from_str(body).unwrap();
        // Every key of the sample is a documented field (nothing fell into `extra`).
        let doc = ImsBody::schema_of(name).expect("schema").schema;
        assert_fully_typed(&original["MessageBody"], doc, &format!("{name}.MessageBody"));
        // The normalised form holds the same information, only in normalised shapes.
        let normalised = serde_json::to_value(&event).unwrap();
        assert_equivalent(&original, &normalised["data"], name);
        assert_round_trip(&event);
    }
}

#[test]
fn fields_have_their_types() {
    let e = ims(fixture("FileUploadComplete"));
    assert_eq!(e.user_id, Id64(1833220977560785));
    let ImsBody::FileUploadComplete(b) = &e.message_body else { panic!("{:?}", e.message_body) };
    assert_eq!(
        (b.size, b.media_type.as_str(), b.app_id.as_str(), b.status.as_str()),
        (5510872, "video", "app-1000000", "Success")
    );

    let ImsBody::MediaConvertOutputComplete(b) = ims(fixture("MediaConvertOutputComplete")).message_body else {
        panic!()
    };
    let meta = b.out_file_meta.as_ref().unwrap();
    let audio = &meta.audio_stream_info_list.as_ref().unwrap()[0];
    assert_eq!((audio.bitrate, audio.channels, audio.sample_rate), (Some(129.063), Some(2), Some(44100)));
    let video = &meta.video_stream_info_list.as_ref().unwrap()[0];
    assert_eq!(
        (video.width, video.height, video.fps, video.bit_rate),
        (Some(1280), Some(720), Some(30.0), Some(7086.421))
    );
    let play = meta.play_stream_info.as_ref().unwrap();
    assert_eq!(
        (play.file_size, play.user_id, play.definition),
        (Some(23147779), Some(Id64(1833220977560785)), Some(3))
    );
    assert_eq!(meta.file_basic_info.as_ref().unwrap().duration, Some(25.0));
    let user_data = b.user_data.as_ref().unwrap();
    assert_eq!(user_data.json.as_ref().unwrap()["ImsSrc"], "Workflow");

    let ImsBody::MediaBaseChangeComplete(b) = ims(fixture("MediaBaseChangeComplete")).message_body else { panic!() };
    let content = b.media_content.json.as_ref().expect("decoded");
    let cover = content.cover_url.as_ref().unwrap().json.as_ref().unwrap();
    assert_eq!(cover.new_value.as_ref().unwrap(), "http://cdn.com/ee.png");

    let ImsBody::VideoAnalysisComplete(b) = ims(fixture("VideoAnalysisComplete")).message_body else { panic!() };
    assert_eq!(
        (b.meta_info.size, b.meta_info.height, b.meta_info.fps, b.meta_info.duration),
        (77570208, 1440, 24.0, 68.576667)
    );

    let ImsBody::TranscodeParentComplete(b) = ims(fixture("TranscodeParentComplete")).message_body else { panic!() };
    assert_eq!(b.jobs.len(), 1);
    assert_eq!(b.jobs[0].status, "Success");

    let ImsBody::AiProduceComplete(b) = ims(fixture("AIProduceComplete")).message_body else { panic!() };
    assert_eq!(b.output_files.len(), 3);
    assert_eq!(b.result.json.as_ref().unwrap()[0]["Url"], "meinv-00002.jpg");

    let ImsBody::LiveRecordFileCreated(b) = ims(fixture("LiveRecordFileCreated")).message_body else { panic!() };
    assert_eq!((b.duration, b.start_time, b.stop_time), (35.09, 1656466420, 1656466456));

    let ImsBody::LiveSnapshotFileCreated(b) = ims(fixture("LiveSnapshotFileCreated")).message_body else { panic!() };
    assert_eq!((b.job_id.as_str(), b.size), ("cef3de8c-b02c-4462-ad02-****", 50000));
    let ImsBody::SnapshotComplete(b) = ims(fixture("SnapshotComplete")).message_body else { panic!() };
    assert_eq!((b.count, b.template_config.json.as_ref().unwrap()["Width"].as_i64()), (5, Some(1280)));
}

#[test]
fn both_names_of_the_output_group_event_map_to_one_type() {
    let sample = fixture("ApsaraVideoForMediaProcessingOutputGroupComplete");
    let renamed = sample.replace("ApsaraVideoForMediaProcessingOutputGroupComplete", "MediaConvertOutputGroupComplete");
    for body in [sample.to_owned(), renamed] {
        let ImsBody::MediaConvertOutputGroupComplete(b) = ims(&body).message_body else { panic!("{body}") };
        assert_eq!(b.name, "HLS");
    }
}

#[test]
fn variants_parse_and_keep_everything() {
    for (name, body) in IMS_FIXTURES {
        for variant in variants(body) {
            let event = parse_event(Provider::AlibabaIms, variant.as_bytes(), "")
                .unwrap_or_else(|e| panic!("{name}: {e}\n{variant}"));
            assert!(event.is_known(), "{name}");
            let original: serde_json::Value = serde_json::from_str(&variant).unwrap();
            let normalised = serde_json::to_value(&event).unwrap();
            assert_equivalent(&original, &normalised["data"], name);
            assert_round_trip(&event);
        }
    }
}

#[test]
fn unknown_fields_are_kept_at_every_level() {
    let body = fixture("MediaConvertOutputComplete")
        .replacen("\"JobId\"", "\"NewTopLevelThing\": {\"x\": 1}, \"JobId\"", 1)
        .replacen("\"codecName\"", "\"codecFutureField\": [1, 2], \"codecName\"", 1)
        .replacen("\"EventTime\"", "\"Region\": \"cn-shanghai\", \"EventTime\"", 1);
    let e = ims(&body);
    assert_eq!(e.extra["Region"], "cn-shanghai");
    let ImsBody::MediaConvertOutputComplete(b) = &e.message_body else { panic!() };
    assert_eq!(b.extra["NewTopLevelThing"]["x"], 1);
    let audio = &b.out_file_meta.as_ref().unwrap().audio_stream_info_list.as_ref().unwrap()[0];
    assert_eq!(audio.extra["codecFutureField"], serde_json::json!([1, 2]));
}

#[test]
fn sixty_four_bit_ids_are_exact_and_strings() {
    for id in ["9007199254740993", "18446744073709551615", "1", "0"] {
        for form in [id.to_owned(), format!("\"{id}\"")] {
            let body = fixture("RegisterMediaComplete").replace("1833202230100785", &form);
            let event = parse_event(Provider::AlibabaIms, body.as_bytes(), "").unwrap();
            let EventData::AlibabaIms(e) = &event.data() else { panic!() };
            assert_eq!(e.user_id, Id64(id.parse().unwrap()), "{form}");
            assert_eq!(serde_json::to_value(&event).unwrap()["data"]["UserId"], id);
        }
    }
    for bad in ["18446744073709551616", "-1", "1.5", "\"12a\"", "null", "true"] {
        let body = fixture("RegisterMediaComplete").replace("1833202230100785", bad);
        let err = parse_event(Provider::AlibabaIms, body.as_bytes(), "").unwrap_err();
        assert_eq!((err.code(), err.to_string().contains("$.UserId")), (ErrorCode::InvalidEvent, true), "{bad}: {err}");
    }
}

#[test]
fn embedded_json_as_string_object_or_not_json() {
    let base = fixture("ProduceMediaComplete");
    let as_object = base.replace(
        r#""UserData": "{\"NotifyAddress\":\"http://xx.xx.xxx\"}""#,
        r#""UserData": {"NotifyAddress": "http://xx.xx.xxx"}"#,
    );
    assert_ne!(as_object, base);
    let not_json =
        base.replace(r#""UserData": "{\"NotifyAddress\":\"http://xx.xx.xxx\"}""#, r#""UserData": "plain text""#);
    let get = |b: &str| match ims(b).message_body {
        ImsBody::ProduceMediaComplete(p) => p.user_data.unwrap(),
        _ => panic!(),
    };
    let s = get(base);
    assert_eq!(
        (s.raw.as_deref(), s.json.as_ref().unwrap()["NotifyAddress"].as_str()),
        (None, Some("http://xx.xx.xxx")),
        "the decoded document alone"
    );
    let o = get(&as_object);
    assert_eq!((o.raw, o.json.unwrap()["NotifyAddress"].as_str()), (None, Some("http://xx.xx.xxx")));
    assert_eq!(get(&not_json), Embedded { raw: Some("plain text".into()), json: None });
}

#[test]
fn quirks_stray_spaces_file_url_and_milliseconds() {
    let body = fixture("FileUploadComplete")
        .replace("\"FileUrl\"", "\"FileURL\"")
        .replace("\"Status\"", "\"Status \"")
        .replace("2022-07-15T08:48:14Z", "2022-07-15T08:48:14:627Z");
    let event = parse_event(Provider::AlibabaIms, body.as_bytes(), "").unwrap();
    assert_eq!(event.time.as_deref(), Some("2022-07-15T08:48:14.627Z"));
    let n = serde_json::to_value(&event).unwrap();
    assert!(n["data"]["MessageBody"]["FileUrl"].as_str().unwrap().starts_with("http://outin"));
    assert_eq!(n["data"]["MessageBody"]["Status"], "Success");
    assert_eq!(n["data"]["EventTime"], "2022-07-15T08:48:14:627Z", "the original is kept in data");
    let odd_status = fixture("FileUploadComplete").replace("\"Success\"", "\"PartiallyDone\"");
    assert!(parse_event(Provider::AlibabaIms, odd_status.as_bytes(), "").is_ok());
}

#[test]
fn required_fields_and_impossible_types_give_paths() {
    let cases = [
        (fixture("FileUploadComplete").replace("\"MediaId\"", "\"MediaIdX\""), "$.MessageBody.MediaId"),
        (fixture("FileUploadComplete").replace("\"5510872\"", "\"big\""), "$.MessageBody.Size"),
        (fixture("VideoAnalysisComplete").replace("\"1440\"", "[1440]"), "$.MessageBody.MetaInfo.Height"),
        (fixture("TranscodeParentComplete").replace("\"JobId\"", "\"JobIdX\""), "$.MessageBody.Jobs[0].JobId"),
        (
            fixture("MediaConvertOutputComplete").replace("\"129.063\"", "\"loud\""),
            "$.MessageBody.OutFileMeta.audioStreamInfoList[0].bitrate",
        ),
        (fixture("FileUploadComplete").replace("\"EventType\"", "\"Type\""), "$.EventType"),
        (fixture("FileUploadComplete").replace("\"MessageBody\"", "\"Body\""), "$.MessageBody"),
        (
            r#"{"EventType":"FileUploadComplete","UserId":1,"EventTime":"t","MessageBody":[1]}"#.to_owned(),
            "$.MessageBody",
        ),
        ("[1,2]".to_owned(), "$"),
    ];
    for (body, path) in cases {
        let err = parse_event(Provider::AlibabaIms, body.as_bytes(), "").unwrap_err();
        match &err {
            mediahook::Error::InvalidEvent { path: p, .. } => assert_eq!(p, path, "{err}"),
            other => panic!("{path}: {other}"),
        }
    }
}

#[test]
fn malformed_and_truncated_bodies_never_panic() {
    for (name, body) in IMS_FIXTURES {
        for cut in (0..body.len()).step_by(7) {
            if let Err(e) = parse_event(Provider::AlibabaIms, &body.as_bytes()[..cut], "") {
                assert!(matches!(e.code(), ErrorCode::MalformedJson | ErrorCode::InvalidEvent), "{name} @{cut}: {e}");
            }
        }
    }
    assert_eq!(parse_event(Provider::AlibabaIms, b"{", "").unwrap_err().code(), ErrorCode::MalformedJson);
    assert_eq!(parse_event(Provider::AlibabaIms, b"\"str\"", "").unwrap_err().code(), ErrorCode::InvalidEvent);
}

#[test]
fn unknown_types_are_generic_and_keep_the_body() {
    let body = r#"{"EventType":"BrandNewEvent","UserId":7,"EventTime":"2026-01-01T00:00:00Z","MessageBody":{"a":{"b":[1,"2"]}}}"#;
    let event = parse_event(Provider::AlibabaIms, body.as_bytes(), "").unwrap();
    assert!(!event.is_known());
    let EventData::AlibabaIms(e) = &event.data() else { panic!() };
    assert_eq!(e.message_body, ImsBody::Unknown(serde_json::json!({"a":{"b":[1,"2"]}})));
    assert_round_trip(&event);
}
