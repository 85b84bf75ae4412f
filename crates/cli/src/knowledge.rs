//! `kabinet knowledge`: the knowledge base (CNT-1) from the command line, acting as the
//! product's administrator — search it as staff read it, and import articles from a file.

use clap::Subcommand;
use kabinet_app::access::{Actor, Identity};
use kabinet_app::knowledge::{editing, search};
use kabinet_app::{App, AppResult};

#[derive(Subcommand)]
pub enum KnowledgeCommand {
    /// The articles matching the words, best first (tab-separated: article, language, title).
    Search {
        query: String,
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
    /// Import articles from a JSON Lines file, all or nothing: one article per line,
    /// `{"category": "hotspot", "device_type": null, "publish": true, "texts": [{"language":
    /// "ru", "title": "…", "body": "Markdown", "tags": "a, b", "video_url": ""}]}`. Any problem
    /// prints each (line, field, why) and imports nothing (exit 1).
    Import { file: std::path::PathBuf },
}

pub async fn run(app: &App, who: &Identity, command: KnowledgeCommand) -> AppResult<bool> {
    match command {
        KnowledgeCommand::Search { query, limit } => {
            for h in search::search(app, who, &query, limit).await? {
                println!("{}\t{}\t{}", h.article_id, h.language, h.title);
            }
            Ok(true)
        }
        KnowledgeCommand::Import { file } => {
            let text =
                std::fs::read_to_string(&file).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
            let mut articles = Vec::new();
            let mut unreadable = false;
            for (i, line) in text.lines().enumerate() {
                if line.trim().is_empty() {
                    continue;
                }
                match serde_json::from_str::<editing::ImportArticle>(line) {
                    Ok(a) => articles.push((i + 1, a)),
                    Err(e) => {
                        println!("line {}: not an article: {e}", i + 1);
                        unreadable = true;
                    }
                }
            }
            if unreadable {
                return Ok(false);
            }
            match editing::import(app, &Actor::named("cli", None), who, articles).await? {
                Ok(n) => {
                    println!("imported {n} articles");
                    Ok(true)
                }
                Err(problems) => {
                    for p in problems {
                        println!(
                            "line {}: {}: {}",
                            p.line,
                            p.field,
                            who.language.t(&format!("err-{}", p.code))
                        );
                    }
                    Ok(false)
                }
            }
        }
    }
}
