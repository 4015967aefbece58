//! `lifeline-queue migrate-db`: moves a company's data from its SQLite file
//! into a PostgreSQL database, whole or not at all.
//!
//! The copy is driven by the two schemas themselves, not by a list of tables
//! written here: every table of the source must have a table of the same name
//! and the same columns on the target (after the PostgreSQL schema's one
//! rename, `case_events.final` → `is_final`) and the other way round, or
//! nothing is copied and the differences are named. A table a later migration
//! adds to one backend only is therefore reported, never skipped. Values are
//! converted by the target column's type (UUID from a 16-byte BLOB, BOOLEAN
//! from 0/1, …) and a value that does not fit stops the copy.
//!
//! The source is read in one read transaction (a consistent snapshot even if
//! a server still writes to it) and never written. On the target, the schema
//! is brought up to date, the emptiness check, the copy and a count check run
//! in one transaction that also holds the writers' lock, so a server started
//! on the target early waits for the copy instead of interleaving with it.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

use postgres::binary_copy::BinaryCopyInWriter;
use postgres::types::{ToSql, Type};
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};
use uuid::Uuid;

use crate::database_url::PostgresUrl;
use crate::store::StoreError;
use crate::store::postgres::open::{migrate_within, writer_config};
use crate::store::postgres::writer::WRITER_LOCK;
use crate::store::sqlite::open::schema_version;

/// Columns whose names differ between the schemas: (table, SQLite, PostgreSQL).
/// `final` is a reserved word in PostgreSQL.
const RENAMED_COLUMNS: &[(&str, &str, &str)] = &[("case_events", "final", "is_final")];

/// Tables only the PostgreSQL schema has that hold no company data, so
/// nothing is copied into them and they may hold rows: the schema's version,
/// and the shared rate-limit and sign-in counters of running instances (which
/// SQLite keeps in memory; losing them forgives a few requests). A table
/// missing from the schema is simply not there to skip.
const NOT_DATA: &[&str] = &["lifeline_schema", "rate_budgets", "sign_in_failures"];

/// What to do with a target that already holds rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NonEmptyTarget {
    /// Refuse, touching nothing.
    Refuse,
    /// Empty every table of the target first, in the same transaction: the
    /// target ends up holding exactly the source's rows.
    Replace,
}

/// Why nothing was moved.
#[derive(Debug, thiserror::Error)]
pub enum MigrateDbError {
    /// The source file does not exist.
    #[error("--from: no database file at {0}")]
    NoSource(PathBuf),
    /// The source cannot be read.
    #[error("--from: reading {path}: {source}")]
    Source {
        /// The source file.
        path: PathBuf,
        /// SQLite's error.
        source: rusqlite::Error,
    },
    /// The source was written by a newer server.
    #[error(
        "--from: the database has schema version {found}, newer than this server knows \
         ({known}); migrate it with the server version that wrote it"
    )]
    SourceTooNew {
        /// The source's schema version.
        found: i64,
        /// The newest this server knows.
        known: usize,
    },
    /// The source was last opened by an older server.
    #[error(
        "--from: the database has schema version {found}, older than this server's ({known}); \
         run this server version on it once (e.g. `lifeline-queue serve`, then stop it) so it \
         brings the schema up to date, then migrate"
    )]
    SourceTooOld {
        /// The source's schema version.
        found: i64,
        /// The version this server brings a database to.
        known: usize,
    },
    /// The target cannot be reached or refused a statement.
    #[error("--to: {0}")]
    Target(String),
    /// The target's schema could not be brought up to date (or is newer).
    #[error("--to: {0}")]
    TargetSchema(#[source] StoreError),
    /// The target already holds rows and was not to be replaced.
    #[error(
        "--to: the database is not empty ({}); nothing was copied. Use an empty database, or \
         --replace to delete what it holds and copy the source in its place",
        list_counts(.0)
    )]
    TargetNotEmpty(Vec<(String, i64)>),
    /// The two schemas do not hold the same tables and columns.
    #[error(
        "the schemas differ, so some data would have nowhere to go (or come from nowhere): {}; \
         nothing was copied",
        .0.join("; ")
    )]
    SchemasDiffer(Vec<String>),
    /// A source value does not fit its target column.
    #[error("{table}.{column}: {problem}; nothing was copied")]
    BadValue {
        /// The table.
        table: String,
        /// The target column.
        column: String,
        /// What is wrong with it.
        problem: String,
    },
}

fn list_counts(counts: &[(String, i64)]) -> String {
    counts
        .iter()
        .map(|(table, rows)| format!("{table}: {rows} rows"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// What was moved: rows per table, in copy order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moved {
    /// (table, rows).
    pub tables: Vec<(String, u64)>,
}

impl fmt::Display for Moved {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (table, rows) in &self.tables {
            writeln!(f, "{table}: {rows} rows")?;
        }
        Ok(())
    }
}

/// A target column's type, as far as the copy converts to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Uuid,
    Bytes,
    Text,
    Int8,
    Int4,
    Int2,
    Bool,
    Float8,
}

impl Kind {
    /// The kind of a PostgreSQL type name (`udt_name`), if the copy knows it.
    fn of(udt_name: &str) -> Option<Self> {
        Some(match udt_name {
            "uuid" => Self::Uuid,
            "bytea" => Self::Bytes,
            "text" | "varchar" => Self::Text,
            "int8" => Self::Int8,
            "int4" => Self::Int4,
            "int2" => Self::Int2,
            "bool" => Self::Bool,
            "float8" => Self::Float8,
            _ => return None,
        })
    }

    fn pg_type(self) -> Type {
        match self {
            Self::Uuid => Type::UUID,
            Self::Bytes => Type::BYTEA,
            Self::Text => Type::TEXT,
            Self::Int8 => Type::INT8,
            Self::Int4 => Type::INT4,
            Self::Int2 => Type::INT2,
            Self::Bool => Type::BOOL,
            Self::Float8 => Type::FLOAT8,
        }
    }
}

/// One value on its way to PostgreSQL.
enum Value {
    Uuid(Option<Uuid>),
    Bytes(Option<Vec<u8>>),
    Text(Option<String>),
    Int8(Option<i64>),
    Int4(Option<i32>),
    Int2(Option<i16>),
    Bool(Option<bool>),
    Float8(Option<f64>),
}

impl Value {
    fn as_sql(&self) -> &(dyn ToSql + Sync) {
        match self {
            Self::Uuid(v) => v,
            Self::Bytes(v) => v,
            Self::Text(v) => v,
            Self::Int8(v) => v,
            Self::Int4(v) => v,
            Self::Int2(v) => v,
            Self::Bool(v) => v,
            Self::Float8(v) => v,
        }
    }

    /// Converts a SQLite value for a column of `kind`; the error says why it does not fit.
    fn convert(kind: Kind, value: ValueRef<'_>) -> Result<Self, String> {
        let null = matches!(value, ValueRef::Null);
        let integer = |value: ValueRef<'_>| match value {
            ValueRef::Integer(n) => Ok(n),
            other => Err(format!("expected an integer, found {}", other.data_type())),
        };
        Ok(match kind {
            Kind::Uuid if null => Self::Uuid(None),
            Kind::Uuid => match value {
                ValueRef::Blob(bytes) => {
                    Self::Uuid(Some(Uuid::from_slice(bytes).map_err(|_| {
                        format!("expected a 16-byte id, found {} bytes", bytes.len())
                    })?))
                }
                other => {
                    return Err(format!(
                        "expected an id (blob), found {}",
                        other.data_type()
                    ));
                }
            },
            Kind::Bytes if null => Self::Bytes(None),
            Kind::Bytes => match value {
                ValueRef::Blob(bytes) => Self::Bytes(Some(bytes.to_vec())),
                other => return Err(format!("expected a blob, found {}", other.data_type())),
            },
            Kind::Text if null => Self::Text(None),
            Kind::Text => match value {
                ValueRef::Text(bytes) => Self::Text(Some(
                    String::from_utf8(bytes.to_vec())
                        .map_err(|_| "text is not UTF-8".to_string())?,
                )),
                other => return Err(format!("expected text, found {}", other.data_type())),
            },
            Kind::Int8 if null => Self::Int8(None),
            Kind::Int8 => Self::Int8(Some(integer(value)?)),
            Kind::Int4 if null => Self::Int4(None),
            Kind::Int4 => Self::Int4(Some(
                i32::try_from(integer(value)?).map_err(|e| e.to_string())?,
            )),
            Kind::Int2 if null => Self::Int2(None),
            Kind::Int2 => Self::Int2(Some(
                i16::try_from(integer(value)?).map_err(|e| e.to_string())?,
            )),
            Kind::Bool if null => Self::Bool(None),
            Kind::Bool => match integer(value)? {
                0 => Self::Bool(Some(false)),
                1 => Self::Bool(Some(true)),
                n => return Err(format!("expected 0 or 1, found {n}")),
            },
            Kind::Float8 if null => Self::Float8(None),
            Kind::Float8 => match value {
                ValueRef::Real(x) => Self::Float8(Some(x)),
                #[expect(
                    clippy::cast_precision_loss,
                    reason = "SQLite's REAL affinity does the same"
                )]
                ValueRef::Integer(n) => Self::Float8(Some(n as f64)),
                other => return Err(format!("expected a number, found {}", other.data_type())),
            },
        })
    }
}

/// A table both schemas hold, ready to copy.
struct TablePlan {
    name: String,
    /// (SQLite column, PostgreSQL column, kind), in the target's column order.
    columns: Vec<(String, String, Kind)>,
}

/// Moves every row of the SQLite database at `from` into the PostgreSQL
/// database at `to`, in one transaction on the target. Blocking: run it off
/// the async runtime.
pub fn migrate_db(
    from: &Path,
    to: &PostgresUrl,
    non_empty: NonEmptyTarget,
) -> Result<Moved, MigrateDbError> {
    if !from.is_file() {
        return Err(MigrateDbError::NoSource(from.to_path_buf()));
    }
    let source_error = |source| MigrateDbError::Source {
        path: from.to_path_buf(),
        source,
    };
    let source = Connection::open_with_flags(
        from,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(source_error)?;
    // One snapshot for every read below, even if a server still writes.
    source.execute_batch("BEGIN").map_err(source_error)?;
    let found: i64 = source
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .map_err(source_error)?;
    let known = schema_version();
    match usize::try_from(found) {
        Ok(version) if version == known => {}
        Ok(version) if version < known => {
            return Err(MigrateDbError::SourceTooOld { found, known });
        }
        _ => return Err(MigrateDbError::SourceTooNew { found, known }),
    }
    let source_tables = sqlite_columns(&source).map_err(source_error)?;

    let config = writer_config(to).map_err(MigrateDbError::TargetSchema)?;
    let mut client = config.connect(postgres::NoTls).map_err(target_error)?;
    let mut tx = client.transaction().map_err(target_error)?;
    migrate_within(&mut tx).map_err(MigrateDbError::TargetSchema)?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&WRITER_LOCK])
        .map_err(target_error)?;
    let target_tables = postgres_columns(&mut tx)?;
    let plans = plan(&source_tables, &target_tables)?;
    let order = copy_order(&mut tx, plans.keys().cloned().collect())?;

    let mut holding = Vec::new();
    for table in &order {
        let rows: i64 = tx
            .query_one(&format!("SELECT count(*) FROM {}", quoted(table)), &[])
            .and_then(|row| row.try_get(0))
            .map_err(target_error)?;
        if rows > 0 {
            holding.push((table.clone(), rows));
        }
    }
    if !holding.is_empty() {
        match non_empty {
            NonEmptyTarget::Refuse => return Err(MigrateDbError::TargetNotEmpty(holding)),
            NonEmptyTarget::Replace => {
                let all: Vec<_> = order.iter().map(|t| quoted(t)).collect();
                tx.batch_execute(&format!("TRUNCATE {}", all.join(", ")))
                    .map_err(target_error)?;
                tracing::info!(tables = %list_counts(&holding), "emptied the target (--replace)");
            }
        }
    }

    let mut moved = Vec::new();
    for table in &order {
        let plan = &plans[table];
        let copied = copy_table(&source, &mut tx, plan).map_err(|e| match e {
            CopyError::Source(e) => source_error(e),
            CopyError::Target(e) => {
                MigrateDbError::Target(format!("copying {table}: {}", describe(&e)))
            }
            CopyError::Value { column, problem } => MigrateDbError::BadValue {
                table: table.clone(),
                column,
                problem,
            },
        })?;
        let source_rows: i64 = source
            .query_row(
                &format!("SELECT count(*) FROM {}", quoted(table)),
                [],
                |r| r.get(0),
            )
            .map_err(source_error)?;
        if i64::try_from(copied).ok() != Some(source_rows) {
            return Err(MigrateDbError::Target(format!(
                "copying {table}: {copied} rows written, the source holds {source_rows}"
            )));
        }
        tracing::info!(table = %table, rows = copied, "copied");
        moved.push((table.clone(), copied));
    }
    tx.commit().map_err(target_error)?;
    source.execute_batch("COMMIT").map_err(source_error)?;
    Ok(Moved { tables: moved })
}

fn target_error(error: postgres::Error) -> MigrateDbError {
    MigrateDbError::Target(describe(&error))
}

/// The driver's error with PostgreSQL's detail (which key, which row) when it has one.
fn describe(error: &postgres::Error) -> String {
    match error.as_db_error() {
        Some(db) => match db.detail() {
            Some(detail) => format!("{}: {detail}", db.message()),
            None => db.message().to_string(),
        },
        None => error.to_string(),
    }
}

/// A name as an SQL identifier (both databases quote with double quotes).
fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Every table of the SQLite schema and its column names.
fn sqlite_columns(source: &Connection) -> rusqlite::Result<BTreeMap<String, Vec<String>>> {
    let mut tables = BTreeMap::new();
    let names: Vec<String> = source
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'")?
        .query_map([], |row| row.get(0))?
        .collect::<Result<_, _>>()?;
    for name in names {
        let columns = source
            .prepare("SELECT name FROM pragma_table_info(?1) ORDER BY cid")?
            .query_map([&name], |row| row.get(0))?
            .collect::<Result<_, _>>()?;
        tables.insert(name, columns);
    }
    Ok(tables)
}

/// Every table of the PostgreSQL schema (but [`NOT_DATA`]) and its columns
/// with their type names, in column order.
fn postgres_columns(
    tx: &mut postgres::Transaction<'_>,
) -> Result<BTreeMap<String, Vec<(String, String)>>, MigrateDbError> {
    let rows = tx
        .query(
            "SELECT c.table_name::text, c.column_name::text, c.udt_name::text \
             FROM information_schema.columns c \
             JOIN information_schema.tables t \
               ON t.table_schema = c.table_schema AND t.table_name = c.table_name \
             WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' \
             ORDER BY c.table_name, c.ordinal_position",
            &[],
        )
        .map_err(target_error)?;
    let mut tables: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for row in rows {
        let table: String = row.get(0);
        if NOT_DATA.contains(&table.as_str()) {
            continue;
        }
        tables
            .entry(table)
            .or_default()
            .push((row.get(1), row.get(2)));
    }
    Ok(tables)
}

/// Matches the two schemas table by table and column by column; every
/// difference is named.
fn plan(
    source: &BTreeMap<String, Vec<String>>,
    target: &BTreeMap<String, Vec<(String, String)>>,
) -> Result<BTreeMap<String, TablePlan>, MigrateDbError> {
    let mut differences = Vec::new();
    let mut plans = BTreeMap::new();
    for table in source.keys().filter(|t| !target.contains_key(*t)) {
        differences.push(format!(
            "table {table} is in the SQLite database but not in the PostgreSQL schema"
        ));
    }
    for table in target.keys().filter(|t| !source.contains_key(*t)) {
        differences.push(format!(
            "table {table} is in the PostgreSQL schema but not in the SQLite database"
        ));
    }
    for (table, target_columns) in target {
        let Some(source_columns) = source.get(table) else {
            continue;
        };
        let as_target = |column: &str| {
            RENAMED_COLUMNS
                .iter()
                .find(|(t, from, _)| t == table && *from == column)
                .map_or(column, |&(_, _, to)| to)
                .to_string()
        };
        let source_names: BTreeSet<String> = source_columns.iter().map(|c| as_target(c)).collect();
        let target_names: BTreeSet<String> =
            target_columns.iter().map(|(c, _)| c.clone()).collect();
        for column in source_names.difference(&target_names) {
            differences.push(format!(
                "column {table}.{column} is only in the SQLite database"
            ));
        }
        for column in target_names.difference(&source_names) {
            differences.push(format!(
                "column {table}.{column} is only in the PostgreSQL schema"
            ));
        }
        let mut columns = Vec::new();
        for (column, udt_name) in target_columns {
            let Some(kind) = Kind::of(udt_name) else {
                differences.push(format!(
                    "column {table}.{column} has type {udt_name}, which migrate-db cannot fill"
                ));
                continue;
            };
            let Some(source_name) = source_columns.iter().find(|c| as_target(c) == *column) else {
                continue;
            };
            columns.push((source_name.clone(), column.clone(), kind));
        }
        plans.insert(
            table.clone(),
            TablePlan {
                name: table.clone(),
                columns,
            },
        );
    }
    if differences.is_empty() {
        Ok(plans)
    } else {
        Err(MigrateDbError::SchemasDiffer(differences))
    }
}

/// The tables in an order that fills every referenced table before the
/// tables referencing it (the target's foreign keys), ties by name.
fn copy_order(
    tx: &mut postgres::Transaction<'_>,
    tables: BTreeSet<String>,
) -> Result<Vec<String>, MigrateDbError> {
    let references = tx
        .query(
            "SELECT c.relname::text, p.relname::text FROM pg_constraint k \
             JOIN pg_class c ON c.oid = k.conrelid \
             JOIN pg_class p ON p.oid = k.confrelid \
             JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE k.contype = 'f' AND n.nspname = current_schema()",
            &[],
        )
        .map_err(target_error)?;
    let mut parents: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for row in references {
        let (child, parent): (String, String) = (row.get(0), row.get(1));
        if child != parent {
            parents.entry(child).or_default().insert(parent);
        }
    }
    let mut order = Vec::new();
    let mut left = tables;
    while !left.is_empty() {
        let ready: Vec<String> = left
            .iter()
            .filter(|t| {
                parents
                    .get(*t)
                    .is_none_or(|p| p.iter().all(|p| !left.contains(p)))
            })
            .cloned()
            .collect();
        if ready.is_empty() {
            return Err(MigrateDbError::SchemasDiffer(vec![format!(
                "the foreign keys of {} refer to each other in a cycle",
                left.iter().cloned().collect::<Vec<_>>().join(", ")
            )]));
        }
        for table in ready {
            left.remove(&table);
            order.push(table);
        }
    }
    Ok(order)
}

enum CopyError {
    Source(rusqlite::Error),
    Target(postgres::Error),
    Value { column: String, problem: String },
}

/// Streams one table from SQLite into PostgreSQL's binary COPY; returns the rows written.
fn copy_table(
    source: &Connection,
    tx: &mut postgres::Transaction<'_>,
    plan: &TablePlan,
) -> Result<u64, CopyError> {
    let select = format!(
        "SELECT {} FROM {}",
        plan.columns
            .iter()
            .map(|(from, _, _)| quoted(from))
            .collect::<Vec<_>>()
            .join(", "),
        quoted(&plan.name)
    );
    let copy = format!(
        "COPY {} ({}) FROM STDIN (FORMAT binary)",
        quoted(&plan.name),
        plan.columns
            .iter()
            .map(|(_, to, _)| quoted(to))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let types: Vec<Type> = plan
        .columns
        .iter()
        .map(|(_, _, kind)| kind.pg_type())
        .collect();
    let sink = tx.copy_in(&copy).map_err(CopyError::Target)?;
    let mut writer = BinaryCopyInWriter::new(sink, &types);
    let mut statement = source.prepare(&select).map_err(CopyError::Source)?;
    let mut rows = statement.query([]).map_err(CopyError::Source)?;
    let mut values = Vec::with_capacity(plan.columns.len());
    while let Some(row) = rows.next().map_err(CopyError::Source)? {
        values.clear();
        for (index, (_, column, kind)) in plan.columns.iter().enumerate() {
            let value = row.get_ref(index).map_err(CopyError::Source)?;
            values.push(
                Value::convert(*kind, value).map_err(|problem| CopyError::Value {
                    column: column.clone(),
                    problem,
                })?,
            );
        }
        let refs: Vec<&(dyn ToSql + Sync)> = values.iter().map(Value::as_sql).collect();
        writer.write(&refs).map_err(CopyError::Target)?;
    }
    writer.finish().map_err(CopyError::Target)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(tables: &[(&str, &[&str])]) -> BTreeMap<String, Vec<String>> {
        tables
            .iter()
            .map(|(t, cs)| (t.to_string(), cs.iter().map(|c| c.to_string()).collect()))
            .collect()
    }

    fn target(tables: &[(&str, &[(&str, &str)])]) -> BTreeMap<String, Vec<(String, String)>> {
        tables
            .iter()
            .map(|(t, cs)| {
                (
                    t.to_string(),
                    cs.iter()
                        .map(|(c, k)| (c.to_string(), k.to_string()))
                        .collect(),
                )
            })
            .collect()
    }

    #[test]
    fn a_table_or_column_on_one_side_only_is_named_not_skipped() {
        let error = plan(
            &source(&[("cases", &["id", "note"]), ("leases", &["name"])]),
            &target(&[
                ("cases", &[("id", "uuid")]),
                ("instances", &[("id", "uuid")]),
            ]),
        )
        .err()
        .expect("the schemas differ");
        let message = error.to_string();
        for named in [
            "table leases is in the SQLite database but not in the PostgreSQL schema",
            "table instances is in the PostgreSQL schema but not in the SQLite database",
            "column cases.note is only in the SQLite database",
            "nothing was copied",
        ] {
            assert!(message.contains(named), "{message}");
        }
    }

    #[test]
    fn the_renamed_column_and_known_types_make_a_plan() -> Result<(), MigrateDbError> {
        let plans = plan(
            &source(&[("case_events", &["case_id", "final"])]),
            &target(&[("case_events", &[("case_id", "uuid"), ("is_final", "bool")])]),
        )?;
        let columns = &plans["case_events"].columns;
        assert_eq!(columns[1], ("final".into(), "is_final".into(), Kind::Bool));
        Ok(())
    }

    #[test]
    fn a_type_the_copy_cannot_fill_is_named() {
        let error = plan(
            &source(&[("t", &["at"])]),
            &target(&[("t", &[("at", "timestamptz")])]),
        )
        .err()
        .expect("timestamptz is not converted");
        assert!(
            error.to_string().contains("t.at has type timestamptz"),
            "{error}"
        );
    }

    #[test]
    fn values_that_do_not_fit_are_refused() {
        assert!(Value::convert(Kind::Uuid, ValueRef::Blob(&[1, 2, 3])).is_err());
        assert!(Value::convert(Kind::Bool, ValueRef::Integer(2)).is_err());
        assert!(Value::convert(Kind::Int4, ValueRef::Integer(i64::MAX)).is_err());
        assert!(Value::convert(Kind::Text, ValueRef::Integer(1)).is_err());
        assert!(matches!(
            Value::convert(Kind::Bool, ValueRef::Integer(1)),
            Ok(Value::Bool(Some(true)))
        ));
        assert!(matches!(
            Value::convert(Kind::Uuid, ValueRef::Null),
            Ok(Value::Uuid(None))
        ));
    }
}
