//! The command line of API.md: `serve`, `group add`, `expert add`,
//! `token add`, `deployment add` (and `deployment revoke`, `migrate-db`).

use std::io::BufRead as _;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context as _, bail};
use clap::{Args, Parser, Subcommand};
use lifeline_protocol::{Email, ShortText};

use crate::clock::{Clock as _, SystemClock};
use crate::config::Config;
use crate::database_url::DatabaseUrl;
use crate::hub::Hub;
use crate::metrics::StateChanges;
use crate::store::migrate_db::{NonEmptyTarget, migrate_db};
use crate::upgrade::BeforeMigrating;
use crate::{admin, open_store};

/// The Lifeline queue server.
#[derive(Debug, Parser)]
#[command(name = "lifeline-queue", version, about)]
pub struct Cli {
    /// Config file (default: ./lifeline-queue.toml if present). `LIFELINE_*` variables override it.
    #[arg(long, global = true, env = "LIFELINE_CONFIG")]
    pub config: Option<PathBuf>,
    /// When the database holds an older server's schema: back it up into a
    /// new folder under DIR, then migrate (overrides migration_backup_dir).
    #[arg(long, global = true, value_name = "DIR", conflicts_with = "no_backup")]
    pub backup_to: Option<PathBuf>,
    /// When the database holds an older server's schema: migrate without a
    /// backup (you took one yourself). Migrations are one way.
    #[arg(long, global = true)]
    pub no_backup: bool,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the API and the console until SIGTERM or Ctrl-C.
    Serve,
    /// Groups (team queues).
    #[command(subcommand)]
    Group(GroupCommand),
    /// Support experts.
    #[command(subcommand)]
    Expert(ExpertCommand),
    /// Expert API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Deployments (keys shipped to customer machines).
    #[command(subcommand)]
    Deployment(DeploymentCommand),
    /// Bring the database's schema up to date, then exit. A database an older
    /// server made is migrated only with --backup-to DIR (or
    /// migration_backup_dir) or --no-backup: see docs/upgrading.md.
    Migrate,
    /// Move every row of a SQLite database into a PostgreSQL database.
    #[command(long_about = MIGRATE_DB_ABOUT)]
    MigrateDb(MigrateDb),
}

const MIGRATE_DB_ABOUT: &str = "\
Move every row of a SQLite database into a PostgreSQL database: cases in every
state with their history and chat, experts and their passwords, API tokens and
console sign-ins, groups, deployments (their keys keep working) and the server
secret's fingerprint.

Stop the server first. The source is only read. On the target the schema is
created (or brought up to date) and the rows are copied in one transaction: it
commits whole or not at all. A target that already holds rows is refused unless
--replace is given. Every table of one schema must exist with the same columns
in the other, or nothing is copied and the differences are named.

Afterwards start the servers on the target with the same secret.key (or
secret_key) the SQLite server used; see docs/migrating-to-postgresql.md.";

/// `migrate-db`
#[derive(Debug, Args)]
pub struct MigrateDb {
    /// The SQLite database to read: sqlite://PATH (a stopped server's file).
    #[arg(long, value_name = "sqlite://PATH")]
    pub from: String,
    /// The PostgreSQL database to fill: postgres://USER@HOST/DATABASE.
    #[arg(long, value_name = "postgres://…")]
    pub to: String,
    /// Delete every row the target holds (in the same transaction) and copy the
    /// source in its place. Without it, a target holding any row is refused.
    #[arg(long)]
    pub replace: bool,
}

/// `group …`
#[derive(Debug, Subcommand)]
pub enum GroupCommand {
    /// Add a group.
    Add {
        /// The group's name.
        name: String,
    },
    /// Set how long a customer may wait unassigned before the group's
    /// experts are alerted in the console.
    Alert {
        /// The group's name.
        name: String,
        /// Seconds, 1 to 86400 (default of a new group: 300).
        seconds: u32,
    },
}

/// `expert …`
#[derive(Debug, Subcommand)]
pub enum ExpertCommand {
    /// Add an expert; the console password is read from stdin (one line).
    Add(ExpertAdd),
}

/// `expert add`
#[derive(Debug, Args)]
pub struct ExpertAdd {
    /// Sign-in address.
    #[arg(long)]
    pub email: String,
    /// The name customers see.
    #[arg(long)]
    pub name: String,
    /// Make the expert an admin.
    #[arg(long)]
    pub admin: bool,
    /// A group to join (repeatable).
    #[arg(long = "group")]
    pub groups: Vec<String>,
}

/// `token …`
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create an API token for an expert; printed once.
    Add {
        /// The expert's sign-in address.
        #[arg(long)]
        email: String,
    },
}

/// `deployment …`
#[derive(Debug, Subcommand)]
pub enum DeploymentCommand {
    /// Create a deployment and write its deployment file.
    Add {
        /// A name for IT, such as "Acme laptops".
        #[arg(long)]
        name: String,
        /// The group its cases land in.
        #[arg(long)]
        group: String,
        /// The address the app reaches this server at.
        #[arg(long)]
        server_url: String,
        /// Where to write the deployment file (default: stdout).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Revoke a deployment: its key stops working at once.
    Revoke {
        /// The deployment id.
        id: uuid::Uuid,
    },
}

impl Cli {
    /// Loads the configuration this command line points to.
    pub fn config(&self) -> anyhow::Result<Config> {
        let file = self.config.clone().or_else(|| {
            let local = PathBuf::from(crate::config::CONFIG_FILE_NAME);
            local.exists().then_some(local)
        });
        let env = std::env::vars()
            .filter(|(k, _)| k.starts_with("LIFELINE_"))
            .collect();
        let mut config = Config::load(file.as_deref(), &env)?;
        if let Some(dir) = &self.backup_to {
            config.before_migrating = BeforeMigrating::BackUpInto(dir.clone());
        } else if self.no_backup {
            config.before_migrating = BeforeMigrating::NoBackup;
        }
        Ok(config)
    }
}

/// Runs `migrate-db`: the source and the target come from its arguments, not
/// from the configuration.
pub async fn run_migrate_db(args: &MigrateDb) -> anyhow::Result<()> {
    let from = match DatabaseUrl::parse(&args.from).context("--from")? {
        DatabaseUrl::Sqlite(path) => path,
        DatabaseUrl::Postgres(url) => bail!("--from: expected sqlite://PATH, got {url}"),
    };
    let to = match DatabaseUrl::parse(&args.to).context("--to")? {
        DatabaseUrl::Postgres(url) => url,
        DatabaseUrl::Sqlite(path) => bail!(
            "--to: expected postgres://…, got sqlite://{}",
            path.display()
        ),
    };
    let non_empty = if args.replace {
        NonEmptyTarget::Replace
    } else {
        NonEmptyTarget::Refuse
    };
    let shown_to = to.to_string();
    // The blocking PostgreSQL client runs its own runtime: keep it off this one.
    let moved = tokio::task::spawn_blocking(move || migrate_db(&from, &to, non_empty))
        .await
        .context("the copy stopped")??;
    print!("{moved}");
    eprintln!(
        "moved into {shown_to}. Start the servers on it with the secret.key (or secret_key) \
         this database was made with."
    );
    Ok(())
}

/// Runs an administration command against the configured database.
pub async fn run_admin(command: Command, config: &Config) -> anyhow::Result<()> {
    // The CLI serves no metrics: the states its writes enter go uncounted.
    let (store, secret) =
        open_store(config, Arc::new(Hub::default()), StateChanges::default()).await?;
    let store = store.as_ref();
    let now = SystemClock.now();
    match command {
        Command::Serve | Command::Migrate | Command::MigrateDb(_) => {
            unreachable!("not an administration command on the configured database")
        }
        Command::Group(GroupCommand::Add { name }) => {
            let name = ShortText::parse(name).map_err(|e| anyhow::anyhow!("group name: {e}"))?;
            let group = store.create_group(name.as_str(), now).await?;
            println!("{}", group.id);
        }
        Command::Group(GroupCommand::Alert { name, seconds }) => {
            let group = store
                .group_by_name(&name)
                .await?
                .with_context(|| format!("no group named {name:?}"))?;
            store
                .set_alert_time(group.id, seconds, now)
                .await
                .with_context(|| format!("group {name:?}"))?;
        }
        Command::Expert(ExpertCommand::Add(add)) => {
            let email = Email::parse(add.email).map_err(|e| anyhow::anyhow!("--email: {e}"))?;
            let name = ShortText::parse(add.name).map_err(|e| anyhow::anyhow!("--name: {e}"))?;
            let mut groups = Vec::new();
            for group in &add.groups {
                let found = store
                    .group_by_name(group)
                    .await?
                    .with_context(|| format!("--group: no group named {group:?}"))?;
                groups.push(found.id);
            }
            let mut password = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut password)
                .context("failed to read the password from stdin")?;
            let password = password.trim_end_matches(['\r', '\n']);
            let password = (!password.is_empty()).then_some(password);
            let expert = admin::create_expert(
                store,
                email,
                name.as_str(),
                password,
                add.admin,
                groups,
                now,
            )
            .await?;
            println!("{}", expert.id);
        }
        Command::Token(TokenCommand::Add { email }) => {
            let id = store
                .expert_id_by_email(&email)
                .await?
                .with_context(|| format!("--email: no expert {email:?}"))?;
            let token = admin::create_expert_token(store, id, now).await?;
            println!("{}", token.token);
        }
        Command::Deployment(DeploymentCommand::Add {
            name,
            group,
            server_url,
            out,
        }) => {
            let name = ShortText::parse(name).map_err(|e| anyhow::anyhow!("--name: {e}"))?;
            let group = store
                .group_by_name(&group)
                .await?
                .with_context(|| format!("--group: no group named {group:?}"))?;
            let created =
                admin::create_deployment(store, &secret, name.as_str(), group.id, &server_url, now)
                    .await?;
            let file = admin::deployment_file(&created.deployment, &created.key);
            let file_name = match &out {
                Some(path) => {
                    write_new_file(path, &file)?;
                    eprintln!(
                        "deployment {} written to {}",
                        created.deployment.id,
                        path.display()
                    );
                    path.display().to_string()
                }
                None => {
                    print!("{file}");
                    "deployment.toml".to_owned()
                }
            };
            // On stderr, so that stdout stays the file itself.
            eprintln!("\nShip it (docs/deploying.md):");
            for step in admin::rollout_commands(&file_name) {
                eprintln!("  {}:\n    {}", step.how, step.command);
            }
        }
        Command::Deployment(DeploymentCommand::Revoke { id }) => {
            let deployment = store.revoke_deployment(id, now).await?;
            eprintln!("deployment {} ({}) revoked", deployment.id, deployment.name);
        }
    }
    Ok(())
}

/// Writes through a temporary file and a rename, so a crash never leaves half a file.
fn write_new_file(path: &std::path::Path, contents: &str) -> anyhow::Result<()> {
    if path.is_dir() {
        bail!("--out: {} is a directory", path.display());
    }
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let temp = dir.join(format!(
        ".{}.tmp",
        path.file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("deployment")
    ));
    std::fs::write(&temp, contents)
        .with_context(|| format!("failed to write {}", temp.display()))?;
    std::fs::rename(&temp, path).with_context(|| format!("failed to write {}", path.display()))?;
    Ok(())
}
