//! Fuzz target `share`: see `imecert_fuzz::share` for what it runs and asserts.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| imecert_fuzz::share(data));
