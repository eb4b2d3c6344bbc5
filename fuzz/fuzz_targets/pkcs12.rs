//! Fuzz target `pkcs12`: see `imecert_fuzz::pkcs12` for what it runs and asserts.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| imecert_fuzz::pkcs12(data));
