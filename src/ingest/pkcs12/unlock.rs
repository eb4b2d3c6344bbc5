//! Opening a parsed file: which keys to derive, then MAC check and decryption with them, and
//! telling a wrong password from a tampered file.
//!
//! The verdicts, per password:
//! * MAC fails, but a part decrypts to well-formed contents → the file was changed: [`BadMac`].
//! * MAC fails and nothing decrypts → a wrong password (also when nothing is encrypted: then
//!   the two cannot be told apart).
//! * MAC passes (or there is none) and everything decrypts → opened.
//! * MAC passes but a part does not decrypt → [`CannotDecrypt`] (a separate encryption password).
//!
//! [`BadMac`]: Pkcs12Error::BadMac
//! [`CannotDecrypt`]: Pkcs12Error::CannotDecrypt

use super::bags::{self, Bag, KeyBag};
use super::contents::{self, FoundCert, FoundKey, Pkcs12Contents};
use super::error::{MAX_TOTAL_ITERATIONS, Pkcs12Error};
use super::kdf::{DerivedKey, KdfRequest, KeyDeriver};
use super::opening::Step;
use super::public_key::{self, PublicKey};
use super::structure::{Part, Pkcs12File, Protected};

/// Why one protected part did not open with the keys given.
enum Failure {
    /// Bad padding: the usual sign of a wrong key.
    Padding,
    /// It decrypted, but what came out is not what should be there.
    Content(Pkcs12Error),
}

/// What a protected part decrypted to.
enum Opened {
    Bags(Vec<Bag>),
    Key(Option<PublicKey>),
}

impl Pkcs12File {
    /// Every key derivation needed to open the file, in a fixed order: the MAC key first (if the
    /// file has a MAC), then each encrypted part's key (and IV, for the legacy PKCS#12 PBE) in
    /// file order. Iteration counts over the limits (per derivation and in all) are refused
    /// here, before any derivation.
    /// The list does not depend on the password: derive it once per candidate password.
    pub fn derivations(&self) -> Result<Vec<KdfRequest>, Pkcs12Error> {
        let mut requests = Vec::new();
        if let Some(mac) = &self.mac {
            requests.push(mac.scheme.request()?);
        }
        requests.extend(self.part_requests()?);
        let total = total_iterations(&requests);
        if total > MAX_TOTAL_ITERATIONS {
            return Err(Pkcs12Error::TooMuchWork {
                total,
                keys: requests.len(),
            });
        }
        Ok(requests)
    }

    /// Every encrypted part's key derivations (and IVs, for the legacy PBE), in file order: what
    /// one password costs after the MAC.
    pub(super) fn part_requests(&self) -> Result<Vec<KdfRequest>, Pkcs12Error> {
        let mut requests = Vec::new();
        for item in self.protected() {
            requests.extend(item.scheme.requests(&item.name)?);
        }
        Ok(requests)
    }

    /// Finishes opening with keys derived for one password, in the order [`Self::derivations`]
    /// returned the requests. Fails with [`Pkcs12Error::WrongPassword`] (`tried: 1`),
    /// [`Pkcs12Error::BadMac`] or [`Pkcs12Error::CannotDecrypt`] as described in the module
    /// docs; [`conclude`] turns several such failures into the one to show.
    pub fn open_with(&self, derived: &[DerivedKey]) -> Result<Pkcs12Contents, Pkcs12Error> {
        let requests = self.derivations()?;
        check_shapes(&requests, derived)?;
        let (mac_ok, item_keys) = match (&self.mac, derived.split_first()) {
            (Some(mac), Some((mac_key, rest))) => (
                Some(mac.scheme.verify(mac_key, &self.auth_safe, &mac.digest)),
                rest,
            ),
            _ => (None, derived),
        };
        self.finish(mac_ok, item_keys)
    }

    /// Tries the caller's passwords, then the empty and the absent password, deriving with
    /// `deriver`. The MAC is checked before anything else is derived, so a wrong password costs
    /// the MAC derivation plus, once all have failed, one more to tell a tampered file (a
    /// password that decrypts the first encrypted part) from a wrong password. The steps are
    /// [`Self::opening`]'s, which the web app drives asynchronously.
    pub fn open_with_passwords(
        &self,
        passwords: &[&str],
        deriver: &dyn KeyDeriver,
    ) -> Result<Pkcs12Contents, Pkcs12Error> {
        let mut opening = self.opening(passwords)?;
        loop {
            let keys = match opening.step() {
                Step::Derive { password, requests } => requests
                    .iter()
                    .map(|request| deriver.derive(request, password))
                    .collect::<Result<Vec<_>, _>>()?,
                Step::Done(outcome) => return outcome,
            };
            opening.supply(keys);
        }
    }

    /// Decrypts every protected part with its keys, judges the attempt, and links the keys.
    pub(super) fn finish(
        &self,
        mac_ok: Option<bool>,
        item_keys: &[DerivedKey],
    ) -> Result<Pkcs12Contents, Pkcs12Error> {
        let items = self.protected();
        let mut opened = Vec::with_capacity(items.len());
        let mut offset = 0usize;
        for item in &items {
            let count = item.scheme.request_count();
            let keys = offset
                .checked_add(count)
                .and_then(|end| item_keys.get(offset..end))
                .ok_or_else(|| mismatch(offset + count, item_keys.len()))?;
            offset += count;
            opened.push(open_item(item, keys));
        }
        if mac_ok == Some(false) {
            return Err(if opened.iter().any(Result::is_ok) {
                Pkcs12Error::BadMac
            } else {
                Pkcs12Error::WrongPassword { tried: 1 }
            });
        }
        let mut results = Vec::with_capacity(opened.len());
        for (item, result) in items.iter().zip(opened) {
            match (result, mac_ok) {
                (Ok(opened), _) => results.push(opened),
                (Err(Failure::Padding), Some(true)) => {
                    return Err(Pkcs12Error::CannotDecrypt {
                        part: item.name.clone(),
                    });
                }
                (Err(Failure::Content(error)), Some(true)) => return Err(error),
                // Without a MAC, garbage after decryption is what a wrong password gives.
                (Err(Failure::Content(error @ Pkcs12Error::Unsupported { .. })), None) => {
                    return Err(error);
                }
                (Err(_), _) => return Err(Pkcs12Error::WrongPassword { tried: 1 }),
            }
        }
        Ok(self.collect(results, mac_ok == Some(true)))
    }

    /// Walks the parts in file order, taking decrypted results in the order they were made.
    fn collect(&self, opened: Vec<Opened>, mac_verified: bool) -> Pkcs12Contents {
        let mut opened = opened.into_iter();
        let mut certs = Vec::new();
        let mut keys = Vec::new();
        for part in &self.parts {
            match part {
                Part::Encrypted { .. } => {
                    if let Some(Opened::Bags(bags)) = opened.next() {
                        gather(bags, &mut certs, &mut keys, &mut opened);
                    }
                }
                Part::Plain(bags) => gather(bags.clone(), &mut certs, &mut keys, &mut opened),
            }
        }
        contents::link(certs, &keys, mac_verified)
    }
}

/// Adds a content's bags; a shrouded key in a plain content takes its decrypted result.
fn gather(
    bags: Vec<Bag>,
    certs: &mut Vec<FoundCert>,
    keys: &mut Vec<FoundKey>,
    opened: &mut impl Iterator<Item = Opened>,
) {
    for bag in bags {
        match bag {
            Bag::Cert { der, attributes } => certs.push(FoundCert { der, attributes }),
            Bag::Key { key, attributes } => {
                let public = match key {
                    KeyBag::Known(public) => public,
                    KeyBag::Shrouded { .. } => match opened.next() {
                        Some(Opened::Key(public)) => public,
                        _ => None,
                    },
                };
                keys.push(FoundKey {
                    local_key_id: attributes.local_key_id,
                    public,
                });
            }
        }
    }
}

/// Shrouded keys inside an encrypted content cannot be decrypted without a second round of
/// derivations; they keep only their `localKeyId`. Marks them as such so `gather` does not
/// consume a result meant for a later part.
fn without_nested_shrouds(bags: Vec<Bag>) -> Vec<Bag> {
    bags.into_iter()
        .map(|bag| match bag {
            Bag::Key {
                key: KeyBag::Shrouded { .. },
                attributes,
            } => Bag::Key {
                key: KeyBag::Known(None),
                attributes,
            },
            other => other,
        })
        .collect()
}

/// Whether `keys` decrypt `item` to well-formed contents (the tamper check of a password that
/// failed the MAC).
pub(super) fn opens(item: &Protected<'_>, keys: &[DerivedKey]) -> bool {
    open_item(item, keys).is_ok()
}

fn open_item(item: &Protected<'_>, keys: &[DerivedKey]) -> Result<Opened, Failure> {
    let plain = item
        .scheme
        .decrypt(keys, item.ciphertext)
        .ok_or(Failure::Padding)?;
    if item.holds_bags {
        bags::parse_safe_contents(&plain, &item.name)
            .map(|bags| Opened::Bags(without_nested_shrouds(bags)))
            .map_err(Failure::Content)
    } else {
        public_key::from_pkcs8(&plain, &item.name)
            .map(Opened::Key)
            .map_err(Failure::Content)
    }
}

pub(super) fn check_shapes(
    requests: &[KdfRequest],
    derived: &[DerivedKey],
) -> Result<(), Pkcs12Error> {
    if requests.len() != derived.len() {
        return Err(mismatch(requests.len(), derived.len()));
    }
    for (index, (request, key)) in requests.iter().zip(derived).enumerate() {
        if request.len() != key.len() {
            return Err(Pkcs12Error::DerivedKeysMismatch {
                expected: requests.len(),
                given: derived.len(),
                detail: format!(
                    "key {} is {} bytes, {} were requested",
                    index + 1,
                    key.len(),
                    request.len()
                ),
            });
        }
    }
    Ok(())
}

fn mismatch(expected: usize, given: usize) -> Pkcs12Error {
    Pkcs12Error::DerivedKeysMismatch {
        expected,
        given,
        detail: "one per request, in the order derivations() returned them".to_owned(),
    }
}

/// The one error to show after every password failed: the most specific failure (a tampered
/// file, a separate encryption password, an unsupported part), else "password required" when
/// the caller gave none (`given` counts non-empty passwords) or "wrong password".
pub fn conclude(failures: Vec<Pkcs12Error>, given: usize) -> Pkcs12Error {
    let most_specific = failures.into_iter().reduce(|best, next| {
        if next.rank() > best.rank() {
            next
        } else {
            best
        }
    });
    match most_specific {
        Some(error) if error.rank() > 1 => error,
        _ if given == 0 => Pkcs12Error::PasswordRequired,
        _ => Pkcs12Error::WrongPassword { tried: given },
    }
}
/// The iterations a list of derivations costs in all.
pub(super) fn total_iterations(requests: &[KdfRequest]) -> u64 {
    requests.iter().map(|r| u64::from(r.iterations())).sum()
}
