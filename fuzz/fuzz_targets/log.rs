//! Fuzz target `log`: see `imecert_fuzz::log` for what it runs and asserts.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| imecert_fuzz::log(data));
