//! Credentials: random prefixed tokens stored as SHA-256 hashes, and case
//! tokens derived from the server secret so an idempotent replay can hand the
//! same token back without the server ever storing it.

use std::fmt;
use std::path::Path;

use anyhow::Context as _;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use rand::RngCore as _;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use lifeline_protocol::{CASE_TOKEN_PREFIX, DEPLOYMENT_KEY_PREFIX, EXPERT_TOKEN_PREFIX};

/// SHA-256 of a token: what the database holds. Tokens carry 256 random bits,
/// so a fast hash is enough (no password hashing needed).
pub type TokenHash = [u8; 32];

/// The kind of credential a bearer token claims to be, told by its prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// `dk_`
    Deployment,
    /// `ct_`
    Case,
    /// `et_`
    Expert,
}

impl TokenKind {
    /// Reads the prefix; `None` for anything that is not one of ours.
    pub fn of(token: &str) -> Option<Self> {
        let kind = if token.starts_with(DEPLOYMENT_KEY_PREFIX) {
            TokenKind::Deployment
        } else if token.starts_with(CASE_TOKEN_PREFIX) {
            TokenKind::Case
        } else if token.starts_with(EXPERT_TOKEN_PREFIX) {
            TokenKind::Expert
        } else {
            return None;
        };
        // prefix (3) + 43 base64url chars of 32 bytes; anything else is malformed.
        let body = &token[3..];
        let well_formed = body.len() == 43
            && body
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        well_formed.then_some(kind)
    }
}

/// Hashes a token for storage or lookup.
pub fn hash_token(token: &str) -> TokenHash {
    Sha256::digest(token.as_bytes()).into()
}

fn random_token(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("{prefix}{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// A new expert API token (256 random bits).
pub fn new_expert_token() -> String {
    random_token(EXPERT_TOKEN_PREFIX)
}

/// Whether a secret someone sent equals the expected one. Compared as hashes,
/// so the time taken tells nothing about the expected value; empty never matches.
pub fn same_secret(sent: &str, expected: &str) -> bool {
    !sent.is_empty() && hash_token(sent) == hash_token(expected)
}

/// Prefix of console session tokens; they travel only in the session cookie.
pub const CONSOLE_SESSION_PREFIX: &str = "cs_";

/// A new console session token (256 random bits).
pub fn new_console_session_token() -> String {
    random_token(CONSOLE_SESSION_PREFIX)
}

/// The server's secret for deriving case tokens. `Debug` never prints it.
#[derive(Clone)]
pub struct ServerSecret([u8; 32]);

impl fmt::Debug for ServerSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ServerSecret(…)")
    }
}

impl ServerSecret {
    /// Parses 64 hex digits.
    pub fn from_hex(text: &str) -> Result<Self, String> {
        let bytes = hex::decode(text.trim()).map_err(|_| "expected 64 hex digits".to_string())?;
        let bytes: [u8; 32] = bytes
            .try_into()
            .map_err(|_| "expected 64 hex digits".to_string())?;
        Ok(Self(bytes))
    }

    /// Reads `secret.key` from the data dir; `None` when there is none.
    pub fn load(data_dir: &Path) -> anyhow::Result<Option<Self>> {
        let path = data_dir.join(SECRET_FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => Self::from_hex(&text)
                .map(Some)
                .map_err(|e| anyhow::anyhow!("{}: {e}", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e).with_context(|| format!("failed to read {}", path.display())),
        }
    }

    /// Makes a new secret and writes it to `secret.key` (mode 0600) in one
    /// step: a complete, synced temporary file is linked into place, so a
    /// crash leaves either no key or the whole key, and a key another
    /// process wrote first is kept (and returned) rather than replaced.
    pub fn create(data_dir: &Path) -> anyhow::Result<Self> {
        let path = data_dir.join(SECRET_FILE);
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        let temporary = data_dir.join(format!(
            ".{SECRET_FILE}.{}.{}",
            std::process::id(),
            hex::encode(&bytes[..4])
        ));
        write_private_file(&temporary, hex::encode(bytes).as_bytes())
            .with_context(|| format!("failed to write {}", temporary.display()))?;
        let linked = std::fs::hard_link(&temporary, &path);
        let _ = std::fs::remove_file(&temporary);
        match linked {
            Ok(()) => {
                sync_dir(data_dir)
                    .with_context(|| format!("failed to sync {}", data_dir.display()))?;
                Ok(Self(bytes))
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Self::load(data_dir)?
                .with_context(|| format!("{} vanished while starting", path.display())),
            Err(e) => Err(e).with_context(|| format!("failed to write {}", path.display())),
        }
    }

    /// What the database records to recognise this secret: an HMAC of a
    /// fixed label, from which the secret cannot be recovered.
    pub fn fingerprint(&self) -> [u8; 32] {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC accepts any key length");
        mac.update(b"lifeline secret fingerprint v1");
        mac.finalize().into_bytes().into()
    }

    /// The case token of a case: `ct_` + HMAC-SHA256(secret, case id).
    pub fn case_token(&self, case_id: Uuid) -> String {
        self.derive(CASE_TOKEN_PREFIX, b"lifeline case token v1", case_id)
    }

    /// The key of a deployment: `dk_` + HMAC-SHA256(secret, deployment id).
    /// Derived rather than stored, so the admin can download the deployment
    /// file again while the database holds only the key's hash.
    pub fn deployment_key(&self, deployment_id: Uuid) -> String {
        self.deployment_key_of_generation(deployment_id, 0)
    }

    /// The key of a deployment after `generation` rotations; generation 0 is
    /// [`ServerSecret::deployment_key`], and each later one takes the
    /// generation's number into the HMAC too.
    pub fn deployment_key_of_generation(&self, deployment_id: Uuid, generation: u32) -> String {
        const PURPOSE: &[u8] = b"lifeline deployment key v1";
        if generation == 0 {
            return self.derive(DEPLOYMENT_KEY_PREFIX, PURPOSE, deployment_id);
        }
        let mut input = deployment_id.as_bytes().to_vec();
        input.extend_from_slice(&generation.to_be_bytes());
        self.derive_bytes(DEPLOYMENT_KEY_PREFIX, PURPOSE, &input)
    }

    /// The CSRF token of a console session: HMAC-SHA256(secret, session
    /// token). Bound to the session, so nothing more is stored, and unknown
    /// to other sites, which cannot read the cookie.
    pub fn csrf_token(&self, session_token: &str) -> String {
        self.derive_bytes("", b"lifeline csrf token v1", session_token.as_bytes())
    }

    fn derive(&self, prefix: &str, purpose: &[u8], id: Uuid) -> String {
        self.derive_bytes(prefix, purpose, id.as_bytes())
    }

    fn derive_bytes(&self, prefix: &str, purpose: &[u8], input: &[u8]) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC accepts any key length");
        mac.update(purpose);
        mac.update(input);
        let tag = mac.finalize().into_bytes();
        format!("{prefix}{}", URL_SAFE_NO_PAD.encode(tag))
    }
}

/// The server secret's file in the data dir.
pub const SECRET_FILE: &str = "secret.key";

/// Writes a new file readable by its owner only (0600 whatever the umask) and syncs it.
fn write_private_file(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    #[cfg(unix)]
    file.set_permissions(std::os::unix::fs::PermissionsExt::from_mode(0o600))?;
    file.write_all(contents)?;
    file.sync_all()
}

/// Makes a new directory entry durable.
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    std::fs::File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_tokens_are_recognised_by_their_prefix() {
        assert_eq!(TokenKind::of(&new_expert_token()), Some(TokenKind::Expert));
        let secret = ServerSecret([7; 32]);
        assert_eq!(
            TokenKind::of(&secret.case_token(Uuid::now_v7())),
            Some(TokenKind::Case)
        );
        assert_eq!(
            TokenKind::of(&secret.deployment_key(Uuid::now_v7())),
            Some(TokenKind::Deployment)
        );
    }

    #[test]
    fn malformed_tokens_are_refused() {
        for bad in [
            "",
            "dk_",
            "dk_short",
            "xx_0123456789012345678901234567890123456789012",
            "ct_!!!",
        ] {
            assert_eq!(TokenKind::of(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn case_tokens_are_stable_per_case_and_differ_between_cases() {
        let secret = ServerSecret([1; 32]);
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        assert_eq!(secret.case_token(a), secret.case_token(a));
        assert_ne!(secret.case_token(a), secret.case_token(b));
        assert_ne!(ServerSecret([2; 32]).case_token(a), secret.case_token(a));
        assert_ne!(
            secret.deployment_key(a)[3..],
            secret.case_token(a)[3..],
            "purposes are separated"
        );
    }

    #[test]
    fn each_key_generation_is_a_different_well_formed_key() {
        let secret = ServerSecret([3; 32]);
        let id = Uuid::now_v7();
        assert_eq!(
            secret.deployment_key_of_generation(id, 0),
            secret.deployment_key(id),
            "generation 0 is the key every deployment had before rotation"
        );
        let keys: Vec<String> = (0..3)
            .map(|generation| secret.deployment_key_of_generation(id, generation))
            .collect();
        assert_ne!(keys[0], keys[1]);
        assert_ne!(keys[1], keys[2]);
        assert!(
            keys.iter()
                .all(|key| TokenKind::of(key) == Some(TokenKind::Deployment)),
            "{keys:?}"
        );
    }
}
