//! Database migrations: statements that drop data, write every row or change the schema, in
//! plain SQL and in framework migrations (Rails, Django, Alembic, Knex, Liquibase), forward
//! direction only, and migrations edited after they were added.
//!
//! Only what is new counts: the findings of the old version are subtracted from those of the
//! new one (by statement text), so touching a file that already dropped a table does not
//! report the drop again; that touch is `migration-rewritten` instead.

mod calls;
mod execute;
mod framework_locks;
mod frameworks;
mod liquibase;
mod locks;
mod plpgsql;
mod rules;
mod split;
mod sql;
mod tautology;
mod template;

use std::collections::HashMap;

use super::{Analysis, Analyzer, LineLevel, Versions, fact};
use crate::diff::{FileStatus, LineKind};
use crate::signal::Signal;

/// See the module docs.
pub struct Migrations;

/// One destructive statement or call, before it becomes a fact.
#[derive(Debug, Clone)]
pub(super) struct DestructiveStatement {
    pub(super) signal: Signal,
    /// Table, `table.column`, index, schema or model.
    pub(super) subject: String,
    /// Line in the version it was read from.
    pub(super) line: u32,
    /// One-line consequence.
    pub(super) what: String,
    /// Identity across versions (normalised statement or call text).
    pub(super) key: String,
}

/// How a migration file is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum MigrationKind {
    /// Plain SQL (also Prisma, Flyway versioned, dbmate, goose).
    Sql,
    /// A file that only runs on rollback (`*.down.sql`, Flyway `U*__*.sql`): never a forward
    /// drop, but still history when edited.
    Reverse,
    /// Rails: `ActiveRecord::Migration`, or `db/migrate/*.rb`.
    Rails,
    /// Django: `from django.db import migrations` and `class Migration`, else `<app>/migrations/*.py`.
    Django,
    /// Alembic: `from alembic import` and `def upgrade`, else `alembic/versions/*.py`,
    /// `migrations/versions/*.py`.
    Alembic,
    /// Knex: `exports.up` with `knex`, or `up(knex`, or `migrations/*.js|ts`.
    Knex,
    /// Liquibase changelog (XML or YAML), read line by line.
    Liquibase,
}

/// Directory names that hold migrations. Sources: the frameworks' default layouts (Rails
/// `db/migrate`, Django and Knex `migrations`, Alembic `alembic/versions`, Prisma
/// `prisma/migrations`, Flyway `db/migration`, dbmate `db/migrations`, goose `migrations`), and
/// hand-rolled schema tools that apply per-version upgrade scripts (Temporal's
/// `schema/<db>/…/versioned/v1.14/*.sql`, `upgrade/`/`upgrades/` directories).
fn in_migration_dir(segments: &[&str]) -> bool {
    segments.iter().any(|s| {
        s.contains("migrat")
            || matches!(
                *s,
                "db" | "flyway" | "liquibase" | "versioned" | "upgrade" | "upgrades"
            )
    })
}

/// The kind of migration at `path`, if it is one.
pub(super) fn kind_of(path: &str, content: &[u8]) -> Option<MigrationKind> {
    let lower = path.to_ascii_lowercase();
    let segments: Vec<&str> = lower.split('/').collect();
    let (file, dirs) = segments.split_last()?;
    let parent = dirs.last().copied().unwrap_or_default();
    let extension = file.rsplit_once('.').map_or("", |(_, e)| e);
    let text = String::from_utf8_lossy(&content[..content.len().min(4096)]);
    match extension {
        "sql" => {
            // Flyway: `V1__x.sql` versioned, `U1__x.sql` undo (docs "Migrations", naming,
            // https://documentation.red-gate.com/fd/migrations-184127470.html). A versioned
            // migration runs forward whatever its description says (`V2__x_down.sql`).
            let original = path.rsplit('/').next().unwrap_or(path);
            let flyway_undo = original.starts_with('U') && original.contains("__");
            let flyway = original.starts_with('V') && original.contains("__");
            let down_name =
                file.ends_with(".down.sql") || file.ends_with("_down.sql") || *file == "down.sql";
            if flyway_undo || (down_name && !flyway) {
                return in_migration_dir(dirs)
                    .then_some(MigrationKind::Reverse)
                    .or(flyway_undo.then_some(MigrationKind::Reverse));
            }
            let markers = text.contains("-- migrate:up")
                || text.to_ascii_lowercase().contains("-- +goose up");
            (flyway || markers || in_migration_dir(dirs)).then_some(MigrationKind::Sql)
        }
        "rb" => (lower.contains("db/migrate/")
            || frameworks::declares(MigrationKind::Rails, content))
        .then_some(MigrationKind::Rails),
        // The framework's own imports and base classes decide first, whatever the directory
        // (an Alembic revision under `migrations/` is not Django); the layout is the fallback.
        "py" if *file != "__init__.py" => {
            if frameworks::declares(MigrationKind::Alembic, content) {
                Some(MigrationKind::Alembic)
            } else if frameworks::declares(MigrationKind::Django, content) {
                Some(MigrationKind::Django)
            } else if parent == "versions"
                && dirs.iter().any(|d| *d == "alembic" || *d == "migrations")
            {
                Some(MigrationKind::Alembic)
            } else if parent == "migrations" {
                Some(MigrationKind::Django)
            } else {
                None
            }
        }
        "js" | "ts" | "cjs" | "mjs"
            if parent == "migrations" || frameworks::declares(MigrationKind::Knex, content) =>
        {
            Some(MigrationKind::Knex)
        }
        "xml" | "yaml" | "yml"
            if file.contains("changelog") || text.contains("databaseChangeLog") =>
        {
            Some(MigrationKind::Liquibase)
        }
        _ => None,
    }
}

/// Forward findings in one version of a file of `kind` at `path`, with the lines of SQL
/// statements read by pattern because the grammar could not parse them.
fn extract(kind: MigrationKind, path: &str, source: &str) -> Result<sql::Read, String> {
    let found = match kind {
        MigrationKind::Reverse => Vec::new(),
        MigrationKind::Sql => return sql::findings(source, 0, Some(path)),
        MigrationKind::Liquibase => liquibase::findings(source),
        MigrationKind::Rails
        | MigrationKind::Django
        | MigrationKind::Alembic
        | MigrationKind::Knex => frameworks::code(kind, source)?,
    };
    Ok(sql::Read {
        found,
        unparsed: Vec::new(),
    })
}

/// `new` minus `old`, by key, counting duplicates.
fn subtract(
    new: Vec<DestructiveStatement>,
    old: &[DestructiveStatement],
) -> Vec<DestructiveStatement> {
    let mut seen: HashMap<(String, Signal), usize> = HashMap::new();
    for finding in old {
        *seen
            .entry((finding.key.clone(), finding.signal))
            .or_default() += 1;
    }
    new.into_iter()
        .filter(
            |finding| match seen.get_mut(&(finding.key.clone(), finding.signal)) {
                Some(count) if *count > 0 => {
                    *count -= 1;
                    false
                }
                _ => true,
            },
        )
        .collect()
}

impl Migrations {
    /// Findings from the added lines only, when the file cannot be parsed or read.
    fn line_level(
        versions: &Versions<'_>,
        kind: MigrationKind,
        reason: String,
        analysis: &mut Analysis,
    ) {
        analysis.fallbacks.push(LineLevel {
            file: versions.file.path().to_string(),
            analyzer: "migrations",
            reason,
        });
        let reverse = versions
            .new
            .map(|new| {
                let markers = sql::markers_apply(versions.file.path());
                sql::reverse_lines(&String::from_utf8_lossy(new), markers)
            })
            .unwrap_or_default();
        for line in versions.file.hunks.iter().flat_map(|h| &h.lines) {
            let Some(number) = line.new_line.filter(|_| line.kind == LineKind::Added) else {
                continue;
            };
            let in_reverse = reverse.get(number as usize).copied().unwrap_or(false);
            if kind == MigrationKind::Reverse || in_reverse {
                continue;
            }
            for finding in sql::line_level(&line.content, number)
                .into_iter()
                .chain(frameworks::line_level(kind, &line.content, number))
            {
                analysis.facts.push(to_fact(versions, finding));
            }
        }
    }
}

fn to_fact(versions: &Versions<'_>, finding: DestructiveStatement) -> crate::analyze::Fact {
    let message = format!("{}: {}", finding.subject, finding.what);
    fact(
        versions,
        finding.signal,
        Some(finding.line),
        finding.subject,
        message,
    )
}

impl Analyzer for Migrations {
    fn name(&self) -> &'static str {
        "migrations"
    }

    fn wants(&self, path: &str, content: &[u8]) -> bool {
        kind_of(path, content).is_some()
    }

    fn analyze(&self, versions: &Versions<'_>) -> Analysis {
        let mut analysis = Analysis::default();
        let file = versions.file;
        let Some(kind) = kind_of(
            file.path(),
            versions.new.or(versions.old).unwrap_or_default(),
        ) else {
            return analysis;
        };
        // A migration is new when its path is new, whatever git pairs it with: a copy or a
        // rename detected from a template or an older migration is not an edit of history
        // (issue 13), and its content is read whole, with nothing subtracted.
        let paired = matches!(file.status, FileStatus::Renamed | FileStatus::Copied);
        let edited = file.status == FileStatus::Modified;
        // Appending a changeSet to a Liquibase changelog is how Liquibase is used; only
        // changing or removing existing lines rewrites history there.
        let rewrites = kind != MigrationKind::Liquibase
            || file
                .hunks
                .iter()
                .flat_map(|h| &h.lines)
                .any(|l| l.kind == LineKind::Removed);
        // A comment added or a formatter run over an applied migration changes nothing it does.
        let same_code = matches!((versions.old, versions.new), (Some(old), Some(new))
            if crate::analyze::mechanical::same_code(
                file.path(),
                old,
                new,
                &crate::analyze::blast::cache::Cache::disabled(),
            ).is_some());
        if edited && rewrites && !same_code {
            analysis.facts.push(fact(
                versions,
                Signal::MigrationRewritten,
                file.first_changed_line(),
                file.path(),
                "migration edited after it was added: databases that already ran it will not run the change",
            ));
        }
        if file.status == FileStatus::Deleted {
            return analysis;
        }
        let Some(new) = versions.new else {
            Self::line_level(
                versions,
                kind,
                "file contents unavailable; read the added lines".into(),
                &mut analysis,
            );
            return analysis;
        };
        let new = String::from_utf8_lossy(new);
        let old = versions
            .old
            .filter(|_| !paired || file.hunks.is_empty())
            .map(String::from_utf8_lossy);
        let path = file.path();
        let read = extract(kind, path, &new).map(|read| {
            let before = match &old {
                Some(old) => extract(kind, path, old)
                    .map(|r| r.found)
                    .unwrap_or_default(),
                None => Vec::new(),
            };
            (subtract(read.found, &before), read.unparsed)
        });
        match read {
            Ok((found, unparsed)) => {
                if let Some(first) = unparsed.first() {
                    analysis.fallbacks.push(LineLevel {
                        file: path.to_string(),
                        analyzer: "migrations",
                        reason: format!(
                            "{} statement(s) do not parse with the SQL grammar (first at line {first}); read whole, by pattern",
                            unparsed.len()
                        ),
                    });
                }
                analysis
                    .facts
                    .extend(found.into_iter().map(|f| to_fact(versions, f)));
            }
            Err(reason) => Self::line_level(versions, kind, reason, &mut analysis),
        }
        analysis
    }
}

#[cfg(test)]
mod tests;
