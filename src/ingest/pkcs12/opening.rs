//! Trying candidate passwords on a parsed file, as a state machine that asks for keys.
//!
//! Which key is derived next depends on how the previous ones went (the MAC key first; the
//! parts' keys only for a password that passed it; a second blank encoding; a last check that
//! tells a tampered file from a wrong password). [`Opening`] holds that logic without deriving
//! anything itself, so the synchronous [`Pkcs12File::open_with_passwords`] and the web app's
//! asynchronous opener (WebCrypto PBKDF2, yielding to the page between derivations) take
//! exactly the same path and reach exactly the same verdict.
//!
//! ```
//! use ime_cert_inspector::ingest::pkcs12::{KeyDeriver, Pkcs12File, RustCryptoDeriver, Step};
//!
//! let bytes = include_bytes!("../../../tests/fixtures/pfx/m1-aes256.pfx");
//! let file = Pkcs12File::parse(bytes)?;
//! let mut opening = file.opening(&["Passw0rd!"])?;
//! let contents = loop {
//!     let keys = match opening.step() {
//!         Step::Derive { password, requests } => requests
//!             .iter()
//!             .map(|request| RustCryptoDeriver.derive(request, password))
//!             .collect::<Result<Vec<_>, _>>()?,
//!         Step::Done(outcome) => break outcome?,
//!     };
//!     opening.supply(keys);
//! };
//! assert_eq!(contents.certs.len(), 2);
//! # Ok::<(), ime_cert_inspector::ingest::pkcs12::Pkcs12Error>(())
//! ```

use std::collections::VecDeque;

use super::contents::Pkcs12Contents;
use super::error::{MAX_TOTAL_ITERATIONS, Pkcs12Error};
use super::kdf::{DerivedKey, KdfRequest};
use super::password::{self, Password};
use super::structure::Pkcs12File;
use super::unlock::{check_shapes, conclude, opens, total_iterations};

/// What to do next: derive keys, or read the verdict.
#[derive(Debug)]
pub enum Step<'o> {
    /// Derive `requests` (in order) for `password` and hand the keys to [`Opening::supply`].
    Derive {
        password: &'o Password,
        requests: &'o [KdfRequest],
    },
    /// Opening is over: the contents, or the one error to show.
    Done(Result<Pkcs12Contents, Pkcs12Error>),
}

/// A parsed file being opened with a list of candidate passwords (see the module docs).
/// Made by [`Pkcs12File::opening`].
pub struct Opening<'f> {
    file: &'f Pkcs12File,
    /// How many non-empty passwords the caller gave ("password required" when none).
    given: usize,
    mac_request: Option<KdfRequest>,
    /// Candidates not tried yet, in order.
    untried: VecDeque<Password>,
    /// Candidates that failed the MAC: wrong, unless one decrypts a part (tampering).
    mac_failed: VecDeque<Password>,
    mac_failures: usize,
    /// The failures of candidates that passed no MAC (a file without one), in order.
    failures: Vec<Pkcs12Error>,
    /// Iterations asked for so far, the current request included: never more than
    /// [`MAX_TOTAL_ITERATIONS`]. When the next guess would go over, the guessing stops there.
    spent: u64,
    /// The keys asked for now, and for whom.
    password: Password,
    requests: Vec<KdfRequest>,
    stage: Stage,
}

/// What the keys asked for are for.
enum Stage {
    /// The MAC key of `password`.
    Mac,
    /// Every part's keys of `password`, which passed the MAC (`Some(true)`) or met none.
    Parts { mac_ok: Option<bool> },
    /// A blank password passed the MAC but did not decrypt: the parts' keys for the other
    /// blank encoding, which some tools encrypt with. `error` stands if that fails too.
    OtherBlank {
        mac_ok: Option<bool>,
        error: Pkcs12Error,
    },
    /// The first part's keys of a password that failed the MAC.
    TamperCheck,
    /// Finished; the verdict until [`Opening::step`] hands it out.
    Done(Option<Result<Pkcs12Contents, Pkcs12Error>>),
}

impl Pkcs12File {
    /// Starts opening with `passwords`, then the empty and the absent password (as
    /// [`super::candidates`] lists them). Refuses over-limit iteration counts before any
    /// derivation.
    pub fn opening(&self, passwords: &[&str]) -> Result<Opening<'_>, Pkcs12Error> {
        self.derivations()?;
        let mac_request = self
            .mac
            .as_ref()
            .map(|mac| mac.scheme.request())
            .transpose()?;
        let mut opening = Opening {
            file: self,
            given: passwords.iter().filter(|p| !p.is_empty()).count(),
            mac_request,
            untried: password::candidates(passwords).into(),
            mac_failed: VecDeque::new(),
            mac_failures: 0,
            failures: Vec::new(),
            spent: 0,
            password: Password::absent(),
            requests: Vec::new(),
            stage: Stage::Done(None),
        };
        opening.next_candidate();
        Ok(opening)
    }
}

impl Opening<'_> {
    /// What to derive next, or the verdict. After `Done` the opening is spent: asking again
    /// gives [`Pkcs12Error::DerivedKeysMismatch`] rather than a second verdict.
    pub fn step(&mut self) -> Step<'_> {
        match &mut self.stage {
            Stage::Done(outcome) => Step::Done(outcome.take().unwrap_or_else(|| {
                Err(Pkcs12Error::DerivedKeysMismatch {
                    expected: 0,
                    given: 0,
                    detail: "this opening already gave its verdict".to_owned(),
                })
            })),
            _ => Step::Derive {
                password: &self.password,
                requests: &self.requests,
            },
        }
    }

    /// Takes the keys the last [`Step::Derive`] asked for, one per request, in order, and moves
    /// on. Keys of the wrong number or length end the opening with
    /// [`Pkcs12Error::DerivedKeysMismatch`].
    pub fn supply(&mut self, keys: Vec<DerivedKey>) {
        if let Stage::Done(_) = self.stage {
            return;
        }
        if let Err(error) = check_shapes(&self.requests, &keys) {
            return self.finish(Err(error));
        }
        match std::mem::replace(&mut self.stage, Stage::Done(None)) {
            Stage::Mac => self.after_mac(&keys),
            Stage::Parts { mac_ok } => self.after_parts(mac_ok, &keys),
            Stage::OtherBlank { mac_ok, error } => {
                let outcome = self.file.finish(mac_ok, &keys).map_err(|_| error);
                self.finish(outcome);
            }
            Stage::TamperCheck => {
                let opens = self
                    .file
                    .protected()
                    .first()
                    .is_some_and(|first| opens(first, &keys));
                if opens {
                    self.finish(Err(Pkcs12Error::BadMac));
                } else {
                    self.next_tamper_check();
                }
            }
            Stage::Done(outcome) => self.stage = Stage::Done(outcome),
        }
    }

    fn after_mac(&mut self, keys: &[DerivedKey]) {
        let verified = match (&self.file.mac, keys.first()) {
            (Some(mac), Some(key)) => mac.scheme.verify(key, &self.file.auth_safe, &mac.digest),
            _ => false,
        };
        if verified {
            let password = self.password.clone();
            let parts = Stage::Parts { mac_ok: Some(true) };
            if self.ask_parts(password, parts).is_err() {
                // The MAC proved this password, but earlier guesses used up the budget.
                let (cost, keys) = self.parts_cost();
                let total = self.spent.saturating_add(cost);
                self.finish(Err(Pkcs12Error::TooMuchWork { total, keys }));
            }
        } else {
            let failed = std::mem::replace(&mut self.password, Password::absent());
            self.mac_failed.push_back(failed);
            self.mac_failures += 1;
            self.next_candidate();
        }
    }

    fn after_parts(&mut self, mac_ok: Option<bool>, keys: &[DerivedKey]) {
        match self.file.finish(mac_ok, keys) {
            Ok(contents) => self.finish(Ok(contents)),
            // The MAC proves the password; a blank one may have encrypted in the other
            // blank encoding.
            Err(error @ Pkcs12Error::CannotDecrypt { .. }) if self.password.is_blank() => {
                let other = if self.password.is_absent() {
                    Password::empty()
                } else {
                    Password::absent()
                };
                let other_blank = Stage::OtherBlank { mac_ok, error };
                if let Err(Stage::OtherBlank { error, .. }) = self.ask_parts(other, other_blank) {
                    self.finish(Err(error));
                }
            }
            Err(error) if mac_ok == Some(true) => self.finish(Err(error)),
            Err(error) => {
                self.failures.push(error);
                self.next_candidate();
            }
        }
    }

    /// Asks for the MAC key of the next candidate (or its parts' keys when there is no MAC),
    /// or, when none is left, starts the tamper check.
    fn next_candidate(&mut self) {
        let Some(candidate) = self.untried.pop_front() else {
            return self.next_tamper_check();
        };
        match &self.mac_request {
            Some(request) => {
                let requests = vec![request.clone()];
                if !self.afford(&requests) {
                    return self.stop_guessing();
                }
                self.requests = requests;
                self.password = candidate;
                self.stage = Stage::Mac;
            }
            None => {
                if self
                    .ask_parts(candidate, Stage::Parts { mac_ok: None })
                    .is_err()
                {
                    self.stop_guessing();
                }
            }
        }
    }

    /// The iterations and the number of every part's keys for one password.
    fn parts_cost(&self) -> (u64, usize) {
        self.file.part_requests().map_or((0, 0), |requests| {
            (total_iterations(&requests), requests.len())
        })
    }

    /// Books the iterations of `requests` if they fit in what is left of the budget.
    fn afford(&mut self, requests: &[KdfRequest]) -> bool {
        match self.spent.checked_add(total_iterations(requests)) {
            Some(total) if total <= MAX_TOTAL_ITERATIONS => {
                self.spent = total;
                true
            }
            _ => false,
        }
    }

    /// The budget ran out before every candidate and check was tried: the rest are guesses
    /// (blank passwords, telling tampering from a wrong password), so the verdict comes from
    /// the attempts made. A caller's password is always tried first, and one password's full set
    /// always fits (see [`Pkcs12File::derivations`]).
    fn stop_guessing(&mut self) {
        self.untried.clear();
        self.mac_failed.clear();
        self.next_tamper_check();
    }

    /// Asks for every part's keys of `password`, to be read in `stage`. Hands `stage` back,
    /// asking nothing, when they do not fit in the budget.
    fn ask_parts(&mut self, password: Password, stage: Stage) -> Result<(), Stage> {
        let requests = match self.file.part_requests() {
            Ok(requests) => requests,
            Err(error) => {
                self.finish(Err(error));
                return Ok(());
            }
        };
        if !self.afford(&requests) {
            return Err(stage);
        }
        self.password = password;
        self.requests = requests;
        self.stage = stage;
        Ok(())
    }

    /// Nothing opened. A password that fails the MAC yet decrypts a part means tampering:
    /// asks for the first part's keys of the next such password, or concludes.
    fn next_tamper_check(&mut self) {
        let first = self.file.protected().into_iter().next();
        match (first, self.mac_failed.pop_front()) {
            (Some(first), Some(password)) => match first.scheme.requests(&first.name) {
                Ok(requests) if !self.afford(&requests) => {
                    self.mac_failed.clear();
                    self.next_tamper_check();
                }
                Ok(requests) => {
                    self.password = password;
                    self.requests = requests;
                    self.stage = Stage::TamperCheck;
                }
                Err(error) => self.finish(Err(error)),
            },
            _ => {
                let mut failures = std::mem::take(&mut self.failures);
                failures.extend(
                    (0..self.mac_failures).map(|_| Pkcs12Error::WrongPassword { tried: 1 }),
                );
                self.finish(Err(conclude(failures, self.given)));
            }
        }
    }

    fn finish(&mut self, outcome: Result<Pkcs12Contents, Pkcs12Error>) {
        self.password = Password::absent();
        self.requests.clear();
        self.mac_failed.clear();
        self.stage = Stage::Done(Some(outcome));
    }
}

#[cfg(test)]
mod tests {
    use super::super::kdf::{KeyDeriver, RustCryptoDeriver};
    use super::*;

    fn fixture(name: &str) -> Vec<u8> {
        let path = format!("{}/tests/fixtures/pfx/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    /// Drives an opening with the pure-Rust deriver, recording how many keys each step asked.
    fn drive(file: &Pkcs12File, passwords: &[&str]) -> (Result<usize, Pkcs12Error>, Vec<usize>) {
        let mut opening = file.opening(passwords).unwrap();
        let mut asked = Vec::new();
        loop {
            let keys = match opening.step() {
                Step::Derive { password, requests } => {
                    asked.push(requests.len());
                    requests
                        .iter()
                        .map(|r| RustCryptoDeriver.derive(r, password).unwrap())
                        .collect()
                }
                Step::Done(outcome) => return (outcome.map(|c| c.certs.len()), asked),
            };
            opening.supply(keys);
        }
    }

    #[test]
    fn a_right_password_costs_the_mac_key_then_the_parts_keys() {
        let file = Pkcs12File::parse(&fixture("m1-aes256.pfx")).unwrap();
        // MAC key, then the encrypted content's key and the shrouded private key's key.
        assert_eq!(drive(&file, &["Passw0rd!"]), (Ok(2), vec![1, 2]));
    }

    #[test]
    fn wrong_passwords_fail_the_mac_then_each_gets_one_tamper_check() {
        let file = Pkcs12File::parse(&fixture("m1-aes256.pfx")).unwrap();
        let (outcome, asked) = drive(&file, &["nope"]);
        assert_eq!(outcome, Err(Pkcs12Error::WrongPassword { tried: 1 }));
        // Three MAC keys (nope, empty, absent), then the first part's key for each.
        assert_eq!(asked, vec![1, 1, 1, 1, 1, 1]);
        assert_eq!(drive(&file, &[]).0, Err(Pkcs12Error::PasswordRequired));
    }

    #[test]
    fn a_tampered_mac_with_decryptable_contents_is_bad_mac() {
        let file = Pkcs12File::parse(&fixture("m1-bad-mac.pfx")).unwrap();
        assert_eq!(drive(&file, &["Passw0rd!"]).0, Err(Pkcs12Error::BadMac));
    }

    #[test]
    fn keys_of_the_wrong_shape_end_the_opening_with_a_mismatch() {
        let file = Pkcs12File::parse(&fixture("m1-aes256.pfx")).unwrap();
        let mut opening = file.opening(&["Passw0rd!"]).unwrap();
        opening.supply(vec![DerivedKey::new(vec![0; 3])]);
        let Step::Done(Err(Pkcs12Error::DerivedKeysMismatch { detail, .. })) = opening.step()
        else {
            panic!("a 3-byte MAC key was accepted");
        };
        assert!(detail.contains("key 1 is 3 bytes"), "{detail}");
        // Spent: no second verdict, no panic, and supplying more changes nothing.
        opening.supply(Vec::new());
        assert!(matches!(
            opening.step(),
            Step::Done(Err(Pkcs12Error::DerivedKeysMismatch { .. }))
        ));
    }
}
