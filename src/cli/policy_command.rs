//! `blastgate policy check|init|schema`: validate, create or describe policy files.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use clap::Subcommand;

use super::write_stdout;
use crate::exit::Exit;
use crate::policy;

#[derive(Debug, Subcommand)]
pub(super) enum PolicyCommand {
    /// Validate a policy file (default: `.blastgate.yaml` in the working tree) and list every problem.
    Check {
        /// The policy file.
        file: Option<PathBuf>,
    },
    /// Write `.blastgate.yaml` at the repository root from a template; never overwrites.
    Init {
        /// Template to start from.
        #[arg(long, default_value = "default", value_parser = clap::builder::PossibleValuesParser::new(policy::TEMPLATES))]
        template: String,
    },
    /// Print the policy format's JSON Schema.
    Schema,
}

pub(super) fn run(dir: &Path, command: PolicyCommand) -> anyhow::Result<Exit> {
    match command {
        PolicyCommand::Check { file } => {
            let path = match file {
                Some(path) => path,
                None => repository_root(dir)?.join(policy::FILE_NAME),
            };
            let policy = policy::load_file(&path)?;
            // Valid is not the same as safe: a hard rule switched off is said out loud.
            let mut text = String::new();
            for warning in policy::hard::gaps(&policy) {
                let _ = writeln!(text, "warning: {}: {warning}", path.display());
            }
            let _ = writeln!(text, "{}", policy::human_lines_note(&policy));
            let _ = writeln!(
                text,
                "ok: {} is a valid policy (sha256 {})",
                path.display(),
                policy.sha256
            );
            write_stdout(&text)?;
            Ok(Exit::Allow)
        }
        PolicyCommand::Init { template } => {
            let text = policy::template_text(&template)
                .with_context(|| format!("unknown template `{template}`"))?;
            let path = repository_root(dir)?.join(policy::FILE_NAME);
            // create_new: never replace a policy someone already wrote.
            let mut file = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
                .map_err(|error| match error.kind() {
                    std::io::ErrorKind::AlreadyExists => anyhow::anyhow!(
                        "{} already exists; edit it, or remove it first to start from a template",
                        path.display()
                    ),
                    _ => anyhow::Error::new(error).context(format!("creating {}", path.display())),
                })?;
            file.write_all(text.as_bytes())
                .with_context(|| format!("writing {}", path.display()))?;
            write_stdout(&format!(
                "wrote {} from the `{template}` template; commit it on the base branch to put it in force\n",
                path.display()
            ))?;
            Ok(Exit::Allow)
        }
        PolicyCommand::Schema => {
            write_stdout(&policy::schema_json())?;
            Ok(Exit::Allow)
        }
    }
}

fn repository_root(dir: &Path) -> anyhow::Result<PathBuf> {
    let repo = crate::git::open(dir)?;
    repo.workdir().map(Path::to_path_buf).with_context(|| {
        format!(
            "{} is a bare repository: policy files live in a working tree",
            repo.path().display()
        )
    })
}
