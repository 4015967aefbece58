//! Administration shared by the CLI and the admin API: experts with hashed
//! passwords, API tokens, deployments and their deployment files.

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};
use rand::Rng as _;
use std::time::Duration;

use time::OffsetDateTime;
use uuid::Uuid;

use lifeline_protocol::{
    Behaviour, Branding, Deployment, DeploymentFile, Email, Expert, MAX_KEY_GRACE_SECONDS,
    NewDeployment, NewExpertToken,
};

use crate::credentials::{ServerSecret, hash_token, new_expert_token};
use crate::store::{NewExpert, Store, StoreError};

/// Shortest console password accepted.
pub const PASSWORD_MIN_CHARS: usize = 12;
/// Longest console password accepted: far beyond any passphrase, short
/// enough that a sign-in form stays small.
pub const PASSWORD_MAX_CHARS: usize = 1024;

/// A console password that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    /// Shorter than [`PASSWORD_MIN_CHARS`].
    #[error("password: at least {PASSWORD_MIN_CHARS} characters")]
    TooShort,
    /// Longer than [`PASSWORD_MAX_CHARS`].
    #[error("password: at most {PASSWORD_MAX_CHARS} characters")]
    TooLong,
    /// argon2 refused it.
    #[error("password: {0}")]
    Hashing(argon2::password_hash::Error),
}

impl From<PasswordError> for StoreError {
    fn from(error: PasswordError) -> Self {
        StoreError::Invalid(error.to_string())
    }
}

/// Hashes a console password with argon2id (the crate's defaults: 19 MiB, 2 passes).
pub fn hash_password(password: &str) -> Result<String, PasswordError> {
    check_password_length(password)?;
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(PasswordError::Hashing)
}

/// Whether a password's length is within the bounds every stored one keeps.
pub fn check_password_length(password: &str) -> Result<(), PasswordError> {
    let chars = password.chars().count();
    if chars < PASSWORD_MIN_CHARS {
        Err(PasswordError::TooShort)
    } else if chars > PASSWORD_MAX_CHARS {
        Err(PasswordError::TooLong)
    } else {
        Ok(())
    }
}

/// Whether `password` matches a stored PHC hash; a malformed hash never matches.
pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|hash| {
        Argon2::default()
            .verify_password(password.as_bytes(), &hash)
            .is_ok()
    })
}

/// Creates an expert, hashing the password if one is given.
pub async fn create_expert(
    store: &dyn Store,
    email: Email,
    display_name: &str,
    password: Option<&str>,
    admin: bool,
    groups: Vec<Uuid>,
    now: OffsetDateTime,
) -> Result<Expert, StoreError> {
    let password_hash = password.map(hash_password).transpose()?;
    create_expert_with_hash(
        store,
        email,
        display_name,
        password_hash,
        admin,
        groups,
        now,
    )
    .await
}

/// Creates an expert whose password (if any) is already hashed.
pub async fn create_expert_with_hash(
    store: &dyn Store,
    email: Email,
    display_name: &str,
    password_hash: Option<String>,
    admin: bool,
    groups: Vec<Uuid>,
    now: OffsetDateTime,
) -> Result<Expert, StoreError> {
    store
        .create_expert(
            NewExpert {
                email,
                display_name: display_name.to_string(),
                password_hash,
                admin,
                groups,
            },
            now,
        )
        .await
}

/// Creates an API token for an expert; the token is returned this once.
pub async fn create_expert_token(
    store: &dyn Store,
    expert: Uuid,
    now: OffsetDateTime,
) -> Result<NewExpertToken, StoreError> {
    let token = new_expert_token();
    let id = store
        .add_expert_token(expert, hash_token(&token), now)
        .await?;
    Ok(NewExpertToken { id, token })
}

/// Creates a deployment; its key is derived from the server secret.
pub async fn create_deployment(
    store: &dyn Store,
    secret: &ServerSecret,
    name: &str,
    group: Uuid,
    server_url: &str,
    now: OffsetDateTime,
) -> Result<NewDeployment, StoreError> {
    check_server_url(server_url)?;
    let id = Uuid::now_v7();
    let key = secret.deployment_key(id);
    let deployment = store
        .create_deployment(id, name, group, server_url, hash_token(&key), now)
        .await?;
    Ok(NewDeployment { deployment, key })
}

/// The key a deployment's file carries now: that of its current generation.
pub fn current_deployment_key(secret: &ServerSecret, deployment: &Deployment) -> String {
    secret.deployment_key_of_generation(deployment.id, deployment.key_generation)
}

/// Gives a deployment a new key; the one it had keeps working for `grace`
/// (at most [`MAX_KEY_GRACE_SECONDS`]), then is refused. Returns the
/// deployment with its new key, shown this once like a new deployment's.
pub async fn rotate_deployment_key(
    store: &dyn Store,
    secret: &ServerSecret,
    id: Uuid,
    grace: Duration,
    now: OffsetDateTime,
) -> Result<NewDeployment, StoreError> {
    if grace.as_secs() > MAX_KEY_GRACE_SECONDS {
        return Err(StoreError::Invalid(format!(
            "grace: at most {} days",
            MAX_KEY_GRACE_SECONDS / 86_400
        )));
    }
    let current = store.deployment(id).await?.ok_or(StoreError::NotFound)?;
    let next = current.key_generation.checked_add(1).ok_or_else(|| {
        StoreError::Invalid("the deployment's key cannot be rotated again".into())
    })?;
    let key = secret.deployment_key_of_generation(id, next);
    let deployment = store
        .rotate_deployment_key(id, current.key_generation, hash_token(&key), grace, now)
        .await?;
    Ok(NewDeployment { deployment, key })
}

/// Sets the server URL a deployment's file carries from now on (files
/// already shipped keep theirs until IT ships the new one).
pub async fn set_deployment_server_url(
    store: &dyn Store,
    id: Uuid,
    url: &str,
    now: OffsetDateTime,
) -> Result<Deployment, StoreError> {
    check_server_url(url)?;
    store.set_deployment_server_url(id, url, now).await
}

/// A new random console password: 24 characters from an alphabet without
/// look-alikes (about 138 bits), to hand to the expert once.
pub fn generate_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    (0..24)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect()
}

fn check_server_url(url: &str) -> Result<(), StoreError> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| {
            StoreError::Invalid("server_url: must start with https:// or http://".into())
        })?;
    // The app must be able to reach it: a URL a parser takes, with a host.
    let parses = reqwest::Url::parse(url).is_ok_and(|parsed| parsed.host_str().is_some());
    if rest.is_empty() || rest.contains(char::is_whitespace) || !parses {
        return Err(StoreError::Invalid("server_url: not a URL".into()));
    }
    Ok(())
}

/// The deployment file IT ships for `deployment` (TOML).
pub fn deployment_file(deployment: &Deployment, key: &str) -> String {
    let file = DeploymentFile {
        server_url: deployment.server_url.clone(),
        deployment_key: key.to_string(),
        branding: Branding {
            company_name: deployment.name.clone(),
            ..Branding::default()
        },
        behaviour: Behaviour {
            shortcut_name: format!("{} SOS", deployment.name),
            ..Behaviour::default()
        },
        allow_insecure_http: false,
    };
    let body = toml::to_string(&file).unwrap_or_default();
    format!(
        "# Lifeline deployment file for \"{}\".\n\
         # Ship it with the app (bundled, or at /etc/lifeline/deployment.toml,\n\
         # %ProgramData%\\Lifeline\\deployment.toml, /Library/Application Support/Lifeline/deployment.toml).\n\
         # The deployment_key can only create cases in its group; revoke the deployment to stop it.\n\n{body}",
        deployment.name.replace(['\n', '\r'], " ")
    )
}

/// One way for IT to ship a deployment file, as a command to run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RolloutCommand {
    /// Where or how it applies, such as "Windows, silent MSI install".
    pub how: &'static str,
    /// The command, with the deployment file called `file_name`.
    pub command: String,
}

/// The commands that ship a deployment file saved as `file_name`: a branded
/// build, and the generic installers plus the file in the system-wide place
/// (docs/deploying.md explains each). Installer names are those of this
/// version's generic build.
pub fn rollout_commands(file_name: &str) -> Vec<RolloutCommand> {
    let version = env!("CARGO_PKG_VERSION");
    // On the Windows share, the file goes by its name alone.
    let base_name = std::path::Path::new(file_name)
        .file_name()
        .and_then(|name| name.to_str())
        .unwrap_or(file_name);
    let quoted = if file_name.contains(' ') {
        format!("\"{file_name}\"")
    } else {
        file_name.to_owned()
    };
    vec![
        RolloutCommand {
            how: "Branded installers (from a clone of the Lifeline repository)",
            command: format!("cargo xtask dist --deployment {quoted}"),
        },
        RolloutCommand {
            how: "Debian/Ubuntu, generic package plus the file",
            command: format!(
                "sudo install -D -m 0644 {quoted} /etc/lifeline/deployment.toml && sudo apt-get install -y ./Lifeline_{version}_amd64.deb"
            ),
        },
        RolloutCommand {
            how: "Fedora/RHEL, generic package plus the file",
            command: format!(
                "sudo install -D -m 0644 {quoted} /etc/lifeline/deployment.toml && sudo dnf install -y ./Lifeline-{version}-1.x86_64.rpm"
            ),
        },
        RolloutCommand {
            how: "Windows, silent MSI install (the file on a share the machine account can read)",
            command: format!(
                "msiexec /i Lifeline_{version}_x64_en-US.msi /qn DEPLOYMENT_FILE=\\\\server\\share\\{base_name}"
            ),
        },
        RolloutCommand {
            how: "macOS, package plus the file",
            command: format!(
                "sudo install -d \"/Library/Application Support/Lifeline\" && sudo install -m 0644 {quoted} \"/Library/Application Support/Lifeline/deployment.toml\" && sudo installer -pkg Lifeline.pkg -target /"
            ),
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use lifeline_protocol::GroupRef;

    #[test]
    fn the_rollout_commands_name_the_file_for_both_ways() {
        let commands = rollout_commands("acme.toml");
        assert_eq!(
            commands[0].command,
            "cargo xtask dist --deployment acme.toml"
        );
        assert!(
            commands.iter().any(|c| c
                .command
                .contains("DEPLOYMENT_FILE=\\\\server\\share\\acme.toml")),
            "the MSI property names the file: {commands:?}"
        );
        assert!(
            commands
                .iter()
                .filter(|c| c.how.contains("generic"))
                .all(|c| c.command.contains("/etc/lifeline/deployment.toml"))
        );
    }

    #[test]
    fn the_deployment_file_parses_back_with_the_key_and_url() {
        let deployment = Deployment {
            id: Uuid::now_v7(),
            name: "Acme \"laptops\"".into(),
            group: GroupRef {
                id: Uuid::now_v7(),
                name: "Front desk".into(),
            },
            server_url: "https://help.example.com".into(),
            created_at: OffsetDateTime::UNIX_EPOCH,
            revoked_at: None,
            key_generation: 0,
            previous_key_valid_until: None,
        };
        let text = deployment_file(&deployment, "dk_key");
        let parsed: DeploymentFile = toml::from_str(&text).expect("the file is valid TOML");
        assert_eq!(parsed.server_url, "https://help.example.com");
        assert_eq!(parsed.deployment_key, "dk_key");
        assert_eq!(parsed.behaviour.shortcut_name, "Acme \"laptops\" SOS");
    }

    #[test]
    fn generated_passwords_are_long_enough_and_differ() {
        let (a, b) = (generate_password(), generate_password());
        assert_ne!(a, b);
        assert!(check_password_length(&a).is_ok(), "{a}");
        assert!(a.chars().all(|c| c.is_ascii_alphanumeric()), "{a}");
    }

    #[test]
    fn short_passwords_are_refused_and_long_ones_hashed_with_argon2id() {
        assert!(hash_password("short").is_err());
        let hash = hash_password("a long enough password").expect("hashes");
        assert!(hash.starts_with("$argon2id$"), "{hash}");
    }
}
