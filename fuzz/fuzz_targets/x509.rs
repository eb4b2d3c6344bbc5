//! Fuzz target `x509`: see `imecert_fuzz::x509` for what it runs and asserts.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| imecert_fuzz::x509(data));
