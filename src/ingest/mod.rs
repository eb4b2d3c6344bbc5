//! Bytes in, typed inputs out. Every decoder here treats bad input as normal input: it returns a
//! specific error (or a partial result plus errors) and never panics.
