//! Fuzz target `pkcs7`: see `imecert_fuzz::pkcs7` for what it runs and asserts.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| imecert_fuzz::pkcs7(data));
