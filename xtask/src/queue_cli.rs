//! Driving the `lifeline-queue` server CLI as documented in API.md.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};

/// The group, expert, token and deployment a demo or benchmark server starts with.
pub const GROUP: &str = "Front desk";
pub const EXPERT_EMAIL: &str = "ana@example.com";
pub const EXPERT_NAME: &str = "Ana";
pub const EXPERT_PASSWORD: &str = "demo-password-123";
pub const DEPLOYMENT_NAME: &str = "Demo";

/// The `lifeline-queue` binary with the environment it runs in.
#[derive(Debug, Clone)]
pub struct QueueCli {
    binary: PathBuf,
    data_dir: PathBuf,
    env: Vec<(String, String)>,
    /// Echo each command before running it (for the demo).
    pub echo: bool,
}

impl QueueCli {
    /// The binary, run with `LIFELINE_DATA_DIR=data_dir` from inside `data_dir`
    /// (so a stray `lifeline-queue.toml` in the caller's directory is not read).
    pub fn new(binary: PathBuf, data_dir: &Path) -> Self {
        Self {
            binary,
            data_dir: data_dir.to_owned(),
            env: vec![(
                "LIFELINE_DATA_DIR".to_owned(),
                data_dir.display().to_string(),
            )],
            echo: false,
        }
    }

    /// Adds an environment variable to every run.
    pub fn env(&mut self, key: &str, value: &str) -> &mut Self {
        self.env.push((key.to_owned(), value.to_owned()));
        self
    }

    /// A command for `lifeline-queue <args>` with this environment.
    pub fn command<S: AsRef<str>>(&self, args: &[S]) -> Command {
        let mut command = Command::new(&self.binary);
        command
            .current_dir(&self.data_dir)
            .args(args.iter().map(AsRef::as_ref))
            .envs(self.env.iter().map(|(k, v)| (k, v)));
        command
    }

    /// Runs `lifeline-queue <args>` to completion, feeding `stdin`, and returns
    /// its standard output. Fails with its output when it fails.
    pub fn run<S: AsRef<str>>(&self, args: &[S], stdin: Option<&str>) -> Result<String> {
        let shown = args
            .iter()
            .map(|arg| shell_word(arg.as_ref()))
            .collect::<Vec<_>>()
            .join(" ");
        if self.echo {
            eprintln!("$ lifeline-queue {shown}");
        }
        let mut child = self
            .command(args)
            .stdin(if stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .with_context(|| format!("failed to start lifeline-queue {shown}"))?;
        if let Some(input) = stdin {
            let mut pipe = child.stdin.take().context("child has no stdin")?;
            pipe.write_all(input.as_bytes())
                .with_context(|| format!("failed to write the stdin of lifeline-queue {shown}"))?;
            // Dropping the pipe closes it: the CLI sees end of input.
        }
        let output = child
            .wait_with_output()
            .with_context(|| format!("failed to wait for lifeline-queue {shown}"))?;
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        if !output.status.success() {
            bail!(
                "lifeline-queue {shown} failed ({}):\n{}{}",
                output.status,
                stdout,
                String::from_utf8_lossy(&output.stderr)
            );
        }
        Ok(stdout)
    }
}

/// What [`seed`] created.
#[derive(Debug, Clone)]
pub struct Seeded {
    /// The admin expert's `et_` API token.
    pub expert_token: String,
    /// The deployment's `dk_` key, read from the deployment file.
    pub deployment_key: String,
}

/// Creates the database, the group, the admin expert with a password and an
/// API token, and a deployment whose file is written to `deployment_file`,
/// all through the CLI.
pub fn seed(cli: &QueueCli, server_url: &str, deployment_file: &Path) -> Result<Seeded> {
    // The admin commands refuse to make a database; `init` makes it.
    cli.run(&["init"], None)
        .context("failed to create the database")?;
    cli.run(&["group", "add", GROUP], None)
        .context("failed to add the group")?;
    cli.run(
        &[
            "expert",
            "add",
            "--email",
            EXPERT_EMAIL,
            "--name",
            EXPERT_NAME,
            "--admin",
            "--group",
            GROUP,
        ],
        Some(&format!("{EXPERT_PASSWORD}\n")),
    )
    .context("failed to add the expert")?;
    let token_output = cli
        .run(&["token", "add", "--email", EXPERT_EMAIL], None)
        .context("failed to add the expert token")?;
    let expert_token = token_output
        .lines()
        .map(str::trim)
        .rfind(|line| !line.is_empty())
        .filter(|line| line.starts_with("et_"))
        .with_context(|| {
            format!("`token add` printed no et_ token as its last line: {token_output:?}")
        })?
        .to_owned();
    let out = deployment_file.display().to_string();
    cli.run(
        &[
            "deployment",
            "add",
            "--name",
            DEPLOYMENT_NAME,
            "--group",
            GROUP,
            "--server-url",
            server_url,
            "--out",
            &out,
        ],
        None,
    )
    .context("failed to add the deployment")?;
    let deployment_key = read_deployment_key(deployment_file)?;
    Ok(Seeded {
        expert_token,
        deployment_key,
    })
}

/// The `deployment_key` of a deployment file.
pub fn read_deployment_key(deployment_file: &Path) -> Result<String> {
    let text = std::fs::read_to_string(deployment_file)
        .with_context(|| format!("failed to read {}", deployment_file.display()))?;
    let file: toml::Table = text
        .parse()
        .with_context(|| format!("failed to parse {}", deployment_file.display()))?;
    let key = file
        .get("deployment_key")
        .and_then(toml::Value::as_str)
        .with_context(|| format!("{} has no deployment_key", deployment_file.display()))?;
    if !key.starts_with("dk_") {
        bail!(
            "the deployment_key in {} does not start with dk_",
            deployment_file.display()
        );
    }
    Ok(key.to_owned())
}

/// Quotes a word for display the way a POSIX shell would need it.
fn shell_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:@=,+".contains(c));
    if plain {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_with_spaces_are_quoted_for_display() {
        assert_eq!(shell_word("Front desk"), "'Front desk'");
        assert_eq!(shell_word("--email"), "--email");
        assert_eq!(shell_word("it's"), r"'it'\''s'");
    }

    #[test]
    fn the_deployment_key_is_read_from_the_file() -> Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("deployment.toml");
        std::fs::write(
            &path,
            "server_url = \"http://127.0.0.1:8080\"\ndeployment_key = \"dk_abc\"\n\n[branding]\ncompany_name = \"Acme\"\n",
        )?;
        assert_eq!(read_deployment_key(&path)?, "dk_abc");
        Ok(())
    }
}
