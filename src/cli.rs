//! Arguments, dispatch, output and the one place where errors become exit codes.

mod approve;
mod feedback;
mod log;
mod policy_command;
mod pre_commit;
mod replay;

use std::io::{IsTerminal as _, Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context as _;
use clap::{Args, CommandFactory as _, Parser, Subcommand, ValueEnum};

use crate::exit::Exit;
use crate::gate::{self, Judging, Request};
use crate::hook;
use crate::policy;
use crate::report::{self, Format, Style};
use crate::timings::Timings;

use feedback::{judging, show_timings};

/// A pre-merge risk gate for AI-assisted changes: measures how much of the system a git change
/// can break and decides allow, review (senior sign-off) or block.
///
/// Exit codes: 0 allow, 1 block, 2 error, 3 senior sign-off required.
#[derive(Debug, Parser)]
#[command(name = "blastgate", version, max_term_width = 100)]
pub struct Cli {
    /// Run as if started in DIR (like `git -C`).
    #[arg(short = 'C', long = "dir", global = true, value_name = "DIR")]
    dir: Option<PathBuf>,
    /// After the report, show on stderr how long each stage took and how much was read.
    #[arg(short, long, global = true)]
    verbose: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Judge a change: a commit range (default: from the CI base or upstream to HEAD), the
    /// index, the working tree or a unified diff.
    Check(CheckArgs),
    /// Judge a push; git's pre-push hook protocol on standard input (or, without a remote,
    /// the pre-commit framework's `PRE_COMMIT_*` variables).
    PrePush(PrePushArgs),
    /// Judge a push on a server; git's pre-receive hook protocol on standard input.
    PreReceive(PreReceiveArgs),
    /// Install, remove or inspect the pre-push hook that runs `blastgate pre-push`.
    #[command(subcommand)]
    Hook(HookCommand),
    /// Sign an approval of this exact change as a senior (stored as a git note in
    /// refs/notes/blastgate); prints the refspecs that share it.
    Approve(approve::ApproveArgs),
    /// List the approvals recorded in refs/notes/blastgate, per change, with their status.
    Log(log::LogArgs),
    /// Validate, create or describe policy files.
    #[command(subcommand)]
    Policy(policy_command::PolicyCommand),
    /// Judge a history commit by commit and compare with what was later reverted or hot-fixed.
    ///
    /// Reports decisions, review load per week and tier, the gating curve and, with
    /// --calibrate, suggested thresholds. A report: exits 0 whatever it finds.
    Replay(replay::ReplayArgs),
    /// Print a shell completion script (e.g. `blastgate completions bash > /etc/bash_completion.d/blastgate`).
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), e.g. `blastgate man > blastgate.1`.
    Man,
    /// Print the JSON Schema (draft 2020-12) of the JSON reports of `check`, `pre-push` and
    /// `pre-receive` (`--format json`).
    ReportSchema,
}

#[derive(Debug, Args)]
struct CheckArgs {
    /// Base revision (default: from CI variables, else the upstream or default branch).
    #[arg(long, value_name = "REV", conflicts_with_all = ["staged", "worktree", "diff"])]
    base: Option<String>,
    /// Head revision.
    #[arg(long, value_name = "REV", default_value = "HEAD", conflicts_with_all = ["staged", "worktree", "diff"])]
    head: String,
    /// Judge the index (staged changes) against HEAD.
    #[arg(long, conflicts_with_all = ["worktree", "diff"])]
    staged: bool,
    /// Judge the working tree (tracked and untracked files) against HEAD.
    #[arg(long, conflicts_with = "diff")]
    worktree: bool,
    /// Judge a unified diff as `git diff` prints it, from FILE or `-` for standard input.
    #[arg(long, value_name = "FILE")]
    diff: Option<String>,
    /// A Terraform plan as `terraform show -json PLANFILE` writes it (repeatable, one per root
    /// module): what it destroys, replaces or forgets is judged "from the plan", and the plan
    /// wins where the source analysis disagrees.
    #[arg(long = "terraform-plan", value_name = "FILE")]
    terraform_plans: Vec<PathBuf>,
    #[command(flatten)]
    judging: JudgingArgs,
    #[command(flatten)]
    output: OutputArgs,
}

#[derive(Debug, Args)]
struct PrePushArgs {
    /// Name of the remote (git passes it as the hook's first argument). Without it, the push
    /// is read from pre-commit's `PRE_COMMIT_*` variables.
    remote: Option<String>,
    /// URL of the remote (git passes it as the hook's second argument).
    url: Option<String>,
    #[command(flatten)]
    judging: JudgingArgs,
    #[command(flatten)]
    output: OutputArgs,
}

#[derive(Debug, Args)]
struct PreReceiveArgs {
    /// The protected branch new refs are judged against and take their policy from (default:
    /// `git config blastgate.defaultBranch`, else the branch HEAD names).
    #[arg(long, value_name = "BRANCH")]
    default_branch: Option<String>,
    #[command(flatten)]
    judging: JudgingArgs,
    #[command(flatten)]
    output: OutputArgs,
}

#[derive(Debug, Subcommand)]
enum HookCommand {
    /// Install the pre-push hook; an existing hook is chained (it keeps running first).
    Install {
        /// Replace an existing hook instead of chaining it (it is kept as a backup).
        #[arg(long)]
        force: bool,
    },
    /// Remove the pre-push hook and put back the hook that was there before.
    Uninstall,
    /// Say whether the gate is active, which binary it calls and what it chains (exit 0).
    Status,
}

#[derive(Debug, Args)]
struct JudgingArgs {
    /// Judge with this policy file instead of `.blastgate.yaml` from the base revision.
    #[arg(long, value_name = "FILE")]
    policy: Option<PathBuf>,
    /// Declare whether the change is AI-assisted (evidence of AI in commits still wins).
    #[arg(long, value_name = "yes|no")]
    ai_assisted: Option<YesNo>,
    /// Pull-request reviews as JSON, as `gh api repos/OWNER/REPO/pulls/N/reviews` prints them;
    /// approvals by seniors (by `login`) count as platform-verified.
    #[arg(long, value_name = "FILE")]
    approvals: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum YesNo {
    Yes,
    No,
}

#[derive(Debug, Args)]
struct OutputArgs {
    /// Report format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// When to colour the text report (`NO_COLOR` is honoured in auto mode).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    color: ColorChoice,
    /// Print nothing; the exit code still carries the decision.
    #[arg(short, long)]
    quiet: bool,
    /// Write the report to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Entry point for the binary: parse, run, map the outcome to an exit code.
#[must_use]
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(exit) => exit.into(),
        Err(error) => {
            report_error(&error);
            Exit::Error.into()
        }
    }
}

/// Runs a parsed command; errors are returned for the edge to print.
pub fn run(cli: Cli) -> anyhow::Result<Exit> {
    let dir = cli.dir.clone().unwrap_or_else(|| PathBuf::from("."));
    // libgit2 re-hashes every object it reads; git does not (only `fsck`, and `index-pack`
    // for what a push brings, which is what `pre-receive` judges). It bought nothing a
    // writer of the object store could not undo, and cost 10-30% of a check (each changed
    // blob is read by the diff, the text check, the analyzers and the fingerprint). A
    // process-wide switch, so it is thrown here, at the edge.
    git2::opts::strict_hash_verification(false);
    if matches!(
        cli.command,
        Command::Check(_)
            | Command::PrePush(_)
            | Command::PreReceive(_)
            | Command::Approve(_)
            | Command::Replay(_)
    ) {
        // Parsed while the repository is opened and the range resolved.
        crate::policy::prewarm();
    }
    match cli.command {
        Command::Check(args) => check(&dir, args, cli.verbose),
        Command::PrePush(args) => pre_push(&dir, args, cli.verbose),
        Command::PreReceive(args) => pre_receive(&dir, args, cli.verbose),
        Command::Hook(command) => hook_command(&dir, &command),
        Command::Approve(args) => approve::approve(&dir, args),
        Command::Log(args) => log::log(&dir, &args),
        Command::Policy(command) => policy_command::run(&dir, command),
        Command::Replay(args) => replay::run(&dir, &args),
        Command::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "blastgate", &mut script);
            write_stdout(&String::from_utf8_lossy(&script))?;
            Ok(Exit::Allow)
        }
        Command::ReportSchema => {
            write_stdout(&crate::report::schema())?;
            Ok(Exit::Allow)
        }
        Command::Man => {
            let mut page = Vec::new();
            clap_mangen::Man::new(Cli::command())
                .render(&mut page)
                .context("rendering the manual page")?;
            write_stdout(&String::from_utf8_lossy(&page))?;
            Ok(Exit::Allow)
        }
    }
}

fn check(dir: &Path, args: CheckArgs, verbose: bool) -> anyhow::Result<Exit> {
    let request = if args.staged {
        Request::Staged
    } else if args.worktree {
        Request::Worktree
    } else if let Some(source) = args.diff {
        Request::DiffText(source)
    } else {
        Request::Range {
            base: args.base,
            head: args.head,
        }
    };
    let env = |key: &str| std::env::var(key).ok();
    // Read before anything else: a bad plan is an error (exit 2), never an empty plan.
    let plans = args
        .terraform_plans
        .iter()
        .map(|path| crate::analyze::domain::terraform::plan::read(path))
        .collect::<Result<Vec<_>, _>>()?;
    let (mut judging, progress) = judging(args.judging, &args.output)?;
    judging.terraform_plans = plans;
    let evaluation = gate::check(dir, &request, &judging, &env)?;
    progress.finish();
    let started = Instant::now();
    let style = style(&args.output);
    emit(
        &args.output,
        &report::check(&evaluation, args.output.format, style),
    )?;
    let mut timings = evaluation.timings.clone();
    timings.record("report", started.elapsed());
    show_timings(verbose, &args.output, &timings)?;
    let exit = evaluation.exit();
    // The process ends next and the system takes its memory back whole: freeing a large
    // change's lines, hunks and blobs one by one was 4% of a warm 746-file check.
    std::mem::forget(evaluation);
    Ok(exit)
}

fn pre_push(dir: &Path, args: PrePushArgs, verbose: bool) -> anyhow::Result<Exit> {
    let (remote, input) = match args.remote {
        Some(remote) => {
            let mut input = String::new();
            std::io::stdin()
                .read_to_string(&mut input)
                .context("reading the pre-push ref list from standard input")?;
            (remote, input)
        }
        None => pre_commit::push_from_env(dir, &|key: &str| std::env::var(key).ok())?.context(
            "no remote given and no PRE_COMMIT_REMOTE_NAME: git's pre-push hook passes the remote \
                 (`blastgate pre-push \"$1\" \"$2\"`); under pre-commit use the `pre-push` stage",
        )?,
    };
    let (judging, progress) = judging(args.judging, &args.output)?;
    let outcome = gate::pre_push(dir, &remote, &input, &judging)?;
    progress.finish();
    emit_push(&outcome, &args.output, verbose)
}

fn pre_receive(dir: &Path, args: PreReceiveArgs, verbose: bool) -> anyhow::Result<Exit> {
    let mut input = String::new();
    std::io::stdin()
        .read_to_string(&mut input)
        .context("reading the pre-receive ref list from standard input")?;
    let (judging, progress) = judging(args.judging, &args.output)?;
    let outcome = gate::pre_receive(dir, &input, args.default_branch.as_deref(), &judging)?;
    progress.finish();
    emit_push(&outcome, &args.output, verbose)
}

fn emit_push(
    outcome: &gate::PushOutcome,
    output: &OutputArgs,
    verbose: bool,
) -> anyhow::Result<Exit> {
    let started = Instant::now();
    emit(output, &report::push(outcome, output.format, style(output)))?;
    let mut timings = Timings::default();
    for entry in &outcome.refs {
        if let gate::RefOutcome::Judged { evaluation, .. } = entry {
            timings.merge(&evaluation.timings);
        }
    }
    timings.record("report", started.elapsed());
    show_timings(verbose, output, &timings)?;
    Ok(outcome.exit())
}

fn hook_command(dir: &Path, command: &HookCommand) -> anyhow::Result<Exit> {
    let text = match command {
        HookCommand::Install { force } => hook::install(dir, *force)?.text(),
        HookCommand::Uninstall => hook::uninstall(dir)?.text(),
        HookCommand::Status => hook::status(dir)?.text(),
    };
    write_stdout(&text)?;
    Ok(Exit::Allow)
}

impl JudgingArgs {
    /// The gate's inputs; reads the `--approvals` file (a bad one is an error, exit 2).
    fn load(self) -> anyhow::Result<Judging> {
        let platform_reviews = match &self.approvals {
            Some(path) => crate::signoff::platform::read(path)?,
            None => Vec::new(),
        };
        Ok(Judging {
            policy_file: self.policy,
            declared: self.ai_assisted.map(|answer| matches!(answer, YesNo::Yes)),
            signoff: Some(crate::gate::SignoffInputs {
                platform_reviews,
                in_ci: std::env::var_os("CI").is_some_and(|value| !value.is_empty()),
            }),
            ..Judging::default()
        })
    }
}

fn style(output: &OutputArgs) -> Style {
    let color = match output.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            output.output.is_none()
                && std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty())
                && std::env::var("TERM").map_or(true, |term| term != "dumb")
        }
    };
    Style {
        color: color && output.format == Format::Text,
    }
}

fn emit(output: &OutputArgs, text: &str) -> anyhow::Result<()> {
    if output.quiet {
        return Ok(());
    }
    match &output.output {
        Some(path) => write_report_file(path, text),
        None => write_stdout(text),
    }
}

/// Writes the report to `-o PATH`, saying why it could not (the edge prints one line, so the
/// reason goes into it rather than into a cause nobody sees).
fn write_report_file(path: &Path, text: &str) -> anyhow::Result<()> {
    use std::io::ErrorKind;
    std::fs::write(path, text).map_err(|error| {
        let why = match error.kind() {
            ErrorKind::IsADirectory => "it is a directory".to_string(),
            ErrorKind::NotFound => "its directory does not exist".to_string(),
            ErrorKind::NotADirectory => "a part of the path is a file, not a directory".to_string(),
            ErrorKind::PermissionDenied => "permission denied".to_string(),
            ErrorKind::ReadOnlyFilesystem => "the file system is read-only".to_string(),
            _ => error.to_string(),
        };
        anyhow::anyhow!(
            "cannot write the report to {}: {why}; pass -o a file path in a directory you can write",
            path.display()
        )
    })
}

/// Writes to stdout; a closed pipe (`| head`) is not an error, and the exit code still
/// carries the decision, so a gate never turns into a pass by being piped.
fn write_stdout(text: &str) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(error) if error.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(error).context("writing the report")
        }
        _ => Ok(()),
    }
}

/// Prints an error on stderr: one line, plus one line per policy diagnostic.
#[allow(
    clippy::disallowed_macros,
    reason = "the edge is where errors are shown"
)]
fn report_error(error: &anyhow::Error) {
    // Messages quote paths and refs from the repository: one printable line each. `{:#}`
    // appends each cause (`cannot read policy file p: No such file or directory`); a message
    // never also quotes its own source, so nothing is said twice.
    eprintln!("error: {}", crate::escape::one_line(&format!("{error:#}")));
    if let Some(policy::Error::Invalid { diagnostics, .. }) = find_policy_error(error) {
        for diagnostic in diagnostics {
            eprintln!("  {}", crate::escape::one_line(&diagnostic.to_string()));
        }
    }
}

fn find_policy_error(error: &anyhow::Error) -> Option<&policy::Error> {
    error.chain().find_map(|cause| {
        cause.downcast_ref::<policy::Error>().or_else(|| {
            match cause.downcast_ref::<gate::Error>() {
                Some(gate::Error::Policy(inner)) => Some(inner),
                _ => None,
            }
        })
    })
}
