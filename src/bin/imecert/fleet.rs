//! `imecert fleet`: many devices' facts tokens at once.

pub fn main() -> std::process::ExitCode {
    std::process::ExitCode::from(2)
}
