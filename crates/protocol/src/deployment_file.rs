use serde::{Deserialize, Serialize};

/// The deployment file IT ships with the app (TOML). The server writes it, the
/// app reads it; each side does its own TOML and file handling.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeploymentFile {
    /// The queue server's base URL, such as `https://help.example.com`.
    pub server_url: String,
    /// The `dk_` deployment key.
    pub deployment_key: String,
    /// How the app looks.
    #[serde(default)]
    pub branding: Branding,
    /// How the app behaves.
    #[serde(default)]
    pub behaviour: Behaviour,
    /// Lets the app speak plain `http://` to a server that is not on the
    /// same machine (a lab or a trusted LAN); without it only `https://` and
    /// loopback addresses are accepted. Left out of the file when false.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub allow_insecure_http: bool,
}

/// The company's look in the app. Every field may be left out; the
/// defaults fill in (IT often sets only the company name).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Branding {
    /// Shown in the window title and texts.
    pub company_name: String,
    /// `#rrggbb` accent colour.
    pub accent_color: String,
    /// Logo image: a `data:image/…;base64,` URL carried in the file, or a
    /// path relative to the deployment file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo: Option<String>,
}

impl Default for Branding {
    fn default() -> Self {
        Self {
            company_name: "Lifeline".into(),
            accent_color: "#c62828".into(),
            logo: None,
        }
    }
}

/// The language the app speaks.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(into = "String", from = "String")]
pub enum Language {
    /// Follow the operating system's locale.
    #[default]
    Auto,
    /// A language tag such as `en` or `es`.
    Fixed(String),
}

impl From<String> for Language {
    fn from(text: String) -> Self {
        if text == "auto" {
            Language::Auto
        } else {
            Language::Fixed(text)
        }
    }
}

impl From<Language> for String {
    fn from(language: Language) -> String {
        match language {
            Language::Auto => "auto".into(),
            Language::Fixed(tag) => tag,
        }
    }
}

/// What the app does on its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Behaviour {
    /// `auto` or a language tag.
    #[serde(default)]
    pub language: Language,
    /// Start hidden in the tray at login.
    #[serde(default)]
    pub autostart: bool,
    /// Put the SOS shortcut back even if the user deleted it.
    #[serde(default)]
    pub enforce_shortcut: bool,
    /// The shortcut's (and launcher's) name.
    #[serde(default = "default_shortcut_name")]
    pub shortcut_name: String,
}

fn default_shortcut_name() -> String {
    "Lifeline SOS".into()
}

impl Default for Behaviour {
    fn default() -> Self {
        Self {
            language: Language::Auto,
            autostart: false,
            enforce_shortcut: false,
            shortcut_name: default_shortcut_name(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_branding_table_with_only_the_company_name_takes_the_default_colour() {
        let file: DeploymentFile = toml::from_str(
            "server_url = \"https://help.example.com\"\ndeployment_key = \"dk_x\"\n\n[branding]\ncompany_name = \"Acme IT\"\n",
        )
        .expect("a partial branding table parses");
        assert_eq!(file.branding.company_name, "Acme IT");
        assert_eq!(file.branding.accent_color, Branding::default().accent_color);
    }
}
