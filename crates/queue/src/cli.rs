//! The command line of API.md: `serve`, `init`, `group …`, `expert …`,
//! `token add`, `deployment …` and `migrate-db`.
//!
//! Every command but `serve`, `init` and `migrate-db` administers an
//! existing server's database, and refuses to make one: run from another
//! folder or as another user, it would otherwise make a fresh, empty
//! database and secret and "succeed" on them.

use std::io::{BufRead as _, IsTerminal as _};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context as _, bail};
use clap::{Args, Parser, Subcommand};
use lifeline_protocol::{Deployment, Email, Expert, ExpertRole, ShortText};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::clock::{Clock as _, SystemClock};
use crate::config::{CONFIG_FILE_NAME, Config, SYSTEM_CONFIG_FILE, find_config_file};
use crate::credentials::SECRET_FILE;
use crate::database_url::DatabaseUrl;
use crate::hub::Hub;
use crate::metrics::StateChanges;
use crate::store::migrate_db::{NonEmptyTarget, migrate_db};
use crate::store::postgres::open::has_schema;
use crate::store::{ExpertChange, Store};
use crate::upgrade::BeforeMigrating;
use crate::{admin, open_store};

/// The Lifeline queue server.
#[derive(Debug, Parser)]
#[command(name = "lifeline-queue", version, about)]
pub struct Cli {
    /// Config file. Default: ./lifeline-queue.toml if present, else
    /// /etc/lifeline-queue/lifeline-queue.toml if present. `LIFELINE_*`
    /// variables override what it says.
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
    /// Serve the API and the console until SIGTERM or Ctrl-C (the first
    /// start creates the database and the server secret).
    Serve,
    /// Create the database and the server secret where the configuration
    /// says, as the first `serve` would, and exit. Nothing is changed when
    /// they exist.
    Init,
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
    /// List every expert.
    List(Output),
    /// Deactivate an expert: they are signed out of the console, their API
    /// tokens are revoked, and they cannot sign in until activated again.
    Deactivate {
        /// The expert's sign-in address.
        #[arg(long)]
        email: String,
    },
    /// Activate a deactivated expert (their revoked API tokens stay revoked).
    Activate {
        /// The expert's sign-in address.
        #[arg(long)]
        email: String,
    },
    /// Give an expert a new console password, read from stdin (one line),
    /// or made up and printed once with --generate. Signs them out everywhere.
    ResetPassword {
        /// The expert's sign-in address.
        #[arg(long)]
        email: String,
        /// Make up a strong password and print it (to hand to the expert).
        #[arg(long)]
        generate: bool,
    },
}

/// How a list is printed.
#[derive(Debug, Args)]
pub struct Output {
    /// JSON (as the HTTP API answers) instead of a table.
    #[arg(long)]
    pub json: bool,
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
    /// List every deployment, newest first, with its id.
    List(Output),
    /// Give a deployment a new key and print its new deployment file; the old
    /// key keeps working for the grace period, then is refused.
    Rotate {
        /// The deployment id.
        id: Uuid,
        /// How long the old key keeps working, such as 7d, 12h or 0s (at once;
        /// at most 90d): time to ship the new file to every machine.
        #[arg(long, value_parser = parse_grace)]
        grace: Duration,
        /// Where to write the new deployment file (default: stdout).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Revoke a deployment: its key stops working at once.
    Revoke {
        /// The deployment id.
        id: Uuid,
    },
    /// Set the address the app reaches this server at: deployment files
    /// downloaded from now on carry it (ship them again).
    SetUrl {
        /// The deployment id.
        id: Uuid,
        /// The new server URL, such as https://help.example.com.
        server_url: String,
    },
    /// Print a deployment's current file again (with its current key and URL).
    File {
        /// The deployment id.
        id: Uuid,
        /// Where to write the file (default: stdout).
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

fn parse_grace(text: &str) -> Result<Duration, String> {
    crate::config::parse_duration(text)
}

/// A loaded configuration and where it came from.
#[derive(Debug)]
pub struct LoadedConfig {
    /// The validated configuration.
    pub config: Config,
    /// The file read, if any.
    pub file: Option<PathBuf>,
}

impl Cli {
    /// Loads the configuration this command line points to: the file of
    /// [`find_config_file`], overridden by the `LIFELINE_*` environment.
    pub fn config(&self) -> anyhow::Result<LoadedConfig> {
        let working_dir = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
        let file = find_config_file(
            self.config.as_deref(),
            &working_dir,
            Path::new(SYSTEM_CONFIG_FILE),
        );
        let env = std::env::vars()
            .filter(|(k, _)| k.starts_with("LIFELINE_"))
            .collect();
        let mut config = Config::load(file.as_deref(), &env)?;
        if let Some(dir) = &self.backup_to {
            config.before_migrating = BeforeMigrating::BackUpInto(dir.clone());
        } else if self.no_backup {
            config.before_migrating = BeforeMigrating::NoBackup;
        }
        Ok(LoadedConfig { config, file })
    }
}

impl LoadedConfig {
    /// Where this configuration was looked for and what it names, for a
    /// message about a missing database.
    fn whereabouts(&self) -> String {
        let file = match &self.file {
            Some(path) => path.display().to_string(),
            None => format!(
                "none (no --config or LIFELINE_CONFIG, no ./{CONFIG_FILE_NAME}, no {SYSTEM_CONFIG_FILE})"
            ),
        };
        format!(
            "  config file:  {file}\n  data_dir:     {}\n  database_url: {}",
            self.config.data_dir.display(),
            self.config.database_url
        )
    }
}

/// What stands at the configured place.
enum Existing {
    /// The database and the server secret: a server's.
    Server,
    /// No database (or no schema in it), or no secret to open it with.
    Missing(String),
}

/// Whether the configured database and secret exist, without creating either.
async fn existing(config: &Config) -> anyhow::Result<Existing> {
    let database = match &config.database_url {
        DatabaseUrl::Sqlite(path) => path.is_file(),
        DatabaseUrl::Postgres(url) => {
            let url = url.clone();
            tokio::task::spawn_blocking(move || has_schema(&url))
                .await
                .context("the database check stopped")?
                .with_context(|| format!("failed to open the database {}", config.database_url))?
        }
    };
    if !database {
        return Ok(Existing::Missing(format!(
            "there is no database at {}",
            config.database_url
        )));
    }
    let key_file = config.data_dir.join(SECRET_FILE);
    if config.secret_key.is_none() && !key_file.is_file() {
        return Ok(Existing::Missing(format!(
            "there is no server secret: no secret_key (LIFELINE_SECRET_KEY) and no {}",
            key_file.display()
        )));
    }
    Ok(Existing::Server)
}

/// Runs `init`: creates the database and the secret unless they exist.
pub async fn run_init(loaded: &LoadedConfig) -> anyhow::Result<()> {
    if let Existing::Server = existing(&loaded.config).await? {
        eprintln!("already set up; nothing changed:\n{}", loaded.whereabouts());
        return Ok(());
    }
    open_store(
        &loaded.config,
        Arc::new(Hub::default()),
        StateChanges::default(),
    )
    .await?;
    eprintln!("created:\n{}", loaded.whereabouts());
    Ok(())
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

/// Runs an administration command against the configured database; refuses
/// when there is none there (it would otherwise be made, empty).
pub async fn run_admin(command: Command, loaded: &LoadedConfig) -> anyhow::Result<()> {
    if let Existing::Missing(what) = existing(&loaded.config).await? {
        bail!(
            "{what}, so this command would act on a new, empty one; nothing was done.\n{}\n\
             Point --config (or LIFELINE_CONFIG) at the server's configuration file and run as \
             the server's user; a new server is set up by its first `serve` or by `init`.",
            loaded.whereabouts()
        );
    }
    // The CLI serves no metrics: the states its writes enter go uncounted.
    let (store, secret) = open_store(
        &loaded.config,
        Arc::new(Hub::default()),
        StateChanges::default(),
    )
    .await?;
    let store = store.as_ref();
    let now = SystemClock.now();
    match command {
        Command::Serve | Command::Init | Command::Migrate | Command::MigrateDb(_) => {
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
            let password = read_line("the password")?;
            let password = (!password.is_empty()).then_some(password.as_str());
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
        Command::Expert(ExpertCommand::List(output)) => {
            let experts = store.list_experts().await?;
            if output.json {
                println!("{}", serde_json::to_string_pretty(&experts)?);
            } else {
                print!("{}", expert_table(&experts));
            }
        }
        Command::Expert(ExpertCommand::Deactivate { email }) => {
            let id = expert_id(store, &email).await?;
            store
                .change_expert(id, ExpertChange::Active(false), now)
                .await?;
            eprintln!(
                "{email} deactivated: signed out of the console, API tokens revoked, \
                 cannot sign in until activated again"
            );
        }
        Command::Expert(ExpertCommand::Activate { email }) => {
            let id = expert_id(store, &email).await?;
            store
                .change_expert(id, ExpertChange::Active(true), now)
                .await?;
            eprintln!("{email} activated (give them a new API token if they need one)");
        }
        Command::Expert(ExpertCommand::ResetPassword { email, generate }) => {
            let id = expert_id(store, &email).await?;
            let password = if generate {
                admin::generate_password()
            } else {
                read_password(&format!("New console password for {email}: "))?
            };
            let hash = admin::hash_password(&password)?;
            store
                .change_expert(id, ExpertChange::PasswordHash(hash), now)
                .await?;
            if generate {
                println!("{password}");
            }
            eprintln!("{email} has a new console password and was signed out everywhere");
        }
        Command::Token(TokenCommand::Add { email }) => {
            let id = expert_id(store, &email).await?;
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
            let file_name = emit_file(&file, out.as_deref())?;
            // On stderr, so that stdout stays the file itself.
            eprintln!(
                "deployment {} created (revoke or rotate it by this id)",
                created.deployment.id
            );
            eprintln!("\nShip it (docs/deploying.md):");
            for step in admin::rollout_commands(&file_name) {
                eprintln!("  {}:\n    {}", step.how, step.command);
            }
        }
        Command::Deployment(DeploymentCommand::List(output)) => {
            let deployments = store.list_deployments().await?;
            if output.json {
                println!("{}", serde_json::to_string_pretty(&deployments)?);
            } else {
                print!("{}", deployment_table(&deployments, now));
            }
        }
        Command::Deployment(DeploymentCommand::Rotate { id, grace, out }) => {
            let rotated = admin::rotate_deployment_key(store, &secret, id, grace, now)
                .await
                .with_context(|| format!("deployment {id}"))?;
            let file = admin::deployment_file(&rotated.deployment, &rotated.key);
            emit_file(&file, out.as_deref())?;
            match rotated.deployment.previous_key_valid_until {
                Some(until) => eprintln!(
                    "deployment {id} has a new key; the previous one works until {} UTC, \
                     then is refused. Ship the new file before then.",
                    shown_time(until)
                ),
                None => eprintln!(
                    "deployment {id} has a new key; the previous one stopped working at once"
                ),
            }
        }
        Command::Deployment(DeploymentCommand::Revoke { id }) => {
            let deployment = store
                .revoke_deployment(id, now)
                .await
                .with_context(|| format!("deployment {id}"))?;
            eprintln!("deployment {} ({}) revoked", deployment.id, deployment.name);
        }
        Command::Deployment(DeploymentCommand::SetUrl { id, server_url }) => {
            let deployment = admin::set_deployment_server_url(store, id, &server_url, now)
                .await
                .with_context(|| format!("deployment {id}"))?;
            eprintln!(
                "deployment {} ({}) now names {}; files downloaded from now on carry it \
                 (`lifeline-queue deployment file {}`): ship them again",
                deployment.id, deployment.name, deployment.server_url, deployment.id
            );
        }
        Command::Deployment(DeploymentCommand::File { id, out }) => {
            let deployment = store
                .deployment(id)
                .await?
                .with_context(|| format!("no deployment {id}"))?;
            if deployment.revoked_at.is_some() {
                bail!("deployment {id} is revoked; create a new one");
            }
            let key = admin::current_deployment_key(&secret, &deployment);
            emit_file(&admin::deployment_file(&deployment, &key), out.as_deref())?;
        }
    }
    Ok(())
}

/// The id of the expert with sign-in address `email`.
async fn expert_id(store: &dyn Store, email: &str) -> anyhow::Result<Uuid> {
    store
        .expert_id_by_email(email)
        .await?
        .with_context(|| format!("--email: no expert {email:?}"))
}

/// One line of stdin without its line end; `what` names it in an error.
fn read_line(what: &str) -> anyhow::Result<String> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .with_context(|| format!("failed to read {what} from stdin"))?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

/// A password from stdin, asking for it first when stdin is a terminal.
fn read_password(prompt: &str) -> anyhow::Result<String> {
    if std::io::stdin().is_terminal() {
        eprint!("{prompt}");
    }
    let password = read_line("the password")?;
    if password.is_empty() {
        bail!("no password on stdin (or use --generate)");
    }
    Ok(password)
}

/// Writes a deployment file to `out`, or prints it; returns the name the
/// rollout commands call it by.
fn emit_file(file: &str, out: Option<&Path>) -> anyhow::Result<String> {
    match out {
        Some(path) => {
            write_new_file(path, file)?;
            eprintln!("deployment file written to {}", path.display());
            Ok(path.display().to_string())
        }
        None => {
            print!("{file}");
            Ok("deployment.toml".to_owned())
        }
    }
}

/// A time as the tables show it: UTC to the second.
fn shown_time(at: OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    )
}

/// Experts as a plain table.
fn expert_table(experts: &[Expert]) -> String {
    let rows = experts
        .iter()
        .map(|e| {
            vec![
                e.id.to_string(),
                e.email.clone(),
                e.display_name.clone(),
                match e.role {
                    ExpertRole::Admin => "admin".to_owned(),
                    ExpertRole::Expert => "expert".to_owned(),
                },
                if e.active { "active" } else { "deactivated" }.to_owned(),
                e.groups
                    .iter()
                    .map(|g| g.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            ]
        })
        .collect();
    table(&["ID", "EMAIL", "NAME", "ROLE", "STATUS", "GROUPS"], rows)
}

/// Deployments as a plain table; `now` tells a previous key still working
/// from one past its grace.
fn deployment_table(deployments: &[Deployment], now: OffsetDateTime) -> String {
    let rows = deployments
        .iter()
        .map(|d| {
            let status = match (d.revoked_at, d.previous_key_valid_until) {
                (Some(at), _) => format!("revoked {} UTC", shown_time(at)),
                (None, Some(until)) if until > now => {
                    format!("active; previous key until {} UTC", shown_time(until))
                }
                (None, _) => "active".to_owned(),
            };
            vec![
                d.id.to_string(),
                d.name.clone(),
                d.group.name.clone(),
                d.server_url.clone(),
                format!("{} UTC", shown_time(d.created_at)),
                status,
            ]
        })
        .collect();
    table(
        &["ID", "NAME", "GROUP", "SERVER URL", "CREATED", "STATUS"],
        rows,
    )
}

/// Left-aligned columns two spaces apart, a header line first. Control
/// characters in a cell (a name is free text) are shown as spaces, so one
/// row stays one line.
fn table(headers: &[&str], rows: Vec<Vec<String>>) -> String {
    let rows: Vec<Vec<String>> = rows
        .into_iter()
        .map(|row| {
            row.into_iter()
                .map(|cell| cell.replace(char::is_control, " "))
                .collect()
        })
        .collect();
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let mut text = String::new();
        for (i, (cell, width)) in cells.iter().zip(&widths).enumerate() {
            if i + 1 == cells.len() {
                text.push_str(cell);
            } else {
                text.push_str(&format!("{cell:<width$}  "));
            }
        }
        text.trim_end().to_owned() + "\n"
    };
    let mut out = line(headers.to_vec());
    for row in &rows {
        out.push_str(&line(row.iter().map(String::as_str).collect()));
    }
    out
}

/// Writes through a temporary file and a rename, so a crash never leaves half a file.
fn write_new_file(path: &Path, contents: &str) -> anyhow::Result<()> {
    if path.is_dir() {
        bail!("--out: {} is a directory", path.display());
    }
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
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
