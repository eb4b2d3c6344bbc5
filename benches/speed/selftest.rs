//! Unit tests of the benchmark's own input generators: `cargo test --bench speed_selftest`.
//!
//! The criterion target (`speed`, no test harness) cannot hold `#[test]`s, so this small target
//! includes the generator modules by path and tests them here. Kept out of `cargo test` and
//! CI (a plain `cargo test` builds no bench target), like the benchmarks themselves.

#[cfg(not(target_arch = "wasm32"))]
#[path = "reg_export.rs"]
mod reg_export;
#[cfg(not(target_arch = "wasm32"))]
#[path = "synthetic.rs"]
mod synthetic;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod reg_export_tests {
    use super::reg_export::*;
    use ime_cert_inspector::ingest::reg::{RegEncoding, RegistryState, parse_reg_bytes};

    #[test]
    fn export_reaches_the_target_size_and_parses_without_bad_lines() {
        let bytes = utf16le_export(1 << 20, 7);
        assert!(bytes.len() >= 1 << 20, "{} bytes", bytes.len());
        assert!(bytes.len() < (1 << 20) + 4096, "{} bytes", bytes.len());
        let mut state = RegistryState::new();
        let summary = parse_reg_bytes(&mut state, &bytes).expect("a generated export parses");
        assert_eq!(summary.encoding, RegEncoding::Utf16Le { bom: true });
        assert_eq!(summary.bad_line_count, 0, "{:?}", summary.bad_lines);
        assert_eq!(summary.keys_kept, 3);
        assert!(
            summary.other_keys > 300,
            "{} other keys",
            summary.other_keys
        );
        let facts = state.facts();
        assert!(facts.enrollments.first().is_some_and(|e| e.is_intune()));
        assert!(facts.cert_metadata.is_some());
    }

    #[test]
    fn binary_values_wrap_over_continuation_lines_within_80_columns() {
        let mut generator = ExportGenerator::new(1);
        let mut text = String::new();
        for _ in 0..30 {
            generator.push_key(&mut text);
        }
        let continued = text.lines().filter(|l| l.ends_with('\\')).count();
        assert!(continued > 30, "{continued} continuation lines");
        // Only binary values wrap (regedit writes long strings on one line).
        let binary = |l: &&str| l.starts_with("  ") || l.contains("=hex");
        assert!(text.lines().filter(binary).all(|l| l.len() <= 80));
        assert!(text.contains("=hex(2):") && text.contains("=hex(7):"));
    }

    #[test]
    fn the_same_seed_gives_the_same_bytes() {
        assert_eq!(utf16le_export(200_000, 3), utf16le_export(200_000, 3));
        assert_ne!(utf16le_export(200_000, 3), utf16le_export(200_000, 4));
    }

    #[test]
    fn the_stream_starts_with_the_bom_and_stops_after_the_target() {
        let mut stream = ExportStream::new(3 << 20, 9);
        let first = stream.next_chunk().expect("a first chunk");
        assert_eq!(first.get(..2), Some(&[0xFF, 0xFE][..]));
        let mut total = first.len() as u64;
        while let Some(chunk) = stream.next_chunk() {
            assert!(chunk.len() <= 2 * CHUNK_TEXT + 8192);
            total += chunk.len() as u64;
        }
        assert!(total >= 3 << 20);
        assert!(stream.keys_written() > 1000);
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod synthetic_tests {
    use super::synthetic::*;
    use ime_cert_inspector::engine;
    use ime_cert_inspector::scenario::Store;
    use ime_cert_inspector::utc::UtcTime;

    #[test]
    fn evaluated_at_is_the_fixture_time() {
        assert_eq!(
            UtcTime::parse_rfc3339("2026-11-24T10:00:00Z"),
            Some(EVALUATED_AT)
        );
    }

    #[test]
    fn scenarios_have_the_asked_size_distinct_thumbprints_and_the_mix() {
        let s = scenario(1000);
        assert_eq!(s.certificates.len(), 1000);
        let mut thumbprints: Vec<_> = s.certificates.iter().map(|c| &c.facts.thumbprint).collect();
        thumbprints.sort();
        thumbprints.dedup();
        assert_eq!(thumbprints.len(), 1000);
        assert!(s.certificates.iter().any(|c| !c.facts.is_mdm()));
        assert!(
            s.certificates
                .iter()
                .any(|c| c.store == Store::CurrentUserMy)
        );
        assert!(
            s.certificates
                .iter()
                .any(|c| c.facts.is_expired_at(EVALUATED_AT))
        );
        assert!(
            s.certificates
                .iter()
                .any(|c| c.facts.is_valid_at(EVALUATED_AT))
        );
        let named = s
            .registry
            .enrollments
            .first()
            .and_then(|e| e.dmp_cert_thumbprint.clone());
        assert!(named.is_some_and(|t| s.certificates.iter().any(|c| c.facts.thumbprint == t)));
    }

    #[test]
    fn the_engine_judges_every_size_and_walks_the_task() {
        for count in [1, 10, 100] {
            let trace = engine::evaluate(&scenario(count));
            assert!(!trace.nodes.is_empty(), "{count} certificates");
        }
    }
}
