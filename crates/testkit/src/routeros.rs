//! A fake MikroTik router speaking the RouterOS API (TCP, length-prefixed words): it checks
//! the login, records the commands it takes, and answers `!done` or `!trap`.

use std::sync::{Arc, Mutex};

use kabinet_app::assets::router::{encode_sentence, read_sentence};
use tokio::io::AsyncWriteExt;

#[derive(Clone, Default)]
pub struct FakeRouterOs {
    pub user: String,
    pub password: String,
    /// Every command taken after a good login.
    pub commands: Arc<Mutex<Vec<String>>>,
}

impl FakeRouterOs {
    /// Listens on a free local port; returns the router and the port.
    pub async fn start(user: &str, password: &str) -> (FakeRouterOs, u16) {
        let fake = FakeRouterOs {
            user: user.into(),
            password: password.into(),
            ..Default::default()
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind fake router");
        let port = listener.local_addr().expect("addr").port();
        let f = fake.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let f = f.clone();
                tokio::spawn(async move {
                    let _ = f.serve(stream).await;
                });
            }
        });
        (fake, port)
    }

    async fn serve(&self, mut stream: tokio::net::TcpStream) -> std::io::Result<()> {
        let mut logged_in = false;
        loop {
            let words = read_sentence(&mut stream).await?;
            let Some(command) = words.first().cloned() else {
                continue;
            };
            let arg = |name: &str| {
                words
                    .iter()
                    .find_map(|w| w.strip_prefix(&format!("={name}=")))
                    .unwrap_or_default()
                    .to_owned()
            };
            let reply: Vec<Vec<String>> = match command.as_str() {
                "/login" if arg("name") == self.user && arg("password") == self.password => {
                    logged_in = true;
                    vec![vec!["!done".into()]]
                }
                "/login" => vec![
                    vec!["!trap".into(), "=message=invalid user name or password (6)".into()],
                    vec!["!done".into()],
                ],
                _ if !logged_in => vec![
                    vec!["!trap".into(), "=message=not logged in".into()],
                    vec!["!done".into()],
                ],
                other => {
                    self.commands.lock().unwrap().push(other.to_owned());
                    vec![vec!["!done".into()]]
                }
            };
            for sentence in reply {
                let words: Vec<&str> = sentence.iter().map(String::as_str).collect();
                stream.write_all(&encode_sentence(&words)).await?;
            }
            if command == "/system/reboot" && logged_in {
                // A router going down closes the connection.
                return Ok(());
            }
        }
    }
}
