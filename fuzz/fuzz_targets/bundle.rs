//! Fuzz target `bundle`: see `imecert_fuzz::bundle` for what it runs and asserts.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| imecert_fuzz::bundle(data));
