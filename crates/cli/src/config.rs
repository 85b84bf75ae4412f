//! Reading the configuration: defaults, then `kabinet.toml`, then the environment.

use std::path::Path;

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use kabinet_app::Config;

pub fn load(file: Option<&Path>) -> anyhow::Result<Config> {
    let mut figment = Figment::from(Serialized::defaults(Config::default()));
    match file {
        Some(path) => {
            anyhow::ensure!(path.exists(), "configuration file {} does not exist", path.display());
            figment = figment.merge(Toml::file(path));
        }
        None => figment = figment.merge(Toml::file("kabinet.toml")),
    }
    figment = figment
        .merge(Env::prefixed("KABINET_").ignore(&["CONFIG", "LOG_FORMAT"]).split("__"))
        .merge(Env::raw().only(&["DATABASE_URL"]));
    let config: Config = figment.extract()?;
    Ok(config)
}
