//! `kabinet requests` and `kabinet rules`: the customer service queue (ORD-2) and the rules of
//! service (CNT-5) from the command line, acting as the product's administrator.

use clap::Subcommand;
use kabinet_app::access::{Actor, Identity};
use kabinet_app::requests::handling::{self, QueueFilter};
use kabinet_app::{App, AppError, AppResult};
use kabinet_core::requests::{RequestKind, RequestStatus};

#[derive(Subcommand)]
pub enum RequestsCommand {
    /// The queue, oldest first, one request a line (tab-separated: id, filed, kind, status,
    /// contract, customer, phone, amount in minor units). Without --status: the open ones.
    List {
        /// new, in_progress, done or refused.
        #[arg(long)]
        status: Option<String>,
        /// sms_alerts, sms_alerts_number, funds_transfer, refund, recalculation,
        /// surname_change, contact_phone_change, landline_phone_change or consent_withdrawal.
        #[arg(long)]
        kind: Option<String>,
        /// At most this many (the oldest).
        #[arg(long, default_value_t = 100)]
        limit: u64,
    },
    /// Take a request, mark it done (SMS alerts switched on) or refuse it with a reason.
    Move {
        id: i64,
        /// in_progress, done or refused.
        status: String,
        /// Why a request is refused (shown to the customer).
        #[arg(long, default_value = "")]
        reason: String,
    },
}

#[derive(Subcommand)]
pub enum RulesCommand {
    /// Every version, newest first: version, the day it takes effect, title.
    List,
    /// Publish the next version from a Markdown file, taking effect on a day (today or later).
    Publish {
        #[arg(long)]
        title: String,
        /// YYYY-MM-DD (or DD.MM.YYYY).
        #[arg(long)]
        effective_on: String,
        file: std::path::PathBuf,
    },
}

fn choice<T: std::str::FromStr>(typed: Option<&str>, field: &str) -> AppResult<Option<T>> {
    typed
        .map(|t| {
            t.parse()
                .map_err(|_| kabinet_app::FieldErrors::single(field, "invalid-choice"))
        })
        .transpose()
}

pub async fn requests(app: &App, who: &Identity, command: RequestsCommand) -> AppResult<()> {
    let actor = Actor::named("cli", None);
    match command {
        RequestsCommand::List { status, kind, limit } => {
            let filter = QueueFilter {
                status: choice::<RequestStatus>(status.as_deref(), "status")?,
                kind: choice::<RequestKind>(kind.as_deref(), "kind")?,
                customer_id: None,
            };
            let page = handling::queue(app, who, &filter, 1, limit.clamp(1, 10_000)).await?;
            for r in page.items {
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    r.id,
                    r.created_at.format("%Y-%m-%d %H:%M"),
                    r.kind,
                    r.status,
                    r.contract_number,
                    r.customer_name,
                    r.phone.as_deref().unwrap_or("-"),
                    r.amount_minor.map(|a| a.to_string()).unwrap_or_else(|| "-".into()),
                );
            }
            eprintln!("{} in all", page.total);
        }
        RequestsCommand::Move { id, status, reason } => {
            let to = choice::<RequestStatus>(Some(&status), "status")?.ok_or(AppError::NotFound)?;
            let r = handling::move_to(app, &actor, who, id, to, &reason).await?;
            println!("request {} is {}", r.id, r.status);
        }
    }
    Ok(())
}

pub async fn rules(app: &App, who: &Identity, command: RulesCommand) -> AppResult<()> {
    use kabinet_app::content::rules;
    let today = kabinet_app::billing::run::today_for(None, &app.config.display_time_zone);
    match command {
        RulesCommand::List => {
            for v in rules::versions(app, who, today).await? {
                println!("{}\t{}\t{}", v.version, v.effective_on, v.title);
            }
        }
        RulesCommand::Publish {
            title,
            effective_on,
            file,
        } => {
            let body =
                std::fs::read_to_string(&file).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
            let input = rules::NewVersion {
                title,
                body,
                effective_on,
            };
            let v = rules::publish(app, &Actor::named("cli", None), who, &input, today).await?;
            println!("version {} takes effect on {}", v.version, v.effective_on);
        }
    }
    Ok(())
}
