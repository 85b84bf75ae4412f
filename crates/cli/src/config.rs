//! Reading the configuration: defaults, then `kabinet.toml`, then the environment.

use std::path::Path;

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use kabinet_app::Config;

/// Defaults overlaid by the TOML file (the named one, or `kabinet.toml` when it exists).
fn from_files(file: Option<&Path>) -> anyhow::Result<Figment> {
    let figment = Figment::from(Serialized::defaults(Config::default()));
    Ok(match file {
        Some(path) => {
            anyhow::ensure!(path.exists(), "configuration file {} does not exist", path.display());
            figment.merge(Toml::file(path))
        }
        None => figment.merge(Toml::file("kabinet.toml")),
    })
}

pub fn load(file: Option<&Path>) -> anyhow::Result<Config> {
    let figment = from_files(file)?
        .merge(Env::prefixed("KABINET_").ignore(&["CONFIG", "LOG_FORMAT"]).split("__"))
        .merge(Env::raw().only(&["DATABASE_URL"]));
    Ok(figment.extract()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_file_is_valid() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../kabinet.example.toml");
        let config: Config = from_files(Some(&path)).unwrap().extract().unwrap();
        assert!(config.database_url.starts_with("postgres://"));
        assert_eq!(config.email.transport, "smtp");
        assert_eq!(config.sms.transport, "smsru");
        assert!(config.cookies_secure());
        assert_eq!(config.requisites.vat_rate, 22);
        assert!(!config.requisites.inn.is_empty());
    }

    #[test]
    fn a_missing_file_is_an_error() {
        assert!(from_files(Some(Path::new("/nonexistent/kabinet.toml"))).is_err());
    }
}
