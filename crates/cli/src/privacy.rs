//! `kabinet consents`: the consent texts and people's consents (PRV-2) from the command line,
//! acting as the product's administrator; `kabinet personal-data`: a person's erasure.

use clap::Subcommand;
use kabinet_app::access::{Actor, Identity};
use kabinet_app::privacy::erasure::{self, ErasurePreview};
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

#[derive(Subcommand)]
pub enum PersonalDataCommand {
    /// Erase a customer's login's personal data for good. Without `--confirm` it only shows
    /// what would change; with the login repeated in `--confirm` it erases. Money records,
    /// consents and the audit are kept.
    Erase {
        user_id: i64,
        /// The person's login, repeated to confirm.
        #[arg(long)]
        confirm: Option<String>,
    },
}

pub async fn personal_data(app: &App, who: &Identity, command: PersonalDataCommand) -> AppResult<()> {
    let actor = Actor::named("cli", None);
    match command {
        PersonalDataCommand::Erase { user_id, confirm: None } => {
            let p = erasure::preview(app, who, user_id).await?;
            print_erasure(&p);
            if p.erased_at.is_none() {
                println!("nothing changed: repeat the login with --confirm {} to erase", p.login);
            }
        }
        PersonalDataCommand::Erase {
            user_id,
            confirm: Some(confirm),
        } => {
            let p = erasure::erase(app, &actor, who, user_id, &confirm).await?;
            print_erasure(&p);
        }
    }
    Ok(())
}

/// The preview (or the record) as lines: the fields with their values now and after, then the
/// records with their count and what happens to them, then any debt.
fn print_erasure(p: &ErasurePreview) {
    match p.erased_at {
        Some(at) => println!("user {} ({}) erased at {}", p.user_id, p.login, at.to_rfc3339()),
        None => println!("user {} ({}) of customer {}", p.user_id, p.login, p.customer_id),
    }
    for f in p.login_fields.iter().chain(&p.customer_fields) {
        println!("field\t{}\t{}\t{}", f.field, f.before, f.after);
    }
    for g in &p.records {
        println!("records\t{}\t{}\t{}", g.records, g.count, g.effect.as_str());
    }
    for (amount, currency) in &p.debts {
        println!(
            "debt\t{}\t{}",
            kabinet_core::money::plain_decimal(*amount, *currency),
            currency.code()
        );
    }
}
