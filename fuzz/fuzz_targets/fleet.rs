//! Fuzz target `fleet`: see `imecert_fuzz::fleet` for what it runs and asserts.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| imecert_fuzz::fleet(data));
