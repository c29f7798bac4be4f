#![no_main]
#[path = "../targets.rs"]
mod targets;
libfuzzer_sys::fuzz_target!(|data: &[u8]| targets::verify_round_trip(mediahook::Provider::Mux, data));
