//! The PKCS#12 KDF (RFC 7292 appendix B.2), resumable: run it a slice of iterations at a time.
//!
//! A modern export's classic MAC key (`openssl pkcs12 -iter 600000` sets the MAC's count too) is
//! 600,000 chained hashes, about a third of a second in wasm, and the browser has no native
//! equivalent to hand it to (WebCrypto has PBKDF2 only). Run in slices with the event loop in
//! between, it never blocks the page for long; run to the end at once it is [`pkcs12_kdf`].
//!
//! [`pkcs12_kdf`]: super::pkcs12_kdf

use hmac::digest::core_api::BlockSizeUser;
use sha1::Sha1;
use sha2::{Digest, Sha224, Sha256, Sha384, Sha512};
use zeroize::{Zeroize, Zeroizing};

use super::kdf::{DerivedKey, HashAlg, KdfRequest, Pkcs12KeyId};
use super::password::Password;

/// One PKCS#12 KDF derivation in progress. Every intermediate buffer (the password-filled input,
/// the running hash, the output) is wiped when dropped.
pub struct Pkcs12KdfRun {
    hash: HashAlg,
    /// The diversifier `D`: the key ID byte repeated to one hash block.
    diversifier: Vec<u8>,
    /// `I = S || P`, each repeated to whole blocks; updated between output blocks.
    input: Zeroizing<Vec<u8>>,
    /// The current output block's running hash `A`; empty between blocks.
    running: Zeroizing<Vec<u8>>,
    /// Hashes done on the current block.
    done: u32,
    iterations: u32,
    out: Zeroizing<Vec<u8>>,
    len: usize,
}

impl Pkcs12KdfRun {
    /// Starts a derivation over BMPString password bytes. An iteration count of 0 counts as 1
    /// (the first hash always runs).
    pub fn new(
        hash: HashAlg,
        password_bmp: &[u8],
        salt: &[u8],
        id: Pkcs12KeyId,
        iterations: u32,
        len: usize,
    ) -> Self {
        let v = block_size(hash);
        // Sized up front: a growing Vec would leave unwiped copies of the password behind.
        let filled_len = |source: &[u8]| v * source.len().div_ceil(v);
        let mut input = Zeroizing::new(Vec::with_capacity(
            filled_len(salt) + filled_len(password_bmp),
        ));
        for source in [salt, password_bmp] {
            input.extend(source.iter().cycle().take(filled_len(source)));
        }
        Pkcs12KdfRun {
            hash,
            diversifier: vec![id as u8; v],
            input,
            running: Zeroizing::new(Vec::with_capacity(hash.output_len())),
            done: 0,
            iterations: iterations.max(1),
            out: Zeroizing::new(Vec::with_capacity(len)),
            len,
        }
    }

    /// Starts the derivation a [`KdfRequest::Pkcs12`] asks for; `None` for a PBKDF2 request.
    pub fn for_request(request: &KdfRequest, password: &Password) -> Option<Self> {
        match request {
            KdfRequest::Pkcs12 {
                hash,
                id,
                salt,
                iterations,
                len,
            } => Some(Self::new(
                *hash,
                &password.bmp_bytes(),
                salt,
                *id,
                *iterations,
                *len,
            )),
            KdfRequest::Pbkdf2 { .. } => None,
        }
    }

    /// Whether every byte has been derived.
    pub fn is_finished(&self) -> bool {
        self.out.len() >= self.len
    }

    /// Runs at most `budget` hashes (at least one); returns whether the derivation is finished.
    pub fn run(&mut self, budget: u32) -> bool {
        let budget = budget.max(1);
        match self.hash {
            HashAlg::Sha1 => self.run_with::<Sha1>(budget),
            HashAlg::Sha224 => self.run_with::<Sha224>(budget),
            HashAlg::Sha256 => self.run_with::<Sha256>(budget),
            HashAlg::Sha384 => self.run_with::<Sha384>(budget),
            HashAlg::Sha512 => self.run_with::<Sha512>(budget),
        }
        self.is_finished()
    }

    /// Runs what is left and returns the derived bytes.
    pub fn into_bytes(mut self) -> Zeroizing<Vec<u8>> {
        while !self.run(u32::MAX) {}
        std::mem::take(&mut self.out)
    }

    /// Runs what is left and returns the key.
    pub fn into_key(self) -> DerivedKey {
        DerivedKey::from_zeroizing(self.into_bytes())
    }

    fn run_with<D: Digest + BlockSizeUser>(&mut self, budget: u32) {
        let mut left = budget;
        while left > 0 && !self.is_finished() {
            if self.running.is_empty() {
                let mut first = D::new_with_prefix(&self.diversifier);
                first.update(self.input.as_slice());
                let mut a = first.finalize();
                self.running.extend_from_slice(&a);
                a.as_mut_slice().zeroize();
                self.done = 1;
                left -= 1;
            }
            while left > 0 && self.done < self.iterations {
                let mut next = D::digest(self.running.as_slice());
                for (old, new) in self.running.iter_mut().zip(next.iter()) {
                    *old = *new;
                }
                next.as_mut_slice().zeroize();
                self.done += 1;
                left -= 1;
            }
            if self.done >= self.iterations {
                self.end_block();
            }
        }
    }

    /// Takes the finished block's bytes and, if more are needed, mixes it into `I`: each v-byte
    /// block of `I` becomes `(I_j + B + 1) mod 2^(8v)`, `B` being `A` repeated to v bytes.
    fn end_block(&mut self) {
        let wanted = self.len.saturating_sub(self.out.len());
        self.out
            .extend(self.running.iter().take(wanted.min(self.running.len())));
        if !self.is_finished() {
            let v = self.diversifier.len();
            let b = Zeroizing::new(
                self.running
                    .iter()
                    .cycle()
                    .take(v)
                    .copied()
                    .collect::<Vec<u8>>(),
            );
            for chunk in self.input.chunks_mut(v) {
                let mut carry = 1u16;
                for (x, y) in chunk.iter_mut().rev().zip(b.iter().rev()) {
                    let sum = u16::from(*x) + u16::from(*y) + carry;
                    *x = sum.to_le_bytes()[0];
                    carry = sum >> 8;
                }
            }
        }
        self.running.zeroize();
        self.done = 0;
    }
}

fn block_size(hash: HashAlg) -> usize {
    match hash {
        HashAlg::Sha1 => Sha1::block_size(),
        HashAlg::Sha224 => Sha224::block_size(),
        HashAlg::Sha256 => Sha256::block_size(),
        HashAlg::Sha384 => Sha384::block_size(),
        HashAlg::Sha512 => Sha512::block_size(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn whole(hash: HashAlg, id: Pkcs12KeyId, iterations: u32, len: usize) -> Vec<u8> {
        let password = Password::new("queeg").bmp_bytes();
        Pkcs12KdfRun::new(hash, &password, b"salty", id, iterations, len)
            .into_bytes()
            .to_vec()
    }

    #[test]
    fn any_slicing_gives_the_same_key_as_one_run() {
        let password = Password::new("queeg").bmp_bytes();
        for hash in [HashAlg::Sha1, HashAlg::Sha256, HashAlg::Sha512] {
            // Longer than one hash output, so the input update between blocks runs too.
            let len = hash.output_len() * 2 + 5;
            let expected = whole(hash, Pkcs12KeyId::Key, 1000, len);
            for budget in [1, 7, 999, 1000, 1001, 5000] {
                let mut run =
                    Pkcs12KdfRun::new(hash, &password, b"salty", Pkcs12KeyId::Key, 1000, len);
                let mut slices = 1;
                while !run.run(budget) {
                    slices += 1;
                }
                assert_eq!(
                    run.into_bytes().as_slice(),
                    expected.as_slice(),
                    "{hash:?} {budget}"
                );
                // Three blocks of 1000 hashes each.
                assert_eq!(slices, 3000_u32.div_ceil(budget), "{hash:?} {budget}");
            }
        }
    }

    #[test]
    fn a_zero_budget_still_moves_and_zero_iterations_mean_one() {
        let password = Password::new("queeg").bmp_bytes();
        let mut run = Pkcs12KdfRun::new(HashAlg::Sha1, &password, b"s", Pkcs12KeyId::Mac, 2, 20);
        assert!(!run.run(0));
        assert!(run.run(0));
        assert_eq!(
            whole(HashAlg::Sha1, Pkcs12KeyId::Iv, 0, 8),
            whole(HashAlg::Sha1, Pkcs12KeyId::Iv, 1, 8)
        );
    }

    #[test]
    fn only_pkcs12_requests_start_a_run() {
        let pbkdf2 = KdfRequest::pbkdf2(HashAlg::Sha256, b"s", 1, 32, "x").unwrap();
        assert!(Pkcs12KdfRun::for_request(&pbkdf2, &Password::empty()).is_none());
        let mac = KdfRequest::pkcs12(HashAlg::Sha256, Pkcs12KeyId::Mac, b"s", 3, 32, "x").unwrap();
        let key =
            Pkcs12KdfRun::for_request(&mac, &Password::new("queeg")).map(Pkcs12KdfRun::into_key);
        assert_eq!(key.map(|k| k.len()), Some(32));
    }
}
