//! A fleet held in memory and judged a slice at a time: the page's way through [`super`].
//!
//! The CLI streams a fleet through [`super::run`] and keeps only the rows. The page must keep
//! each device's token (a click opens the device, an edited assumption re-judges every device)
//! and may not block its one thread for seconds, so it reads the files into a [`FleetSource`]
//! once and judges it with a [`Judging`], a few hundred devices per step, yielding to the
//! browser between steps. Both end in the same [`Fleet`] rows as [`super::run`].

use std::rc::Rc;

use super::input::{InMemoryFleet, Record};
use super::{Fleet, FleetOptions};

/// The device rows of every fleet file opened so far, tokens included.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FleetSource {
    /// The files read, in order.
    pub files: Vec<String>,
    pub records: Vec<Record>,
    /// File-level problems (not an export, a Graph page without rows, unreadable JSON).
    pub notes: Vec<String>,
}

impl FleetSource {
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads one fleet file (its rows join the ones already read). A file that cannot be read
    /// at all becomes a note; the rows before the problem are kept.
    pub fn add_file(&mut self, name: &str, bytes: &[u8]) {
        let mut reader = self.start_file(name, bytes.to_vec());
        while !self.read_some(&mut reader, usize::MAX) {}
    }

    /// Starts reading a file, to go on with [`Self::read_some`] (the page reads a slice of rows
    /// at a time).
    pub fn start_file(&mut self, name: &str, bytes: Vec<u8>) -> InMemoryFleet {
        self.files.push(name.to_string());
        let records = &mut self.records;
        let notes = &mut self.notes;
        InMemoryFleet::new(name, bytes, &mut |r| records.push(r), &mut |n| {
            notes.push(n.message)
        })
    }

    /// Reads up to `max_rows` more rows of a file; returns whether it is read to its end.
    pub fn read_some(&mut self, reader: &mut InMemoryFleet, max_rows: usize) -> bool {
        let records = &mut self.records;
        let notes = &mut self.notes;
        reader.step(max_rows, &mut |r| records.push(r), &mut |n| {
            notes.push(n.message)
        })
    }
}

/// A fleet being judged step by step. The rows keep the index of their record in the source,
/// so that the page can open a device from its row.
pub struct Judging {
    source: Rc<FleetSource>,
    options: FleetOptions,
    next: usize,
    fleet: Fleet<usize>,
}

impl Judging {
    pub fn new(source: Rc<FleetSource>, options: FleetOptions) -> Self {
        let mut fleet = Fleet::new();
        fleet.notes = source.notes.clone();
        Judging {
            source,
            options,
            next: 0,
            fleet,
        }
    }

    /// Judges up to `count` more records; returns whether every record is judged.
    pub fn step(&mut self, count: usize) -> bool {
        let end = self
            .next
            .saturating_add(count)
            .min(self.source.records.len());
        for index in self.next..end {
            if let Some(record) = self.source.records.get(index) {
                self.fleet.judge(index as u64, record, &self.options, index);
            }
        }
        self.next = end;
        self.is_done()
    }

    pub fn is_done(&self) -> bool {
        self.next >= self.source.records.len()
    }

    /// (records judged, records in all).
    pub fn progress(&self) -> (usize, usize) {
        (self.next, self.source.records.len())
    }

    /// The judged fleet, one row per device in input order. Call once [`Self::is_done`].
    pub fn finish(mut self) -> Fleet<usize> {
        while !self.step(usize::MAX) {}
        // Records were judged in order, so the rows are in input order.
        self.fleet.finish_in_order();
        self.fleet
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fleet::run;

    const CSV: &[u8] = include_bytes!("../../tests/fixtures/fleet/fleet.csv");

    #[test]
    fn judged_step_by_step_the_rows_are_those_of_run() {
        let mut source = FleetSource::new();
        source.add_file("fleet.csv", CSV);
        let tokens = source
            .records
            .iter()
            .filter(|r| matches!(r.content, crate::fleet::input::Content::Token(_)))
            .count();
        assert!(tokens > 0);
        let options = FleetOptions::default();
        let mut judging = Judging::new(Rc::new(source.clone()), options.clone());
        let mut steps = 0;
        while !judging.step(3) {
            steps += 1;
        }
        assert!(steps > 1, "the fixture takes more than one step of 3");
        assert!(source.notes.is_empty(), "{:?}", source.notes);
        let stepped = judging.finish();
        let input: Box<dyn std::io::Read + Send> = Box::new(CSV);
        let streamed = run(vec![("fleet.csv".to_string(), input)], &options).expect("read");
        assert_eq!(stepped.rows(), streamed.rows());
        assert_eq!(stepped.summary(), streamed.summary());
        for (row, &index) in stepped.entries() {
            let record = source.records.get(index).expect("a record");
            assert_eq!(row.source, record.origin, "each row keeps its own record");
        }
    }

    /// Read from memory, every fixture shape gives the records the streaming reader gives.
    #[test]
    fn in_memory_reading_is_streamed_reading() {
        use crate::fleet::input::read_fleet;
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/fleet");
        for name in [
            "fleet.csv",
            "fleet-utf16.csv",
            "fleet-graph.json",
            "fleet.jsonl",
            "graph-empty-page.json",
            "not-an-export.csv",
        ] {
            let bytes = std::fs::read(format!("{dir}/{name}")).expect("fixture");
            let mut source = FleetSource::new();
            source.add_file(name, &bytes);
            let (mut records, mut notes) = (Vec::new(), Vec::new());
            read_fleet(name, bytes.as_slice(), &mut |r| records.push(r), &mut |n| {
                notes.push(n.message)
            })
            .expect("read");
            assert_eq!(source.records, records, "{name}");
            assert_eq!(source.notes, notes, "{name}");
        }
    }

    #[test]
    fn reading_a_few_rows_at_a_time_reads_the_same() {
        let mut whole = FleetSource::new();
        whole.add_file("fleet.csv", CSV);
        let mut sliced = FleetSource::new();
        let mut reader = sliced.start_file("fleet.csv", CSV.to_vec());
        let mut steps = 0;
        while !sliced.read_some(&mut reader, 2) {
            steps += 1;
        }
        assert!(steps > 3, "{steps} steps");
        assert_eq!(sliced, whole);
    }

    #[test]
    fn a_file_that_is_not_an_export_is_a_note() {
        let mut source = FleetSource::new();
        source.add_file("empty.csv", b"");
        assert!(source.records.is_empty());
        assert_eq!(source.notes, ["empty.csv is empty"]);
        let fleet = Judging::new(Rc::new(source), FleetOptions::default()).finish();
        assert_eq!(fleet.summary().notes, ["empty.csv is empty"]);
    }
}
