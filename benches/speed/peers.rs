//! The tools people would use instead, run as processes in the same benchmark run.
//!
//! `openssl` is a process per file, so its figure includes process start-up; the same is
//! measured for a do-nothing process (`true`) and for our own CLI (`imecert`, also a process
//! per file) so the tables can separate start-up from work. Every command is checked once
//! before timing: a peer that fails would otherwise be timed on its error path.

use std::path::Path;
use std::process::{Command, Stdio};

use super::fixtures::BenchError;

/// A command line, built once and run many times.
#[derive(Clone, Debug)]
pub struct PeerCommand {
    program: String,
    args: Vec<String>,
}

impl PeerCommand {
    pub fn new(program: &str, args: &[&str]) -> Self {
        PeerCommand {
            program: program.to_string(),
            args: args.iter().map(|a| a.to_string()).collect(),
        }
    }

    /// `openssl x509 -noout -fingerprint -subject` on a DER or PEM certificate file: what an
    /// admin runs to see a thumbprint and subject.
    pub fn openssl_x509(path: &Path, der: bool) -> Self {
        let file = path.to_string_lossy();
        let form = if der { "DER" } else { "PEM" };
        PeerCommand::new(
            "openssl",
            &[
                "x509",
                "-inform",
                form,
                "-in",
                &file,
                "-noout",
                "-fingerprint",
                "-subject",
            ],
        )
    }

    /// `openssl pkcs12 -noout` (MAC check and decryption of every bag), with `-legacy` for the
    /// 3DES/RC2 files OpenSSL 3 no longer opens by default.
    pub fn openssl_pkcs12(path: &Path, password: &str, legacy: bool) -> Self {
        let file = path.to_string_lossy();
        let pass = format!("pass:{password}");
        let mut args = vec!["pkcs12"];
        if legacy {
            args.push("-legacy");
        }
        args.extend(["-in", &file, "-passin", &pass, "-noout"]);
        PeerCommand::new("openssl", &args)
    }

    /// Our own CLI as a process per input, JSON report to a pipe.
    pub fn imecert(files: &[&Path], passwords: &[&str]) -> Self {
        let mut args: Vec<String> = vec![
            "--format".into(),
            "json".into(),
            "--at".into(),
            "2026-11-24T10:00:00Z".into(),
        ];
        for password in passwords {
            args.push("--password".into());
            args.push((*password).into());
        }
        args.extend(files.iter().map(|f| f.to_string_lossy().into_owned()));
        PeerCommand {
            program: env!("CARGO_BIN_EXE_imecert").to_string(),
            args,
        }
    }

    /// Runs the command to the end, output discarded; `Ok` only on exit status 0 (for `imecert`,
    /// 1 would mean an input was not read: not the work to time).
    pub fn run(&self) -> Result<(), BenchError> {
        let status = Command::new(&self.program)
            .args(&self.args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .map_err(|e| self.failed(e.to_string()))?;
        match status.code() {
            Some(0) => Ok(()),
            Some(code) => Err(self.failed(format!("exit status {code}"))),
            None => Err(self.failed("ended by a signal".into())),
        }
    }

    /// The command line as a person would type it (for messages and BENCHMARKS.md).
    pub fn display(&self) -> String {
        let program = Path::new(&self.program)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| self.program.clone());
        std::iter::once(program)
            .chain(self.args.iter().cloned())
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn failed(&self, message: String) -> BenchError {
        BenchError::Peer {
            command: self.display(),
            message,
        }
    }
}

/// The cost of starting any process and waiting for it: the floor under every peer figure.
pub fn spawn_floor() -> PeerCommand {
    PeerCommand::new("true", &[])
}

/// Runs `command` once; on failure says so and returns `None`, so the run goes on without
/// that peer (a machine without `openssl` still gets our own figures).
pub fn checked(command: PeerCommand) -> Option<PeerCommand> {
    match command.run() {
        Ok(()) => Some(command),
        Err(e) => {
            eprintln!("skipping a peer: {e}");
            None
        }
    }
}
