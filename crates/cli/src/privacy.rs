//! `kabinet consents`: the consent texts and people's consents (PRV-2) from the command line,
//! acting as the product's administrator.

use clap::Subcommand;
use kabinet_app::access::{Actor, Identity};
use kabinet_app::privacy::{consents, texts};
use kabinet_app::{App, AppResult};
use kabinet_core::privacy::{ConsentKind, Standing};

#[derive(Subcommand)]
pub enum ConsentsCommand {
    /// Every version of the texts, newest first (tab-separated: kind, version, published,
    /// title).
    Texts,
    /// Publish the next version of a text from a Markdown file, in force at once.
    Publish {
        /// processing or marketing.
        #[arg(long)]
        kind: String,
        #[arg(long)]
        title: String,
        file: std::path::PathBuf,
    },
    /// A customer's login's consents and every record (tab-separated: recorded, kind, given or
    /// withdrawn, version, channel, address, note).
    Show { user_id: i64 },
    /// Enter a withdrawal the person sent in writing; the note says where it came from.
    Withdraw {
        user_id: i64,
        /// processing or marketing.
        #[arg(long)]
        kind: String,
        #[arg(long)]
        note: String,
    },
}

pub async fn run(app: &App, who: &Identity, command: ConsentsCommand) -> AppResult<()> {
    let actor = Actor::named("cli", None);
    match command {
        ConsentsCommand::Texts => {
            for kind in ConsentKind::ALL {
                for t in texts::versions(app, who, *kind).await? {
                    println!("{}\t{}\t{}\t{}", t.kind, t.version, t.created_at.to_rfc3339(), t.title);
                }
            }
        }
        ConsentsCommand::Publish { kind, title, file } => {
            let body =
                std::fs::read_to_string(&file).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
            let t = texts::publish(app, &actor, who, &texts::NewText { kind, title, body }).await?;
            println!("{} version {} is in force", t.kind, t.version);
        }
        ConsentsCommand::Show { user_id } => {
            let (standing, records) = consents::history(app, who, user_id).await?;
            for c in standing {
                let state = match c.standing {
                    Standing::Given { version } => format!("given (version {version})"),
                    Standing::Withdrawn => "withdrawn".into(),
                    Standing::Never => "never given".into(),
                };
                println!("{}: {state}", c.kind);
            }
            for r in records {
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    r.recorded_at.to_rfc3339(),
                    r.kind,
                    if r.granted { "given" } else { "withdrawn" },
                    r.version,
                    r.channel,
                    r.ip.unwrap_or_default(),
                    r.note.unwrap_or_default()
                );
            }
        }
        ConsentsCommand::Withdraw { user_id, kind, note } => {
            consents::withdraw_for(app, &actor, who, user_id, &kind, &note).await?;
            println!("withdrawal of {kind} recorded for user {user_id}");
        }
    }
    Ok(())
}
