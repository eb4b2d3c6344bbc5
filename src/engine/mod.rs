//! The decision engine: pure functions from a [`Scenario`](crate::scenario::Scenario) to a
//! [`Trace`]. No bytes, no clocks, no I/O.

mod trace;

pub use trace::*;
