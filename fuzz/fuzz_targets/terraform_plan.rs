#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| blastgate::fuzzing::terraform_plan(data));
