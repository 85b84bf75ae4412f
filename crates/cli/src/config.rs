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
        assert_eq!(config.email.transport, kabinet_app::config::EmailTransport::Smtp);
        assert_eq!(config.sms.transport, kabinet_app::config::SmsTransport::Smsru);
        assert!(config.cookies_secure());
        assert_eq!(config.requisites.vat_rate, 22);
        assert!(!config.requisites.inn.is_empty());
    }

    #[test]
    fn an_unknown_kind_stops_the_start_naming_the_key_and_the_choices() {
        let dir = std::env::temp_dir().join(format!("kabinet-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for (text, key, choice) in [
            ("[gateway]\nkind = \"yokassa\"\n", "gateway.kind", "yookassa"),
            ("[registry]\nkind = \"dadat\"\n", "registry.kind", "dadata"),
            (
                "[assets]\nrouter_control = \"mikrotik\"\n",
                "assets.router_control",
                "routeros",
            ),
            ("[email]\ntransport = \"sendmail\"\n", "email.transport", "smtp"),
            ("[sms]\ntransport = \"twilio\"\n", "sms.transport", "smsru"),
        ] {
            let path = dir.join("kabinet.toml");
            std::fs::write(&path, text).unwrap();
            let err = from_files(Some(&path))
                .unwrap()
                .extract::<Config>()
                .expect_err(text)
                .to_string();
            assert!(err.contains(key) && err.contains(choice), "{text}: {err}");
        }
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn a_missing_file_is_an_error() {
        assert!(from_files(Some(Path::new("/nonexistent/kabinet.toml"))).is_err());
    }
}
