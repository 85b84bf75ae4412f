//! `kabinet`: the one binary of the product — the web server, the background worker,
//! migrations, administration and tools.

mod config;
mod knowledge;
mod privacy;
mod service;
mod sqlite_alloc;

/// glibc's allocator spent a fifth of the CPU of a loaded server in malloc and free
/// (docs/perf.md); mimalloc's thread-local heaps cost a fraction of that.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::{Parser, Subcommand};
use kabinet_app::access::{Actor, users};
use kabinet_app::{App, notify};
use kabinet_store::{Db, StoreConfig};

/// Kabinet — customer cabinet and back-office CRM for subscription and contract services.
///
/// Configuration comes from defaults, then an optional `kabinet.toml` in the working
/// directory (or the file named by --config / KABINET_CONFIG), then environment variables:
///
///   DATABASE_URL                 postgres://user@host/db, or a SQLite file (default kabinet.db)
///   KABINET_DB_MAX_CONNECTIONS   pool size (default 4 on SQLite, 16 on PostgreSQL)
///   KABINET_LISTEN               address to bind (default 127.0.0.1:8080)
///   KABINET_PUBLIC_BASE_URL      address people use; https:// makes cookies Secure
///   KABINET_BODY_LIMIT_BYTES     largest request body (default 1048576)
///   KABINET_SESSION_IDLE_MINUTES, KABINET_SESSION_ABSOLUTE_HOURS   session lifetimes (30, 12)
///   KABINET_SESSION_CACHE_MILLIS how long a node trusts a session it looked up (2000; 0 = never)
///   KABINET_LOGIN_FAILURES_ALLOWED, KABINET_LOGIN_WINDOW_MINUTES   login throttling (5 per 15)
///   KABINET_TRUST_FORWARDED_FOR  take client addresses from X-Forwarded-For (false)
///   KABINET_DISPLAY_TIME_ZONE    time zone for shown times (Europe/Moscow)
///   KABINET_PROVIDER_NAME, KABINET_PROVIDER_PHONE   the provider as customers see it
///   KABINET_EMAIL__TRANSPORT     fake | smtp;  KABINET_EMAIL__SMTP_URL  smtp://host:25,
///                                smtp+starttls://host:587 or smtps://host:465;
///   KABINET_EMAIL__SMTP_USERNAME, KABINET_EMAIL__SMTP_PASSWORD, KABINET_EMAIL__FROM
///   KABINET_SMS__TRANSPORT       fake | smsru;  KABINET_SMS__SMSRU_API_ID, KABINET_SMS__SMSRU_BASE_URL,
///                                KABINET_SMS__SENDER
///   KABINET_LOG_FORMAT           json for structured logs; RUST_LOG sets the level
#[derive(Parser)]
#[command(name = "kabinet", version, verbatim_doc_comment)]
struct Cli {
    /// A TOML configuration file (default: kabinet.toml when it exists).
    #[arg(long, global = true, env = "KABINET_CONFIG")]
    config: Option<std::path::PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the HTTP server (and, unless --no-worker, the background worker in-process).
    /// Applies pending migrations first.
    Serve {
        /// Address to bind, e.g. 0.0.0.0:8080 (overrides KABINET_LISTEN).
        #[arg(long)]
        listen: Option<String>,
        /// Load the demo dataset when the database is empty and print the demo logins.
        #[arg(long)]
        demo: bool,
        /// Do not run the background worker in this process.
        #[arg(long)]
        no_worker: bool,
    },
    /// Run only the background worker (outbox delivery, orders for lines), e.g. on other nodes.
    Worker,
    /// Apply pending database migrations; running it again changes nothing.
    Migrate,
    /// Manage staff logins from the command line.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Load the demo dataset into the configured database (idempotent).
    Demo,
    /// Audit log tools.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Billing tools.
    Billing {
        #[command(subcommand)]
        command: BillingCommand,
    },
    /// Asset tools (the lifecycle every asset shares).
    Assets {
        #[command(subcommand)]
        command: AssetsCommand,
    },
    /// The device register (AST-3).
    Devices {
        #[command(subcommand)]
        command: DevicesCommand,
    },
    /// Monitoring consoles that report security events (AST-7).
    Consoles {
        #[command(subcommand)]
        command: ConsolesCommand,
    },
    /// The customer service requests queue (ORD-2).
    Requests {
        #[command(subcommand)]
        command: service::RequestsCommand,
    },
    /// Consent texts and people's consents to personal-data processing and marketing (PRV-2).
    Consents {
        #[command(subcommand)]
        command: privacy::ConsentsCommand,
    },
    /// The knowledge base (CNT-1): search it, import articles from a file.
    Knowledge {
        #[command(subcommand)]
        command: knowledge::KnowledgeCommand,
    },
    /// A person's personal data on their request (PRV-2): erasure, previewed first.
    PersonalData {
        #[command(subcommand)]
        command: privacy::PersonalDataCommand,
    },
    /// The rules of service (CNT-5).
    Rules {
        #[command(subcommand)]
        command: service::RulesCommand,
    },
    /// Usage of telecom lines (CAB-3).
    Usage {
        #[command(subcommand)]
        command: UsageCommand,
    },
    /// Service-level tools (SUP-3).
    Sla {
        #[command(subcommand)]
        command: SlaCommand,
    },
    /// Print the OpenAPI document of the JSON API.
    Openapi,
    /// Check a taxpayer or registration number: prints whether it is valid and why not;
    /// exit status 0 when valid, 1 when not. Needs no database.
    Validate {
        /// inn (10 or 12 digits), kpp, ogrn, ogrnip or national-id (the Iranian 10-digit code).
        #[arg(value_enum)]
        kind: IdArg,
        value: String,
    },
}

/// The numbers `kabinet validate` checks.
#[derive(Clone, Copy, clap::ValueEnum)]
enum IdArg {
    Inn,
    Kpp,
    Ogrn,
    Ogrnip,
    NationalId,
}

impl IdArg {
    fn kind(self) -> kabinet_core::legal_ids::IdKind {
        use kabinet_core::legal_ids::IdKind;
        match self {
            IdArg::Inn => IdKind::Inn,
            IdArg::Kpp => IdKind::Kpp,
            IdArg::Ogrn => IdKind::Ogrn,
            IdArg::Ogrnip => IdKind::Ogrnip,
            IdArg::NationalId => IdKind::NationalId,
        }
    }
}

/// What `kabinet validate` prints, and whether the value is valid.
fn validation_report(kind: kabinet_core::legal_ids::IdKind, value: &str) -> (String, bool) {
    use kabinet_core::legal_ids::{IdKind, inn};
    match kind.check(value) {
        Ok(normal) => {
            let what = match kind {
                IdKind::Inn if inn(&normal).is_ok_and(|i| i.organisation) => "INN of an organisation",
                IdKind::Inn => "INN of a person or sole proprietor",
                IdKind::Kpp => "KPP",
                IdKind::Ogrn => "OGRN",
                IdKind::Ogrnip => "OGRNIP",
                IdKind::NationalId => "Iranian national id",
            };
            (format!("valid: {normal} is a correct {what}"), true)
        }
        Err(e) => (format!("invalid {}: {e}", kind.as_str()), false),
    }
}

#[derive(Subcommand)]
enum BillingCommand {
    /// Charge every active subscription for each period begun by the date, exactly once;
    /// running it again for the same date charges nothing. The worker runs it every hour.
    /// Prints what it did as JSON.
    Run {
        /// The day to charge up to, YYYY-MM-DD (default: today in each account's time zone).
        #[arg(long, value_parser = parse_date)]
        date: Option<chrono::NaiveDate>,
    },
}

#[derive(Subcommand)]
enum AssetsCommand {
    /// Expire every asset whose service ran out before the date and remind customers of ends
    /// coming within the configured days, each reminder once; running it again for the same
    /// date changes nothing. The worker runs it every hour. Prints what it did as JSON.
    Sweep {
        /// The day it is, YYYY-MM-DD (default: today in the product's time zone).
        #[arg(long, value_parser = parse_date)]
        date: Option<chrono::NaiveDate>,
    },
}

#[derive(Subcommand)]
enum DevicesCommand {
    /// Register the devices of a CSV or XLSX file, one per row under a header of column names
    /// (the back office's import page lists them and offers a template). All or nothing: when
    /// any row has a problem, each is printed (row, column, why), nothing is registered and
    /// the exit status is 1.
    Import {
        file: std::path::PathBuf,
        /// The language of the problems printed: ru, en or fa.
        #[arg(long, default_value = "en")]
        lang: String,
    },
}

#[derive(Subcommand)]
enum ConsolesCommand {
    /// Register a console and print its token (shown only this once); the console sends it
    /// as `Authorization: Console <token>` to /api/v1/security/events.
    Add { name: String },
    /// List the consoles: id, token prefix, last use, revoked or not.
    List,
    /// Revoke a console's token.
    Revoke { id: i64 },
}

#[derive(Subcommand)]
enum UsageCommand {
    /// Import the operator's usage file (CSV or XLSX: phone, month, category, quantity,
    /// amount), charging each account once per month. All or nothing: when any row has a
    /// problem, each is printed (row, column, why), nothing is charged and the exit status is 1.
    Import {
        file: std::path::PathBuf,
        /// The language of the problems printed: ru, en or fa.
        #[arg(long, default_value = "en")]
        lang: String,
    },
}

/// Each problem of an import file: its row, its column and why, in `lang`.
fn print_problems(report: &kabinet_app::import_file::ImportReport, lang: kabinet_app::i18n::Lang) {
    for p in &report.problems {
        eprintln!("row {}, {}: {}", p.row, p.column, lang.t(&format!("err-{}", p.code)));
    }
}

/// Reads `file` and hands it to `import`; prints what was imported (`done`), or each problem
/// and that `nothing` was done (exit code 1).
async fn import_file(
    file: &std::path::Path,
    lang: &str,
    import: impl AsyncFnOnce(String, Vec<u8>) -> kabinet_app::AppResult<kabinet_app::import_file::ImportReport>,
    nothing: &str,
    done: &str,
) -> anyhow::Result<std::process::ExitCode> {
    let bytes = std::fs::read(file)?;
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let lang = kabinet_app::i18n::Lang::parse(lang).unwrap_or(kabinet_app::i18n::Lang::En);
    let report = import(name, bytes).await?;
    if report.problem_count > 0 {
        print_problems(&report, lang);
        eprintln!(
            "{}: {} problems in {} rows; {nothing}",
            file.display(),
            report.problem_count,
            report.rows
        );
        return Ok(std::process::ExitCode::from(1));
    }
    println!("{}: {} {done}", file.display(), report.imported);
    Ok(std::process::ExitCode::SUCCESS)
}

fn parse_date(s: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| format!("not a date in the form YYYY-MM-DD: {s}"))
}

#[derive(Subcommand)]
enum SlaCommand {
    /// Print the reaction and completion deadlines of a request as JSON,
    /// {"reaction_due": …, "resolution_due": …}, computed on the plan's configured calendars;
    /// null means "by agreement".
    Deadlines {
        /// The plan's code, e.g. priority or by_fact.
        #[arg(long)]
        plan: String,
        #[arg(long, value_enum)]
        class: ClassArg,
        /// When the request was registered, RFC 3339 (e.g. 2026-11-17T12:00:00+03:00).
        #[arg(long, value_parser = parse_instant)]
        opened_at: chrono::DateTime<chrono::Utc>,
    },
    /// Production calendars (public holidays and transferred working days).
    Calendar {
        #[command(subcommand)]
        command: SlaCalendarCommand,
    },
}

#[derive(Subcommand)]
enum SlaCalendarCommand {
    /// Put the days of a published production calendar into a holiday calendar: an iCalendar
    /// file (.ics), the open-data CSV (a row per year, a column per month listing days off),
    /// plain CSV rows `date;holiday|worked;note`, or the XML production calendar
    /// (`<calendar year=…><days><day d="MM.DD" t="1|3"/>`). Days already there are changed,
    /// others kept; nothing is changed when any line is bad (exit 1, the line named).
    Import {
        file: std::path::PathBuf,
        /// The holiday calendar's code.
        #[arg(long, default_value = "ru")]
        calendar: String,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum ClassArg {
    Typical,
    #[value(name = "non_standard")]
    NonStandard,
}

fn parse_instant(s: &str) -> Result<chrono::DateTime<chrono::Utc>, String> {
    chrono::DateTime::parse_from_rfc3339(s.trim())
        .map(|t| t.with_timezone(&chrono::Utc))
        .map_err(|_| format!("not an RFC 3339 time with an offset: {s}"))
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create a staff user; prints the generated password when --password is not given.
    Create {
        #[arg(long)]
        login: String,
        /// admin, manager, support, technician, accountant or partner.
        #[arg(long)]
        role: String,
        #[arg(long)]
        password: Option<String>,
        /// Full name (default: the login).
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        email: Option<String>,
        /// For the partner role: the partner's id.
        #[arg(long)]
        partner_id: Option<i64>,
    },
    /// Set a new generated password (printed), force a change at next login, end sessions.
    ResetPassword {
        #[arg(long)]
        login: String,
    },
    /// Clear a staff member's second factor (a lost phone and no recovery codes — the way back
    /// in for the last administrator); it is set up again at the next sign-in where required.
    ResetSecondFactor {
        #[arg(long)]
        login: String,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check the audit hash chain from its first record to its head; exit status 1 and the
    /// first broken record on tampering.
    Verify {
        /// A head printed earlier by `kabinet audit anchor` (SEQ:HASH): the chain must still
        /// pass through it unchanged, which proves nothing up to it was rewritten or removed.
        #[arg(long, value_parser = parse_anchor)]
        anchor: Option<kabinet_app::audit::Anchor>,
    },
    /// Print the chain's head (SEQ:HASH) to keep somewhere the database's administrators
    /// cannot change (a ticket, a printout, another system); `verify --anchor` checks it.
    Anchor,
    /// Replace the audit key kept in the data directory with a new one; the old key is kept
    /// among the retired keys, so what it sealed still verifies. Restart the nodes afterwards.
    RotateKey,
}

/// The command line acting as an administrator, named so in the records it leaves.
fn cli_admin() -> kabinet_app::access::Identity {
    kabinet_app::access::Identity {
        login: "cli".into(),
        display_name: "cli".into(),
        ..kabinet_app::access::Identity::system_admin()
    }
}

fn parse_anchor(s: &str) -> Result<kabinet_app::audit::Anchor, String> {
    s.parse().map_err(|e: &str| e.to_owned())
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    sqlite_alloc::return_freed_memory_at_once();
    sqlite_alloc::install();
    let cli = Cli::parse();
    init_logging();
    match run(cli).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::from(2)
        }
    }
}

fn init_logging() {
    let filter =
        tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,sqlx=warn,sea_orm=warn".into());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if std::env::var("KABINET_LOG_FORMAT").as_deref() == Ok("json") {
        builder.json().init();
    } else {
        builder.init();
    }
}

async fn open(config: &kabinet_app::Config) -> anyhow::Result<App> {
    let store = StoreConfig {
        url: config.database_url.clone(),
        max_connections: config.db_max_connections,
        min_connections: 1,
    };
    let db = Db::connect(&store)
        .await
        .with_context(|| format!("connecting to the database ({})", redact(&config.database_url)))?;
    db.migrate().await.context("applying migrations")?;
    let channels = notify::Channels::from_config(config)?;
    App::new(db, config.clone(), channels).map_err(|e| anyhow::anyhow!("the secret key: {e}"))
}

/// The database URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

async fn run(cli: Cli) -> anyhow::Result<std::process::ExitCode> {
    let started = Instant::now();
    let mut config = config::load(cli.config.as_deref())?;
    match cli.command {
        Command::Serve {
            listen,
            demo,
            no_worker,
        } => {
            if let Some(l) = listen {
                config.listen = l;
            }
            // Without an explicit public address, people reach the server where it listens.
            if config.public_base_url == kabinet_app::Config::default().public_base_url {
                config.public_base_url = format!("http://{}", config.listen);
            }
            // The demo's documents carry made-up requisites unless real ones are configured.
            if demo && config.requisites.inn.is_empty() {
                config.requisites = kabinet_app::config::Requisites::demo();
            }
            // … and made-up contacts unless real ones are configured.
            if demo && config.contacts.phones.is_empty() && config.contacts.address.is_empty() {
                config.contacts = kabinet_app::config::ContactsConfig::demo();
            }
            // … and look INNs up in a registry of made-up companies unless a real one is set.
            if demo && config.registry.kind == kabinet_app::config::RegistryKind::None {
                config.registry.kind = kabinet_app::config::RegistryKind::Fake;
            }
            // … and record router commands instead of sending them to routers that are not there.
            if demo {
                config.assets.router_control = kabinet_app::config::RouterControlKind::Fake;
            }
            // … and hand orders for lines to a stand-in operator that takes its time over each
            // line (so an order's progress can be watched) and refuses some.
            if demo && config.lines.provisioning == kabinet_app::config::ProvisioningKind::None {
                config.lines.provisioning = kabinet_app::config::ProvisioningKind::Fake;
                config.lines.fake_delay_millis = 150;
            }
            // … and let its shared logins in with the password alone (anyone may still set up a
            // second factor on the profile page to try it).
            if demo {
                config.second_factor_roles.clear();
            }
            // … and keep messages for the demo inbox unless a transport is set.
            if demo && config.email.transport == kabinet_app::config::EmailTransport::Unconfigured {
                config.email.transport = kabinet_app::config::EmailTransport::Fake;
            }
            if demo && config.sms.transport == kabinet_app::config::SmsTransport::Unconfigured {
                config.sms.transport = kabinet_app::config::SmsTransport::Fake;
            }
            if demo && config.whatsapp.transport == kabinet_app::config::WhatsappTransport::Unconfigured {
                config.whatsapp.transport = kabinet_app::config::WhatsappTransport::Fake;
            }
            // The demo pays through a fake bank that speaks the YooKassa API on a local port.
            let _demo_bank = if demo && config.gateway.kind == kabinet_app::config::GatewayKind::None {
                Some(start_demo_bank(&mut config).await?)
            } else {
                None
            };
            let app = open(&config).await?;
            if !no_worker {
                app.channels.refuse_silent_loss(demo)?;
            }
            if demo {
                let logins = kabinet_app::demo::load(&app).await?;
                print_demo_logins(&app, &logins);
                if let Some(bank) = &_demo_bank {
                    println!(
                        "Online payments go to a demo bank at {} (no real money).",
                        bank.base_url
                    );
                }
            }
            serve(app, !no_worker, started).await?;
        }
        Command::Worker => {
            let app = open(&config).await?;
            app.channels.refuse_silent_loss(false)?;
            tracing::info!("worker started");
            let sealer = tokio::spawn(kabinet_app::audit::run_sealer(
                app.clone(),
                SEAL_EVERY,
                shutdown_signal(),
            ));
            let orders = tokio::spawn(kabinet_app::lines::order_worker::run(
                app.clone(),
                Duration::from_secs(5),
                shutdown_signal(),
            ));
            kabinet_app::notify::worker::run(app, Duration::from_secs(2), shutdown_signal()).await;
            let _ = tokio::time::timeout(Duration::from_secs(10), orders).await;
            let _ = tokio::time::timeout(Duration::from_secs(10), sealer).await;
        }
        Command::Migrate => {
            open(&config).await?;
            println!("migrations applied");
        }
        Command::Admin { command } => return admin(&config, command).await,
        Command::Demo => {
            let app = open(&config).await?;
            let logins = kabinet_app::demo::load(&app).await?;
            kabinet_app::audit::seal_pending(&app).await?;
            print_demo_logins(&app, &logins);
        }
        Command::Audit {
            command: AuditCommand::Anchor,
        } => {
            let app = open(&config).await?;
            println!("{}", kabinet_app::audit::anchor(&app).await?);
        }
        Command::Audit {
            command: AuditCommand::RotateKey,
        } => {
            // Seal what waits under the old key first, so the new key starts on a clean head.
            let app = open(&config).await?;
            kabinet_app::audit::seal_pending(&app).await?;
            match kabinet_app::audit::keys::rotate_in_data_dir(&config.audit_key, &config.data_dir) {
                Ok(id) => println!("new audit key {id}; the old one is kept to verify what it sealed"),
                Err(e) => {
                    eprintln!("{e}");
                    return Ok(std::process::ExitCode::from(2));
                }
            }
        }
        Command::Audit {
            command: AuditCommand::Verify { anchor },
        } => {
            let app = open(&config).await?;
            let v = kabinet_app::audit::verify(&app, anchor.as_ref()).await?;
            return Ok(match v.first_broken {
                None => {
                    println!("audit chain intact: {} records", v.checked);
                    std::process::ExitCode::SUCCESS
                }
                Some((seq, why)) => {
                    println!(
                        "audit chain broken at record {seq}: {why} ({} records before it are intact)",
                        v.checked
                    );
                    std::process::ExitCode::from(1)
                }
            });
        }
        Command::Billing {
            command: BillingCommand::Run { date },
        } => {
            let app = open(&config).await?;
            let report = kabinet_app::billing::run::run(&app, date).await;
            // What the run did is sealed into the audit chain even when it stopped on an error.
            kabinet_app::audit::seal_pending(&app).await?;
            println!("{}", serde_json::to_string(&report?)?);
        }
        Command::Assets {
            command: AssetsCommand::Sweep { date },
        } => {
            let app = open(&config).await?;
            let today =
                date.unwrap_or_else(|| kabinet_app::billing::run::today_for(None, &app.config.display_time_zone));
            let r = kabinet_app::assets::lifecycle::sweep(&app, today).await?;
            println!(
                "{}",
                serde_json::json!({"date": today, "expired": r.expired, "reminded": r.reminded})
            );
        }
        Command::Devices {
            command: DevicesCommand::Import { file, lang },
        } => {
            let app = open(&config).await?;
            let import = async |name: String, bytes: Vec<u8>| {
                let actor = Actor::named("cli", None);
                kabinet_app::assets::device_import::import(&app, &actor, &cli_admin(), &name, &bytes).await
            };
            let exit = import_file(&file, &lang, import, "nothing was registered", "devices registered").await?;
            if exit == std::process::ExitCode::SUCCESS {
                kabinet_app::audit::seal_pending(&app).await?;
            }
            return Ok(exit);
        }
        Command::Consoles { command } => {
            use kabinet_app::monitoring::consoles;
            let app = open(&config).await?;
            let actor = Actor::named("cli", None);
            match command {
                ConsolesCommand::Add { name } => {
                    let made = consoles::create(&app, &actor, &name).await?;
                    println!("console {} \"{}\"", made.console.id, made.console.name);
                    println!("token (shown once): {}", made.token);
                }
                ConsolesCommand::List => {
                    for c in consoles::list(&app, &actor).await? {
                        let used = c
                            .last_used_at
                            .map(|t| t.to_rfc3339())
                            .unwrap_or_else(|| "never used".into());
                        let state = if c.revoked_at.is_some() { "revoked" } else { "active" };
                        println!("{}\t{}…\t{}\t{}\t{}", c.id, c.prefix, state, used, c.name);
                    }
                }
                ConsolesCommand::Revoke { id } => {
                    consoles::revoke(&app, &actor, id).await?;
                    println!("console {id} revoked");
                }
            }
            kabinet_app::audit::seal_pending(&app).await?;
        }
        Command::Usage {
            command: UsageCommand::Import { file, lang },
        } => {
            let app = open(&config).await?;
            let import = async |name: String, bytes: Vec<u8>| {
                kabinet_app::lines::usage::import_file(&app, &Actor::named("cli", None), &name, &bytes).await
            };
            let exit = import_file(&file, &lang, import, "nothing was charged", "usage rows charged").await?;
            if exit == std::process::ExitCode::SUCCESS {
                kabinet_app::audit::seal_pending(&app).await?;
            }
            return Ok(exit);
        }
        Command::Requests { command } => {
            let app = open(&config).await?;
            let done = service::requests(&app, &cli_admin(), command).await;
            return finish(&app, done).await;
        }
        Command::Consents { command } => {
            let app = open(&config).await?;
            let done = privacy::run(&app, &cli_admin(), command).await;
            return finish(&app, done).await;
        }
        Command::Knowledge { command } => {
            let app = open(&config).await?;
            let done = knowledge::run(&app, &cli_admin(), command).await;
            let ok = matches!(done, Ok(true));
            let exit = finish(&app, done.map(|_| ())).await?;
            return Ok(if ok { exit } else { std::process::ExitCode::from(1) });
        }
        Command::PersonalData { command } => {
            let app = open(&config).await?;
            let done = privacy::personal_data(&app, &cli_admin(), command).await;
            return finish(&app, done).await;
        }
        Command::Rules { command } => {
            let app = open(&config).await?;
            let done = service::rules(&app, &cli_admin(), command).await;
            return finish(&app, done).await;
        }
        Command::Sla {
            command: SlaCommand::Deadlines { plan, class, opened_at },
        } => {
            let app = open(&config).await?;
            let class = match class {
                ClassArg::Typical => kabinet_core::support::RequestClass::Typical,
                ClassArg::NonStandard => kabinet_core::support::RequestClass::NonStandard,
            };
            match kabinet_app::support::plans::preview(&app, &plan, class, opened_at).await {
                Ok(p) => println!("{}", serde_json::to_string(&p)?),
                Err(kabinet_app::AppError::NotFound) => {
                    eprintln!("no SLA plan with the code {plan:?}");
                    return Ok(std::process::ExitCode::from(2));
                }
                Err(e) => return Err(e.into()),
            }
        }
        Command::Sla {
            command:
                SlaCommand::Calendar {
                    command: SlaCalendarCommand::Import { file, calendar },
                },
        } => {
            let bytes = std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let days = match kabinet_app::support::calendars::read_calendar_file(&name, &bytes) {
                Ok(days) => days,
                Err(e) => {
                    eprintln!("{}: {e}", file.display());
                    return Ok(std::process::ExitCode::from(1));
                }
            };
            let app = open(&config).await?;
            let Ok(target) = kabinet_app::support::calendars::holiday_calendar_by_code(&app, &calendar).await else {
                eprintln!("no holiday calendar with the code {calendar:?}");
                return Ok(std::process::ExitCode::from(2));
            };
            let report =
                kabinet_app::support::calendars::import_days(&app, &Actor::named("cli", None), target.id, &name, &days)
                    .await?;
            kabinet_app::audit::seal_pending(&app).await?;
            println!(
                "{}: {} days added, {} changed, {} already there ({} to {})",
                target.name,
                report.added,
                report.changed,
                report.unchanged,
                report.first.map(|d| d.to_string()).unwrap_or_default(),
                report.last.map(|d| d.to_string()).unwrap_or_default()
            );
        }
        Command::Openapi => println!("{}", kabinet_web::api::openapi_json_text()),
        Command::Validate { kind, value } => {
            let (report, valid) = validation_report(kind.kind(), &value);
            println!("{report}");
            return Ok(std::process::ExitCode::from(if valid { 0 } else { 1 }));
        }
    }
    Ok(std::process::ExitCode::SUCCESS)
}

async fn admin(config: &kabinet_app::Config, command: AdminCommand) -> anyhow::Result<std::process::ExitCode> {
    let app = open(config).await?;
    let actor = Actor::named("cli", None);
    let result = match command {
        AdminCommand::Create {
            login,
            role,
            password,
            name,
            email,
            partner_id,
        } => {
            let given = password.is_some();
            users::create_staff(
                &app,
                &actor,
                users::NewUser {
                    display_name: name.unwrap_or_else(|| login.clone()),
                    login,
                    email,
                    phone: None,
                    password,
                    role,
                    language: None,
                    partner_id,
                    must_change_password: !given,
                    password_hash: None,
                },
            )
            .await
            .map(|c| match c.generated_password {
                Some(p) => println!(
                    "created {} ({}); password: {p}",
                    c.user.login,
                    c.user.staff_role.map(|r| r.as_str()).unwrap_or_default()
                ),
                None => println!(
                    "created {} ({})",
                    c.user.login,
                    c.user.staff_role.map(|r| r.as_str()).unwrap_or_default()
                ),
            })
        }
        AdminCommand::ResetPassword { login } => {
            let Some(u) = kabinet_app::access::login::find_by_identifier(&app.db.conn, &login).await? else {
                eprintln!("no user with login {login:?}");
                return Ok(std::process::ExitCode::from(1));
            };
            users::reset_password(&app, &cli_admin(), &actor, u.id)
                .await
                .map(|p| println!("new password for {}: {p} (to be changed at next login)", u.login))
        }
        AdminCommand::ResetSecondFactor { login } => {
            let Some(u) = kabinet_app::access::login::find_by_identifier(&app.db.conn, &login).await? else {
                eprintln!("no user with login {login:?}");
                return Ok(std::process::ExitCode::from(1));
            };
            kabinet_app::access::second_factor::reset_for(&app, &actor, &cli_admin(), u.id)
                .await
                .map(|()| println!("second factor of {} cleared", u.login))
        }
    };
    finish(&app, result).await
}

/// Seals what a command wrote into the audit chain and turns its outcome into the exit
/// status: each refused field printed with why (status 1), other errors as errors.
async fn finish(app: &App, result: kabinet_app::AppResult<()>) -> anyhow::Result<std::process::ExitCode> {
    kabinet_app::audit::seal_pending(app).await?;
    match result {
        Ok(()) => Ok(std::process::ExitCode::SUCCESS),
        Err(kabinet_app::AppError::Validation(errors)) => {
            for (field, code) in errors.0 {
                eprintln!("{field}: {}", kabinet_app::i18n::Lang::En.t(&format!("err-{code}")));
            }
            Ok(std::process::ExitCode::from(1))
        }
        Err(e) => Err(e.into()),
    }
}

fn print_demo_logins(app: &App, logins: &[kabinet_app::demo::DemoLogin]) {
    let base = app.config.public_base_url.trim_end_matches('/');
    println!("Demo logins (password for all: {}):", kabinet_app::demo::DEMO_PASSWORD);
    for l in logins {
        let url = if l.face == kabinet_core::access::Face::Crm {
            format!("{base}/crm/login")
        } else {
            format!("{base}/login")
        };
        println!("  {:<16} {:<13} {}  — {}", l.login, l.role, url, l.who);
    }
}

/// How often a node looks for audit records to seal into the chain.
const SEAL_EVERY: Duration = Duration::from_millis(200);

async fn serve(app: App, with_worker: bool, started: Instant) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(&app.config.listen)
        .await
        .with_context(|| format!("binding {}", app.config.listen))?;
    let addr = listener.local_addr()?;
    let worker = with_worker.then(|| {
        let app = app.clone();
        tokio::spawn(kabinet_app::notify::worker::run(
            app,
            Duration::from_secs(2),
            shutdown_signal(),
        ))
    });
    // Orders for lines are carried out where messages are delivered.
    let order_worker = with_worker.then(|| {
        tokio::spawn(kabinet_app::lines::order_worker::run(
            app.clone(),
            Duration::from_secs(5),
            shutdown_signal(),
        ))
    });
    // Every node seals the audit records of its changes (and of others') into the chain.
    let sealer = tokio::spawn(kabinet_app::audit::run_sealer(
        app.clone(),
        SEAL_EVERY,
        shutdown_signal(),
    ));
    // On PostgreSQL every node hears which dashboards changed, on any node.
    let dashboard_feed = tokio::spawn(kabinet_app::dashboard::follow(app.clone()));
    let router = kabinet_web::router(app.clone());
    println!(
        "Kabinet is listening on http://{addr} (public address {}), started in {} ms",
        app.config.public_base_url,
        started.elapsed().as_millis()
    );
    axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    if let Some(w) = worker {
        let _ = tokio::time::timeout(Duration::from_secs(10), w).await;
    }
    if let Some(w) = order_worker {
        let _ = tokio::time::timeout(Duration::from_secs(10), w).await;
    }
    let _ = tokio::time::timeout(Duration::from_secs(10), sealer).await;
    dashboard_feed.abort();
    tracing::info!("stopped");
    Ok(())
}

/// Starts the fake YooKassa and points the configuration at it, with notifications coming back
/// to this server's own address.
async fn start_demo_bank(
    config: &mut kabinet_app::Config,
) -> anyhow::Result<kabinet_web::fakes::yookassa::FakeYooKassa> {
    let own = match config.listen.parse::<SocketAddr>() {
        Ok(a) if a.ip().is_unspecified() => format!("127.0.0.1:{}", a.port()),
        _ => config.listen.clone(),
    };
    let key = kabinet_app::access::passwords::random_secret(16);
    let bank = kabinet_web::fakes::yookassa::FakeYooKassa::start(
        "127.0.0.1:0",
        format!("http://{own}/api/v1/gateway/yookassa?key={key}"),
    )
    .await
    .context("starting the demo bank")?;
    config.gateway.kind = kabinet_app::config::GatewayKind::Yookassa;
    config.gateway.base_url = bank.base_url.clone();
    config.gateway.shop_id = bank.shop_id.clone();
    config.gateway.secret_key = bank.secret_key.clone();
    config.gateway.notification_key = key;
    config.gateway.notification_sources = vec!["127.0.0.0/8".into(), "::1/128".into()];
    Ok(bank)
}

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
